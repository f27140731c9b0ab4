"""One module per layer; each registers itself with ``LAYERS``."""
