"""Headless rendering to files: containers read back, sync to a frame, determinism, --jobs,
interruption, shows with crossfades, stills, and refusals."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time

import av
import numpy as np
import pytest
from PIL import Image

from installation.cli import main
from installation.paths import SCENES

SYNC_SCENE = """scene: sync
loop: 2
visuals:
  - layer: sky
    top: plum-night
    bottom: maroon
    sun: null
    drift: 0
  - layer: pulse
    cue: tick
    colour: cream
    strength: 0.8
    decay: 0.05
sound:
  theme: false                 # the cues' strikes alone: no theme on the bells between them
  voices:
    - voice: bells
      density: 0
      ring: 0.3
      on_cue: tick
      level: -6
  master: {reverb: 0, fade: 0}
timeline:
  - at: 0.5
    cue: tick
"""


def render(*args: str) -> int:
    return main(["render", *args, "-q"])


@pytest.mark.parametrize(
    ("suffix", "video", "audio"),
    [(".mp4", "h264", "aac"), (".mkv", "h264", "flac"), (".webm", "vp9", "opus")],
)
def test_containers_read_back(tmp_path, suffix, video, audio):
    out = tmp_path / f"clip{suffix}"
    assert render("the-voice", "--seconds", "2", "--size", "160x90", "--out", str(out)) == 0
    with av.open(str(out)) as container:
        streams = {s.type: s.codec_context.name for s in container.streams}
        assert streams == {"video": video, "audio": audio}
        assert container.duration / 1e6 == pytest.approx(2.0, abs=0.05)
        frames = list(container.decode(video=0))
        assert len(frames) == 60 and (frames[0].width, frames[0].height) == (160, 90)
    assert not list(tmp_path.glob(".*part*"))  # no temporary left behind


def test_wav_only_and_folder(tmp_path):
    import wave

    assert (
        render("beach-dawn", "--frames", "15", "--size", "160x90", "--out", str(tmp_path / "s.wav"))
        == 0
    )
    with wave.open(str(tmp_path / "s.wav")) as w:
        assert w.getnframes() == 15 * 1600
    assert (
        render("beach-dawn", "--frames", "3", "--size", "160x90", "--out", str(tmp_path / "f")) == 0
    )
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "audio.wav", "frame_00000.png", "frame_00001.png", "frame_00002.png",
    ]  # fmt: skip


def onsets(
    values: np.ndarray, times: np.ndarray, threshold: float, gap: float = 1.0
) -> list[float]:
    found, last = [], -1e9
    for i in np.nonzero(values > threshold)[0]:
        if times[i] - last > gap:
            found.append(float(times[i]))
        last = times[i]
    return found


def test_picture_and_sound_stay_in_sync_for_a_minute(tmp_path):
    scene = tmp_path / "sync.yaml"
    scene.write_text(SYNC_SCENE)
    out = tmp_path / "sync.mp4"
    assert (
        render(
            str(scene),
            "--seconds",
            "60",
            "--size",
            "96x54",
            "--out",
            str(out),
            "--quality",
            "draft",
        )
        == 0
    )
    with av.open(str(out)) as container:
        pairs = [
            (float(f.pts * f.time_base), f.to_ndarray(format="rgb24").mean())
            for f in container.decode(video=0)
        ]
    vt, brightness = (np.array(v) for v in zip(*pairs, strict=True))
    flashes = [float(vt[i + 1]) for i in np.nonzero(np.diff(brightness) > 20)[0]]
    with av.open(str(out)) as container:
        chunks = [
            (float(f.pts * f.time_base), f.to_ndarray().mean(axis=0))
            for f in container.decode(audio=0)
        ]
    sr = 48000
    at = np.concatenate([t0 + np.arange(len(x)) / sr for t0, x in chunks])
    level = np.abs(np.concatenate([x for _, x in chunks]))
    clicks = onsets(level, at, 0.2 * level.max())
    assert len(flashes) == len(clicks) == 30  # a cue every 2 s
    offsets = [abs(a - b) for a, b in zip(flashes, clicks, strict=True)]
    assert max(offsets) <= 1 / 30, offsets  # within one frame, from the first to the last


def test_same_command_same_file_and_jobs_2_equals_jobs_1(tmp_path):
    args = ["magic-hour", "--frames", "40", "--size", "160x90", "--start", "12"]
    assert render(*args, "--out", str(tmp_path / "a.mp4")) == 0
    assert render(*args, "--out", str(tmp_path / "b.mp4")) == 0
    assert render(*args, "--out", str(tmp_path / "c.mp4"), "--jobs", "2") == 0
    a = (tmp_path / "a.mp4").read_bytes()
    assert a == (tmp_path / "b.mp4").read_bytes() == (tmp_path / "c.mp4").read_bytes()


def test_painters_run_at_most_a_few_frames_ahead_of_the_encoder():
    """``--jobs``: frames are handed to the painters only as the sink takes them, so a slow
    encoder holds the painters back instead of letting painted frames pile up in memory (and
    the sound, drawn with the tasks, is mixed no further ahead)."""
    from installation.render.pipeline import painted_in_order

    drawn = []

    def tasks():
        for i in range(50):
            drawn.append(i)
            yield i

    class Done:  # a frame a worker has finished
        def __init__(self, value):
            self.value = value

        def get(self):
            return self.value

    class Pool:  # paints at once: as fast as painters can be
        def apply_async(self, fn, args):
            return Done(args[0])

    taken = []
    for picture in painted_in_order(Pool(), tasks(), ahead=4):
        taken.append(picture)
        assert len(drawn) - len(taken) <= 3, "frames painted ahead of the sink"
    assert taken == list(range(50)), "in order, every one"


def test_interrupted_render_leaves_a_playable_file(tmp_path):
    out = tmp_path / "long.mp4"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    cmd = [
        sys.executable,
        "-m",
        "installation",
        "render",
        "magic-hour",
        "--seconds",
        "120",
        "--size",
        "320x180",
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    # wait until the progress bar counts 30 frames written (after loading and calibration),
    # not for a fixed time that a busy machine may not meet
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(lambda: process.stdout.read(1), "")))
    reader.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        counts = re.findall(r"(\d+)/3600", "".join(seen[-400:]))
        if counts and int(counts[-1]) >= 30:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    reader.join(timeout=10)
    output = "".join(seen)
    assert process.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output
    with av.open(str(out)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert 0 < frames < 3600
    assert not list(tmp_path.glob(".*part*"))


def test_show_renders_its_crossfades(tmp_path):
    show = tmp_path / "pair.yaml"
    show.write_text(
        "show: pair\nscenes: [{scene: night-skyline, minutes: 0.05}, {scene: beach-dawn, minutes: 0.05}]\ncrossfade: 1\n"
    )
    out = tmp_path / "pair"
    assert (
        render(
            str(show),
            "--seconds",
            "5",
            "--fps",
            "10",
            "--size",
            "64x36",
            "--out",
            str(out),
            "--no-audio",
        )
        == 0
    )
    means = [
        np.asarray(Image.open(out / f"frame_{i:05d}.png"), dtype=float).mean() for i in range(50)
    ]
    night, dawn = np.mean(means[:15]), np.mean(means[-10:])
    middle = means[25]  # 2.5 s: halfway through the crossfade (2 s .. 3 s)
    assert night < middle < dawn or dawn < middle < night


def test_still(tmp_path):
    out = tmp_path / "poster.png"
    assert (
        main(["still", "rooftop-dawn", "--at", "90", "--size", "320x180", "--out", str(out)]) == 0
    )
    image = np.asarray(Image.open(out).convert("RGB"))
    assert image.shape == (180, 320, 3)
    # the poster is the frame itself: what the renderer paints at that moment, pixel for pixel
    from installation.render.frames import frame_bytes
    from installation.render.program import FramePainter, load_program

    painter = FramePainter(load_program(SCENES / "rooftop-dawn.yaml", 91), (320, 180))
    bgrx = np.frombuffer(frame_bytes(painter.paint(90.0)), np.uint8).reshape(180, 320, 4)
    assert np.array_equal(image, bgrx[:, :, 2::-1])
    assert image.std() > 6  # and a picture, not a flat fill


def test_sheet_of_a_show(tmp_path):
    out = tmp_path / "sheet.png"
    assert (
        main(
            [
                "sheet",
                str(SCENES / "shows" / "default.yaml"),
                "--columns",
                "2",
                "--tile",
                "64x36",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    sheet = np.asarray(Image.open(out).convert("RGB")).astype(float)
    scenes = 12  # the default show's, one row each: two frames of 64x36 under a label
    row = 36 + (sheet.shape[0] // scenes - 36)
    assert sheet.shape[:2] == (row * scenes, 128)
    tiles = [sheet[r * row + (row - 36) : (r + 1) * row, c * 64 : (c + 1) * 64]
             for r in range(scenes) for c in range(2)]  # fmt: skip
    assert all(t.std() > 3 for t in tiles)  # every tile holds a picture
    firsts = tiles[::2]  # of twelve different scenes: no two alike (equal means can happen)
    alike = [(i, j) for i, j in itertools.combinations(range(scenes), 2)
             if np.abs(firsts[i] - firsts[j]).mean() < 2]  # fmt: skip
    assert alike == [], alike


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "clip.avi"], "unknown output 'clip.avi'"),
        (["--out", "x.mp4", "--size", "161x90"], "video sizes must be even"),
        (["--out", "x.mp4", "--size", "1920"], "size must be WIDTHxHEIGHT"),
        (["--out", "x.mp4", "--size", "20000x20000"], "out of range"),
        (["--out", "x.mp4", "--seconds", "0"], "at least one frame"),
        (["--out", "x.mp4", "--seconds", "-2"], "at least one frame"),
        (["--out", "blocker/x.mp4"], "is a file, not a folder"),
    ],
)
def test_bad_input_exits_2_and_leaves_nothing(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("a file in the way")
    full = ["render", "magic-hour", *(["--seconds", "1"] if "--seconds" not in args else []), *args]
    assert main(full) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_a_still_is_the_films_frame_followers_included(tmp_path, capsys):
    """dance-floor's layers follow its sound: the still renders the sound up to its moment."""
    assert main(["render", "dance-floor", "--frames", "46", "--size", "96x54",
                 "--out", str(tmp_path / "film"), "-q"]) == 0  # fmt: skip
    film = np.asarray(Image.open(tmp_path / "film" / "frame_00045.png").convert("RGB"))
    args = ["still", "dance-floor", "--at", "1.5", "--size", "96x54"]
    assert main([*args, "--out", str(tmp_path / "still.png")]) == 0
    assert "rendering the sound up to 1.5 s" in capsys.readouterr().err
    assert np.array_equal(np.asarray(Image.open(tmp_path / "still.png").convert("RGB")), film)
    assert main([*args, "--no-audio", "--out", str(tmp_path / "quick.png")]) == 0
    assert "rest at their lowest" in capsys.readouterr().err
    quick = np.asarray(Image.open(tmp_path / "quick.png").convert("RGB"))
    assert not np.array_equal(quick, film)  # the followers made a difference: the test can fail
    assert main([*args, "--out", str(tmp_path / "poster.jpg")]) == 0
    assert Image.open(tmp_path / "poster.jpg").format == "JPEG"
