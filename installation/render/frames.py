"""Headless rendering of a scene to numbered PNG frames, identical run to run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pygame
from PIL import Image

from installation.scene.models import Scene

if TYPE_CHECKING:
    from installation.sound.engine import OfflineSound
from installation.visuals.compositor import Compositor

__all__ = ["frame_times", "render_frames", "save_png"]

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


def render_frames(
    scene: Scene,
    out: Path,
    *,
    size: tuple[int, int],
    fps: float,
    start: float,
    count: int,
    progress: Callable[[int], None] | None = None,
    sound: bool = True,
) -> list[Path]:
    """Render ``count`` frames to ``out/frame_00000.png`` ...; returns the written paths.

    With sound, the scene's audio is rendered alongside, exactly the samples of each frame;
    the frame's layers see the features of its own samples, and ``out/audio.wav`` holds it all.
    """
    out.mkdir(parents=True, exist_ok=True)
    compositor = Compositor(scene, size)
    audio = _open_audio(scene, fps, start) if sound and scene.sound is not None else None
    chunks: list[np.ndarray] = []
    written: list[Path] = []
    pending: list[Future] = []
    first = round(start * fps)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for i, t in enumerate(frame_times(start, count, fps)):
                features = None
                if audio is not None:
                    samples, features = audio.frame(first + i)
                    chunks.append(samples)
                surface = compositor.render(t, features)
                data = pygame.image.tobytes(surface, "RGB")
                path = out / f"frame_{i:05d}.png"
                pending.append(pool.submit(save_png, data, size, path))
                written.append(path)
                while len(pending) > 4:  # bounded queue: memory stays flat on long renders
                    pending.pop(0).result()
                    if progress:
                        progress(1)
            for job in pending:
                job.result()
                if progress:
                    progress(1)
    finally:
        if audio is not None:
            audio.close()
    if chunks:
        from installation.sound.loudness import write_wav

        write_wav(out / "audio.wav", np.concatenate(chunks), audio.sr)
    return written


def _open_audio(scene: Scene, fps: float, start: float) -> OfflineSound:
    """An offline sound engine, calibrated, already advanced to frame ``start * fps``."""
    from installation.sound.engine import OfflineSound, samples_per_frame
    from installation.sound.loudness import calibrate

    audio = OfflineSound(scene, fps, gain_db=calibrate(scene))
    skip = sum(samples_per_frame(i, fps) for i in range(round(start * fps)))
    while skip > 0:  # render and drop what comes before the first frame
        step = min(skip, 48000)
        audio.advance(step)
        skip -= step
    return audio
