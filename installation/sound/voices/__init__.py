"""One module per voice; each registers itself with ``VOICES``."""
