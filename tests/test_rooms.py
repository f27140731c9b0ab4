"""The rooms as an acoustician measures them: the Schroeder analysis of each bundled response.

A response holds what the room adds and nothing else (the mix has the dry sound): no direct
spike, reflections scattered into a dense field, a clarity (C80) and definition (D50) near what
a room that decays evenly at its RT60 has, an early decay time close to that RT60, and two ears
that hear the field as two points 18 cm apart do (alike in the bass, unrelated in the highs).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from installation.sound.acoustics import echo_density, expected, room_figures, schroeder_db
from installation.sound.engine import SAMPLE_RATE as SR
from installation.sound.rooms import ROOMS, impulse_response

RNG = np.random.default_rng(11)


def _exponential(rt60: float, seconds: float = 3.0) -> np.ndarray:
    """Noise decaying 60 dB over ``rt60``: the response of a perfectly diffuse room."""
    t = np.arange(int(seconds * SR)) / SR
    return RNG.standard_normal(len(t)) * np.exp(-6.91 * t / rt60)


def test_the_schroeder_analysis_reads_an_even_decay_as_the_theory_says():
    # one noise's decay wobbles a little about its envelope: a few per cent, half a decibel
    for rt60 in (0.4, 1.0, 2.5):
        h = _exponential(rt60, seconds=1.5 * rt60 + 0.5)
        figures = room_figures(h, SR)
        assert figures.rt60 == pytest.approx(rt60, rel=0.12)
        assert figures.edt == pytest.approx(rt60, rel=0.15)
        assert figures.c80 == pytest.approx(expected(rt60)[0], abs=1.6)
        assert figures.d50 == pytest.approx(expected(rt60)[1], abs=0.08)
        assert figures.correlation == pytest.approx(1.0)  # one mono response to both ears
        assert echo_density(h, SR, 0.02, 0.08) == pytest.approx(1.0, abs=0.1)
    curve = schroeder_db(_exponential(1.0))
    assert curve[0] == 0.0 and np.all(np.diff(curve) <= 1e-9)


def test_a_direct_spike_and_sparse_mirror_images_are_seen():
    h = _exponential(0.6) * 0.02
    spiked = h.copy()
    spiked[0] = 1.0
    assert room_figures(spiked, SR).direct > 0.5
    assert room_figures(h, SR).direct < 0.05
    sparse = np.zeros(SR)
    sparse[[0, 480, 1300, 2100, 3000]] = [1.0, 0.7, 0.5, 0.4, 0.3]
    assert echo_density(sparse, SR, 0.0, 0.08) < 0.2


@pytest.fixture(scope="module")
def figures():
    return {name: room_figures(impulse_response(room), SR) for name, room in ROOMS.items()}


@pytest.mark.parametrize("name", sorted(ROOMS))
def test_each_room_is_heard_as_a_room(figures, name):
    f = figures[name]
    said = f"{name}: {f.as_dict()}"
    assert f.direct < 0.12, "starts with a spike: a dry copy under the mix " + said
    assert f.echo_density > 0.7, "a few mirror images, not a diffuse field " + said
    assert abs(f.c80 - f.c80_expected) <= 2.0, said
    assert abs(f.d50 - f.d50_expected) <= 0.1, said
    assert 0.85 <= f.edt / f.rt60 <= 1.2, "the decay bends: " + said
    assert -0.05 <= f.correlation <= 0.3, said


def test_rooms_ring_in_the_order_of_their_size(figures):
    order = ["small-room", "apartment", "open-air", "concrete-hall"]
    rts = [figures[name].rt60 for name in order]
    assert rts == sorted(rts), rts
    assert 0.25 < rts[0] < 0.5 and 2.0 < rts[-1] < 3.5


def test_the_ears_are_alike_in_the_bass_and_apart_in_the_highs():
    from scipy.signal import butter, sosfilt

    ir = impulse_response(ROOMS["concrete-hall"]).astype(np.float64)

    def correlation(low: float, high: float) -> float:
        band = sosfilt(butter(4, [low, high], btype="bandpass", fs=SR, output="sos"), ir, axis=0)
        left, right = band[:, 0], band[:, 1]
        return float((left * right).sum() / math.sqrt((left**2).sum() * (right**2).sum()))

    assert correlation(90, 180) > 0.8  # a diffuse field at 18 cm: nearly one signal
    assert abs(correlation(2000, 8000)) < 0.15  # and unrelated up high
