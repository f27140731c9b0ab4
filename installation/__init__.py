"""installation: generative audio-visual scenes of a warm, near-future Los Angeles."""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it, `installation --version` says it
