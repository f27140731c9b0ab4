"""A felt piano note, modelled from what makes a piano sound like one, rendered with numpy.

The piano voice plays these notes from tables, so a rich model costs nothing while playing. A
note takes about 35 ms to make, so each is made once per machine and kept in the cache folder
(keyed by this file's own bytes: a change to the model makes them afresh); a process keeps only
the last few dozen in memory, since a graph holds its own copy in its tables (the sound process
of a months-long show would otherwise hold every note of every key it has played). What the
model keeps:

- **Stiff strings**: partial k sits at k f0 sqrt(1 + B k^2), not k f0; the inharmonicity B grows
  toward the treble, which is why a piano's high notes sound glassy and its octaves stretched.
- **Unison strings**: each note is two strings a fraction of a cent apart, so its partials beat
  slowly, and energy passes between them: the **two-stage decay**, a quick prompt sound and a long
  aftersound, each partial the faster the higher it is. A note's table lasts until its
  aftersound has fallen TAIL_DB under its start (11 s for A3, 4.5 s for C6): it decays, it
  is never cut.
- **Sympathetic strings**: with the pedal down (as this music plays it) the undamped strings
  whose partials lie on the note's answer it: a faint halo on its lowest partials, a few cents
  off them, coming up over a third of a second and dying with the aftersound, HALO_DB under it.
- **The felt hammer**: a low-pass whose corner rises with velocity (a soft touch is dark and round,
  a hard one bright), a strike point an eighth along the string that thins a few partials, a
  contact of a few milliseconds (longer when soft), and the felt's own thud and noise.
- **The soundboard**: a few broad resonances colour every note the same way.

The damper and the pedal are played by the voice (when a key is let go, when the harmony
changes): see ``voices/piano.py``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from installation.paths import cache_dir

__all__ = ["LAYERS", "inharmonicity", "make_piano_note", "note_seconds", "piano_note"]

#: the velocities the notes are made at; the voice picks the nearest and scales it
LAYERS = (0.22, 0.45, 0.8)
#: partials quieter than this share of the loudest are left out (inaudible under the rest)
FLOOR = 5e-4
#: samples between the points of a partial's slow envelope (beating and decay)
SLOW = 32
#: a table ends when the fundamental's aftersound is this far (dB) under the note's start
TAIL_DB = 50.0
#: the sympathetic strings' halo, dB under the partials it answers, and how many partials
HALO_DB = 24.0
HALO_PARTIALS = 6


def inharmonicity(midi: int) -> float:
    """B of the string of ``midi``: about 4e-4 at middle C, rising to 3e-3 at the top."""
    return float(np.clip(4e-4 * 2 ** ((midi - 60) / 12 * 1.3), 8e-5, 3e-3))


def _times(freq: np.ndarray | float, velocity: float) -> tuple[np.ndarray, np.ndarray]:
    """Time constants (s) of the prompt sound and the aftersound of a partial at ``freq`` Hz:
    the higher, the faster (a C4 fundamental: 0.5 s and 2.2 s, about 17 and 4 dB a second)."""
    prompt = 0.5 * (262.0 / np.asarray(freq, dtype=np.float64)) ** 0.45 * (0.85 + 0.3 * velocity)
    return prompt, prompt * 4.4


def note_seconds(midi: int) -> float:
    """How long a note's table is: until its fundamental's aftersound (a quarter of the note at
    the start) has fallen TAIL_DB, and a breath more; low notes ring for seconds longer than
    high ones."""
    _, after = _times(440.0 * 2 ** ((midi - 69) / 12), 0.5)
    return float(np.clip(after * (TAIL_DB - 12.0) / 8.686 + 0.3, 2.0, 14.0))


@functools.lru_cache(maxsize=24)  # the last notes played; the rest is on disk
def piano_note(midi: int, velocity: float, sr: int = 48000) -> np.ndarray:
    """One note struck at ``velocity`` (0..1), mono float32, peak about ``velocity ** 1.4``;
    the same numbers on every run (its randomness is seeded by the note). Read from the cache
    folder where an earlier run made it."""
    path = cache_dir() / "piano" / f"{_model_version()}-{midi}-{velocity:g}-{sr}.npy"
    try:
        note = np.load(path)
        if note.dtype == np.float32 and note.ndim == 1:
            return note
    except (OSError, ValueError):
        pass  # not made yet here, or a torn file: made again
    note = make_piano_note(midi, velocity, sr)
    _keep(path, note)
    return note


@functools.cache
def _model_version() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _keep(path: Path, note: np.ndarray) -> None:
    """Written aside and renamed into place: two processes making the same note never tear it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, aside = tempfile.mkstemp(dir=path.parent, suffix=".npy")
        with os.fdopen(fd, "wb") as out:
            np.save(out, note)
        os.replace(aside, path)
    except OSError:
        pass  # a read-only cache: made again next time


def make_piano_note(midi: int, velocity: float, sr: int = 48000) -> np.ndarray:
    """The model itself (no cache)."""
    rng = np.random.default_rng(midi * 1009 + round(velocity * 1000))
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    n = int(note_seconds(midi) * sr)
    b = inharmonicity(midi)
    k = np.arange(1, 65, dtype=np.float64)
    freqs = k * f0 * np.sqrt(1 + b * k * k)
    keep = freqs < min(12000.0, 0.45 * sr)
    k, freqs = k[keep], freqs[keep]
    # the felt: a low-pass (9 dB an octave) whose corner climbs with velocity; the strike point
    # at 1/8
    corner = f0 * (3.0 + 18.0 * velocity**1.5) + 1800.0 * velocity
    amps = (1.0 / k) / (1.0 + (freqs / corner) ** 2) ** 0.75
    amps *= 0.45 + 0.55 * np.abs(np.sin(math.pi * k / 8.0))
    # decay: prompt and aftersound, both faster for higher partials
    prompt, after = _times(freqs, velocity)
    keep = amps > FLOOR * amps.max()
    note = np.zeros(n, dtype=np.float32)
    slow_times = np.arange(0, n + 2 * SLOW, SLOW, dtype=np.float64) / sr
    ramp = np.arange(SLOW, dtype=np.float32) / SLOW
    samples = np.arange(n, dtype=np.uint32)
    for a, f, tp, ta in zip(amps[keep], freqs[keep], prompt[keep], after[keep], strict=True):
        # audible until the aftersound falls 80 dB under the loudest partial's start
        span = min(n, int(ta * math.log(1e4 * a / amps.max() + 1.0) * sr) + 1)
        if span < 4 * SLOW:
            continue
        cents = rng.uniform(0.3, 1.4)  # the two strings of the unison are this far apart
        beat = f * (2 ** (cents / 1200) - 1)  # beats a second
        offset, spread = rng.uniform(0, math.tau, 2)
        depth = rng.uniform(0.2, 0.5)  # how far the beating sinks the partial: 2 to 6 dB
        # two strings a little out of tune beat: the partial swells and sinks a few dB as their
        # phases meet and part (never to nothing: the strings are not equally loud, and the
        # bridge couples them); the beating and the two-stage decay change slowly: worked out
        # every SLOW samples, then joined by straight lines
        ts = slow_times[: span // SLOW + 2]
        decay = 0.72 * np.exp(-ts / tp) + 0.28 * np.exp(-ts / ta)
        sink = depth * (0.5 - 0.5 * np.cos(math.tau * beat * ts + spread))
        shape = (2 * a * decay * (1.0 - sink)).astype(np.float32)
        envelope = (shape[:-1, None] + np.diff(shape)[:, None] * ramp[None, :]).ravel()[:span]
        # the phase as a 32-bit fraction of a cycle: it wraps by itself, exact over minutes
        step = np.uint32(round(f / sr * 2**32) % 2**32)
        cycles = (samples[:span] * step).astype(np.float32) * np.float32(math.tau / 2**32)
        note[:span] += envelope * np.sin(cycles + np.float32(offset))
    note += _halo(amps[:HALO_PARTIALS], freqs[:HALO_PARTIALS], after[:HALO_PARTIALS], n, sr, rng)
    note = _soundboard(note + _hammer(n, sr, velocity, f0, rng), sr)
    note *= _contact(n, sr, velocity)
    fade = int(0.3 * sr)  # the table's end, where the note is already TAIL_DB down
    note[-fade:] *= np.linspace(1.0, 0.0, fade) ** 2
    peak = float(np.abs(note).max()) or 1.0
    return (note * (velocity**1.4 / peak)).astype(np.float32)


def _halo(
    amps: np.ndarray,
    freqs: np.ndarray,
    after: np.ndarray,
    n: int,
    sr: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The sympathetic strings: each of the note's lowest partials answered a few cents off,
    rising over a third of a second, decaying with the aftersound, HALO_DB under the partial."""
    t = np.arange(n) / sr
    out = np.zeros(n)
    level = 10 ** (-HALO_DB / 20)
    for a, f, ta in zip(amps, freqs, after, strict=True):
        cents = rng.uniform(-4.0, 4.0)
        rise = 1.0 - np.exp(-t / 0.3)
        out += (
            level
            * a
            * rise
            * np.exp(-t / ta)
            * np.sin(math.tau * f * 2 ** (cents / 1200) * t + rng.uniform(0, math.tau))
        )
    return out


def _hammer(n: int, sr: int, velocity: float, f0: float, rng: np.random.Generator) -> np.ndarray:
    """The felt's thud on the string and the key bed: a short burst of noise, brighter and
    louder the harder the touch (the air of the attack), and a low knock."""
    from scipy.signal import butter, sosfilt

    length = int(0.06 * sr)
    t = np.arange(length) / sr
    noise = rng.standard_normal(length)
    centre = min(0.4 * sr, 2500.0 + 4000.0 * velocity)
    sos = butter(2, [centre / 3.0, min(2.2 * centre, 0.45 * sr)], btype="bandpass", fs=sr,
                 output="sos")  # fmt: skip
    felt = sosfilt(sos, noise) * np.exp(-t / (0.008 + 0.008 * (1 - velocity)))
    knock = np.sin(math.tau * min(f0, 110.0) * t) * np.exp(-t / 0.03)
    out = np.zeros(n)
    out[:length] = (0.12 * velocity**1.2) * felt / (np.abs(felt).max() or 1.0) + 0.03 * knock
    return out


def _soundboard(note: np.ndarray, sr: int) -> np.ndarray:
    """A few broad body resonances (peaking filters), the same for every note."""
    from scipy.signal import sosfilt

    sos = np.vstack(
        [_peak(hz, q, db, sr) for hz, q, db in ((140, 1.2, 3), (480, 1.0, 2), (2300, 1.4, 2))]
    )
    return sosfilt(sos, note)


def _peak(hz: float, q: float, db: float, sr: int) -> np.ndarray:
    """One peaking biquad (RBJ cookbook) as second-order-section coefficients."""
    a = 10 ** (db / 40)
    w = math.tau * hz / sr
    alpha = math.sin(w) / (2 * q)
    b0, b1, b2 = 1 + alpha * a, -2 * math.cos(w), 1 - alpha * a
    a0, a1, a2 = 1 + alpha / a, -2 * math.cos(w), 1 - alpha / a
    return np.array([[b0 / a0, b1 / a0, b2 / a0, 1.0, a1 / a0, a2 / a0]])


def _contact(n: int, sr: int, velocity: float) -> np.ndarray:
    """The hammer's contact: a raised-cosine rise of 2 ms (hard) to 6 ms (soft)."""
    rise = int((0.006 - 0.004 * velocity) * sr)
    ramp = np.ones(n)
    ramp[:rise] = 0.5 - 0.5 * np.cos(np.linspace(0, math.pi, rise))
    return ramp
