"""Jarnama: open-source AdTech middleware for Kazakhstan."""

__version__ = "0.1.0"
