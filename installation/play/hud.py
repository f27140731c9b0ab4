"""The technician's HUD: scene, time, fps, a frame-time graph, audio level, quality, errors."""

from __future__ import annotations

from collections import deque

import pygame

__all__ = ["Hud"]

INK = (247, 235, 221)
DIM = (46, 30, 43)
WARN = (232, 115, 90)
GRAPH_FRAMES = 180  # frame times the graph shows, the latest last


class Hud:
    def __init__(self) -> None:
        pygame.font.init()
        self.font = pygame.font.Font(None, 22)
        self.frame_ms: deque[float] = deque(maxlen=GRAPH_FRAMES)
        self.visible = False
        self.message = ""  # the last problem, e.g. a broken scene on reload

    def record(self, ms: float) -> None:
        self.frame_ms.append(ms)

    def draw(
        self, target: pygame.Surface, lines: list[str], level: float, budget_ms: float
    ) -> None:
        if not self.visible:
            return
        width = 420
        height = 28 + 20 * len(lines) + 70 + (22 if self.message else 0)
        panel = pygame.Surface((width, height), pygame.SRCALPHA, 32)
        panel.fill((*DIM, 200))
        y = 10
        for line in lines:
            panel.blit(self.font.render(line, True, INK), (12, y))
            y += 20
        y += 6
        self._graph(panel, pygame.Rect(12, y, width - 60, 48), budget_ms)
        meter = pygame.Rect(width - 36, y, 16, 48)
        pygame.draw.rect(panel, (90, 60, 70), meter, 1)
        lit = round(48 * max(0.0, min(1.0, level)))
        panel.fill((255, 196, 107), pygame.Rect(meter.x + 1, meter.bottom - lit, 14, lit))
        if self.message:
            panel.blit(self.font.render(self.message[:60], True, WARN), (12, y + 56))
        target.blit(panel, (16, 16))

    def _graph(self, panel: pygame.Surface, area: pygame.Rect, budget_ms: float) -> None:
        pygame.draw.rect(panel, (90, 60, 70), area, 1)
        if not self.frame_ms:
            return
        scale = area.height / (2.0 * budget_ms)
        budget_y = area.bottom - round(budget_ms * scale)
        pygame.draw.line(panel, (120, 90, 90), (area.left, budget_y), (area.right, budget_y))
        step = area.width / GRAPH_FRAMES
        for i, ms in enumerate(self.frame_ms):
            bar = min(area.height, round(ms * scale))
            colour = WARN if ms > budget_ms else (217, 164, 65)
            x = area.left + round(i * step)
            pygame.draw.line(panel, colour, (x, area.bottom - 1), (x, area.bottom - bar))

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
