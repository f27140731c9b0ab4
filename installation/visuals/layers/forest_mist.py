"""forest-mist: a misty winter treeline at the edge of a wood, and a figure seen from behind."""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.rates import STRIP_DRIFT
from installation.scene.values import Num
from installation.visuals.figures import person
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.raster import upscale_dithered
from installation.visuals.silhouette import Shape, line, new_alpha, paint
from installation.visuals.strips import Strip, fog_low, mix, new_strip, strip_width


class ForestMistParams(LayerParams):
    baked = ("mist", "trees", "ground", "figure_colour")
    planes: int = Field(3, ge=1, le=5, description="rows of trees, far to near")
    mist: ColourField = Field("warm-grey", description="colour the far trees dissolve into")
    trees: ColourField = Field("#3B2A2A", description="colour of the nearest trees")
    ground: ColourField = Field("#E8DCCD", description="colour of the snow")
    horizon: float = Field(0.72, ge=0.3, le=0.95, description="where the wood meets the snow")
    density: float = Field(0.6, ge=0.1, le=1, description="how close the trees stand")
    bare: float = Field(0.5, ge=0, le=1, description="share of bare trees among the conifers")
    drift: Annotated[float, Num(-100, 100), STRIP_DRIFT] = Field(
        0.0, description="slow sideways drift, px/s at 1080 lines (a camera's breath)"
    )
    figure: bool = Field(True, description="a woman standing at the edge of the wood, from behind")
    figure_x: float = Field(0.58, ge=0, le=1, description="where she stands")
    figure_size: float = Field(0.17, ge=0.03, le=0.6, description="her height, in frame heights")
    figure_colour: ColourField = Field("#4A2E2C", description="her coat, a warm dark")


@LAYERS.register("forest-mist")
class ForestMist(Layer[ForestMistParams]):
    """Rows of conifers and bare trees fading into mist over snow, and a woman seen from behind at
    the wood's edge."""

    Params = ForestMistParams
    direct = True

    def setup(self) -> None:
        p = self.params
        h = self.size[1]
        self.ground_y = round(p.horizon * h)
        self.planes = [self._bake(k) for k in range(p.planes)]
        self.ground = _ground(p, self.size, self.ground_y)
        self.figure = person(p.figure_size * h, p.figure_colour) if p.figure else None

    def _bake(self, k: int) -> Strip:
        p = self.params
        h = self.size[1]
        nearness = (k + 1) / p.planes
        fade = min(0.94, 0.8 * (1.0 - nearness) ** 0.6 + 0.22)  # even the nearest row is misty
        colour = mix(p.trees, p.mist, fade)
        rng = self.rng("trees", k)
        parallax = 0.2 + 0.8 * nearness
        per_loop = self.motion_on(self.clock, "drift").per_loop()
        width = strip_width(self.size[0], per_loop and per_loop * parallax * self.unit)
        strip = new_strip(width, h)
        alpha = new_alpha(strip)
        base = self.ground_y + round((2 + nearness * 10) * self.unit)  # feet in the snow
        tallest = h * (0.22 + 0.28 * nearness)
        x = 0.0
        while x < width:
            height = tallest * rng.uniform(0.55, 1.0)
            for shift in (0, -width):
                if rng.random() < p.bare:
                    tree = _bare_tree(rng, x + shift, base, height, self.unit * (0.6 + nearness))
                else:
                    tree = _conifer(x + shift, base, height, rng)
                paint(strip, alpha, colour, tree)
            x += rng.uniform(20, 90) * self.unit * (1.4 - p.density) * (0.5 + nearness)
        fog_low(strip, p.mist, fade * 0.2, 0.75)
        top = max(0, round(base - tallest * 1.1))
        return Strip(strip, top, parallax, alpha).seal(self.canvas)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ForestMistParams) -> None:
        p = self.params
        w = self.size[0]
        for plane in self.planes:
            plane.blit(target, plane.offset(self, frame))
        target.blit(self.ground, (0, self.ground_y))
        if self.figure is not None:
            fx = round(p.figure_x * w - self.figure.get_width() / 2)
            fy = self.ground_y + round(6 * self.unit) - self.figure.get_height()
            target.blit(self.figure, (fx, fy))


def _conifer(x, base, height, rng) -> list[Shape]:
    """Stacked tiers down to the snow: a spruce in winter shows no trunk."""
    width = height * rng.uniform(0.22, 0.32)
    tiers = 5
    shapes: list[Shape] = []
    for i in range(tiers):
        top = base - height * (1 - i / tiers * 0.8)
        bottom = base - height * (0.72 - i / tiers * 0.72) + 2
        half = width * (0.35 + 0.65 * (i + 1) / tiers) / 2
        shapes.append(("poly", ((x, top), (x - half, bottom), (x + half, bottom))))
    return shapes


def _bare_tree(rng, x, base, height, unit) -> list[Shape]:
    """A trunk that forks into thinner and thinner branches: winter, late autumn."""
    shapes = []

    def branch(x0, y0, angle, length, width, depth) -> None:
        x1 = x0 + math.cos(angle) * length
        y1 = y0 - math.sin(angle) * length
        shapes.append(line((x0, y0), (x1, y1), max(1.0, width)))
        if depth == 0 or length < 3:
            return
        for turn in (-1, 1):
            spread = rng.uniform(0.25, 0.6) * turn
            branch(x1, y1, angle + spread, length * rng.uniform(0.6, 0.78), width * 0.65, depth - 1)

    branch(x, base, math.pi / 2 + rng.uniform(-0.06, 0.06), height * 0.42, 5 * unit, 5)
    return shapes


def _ground(p: ForestMistParams, size: tuple[int, int], ground_y: int) -> pygame.Surface:
    """Snow under mist: lightest at the treeline, a little warmer and darker toward us."""
    w, h = size
    rows = max(1, h - ground_y)
    u = np.linspace(0.0, 1.0, max(2, rows // 4), dtype=np.float32)[:, None]
    top = np.array(mix(p.ground, p.mist, 0.35), dtype=np.float32)
    bottom = np.array(mix(p.ground, p.trees, 0.18), dtype=np.float32)
    column = top[None, :] + (bottom - top)[None, :] * (u**0.8)  # (rows, 3)
    planes = np.broadcast_to(column.T[:, :, None], (3, column.shape[0], 8))
    return upscale_dithered(planes, (w, rows))
