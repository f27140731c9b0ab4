"""The soak's samples drawn as a plot: one panel per quantity against hours of show (pygame)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pygame

__all__ = ["plot_samples"]

PANELS = (  # (sample field, label, colour)
    ("memory_mb", "player memory (MB)", (232, 115, 90)),
    ("sound_mb", "sound process memory (MB)", (242, 158, 126)),
    ("open_files", "open files", (217, 164, 65)),
    ("threads", "threads", (201, 124, 124)),
    ("underruns", "sound underruns (total)", (111, 140, 138)),
)
WIDTH, PANEL_HEIGHT, MARGIN = 960, 150, 56
INK, PAPER, GRID = (247, 235, 221), (46, 30, 43), (90, 60, 70)


def plot_samples(samples: Sequence[Any], path: Path) -> None:
    pygame.font.init()
    font = pygame.font.Font(None, 20)
    height = PANEL_HEIGHT * len(PANELS) + 40
    image = pygame.Surface((WIDTH, height))
    image.fill(PAPER)
    hours = [s.show_hours for s in samples]
    span = max(hours[-1] - hours[0], 1e-9)
    for k, (name, label, colour) in enumerate(PANELS):
        top = 10 + k * PANEL_HEIGHT
        area = pygame.Rect(MARGIN, top + 18, WIDTH - MARGIN - 16, PANEL_HEIGHT - 40)
        values = [float(getattr(s, name)) for s in samples]
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pygame.draw.rect(image, GRID, area, 1)
        image.blit(font.render(f"{label}: {values[0]:.1f} to {values[-1]:.1f}", True, INK),
                   (MARGIN, top))  # fmt: skip
        image.blit(font.render(f"{high:.0f}", True, INK), (4, area.top))
        image.blit(font.render(f"{low:.0f}", True, INK), (4, area.bottom - 14))
        points = [
            (area.left + (h - hours[0]) / span * area.width,
             area.bottom - (v - low) / (high - low) * area.height)
            for h, v in zip(hours, values, strict=True)
        ]  # fmt: skip
        pygame.draw.aalines(image, colour, False, points)
    image.blit(font.render(f"hours of show: {hours[0]:.1f} to {hours[-1]:.1f}", True, INK),
               (MARGIN, height - 24))  # fmt: skip
    pygame.image.save(image, str(path))
