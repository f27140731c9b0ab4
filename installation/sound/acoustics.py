"""Rooms measured as an acoustician measures them: the Schroeder analysis of an impulse response.

From the energy decay curve (Schroeder's backward integral of the squared response, ISO 3382-1),
at mid frequencies as ISO 3382 reports a room (the 500 Hz and 1 kHz octaves together, 354 Hz to
1.41 kHz: where the highs' faster decay and the lows' slower one do not bend the line):

- **RT60** from the fall between -5 and -25 dB (T20), and **EDT** from the first 10 dB, both
  scaled to 60 dB: a room that reverberates evenly has EDT close to RT60;
- **C80** (clarity): the energy of the first 80 ms over the rest, in dB, and **D50** (definition):
  the share of the energy in the first 50 ms; both counted from the response's onset (where it
  first comes within 20 dB of its peak);
- the **correlation** of the two ears' responses (1 the same, 0 unrelated, below 0 out of phase);
- the **echo density** of the early part (Abel and Huang's normalised echo density over 20 ms
  windows, 1 for a response as dense as noise, near 0 for a few separate reflections);
- the **direct spike**: the share of the first 20 ms's energy (broadband) in its loudest sample,
  near 1 when the response starts with a dry copy of the sound, a few hundredths when it starts
  with scattered reflections.

A response made for a convolution reverb whose dry signal is already in the mix has no direct
sound, so its C80 and D50 are those of the reflections alone. For a room of reverberation time T
that decays evenly (Barron's revised theory without the direct term), they are
C80 = 10 log10(exp(13.82 * 0.08 / T) - 1) and D50 = 1 - exp(-13.82 * 0.05 / T): ``expected``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["RoomFigures", "echo_density", "expected", "room_figures", "schroeder_db"]


def schroeder_db(h: np.ndarray) -> np.ndarray:
    """The energy decay curve of a mono response, in dB under its start."""
    energy = np.cumsum((h.astype(np.float64) ** 2)[::-1])[::-1]
    return 10 * np.log10(energy / energy[0] + 1e-30)


def _fall_time(curve: np.ndarray, sr: int, top: float, bottom: float) -> float:
    """Seconds to fall 60 dB, from a straight line fitted to ``curve`` between ``top`` and
    ``bottom`` dB (both negative)."""
    inside = np.nonzero((curve <= top) & (curve >= bottom))[0]
    if len(inside) < 2:
        return math.nan
    slope = np.polyfit(inside / sr, curve[inside], 1)[0]  # dB a second
    return -60.0 / slope if slope < 0 else math.inf


def onset(h: np.ndarray) -> int:
    """Where a response starts: its first sample within 20 dB of its peak (ISO 3382-1)."""
    magnitude = np.abs(h)
    return int(np.argmax(magnitude >= magnitude.max() * 0.1))


def echo_density(h: np.ndarray, sr: int, start: float, end: float) -> float:
    """Normalised echo density between ``start`` and ``end`` seconds after the onset: the share
    of samples more than a standard deviation from zero in each 20 ms window, over the share a
    Gaussian noise has (erfc(1/sqrt 2)); averaged over the windows."""
    zero = onset(h)
    size = int(0.02 * sr)
    values = []
    for a in range(zero + int(start * sr), zero + int(end * sr) - size + 1, size // 2):
        window = h[a : a + size]
        sigma = math.sqrt(float(np.mean(window**2)))
        if sigma > 0:
            values.append(float(np.mean(np.abs(window) > sigma)) / math.erfc(1 / math.sqrt(2)))
    return float(np.mean(values)) if values else 0.0


def expected(rt60: float) -> tuple[float, float]:
    """C80 (dB) and D50 of the reflections of a room that decays evenly over ``rt60`` s."""
    return (10 * math.log10(math.expm1(13.82 * 0.08 / rt60)), -math.expm1(-13.82 * 0.05 / rt60))


@dataclass
class RoomFigures:
    rt60: float  # s, T20
    edt: float  # s
    c80: float  # dB
    d50: float  # 0..1
    correlation: float  # of the two ears
    echo_density: float  # 20 to 80 ms
    direct: float  # share of the first 20 ms's energy in its loudest sample
    c80_expected: float
    d50_expected: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 3) for k, v in asdict(self).items()}


def room_figures(ir: np.ndarray, sr: int) -> RoomFigures:
    """Every figure above for a stereo (n, 2) or mono response."""
    stereo = ir if ir.ndim == 2 else np.stack([ir, ir], axis=1)
    from scipy.signal import butter, sosfiltfilt

    stereo = stereo.astype(np.float64)
    broad = stereo.mean(axis=1)
    zero = onset(broad)
    mid = sosfiltfilt(butter(3, [354.0, 1414.0], btype="bandpass", fs=sr, output="sos"), broad)
    h = mid[zero:]
    curve = schroeder_db(h)
    rt60 = _fall_time(curve, sr, -5.0, -25.0)
    edt = _fall_time(curve, sr, 0.0, -10.0)
    energy = h**2
    early80, early50 = int(0.08 * sr), int(0.05 * sr)
    c80 = 10 * math.log10(energy[:early80].sum() / max(energy[early80:].sum(), 1e-30))
    d50 = float(energy[:early50].sum() / energy.sum())
    left, right = stereo[zero:, 0], stereo[zero:, 1]
    correlation = float(
        (left * right).sum() / math.sqrt(float((left**2).sum() * (right**2).sum()) or 1.0)
    )
    first = broad[zero : zero + int(0.02 * sr)] ** 2
    c80_expected, d50_expected = expected(rt60)
    return RoomFigures(
        rt60=rt60,
        edt=edt,
        c80=c80,
        d50=d50,
        correlation=correlation,
        echo_density=echo_density(broad, sr, 0.02, 0.08),
        direct=float(first.max() / first.sum()),
        c80_expected=c80_expected,
        d50_expected=d50_expected,
    )
