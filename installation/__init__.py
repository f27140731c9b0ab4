"""installation: generative audio-visual scenes of a warm, near-future Los Angeles."""

__version__ = "0.1.0"
