"""The share of a mix's notes in its key, measured from the samples (sound/chroma.py)."""

from __future__ import annotations

import numpy as np
import pytest

from installation.sound.chroma import (
    chroma,
    chroma_correlation,
    in_key_share,
    key_pitch_classes,
)

SR = 48000
T = np.arange(SR * 6) / SR
RNG = np.random.default_rng(5)


def _note(midi: int, level: float = 0.1, partials: int = 12) -> np.ndarray:
    """A note with a saw's partials (1/k): its 5th, 7th, 11th and 13th are off the key's notes."""
    f = 440.0 * 2 ** ((midi - 69) / 12)
    return sum(level / k * np.sin(2 * np.pi * f * k * T) for k in range(1, partials + 1))


def _stereo(mono: np.ndarray) -> np.ndarray:
    return np.stack([mono, mono], axis=1)


def test_the_keys_notes():
    assert key_pitch_classes("D", "lydian") == {2, 4, 6, 8, 9, 11, 1}
    assert key_pitch_classes("C", "pentatonic") == {0, 2, 4, 7, 9}


def test_a_chord_of_the_key_is_in_it_partials_and_all():
    b_minor = _note(47) + _note(50) + _note(54)  # B D F#: B's 5th partial is a D#
    assert in_key_share(_stereo(b_minor), SR, "D", "major") > 0.99
    shares = chroma(_stereo(b_minor), SR)
    assert shares.sum() == pytest.approx(1.0)
    assert set(np.argsort(shares)[-3:]) == {11, 2, 6}


def test_a_wrong_note_costs_its_share_and_noise_costs_nothing():
    c_major = _note(60) + _note(64) + _note(67)
    wrong = c_major + _note(66)  # F# in C major: a quarter of the notes
    noisy = c_major + 0.3 * RNG.standard_normal(len(T))
    assert in_key_share(_stereo(wrong), SR, "C", "major") == pytest.approx(0.75, abs=0.05)
    assert in_key_share(_stereo(noisy), SR, "C", "major") > 0.98
    assert in_key_share(_stereo(0.3 * RNG.standard_normal(len(T))), SR, "C", "major") > 0.9


def test_chromas_of_different_harmonies_are_told_apart():
    a = chroma(_stereo(_note(60) + _note(64) + _note(67)), SR)
    b = chroma(_stereo(_note(60) + _note(64) + _note(67) + _note(72, 0.02)), SR)
    c = chroma(_stereo(_note(57) + _note(62) + _note(66)), SR)
    assert chroma_correlation(a, b) > 0.95
    assert chroma_correlation(a, c) < 0.2
