"""Loudness: measure (ITU-R BS.1770-4 via pyloudnorm), calibrate, write WAV files.

Each scene sits at its own LUFS target because its master gain is calibrated: a stretch of the
scene is rendered offline at unity gain, measured, and the difference to the target becomes the
gain. The result is cached in memory by scene content, so a render or a reload pays once.
"""

from __future__ import annotations

import hashlib
import math
import wave
from pathlib import Path

import numpy as np
import pyloudnorm

from installation.scene.models import Scene

__all__ = [
    "CALIBRATION_SECONDS",
    "WavWriter",
    "calibrate",
    "integrated_loudness",
    "scene_key",
    "true_peak_db",
    "write_wav",
]

CALIBRATION_SECONDS = 60.0
_CACHE: dict[str, float] = {}


def integrated_loudness(samples: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS (gated), ``-inf`` for silence."""
    meter = pyloudnorm.Meter(sr)
    return float(meter.integrated_loudness(samples.astype(np.float64)))


def true_peak_db(samples: np.ndarray) -> float:
    """Peak in dBFS after 4x oversampling (an estimate of the true peak, as BS.1770 asks)."""
    from scipy.signal import resample_poly

    over = resample_poly(samples.astype(np.float64), 4, 1, axis=0)
    peak = float(np.max(np.abs(over))) if over.size else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def scene_key(scene: Scene) -> str:
    """A hash of the scene file's bytes: the same file, the same calibration."""
    text = Path(scene.path).read_bytes() if Path(scene.path).is_file() else repr(scene).encode()
    return hashlib.sha256(text).hexdigest()


def calibrate(scene: Scene, seconds: float = CALIBRATION_SECONDS) -> float:
    """The master gain (dB) that brings ``scene`` to its loudness target."""
    from installation.sound.engine import SAMPLE_RATE, OfflineSound

    key = f"{scene_key(scene)}:{seconds}"
    if key in _CACHE:
        return _CACHE[key]
    with OfflineSound(scene, gain_db=0.0) as sound:
        samples = sound.render(seconds)
    measured = integrated_loudness(samples, SAMPLE_RATE)
    target = scene.sound.master.loudness
    gain = 0.0 if not math.isfinite(measured) else max(-40.0, min(40.0, target - measured))
    _CACHE[key] = gain
    return gain


class WavWriter:
    """24-bit PCM WAV written as it comes (memory stays flat), renamed into place at the end."""

    def __init__(self, path: Path, sr: int, channels: int = 2):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self._wave = wave.open(str(self.tmp), "wb")  # noqa: SIM115 - open for the whole render
        self._wave.setnchannels(channels)
        self._wave.setsampwidth(3)
        self._wave.setframerate(sr)

    def write(self, samples: np.ndarray) -> None:
        pcm = np.clip(samples, -1.0, 1.0 - 2**-23)
        ints = np.round(pcm * 2**23).astype("<i4")
        self._wave.writeframes(ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes())  # low 3 bytes

    def close(self, keep: bool = True) -> None:
        self._wave.close()
        if keep:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def write_wav(path: Path, samples: np.ndarray, sr: int) -> None:
    """A whole array to a 24-bit WAV file."""
    writer = WavWriter(path, sr, samples.shape[1])
    writer.write(samples)
    writer.close()
