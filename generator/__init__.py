"""cablesite: a static-site generator for collections of diplomatic cables."""

__version__ = "0.1.0"
