"""The stage: the scenes playing now, each in its slot, and the picture they make together.

Each frame the schedule says which parts play and how much of each (``schedule.Playing``); the
stage gives each part a slot once its scene has been built (``prebuild``: never on the frame
loop), retires the slots of parts that are over, moves each scene's sound with its share of
the crossfade, and blends their pictures as ``render`` does. A part whose scene is still being
built is not drawn yet; a part whose scene cannot be built is handed back to the schedule to be
skipped. With nothing to draw (the first scene still building, or every scene broken) the stage
shows a calm picture: a warm dark gradient, never a black or frozen screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pygame

from installation.play.audio import LiveAudio
from installation.play.prebuild import Builder, Built, Failed
from installation.play.reporting import Notices
from installation.play.slot import Slot
from installation.schedule import Part, Playing
from installation.visuals.showmix import blend_parts

__all__ = ["Stage", "calm_picture"]

log = logging.getLogger("installation.player")

#: top and bottom of the calm picture: plum night to maroon, the palette's own darks
CALM_TOP = (46, 30, 43)
CALM_BOTTOM = (90, 42, 39)


class Stage:
    def __init__(self, size: tuple[int, int], budget_ms: float, audio: LiveAudio,
                 builder: Builder, notices: Notices):  # fmt: skip
        self.size = size
        self.budget_ms = budget_ms
        self.audio = audio
        self.builder = builder
        self.notices = notices
        self.slots: dict[int, Slot] = {}  # by the schedule's part id
        self.playing: list[Playing] = []
        self.paused = False
        self.calm = False  # the last picture was the calm one: nothing could be drawn
        self.canvas = pygame.Surface(size, 0, 32)
        self._calm: pygame.Surface | None = None

    def update(self, playing: list[Playing], clock: Callable[[Part], float]) -> list[Part]:
        """Bring the slots to what plays now; returns the parts whose scene cannot be built.
        ``clock(part)``: the part's scene time now (the player's show clock, read each call)."""
        self.playing = playing
        failed = [p.part for p in playing if not self._ensure(p.part, clock)]
        live = {p.part.id for p in playing}
        for part_id in [k for k in self.slots if k not in live]:
            self.audio.remove(self.slots.pop(part_id).sound)
        for p in playing:
            slot = self.slots.get(p.part.id)
            if slot is not None and slot.sound is not None and abs(p.level - slot.level) > 1e-4:
                # a scene's first sound glides in over a second, then follows the crossfade
                slot.sound.fade_to(p.level, 1.0 if slot.level < 0 else 0.05)
                slot.level = p.level
        return failed

    def _ensure(self, part: Part, clock: Callable[[Part], float]) -> bool:
        """A slot for ``part`` once its scene is built (black needs none); False if it cannot
        be built."""
        if part.path is None or part.id in self.slots:
            return True
        done = self.builder.take(part.id, part.path)
        if isinstance(done, Failed):
            self.notices.problem(f"skipping {part.path.name}: {done.message}")
            return False
        if done is None:
            self.builder.ask(part.id, part.path, part.scene_time(part.begin))
            return True  # drawn once it is built; what plays meanwhile plays on
        self.slots[part.id] = self._slot(part, done, clock)
        log.info("scene: %s", done.scene.id)
        self.notices.warnings(done.scene)
        return True

    def _slot(self, part: Part, built: Built, clock: Callable[[Part], float]) -> Slot:
        slot = Slot(part, built, self.audio, lambda: clock(part), self.budget_ms)
        if self.paused:  # a scene begun while paused waits, sound and all
            slot.pause(True)
        return slot

    def pause(self, paused: bool) -> None:
        self.paused = paused
        for slot in self.slots.values():
            slot.pause(paused)

    # -- the picture --------------------------------------------------------------------------
    def picture(self) -> pygame.Surface:
        """This frame's picture: the playing scenes blended by the schedule's weights, exactly
        as ``render`` blends them; the calm picture when none can be drawn."""
        layers = []
        drawn: list[Slot] = []
        for playing in self.playing:
            slot = self.slots.get(playing.part.id)
            if slot is None:
                continue  # still being built
            image = slot.render()
            if slot.broken and not slot.broken_said:
                self.notices.problem(slot.broken)  # once: not drawn again until a new version
                slot.broken_said = True
            if image is not None:
                layers.append((image, playing.weight, playing.part.brightness))
                drawn.append(slot)
        black = any(p.part.path is None for p in self.playing)  # closed: black
        self.calm = not layers and not black
        for slot in drawn:  # scenes drawn together (a crossfade) share the frame's budget
            slot.pace(self.budget_ms / len(drawn))
        if not layers:
            if black:
                self.canvas.fill((0, 0, 0))
                return self.canvas
            return self.calm_picture()
        return blend_parts(self.canvas, layers)

    def calm_picture(self) -> pygame.Surface:
        if self._calm is None:
            self._calm = calm_picture(self.size)
        return self._calm

    @property
    def work_ms(self) -> float:
        return sum(slot.work_ms for slot in self.slots.values())

    def close(self) -> None:
        for slot in self.slots.values():
            self.audio.remove(slot.sound)
        self.slots.clear()


def calm_picture(size: tuple[int, int]) -> pygame.Surface:
    """A warm dark vertical gradient, dithered: what shows while there is nothing else."""
    w, h = size
    u = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    top, bottom = np.array(CALM_TOP, np.float32), np.array(CALM_BOTTOM, np.float32)
    column = top + (bottom - top) * u**1.5
    noise = np.random.default_rng(0).random((h, w, 1), dtype=np.float32)  # fixed: no flicker
    pixels = np.clip(column[:, None, :] + noise - 0.5, 0, 255).astype(np.uint8)
    surface = pygame.Surface(size, 0, 32)
    pygame.surfarray.blit_array(surface, pixels.transpose(1, 0, 2))
    return surface
