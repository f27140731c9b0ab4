"""The window: opening it on the right monitor, the keys, and showing a picture with the HUD.

It only windows: a key becomes a command (``play.control``) and the window does not know what
the command does; a picture comes in and is shown, a wall screen's part of it when the player
draws a wall's canvas.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import pygame

__all__ = ["INVISIBLE_DRIVERS", "KEYS", "NoDisplay", "Window"]

log = logging.getLogger("installation.player")

#: SDL's video drivers that show nothing: fine when asked for by name (tests, soak runs)
INVISIBLE_DRIVERS = ("offscreen", "dummy", "evdev")

#: key -> the command it gives (``play.control``), with its arguments
KEYS: dict[int, tuple[str, tuple]] = {
    pygame.K_ESCAPE: ("quit", ()),
    pygame.K_q: ("quit", ()),
    pygame.K_f: ("fullscreen", ()),
    pygame.K_h: ("hud", ()),
    pygame.K_o: ("overlay", ()),
    pygame.K_SPACE: ("pause", ()),
    pygame.K_n: ("next", ()),
    pygame.K_p: ("previous", ()),
    pygame.K_PLUS: ("louder", ()),
    pygame.K_EQUALS: ("louder", ()),
    pygame.K_KP_PLUS: ("louder", ()),
    pygame.K_MINUS: ("softer", ()),
    pygame.K_KP_MINUS: ("softer", ()),
}


class NoDisplay(RuntimeError):
    """There is no screen to play on, and nobody asked for an invisible one."""


class Window:
    def __init__(self, title: str, size: tuple[int, int], fullscreen: bool, monitor: int,
                 vsync: bool, fps: float):  # fmt: skip
        """``size``: what the window shows (a wall screen's viewport, or the whole picture)."""
        self.size = size
        self.fullscreen = fullscreen
        self.fps = fps
        self._clock = pygame.time.Clock()
        self.surface = self._open(title, monitor, vsync)

    def _open(self, title: str, monitor: int, vsync: bool) -> pygame.Surface:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in INVISIBLE_DRIVERS and not os.environ.get("SDL_VIDEODRIVER"):
            # SDL falls back to drawing offscreen when it finds no display: a player that
            # "plays" to nothing would look healthy in its log while the wall stays dark
            pygame.display.quit()
            raise NoDisplay(f"no display found (SDL could only draw {driver})")
        pygame.display.set_caption(title)
        pygame.display.set_allow_screensaver(False)
        flags = (pygame.FULLSCREEN | pygame.SCALED) if self.fullscreen else 0
        monitors = pygame.display.get_num_displays()
        chosen = monitor if monitor < monitors else 0
        if chosen != monitor:
            log.warning("display: monitor %d not found (%d present); using 0", monitor, monitors)
        try:
            surface = pygame.display.set_mode(self.size, flags, display=chosen, vsync=int(vsync))
        except pygame.error:  # some drivers cannot vsync: pace with the clock alone
            surface = pygame.display.set_mode(self.size, flags, display=chosen)
        pygame.mouse.set_visible(not self.fullscreen)
        log.info("display: %dx%d %s on monitor %d, %g fps", *self.size,
                 "fullscreen" if self.fullscreen else "window", chosen, self.fps)  # fmt: skip
        return surface

    def events(self) -> list[tuple[str, tuple]]:
        """What happened since the last frame, as commands: keys, and the window closed."""
        commands: list[tuple[str, tuple]] = []
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                commands.append(("quit", ()))
            elif event.type == pygame.KEYDOWN and event.key in KEYS:
                commands.append(KEYS[event.key])
        return commands

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        pygame.display.toggle_fullscreen()
        pygame.mouse.set_visible(not self.fullscreen)

    def show(self, picture: pygame.Surface, area: tuple[int, int, int, int] | None,
             over: Callable[[pygame.Surface], None]) -> None:  # fmt: skip
        """Show ``picture`` (its ``area``, for a wall's screen), ``over`` it the HUD, and wait
        for the display. With vsync, ``flip`` waits for the refresh; ``tick`` is a backstop."""
        self.surface.blit(picture, (0, 0), area)
        over(self.surface)
        pygame.display.flip()
        self._clock.tick(self.fps)

    def close(self) -> None:
        pygame.display.quit()
