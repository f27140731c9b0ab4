"""One show scheduler: the player and the renderer lay a show out the same way, frame for frame."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import pixels
from playerkit import on_stage

from installation.play.options import PlayOptions
from installation.play.player import Player
from installation.render.program import FramePainter, load_program
from installation.scene.show import load_show
from installation.schedule import DIM_BRIGHTNESS, Schedule

SIZE = (160, 90)
OPENS = dt.datetime(2026, 11, 27, 11, 59, 50)  # a Friday; the show closes at 12:00:00

SHOW = """show: day
scenes: [magic-hour, beach-dawn]
minutes: 0.05
crossfade: 1
hours: {daily: "08:00-12:00"}
closed: dim
night_scene: night-skyline
"""


@pytest.fixture
def show_file(tmp_path):
    path = tmp_path / "day.yaml"
    path.write_text(SHOW)
    return path


def test_a_show_is_laid_out_with_crossfades_and_hours(show_file):
    schedule = Schedule(load_show(show_file), OPENS)
    first = schedule.playing(1.0)
    assert [p.part.path.stem for p in first] == ["magic-hour"] and first[0].weight == 1.0
    fading = schedule.playing(2.5)  # 3 s scenes crossfade over their last second
    assert [p.part.path.stem for p in fading] == ["magic-hour", "beach-dawn"]
    assert sum(p.weight for p in fading) == pytest.approx(1.0)
    assert fading[1].scene_time == pytest.approx(0.5)
    closing = schedule.playing(10.5)  # closed at 10 s: the night scene, dimmed and quieter
    assert closing[-1].part.path.stem == "night-skyline"
    assert closing[-1].part.brightness == DIM_BRIGHTNESS and closing[-1].part.gain < 0.3
    assert [p.part.path.stem for p in schedule.playing(60.0)] == ["night-skyline"]
    assert schedule.current(60.0).next_at == 20 * 3600 + 10  # until 08:00 tomorrow


def test_without_hours_a_render_reads_the_show_as_always_open(show_file):
    schedule = Schedule(load_show(show_file))
    assert {p.part.path.stem for p in schedule.playing(60.0)} <= {"magic-hour", "beach-dawn"}


def test_the_player_shows_what_the_render_shows(show_file, tmp_path):
    """A headless player on a fake clock and a render of the same show: byte-identical frames,
    in a scene, across a crossfade, and across the opening-hours change to the night scene."""
    now = {"t": 0.0}
    options = PlayOptions(
        target=str(show_file), size=SIZE, state_dir=tmp_path / "state", vsync=False,
        audio=False, osc=None, timer=lambda: now["t"],
        clock=lambda: OPENS + dt.timedelta(seconds=now["t"]),
    )  # fmt: skip
    player = on_stage(Player(options))  # at 0: the show starts once its first picture is built
    try:
        times = (1.0, 2.25, 2.6, 4.0, 9.8, 10.4, 11.5)
        program = load_program(show_file, times[-1] + 1, opens_at=OPENS)
        painter = FramePainter(program, SIZE)
        for t in times:
            now["t"] = t
            player.step()  # what plays at t is asked for, and built in its thread
            player.builder.wait()
            player.step()  # and taken
            played = pixels(player.picture())
            rendered = pixels(painter.paint(t))
            assert np.array_equal(played, rendered), f"at {t} s"
        assert player.closed_mode == "dim" and player.current.scene.id == "night-skyline"
    finally:
        player.close()
