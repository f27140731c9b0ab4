"""Post effects, one module each; the base class and registry live in ``base``."""
