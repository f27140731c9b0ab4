"""Window and input: the window, the keys, what the screen shows and the HUD over it.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import logging
import os

import pygame

from installation.play.slot import live_values
from installation.play.state import PlayerState
from installation.render.program import blend_parts

log = logging.getLogger("installation.player")

#: SDL's video drivers that show nothing: fine when asked for by name (tests, soak runs)
INVISIBLE_DRIVERS = ("offscreen", "dummy", "evdev")


class NoDisplay(RuntimeError):
    """There is no screen to play on, and nobody asked for an invisible one."""


class WindowMixin(PlayerState):
    def _open_window(self) -> pygame.Surface:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in INVISIBLE_DRIVERS and not os.environ.get("SDL_VIDEODRIVER"):
            # SDL falls back to drawing offscreen when it finds no display: a player that
            # "plays" to nothing would look healthy in its log while the wall stays dark
            pygame.display.quit()
            raise NoDisplay(f"no display found (SDL could only draw {driver})")
        pygame.display.set_caption(f"installation: {self.show.id}")
        pygame.display.set_allow_screensaver(False)
        flags = (pygame.FULLSCREEN | pygame.SCALED) if self.fullscreen else 0
        monitors = pygame.display.get_num_displays()
        monitor = self.monitor if self.monitor < monitors else 0
        if monitor != self.monitor:
            log.warning(
                "display: monitor %d not found (%d present); using 0", self.monitor, monitors
            )
        try:
            screen = pygame.display.set_mode(
                self.window_size, flags, display=monitor, vsync=int(self.options.vsync)
            )
        except pygame.error:  # some drivers cannot vsync: pace with the clock alone
            screen = pygame.display.set_mode(self.window_size, flags, display=monitor)
        pygame.mouse.set_visible(not self.fullscreen)
        log.info(
            "display: %dx%d %s on monitor %d, %g fps",
            *self.window_size,
            "fullscreen" if self.fullscreen else "window",
            monitor,
            self.fps,
        )
        return screen

    @property
    def window_size(self) -> tuple[int, int]:
        """What the screen shows: the picture, or a wall screen's viewport of it."""
        return self.view.size if self.view is not None else self.size

    def _events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.stopping = "window closed"
            elif event.type == pygame.KEYDOWN:
                self._key(event.key)

    def _key(self, key: int) -> None:
        if key in (pygame.K_ESCAPE, pygame.K_q):
            self.stopping = "key"
        elif key == pygame.K_f:
            self.fullscreen = not self.fullscreen
            pygame.display.toggle_fullscreen()
            pygame.mouse.set_visible(not self.fullscreen)
        elif key == pygame.K_h:
            self.hud.visible = not self.hud.visible
        elif key == pygame.K_o:
            self.overlay = not self.overlay
        elif key == pygame.K_SPACE:
            self.pause(not self.paused)
        elif key == pygame.K_n:
            self.skip(+1)
        elif key == pygame.K_p:
            self.skip(-1)
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.set_volume(self.audio.volume_db + 2)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.set_volume(self.audio.volume_db - 2)

    def _draw(self) -> None:
        area = self.view.rect if self.view is not None else None
        self.screen.blit(self.picture(), (0, 0), area)
        self._overlay(self.screen)

    def picture(self) -> pygame.Surface:
        """This frame's picture: the playing scenes blended by the schedule's weights, exactly
        as ``render`` blends them (the HUD is drawn over it afterwards)."""
        layers = []
        for playing in self.playing:
            slot = self.slots.get(playing.part.id)
            if slot is not None:
                layers.append((slot.render(), playing.weight, playing.part.brightness))
        if not layers:
            self.canvas.fill((0, 0, 0))
            return self.canvas
        return blend_parts(self.canvas, layers)

    def _overlay(self, screen: pygame.Surface) -> None:
        slot = self.current
        level = 0.0
        if slot is not None and slot.sound is not None:
            level = slot.sound.features().get("master", {}).get("rms", 0.0)
        lines = [
            f"{self.show.id}: {slot.scene.id if slot else '-'}  t={slot.time():.1f}s"
            if slot
            else self.show.id,
            f"{self._clock.get_fps():.1f} fps   frame p95 {self._p95():.1f} ms   budget {self.budget_ms:.1f} ms",
            f"quality: {self._quality() or 'full'}",
            f"sound: {self.audio.reason}   volume {self.audio.volume_db:+.0f} dB",
            f"{'closed (' + self.closed_mode + ')' if self.closed_mode else 'open'}"
            f"{'   paused' if self.paused else ''}   errors {self.errors}",
        ]
        self.hud.draw(screen, lines, level, self.budget_ms)
        if self.overlay and slot is not None:
            self.hud.draw_values(screen, live_values(slot))
        if self.hud.message and not self.hud.visible and not self.fullscreen:
            banner = self.hud.font.render(
                self.hud.message[:120], True, (247, 235, 221), (90, 42, 39)
            )
            screen.blit(banner, (12, screen.get_height() - banner.get_height() - 12))
