"""Listening by measuring: the figures the sound report and the tests read from samples."""

from __future__ import annotations

import numpy as np

from installation.sound.loudness import integrated_loudness

__all__ = ["lr_correlation", "short_term_loudness", "spectral_centroid"]

SHORT_TERM = 3.0  # seconds: EBU R 128's short-term loudness window


def spectral_centroid(x: np.ndarray, sr: int) -> float:
    """The spectrum's centre of mass in Hz: low is warm, high is bright."""
    mono = x.mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    freqs = np.fft.rfftfreq(len(mono), 1 / sr)
    return float((spectrum * freqs).sum() / spectrum.sum())


def lr_correlation(x: np.ndarray) -> float:
    """Correlation of left and right: 1 mono, 0 wide, below 0 phasey."""
    left, right = x[:, 0] - x[:, 0].mean(), x[:, 1] - x[:, 1].mean()
    denominator = np.sqrt((left**2).sum() * (right**2).sum())
    return float((left * right).sum() / denominator) if denominator else 1.0


def short_term_loudness(x: np.ndarray, sr: int, hop: float = 1.0) -> np.ndarray:
    """Loudness of every 3-second window, a second apart, in LUFS (BS.1770 per window)."""
    size, step = int(SHORT_TERM * sr), int(hop * sr)
    values = [integrated_loudness(x[i : i + size], sr) for i in range(0, len(x) - size + 1, step)]
    return np.array(values, dtype=float)
