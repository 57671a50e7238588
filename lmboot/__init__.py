"""lmboot: bootstrap an n-gram LM for a new language by translating in-domain text."""

__version__ = "0.1.0"
