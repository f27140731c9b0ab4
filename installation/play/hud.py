"""The technician's HUD: scene, time, fps, a frame-time graph, audio level, quality, errors."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from installation.play.pacing import GRAPH_FRAMES

__all__ = ["Hud"]

INK = (247, 235, 221)
DIM = (46, 30, 43)
WARN = (232, 115, 90)


class Hud:
    """The panel a technician toggles with H: what plays, how well, and the latest problem."""

    def __init__(self) -> None:
        pygame.font.init()
        self.font = pygame.font.Font(None, 22)
        self.visible = False

    def draw(self, target: pygame.Surface, lines: list[str], level: float, budget_ms: float,
             frame_ms: Sequence[float], message: str) -> None:  # fmt: skip
        if not self.visible:
            return
        width = 420
        height = 28 + 20 * len(lines) + 70 + (22 if message else 0)
        panel = pygame.Surface((width, height), pygame.SRCALPHA, 32)
        panel.fill((*DIM, 200))
        y = 10
        for line in lines:
            panel.blit(self.font.render(line, True, INK), (12, y))
            y += 20
        y += 6
        self._graph(panel, pygame.Rect(12, y, width - 60, 48), budget_ms, frame_ms)
        meter = pygame.Rect(width - 36, y, 16, 48)
        pygame.draw.rect(panel, (90, 60, 70), meter, 1)
        lit = round(48 * max(0.0, min(1.0, level)))
        panel.fill((255, 196, 107), pygame.Rect(meter.x + 1, meter.bottom - lit, 14, lit))
        if message:
            panel.blit(self.font.render(message[:60], True, WARN), (12, y + 56))
        target.blit(panel, (16, 16))

    def _graph(self, panel: pygame.Surface, area: pygame.Rect, budget_ms: float,
               frame_ms: Sequence[float]) -> None:  # fmt: skip
        pygame.draw.rect(panel, (90, 60, 70), area, 1)
        if not frame_ms:
            return
        scale = area.height / (2.0 * budget_ms)
        budget_y = area.bottom - round(budget_ms * scale)
        pygame.draw.line(panel, (120, 90, 90), (area.left, budget_y), (area.right, budget_y))
        step = area.width / GRAPH_FRAMES
        for i, ms in enumerate(frame_ms):
            bar = min(area.height, round(ms * scale))
            colour = WARN if ms > budget_ms else (217, 164, 65)
            x = area.left + round(i * step)
            pygame.draw.line(panel, colour, (x, area.bottom - 1), (x, area.bottom - bar))

    def banner(self, target: pygame.Surface, message: str) -> None:
        """A problem along the bottom of the picture, for the artist at a window."""
        text = self.font.render(message[:120], True, INK, (90, 42, 39))
        target.blit(text, (12, target.get_height() - text.get_height() - 12))

    def draw_values(self, target: pygame.Surface, lines: list[str]) -> None:
        """The parameter overlay: live values of what moves, top right."""
        if not lines:
            lines = ["nothing is modulated in this scene"]
        width = 320
        panel = pygame.Surface((width, 16 + 18 * len(lines)), pygame.SRCALPHA, 32)
        panel.fill((*DIM, 200))
        for i, line in enumerate(lines):
            panel.blit(self.font.render(line, True, INK), (10, 8 + 18 * i))
        target.blit(panel, (target.get_width() - width - 16, 16))
