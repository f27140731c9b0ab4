"""Noise from tables: white, pink and brown noise read from long seamless loops.

pyo's noise generators draw a random number per sample and cost 3 to 4 ms of CPU per second of
sound each (measured: ten times a filter's cost), and the voices use a dozen of them: noise
alone kept offline sound under 20x real time. Here each colour is made once (numpy, a fixed
seed), 2^20 samples long (21.8 s at 48 kHz), shaped in the frequency domain with random phases
so it loops with no seam, and read by a table oscillator at a fraction of the cost. Readers of
the same table start seconds apart in it, so no two voices hear the same noise in step.
"""

from __future__ import annotations

import functools

import numpy as np

from installation.lazy import pyo

__all__ = ["LENGTH", "NoiseBank", "noise_samples"]

LENGTH = 2**20
#: each colour at the level pyo's own generator has (measured RMS), so voices keep their balance
RMS = {"white": 0.5716, "pink": 0.3482, "brown": 0.4094}


@functools.cache
def noise_samples(colour: str) -> np.ndarray:
    """LENGTH samples of ``colour`` noise, seamless when looped, float32."""
    rng = np.random.default_rng({"white": 1, "pink": 2, "brown": 3}[colour])
    if colour == "white":
        x = rng.uniform(-1.0, 1.0, LENGTH)
    else:
        freqs = np.fft.rfftfreq(LENGTH, 1 / 48000)
        power = 1.0 if colour == "pink" else 2.0  # 1/f or 1/f^2 in power
        amplitude = 1.0 / np.maximum(freqs, 20.0) ** (power / 2)  # flat below 20 Hz
        amplitude[0] = 0.0
        phases = rng.uniform(0, 2 * np.pi, len(freqs))
        x = np.fft.irfft(amplitude * np.exp(1j * phases), n=LENGTH)
    x *= RMS[colour] / np.sqrt(np.mean(x**2))
    return x.astype(np.float32)


class NoiseBank:
    """The noise tables of one sound graph (pyo tables belong to the server they are made on)."""

    def __init__(self):
        self.tables: dict[str, pyo.DataTable] = {}
        self.readers = 0

    def __call__(self, colour: str = "white", mul=1.0) -> pyo.PyoObject:
        """A new reader of ``colour`` noise (``white``, ``pink`` or ``brown``)."""
        if colour not in self.tables:
            table = pyo.DataTable(size=LENGTH)
            np.asarray(table.getBuffer())[:] = noise_samples(colour)
            self.tables[colour] = table
        table = self.tables[colour]
        self.readers += 1
        # each reader starts at its own place in the loop (0.618 of it further: the golden
        # ratio keeps them far apart however many there are); at its own rate it steps from
        # sample to sample, so nothing is interpolated or skipped
        phase = (self.readers * 0.6180339887) % 1.0
        return pyo.Osc(table, freq=table.getRate(), phase=phase, interp=1, mul=mul)
