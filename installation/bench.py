"""``installation bench``: frame-time figures of the renderer for each scene and size."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from installation.scene.loader import load_scene
from installation.visuals.compositor import Compositor
from installation.visuals.quality import QualityGovernor, describe_levels

__all__ = [
    "bench_audio",
    "bench_frames",
    "bench_render",
    "format_render_table",
    "format_table",
    "full_frame_ms",
    "in_passes",
    "percentile",
    "sample_times",
]

WARMUP = 5  # sprite caches and noise fields are built in the first frames
WINDOWS = 4  # stretches of consecutive frames, spread over the scene's timeline
DEFAULT_SPAN = 240.0  # seconds looked over for an endless scene without a loop


def sample_times(span: float, frames: int, fps: float, windows: int = WINDOWS) -> list[float]:
    """``frames`` frame times in ``windows`` runs of consecutive frames spread over ``span``.

    Scenes change over their timelines (rain sets in, lights multiply), so the first seconds alone
    can flatter a scene; each run is consecutive so caches behave as they do when playing.
    A run begins with one frame more, the jump to it, which ``bench_frames`` times apart.
    """
    windows = max(1, min(windows, frames))
    out: list[float] = []
    for k in range(windows):
        run = frames // windows + (1 if k < frames % windows else 0)
        start = round(span * k / windows * fps)
        out.extend((start + i) / fps for i in range(run + 1))
    return out


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def full_frame_ms(size: tuple[int, int] = (1920, 1080), count: int = 200) -> float:
    """The median time of one full-frame blit at ``size`` between two surfaces of the canvas's
    format: the unit scene costs are given in, so that figures from machines of different
    speeds compare (a scene costing 12 passes costs 12 passes on any of them)."""
    from installation.visuals.raster import new_surface

    source, target = new_surface(size), new_surface(size)
    source.fill((120, 80, 70))
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        target.blit(source, (0, 0))
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def in_passes(rows: list[dict[str, Any]], unit_ms: float) -> None:
    """Add each row's median and p99 in full-frame passes (``full_frame_ms``) to the row."""
    for row in rows:
        row["median_passes"] = round(row["median_ms"] / unit_ms, 1)
        row["p99_passes"] = round(row["p99_ms"] / unit_ms, 1)


def bench_frames(
    path: Path,
    size: tuple[int, int],
    frames: int,
    fps: float = 30.0,
    budget_ms: float | None = None,
) -> dict[str, Any]:
    """Time ``frames`` frames of a scene (renderer only, no display, no sound), taken in runs
    spread over its timeline (``sample_times``).

    With ``budget_ms`` the player's adaptive-quality governor runs too: it first gets as many
    frames again to settle, then the same figures are taken.
    """
    scene = load_scene(path)
    compositor = Compositor(scene, size)
    governor = (
        QualityGovernor(compositor.layers, budget_ms, compositor.effects) if budget_ms else None
    )
    span = scene.duration or scene.clock.loop or DEFAULT_SPAN
    timed = sample_times(span, frames, fps)
    settle = [i / fps for i in range(WARMUP + (frames if governor else 0))]
    times: list[float] = []
    seeks: list[float] = []
    for i, t in enumerate(settle + timed):
        t0 = time.perf_counter()
        compositor.render(t)
        elapsed = (time.perf_counter() - t0) * 1000.0
        if governor:
            governor.observe(elapsed, compositor.layer_ms)
        if i >= len(settle):
            # a run's first frame jumps there in time (a player only does so when a scene
            # starts): it is timed apart from playback, whose frames follow one another
            jumped = i == len(settle) or t - (settle + timed)[i - 1] > 1.5 / fps
            (seeks if jumped else times).append(elapsed)
    row: dict[str, Any] = {
        "scene": scene.id,
        "size": f"{size[0]}x{size[1]}",
        "frames": frames,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "seek_ms": round(max(seeks), 2),
    }
    if governor:
        row["budget_ms"] = budget_ms
        row["quality"] = {k: v for k, v in governor.levels().items() if v < 1.0}
    return row


def bench_audio(path: Path, seconds: float = 30.0) -> float | None:
    """Offline audio speed of a scene, in multiples of real time (None if it has no sound)."""
    from installation.sound.engine import OfflineSound

    scene = load_scene(path)
    if scene.sound is None:
        return None
    start = time.perf_counter()
    with OfflineSound(scene) as sound:
        sound.render(seconds)
    return round(seconds / (time.perf_counter() - start), 1)


def bench_render(
    path: Path, size: tuple[int, int], frames: int, fps: float = 30.0, jobs: int = 1
) -> dict[str, Any]:
    """Render+encode with sound against encoding alone (the same frames, the same settings)."""
    import tempfile

    from installation.render.frames import frame_bytes
    from installation.render.pipeline import Job, run_render
    from installation.render.program import FramePainter, load_program
    from installation.render.video import VideoWriter

    program = load_program(path, frames / fps)
    painter = FramePainter(program, size)
    pictures = [frame_bytes(painter.paint(i / fps)) for i in range(frames)]
    with tempfile.TemporaryDirectory() as tmp:
        writer = VideoWriter(Path(tmp) / "encode.mp4", size, fps, "good", audio=False)
        start = time.perf_counter()
        for rgb in pictures:
            writer.write(rgb, None)
        writer.close()
        encode_fps = frames / (time.perf_counter() - start)
        del pictures
        from installation.sound.loudness import calibrate

        for part in program.parts:  # calibration is cached: the timed render does not pay it
            if part.scene.sound:
                calibrate(part.scene)
        start = time.perf_counter()
        run_render(Job(path, Path(tmp) / "full.mp4", size, fps, 0.0, frames, "good", jobs))
        full_fps = frames / (time.perf_counter() - start)
    return {
        "scene": path.stem,
        "size": f"{size[0]}x{size[1]}",
        "frames": frames,
        "jobs": jobs,
        "encode_only_fps": round(encode_fps, 1),
        "render_encode_fps": round(full_fps, 1),
        "ratio": round(full_fps / encode_fps, 2),
        "x_realtime": round(full_fps / fps, 2),
    }


def format_render_table(rows: list[dict[str, Any]]) -> str:
    head = f"{'scene':<18} {'size':>10} {'jobs':>4} {'encode fps':>11} {'render+enc fps':>15} {'ratio':>6} {'x realtime':>10}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['scene']:<18} {r['size']:>10} {r['jobs']:>4} {r['encode_only_fps']:>11.1f} "
            f"{r['render_encode_fps']:>15.1f} {r['ratio']:>6.2f} {r['x_realtime']:>10.2f}"
        )
    return "\n".join(lines)


def format_table(rows: list[dict[str, Any]], unit_ms: float | None = None) -> str:
    head = (
        f"{'scene':<22} {'size':>10} {'frames':>6} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'seek ms':>8} {'passes':>7} {'p99 passes':>10} {'audio x':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        line = (
            f"{r['scene']:<22} {r['size']:>10} {r['frames']:>6} {r['median_ms']:>10.2f} "
            f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['seek_ms']:>8.2f} "
            f"{r.get('median_passes', ''):>7} "
            f"{r.get('p99_passes', ''):>10} {r.get('audio_x_realtime') or '':>8}"
        )
        if "quality" in r:
            lowered = describe_levels(r["quality"])
            line += f"   adaptive {r['budget_ms']:g} ms: {lowered or 'full quality'}"
        lines.append(line)
    if unit_ms is not None:
        lines.append(
            f"passes: frame time in 1920x1080 full-frame blits, {unit_ms:.3f} ms each on this"
            " machine in this run (compare passes between machines, ms only within one)"
        )
    return "\n".join(lines)


def bench_farm(path: Path, size: tuple[int, int], frames: int, fps: float = 30.0) -> list[dict]:
    """One process against Dask with 1 and 2 local workers, the same render; and what a bigger
    cluster would give, from the workers' time per chunk.

    Each farm run starts its own local cluster (its start-up is not timed: a farm is started
    once and renders many files). A worker's first chunk includes building the scene.
    """
    import statistics
    import tempfile

    from installation.render.farm import SEGMENTS_PER_CHUNK, close_client, connect
    from installation.render.pipeline import Job, run_render
    from installation.render.program import load_program
    from installation.render.video import segment_frames
    from installation.sound.loudness import calibrate

    for part in load_program(path, frames / fps).parts:  # cached for the timed runs
        if part.scene.sound:
            calibrate(part.scene)
    rows: list[dict[str, Any]] = []
    per_chunk = segment_frames(fps) * SEGMENTS_PER_CHUNK
    with tempfile.TemporaryDirectory() as tmp:
        job = Job(path, Path(tmp) / "one.mp4", size, fps, 0.0, frames)
        start = time.perf_counter()
        run_render(job)
        one = frames / (time.perf_counter() - start)
        rows.append({"how": "one process", "workers": 0, "fps": round(one, 2)})
        start = time.perf_counter()
        run_render(Job(path, Path(tmp) / "sound.wav", size, fps, 0.0, frames))
        client_side = frames / (time.perf_counter() - start)  # the sound: made here, in order
        for workers in (1, 2):
            client = connect(f"local:{workers}")
            address = client.scheduler.address
            seconds: list[float] = []
            job = Job(path, Path(tmp) / f"farm{workers}.mp4", size, fps, 0.0, frames)
            start = time.perf_counter()
            run_render(job, scheduler=address, chunk_seconds=seconds)
            took = time.perf_counter() - start
            close_client(client)
            steady = statistics.median(seconds[workers:] or seconds)  # after scene building
            rows.append({
                "how": f"Dask, {workers} local worker(s)", "workers": workers,
                "fps": round(frames / took, 2),
                "chunk_frames": per_chunk, "chunk_s": round(steady, 2),
                "worker_fps": round(per_chunk / steady, 2),
            })  # fmt: skip
    worker_fps = rows[-1]["worker_fps"]
    rows.append({
        "how": "16 workers (estimate)", "workers": 16,
        "fps": round(min(16 * worker_fps, client_side), 1),
        "note": f"16 x {worker_fps} frames/s a worker; this machine's sound and muxing "
        f"alone run at {client_side:.0f} frames/s",
    })  # fmt: skip
    for r in rows:
        r.update(scene=path.stem, size=f"{size[0]}x{size[1]}", frames=frames,
                 x_realtime=round(r["fps"] / fps, 2))  # fmt: skip
    return rows


def format_farm_table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'':<26} {'frames/s':>9} {'x realtime':>10} {'s / chunk':>10} {'frames/s a worker':>18}"
    )
    lines = [
        f"{rows[0]['scene']} at {rows[0]['size']}, {rows[0]['frames']} frames",
        head,
        "-" * len(head),
    ]
    for r in rows:
        lines.append(
            f"{r['how']:<26} {r['fps']:>9.2f} {r['x_realtime']:>10.2f} "
            f"{r.get('chunk_s', ''):>10} {r.get('worker_fps', ''):>18}"
        )
    lines += [f"  {r['note']}" for r in rows if "note" in r]
    return "\n".join(lines)
