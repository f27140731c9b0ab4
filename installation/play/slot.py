"""A scene on screen and in the speakers while the player runs it; the watch on its file."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pygame

from installation.play.audio import AudioSlot, LiveAudio
from installation.play.prebuild import Built, signature
from installation.schedule import Part
from installation.visuals.quality import QualityGovernor

if TYPE_CHECKING:
    from installation.clock import ColourTrack

__all__ = ["FileWatch", "Slot", "live_values"]

log = logging.getLogger("installation.player")


class Slot:
    """A scheduled part's scene on screen and in the speakers, with its quality governor.

    Its time is the schedule's: ``clock()`` gives the part's scene time at the player's show
    time, the same number a render of the show gives for that moment."""

    def __init__(self, part: Part, built: Built, audio: LiveAudio, clock: Callable[[], float],
                 budget_ms: float):  # fmt: skip
        self.part = part
        self.path = built.path
        self.clock = clock
        self.watch = FileWatch(built.path, built.stamp)
        self.level = -1.0  # the sound level last set (-1: not yet)
        self.work_ms = 0.0  # what drawing the last frame cost
        self.broken: str | None = None  # why its picture cannot be drawn now
        self.broken_said = False
        self._take(built, budget_ms)
        self.sound: AudioSlot | None = audio.add(self.scene, clock, level=0.0)

    def _take(self, built: Built, budget_ms: float) -> None:
        self.scene = built.scene
        self.compositor = built.compositor
        self.governor = QualityGovernor(self.compositor.layers, budget_ms, self.compositor.effects)
        self.broken, self.broken_said = None, False

    def replace(self, built: Built, audio: LiveAudio) -> None:
        """A new version of the scene, built and tried: it goes on where the old one was (its
        sound takes over once the sound process has built it)."""
        self._take(built, self.governor.budget_ms)
        if self.sound is not None:
            audio.replace(self.sound, built.scene)
        else:
            self.sound = audio.add(built.scene, self.clock, level=0.0)
            self.level = -1.0

    def time(self) -> float:
        return self.clock()

    def pause(self, paused: bool) -> None:
        if self.sound is not None:
            self.sound.pause(paused)

    def render(self) -> pygame.Surface | None:
        """This scene's picture now, or None if it cannot be drawn (``broken`` says why; the
        rest of the show goes on). ``work_ms`` keeps what drawing it cost."""
        if self.broken is not None:
            return None
        features = self.sound.features() if self.sound is not None else None
        start = time.perf_counter()  # the work measured, for the governor: never drawn from
        try:
            picture = self.compositor.render(self.time(), features)
        except Exception as err:  # whatever a scene does, the player plays on
            log.exception("drawing %s failed", self.path)
            self.broken = f"{self.path}: its picture failed ({type(err).__name__}: {err})"
            return None
        self.work_ms = (time.perf_counter() - start) * 1000.0
        return picture

    def pace(self, budget_ms: float) -> None:
        """Tell the quality governor what this scene's own drawing cost against its budget:
        never another scene's work in a crossfade, never the wait for the display."""
        self.governor.budget_ms = budget_ms
        self.governor.observe(self.work_ms, self.compositor.layer_ms)


class FileWatch:
    """Notices that a file changed, once it has stopped changing.

    A change counts when the file's size and time, different from the last version read, are
    the same on two looks in a row: a file still being written (a slow copy, an editor that
    writes in place) is not read half-way. With the player's look every 0.2 s, a saved file is
    read 0.2 to 0.4 s after the last write."""

    def __init__(self, path: Path, known: tuple[int, int] | None = None):
        """``known``: the version already read (by default, the file as it is now)."""
        self.path = path
        self.known = known if known is not None else signature(path)
        self._seen = self.known

    def settled_change(self) -> bool:
        now = signature(self.path)
        if now == self.known:
            self._seen = now
            return False
        if now != self._seen:  # still changing: look again next time
            self._seen = now
            return False
        self.known = now
        return True


def live_values(slot: Slot) -> list[str]:
    """``layer.param = value`` for every parameter that moves: modulated or on the timeline."""
    moment = slot.compositor.scene.clock.moment(slot.time())
    lines = []
    for owner in (*slot.compositor.layers, *slot.compositor.effects):
        name = getattr(owner, "name", "?")
        for param, track in owner.tracks.items():
            if isinstance(track.base, tuple):  # a colour the timeline glides
                # a ColourTrack: ``tracks`` holds colours' tracks too, though typed as Track's
                r, g, b = cast("ColourTrack", track).at(moment)
                lines.append(f"{name}.{param} = #{r:02x}{g:02x}{b:02x}")
            elif track.changes or not track.base.constant:
                lines.append(f"{name}.{param} = {track.at(moment):.3f}")
    return lines
