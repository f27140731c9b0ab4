"""Frame timing and PNG writing for headless renders."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

__all__ = ["frame_times", "save_png"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def frame_times(start: float, count: int, fps: float) -> Iterator[float]:
    """Times of frames: ``start + i / fps``, computed from the index so nothing drifts."""
    for i in range(count):
        yield start + i / fps


def save_png(surface_bytes: bytes, size: tuple[int, int], path: Path) -> None:
    """Write a PNG atomically (temp file, then rename). Pillow's zlib releases the GIL."""
    image = Image.frombytes("RGB", size, surface_bytes)
    fd, tmp = tempfile.mkstemp(prefix=".frame-", suffix=".png", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            image.save(handle, format="PNG", compress_level=1)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; frames are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
