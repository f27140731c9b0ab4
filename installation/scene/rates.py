"""Rates a loop changes: in a scene with ``loop: L`` everything periodic comes round exactly, so
a rate is fitted to the loop, and a fit far from what was written is a silent change of intent.

Two kinds are fitted (``installation validate`` warns when the fit is more than 10 % off):

* value forms that repeat: an LFO's period, a noise's speed, keys that loop, all fitted to a
  whole number of cycles a loop (``clock.fit_rate``);
* rates that move things (a drift in px/s, a speed): what moves a loop lands on a whole number
  of its pattern's periods (``clock.loop_travel``). A layer's model declares it on the field,
  ``drift: Annotated[float, Num(-400, 400), Lands(FRAME_WIDTH, at_least=True)]``: a wrapping
  strip moves at least one frame width a loop, so in a 60 s loop ``drift: 4`` runs at 32 px/s.

Figures are given for a 16:9 frame at 1080 lines (the units the pixels of a scene are written
in); a frame narrower than 512 px rounds further.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from installation.clock import Clock, Motion, Timed, Track, fit_rate, loop_travel
from installation.scene.errors import Problem
from installation.scene.models import Entry
from installation.scene.values import Keys, Lfo, Noise
from installation.scene.yamlpos import Document
from installation.scene.yamlpos import Path as YamlPath

__all__ = [
    "FRAME_WIDTH",
    "NOTICEABLE",
    "STRIP_DRIFT",
    "Lands",
    "rates_a_loop_changes",
    "timeline_set",
]

FRAME_WIDTH = 1920.0  # px at 1080 lines in a 16:9 frame
NOTICEABLE = 0.10  # a fit further than this from what was written is worth a warning


@dataclass(frozen=True)
class Lands:
    """Field metadata on a rate (units per second) whose motion lands on whole ``period`` s per
    loop: the nearest whole number, at least one, or with ``at_least`` only raised to one
    period (a strip whose width is then chosen to fit). ``unit``: the rate's, for messages."""

    period: float
    at_least: bool = False
    unit: str = "px/s"


#: a drift that scrolls wrapping strips (skylines, treelines, a viaduct): they are at least a
#: frame wide, so in a loop they move one frame width or more (``visuals.strips.strip_width``)
STRIP_DRIFT = Lands(FRAME_WIDTH, at_least=True)
#: haze's drift: its pattern repeats every aspect / 1.5 frame widths (``visuals.layers.haze``),
#: 2276 px at 16:9
HAZE_DRIFT = Lands(FRAME_WIDTH * (16 / 9) / 1.5)


def rates_a_loop_changes(
    doc: Document, data: dict[str, Any], owners: Iterable[Entry], clock: Clock
) -> list[Problem]:
    """Every rate and periodic value the loop fits more than NOTICEABLE away from its words."""
    if not clock.loop:
        return []
    out: list[Problem] = []
    for entry in owners:
        for param, lands in lands_of(entry.params).items():
            track = entry.tracks.get(param)
            if isinstance(track, Track):
                out += _motion(doc, entry, param, lands, track, clock)
        for param, track in entry.tracks.items():
            if not isinstance(track, Track):
                continue  # a colour's glide
            name = f"{entry.address}.{param}"
            out += _periodic(doc, (*entry.where, *param.split(".")), name, track.base, clock.loop)
            for change in track.changes:
                where = timeline_set(data, change.at, name)
                out += _periodic(doc, where, name, change.value, clock.loop)
    return out


def lands_of(model: BaseModel, prefix: str = "") -> dict[str, Lands]:
    """Dotted paths of the fields declared :class:`Lands`, nested models included."""
    out: dict[str, Lands] = {}
    for name, info in type(model).model_fields.items():
        lands = next((m for m in info.metadata if isinstance(m, Lands)), None)
        if lands is not None:
            out[prefix + name] = lands
        child = getattr(model, name, None)
        if isinstance(child, BaseModel):
            out.update(lands_of(child, f"{prefix}{name}."))
    return out


def timeline_set(data: dict[str, Any], at: float, target: str) -> YamlPath:
    """Where the timeline sets ``target`` at ``at`` seconds (the timeline, if nowhere)."""
    timeline = data.get("timeline")
    for i, event in enumerate(timeline if isinstance(timeline, list) else []):
        changes = event.get("set") if isinstance(event, dict) else None
        if event.get("at") == at and isinstance(changes, dict) and target in changes:
            return ("timeline", i, "set", target)
    return ("timeline",)


def _motion(
    doc: Document, entry: Entry, param: str, lands: Lands, track: Track, clock: Clock
) -> list[Problem]:
    loop = clock.loop
    assert loop
    where = (*entry.where, *param.split("."))
    if where not in doc.values and not track.changes:
        return []  # a default nobody chose: no intent to change
    written = Motion(track, clock).per_loop()
    if not written:
        return []  # it does not move
    runs = loop_travel(written, lands.period, lands.at_least)
    if abs(runs / written - 1) <= NOTICEABLE:
        return []
    rate, fitted = written / loop, runs / loop
    constant = not track.changes and track.base.constant
    said = f"{_g(rate)}" if constant else f"{_g(rate)} on average"
    fix = f"write {fitted:.5g}" if constant else f"scale its values by {fitted / rate:.4g}"
    if lands.at_least:
        why = (f"what it moves must come round in this {_g(loop)} s loop, at least one frame's "
               f"width ({_g(lands.period)} px at 1080 lines) a loop")  # fmt: skip
    else:
        laps = round(runs / lands.period)
        why = (f"in this {_g(loop)} s loop it must move a whole number of its pattern's "
               f"{_g(lands.period)} px ({abs(laps)} a loop)")  # fmt: skip
    return [doc.problem(where,
        f"'{entry.address}.{param}' runs at {_g(fitted)} {lands.unit}, not the {said} written "
        f"({fitted / rate:.2g}x): {why}; {fix} to say what it does")]  # fmt: skip


def _periodic(
    doc: Document, where: YamlPath, name: str, value: Timed, loop: float
) -> list[Problem]:
    """An LFO, a noise or looping keys whose cycle the loop fits far from what was written."""
    if isinstance(value, Lfo):
        key, was = "period", value.period
    elif isinstance(value, Keys) and value.loop and value.points[-1][0] > 0:
        key, was = "keys", value.points[-1][0]
    elif isinstance(value, Noise) and value.speed > 0:
        key, was = "noise", 1.0 / value.speed
    else:
        return []
    now = 1.0 / fit_rate(1.0 / was, loop)
    if abs(now / was - 1) <= NOTICEABLE:
        return []
    n = round(loop / now)
    if key == "noise":
        said = f"wanders at {_g(1 / now)} cells a second, not the {_g(1 / was)} written"
        fix = f"noise: {_g(n / loop)} ({n} a loop) or {_g((n + 1) / loop)} ({n + 1})"
        what = "cells"
    else:
        said = f"comes round every {_g(now)} s, not every {_g(was)} s as written"
        fix = (f"period: {_g(loop / n)} ({n} a loop) or {_g(loop / (n + 1))} ({n + 1})"
               if key == "period" else
               f"keys that end at {_g(loop / n)} ({n} a loop) or {_g(loop / (n + 1))} ({n + 1})")  # fmt: skip
        what = "cycles"
    return [doc.problem((*where, key),
        f"'{name}' {said}: a whole number of {what} must fill the {_g(loop)} s loop; "
        f"write {fix}")]  # fmt: skip


def _g(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"
