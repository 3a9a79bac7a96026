"""Dialects defined by symgrad."""
