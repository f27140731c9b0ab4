"""image: an artist's photograph from assets/, graded into the palette, drifting and zooming,
filling the frame or placed in it (a window, a pool) with a crop and a mask."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.assets import Asset
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.media import draw_placed, grade_into, rostrum, to_surface
from installation.visuals.placement import (
    Crop,
    Fit,
    Mask,
    MediaMask,
    Rect,
    crop_field,
    extent,
    fills_frame,
    fit_field,
    is_whole,
    mask_field,
    place,
    rect_field,
)

#: longest side kept in memory: enough for a slow zoom at 1080p, a sixth of a 6000 px photo
MAX_SIDE = 2400


class ImageParams(LayerParams):
    baked = ("shadows", "highlights")
    file: Annotated[str, Asset(".png", ".jpg", ".jpeg", ".webp", what="a picture")] = Field(
        description="the picture, e.g. assets/images/city-out-of-focus.jpg",
        examples=["assets/images/city-out-of-focus.jpg"],
    )
    rect: Rect = rect_field("image")
    fit: Fit = fit_field()
    crop: Crop = crop_field()
    mask: Mask | None = mask_field()
    zoom: Annotated[float, Num(1, 3)] = Field(
        1.08, description="1 just covers the rect; more leaves room to drift"
    )
    drift: Annotated[float, Num(0, 1)] = Field(
        0.5, description="how far the view wanders over the spare margin"
    )
    period: float = Field(90.0, ge=0, le=3600, description="seconds for one slow round; 0 still")
    light: Annotated[float, Num(0, 1)] = Field(
        1.0, description="how much of its light shows: 0 black, 1 as it is"
    )
    grade: float = Field(
        0.6, ge=0, le=1, description="how far the picture is moved into the palette (0 as shot)"
    )
    shadows: ColourField = Field("plum-night", description="the picture's darks move to this")
    highlights: ColourField = Field("cream", description="its lights move to this")


@LAYERS.register("image")
class Image(Layer[ImageParams]):
    """A photograph from ``assets/``, graded into the palette (its darks and lights moved onto two
    colours), with a slow rostrum drift and zoom fitted to the loop; it fills the frame, or is
    placed in it (``rect``, ``fit``, ``crop``) and cut to a shape or a picture (``mask``)."""

    Params = ImageParams
    scale = 0.5  # photographs shown soft and moving: drawn at half size and scaled up
    min_quality = 0.5
    dither = False  # a photograph has its own grain
    opaque = True  # when it fills the frame (``covers``)

    def setup(self) -> None:
        from PIL import Image as PILImage

        p = self.params
        with PILImage.open(p.file) as opened:
            picture = opened.convert("RGB")
            # as many picture pixels as the layer draws at the closest zoom: the drift then
            # moves by a pixel of the layer at a time, not by a jerky step of a small picture,
            # and a frame's scaling is nearly one to one (a large photo shrunk each frame cost
            # 15 ms at 1080p, measured with a per-layer profile)
            wide, tall = extent(self)  # the largest rect over the crop's smallest part
            need = max(self.size[0] * wide / picture.width, self.size[1] * tall / picture.height)
            need *= self.span_of("zoom")[1] * self.scale
            if abs(need - 1) > 0.01:
                size = (round(picture.width * need), round(picture.height * need))
                picture = picture.resize(size, PILImage.Resampling.LANCZOS)
            if max(picture.size) > MAX_SIDE:
                picture.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
            rgb = np.asarray(picture)
        self.source = to_surface(grade_into(rgb, p.shadows, p.highlights, p.grade))
        self.phase = self.rng("drift").random()
        self.mask = MediaMask(p.mask)

    def covers(self, v: ImageParams) -> bool:
        return super().covers(v) and fills_frame(v.rect, v.fit, v.mask)

    def cache_key(self, frame: Frame, v: ImageParams) -> Any:
        light = round(v.light * 255)
        if is_whole(v.rect, v.crop, v.fit, v.mask):
            return tuple(self._view(frame, v)), self.internal_size, light
        placed = self._placed(frame, v)
        if placed is None:
            return None, self.internal_size
        return placed, self.mask.key(v.mask, placed), self.internal_size, light, v.blend

    def _view(self, frame: Frame, v: ImageParams) -> pygame.Rect:
        return rostrum(
            frame, self.source.get_size(), self.size, v.zoom, v.drift, self.params.period,
            self.phase,
        )  # fmt: skip

    def _placed(self, frame: Frame, v: ImageParams) -> Any:
        def move(region: tuple[int, int], out: tuple[int, int]) -> tuple[int, int, int, int]:
            r = rostrum(frame, region, out, v.zoom, v.drift, self.params.period, self.phase)
            return r.x, r.y, r.w, r.h

        return place(self.source.get_size(), self.internal_size, v.rect, v.crop, v.fit, move)

    def draw(self, frame: Frame, v: ImageParams) -> pygame.Surface:
        level = round(v.light * 255)
        if not is_whole(v.rect, v.crop, v.fit, v.mask):
            placed = self._placed(frame, v)
            if placed is None:  # a rect under a pixel: nothing shows
                return draw_placed(self.source, None, self.internal_size, None, level, v.blend)
            alpha = self.mask.alpha(v.mask, placed)
            return draw_placed(self.source, placed, self.internal_size, alpha, level, v.blend)
        view = self._view(frame, v)
        image = pygame.transform.smoothscale(self.source.subsurface(view), self.internal_size)
        if level < 255:
            image.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        return image
