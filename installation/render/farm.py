"""Render farms on Dask: a video's pictures painted and encoded on many machines.

The render is cut into *chunks* of whole encoder segments (``video.SEGMENT_SECONDS`` each, one
closed group of pictures). This process renders the sound once, in order, exactly as a
one-process render does, and hands each chunk, with the sound's features for its frames (the
followers' input), to a Dask worker; the worker paints the frames and encodes them with the
same segment encoders, and sends back the encoded packets. They are joined here in order by
stream copy, with the sound, into the same file a one-process render writes: the same frames
to the bit, the same sound.

A worker that is lost takes its chunks with it; Dask gives them to another worker (and a chunk
that raised is retried twice), so a render survives a machine going away.

``--scheduler local:N`` starts N worker processes on this machine, bound to 127.0.0.1; any other
address is a running ``dask scheduler`` whose workers can read the scene at the same path.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from installation.render.frames import frame_bytes, frame_times
from installation.render.video import CONTAINERS, Encoding, Packet, VideoWriter, segment_frames

__all__ = ["ChunkResult", "ChunkSpec", "FarmError", "paint_chunk", "run_farm_render"]

#: segments in one chunk: 2 s each; small enough to spread a short render over many workers,
#: large enough that a chunk's painting dwarfs its trip through the scheduler
SEGMENTS_PER_CHUNK = 2
#: chunks waiting or in flight per worker: keeps every worker busy, memory bounded
QUEUE_PER_WORKER = 2


class FarmError(Exception):
    """The cluster could not be reached or started (shown as a usage error)."""


@dataclass(frozen=True)
class ChunkSpec:
    """What a worker needs to paint and encode frames ``first .. first + count - 1``."""

    source: str  # scene or show file: the same path on every worker (shared storage)
    until: float  # the program is laid out this far (the render's end)
    opens_at: dt.datetime | None
    encoding: Encoding
    start: float  # output time of frame 0
    first: int
    count: int
    features: tuple[dict[int, dict] | None, ...]  # the sound's features, one entry per frame
    view: Any = None  # a video wall's screen (``view.View``), or None


@dataclass(frozen=True)
class ChunkResult:
    packets: list[Packet]
    seconds: float  # the worker's time on it: painting and encoding, scene building included


_PAINTERS: dict[tuple, Any] = {}


def paint_chunk(spec: ChunkSpec) -> ChunkResult:
    """Runs on a worker: the chunk's frames painted and encoded, segment by segment."""
    began = time.perf_counter()
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from installation.render.program import FramePainter, load_program
    from installation.render.video import encode_frames

    key = (spec.source, spec.until, spec.opens_at, spec.encoding.size, spec.view)
    if key not in _PAINTERS:  # one per render on each worker: scenes are built once
        _PAINTERS.clear()
        program = load_program(Path(spec.source), spec.until, spec.opens_at)
        _PAINTERS[key] = FramePainter(program, spec.encoding.size, spec.view)
    painter = _PAINTERS[key]
    fps = spec.encoding.fps
    times = frame_times(spec.start + spec.first / fps, spec.count, fps)
    pictures = (frame_bytes(painter.paint(t, f)) for t, f in zip(times, spec.features, strict=True))
    packets = encode_frames(spec.encoding, spec.first, pictures)
    return ChunkResult(packets, time.perf_counter() - began)


class KeptEnviron:
    """Restores this process's environment as it was: a local cluster's nannies set worker
    settings (``OMP_NUM_THREADS=1``, ``MALLOC_TRIM_THRESHOLD_``...) in *our* ``os.environ``
    before spawning, and every process started afterwards would inherit them (the live sound,
    started later in the same process, stalled with them)."""

    def __init__(self) -> None:
        self.saved = dict(os.environ)

    def restore(self) -> None:
        os.environ.clear()
        os.environ.update(self.saved)


def connect(scheduler: str):
    """A Dask client: ``local:N`` starts N single-threaded worker processes on 127.0.0.1.
    Closing it (``close_client``) also puts this process's environment back."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise FarmError("render farms need Dask: pip install 'installation[farm]'") from None
    if scheduler.startswith("local:"):
        try:
            workers = int(scheduler.split(":", 1)[1])
        except ValueError:
            workers = 0
        if not 1 <= workers <= 64:
            raise FarmError(f"--scheduler local:N takes 1 to 64 workers, not '{scheduler}'")
        kept = KeptEnviron()
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
        client.kept_environ = kept  # type: ignore[attr-defined]  # ours, read back at close
        return client
    address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise FarmError(f"no Dask scheduler answers at {address}: {err}") from None


def run_farm_render(
    job: Any,
    scheduler: str,
    progress: Callable[[int], None] | None = None,
    chunk_seconds: list[float] | None = None,
    say: Callable[[str], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> tuple[int, bool]:
    """Render ``job`` (a ``pipeline.Job`` whose output is a video) on a Dask cluster;
    returns (frames written, interrupted), as ``pipeline.run_render`` does. The workers' time
    on each chunk is appended to ``chunk_seconds`` (for ``bench --farm``)."""
    from installation.render.mix import open_mix
    from installation.render.program import load_program

    if job.out.suffix.lower() not in CONTAINERS:
        raise ValueError("a render farm writes video files: give --out a .mp4, .mkv or .webm")
    until = job.start + job.count / job.fps
    program = load_program(job.source, until, job.opens_at)
    sound = job.sound and program.has_sound
    mix = open_mix(program, job.fps, job.start, job.count, job.seam, say) if sound else None
    try:
        client = connect(scheduler)
    except BaseException:
        if mix is not None:
            mix.close()
        raise
    if ready is not None:
        ready()
    writer = VideoWriter(job.out, job.size, job.fps, job.quality, audio=sound)
    encoding = writer.encoding
    chunk = segment_frames(job.fps) * SEGMENTS_PER_CHUNK
    first_frame = round(job.start * job.fps)
    workers = max(1, len(client.scheduler_info()["workers"]))
    pending: collections.deque[tuple[Any, int, list]] = collections.deque()
    written, ok, interrupted = 0, False, False

    def join_oldest() -> None:
        nonlocal written
        future, count, sounds = pending.popleft()
        result = future.result()
        writer.write_packets(result.packets, frames=count)
        if chunk_seconds is not None:
            chunk_seconds.append(result.seconds)
        for samples in sounds:
            writer.write_sound(samples)
        written += count

    try:
        for first in range(0, job.count, chunk):
            count = min(chunk, job.count - first)
            features: list[dict[int, dict] | None] = []  # the chunk's, frame by frame
            sounds: list[Any] = []  # sample blocks
            for i in range(first, first + count):
                if mix is not None:
                    samples, feats = mix.mix_frame(first_frame + i)
                    sounds.append(samples)
                    features.append(feats)
                else:
                    features.append(None)
            spec = ChunkSpec(
                str(job.source.resolve()), until, job.opens_at, encoding, job.start, first,
                count, tuple(features), job.view,
            )  # fmt: skip
            future = client.submit(paint_chunk, spec, retries=2, pure=False)
            if progress:
                future.add_done_callback(lambda f, n=count: f.status == "finished" and progress(n))
            pending.append((future, count, sounds))
            while len(pending) >= QUEUE_PER_WORKER * workers:
                join_oldest()
        while pending:
            join_oldest()
        ok = True
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for future, _, _ in pending:
            future.cancel()
        if mix is not None:
            mix.close()
        writer.close(keep=ok or interrupted)
        close_client(client)
    return written, interrupted


def close_client(client) -> None:
    """Close ``client`` and the local cluster it started, if any; restore the environment."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
    kept = getattr(client, "kept_environ", None)
    if kept is not None:
        kept.restore()
