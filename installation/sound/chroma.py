"""Pitch content, measured from the samples: what share of a mix's tones lie in its key, and how
alike two passages are in the pitches they use.

Only the tones count, not the noise: in each frame of a short-time spectrum a tone is a peak that
stands TONE_DB over the spectrum's floor around it (rain, sea and wind make no such peaks; a pad's,
a piano's and a voice's partials do), its frequency refined between bins (a parabola through the
log magnitudes), so low notes a semitone apart are told apart. Notes, not partials: a peak that
lies on a harmonic of a lower peak (within HARMONIC_CENTS, a stiff string's stretch included) is
that note's, and its power goes to that note's pitch class (a saw's seventh harmonic is not a
wrong note; the fifth harmonic of B is not a D# in D major). The result is a chroma: twelve shares
of the tonal power, C to B.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "TONE_DB",
    "chroma",
    "chroma_correlation",
    "chroma_frames",
    "in_key_share",
    "key_pitch_classes",
]

TONE_DB = 12.0  # a peak this far over the local floor is a tone
LOWEST, HIGHEST = 90.0, 2100.0  # Hz: the range tones are read in (F#2 to C7)
WINDOW = 8192  # samples: 5.9 Hz between bins at 48 kHz
FLOOR_BINS = 41  # the floor is the median over this many bins around each
HARMONIC_CENTS = 35.0  # a peak this close to k times a lower one is its k-th harmonic
HARMONICS = 16  # counted up to this one


def key_pitch_classes(key: str, mode: str) -> frozenset[int]:
    """The pitch classes of ``key`` in ``mode`` (0 is C)."""
    from installation.sound.harmony import MODES, NOTES

    return frozenset((NOTES[key] + step) % 12 for step in MODES[mode])


def chroma_frames(x: np.ndarray, sr: int, hop_seconds: float = 0.5) -> np.ndarray:
    """(frames, 12): the tonal power of each pitch class in each frame, ``hop_seconds`` apart."""
    from scipy.ndimage import median_filter

    mono = (x.mean(axis=1) if x.ndim == 2 else x).astype(np.float64)
    hop = max(1, int(hop_seconds * sr))
    window = np.hanning(WINDOW)
    freqs = np.fft.rfftfreq(WINDOW, 1 / sr)
    lo, hi = np.searchsorted(freqs, [LOWEST, HIGHEST])
    starts = range(0, max(0, len(mono) - WINDOW) + 1, hop)
    out = np.zeros((len(starts), 12))
    for row, start in enumerate(starts):
        spectrum = np.abs(np.fft.rfft(mono[start : start + WINDOW] * window)) ** 2
        db = 10 * np.log10(spectrum + 1e-30)
        floor = median_filter(db[: hi + FLOOR_BINS], size=FLOOR_BINS, mode="nearest")[lo:hi]
        band = db[lo:hi]
        peak = band[1:-1] > np.maximum(band[:-2], floor[1:-1] + TONE_DB)
        peak &= band[1:-1] >= band[2:]
        index = np.nonzero(peak)[0] + 1 + lo
        if not len(index):
            continue
        a, b, c = db[index - 1], db[index], db[index + 1]
        shift = 0.5 * (a - c) / np.where(a - 2 * b + c == 0, -1e-9, a - 2 * b + c)
        hz = (index + np.clip(shift, -0.5, 0.5)) * sr / WINDOW
        power = spectrum[index - 1] + spectrum[index] + spectrum[index + 1]
        np.add.at(out[row], _notes(hz, power), power)
    return out


def _notes(hz: np.ndarray, power: np.ndarray) -> np.ndarray:
    """The pitch class each peak (sorted by frequency) belongs to: its own, or that of the
    strongest lower peak it is a harmonic of."""
    own = np.round(12 * np.log2(hz / 440.0) + 69).astype(int) % 12
    ratio = hz[None, :] / hz[:, None]  # [i, j]: peak j over peak i
    k = np.round(ratio)
    near = (
        (k >= 2)
        & (k <= HARMONICS)
        & (np.abs(1200 * np.log2(ratio / np.maximum(k, 1))) < HARMONIC_CENTS)
    )
    out = own.copy()
    for j in range(len(hz)):
        below = np.nonzero(near[:j, j])[0]
        if len(below):
            out[j] = out[below[np.argmax(power[below])]]
    return out


def chroma(x: np.ndarray, sr: int) -> np.ndarray:
    """Twelve shares of the tonal power over the whole of ``x`` (summing to 1; zeros if none)."""
    total = chroma_frames(x, sr).sum(axis=0)
    return total / total.sum() if total.sum() > 0 else total


def in_key_share(x: np.ndarray, sr: int, key: str, mode: str) -> float:
    """The share of the tonal power whose pitch class is in ``key`` ``mode``, 0..1 (1 if there
    are no tones at all)."""
    shares = chroma(x, sr)
    if shares.sum() == 0:
        return 1.0
    return float(sum(shares[pc] for pc in key_pitch_classes(key, mode)))


def chroma_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two chromas: 1 the same pitches in the same proportions."""
    a, b = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denominator) if denominator else 1.0
