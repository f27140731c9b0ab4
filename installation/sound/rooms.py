"""Rooms: impulse responses for the convolution reverb, and their split into early and tail.

The bundled rooms in ``assets/rooms/`` are made here (``scripts/make-assets`` writes them) from a
small model of each space, so they can be remade and changed. A response holds what the room adds
to the sound and nothing else: **no direct sound**, which the mix already has (a response that
starts with it plays a delayed dry copy under the music, a comb filter). Time 0 is when the direct
sound would arrive.

- **early reflections**: the images of the source in a shoebox room (walls, floor, ceiling) up to
  the third bounce, each arriving when its path says, quieter by its distance and by what each
  wall keeps, darker with each bounce; and each one **scattered**: a wall is not a mirror, so a
  reflection is a short burst of many small ones (a millisecond or two, more with each bounce),
  one wavefront that reaches each ear on its own path;
- **the diffuse field**: noise that builds up over the room's mean free path and decays at its
  own rate in each octave band (the room's RT60 per band: a furnished apartment dies fast in the
  highs, a concrete hall rings long and bright). What the two ears hear of it is as alike as a
  diffuse field makes two points 18 cm apart: nearly the same below 300 Hz, unrelated above a
  kilohertz (the coherence sin(kd)/kd), so it is wide without a phasey bass.

The reflections carry ``early_db`` of the diffuse field's energy in the first 80 ms, which sets
the room's clarity; ``installation.sound.acoustics`` measures what comes out (RT60, EDT, C80, D50,
the ears' correlation), and the tests hold C80 and D50 within reach of what a room that decays
evenly at that RT60 has.

An artist's own impulse response (a WAV of the room's response, stereo or mono, 48 kHz) works
the same way. The master plays the first EARLY_MS of it and the rest through two convolvers, so
the early reflections (where a space is) and the tail (how big it is) have levels of their own.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from installation.paths import cache_dir
from installation.sound.wav import write_wav

__all__ = ["EARLY_MS", "ROOMS", "Room", "impulse_response", "split_impulse"]

EARLY_MS = 80.0  # where the early reflections end and the tail begins
SPEED_OF_SOUND = 343.0
BANDS = (125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0)
EARS = 0.18  # metres between the two ears
ORDER = 3  # bounces the image model follows; the diffuse field takes over after


@dataclass(frozen=True)
class Room:
    """A shoebox space and how it sounds: its size (m), the source and listener in it, how much
    each bounce keeps, its RT60 (s) in each of BANDS, and the reflections' energy against the
    diffuse field's over the first 80 ms (dB)."""

    size: tuple[float, float, float]
    source: tuple[float, float, float]
    listener: tuple[float, float, float]
    reflect: float  # share of the sound's amplitude a wall gives back
    rt60: tuple[float, ...]
    early_db: float = 0.0
    walls: bool = True  # open air has a ground and far facades, no ceiling or near walls


ROOMS: dict[str, Room] = {
    "small-room": Room(
        (3.6, 3.0, 2.5), (1.2, 2.1, 1.2), (2.5, 1.0, 1.3), 0.7,
        (0.45, 0.42, 0.38, 0.35, 0.3, 0.25, 0.2), -3.0,
    ),
    "apartment": Room(
        (6.5, 4.8, 2.7), (1.8, 3.4, 1.1), (4.6, 1.7, 1.3), 0.62,
        (0.7, 0.65, 0.6, 0.55, 0.45, 0.35, 0.25), -3.0,
    ),
    "concrete-hall": Room(
        (34.0, 20.0, 11.0), (10.0, 12.0, 2.0), (21.0, 8.0, 1.7), 0.9,
        (3.2, 3.0, 2.8, 2.6, 2.2, 1.7, 1.2), -2.0,
    ),
    "open-air": Room(
        (120.0, 90.0, 60.0), (50.0, 46.0, 1.8), (58.0, 44.0, 1.7), 0.45,
        (1.4, 1.3, 1.2, 1.0, 0.8, 0.6, 0.4), 4.0, walls=False,
    ),
}  # fmt: skip


def impulse_response(room: Room, sr: int = 48000, seed: int = 7) -> np.ndarray:
    """The room's response at two ears, (n, 2) float32, without the direct sound, scaled to unit
    energy per channel."""
    rng = np.random.default_rng(seed)
    n = int((max(room.rt60) * 1.1 + 0.1) * sr)
    ears = [np.array(room.listener) + np.array([EARS / 2 * side, 0.0, 0.0]) for side in (-1, 1)]
    direct = float(np.linalg.norm(np.array(room.source) - np.array(room.listener)))
    images = _images(room, direct)
    first = min(delay for _, delay, _ in images)
    field = _diffuse(room, n, sr, first, rng)
    reflections = _reflections(room, images, ears, direct, n, sr, rng)
    window = slice(0, int(EARLY_MS / 1000 * sr))
    scale = math.sqrt(
        10 ** (room.early_db / 10) * (field[window] ** 2).sum() / (reflections[window] ** 2).sum()
    )
    out = field + reflections * scale
    out /= np.sqrt((out**2).sum(axis=0)).max()
    return out.astype(np.float32)


def _images(room: Room, direct: float) -> list[tuple[np.ndarray, float, int]]:
    """(position, delay after the direct sound in s, bounces) of each image up to ORDER bounces;
    open air: the ground, and a few far facades across a square."""
    source, size = np.array(room.source), np.array(room.size)
    listener = np.array(room.listener)
    out = []
    axes = range(3) if room.walls else (2,)
    reach = range(-ORDER, ORDER + 1)
    for cells in itertools.product(*[reach if a in axes else (0,) for a in range(3)]):
        for mirrors in itertools.product(*[(0, 1) if a in axes else (0,) for a in range(3)]):
            bounces = [abs(2 * c - m) for c, m in zip(cells, mirrors, strict=True)]
            order = sum(bounces)
            if not 1 <= order <= ORDER or (not room.walls and cells[2] < 0):
                continue  # the direct sound is the mix's; open air has no ceiling over it
            sign = np.array([1 - 2 * m for m in mirrors])
            position = 2 * np.array(cells) * size + sign * source
            distance = float(np.linalg.norm(position - listener))
            out.append((position, (distance - direct) / SPEED_OF_SOUND, order))
    if not room.walls:  # far facades across a street or a square: late, scattered, faint
        for metres in (18.0, 29.0, 41.0, 63.0):
            position = listener + np.array([metres, 0.0, 0.0])
            out.append((position, (2 * metres - direct) / SPEED_OF_SOUND, 1))
    return out


def _reflections(
    room: Room,
    images: list[tuple[np.ndarray, float, int]],
    ears: list[np.ndarray],
    direct: float,
    n: int,
    sr: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """(n, 2): the reflections at the two ears. Each image is a short burst of scattered sound (a
    velvet noise of random signs, thinning out), darker with each bounce; one wavefront, so
    both ears hear the same burst, each when its own path brings it."""
    from scipy.signal import lfilter

    out = np.zeros((n, 2))
    for position, _, order in images:
        length = int((0.0015 + 0.001 * order) * sr)
        burst = np.zeros(length)
        taps = rng.choice(length, size=max(4, length // 6), replace=False)
        burst[taps] = rng.choice((-1.0, 1.0), size=len(taps)) * np.exp(-taps / (0.6 * length))
        # a bounce takes the highs: one pole per bounce
        pole = 1.0 - 1.0 / (1.0 + 0.6 * order)
        burst = lfilter([1.0 - pole], [1.0, -pole], burst)
        burst /= math.sqrt((burst**2).sum())
        for channel, ear in enumerate(ears):
            distance = float(np.linalg.norm(position - ear))
            at = int((distance - direct) / SPEED_OF_SOUND * sr)
            if not 0 <= at < n:
                continue
            end = min(n, at + length)
            gain = room.reflect**order * direct / max(distance, 0.5)
            out[at:end, channel] += gain * burst[: end - at]
    return out


def _diffuse(room: Room, n: int, sr: int, first: float, rng: np.random.Generator) -> np.ndarray:
    """(n, 2): decaying noise, each octave band at its own RT60, building up from the first
    reflection over the room's mean free path; the ears' noises as coherent as a diffuse field
    makes two points EARS apart."""
    from scipy.signal import butter, sosfilt

    t = np.arange(n) / sr
    size = np.array(room.size)
    volume = float(np.prod(size))
    surface = 2 * float(size[0] * size[1] + size[0] * size[2] + size[1] * size[2])
    build = 4 * volume / surface / SPEED_OF_SOUND if room.walls else 0.02
    rise = np.clip(t - max(first, 0.0), 0.0, None)
    envelope = 1.0 - np.exp(-rise / max(build * 0.2, 1e-3))
    shared, left, right = (rng.standard_normal(n) for _ in range(3))
    out = np.zeros((n, 2))
    for centre, rt in zip(BANDS, room.rt60, strict=True):
        low, high = centre / math.sqrt(2), min(centre * math.sqrt(2), 0.45 * sr)
        sos = butter(2, [low, high], btype="bandpass", fs=sr, output="sos")
        kd = math.tau * centre / SPEED_OF_SOUND * EARS
        alike = max(0.0, math.sin(kd) / kd)  # the diffuse field's coherence at this band
        decay = np.exp(-6.91 * t / rt)  # 60 dB down at rt
        for channel, own in enumerate((left, right)):
            noise = math.sqrt(alike) * shared + math.sqrt(1 - alike) * own
            out[:, channel] += sosfilt(sos, noise) * decay
    return out * envelope[:, None]


def split_impulse(path: Path, partition: int, folder: Path | None = None) -> tuple[Path, Path]:
    """The early part and the tail of an impulse response file as two WAVs, kept in the user's
    cache (keyed by the file's bytes). The tail's convolver answers ``partition`` samples late,
    so its file starts that much before EARLY_MS, silent there: the tail then comes in on time."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"{partition}:{EARLY_MS}".encode())
    key = digest.hexdigest()[:16]
    folder = folder or cache_dir() / "rooms"
    early_path, tail_path = folder / f"{key}-early.wav", folder / f"{key}-tail.wav"
    if not (early_path.is_file() and tail_path.is_file()):
        samples, sr = _read(path)
        cut = min(len(samples) - 1, int(EARLY_MS / 1000 * sr))
        fade = min(64, cut)
        early = samples[:cut].copy()
        early[-fade:] *= np.linspace(1.0, 0.0, fade)[:, None]  # no click where it is cut
        late = samples[cut:].copy()
        late[:fade] *= np.linspace(0.0, 1.0, fade)[:, None]
        tail = np.concatenate([np.zeros((min(partition, cut), 2)), late])
        folder.mkdir(parents=True, exist_ok=True)
        write_wav(early_path, early, sr)  # each written aside and renamed into place
        write_wav(tail_path, tail, sr)
    return early_path, tail_path


def _read(path: Path) -> tuple[np.ndarray, int]:
    """A WAV file (16, 24 or 32-bit PCM, or 32-bit float) as (n, 2) float64 and its rate."""
    from scipy.io import wavfile

    sr, data = wavfile.read(str(path))
    if data.dtype.kind == "i":
        data = data / float(2 ** (8 * data.dtype.itemsize - 1))
    elif data.dtype.kind == "u":
        data = (data.astype(np.float64) - 128) / 128
    data = np.asarray(data, dtype=np.float64)
    if data.ndim == 1:
        data = np.stack([data, data], axis=1)
    return data[:, :2], int(sr)
