"""WAV files out: 24-bit PCM, written aside and renamed into place.

A module of its own, below everything else in ``sound/``: the rooms write their split impulse
responses with it, the loudness module and the commands write renders with it, and none of them
has to import another to do so (``rooms`` importing ``loudness`` for this closed a cycle through
the engine).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

__all__ = ["WavWriter", "write_wav"]


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
