"""Beyond one process: render farms on Dask, files a media player loops, files a disk can take.

The farm's result must be the one-process render itself (same frames, same sound), even when a
worker dies mid-render; ``render --loop`` must join its end to its start without a seam in the
picture or the sound; the default quality must fit a 1080p30 render in 20 Mbit/s."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from installation.cli import main

pytest.importorskip("distributed", reason="the farm needs Dask: pip install 'installation[farm]'")

LOOPING = """scene: loopy
loop: 4
visuals:
  - layer: sky
    top: plum-night
    bottom: maroon
  - layer: bokeh
    count: 12
    drift: 30
sound:
  voices:
    - voice: pad
      level: -12
"""


def render(*args: str) -> int:
    return main(["render", *args, "-q"])


def packets(path: Path, kind: str) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(**{kind: 0}) if p.size]


def pictures(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]


def sound(path: Path) -> np.ndarray:
    """(samples, 2) floats, whatever the codec's sample layout."""
    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            x = frame.to_ndarray().astype(np.float64)
            x = x if frame.format.is_planar else x.reshape(-1, 2).T
            chunks.append(x / 32768.0 if frame.format.name.startswith("s16") else x)
    return np.concatenate(chunks, axis=1).T


# -- the farm ---------------------------------------------------------------------------------
def test_a_farm_render_is_the_one_process_render(tmp_path):
    args = ["magic-hour", "--seconds", "8", "--start", "5", "--size", "160x90"]
    assert render(*args, "--out", str(tmp_path / "one.mp4")) == 0
    assert render(*args, "--out", str(tmp_path / "farm.mp4"), "--scheduler", "local:2") == 0
    one, farm = tmp_path / "one.mp4", tmp_path / "farm.mp4"
    assert len(packets(farm, "video")) == 240
    assert packets(farm, "video") == packets(one, "video")  # every picture, to the bit
    assert packets(farm, "audio") == packets(one, "audio")  # the sound, rendered once, in order
    assert all((a == b).all() for a, b in zip(pictures(one), pictures(farm), strict=True))


def test_a_farm_render_survives_a_lost_worker(tmp_path):
    from distributed import LocalCluster

    from installation.render.farm import KeptEnviron
    from installation.render.pipeline import Job, run_render

    args = ["magic-hour", "--seconds", "24", "--start", "3", "--size", "96x54", "--no-audio"]
    assert render(*args, "--out", str(tmp_path / "one.mp4")) == 0
    kept = KeptEnviron()  # the nannies write worker settings into our environment
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
        silence_logs=50,
    )  # fmt: skip
    try:
        pids = [w.process.process.pid for w in cluster.workers.values()]
        done: list[int] = []

        def kill_one_when_started() -> None:
            while not done:  # the first chunk back: the other worker is painting its own
                time.sleep(0.05)
            os.kill(pids[0], signal.SIGKILL)

        killer = threading.Thread(target=kill_one_when_started, daemon=True)
        killer.start()
        job = Job(
            Path("scenes/magic-hour.yaml").resolve(), tmp_path / "farm.mp4", (96, 54), 30.0,
            3.0, 720, sound=False,
        )  # fmt: skip
        written, interrupted = run_render(
            job, progress=done.append, scheduler=cluster.scheduler_address
        )
        killer.join(5)
    finally:
        cluster.close()
        kept.restore()
    assert not killer.is_alive()
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # it is gone: its chunks were painted again elsewhere
    assert (written, interrupted) == (720, False)
    assert packets(tmp_path / "farm.mp4", "video") == packets(tmp_path / "one.mp4", "video")


def test_the_farm_refuses_what_it_cannot_do(tmp_path, capsys):
    assert render("magic-hour", "--frames", "3", "--out", str(tmp_path / "f"),
                  "--scheduler", "local:1") == 2  # fmt: skip
    assert "video files" in capsys.readouterr().err
    assert render("magic-hour", "--frames", "3", "--out", str(tmp_path / "a.mp4"),
                  "--scheduler", "local:0") == 2  # fmt: skip
    assert "1 to 64 workers" in capsys.readouterr().err
    assert render("magic-hour", "--frames", "3", "--out", str(tmp_path / "a.mp4"),
                  "--scheduler", "127.0.0.1:1") == 2  # fmt: skip
    assert "no Dask scheduler answers" in capsys.readouterr().err


# -- one loop for a media player --------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".mkv", ".mp4"])
def test_one_loop_joins_its_end_to_its_start(tmp_path, write, suffix):
    scene = write(LOOPING, "loopy.yaml")
    out = tmp_path / f"loop{suffix}"
    assert (
        render(str(scene), "--loop", "--size", "160x90", "--out", str(out), "--quality", "best")
        == 0
    )
    frames = pictures(out)
    assert len(frames) == 120  # exactly one 4 s loop at 30 fps
    steps = [np.abs(frames[i + 1] - frames[i]).mean() for i in range(len(frames) - 1)]
    join = np.abs(frames[0] - frames[-1]).mean()
    assert join <= 1.5 * max(steps), (join, max(steps))  # the repeat is one more frame step
    assert join >= 0.5 * min(steps)  # and a step: the last frame is not the first again
    audio = sound(out)
    if suffix == ".mkv":  # FLAC: exactly the loop's samples
        assert len(audio) == 4 * 48000
    else:  # AAC ends on a whole 1024-sample frame: the padding is silence after the loop
        assert 4 * 48000 <= len(audio) < 4 * 48000 + 1024
        audio = audio[: 4 * 48000]
    inner = np.abs(np.diff(audio, axis=0)).max(axis=1)
    seam = np.abs(audio[0] - audio[-1]).max()
    # FLAC is exact: the join is as smooth as the sound inside. AAC is lossy and its transform
    # blurs a file's first and last frames a little: the join may be as steep as a step inside.
    bound = np.percentile(inner, 99.5) if suffix == ".mkv" else inner.max()
    assert seam <= bound, (seam, bound)

    def level(x: np.ndarray) -> float:
        return 10 * np.log10(np.mean(x**2))

    assert abs(level(audio[:4800]) - level(audio[-4800:])) < 2.0  # no dip or bump either side


def test_one_loop_is_refused_where_there_is_none(tmp_path, write, capsys):
    out = str(tmp_path / "x.mp4")
    still = write(LOOPING.replace("loop: 4\n", "").replace("loopy", "still"), "still.yaml")
    assert render(str(still), "--loop", "--out", out) == 2
    assert "does not loop" in capsys.readouterr().err
    odd = write(LOOPING.replace("loop: 4", "loop: 4.01").replace("loopy", "odd"), "odd.yaml")
    assert render(str(odd), "--loop", "--out", out) == 2
    assert "whole frames" in capsys.readouterr().err
    assert render(str(odd), "--out", out) == 2
    assert "--loop" in capsys.readouterr().err  # no length given


# -- files a player and a disk can take -------------------------------------------------------
def test_default_quality_fits_1080p30_in_20_mbit_with_the_tags_players_expect(tmp_path):
    out = tmp_path / "hd.mp4"
    assert render("the-voice", "--seconds", "4", "--start", "20", "--size", "1920x1080",
                  "--out", str(out), "--no-audio") == 0  # fmt: skip
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        ctx = video.codec_context
        assert (ctx.name, ctx.profile, ctx.pix_fmt) == ("h264", "High", "yuv420p")
        assert (ctx.color_primaries, ctx.color_trc, ctx.colorspace, ctx.color_range) == (1, 1, 1, 1)
        keys = [
            i for i, p in enumerate(p for p in container.demux(video) if p.size) if p.is_keyframe
        ]
    assert keys == [0, 60]  # a closed group of pictures every 2 s
    mbit = out.stat().st_size * 8 / 4 / 1e6
    assert mbit <= 20.0, mbit


def test_a_local_farm_leaves_the_environment_as_it_found_it(tmp_path):
    """Dask's nannies set OMP_NUM_THREADS, MALLOC_TRIM_THRESHOLD_... in the parent's
    environment; processes started later (the live sound) must not inherit them."""
    before = dict(os.environ)
    assert render("magic-hour", "--frames", "30", "--size", "64x36", "--no-audio",
                  "--out", str(tmp_path / "a.mp4"), "--scheduler", "local:1") == 0  # fmt: skip
    assert dict(os.environ) == before


def test_render_modules_form_no_cycle_and_share_nothing_private():
    """The farm and the one-process pipeline share the sound's opening (``render.mix``), a
    public function: no module of render/ imports another's private name, and following
    their imports never leads back to where it started."""
    import ast

    import installation

    root = Path(installation.__file__).parent / "render"
    graph: dict[str, set[str]] = {}
    private = []
    for path in sorted(root.glob("*.py")):
        module = f"installation.render.{path.stem}"
        graph[module] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "installation.render."
            ):
                graph[module].add(str(node.module))
                private += [f"{module}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_")]  # fmt: skip
    assert private == []

    def cycle_from(start: str, at: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in sorted(graph.get(at, ())):
            if nxt == start:
                return (*seen, nxt)
            if nxt not in seen:
                found = cycle_from(start, nxt, (*seen, nxt))
                if found:
                    return found
        return None

    cycles = [cycle_from(m, m, (m,)) for m in graph]
    assert not any(cycles), [" -> ".join(c) for c in cycles if c]
