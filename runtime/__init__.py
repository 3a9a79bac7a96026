"""symgrad.runtime"""
