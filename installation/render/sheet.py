"""Contact sheets: a grid of frames, one row per scene, columns spread over its timeline."""

from __future__ import annotations

from pathlib import Path

import pygame
from PIL import Image

from installation.scene.models import Scene
from installation.visuals.compositor import Compositor

__all__ = ["render_sheet", "sheet_times"]

LABEL_HEIGHT = 22


def sheet_times(scene: Scene, columns: int) -> list[float]:
    """Times spread over one loop (or the duration, or the first two minutes)."""
    span = scene.clock.loop or scene.duration or 120.0
    return [span * (i + 0.5) / columns for i in range(columns)]


def render_sheet(
    scenes: list[Scene], out: Path, *, columns: int = 4, tile: tuple[int, int] = (384, 216)
) -> Path:
    """Write a labelled grid of frames to ``out`` (PNG or JPEG by extension)."""
    pygame.font.init()
    font = pygame.font.Font(None, 20)
    w, h = tile
    row_h = h + LABEL_HEIGHT
    sheet = pygame.Surface((w * columns, row_h * len(scenes)))
    sheet.fill((46, 30, 43))
    for row, scene in enumerate(scenes):
        compositor = Compositor(scene, tile)
        times = sheet_times(scene, columns)
        for col, t in enumerate(times):
            sheet.blit(compositor.render(t), (col * w, row * row_h + LABEL_HEIGHT))
            label = font.render(f"{scene.id}  t={t:.0f}s", True, (247, 235, 221))
            sheet.blit(label, (col * w + 6, row * row_h + 4))
    image = Image.frombytes("RGB", sheet.get_size(), pygame.image.tobytes(sheet, "RGB"))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, quality=90) if out.suffix.lower() in (".jpg", ".jpeg") else image.save(out)
    return out
