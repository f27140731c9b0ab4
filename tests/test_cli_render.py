"""The command line: render, list, bench; bad arguments exit 2 with one clear line."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from PIL import Image

from installation.cli import main
from installation.paths import bundled_scenes
from installation.scene.loader import load_scene


def test_render_writes_numbered_pngs_identical_run_to_run(tmp_path):
    args = ["render", "magic-hour", "--frames", "3", "--size", "160x90", "--start", "21", "-q"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["audio.wav", "frame_00000.png", "frame_00001.png", "frame_00002.png"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    image = Image.open(tmp_path / "a" / names[1])
    assert image.size == (160, 90) and image.mode == "RGB"


def test_render_seconds_and_fps(tmp_path):
    assert (
        main(
            [
                "render",
                "night-skyline",
                "--seconds",
                "0.5",
                "--fps",
                "8",
                "--size",
                "64x36",
                "--out",
                str(tmp_path),
                "-q",
            ]
        )
        == 0
    )
    assert len(list(tmp_path.glob("frame_*.png"))) == 4


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--frames", "2", "--size", "big"], "size must be WIDTHxHEIGHT"),
        (["--frames", "2", "--size", "99999x2"], "out of range"),
        (["--frames", "0"], "at least one frame"),
        (["--seconds", "-1"], "at least one frame"),
        (["--frames", "1", "--start", "-3"], "--start must not be negative"),
        (["--frames", "1", "--fps", "0"], "--fps must be between"),
    ],
)
def test_render_bad_arguments(tmp_path, capsys, extra, message):
    assert main(["render", "magic-hour", *extra, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()  # nothing left behind


def test_render_into_a_file_path_is_refused(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["render", "magic-hour", "--frames", "1", "--out", str(target)]) == 2
    assert "unknown output 'file.txt'" in capsys.readouterr().err


def test_render_broken_scene_reports_position(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scene: bad\nvisuals:\n  - layer: bokhe\n")
    assert main(["render", str(bad), "--frames", "1", "--out", str(tmp_path / "o")]) == 2
    assert f"{bad}:3:12: unknown layer 'bokhe'" in capsys.readouterr().err


def test_list_names_everything(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ("sky", "bokeh", "skyline", "grain", "vignette", "her", "magic-hour"):
        assert word in out


def test_bench_json_keys(capsys):
    assert main(["bench", "magic-hour", "--size", "160x90", "--frames", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0].keys() >= {"scene", "size", "frames", "median_ms", "p95_ms", "p99_ms", "seek_ms"}
    assert rows[0]["scene"] == "magic-hour" and rows[0]["frames"] == 3
    assert rows[0]["median_ms"] <= rows[0]["p95_ms"] <= rows[0]["p99_ms"]


def test_there_are_bundled_scenes():
    assert len(bundled_scenes()) >= 2


@pytest.mark.parametrize("path", bundled_scenes(), ids=lambda p: p.stem)
def test_bundled_scene_validates_and_renders_warm(path, tmp_path):
    """The picture (each scene's sound is test_sound.py's, over a minute, and make
    sound-check's, over its form: here it would cost a whole form's calibration a scene)."""
    scene = load_scene(path)
    assert scene.id == path.stem
    assert (
        main(
            [
                "render",
                str(path),
                "--frames",
                "2",
                "--start",
                "30",
                "--size",
                "320x180",
                "--out",
                str(tmp_path),
                "--no-audio",
                "-q",
            ]
        )
        == 0
    )
    image = np.asarray(Image.open(tmp_path / "frame_00001.png"), dtype=np.float32)
    assert image[:, :, 0].mean() > image[:, :, 2].mean()  # warm
    assert image.std() > 10  # not flat
    assert image.min(axis=2).min() < 140  # has some darker values (dawn scenes are high-key)
    assert (image.min(axis=2) >= 250).mean() < 0.01  # not blown out to white


def test_render_writes_the_frames_sound_and_layers_hear_it(tmp_path):
    import wave

    args = ["render", "the-voice", "--frames", "45", "--size", "160x90", "--start", "4", "-q"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--no-audio"]) == 0
    with wave.open(str(tmp_path / "a" / "audio.wav")) as w:
        assert w.getnframes() == 45 * 1600  # exactly each frame's samples at 30 fps
    assert not (tmp_path / "b" / "audio.wav").exists()
    # the waveform layer follows the hum, which sings from 4.1 to 5.2 s (the form's arrival is
    # sparse): while it sings the line swings differently than in silence
    differences = []
    for index in range(0, 45, 4):
        name = f"frame_{index:05d}.png"
        with_sound = np.asarray(Image.open(tmp_path / "a" / name), dtype=np.float32)
        silent = np.asarray(Image.open(tmp_path / "b" / name), dtype=np.float32)
        differences.append(float(np.abs(with_sound - silent).mean()))
    assert max(differences) > 0.2, differences


def test_frames_leave_pygame_as_they_are_in_memory_and_come_back_as_the_same_colours(tmp_path):
    import pygame

    from installation.render.frames import frame_bytes, save_png

    surface = pygame.Surface((7, 3), 0, 32)  # odd width: no row padding may creep in
    surface.fill((201, 102, 53))
    surface.fill((12, 240, 99), pygame.Rect(2, 1, 3, 1))
    save_png(frame_bytes(surface), (7, 3), tmp_path / "f.png")
    back = np.asarray(Image.open(tmp_path / "f.png").convert("RGB"))
    assert back.shape == (3, 7, 3)
    assert tuple(back[0, 0]) == (201, 102, 53) and tuple(back[1, 3]) == (12, 240, 99)


def test_bench_times_are_runs_spread_over_the_timeline():
    from installation.bench import sample_times

    times = sample_times(240.0, 10, 30.0, windows=4)
    assert len(times) == 14  # ten played frames, and each run's jump to its start
    starts = [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > 1]
    assert starts == [0.0, 60.0, 120.0, 180.0]  # four runs, a quarter of the loop apart
    assert all(abs((b - a) - 1 / 30) < 1e-9 for a, b in itertools.pairwise(times) if b - a < 1)


def test_render_follows_a_shows_opening_hours_from_a_given_time(tmp_path):
    show = tmp_path / "hours.yaml"
    show.write_text(
        "show: hours\nscenes: [magic-hour]\nhours: {mon-sun: '10:00-18:00'}\nclosed: black\n"
    )
    means = {}
    for clock in ("2026-11-27T12:00", "2026-11-27T22:00"):
        out = tmp_path / clock.replace(":", "")
        args = ["render", str(show), "--frames", "1", "--size", "64x36", "--no-audio", "-q",
                "--start", "5", "--opens-at", clock, "--out", str(out)]  # fmt: skip
        assert main(args) == 0
        means[clock] = np.asarray(Image.open(next(out.glob("*.png")))).mean()
    assert means["2026-11-27T12:00"] > 20 and means["2026-11-27T22:00"] < 1


def test_render_refuses_a_bad_opening_time(tmp_path, capsys):
    args = ["render", "scenes/shows/default.yaml", "--frames", "1", "--opens-at", "friday night",
            "--out", str(tmp_path / "x")]  # fmt: skip
    assert main(args) == 2
    assert "--opens-at takes a date and time" in capsys.readouterr().err
