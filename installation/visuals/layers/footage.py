"""footage: a video clip from assets/, decoded with PyAV, looped, exact to the frame in renders;
filling the frame or placed in it (a screen, a window) with a crop and a mask."""

from __future__ import annotations

import math
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

#: the most frames kept: a clip is decoded once, at the layer's size, and held in memory (600
#: frames at 960x540 are 1.2 GB; at the quarter size footage is drawn at, 300 MB)
MAX_FRAMES = 600


def _probe(path: str) -> None:
    """Refuse, at load, a clip that cannot be decoded or is too long to hold."""
    import av

    try:
        with av.open(path) as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or 0)
            seconds = (
                float(stream.duration * stream.time_base)
                if stream.duration and stream.time_base
                else None
            )
    except (av.error.FFmpegError, IndexError, OSError) as err:
        raise ValueError(f"'{path}' is not a video PyAV can decode ({err})") from None
    if seconds is None:
        seconds = (container.duration or 0) / 1_000_000
    if rate and seconds * rate > MAX_FRAMES:
        raise ValueError(
            f"the clip has about {round(seconds * rate)} frames; footage holds at most "
            f"{MAX_FRAMES} (trim it, or lower its frame rate)"
        )


Clip = Annotated[str, Asset(".mp4", ".mov", ".webm", ".mkv", what="a video clip", check=_probe)]


class FootageParams(LayerParams):
    baked = ("shadows", "highlights")
    file: Clip = Field(
        description="the clip, e.g. assets/footage/rain-on-glass.mp4",
        examples=["assets/footage/rain-on-glass.mp4"],
    )
    rect: Rect = rect_field("footage")
    fit: Fit = fit_field()
    crop: Crop = crop_field()
    mask: Mask | None = mask_field()
    speed: float = Field(1.0, gt=0, le=4, description="playback speed: 0.5 half, 2 double")
    zoom: Annotated[float, Num(1, 3)] = Field(
        1.0, description="1 just covers the rect; more leaves room to drift"
    )
    drift: Annotated[float, Num(0, 1)] = Field(
        0.0, description="how far the view wanders over the spare margin"
    )
    grade: float = Field(0.4, ge=0, le=1, description="how far it is moved into the palette")
    shadows: ColourField = Field("plum-night", description="the clip's darks move to this")
    highlights: ColourField = Field("cream", description="its lights move to this")


@LAYERS.register("footage")
class Footage(Layer[FootageParams]):
    """A video clip from ``assets/``, decoded once with PyAV, looped; the frame shown is a function
    of time (exact in renders), a whole number of plays per loop; it fills the frame, or is placed
    in it (``rect``, ``fit``, ``crop``) and cut to a shape or a picture (``mask``)."""

    Params = FootageParams
    scale = 0.5
    dither = False
    opaque = True  # when it fills the frame (``covers``)

    def setup(self) -> None:
        p = self.params
        wide, tall = extent(self)  # decoded large enough for the largest rect's crop
        w, h = self.internal_size
        self.rate, frames = _decode(p.file, (round(w * wide), round(h * tall)))
        self.frames = [to_surface(grade_into(f, p.shadows, p.highlights, p.grade)) for f in frames]
        self.phase = self.rng("drift").random()
        self.mask = MediaMask(p.mask)

    def covers(self, v: FootageParams) -> bool:
        return super().covers(v) and fills_frame(v.rect, v.fit, v.mask)

    def clip_frame(self, frame: Frame) -> int:
        """Which frame of the clip shows: it plays at ``speed`` and loops; in a looping scene a
        whole number of plays fills the loop (the clip runs a hair fast or slow), so it joins."""
        plays = frame.cycles(self.rate * self.params.speed / len(self.frames))
        # a hair past each boundary: a frame time that lands on one (every 4th frame of a
        # 30 fps render of a 24 fps clip) must not fall either side of it by rounding
        return math.floor((plays % 1.0) * len(self.frames) + 1e-6) % len(self.frames)

    def cache_key(self, frame: Frame, v: FootageParams) -> Any:
        if is_whole(v.rect, v.crop, v.fit, v.mask):
            return self.clip_frame(frame), tuple(self._view(frame, v)), self.internal_size
        placed = self._placed(frame, v)
        if placed is None:
            return None, self.internal_size
        key = placed, self.mask.key(v.mask, placed), self.internal_size, v.blend
        return self.clip_frame(frame), key

    def _view(self, frame: Frame, v: FootageParams) -> pygame.Rect:
        size = self.frames[0].get_size()
        return rostrum(frame, size, size, v.zoom, v.drift, 120.0, self.phase)

    def _placed(self, frame: Frame, v: FootageParams) -> Any:
        def move(region: tuple[int, int], out: tuple[int, int]) -> tuple[int, int, int, int]:
            r = rostrum(frame, region, out, v.zoom, v.drift, 120.0, self.phase)
            return r.x, r.y, r.w, r.h

        return place(self.frames[0].get_size(), self.internal_size, v.rect, v.crop, v.fit, move)

    def draw(self, frame: Frame, v: FootageParams) -> pygame.Surface:
        picture = self.frames[self.clip_frame(frame)]
        if not is_whole(v.rect, v.crop, v.fit, v.mask):
            placed = self._placed(frame, v)
            alpha = self.mask.alpha(v.mask, placed) if placed is not None else None
            return draw_placed(picture, placed, self.internal_size, alpha, 255, v.blend)
        view = self._view(frame, v)
        if view.size == picture.get_size():
            return picture
        return pygame.transform.smoothscale(picture.subsurface(view), picture.get_size())


def _decode(path: str, size: tuple[int, int]) -> tuple[float, list[np.ndarray]]:
    """Every frame of the clip, in order, scaled to cover ``size``; and its frame rate."""
    import av

    frames: list[np.ndarray] = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 24)
        # never larger than the clip itself (the layer's upscale does the rest, once a frame),
        # nor than the layer draws at: a 320x180 clip holds 33 MB for 6 s, not 300 MB
        cover = min(1.0, max(size[0] / stream.width, size[1] / stream.height))
        width = max(2, round(stream.width * cover))
        height = max(2, round(stream.height * cover))
        for decoded in container.decode(stream):
            frames.append(decoded.to_ndarray(format="rgb24", width=width, height=height))
            if len(frames) >= MAX_FRAMES:
                break
    if not frames:
        raise ValueError(f"'{path}' holds no video frames")
    return rate, frames
