"""Rooms: impulse responses for the convolution reverb, and their split into early and tail.

The bundled rooms in ``assets/rooms/`` are made here (``scripts/make-assets`` writes them) from a
small model of each space, so they can be remade and changed:

- **early reflections**: the first and second order images of the source in a shoebox room
  (walls, floor, ceiling), each delayed by its path, quieter by distance and by what the walls
  absorb, darker with each bounce; heard by two ears 18 cm apart, so the stereo is real;
- **the tail**: noise that decays at its own rate in each octave band (the room's RT60 per band:
  a furnished apartment dies fast in the highs, a concrete hall rings long and bright), swelling
  in as the reflections thicken, each ear its own noise.

An artist's own impulse response (a WAV of the room's response, stereo or mono, 48 kHz) works
the same way. The master plays the first EARLY_MS of it and the rest through two convolvers, so
the early reflections (where a space is) and the tail (how big it is) have levels of their own.
"""

from __future__ import annotations

import hashlib
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


@dataclass(frozen=True)
class Room:
    """A shoebox space and how it sounds: its size (m), the source and listener in it, how much
    each bounce keeps, and its RT60 (s) in each of BANDS."""

    size: tuple[float, float, float]
    source: tuple[float, float, float]
    listener: tuple[float, float, float]
    reflect: float  # share of the sound a wall gives back
    rt60: tuple[float, ...]
    tail_db: float = 0.0  # the tail's level against the reflections
    walls: bool = True  # open air has a ground and far facades, no ceiling or near walls


ROOMS: dict[str, Room] = {
    "small-room": Room(
        (3.6, 3.0, 2.5), (1.2, 2.1, 1.2), (2.5, 1.0, 1.3), 0.7,
        (0.45, 0.42, 0.38, 0.35, 0.3, 0.25, 0.2), -4.0,
    ),
    "apartment": Room(
        (6.5, 4.8, 2.7), (1.8, 3.4, 1.1), (4.6, 1.7, 1.3), 0.62,
        (0.7, 0.65, 0.6, 0.55, 0.45, 0.35, 0.25), -3.0,
    ),
    "concrete-hall": Room(
        (34.0, 20.0, 11.0), (10.0, 12.0, 2.0), (21.0, 8.0, 1.7), 0.9,
        (3.2, 3.0, 2.8, 2.6, 2.2, 1.7, 1.2), 0.0,
    ),
    "open-air": Room(
        (120.0, 90.0, 60.0), (50.0, 46.0, 1.8), (58.0, 44.0, 1.7), 0.45,
        (1.4, 1.3, 1.2, 1.0, 0.8, 0.6, 0.4), -12.0, walls=False,
    ),
}  # fmt: skip


def impulse_response(room: Room, sr: int = 48000, seed: int = 7) -> np.ndarray:
    """The room's response at two ears, (n, 2) float32, scaled to unit energy per channel."""
    rng = np.random.default_rng(seed)
    longest = max(room.rt60)
    n = int((longest * 1.1 + 0.1) * sr)
    ears = []
    for side in (-1.0, 1.0):
        ear = np.array(room.listener) + np.array([0.09 * side, 0.0, 0.0])
        early = _reflections(room, ear, n, sr)
        tail = _tail(room, n, sr, rng)
        ears.append(early + tail * 10 ** (room.tail_db / 20) * _energy(early) / _energy(tail))
    out = np.stack(ears, axis=1)
    out /= np.sqrt((out**2).sum(axis=0)).max()
    return out.astype(np.float32)


def _energy(x: np.ndarray) -> float:
    return float(np.sqrt((x**2).sum())) or 1.0


def _reflections(room: Room, ear: np.ndarray, n: int, sr: int) -> np.ndarray:
    """Direct sound and images of orders 1 and 2, each darker by a one-pole per bounce."""
    out = np.zeros(n)
    source = np.array(room.source)
    size = np.array(room.size)
    images = [(source, 0)]
    for axis in range(3):
        if not room.walls and axis != 2:
            continue  # open air: no walls near
        for wall in (0.0, size[axis]):
            once = source.copy()
            once[axis] = 2 * wall - source[axis]
            images.append((once, 1))
            for axis2 in range(3):
                if axis2 == axis or (not room.walls and axis2 != 2):
                    continue
                for wall2 in (0.0, size[axis2]):
                    twice = once.copy()
                    twice[axis2] = 2 * wall2 - once[axis2]
                    images.append((twice, 2))
    if not room.walls:  # far facades across a street or a square: late, sparse, faint
        for distance in (18.0, 29.0, 41.0, 63.0):
            images.append((ear + np.array([distance, 0.0, 0.0]), 1))
    for position, order in images:
        distance = float(np.linalg.norm(position - ear))
        at = int(distance / SPEED_OF_SOUND * sr)
        if at >= n:
            continue
        gain = room.reflect**order / max(distance, 0.5)
        if order == 0:
            out[at] += gain
            continue
        # a bounce takes the highs: a short decaying smear instead of a click
        smear = np.exp(-np.arange(int(0.0008 * sr * order) + 2) / (0.00025 * sr * order))
        smear *= gain / smear.sum()
        end = min(n, at + len(smear))
        out[at:end] += smear[: end - at]
    return out


def _tail(room: Room, n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Decaying noise, each octave band at its own RT60, swelling in after the direct sound."""
    from scipy.signal import butter, sosfilt

    t = np.arange(n) / sr
    noise = rng.standard_normal(n)
    out = np.zeros(n)
    for centre, rt in zip(BANDS, room.rt60, strict=True):
        low, high = centre / math.sqrt(2), min(centre * math.sqrt(2), 0.45 * sr)
        sos = butter(2, [low, high], btype="bandpass", fs=sr, output="sos")
        out += sosfilt(sos, noise) * np.exp(-6.91 * t / rt)  # 60 dB down at rt
    delay = min(room.size) / SPEED_OF_SOUND  # the tail thickens after the first bounces
    swell = np.clip((t - delay * 0.5) / max(delay * 2, 0.01), 0.0, 1.0) ** 2
    return out * swell


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
