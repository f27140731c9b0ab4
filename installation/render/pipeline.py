"""A render from start to finish: program → picture and sound, frame by frame → sinks.

Sinks: a folder (PNG frames and ``audio.wav``), a video file (``.mp4``, ``.mkv``, ``.webm``)
or a sound file (``.wav``). The sound is rendered once, in order, in this process; with
``jobs`` above 1 the pictures are painted by worker processes and come back in order.

Memory is bounded, whatever the painters' and the encoders' speeds: a slow sink holds the
painters back. Between painting and encoding a video there are at most
``AHEAD_PER_JOB × jobs`` frames painted or being painted ahead (one painted in this process
with ``jobs`` 1), 6 waiting for the encoder thread (``_Threaded``), and, in the ``VideoWriter``,
``video.ENCODERS`` segments each holding at most ``video.QUEUE_BYTES`` of frames (at 1080p 2
and 43 frames); a folder of PNGs has at most 4 being written.

Ctrl-C finishes what was written (a playable file up to the last frame); any other error
removes the partial output.
"""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from installation.render.frames import frame_bytes, frame_times, save_png
from installation.render.mix import open_mix
from installation.render.program import FramePainter, load_program
from installation.render.video import CONTAINERS, VideoWriter
from installation.scene.wall import View

__all__ = ["OUTPUT_KINDS", "Job", "output_kind", "run_render"]

OUTPUT_KINDS = (*CONTAINERS, ".wav")

#: frames each painting process may have painted, or be painting, ahead of the one the sink
#: takes next: one in hand and one waiting keeps a worker busy. Without a bound, workers that
#: paint faster than the encoders encode piled frames up in this process (1080p, --jobs 2, 60 s:
#: 5.6 GB at the peak; README, "Rendering to a file")
AHEAD_PER_JOB = 2

# The encoder thread needs the GIL for a moment several times a frame; with Python's default
# 5 ms switch interval it waits behind the painter that long each time. 1 ms lets it in sooner.
SWITCH_INTERVAL = 0.001


def output_kind(out: Path) -> str:
    """'folder', 'video' or 'wav'; ``ValueError`` for anything else."""
    suffix = out.suffix.lower()
    if suffix in CONTAINERS:
        return "video"
    if suffix == ".wav":
        return "wav"
    if suffix == "" or out.is_dir():
        return "folder"
    raise ValueError(
        f"unknown output '{out.name}': give a folder (PNG frames and audio.wav), "
        f"or a file ending in {', '.join(OUTPUT_KINDS)}"
    )


@dataclass
class Job:
    source: Path  # a scene or show file
    out: Path
    size: tuple[int, int]
    fps: float
    start: float
    count: int
    quality: str = "good"
    jobs: int = 1
    sound: bool = True
    opens_at: dt.datetime | None = None  # wall-clock time at show time 0, for opening hours
    view: View | None = None  # a video wall's screen: ``size`` is its viewport's
    #: ``render --loop``: seconds over which the sound's end is crossfaded into its start, so the
    #: file repeats without a seam (the render is then exactly one loop, from the second one)
    seam: float = 0.0


class _Folder:
    def __init__(self, out: Path, size: tuple[int, int], sr: int, sound: bool):
        from installation.sound.loudness import WavWriter

        out.mkdir(parents=True, exist_ok=True)
        self.out, self.size = out, size
        self.pool = ThreadPoolExecutor(max_workers=2)  # PNG compression releases the GIL
        self.pending: collections.deque[Future] = collections.deque()
        self.wav = WavWriter(out / "audio.wav", sr) if sound else None
        self.frames = 0

    def write(self, pixels: bytes, samples: np.ndarray | None) -> None:
        self.pending.append(
            self.pool.submit(save_png, pixels, self.size, self.out / f"frame_{self.frames:05d}.png")
        )
        self.frames += 1
        while len(self.pending) > 4:  # bounded: memory stays flat on long renders
            self.pending.popleft().result()
        if self.wav is not None and samples is not None:
            self.wav.write(samples)

    def close(self, keep: bool) -> None:
        for job in self.pending:
            job.result()
        self.pool.shutdown()
        if self.wav is not None:
            self.wav.close(keep)


class _Threaded:
    """Runs a sink's ``write`` on its own thread, so encoding overlaps painting.

    pygame's blits and scaling, numpy and PyAV's encoders release the GIL, so the two really run
    at once on two cores. The queue is short: memory stays flat, and a slow encoder holds the
    painter back instead of piling frames up.
    """

    def __init__(self, sink: Any):
        import queue
        import threading

        self.sink = sink
        self.queue: queue.Queue = queue.Queue(maxsize=6)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    self.sink.write(*item)
                except BaseException as err:  # reported on the painting thread
                    self.error = err

    def write(self, pixels: bytes | None, samples: np.ndarray | None) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((pixels, samples))

    def close(self, keep: bool) -> None:
        self.queue.put(None)
        self.thread.join()
        self.sink.close(keep and self.error is None)
        if self.error is not None:
            raise self.error


class _Wav:
    def __init__(self, out: Path, sr: int):
        from installation.sound.loudness import WavWriter

        self.writer = WavWriter(out, sr)
        self.frames = 0

    def write(self, pixels: bytes | None, samples: np.ndarray | None) -> None:
        self.frames += 1
        if samples is not None:
            self.writer.write(samples)

    def close(self, keep: bool) -> None:
        self.writer.close(keep)


# -- picture workers (jobs > 1) -------------------------------------------------------------
_PAINTER: FramePainter | None = None


def _init_worker(
    source: str,
    until: float,
    size: tuple[int, int],
    opens_at: dt.datetime | None,
    view: View | None,
) -> None:
    import os

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    global _PAINTER
    _PAINTER = FramePainter(load_program(Path(source), until, opens_at), size, view)


def _paint(task: tuple[float, dict[int, dict] | None]) -> bytes:
    t, features = task
    assert _PAINTER is not None, "the worker paints after _init"
    return frame_bytes(_PAINTER.paint(t, features))


def painted_in_order(pool: Any, tasks: Iterator[Any], ahead: int) -> Iterator[bytes]:
    """The pictures of ``tasks`` painted by ``pool``'s workers, in order, with at most ``ahead``
    of them painted or being painted before the caller takes the next: the caller's pace (the
    encoders') holds the painters back, and ``tasks`` (the sound's frames) is drawn no faster.

    ``Pool.imap`` has no such bound: its feeder thread hands out every task at once and the
    results wait in memory until they are taken."""
    pending: collections.deque = collections.deque()
    for task in tasks:
        pending.append(pool.apply_async(_paint, (task,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def run_render(
    job: Job,
    progress: Callable[[int], None] | None = None,
    scheduler: str | None = None,
    chunk_seconds: list[float] | None = None,
    say: Callable[[str], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> tuple[int, bool]:
    """Render ``job``; returns (frames written, interrupted). With a Dask ``scheduler`` the
    pictures are painted and encoded on its workers (``installation.render.farm``).

    ``say`` is told what takes a while before the first frame (calibrating a scene's loudness,
    rendering the sound up to ``start``); ``ready`` is called when frames begin to come, so a
    progress bar can time the frames alone."""
    if scheduler is not None:
        from installation.render.farm import run_farm_render

        return run_farm_render(job, scheduler, progress, chunk_seconds, say, ready)
    kind = output_kind(job.out)
    until = job.start + job.count / job.fps
    program = load_program(job.source, until, job.opens_at)
    sound = job.sound and program.has_sound
    if kind == "wav" and not sound:
        raise ValueError(f"'{program.name}' has no sound to write")
    mix = open_mix(program, job.fps, job.start, job.count, job.seam, say) if sound else None
    sr = mix.sr if mix else 48000
    if ready is not None:
        ready()
    if kind == "video":
        sink: Any = _Threaded(VideoWriter(job.out, job.size, job.fps, job.quality, audio=sound))
    elif kind == "wav":
        sink = _Wav(job.out, sr)
    else:
        sink = _Folder(job.out, job.size, sr, sound)
    samples_for: collections.deque = collections.deque()
    first = round(job.start * job.fps)

    def tasks() -> Iterator[tuple[float, dict[int, dict] | None]]:
        for i, t in enumerate(frame_times(job.start, job.count, job.fps)):
            features = None
            if mix is not None:
                samples, features = mix.mix_frame(first + i)
                samples_for.append(samples)
            yield t, features

    pool = None
    written, interrupted, ok = 0, False, False
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        if kind == "wav":
            pictures: Iterator[bytes | None] = (None for _ in tasks())
        elif job.jobs > 1:
            ctx = multiprocessing.get_context("spawn")
            pool = ctx.Pool(
                job.jobs, _init_worker, (str(job.source), until, job.size, job.opens_at, job.view)
            )
            pictures = painted_in_order(pool, tasks(), AHEAD_PER_JOB * job.jobs)
        else:
            painter = FramePainter(program, job.size, job.view)
            pictures = (frame_bytes(painter.paint(t, f)) for t, f in tasks())
        for pixels in pictures:
            sink.write(pixels, samples_for.popleft() if samples_for else None)
            written += 1
            if progress:
                progress(1)
        ok = True
    except KeyboardInterrupt:
        interrupted = True
    finally:
        sys.setswitchinterval(switch)
        if pool is not None:
            pool.terminate()
        if mix is not None:
            mix.close()
        sink.close(keep=ok or interrupted)
    return written, interrupted
