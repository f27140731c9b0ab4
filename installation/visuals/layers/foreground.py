"""foreground: something close to the camera, soft and out of focus, framing the picture.

What stands between the lens and the scene: a balcony's railing, a window's frame, the shoulder
and head of someone watching with us, bare branches hanging into the frame, dune grass. It is
drawn once, sharp and anti-aliased, and seen through the lens at its ``depth`` (close: well off
a focus set on the scene beyond, so it is very soft; the lens's disc, worked out once per step
of a focus pull, ``lens.SoftImage``). The scene's light catches its edges on the side facing it.

A frame is one blit of the soft shape (premultiplied alpha) and one of its rim, at a small sway.
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import SoftImage
from installation.visuals.near_shapes import SHAPES, Drawing

#: steps of the rim's strength
RIM_STEPS = 8


class ForegroundParams(LayerParams):
    baked = ("colour",)
    depth: Depth = Field(0.8, description="metres from the camera: close, so out of focus")
    kind: Literal["railing", "window", "shoulder", "branches", "grass"] = Field(
        "railing",
        description="what is close: a balcony's railing, a window's frame and sill, someone's "
        "shoulder and head from behind, branches hanging in from above, dune grass",
    )
    side: Literal["left", "right"] = Field(
        "right", description="the side it stands on (a shoulder, a mullion, the branches)"
    )
    size: float = Field(1.0, ge=0.3, le=2, description="how large, 1 as drawn")
    colour: ColourField = Field("#24161B", description="its colour against the light")
    rim: Annotated[float, Num(0, 1)] = Field(
        0.6, description="the scene's light (or the sky's sun) on its edges that face it"
    )
    sway: Annotated[float, Num(0, 1)] = Field(
        0.3, description="how much it moves: breathing, a breeze, the camera held by hand"
    )


@LAYERS.register("foreground")
class Foreground(Layer[ForegroundParams]):
    """Something near the lens, soft: a railing, a window frame, a shoulder, branches or grass,
    out of focus by its depth, its edges lit on the side facing the scene's light."""

    Params = ForegroundParams
    direct = True
    blurs_itself = True  # the shape is blurred by the lens once per step, not each frame

    def setup(self) -> None:
        p = self.params
        drawing: Drawing = SHAPES[p.kind](self.rng("shape"), self.size, self.unit * p.size,
                                          p.side == "left")  # fmt: skip
        self.box = drawing.box
        self.body = SoftImage(drawing.planes(p.colour))
        # the edges that face a light to the left of it, and to the right (unit light)
        self.rims = {side: SoftImage(drawing.rim_planes(side)) for side in (-1, 1)}
        self.middle = (self.box.centerx / self.size[0], self.box.centery / self.size[1])
        # every blur a focus pull will take it through, worked out now (at its distance then)
        steps = self.blur_steps(self.initial("depth"))
        for image in (self.body, *self.rims.values()):
            image.prepare(steps)

    def paint_key(self, frame: Frame, v: ForegroundParams) -> tuple:
        return (self._offset(frame, v), self._rim(frame, v), self.blur_radius(frame, v))

    def _offset(self, frame: Frame, v: ForegroundParams) -> tuple[int, int]:
        """A slow sway, a pixel or a few: breath, a breeze, a hand-held camera."""
        if v.sway <= 0:
            return (0, 0)
        reach = 9 * self.unit * v.sway
        dx = (frame.noise(self.seed, 0.07) - 0.5) * 2 * reach
        dy = (frame.noise(self.seed + 1, 0.05) - 0.5) * reach
        return round(dx), round(dy)

    def _rim(self, frame: Frame, v: ForegroundParams) -> tuple[int, int, tuple]:
        """Which side the light is on, how strong its rim is, in steps, and its colour."""
        light = frame.light
        if light is not None:
            side = 1 if light.x >= self.middle[0] else -1
            level = round(RIM_STEPS * min(1.0, v.rim * light.strength))
            return side, level, tuple(int(c) // 8 * 8 for c in light.colour)
        sun = frame.sky.sun if frame.sky is not None else None
        if sun is None:
            return 1, 0, (0, 0, 0)
        up = min(1.0, max(0.0, (sun.height + 0.04) / 0.08))
        side = 1 if sun.x >= self.middle[0] else -1
        level = round(RIM_STEPS * min(1.0, v.rim * up * sun.glow))
        return side, level, tuple(int(c) // 8 * 8 for c in sun.halo)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ForegroundParams) -> None:
        radius = self.blur_radius(frame, v)
        dx, dy = self._offset(frame, v)
        image = self.body.at(radius)
        pad = self.body.margin(radius)
        x0, y0 = self.box.x - pad + dx, self.box.y - pad + dy
        tiles = self.body.tiles(radius)
        flag = pygame.BLEND_PREMULTIPLIED
        target.blits([(image, (x0 + r.x, y0 + r.y), r, flag) for r in tiles], doreturn=False)
        side, level, colour = self._rim(frame, v)
        if level:
            rim = _lit(self.rims[side], radius, colour, level)
            add = pygame.BLEND_RGB_ADD
            target.blits([(rim, (x0 + r.x, y0 + r.y), r, add) for r in tiles], doreturn=False)


@functools.lru_cache(maxsize=16)
def _lit(rim: SoftImage, radius: float, colour: tuple, level: int) -> pygame.Surface:
    """The rim at ``radius``, coloured by the light and ``level`` steps strong (to add)."""
    image = rim.at(radius)
    out = pygame.Surface(image.get_size(), 0, 32)
    out.fill((0, 0, 0))
    out.blit(image, (0, 0), special_flags=pygame.BLEND_PREMULTIPLIED)
    # a rim is a thin line of bright light: spread by the blur it would fade away, but the
    # light it carries is what a blur spreads, not loses: brightened back, up to its own peak
    gain = min(3.0, 1.0 + radius / 8.0)
    pixels = pygame.surfarray.pixels3d(out)
    pixels[...] = np.clip(pixels * (gain * level / RIM_STEPS), 0, 255).astype(np.uint8)
    del pixels
    out.fill(colour, special_flags=pygame.BLEND_RGB_MULT)
    return out


__all__ = ["Foreground", "ForegroundParams"]
