"""Shows: validation with positions, playlist order, opening hours as a pure function."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from installation.scene.errors import SceneError
from installation.scene.show import load_show

GOOD = """show: gallery
scenes: [magic-hour, {scene: beach-dawn, minutes: 2}, night-skyline]
order: shuffle
hours:
  mon-fri: "10:00-18:00"
  sat: "10:00-12:00, 14:00-24:00"
  sun: closed
closed: dim
night_scene: night-skyline
"""


def write(tmp_path, text, name="gallery.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_loads(tmp_path):
    show = load_show(write(tmp_path, GOOD))
    assert [i.path.stem for i in show.items] == ["magic-hour", "beach-dawn", "night-skyline"]
    assert show.items[1].seconds == 120 and show.items[0].seconds == 360


def test_bundled_default_show_lists_every_bundled_scene():
    from installation.paths import SCENES, bundled_scenes

    show = load_show(SCENES / "shows" / "default.yaml")
    assert {i.path.stem for i in show.items} == {p.stem for p in bundled_scenes()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("magic-hour,", "magic-hur,"),
            "2:10: unknown scene 'magic-hur' (did you mean 'magic-hour'?)",
        ),
        (
            GOOD.replace('mon-fri: "10:00-18:00"', 'mon-fry: "10:00-18:00"'),
            "5:3: unknown day 'mon-fry'",
        ),
        (GOOD.replace('"10:00-18:00"', '"10-18"'), "5:12: '10-18' is not a span like 10:00-18:00"),
        (GOOD.replace('"10:00-18:00"', '"18:00-18:00"'), "is not a span of hours"),
        (
            GOOD.replace("order: shuffle", "order: random"),
            "'order' must be one of sequence, shuffle",
        ),
        (
            GOOD.replace("show: gallery", "show: other"),
            "1:7: show id 'other' must equal the file name 'gallery'",
        ),
        (GOOD.replace("night_scene: night-skyline", "night_scene: nite"), "unknown scene 'nite'"),
        (GOOD + "fps: 60\n", "unknown key 'fps'"),
    ],
)
def test_mistakes(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(SceneError) as err:
        load_show(path)
    assert any(expected in str(p) for p in err.value.problems), [str(p) for p in err.value.problems]


def test_shuffle_never_plays_a_scene_twice_in_a_row(tmp_path):
    show = load_show(write(tmp_path, GOOD))
    order = [show.order_index(i) for i in range(300)]
    assert all(a != b for a, b in itertools.pairwise(order))
    for start in range(0, 300, 3):  # every round plays every scene once
        assert sorted(order[start : start + 3]) == [0, 1, 2]


def test_sequence_order(tmp_path):
    show = load_show(write(tmp_path, GOOD.replace("order: shuffle", "order: sequence")))
    assert [show.order_index(i) for i in range(7)] == [0, 1, 2, 0, 1, 2, 0]


@pytest.mark.parametrize(
    ("when", "open_"),
    [
        ("2026-11-23 09:59", False),  # a Monday, before opening
        ("2026-11-23 10:00", True),
        ("2026-11-27 17:59", True),  # Friday
        ("2026-11-27 18:00", False),
        ("2026-11-28 11:00", True),  # Saturday morning
        ("2026-11-28 13:00", False),  # Saturday lunch
        ("2026-11-28 23:59", True),  # open until midnight
        ("2026-11-29 12:00", False),  # Sunday: closed
    ],
)
def test_opening_hours(tmp_path, when, open_):
    show = load_show(write(tmp_path, GOOD))
    assert show.is_open(dt.datetime.strptime(when, "%Y-%m-%d %H:%M")) is open_


def test_no_hours_means_always_open(tmp_path):
    show = load_show(write(tmp_path, "show: gallery\nscenes: [magic-hour]\n"))
    assert show.is_open(dt.datetime(2026, 12, 25, 3, 0))


def test_opening_hours_may_cross_midnight(tmp_path):
    text = "show: late\nscenes: [magic-hour]\nhours:\n  fri: '20:00-02:00'\n"
    show = load_show(write(tmp_path, text, "late.yaml"))
    friday = dt.datetime(2026, 11, 27)
    assert not show.is_open(friday.replace(hour=19, minute=59))
    assert show.is_open(friday.replace(hour=23))
    assert show.is_open(friday + dt.timedelta(days=1, hours=1, minutes=59))  # Saturday 01:59
    assert not show.is_open(friday + dt.timedelta(days=1, hours=2))
    assert not show.is_open(friday - dt.timedelta(hours=1))  # Thursday 23:00
    assert show.next_change(friday.replace(hour=12)) == friday.replace(hour=20)
    assert show.next_change(friday.replace(hour=21)) == friday + dt.timedelta(days=1, hours=2)
