"""symgrad.tools"""
