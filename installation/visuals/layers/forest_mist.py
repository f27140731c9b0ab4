"""forest-mist: a wood in fog, rows of trees dissolving with distance, and a woman seen from behind.

After the photograph that inspired the film's memory of a forest: grey-violet dusk, bare trunks
and spruces standing at every distance, the far ones all but gone in the mist, and a woman in a
long coat at the wood's edge, large in the frame, still.

The wood is laid out in metres and seen through the camera: a row of trees ``d`` metres off
stands on the ground at ``horizon + camera * f / d`` (``f`` the lens's focal length in pixels),
its trees as tall as trees are (``f / d`` pixels a metre), drifting by ``1 / d`` (parallax), faded
into the mist by the air between (the scene's atmosphere, or a wood's fog) and blurred by the lens
at ``d``. Each row is baked once into a strip that wraps (soft rows are premultiplied strips); the
woman stands among them at her own distance, rimmed by the scene's light, a shadow at her feet.
"""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.camera import FILM_HEIGHT_MM
from installation.scene.params import ColourField
from installation.scene.rates import STRIP_DRIFT
from installation.scene.values import Num
from installation.visuals.figures import Build, Pose, figure
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.lens import blurred_sprite, radius_step
from installation.visuals.lighting import contact_shadow, rim_sprite
from installation.visuals.raster import upscale_dithered
from installation.visuals.silhouette import new_alpha, paint
from installation.visuals.strips import Strip, fog_low, mix, new_strip, soft_strip, strip_width
from installation.visuals.trees import bare_tree, spruce

#: how far one sees in a wood's fog when the scene names no atmosphere
VISIBILITY = 28.0
HER_HEIGHT = 1.66  # metres
NEAREST_SPRUCE = 14.0  # metres: nearer than this a row has bare trees only


class ForestMistParams(LayerParams):
    baked = ("mist", "trees", "ground", "figure_colour")
    planes: int = Field(5, ge=1, le=8, description="rows of trees, far to near")
    depth: float = Field(4.0, ge=1, le=100000, description="metres to the nearest row of trees")
    far: float = Field(60.0, ge=2, le=100000, description="metres to the farthest row")
    camera: float = Field(1.5, ge=0.2, le=50, description="the camera's height over the ground, m")
    mist: ColourField = Field("warm-grey", description="colour the far trees dissolve into")
    trees: ColourField = Field("#3B2A2A", description="colour of the nearest trees")
    ground: ColourField = Field("#E8DCCD", description="colour of the snow")
    horizon: float = Field(
        0.5, ge=0.2, le=0.95, description="where the ground would meet the sky, 0 top 1 bottom"
    )
    density: float = Field(0.6, ge=0.1, le=1, description="how close the trees stand")
    bare: float = Field(0.7, ge=0, le=1, description="share of bare trees among the spruces")
    drift: Annotated[float, Num(-100, 100), STRIP_DRIFT] = Field(
        0.0, description="slow sideways drift of the nearest row, px/s at 1080 lines"
    )
    figure: bool = Field(True, description="a woman standing at the edge of the wood, from behind")
    figure_x: float = Field(0.58, ge=0, le=1, description="where she stands")
    figure_depth: float = Field(8.0, ge=1, le=1000, description="how far off she stands, metres")
    figure_colour: ColourField = Field("#4A2E2C", description="her coat, a warm dark")


@LAYERS.register("forest-mist")
class ForestMist(Layer[ForestMistParams]):
    """Rows of bare trees and spruces standing at their distances, dissolving into fog, blurred by
    the lens by their depth, and a woman seen from behind at the wood's edge, large and still."""

    Params = ForestMistParams
    direct = True
    blurs_itself = True  # each row is blurred once, by its own distance

    def setup(self) -> None:
        p = self.params
        h = self.size[1]
        lens = self.camera.lens
        focal = lens.params.focal if lens is not None else 50.0  # type: ignore[attr-defined]
        self.f = focal / FILM_HEIGHT_MM * h  # pixels a metre at one metre
        optics = self.camera.optics(self.clock.moment(0.0), self.size)
        air = self.camera.air_at_start()
        self.visibility = air.visibility if air is not None else VISIBILITY
        near, far = p.depth, max(p.far, p.depth)
        share = np.linspace(0.0, 1.0, p.planes) if p.planes > 1 else np.ones(1)
        self.depths = 1.0 / (1.0 / far + (1.0 / near - 1.0 / far) * share)  # far to near
        self.planes = []
        for k, d in enumerate(self.depths):
            strip = self._bake(k, float(d))
            radius = optics.radius(float(d)) if optics is not None else 0.0
            self.planes.append(
                soft_strip(strip, radius) if radius >= 0.75 else strip.seal(self.canvas)
            )
        self.ground_y = round(p.horizon * h)
        self.ground = _ground(p, self.size, self.ground_y)
        self.her = self._her(optics) if p.figure else None

    def _fade(self, d: float) -> float:
        return min(0.95, 1.0 - math.exp(-d / self.visibility))

    def _bake(self, k: int, d: float) -> Strip:
        """Row ``k`` of trees, ``d`` metres off: laid out in metres, drawn in pixels."""
        p = self.params
        w, h = self.size
        scale = self.f / d  # pixels a metre at this row
        fade = self._fade(d)
        colour = mix(p.trees, p.mist, fade * 0.3)  # the rest of the fade is transparency
        rng = self.rng("trees", k)
        parallax = p.depth / d
        per_loop = self.motion_on(self.clock, "drift").per_loop()
        width = strip_width(w, per_loop and per_loop * parallax * self.unit)
        strip = new_strip(width, h)
        alpha = new_alpha(strip)
        base = p.horizon * h + p.camera * scale  # where the trees stand
        least = max(0.7, 0.02 * scale)  # the finest twig, px
        clear = self._clear(d, width)
        x = rng.uniform(0, 3) * scale
        while x < width:
            height = rng.uniform(9, 22) * scale
            trunk = rng.uniform(0.12, 0.42) * scale
            if clear is not None and clear[0] - trunk < x < clear[1] + trunk:
                x = clear[1] + trunk + rng.uniform(0.3, 1.5) * scale
                continue
            for shift in (0, -width):
                # a spruce close by is a wall of boughs: near rows are bare trees only
                grow = bare_tree if rng.random() < p.bare or d < NEAREST_SPRUCE else spruce
                shapes = grow(rng, x + shift, base + 2, height, trunk, least)
                if clear is not None:  # no bough of a nearer tree across her
                    shapes = [shapes[0], *(s for s in shapes[1:] if not _across(s, clear))]
                paint(strip, alpha, colour, shapes)
            x += rng.uniform(2.0, 6.5) * (1.5 - p.density) * scale
        fog_low(strip, p.mist, 0.0, 0.55)
        top = max(0, int(np.flatnonzero(alpha.any(axis=0))[0])) if alpha.any() else h
        return Strip(strip, top, parallax, alpha)

    def _clear(self, d: float, width: int) -> tuple[float, float] | None:
        """Where a row nearer than her keeps no tree: her place and a little room about her (a
        row that drifts is left as it is: she is seen between its trees or behind them)."""
        p = self.params
        if not p.figure or d >= p.figure_depth or self.span_of("drift") != (0.0, 0.0):
            return None
        half = HER_HEIGHT * 0.45 * self.f / p.figure_depth
        x = p.figure_x * self.size[0]
        return x - half, x + half

    def _her(self, optics) -> tuple[pygame.Surface, int, int, float] | None:
        """Her sprite (through the lens at her distance), where it stands, and her distance."""
        p = self.params
        w, h = self.size
        d = p.figure_depth
        scale = self.f / d
        tall = round(HER_HEIGHT * scale)
        fade = self._fade(d) * 0.8
        coat = mix(p.figure_colour, p.mist, fade)
        hair = mix((38, 26, 28), p.mist, fade)
        skin = mix((120, 86, 80), p.mist, fade)
        build = Build(shoulders=0.22, hips=0.19, legs=0.49, head=0.06, hair="long",
                      clothes="coat", hem=0.2)  # fmt: skip
        pose = Pose(hips=(0.035, -0.025), knees=(0.0, 0.07), shoulders=(0.2, -0.14),
                    elbows=(0.12, -0.08), lean=0.015, sway=0.006, tilt=-0.14)  # fmt: skip
        sprite = figure(tall, build, pose, (coat, skin, hair), True)
        feet = round(p.horizon * h + p.camera * scale)
        left = round(p.figure_x * w - sprite.get_width() / 2)
        return sprite, left, feet, d

    def paint_key(self, frame: Frame, v: ForestMistParams) -> tuple:
        return (tuple(plane.offset(self, frame) for plane in self.planes), self._rim(frame))

    def _rim(self, frame: Frame) -> tuple[int, tuple, int] | None:
        light = frame.light
        if light is None or self.her is None:
            return None
        level = round(8 * min(1.0, 0.7 * light.strength))
        side = 1 if light.x * self.size[0] > self.her[1] + self.her[0].get_width() / 2 else -1
        return (side, tuple(int(c) // 8 * 8 for c in light.colour), level) if level else None

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ForestMistParams) -> None:
        target.blit(self.ground, (0, self.ground_y))
        her_d = self.her[3] if self.her is not None else -1.0
        drawn = self.her is None
        for plane, d in zip(self.planes, self.depths, strict=True):
            if not drawn and d < her_d:
                self._draw_her(target, frame)
                drawn = True
            plane.blit(target, plane.offset(self, frame))
        if not drawn:
            self._draw_her(target, frame)

    def _draw_her(self, target: pygame.Surface, frame: Frame) -> None:
        assert self.her is not None
        sprite, left, feet, d = self.her
        top = feet - sprite.get_height()
        pool = contact_shadow(round(sprite.get_height() * 0.3), 6)
        target.blit(pool, (round(left + sprite.get_width() / 2 - pool.get_width() / 2),
                           round(feet - pool.get_height() / 2)))  # fmt: skip
        radius = radius_step(frame.defocus(d))
        soft, pad = blurred_sprite(sprite, radius)
        target.blit(soft, (left - pad, top - pad), special_flags=pygame.BLEND_PREMULTIPLIED)
        rim = self._rim(frame)
        if rim is not None and radius < 2:
            side, colour, level = rim
            target.blit(rim_sprite(sprite, side, colour, level), (left, top),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip


def _across(shape, clear: tuple[float, float]) -> bool:
    """Whether a polygon reaches into the columns ``clear`` (her place)."""
    kind, geom = shape
    if kind != "poly":
        return False
    xs = [x for x, _ in geom]
    return max(xs) > clear[0] and min(xs) < clear[1]


def _ground(p: ForestMistParams, size: tuple[int, int], ground_y: int) -> pygame.Surface:
    """Snow under mist: lost in the mist at the horizon (where it lets the sky through, so there
    is no line between them), warmer and a little darker toward us."""
    w, h = size
    rows = max(1, h - ground_y)
    u = np.linspace(0.0, 1.0, max(2, rows // 4), dtype=np.float32)[:, None]
    top = np.array(p.mist, dtype=np.float32)
    bottom = np.array(mix(p.ground, p.trees, 0.16), dtype=np.float32)
    column = top[None, :] + (bottom - top)[None, :] * (u**0.55)  # (rows, 3)
    planes = np.broadcast_to(column.T[:, :, None], (3, column.shape[0], 8))
    ground = upscale_dithered(planes, (w, rows))
    soft = pygame.Surface((w, rows), pygame.SRCALPHA, 32)
    soft.blit(ground, (0, 0))
    ramp = np.clip(np.linspace(0.0, 1.0, rows) / 0.12, 0.0, 1.0) ** 1.5  # the first eighth
    alpha = pygame.surfarray.pixels_alpha(soft)
    alpha[...] = np.rint(255 * ramp)[None, :].astype(np.uint8)
    del alpha
    return soft
