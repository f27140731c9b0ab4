"""Shows: a playlist of scenes for an exhibit, with order, crossfades and opening hours.

```yaml
show: gallery
scenes: [magic-hour, elevated-train, {scene: beach-dawn, minutes: 8}]
order: shuffle               # sequence | shuffle (never the same scene twice in a row)
minutes: 6                   # time per scene unless the entry says otherwise
crossfade: 8                 # seconds; picture and sound fade together
hours:                       # leave out: always open
  mon-fri: "10:00-18:00"
  sat: "10:00-20:00"
  sun: closed
closed: dim                  # dim (a quiet night scene, low), black, or silent
night_scene: night-skyline
display: {fullscreen: true, monitor: 0, size: 1920x1080, fps: 60}
audio: {device: null, volume: 0}
wall:                        # a video wall: `installation play SHOW --screen NAME` on each machine
  canvas: 3840x1080
  screens:
    left: {viewport: "0,0,1920,1080", sound: true}
    right: {viewport: "1920,0,1920,1080"}
```
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from installation.paths import SCENES
from installation.scene.errors import Problem, SceneError, did_you_mean
from installation.scene.models import KEBAB
from installation.scene.params import Params
from installation.scene.sizes import SizeText, parse_size
from installation.scene.validate import validate_model
from installation.scene.values import _hash01, _show
from installation.scene.yamlpos import Document, read_source, read_yaml

__all__ = ["Show", "is_show_file", "load_show", "single_scene_show"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class DisplaySettings(Params):
    fullscreen: bool = Field(False, description="fill the monitor")
    monitor: int = Field(0, ge=0, le=16, description="which monitor, 0 the first")
    size: SizeText | None = Field(None, description="render size WxH")
    fps: float = Field(60.0, ge=10, le=240, description="target frames per second")


class AudioSettings(Params):
    device: str | int | None = Field(None, description="output device by name or index")
    volume: float = Field(0.0, ge=-60, le=12, description="volume trim in dB")


class ScreenSettings(Params):
    viewport: str = Field(
        pattern=r"^\d{1,5},\d{1,5},\d{1,5},\d{1,5}$",
        description="X,Y,W,H: this screen's part of the canvas, in its pixels",
    )
    sound: bool = Field(False, description="this screen's machine plays the show's sound")


class WallSettings(Params):
    canvas: SizeText = Field(description="the whole picture, WxH")
    screens: dict[str, ScreenSettings] = Field(
        min_length=1, description="each screen by name: `installation play SHOW --screen NAME`"
    )


class ShowModel(Params):
    show: str = Field(pattern=KEBAB, description="id, equal to the file's stem")
    title: str = Field("", description="the show's name in words")
    scenes: list[Any] = Field(min_length=1, description="scene ids or files, or {scene, minutes}")
    order: Literal["sequence", "shuffle"] = Field(
        "sequence", description="as listed, or shuffled anew each round (by seed)"
    )
    minutes: float = Field(6.0, gt=0, le=24 * 60, description="minutes per scene")
    crossfade: float = Field(8.0, ge=0, le=120, description="seconds of crossfade")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="for the shuffle")
    hours: dict[str, str] | None = Field(
        None, description="opening hours per day; none: always open"
    )
    closed: Literal["dim", "black", "silent"] = Field("dim", description="what closed looks like")
    night_scene: str | None = Field(None, description="the scene played dimmed while closed")
    display: DisplaySettings = Field(
        default_factory=DisplaySettings, description="the screen: window, monitor, size, fps"
    )
    audio: AudioSettings = Field(
        default_factory=AudioSettings, description="the sound: output device and volume"
    )
    wall: WallSettings | None = Field(
        None, description="a video wall: one canvas, a screen (and machine) for each part"
    )


class Entry(Params):
    scene: str
    minutes: float | None = Field(None, gt=0, le=24 * 60)


@dataclass(frozen=True)
class Item:
    path: Path
    seconds: float


@dataclass
class Show:
    path: str
    id: str
    items: list[Item]
    order: str
    crossfade: float
    seed: int
    #: weekday -> open spans as minutes from that day's midnight; an end past 1440 runs into
    #: the next day (``fri: "20:00-02:00"`` is open from Friday 20:00 to Saturday 02:00)
    hours: dict[int, list[tuple[int, int]]] | None
    closed: str
    night_scene: Path | None
    display: DisplaySettings
    audio: AudioSettings
    wall: WallSettings | None = None
    #: valid, but perhaps not what was meant (``installation validate`` prints them)
    warnings: tuple[Problem, ...] = ()

    def item(self, index: int) -> Item:
        """The scene at position ``index`` of the endless playlist."""
        return self.items[self.order_index(index)]

    def order_index(self, index: int) -> int:
        n = len(self.items)
        if self.order == "sequence" or n == 1:
            return index % n
        # shuffle each round of n; a round never starts with the scene the last one ended on
        round_, pos = divmod(index, n)
        perm = _permutation(n, self.seed, round_)
        if round_ > 0 and perm[0] == _permutation(n, self.seed, round_ - 1)[-1]:
            perm[0], perm[1] = perm[1], perm[0]
        return perm[pos]

    def is_open(self, when: dt.datetime) -> bool:
        if self.hours is None:
            return True
        minute = when.hour * 60 + when.minute + (when.second + when.microsecond / 1e6) / 60
        today, yesterday = when.weekday(), (when.weekday() - 1) % 7
        return any(a <= minute < b for a, b in self.hours.get(today, [])) or any(
            a <= minute + 1440 < b for a, b in self.hours.get(yesterday, [])
        )

    def next_change(self, when: dt.datetime) -> dt.datetime | None:
        """The first moment after ``when`` at which the show opens or closes; None if never."""
        if self.hours is None:
            return None
        midnight = dt.datetime.combine(when.date(), dt.time(), when.tzinfo)
        now_open = self.is_open(when)
        edges = sorted(
            midnight + dt.timedelta(days=d, minutes=m)
            for d in range(-1, 9)
            for a, b in self.hours.get((when.weekday() + d) % 7, [])
            for m in (a, b)
        )
        for edge in edges:
            if edge > when and self.is_open(edge) != now_open:
                return edge
        return None


def _permutation(n: int, seed: int, round_: int) -> list[int]:
    keys = [(_hash01(seed + round_ * 7919, i), i) for i in range(n)]
    return [i for _, i in sorted(keys)]


def is_show_file(path: Path) -> bool:
    """A show file starts with ``show:`` (cheap check, before full parsing)."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return any(line.startswith("show:") for line in head.splitlines())


def resolve_scene_ref(ref: str, base: Path) -> Path:
    """A show's scene: a file relative to the show, or an id: beside the show, in the scenes
    folder above it (``scenes/shows/x.yaml`` names ``scenes/*.yaml``), then the search path."""
    from installation.paths import resolve_scene

    path = Path(ref)
    if path.suffix in (".yaml", ".yml"):
        return path if path.is_absolute() else (base / path)
    for folder in (base, base.parent):
        if (folder / f"{ref}.yaml").is_file():
            return folder / f"{ref}.yaml"
    return resolve_scene(ref)


def load_show(path: str | Path) -> Show:
    """Read and validate a show file; every problem is reported at once, with positions."""
    name = str(path)
    doc = read_yaml(read_source(path), name)
    if not isinstance(doc.data, dict):
        raise SceneError([doc.problem((), f"a show is a mapping of keys, not {_show(doc.data)}")])
    model, problems = validate_model(ShowModel, doc.data, doc, ())
    if model is None:
        raise SceneError(problems)
    base = Path(path).parent
    stem = Path(name).stem
    if model.show != stem:
        problems.append(
            doc.problem(("show",), f"show id '{model.show}' must equal the file name '{stem}'")
        )
    known = sorted(p.stem for p in SCENES.glob("*.yaml"))
    items = []
    warnings: list[Problem] = []
    for i, raw in enumerate(model.scenes):
        where = ("scenes", i)
        if isinstance(raw, dict):
            entry, found = validate_model(Entry, raw, doc, where, "scene entry")
            problems += found
            if entry is None:
                continue
            ref, minutes = entry.scene, entry.minutes or model.minutes
        elif isinstance(raw, str):
            ref, minutes = raw, model.minutes
        else:
            problems.append(
                doc.problem(
                    where, f"a scene entry is an id or {{scene, minutes}}, not {_show(raw)}"
                )
            )
            continue
        scene_path = resolve_scene_ref(ref, base)
        if not scene_path.is_file():
            problems.append(doc.problem(where, f"unknown scene '{ref}'{did_you_mean(ref, known)}"))
            continue
        items.append(Item(scene_path, minutes * 60.0))
        warnings += _short_for_its_crossfade(doc, raw, where, ref, minutes * 60.0, model.crossfade)
    hours = _hours(model.hours, doc, problems)
    night = None
    if model.night_scene:
        night = resolve_scene_ref(model.night_scene, base)
        if not night.is_file():
            hint = did_you_mean(model.night_scene, known)
            problems.append(
                doc.problem(("night_scene",), f"unknown scene '{model.night_scene}'{hint}")
            )
    if model.wall is not None:
        problems += _wall_problems(model.wall, doc)
    if problems:
        raise SceneError(problems)
    return Show(
        name, model.show, items, model.order, model.crossfade, model.seed, hours, model.closed,
        night, model.display, model.audio, model.wall, tuple(sorted(warnings)),
    )  # fmt: skip


def _short_for_its_crossfade(
    doc: Document, raw: Any, where: tuple[str | int, ...], ref: str, seconds: float, fade: float
) -> list[Problem]:
    """A scene shorter than two crossfades: it fades in and out within its own time, so the
    schedule (``schedule.Schedule``) cuts each fade to half of it, without a word."""
    if fade <= seconds / 2:
        return []
    at = (*where, "minutes") if isinstance(raw, dict) and "minutes" in raw else where
    problem = doc.problem(at,
        f"'{ref}' plays {seconds:g} s, less than two crossfades of {fade:g} s: it fades in and "
        f"out within its own time, so each fade is cut to {seconds / 2:g} s; give it at least "
        f"{2 * fade / 60:.3g} minutes, or the show a crossfade of at most {seconds / 2:g}")  # fmt: skip
    return [Problem(problem.path, problem.line, problem.column, problem.message, "warning")]


def _wall_problems(wall: WallSettings, doc: Document) -> list[Problem]:
    """Every screen inside the canvas; one screen, at most, plays the sound."""
    from installation.scene.wall import parse_viewport

    canvas = parse_size(wall.canvas)  # its model checked it already
    problems = []
    for name, screen in wall.screens.items():
        try:
            parse_viewport(screen.viewport, canvas)
        except ValueError as err:
            message = str(err).replace("--viewport", "viewport")
            problems.append(doc.problem(("wall", "screens", name, "viewport"), message))
    sounding = [name for name, screen in wall.screens.items() if screen.sound]
    if len(sounding) > 1:
        problems.append(
            doc.problem(
                ("wall", "screens", sounding[1], "sound"),
                f"only one screen plays the sound (the speakers' machine); "
                f"'{sounding[0]}' already does",
            )
        )
    return problems


def _hours(
    raw: dict[str, str] | None, doc: Document, problems: list[Problem]
) -> dict[int, list[tuple[int, int]]] | None:
    if raw is None:
        return None
    table: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for key, value in raw.items():
        days = _days(key)
        if days is None:
            problems.append(
                doc.problem(
                    ("hours", key),
                    f"unknown day '{key}': use mon..sun or a range like mon-fri",
                    key=True,
                )
            )
            continue
        if value.strip().lower() == "closed":
            continue
        for span in value.split(","):
            match = _SPAN.match(span.strip())
            if not match:
                problems.append(
                    doc.problem(
                        ("hours", key),
                        f"'{span.strip()}' is not a span like 10:00-18:00 (or 'closed')",
                    )
                )
                continue
            h0, m0, h1, m1 = (int(g) for g in match.groups())
            if not (h0 < 24 and h1 <= 24 and m0 < 60 and m1 < 60) or (h0, m0) == (h1, m1):
                problems.append(
                    doc.problem(
                        ("hours", key),
                        f"'{span.strip()}' is not a span of hours (00:00 to 24:00, start and "
                        "end apart; an end before the start runs past midnight)",
                    )
                )
                continue
            start, end = h0 * 60 + m0, h1 * 60 + m1
            if end < start:
                end += 1440  # runs past midnight into the next day
            for d in days:
                table[d].append((start, end))
    return table


def _days(key: str) -> list[int] | None:
    key = key.strip().lower()
    if key in ("daily", "every day", "all"):
        return list(range(7))
    if "-" in key:
        first, last = (k.strip() for k in key.split("-", 1))
        if first in DAYS and last in DAYS:
            a, b = DAYS.index(first), DAYS.index(last)
            return list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
        return None
    return [DAYS.index(key)] if key in DAYS else None


def single_scene_show(path: Path) -> Show:
    """Playing one scene is a show of one scene, played until stopped."""
    return Show(
        str(path),
        path.stem,
        [Item(path, float("inf"))],
        "sequence",
        2.0,
        0,
        None,
        "dim",
        None,
        DisplaySettings(),
        AudioSettings(),
    )
