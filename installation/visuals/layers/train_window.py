"""train-window: the view from an elevated train: a blond-wood window frame, passing pylons."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num, fit_rate
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import blurred_sprite, radius_step
from installation.visuals.lighting import rim_sprite
from installation.visuals.raster import new_surface, planes_to_surface
from installation.visuals.strips import KEY, mix

#: how far the passengers sit from the camera, metres (nearer than the window)
PASSENGERS = 0.85


class TrainWindowParams(LayerParams):
    baked = ("wood", "pylon_colour")
    depth: Depth = Field(1.2, description="metres from the camera: the carriage's wall and window")
    wood: ColourField = Field("#C9A27A", description="the blond wood of the carriage")
    speed: Annotated[float, Num(0, 3000)] = Field(
        900.0, description="how fast pylons pass, px/s at 1080 lines"
    )
    pylons: float = Field(0.5, ge=0, le=1, description="how often pylons pass")
    pylon_colour: ColourField = Field("#3A2428", description="colour of the passing pylons")
    reflection: Annotated[float, Num(0, 1)] = Field(
        0.25, description="the lit interior mirrored on the glass"
    )
    sway: Annotated[float, Num(0, 1)] = Field(0.4, description="the carriage's gentle rocking")
    windows: int = Field(2, ge=1, le=4, description="panes side by side")
    sunlight: Annotated[float, Num(0, 1)] = Field(
        0.5,
        description="the low sun through the glass, lying in patches on the wall below; "
        "passing pylons sweep across them (follows the sky's sun when there is one)",
    )
    passengers: int = Field(2, ge=0, le=4, description="people seated by the window, from behind")


@LAYERS.register("train-window")
class TrainWindow(Layer[TrainWindowParams]):
    """A blond-wood carriage window, rocking; pylons rush past; the lit interior mirrored on the
    glass; another train on the ``train-pass`` cue."""

    Params = TrainWindowParams

    @classmethod
    def answers(cls, params) -> set[str]:
        return {"train-pass"}  # the window's light flickers as a train passes the other way

    direct = True

    def setup(self) -> None:
        p = self.params
        w, h = self.size
        self.frame_surface, self.panes = _carriage(p, w, h, self.unit)
        rng = self.rng("pylons")
        spacing = (600 + 2400 * (1 - p.pylons)) * self.unit
        self.pylon_spacing = spacing
        self.pylon_jitter = rng.random(64) * spacing * 0.5
        self.lamps = [
            (rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.45), rng.uniform(0.08, 0.16))
            for _ in range(4)
        ]
        people = self.rng("passengers")
        self.passengers = [
            (people.uniform(0.12, 0.88), people.uniform(0.9, 1.15), people.uniform(0.15, 0.5))
            for _ in range(p.passengers)
        ]  # (x, size, how late they follow the carriage's rock)
        self.patch_rects = _patches(self.panes, p.windows, self.size, self.unit)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: TrainWindowParams) -> None:
        slow, quick = _rocking(frame)
        rock = round(v.sway * 3 * self.unit * slow + v.sway * 1.5 * self.unit * quick)
        glass = self.panes.move(0, rock)
        pylons = self._pylon_xs(frame)  # the pylons, and their shadows on the wall
        target.set_clip(glass)
        self._pylons(target, pylons)
        self._passing_train(target, frame, v, glass)
        target.set_clip(None)
        if v.reflection > 0:
            self._reflection(target, v, glass)
        target.blit(self.frame_surface, (0, rock - round(8 * self.unit)))
        self._sunlight(target, frame, v, rock, pylons)
        self._passengers(target, frame, v)

    def _sun(self, frame: Frame, v: TrainWindowParams) -> tuple[float, tuple]:
        """How strong the sunlight on the wall is, and its colour: the sky's sun when there is
        one (gone once it sets), else the lamp-warm default."""
        sky = frame.sky
        if sky is None or sky.sun is None:
            return v.sunlight, (255, 196, 120)
        up = min(1.0, max(0.0, (sky.sun.height + 0.03) / 0.1))
        return v.sunlight * up * (0.5 + 0.5 * sky.sun.glow), tuple(sky.sun.halo)

    def _sunlight(self, target, frame: Frame, v: TrainWindowParams, rock: int, shadows) -> None:
        """Patches of low sun on the wall under the windows, each the window's shape sheared by
        the light's angle; the pylons' shadows sweep across them as the train passes them."""
        strength, colour = self._sun(frame, v)
        level = round(strength * 16)
        if level <= 0:
            return
        patch = _patch(self.patch_rects[0].size, colour, level)
        width = max(2, round(40 * self.unit))
        for rect in self.patch_rects:
            where = rect.move(0, rock)
            target.blit(patch, where, special_flags=pygame.BLEND_RGB_ADD)
            for x in shadows:  # the pylon's shadow: the light is cut where it passes
                sx = round(x)
                band = pygame.Rect(sx - width, where.top, width * 2, where.height).clip(where)
                if band.width > 0:
                    target.blit(patch, band, pygame.Rect(band.x - where.x, 0, band.w, band.h),
                                special_flags=pygame.BLEND_RGB_SUB)  # fmt: skip

    def _pylon_xs(self, frame: Frame) -> list[float]:
        """Where the pylons' centres are across the frame now: they come from the right, at
        irregular spacing that repeats after as many pylons as pass in a loop (64 without)."""
        spacing = self.pylon_spacing
        per_loop = self.motion(frame, "speed").per_loop()
        pylons = abs(round(per_loop * self.unit / spacing)) or 1 if per_loop else 64
        travelled = self.travel(frame, "speed", pylons * spacing, self.unit)
        first = math.floor(travelled / spacing)
        half = self._pylon_sprite().get_width() // 2
        out = []
        for k in range(first, first + 2 + math.ceil(self.size[0] / spacing)):
            x = k * spacing + self.pylon_jitter[k % pylons % 64] - travelled
            out.append(self.size[0] - x + half)
        return out

    def _passengers(self, target, frame: Frame, v: TrainWindowParams) -> None:
        """Heads and shoulders of people seated nearer than the window, swaying with the
        carriage a moment after it (a body follows the floor it sits on)."""
        w, h = self.size
        radius = radius_step(frame.defocus(PASSENGERS))
        light = frame.light
        for x, size, lag in self.passengers:
            slow, quick = _rocking(frame, lag)
            sway = v.sway * self.unit * (5 * slow + 2 * quick)
            sprite = _passenger(round(h * 0.9 * size))
            at = (
                round(x * w - sprite.get_width() / 2 + sway),
                h - round(sprite.get_height() * 0.78),
            )
            if light is not None and light.strength > 0.05:  # the low sun on heads and shoulders
                side = 1 if light.x > x else -1
                level = round(8 * min(1.0, 0.9 * light.strength))
                rim = rim_sprite(sprite, side, tuple(int(c) // 8 * 8 for c in light.colour), level)
            else:
                rim = None
            if radius:
                soft, pad = blurred_sprite(sprite, radius)
                target.blit(
                    soft, (at[0] - pad, at[1] - pad), special_flags=pygame.BLEND_PREMULTIPLIED
                )
            else:
                target.blit(sprite, at)
            if rim is not None and radius < 3:
                target.blit(rim, at, special_flags=pygame.BLEND_RGB_ADD)

    def _pylon_sprite(self) -> pygame.Surface:
        return _pylon(round(self.size[1]), round(40 * self.unit), self.params.pylon_colour)

    def _pylons(self, target, xs: list[float]) -> None:
        """The pylons rushing past, centred at ``xs``."""
        sprite = self._pylon_sprite()
        half = sprite.get_width() // 2
        for x in xs:
            target.blit(sprite, (round(x) - half, 0))

    def _passing_train(
        self, target, frame: Frame, v: TrainWindowParams, glass: pygame.Rect
    ) -> None:
        """On the cue ``train-pass``, another train rushes by for a few seconds."""
        age = frame.since_cue("train-pass")
        if not 0 <= age < 4.0:
            return
        fade = min(1.0, age * 3) * min(1.0, (4.0 - age) * 2)
        band = pygame.Rect(
            glass.left, glass.top + glass.height // 5, glass.width, glass.height * 3 // 5
        )
        body = mix(self.params.pylon_colour, (90, 60, 60), 0.3)
        target.fill(mix(target.get_at(band.center)[:3], body, fade), band)
        pitch = round(160 * self.unit)
        lit = mix(body, (255, 205, 140), fade * 0.8)
        shift = round(age * 2400 * self.unit) % pitch
        for x in range(band.left - shift, band.right, pitch):
            target.fill(
                lit, pygame.Rect(x, band.top + band.height // 4, pitch * 2 // 3, band.height // 3)
            )

    def _reflection(self, target, v: TrainWindowParams, glass: pygame.Rect) -> None:
        for x, y, r in self.lamps:
            sprite = _lamp(round(r * self.size[1]), round(v.reflection * 40) / 40)
            cx = glass.left + x * glass.width
            cy = glass.top + y * glass.height
            target.blit(
                sprite,
                (round(cx - sprite.get_width() / 2), round(cy - sprite.get_height() / 2)),
                special_flags=pygame.BLEND_RGB_ADD,
            )


def _carriage(
    p: TrainWindowParams, w: int, h: int, unit: float
) -> tuple[pygame.Surface, pygame.Rect]:
    """The wooden wall around the glass, with a soft shading, keyed where the glass is."""
    surface = new_surface((w, h + round(16 * unit)))
    wood = np.array(p.wood, dtype=np.float32)
    ys = np.linspace(0, 1, surface.get_height(), dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    grain = 0.93 + 0.07 * np.sin(ys * 900 + np.sin(xs * 13) * 4) ** 2
    shade = (0.72 + 0.28 * np.clip(np.sin(ys * math.pi), 0, 1) ** 0.6) * grain
    surface.blit(planes_to_surface(np.stack([shade * wood[c] for c in range(3)])), (0, 0))
    margin_x, top, bottom = round(0.07 * w), round(0.12 * h), round(0.74 * h)
    gap = round(0.035 * w)
    n = p.windows
    pane_w = (w - 2 * margin_x - (n - 1) * gap) // n
    radius = round(36 * unit)
    for i in range(n):
        rect = pygame.Rect(margin_x + i * (pane_w + gap), top, pane_w, bottom - top)
        pygame.draw.rect(
            surface,
            mix(p.wood, (60, 35, 30), 0.45),
            rect.inflate(round(14 * unit), round(14 * unit)),
            border_radius=radius + 6,
        )
        pygame.draw.rect(surface, KEY, rect, border_radius=radius)
    sill = pygame.Rect(0, bottom + round(30 * unit), w, round(22 * unit))
    surface.fill(mix(p.wood, (255, 235, 210), 0.25), sill)
    surface.set_colorkey(KEY, pygame.RLEACCEL)
    glass = pygame.Rect(margin_x, top, w - 2 * margin_x, bottom - top)
    return surface, glass


def _rocking(frame: Frame, lag: float = 0.0) -> tuple[float, float]:
    """The carriage's two rocking motions (slow and quick, -1..1) ``lag`` seconds ago, each a
    whole number of cycles per loop: the window rocks with them, passengers a moment after."""
    slow, quick = (fit_rate(r / math.tau, frame.loop) for r in (1.7, 4.3))
    t = frame.t - lag
    return math.sin(math.tau * (t * slow)), math.sin(math.tau * (t * quick))


def _patches(glass: pygame.Rect, n: int, size: tuple, unit: float) -> list[pygame.Rect]:
    """Where the windows' light lands: on the wall under each pane, lower and narrower."""
    w, h = size
    gap = round(0.035 * w)
    pane_w = (glass.width - (n - 1) * gap) // n
    top = glass.bottom + round(60 * unit)
    height = max(4, min(h - top - 2, round(glass.height * 0.3)))
    return [
        pygame.Rect(glass.left + i * (pane_w + gap) + round(pane_w * 0.12), top,
                    round(pane_w * 0.82), height)
        for i in range(n)
    ]  # fmt: skip


@functools.lru_cache(maxsize=64)
def _patch(size: tuple, colour: tuple, level: int) -> pygame.Surface:
    """A window's light on the wall: a soft-edged, slightly sheared quadrilateral of warm light."""
    w, h = max(2, size[0]), max(2, size[1])
    ys = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    shear = xs - 0.12 * ys  # the sun is low and to one side
    edge = np.clip(np.minimum(np.minimum(shear, 0.88 - shear), np.minimum(ys, 1 - ys)) * 14, 0, 1)
    light = edge * (0.75 + 0.25 * (1 - ys)) * level / 16 * 0.55
    return planes_to_surface(np.stack([light * c for c in colour]))


@functools.lru_cache(maxsize=8)
def _passenger(height: int) -> pygame.Surface:
    """Someone seated by the window, from behind: head, hair and broad shoulders under a coat,
    dark against the light, anti-aliased. ``height`` is as tall as a standing person would be
    at that distance; what shows is the top half."""
    from installation.visuals.silhouette import Shape, new_alpha, paint

    h = float(height)
    w = round(h * 0.62)
    rows = round(h * 0.62)
    cx = w / 2
    head_w, head_h = h * 0.15, h * 0.19
    hy = h * 0.12
    coat, hair = (46, 30, 34), (30, 19, 22)
    shapes: list[Shape] = [
        ("rect", (cx - h * 0.035, hy + head_h * 0.3, h * 0.07, h * 0.1)),
        ("poly", ((cx - h * 0.31, rows + 2), (cx - h * 0.3, hy + h * 0.24), (cx - h * 0.24, hy + h * 0.175),
                  (cx - h * 0.12, hy + h * 0.14), (cx - h * 0.045, hy + h * 0.125),
                  (cx + h * 0.045, hy + h * 0.125), (cx + h * 0.12, hy + h * 0.14),
                  (cx + h * 0.24, hy + h * 0.175), (cx + h * 0.3, hy + h * 0.24),
                  (cx + h * 0.31, rows + 2))),
    ]  # fmt: skip
    head: list[Shape] = [("ellipse", (cx - head_w / 2, hy - head_h / 2, head_w, head_h))]
    hair_shapes: list[Shape] = [("ellipse", (cx - head_w * 0.55, hy - head_h * 0.58, head_w * 1.1, head_h * 0.95)),
                   ("ellipse", (cx - head_w * 0.52, hy - head_h * 0.25, head_w * 1.04, head_h * 0.7))]  # fmt: skip
    plane = pygame.Surface((w, rows), 0, 32)
    plane.fill((0, 0, 0))
    alpha = new_alpha(plane)
    paint(plane, alpha, coat, shapes + head)
    paint(plane, alpha, hair, hair_shapes)
    out = pygame.Surface((w, rows), pygame.SRCALPHA, 32)
    out.blit(plane, (0, 0))
    plane_alpha = pygame.surfarray.pixels_alpha(out)
    plane_alpha[...] = alpha
    del plane_alpha
    return out


@functools.lru_cache(maxsize=4)
def _pylon(height: int, width: int, colour: tuple) -> pygame.Surface:
    """A pylon seen at speed: a soft-edged vertical bar with a crossbar, motion-blurred sideways."""
    w = width * 3
    xs = np.linspace(-1.5, 1.5, w, dtype=np.float32)[None, :]
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    alpha = np.clip(1.3 - np.abs(xs) * 1.1, 0, 1) ** 1.5 * np.ones_like(ys)
    arm = (np.abs(ys - 0.22) < 0.02) * np.clip(1.0 - np.abs(xs) / 1.5, 0, 1)
    alpha = np.clip(alpha + arm, 0, 1) * 235
    surface = pygame.Surface((w, height), pygame.SRCALPHA, 32)
    rgba = np.stack([np.full_like(alpha, c) for c in colour] + [alpha], axis=-1).astype(np.uint8)
    surface.blit(
        pygame.image.frombuffer(np.ascontiguousarray(rgba).tobytes(), (w, height), "RGBA"), (0, 0)
    )
    return surface


@functools.lru_cache(maxsize=64)
def _lamp(radius: int, strength: float) -> pygame.Surface:
    size = max(3, radius * 2)
    c = np.linspace(-1, 1, size, dtype=np.float32)
    xx, yy = np.meshgrid(c, c)
    glow = np.exp(-(xx * xx + yy * yy) * 3.0) * strength * 0.6
    warm = (255, 200, 140)
    return planes_to_surface(np.stack([glow * ch for ch in warm]))
