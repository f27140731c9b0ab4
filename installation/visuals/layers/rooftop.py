"""rooftop: the roof we stand on, in silhouette against the sky: parapet, railing, water tanks.

The near edge of a flat city roof across the bottom of the frame: a parapet with its coping, a
railing along part of it, and behind it what stands on a roof: water tanks on their legs, a stair
bulkhead with a bare bulb over its door, vents, an antenna with a slow red beacon. The layout is
the scene's seed's; ``density``, ``x`` and ``spread`` say how much stands where.

Everything is baked once into one anti-aliased silhouette (``silhouette.paint``), lit a little
from above (the sky's light on the tops), with its upper edges kept apart as a rim the sky's
warm light catches. A frame is one blit of the silhouette, one of the rim at its strength, and
the bulb and beacon: the layer is still between their steps, so the compositor reuses it.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.discs import Lights
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.raster import new_surface, planes_to_surface
from installation.visuals.silhouette import Shape, line, new_alpha, paint
from installation.visuals.strips import mix, with_alpha

#: steps of the rim's, the bulb's and the beacon's strength: the layer's picture changes only
#: when one of them steps
STEPS = 24
BEACON_PERIOD = 2.6  # seconds between the beacon's flashes (fitted to the loop)


class RooftopParams(LayerParams):
    baked = ("colour", "rim_colour")
    depth: Depth = Field(6.0, description="metres from the camera: the roof's edge we stand at")
    height: float = Field(
        0.14, ge=0.03, le=0.6, description="how high the parapet reaches, in frame heights"
    )
    size: float = Field(
        0.2,
        ge=0.05,
        le=0.6,
        description="how tall the largest water tank stands over the parapet, in frame heights",
    )
    x: float = Field(
        0.68, ge=0, le=1, description="where the things on the roof gather, 0 left to 1 right"
    )
    spread: float = Field(
        0.3, ge=0.05, le=1, description="how far along the roof they spread, in frame widths"
    )
    density: float = Field(
        0.5, ge=0, le=1, description="how much stands on the roof: tanks, vents, a mast"
    )
    railing: float = Field(
        0.6, ge=0, le=1, description="share of the parapet with a railing along its top"
    )
    colour: ColourField = Field("#2A1A20", description="the rooftop against the sky")
    rim: Annotated[float, Num(0, 1)] = Field(
        0.6,
        description="the sky's warm light caught along the top edges (stronger while the sun "
        "is low, when there is one)",
    )
    rim_colour: ColourField = Field("amber", description="the colour of that light")
    lamp: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the bare bulb over the stair door, glowing warm"
    )
    beacon: Annotated[float, Num(0, 1)] = Field(
        0.6, description="brightness of the red light atop the antenna, flashing slowly"
    )


@dataclass
class _Thing:
    """Something standing on the roof: its shapes, the finer details drawn a shade lighter on
    them (a tank's hoops), and how far back it stands (0 at the parapet: the share of the
    sky's light in its colour)."""

    shapes: list[Shape]
    details: list[Shape] = field(default_factory=list)
    back: float = 0.1


@dataclass
class _Layout:
    """What the seed put on the roof: shapes by depth, and where the lights are."""

    far: list[_Thing] = field(default_factory=list)  # behind the parapet
    near: list[Shape] = field(default_factory=list)  # the parapet and its railing
    bulb: tuple[float, float] | None = None
    beacon: tuple[float, float] | None = None


@LAYERS.register("rooftop")
class Rooftop(Layer[RooftopParams]):
    """A roof's edge in the foreground, dark against the sky: parapet, railing, water tanks."""

    Params = RooftopParams
    direct = True

    def setup(self) -> None:
        p = self.params
        w, h = self.size
        layout = _layout(self.rng("roof"), p, w, h, self.unit)
        shapes = [s for thing in layout.far for s in thing.shapes] + layout.near
        self.top = max(0, math.floor(min(_top(s) for s in shapes)) - 4)
        self.body, self.rim_light = _bake(layout, p, (w, h - self.top), self.top, self.unit)
        self.bulb, self.beacon_at = layout.bulb, layout.beacon

    def paint_key(self, frame: Frame, v: RooftopParams) -> tuple[int, int, int]:
        return self._levels(frame, v)

    def _levels(self, frame: Frame, v: RooftopParams) -> tuple[int, int, int]:
        """The rim's, the bulb's and the beacon's strength now, in steps of 1/STEPS."""
        flash = (frame.cycles(1.0 / BEACON_PERIOD) + 0.3) % 1.0
        # a slow warm flash: up quickly, down gently, dark most of the period
        beacon = max(0.0, math.sin(math.pi * min(1.0, flash / 0.45))) ** 1.5
        return (
            round(STEPS * v.rim * _skylight(frame)),
            round(STEPS * v.lamp) if self.bulb else 0,
            round(STEPS * v.beacon * beacon) if self.beacon_at else 0,
        )

    def lights(self, frame: Frame, v: RooftopParams) -> Lights | None:
        """The bulb over the stair door and the beacon atop the mast, as they glow now."""
        _, lamp, beacon = self._levels(frame, v)
        spots = [(self.bulb, (255, 196, 120), lamp), (self.beacon_at, (255, 90, 60), beacon)]
        shown = [(at, colour, level / STEPS) for at, colour, level in spots if at and level]
        if not shown:
            return None
        return Lights(
            np.array([at[0] for at, _, _ in shown], np.float64),
            np.array([at[1] for at, _, _ in shown], np.float64),
            v.depth,
            np.array([colour for _, colour, _ in shown], np.float64),
            np.array([level for _, _, level in shown]),
        )

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: RooftopParams) -> None:
        rim, lamp, beacon = self._levels(frame, v)
        target.blit(self.body, (0, self.top))
        if rim:
            self.rim_light.set_alpha(round(255 * rim / STEPS))
            target.blit(self.rim_light, (0, self.top))
        if lamp:
            self._glow(target, self.bulb, 70, (255, 196, 120), lamp)
        if beacon:
            self._glow(target, self.beacon_at, 46, (255, 90, 60), beacon)

    def _glow(self, target, where, radius: float, colour: tuple, level: int) -> None:
        """A small light and the haze it lights around it, added to what is there."""
        sprite = _halo(max(3, round(radius * self.unit)), colour, level)
        half = sprite.get_width() // 2
        at = (round(where[0]) - half, round(where[1]) - half)
        target.blit(sprite, at, special_flags=pygame.BLEND_RGB_ADD)


def _skylight(frame: Frame) -> float:
    """How much light the sky has to lay on the roof's edges: all of it without a sky's sun;
    with one, most while it is low and bright, some still after it has set."""
    sun = frame.sky.sun if frame.sky is not None else None
    if sun is None:
        return 1.0
    low = min(1.0, max(0.0, (sun.height + 0.06) / 0.1)) * min(1.0, max(0.0, 1.3 - sun.height * 2))
    return 0.35 + 0.65 * low * (0.5 + 0.5 * sun.glow)


def _top(shape: Shape) -> float:
    kind, geom = shape
    if kind in ("rect", "ellipse"):
        return geom[1]
    return min(y for _, y in geom)


# -- the layout ---------------------------------------------------------------------------------


def _layout(rng: np.random.Generator, p: RooftopParams, w: int, h: int, unit: float) -> _Layout:
    """Parapet and railing across the frame; tanks, a bulkhead, vents and a mast gathered
    around ``x``, as many as ``density`` asks, placed by the seed."""
    out = _Layout()
    edge = h * (1.0 - p.height)
    out.near += _parapet(rng, w, h, edge, unit)
    out.near += _railing(rng, p.railing, w, edge, unit)
    taken: list[tuple[float, float]] = []  # spans of the roof already used, px
    for k in range(1 + round(p.density * 2)):
        # the first tank is the nearest and largest; the others stand further back, smaller
        share = rng.uniform(0.85, 1.0) if k == 0 else rng.uniform(0.45, 0.8)
        cx = _free_spot(rng, p, w, p.size * h * share * 0.6, taken)
        if cx is not None:
            tank, hoops = _water_tank(rng, cx, edge, p.size * h * share, unit)
            out.far.append(_Thing(tank, hoops, back=0.08 + 0.3 * (1.0 - share)))
    if p.density > 0.1:
        cx = _free_spot(rng, p, w, p.size * h * 0.5, taken)
        if cx is not None:
            shapes, out.bulb = _bulkhead(cx, edge, p.size * h * 0.42, unit)
            out.far.append(_Thing(shapes, back=0.06))
    if p.density > 0.25:
        cx = _free_spot(rng, p, w, 30 * unit, taken)
        if cx is not None:
            shapes, out.beacon = _mast(rng, cx, edge, p.size * h * rng.uniform(1.1, 1.5), unit)
            out.far.append(_Thing(shapes, back=0.15))
    for _ in range(round(p.density * 6)):
        cx = _free_spot(rng, p, w, 40 * unit, taken)
        if cx is not None:
            out.far.append(_Thing(_vent(rng, cx, edge, unit), back=0.04))
    out.far.sort(key=lambda thing: -thing.back)  # painted from the back forward
    return out


def _free_spot(
    rng: np.random.Generator, p: RooftopParams, w: int, width: float, taken: list
) -> float | None:
    """The centre of a free stretch ``width`` px wide near ``x``, within ``spread``; marked
    taken. None when the seed's tries all landed on something."""
    for _ in range(12):
        cx = (p.x + rng.normal(0.0, 0.5) * p.spread) * w
        lo, hi = cx - width / 2, cx + width / 2
        if lo < -width * 0.3 or hi > w + width * 0.3:
            continue
        if all(hi < a or lo > b for a, b in taken):
            taken.append((lo - 8, hi + 8))
            return cx
    return None


def _parapet(rng: np.random.Generator, w: int, h: int, edge: float, unit: float) -> list[Shape]:
    """The wall at the roof's edge in two or three sections (one roof meets the next a little
    higher or lower), each with a coping a shade wider than the wall."""
    cuts = sorted(rng.uniform(0.15, 0.85, int(rng.integers(1, 3))) * w)
    shapes: list[Shape] = []
    bounds = [0.0, *cuts, float(w)]
    for left, right in itertools.pairwise(bounds):
        top = edge + rng.uniform(-14, 14) * unit
        coping = 9 * unit
        shapes.append(("rect", (left - 2, top + coping, right - left + 4, h - top)))
        shapes.append(("rect", (left - 2, top, right - left + 4, coping + 1)))
    return shapes


def _railing(rng: np.random.Generator, share: float, w: int, edge: float, unit: float) -> list:
    """Posts and two rails along a ``share`` of the parapet, in one run from a random place."""
    if share <= 0:
        return []
    length = share * w
    start = rng.uniform(-0.1 * w, w - length + 0.1 * w)
    tall, gap = 46 * unit, 80 * unit
    top = edge - tall - 14 * unit  # over the highest section's coping
    shapes: list[Shape] = []
    x = start
    while x <= start + length:
        shapes.append(("rect", (x, top, max(1.5, 3 * unit), tall + 16 * unit)))
        x += gap
    shapes.append(("rect", (start, top, length, max(1.5, 3.5 * unit))))
    shapes.append(("rect", (start, top + tall * 0.5, length, max(1.0, 2 * unit))))
    return shapes


def _water_tank(
    rng: np.random.Generator, cx: float, edge: float, scale: float, unit: float
) -> tuple[list[Shape], list[Shape]]:
    """A wooden water tank on a frame of legs: a drum with a shallow conical roof and a
    finial, three legs seen side on, braced with crosses, and a ladder up its side; and the
    hoops round the drum."""
    tw = scale * rng.uniform(0.5, 0.62)
    drum = scale * rng.uniform(0.38, 0.46)
    cone = scale * 0.12
    base = edge - scale * rng.uniform(0.3, 0.42)  # the drum's bottom, on the legs
    left = cx - tw / 2
    shapes: list[Shape] = [
        ("rect", (left, base - drum, tw, drum)),
        (
            "poly",
            (
                (left - 3 * unit, base - drum + 1),
                (cx, base - drum - cone),
                (left + tw + 3 * unit, base - drum + 1),
            ),
        ),
        ("rect", (cx - 2 * unit, base - drum - cone - 7 * unit, 4 * unit, 8 * unit)),
        ("rect", (left - 4 * unit, base - 5 * unit, tw + 8 * unit, 6 * unit)),  # the platform
    ]
    leg = max(2.0, 5 * unit)
    legs = [left + 3 * unit, cx - leg / 2, left + tw - 3 * unit - leg]
    for x in legs:
        shapes.append(("rect", (x, base, leg, edge - base + 20 * unit)))
    brace = max(1.0, 1.6 * unit)
    low = edge + 4 * unit
    for a, b in itertools.pairwise(legs):
        shapes.append(line((a + leg, base), (b, low), brace))
        shapes.append(line((a + leg, low), (b, base), brace))
    ladder = left + tw + (6 if rng.random() < 0.5 else -tw - 12) * unit
    for x in (ladder, ladder + 7 * unit):
        shapes.append(("rect", (x, base - drum * 0.9, max(1.0, 1.5 * unit), edge - base + drum)))
    hoop = max(1.0, 1.5 * unit)
    hoops: list[Shape] = [("rect", (left, base - drum * f, tw, hoop)) for f in (0.22, 0.5, 0.78)]
    return shapes, hoops


def _bulkhead(cx: float, edge: float, tall: float, unit: float) -> tuple[list, tuple]:
    """The stair's little house on the roof: a box with an overhanging lid and a door; the bulb
    hangs over the door."""
    width = tall * 1.4
    left, top = cx - width / 2, edge - tall
    shapes: list[Shape] = [
        ("rect", (left, top, width, tall + 20 * unit)),
        ("rect", (left - 6 * unit, top - 5 * unit, width + 12 * unit, 7 * unit)),
    ]
    bulb = (left + width * 0.72, top + tall * 0.22)
    return shapes, bulb


def _mast(
    rng: np.random.Generator, cx: float, edge: float, tall: float, unit: float
) -> tuple[list, tuple]:
    """An antenna mast with crossbars and guy wires; its beacon at the top."""
    top = edge - tall
    thick = max(1.5, 3 * unit)
    shapes: list[Shape] = [("rect", (cx - thick / 2, top, thick, tall + 20 * unit))]
    for k in range(int(rng.integers(2, 4))):
        y = top + tall * (0.12 + 0.14 * k)
        reach = (26 - 6 * k) * unit
        shapes.append(("rect", (cx - reach, y, 2 * reach, max(1.0, 2 * unit))))
    wire = max(0.8, 1.0 * unit)
    for side in (-1, 1):
        shapes.append(line((cx, top + tall * 0.35), (cx + side * tall * 0.45, edge), wire))
    return shapes, (cx, top - 2 * unit)


def _vent(rng: np.random.Generator, cx: float, edge: float, unit: float) -> list[Shape]:
    """A mushroom vent, a turbine vent or a boxy unit, standing just over the parapet."""
    kind = rng.choice(["mushroom", "turbine", "box"], p=[0.4, 0.3, 0.3])
    if kind == "box":
        wide, tall = rng.uniform(50, 90) * unit, rng.uniform(22, 36) * unit
        lid = (
            "rect",
            (cx - wide / 2 - 3 * unit, edge - tall - 4 * unit, wide + 6 * unit, 5 * unit),
        )
        return [("rect", (cx - wide / 2, edge - tall, wide, tall + 20 * unit)), lid]
    tall = rng.uniform(20, 40) * unit
    pipe = ("rect", (cx - 5 * unit, edge - tall, 10 * unit, tall + 20 * unit))
    if kind == "mushroom":
        return [pipe, ("ellipse", (cx - 14 * unit, edge - tall - 7 * unit, 28 * unit, 12 * unit))]
    r = 13 * unit  # a turbine's ball
    return [pipe, ("ellipse", (cx - r, edge - tall - 1.7 * r, 2 * r, 2 * r))]


# -- baking -------------------------------------------------------------------------------------


def _bake(
    layout: _Layout, p: RooftopParams, size: tuple[int, int], top: int, unit: float
) -> tuple[pygame.Surface, pygame.Surface]:
    """The silhouette (per-pixel alpha) and its rim, a surface of ``rim_colour`` whose alpha
    is how open to the sky each edge pixel is (tops most, sides a little)."""
    h = size[1]
    surface = new_surface(size)
    alpha = new_alpha(surface)
    for thing in layout.far:  # further back, a breath more of the sky's light in the air
        colour = mix(p.colour, p.rim_colour, thing.back)
        paint(surface, alpha, colour, [_moved(s, -top) for s in thing.shapes])
        if thing.details:
            lighter = mix(colour, p.rim_colour, 0.1)
            paint(surface, alpha, lighter, [_moved(s, -top) for s in thing.details])
    paint(surface, alpha, p.colour, [_moved(s, -top) for s in layout.near])
    _shade(surface, h, unit)
    rim = _rim(alpha, p.rim_colour, unit)
    body = with_alpha(surface, alpha)
    return body, rim


def _moved(shape: Shape, dy: float) -> Shape:
    kind, geom = shape
    if kind in ("rect", "ellipse"):
        x, y, gw, gh = geom
        return kind, (x, y + dy, gw, gh)
    return kind, tuple((x, y + dy) for x, y in geom)


def _shade(surface: pygame.Surface, h: int, unit: float) -> None:
    """Lighter at the top, where the sky's light falls on the roof's things, darker below."""
    rows = np.arange(h, dtype=np.float32)
    lift = 1.12 - 0.3 * np.clip(rows / max(1.0, 260 * unit), 0, 1)
    pixels = pygame.surfarray.pixels3d(surface)
    pixels[...] = np.clip(pixels * lift[None, :, None], 0, 255).astype(np.uint8)
    del pixels


def _rim(alpha: np.ndarray, colour: tuple, unit: float) -> pygame.Surface:
    """Light along the edges open to the sky: strongest on tops, fading over a few pixels
    into the body; sides catch a little."""
    solid = alpha.astype(np.float32) / 255.0  # x by y
    light = np.zeros_like(solid)
    depth = max(1, round(3.5 * unit))
    for d in range(1, depth + 1):
        above = np.zeros_like(solid)
        above[:, d:] = solid[:, :-d]
        light = np.maximum(light, (solid - above).clip(0) * (1.0 - (d - 1) / (depth + 1)))
    side = np.zeros_like(solid)
    side[1:, :] = np.abs(solid[1:, :] - solid[:-1, :])
    light = np.maximum(light, side * solid * 0.35)
    w, h = alpha.shape
    surface = new_surface((w, h), alpha=True)
    surface.fill(colour)
    plane = pygame.surfarray.pixels_alpha(surface)
    plane[...] = np.clip(light * 255, 0, 255).astype(np.uint8)
    del plane
    return surface


@functools.lru_cache(maxsize=128)
def _halo(radius: int, colour: tuple, level: int) -> pygame.Surface:
    """A light and its glow in the air: a tight bright core in a wide soft halo."""
    r = radius
    ys, xs = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float32)
    d2 = (xs * xs + ys * ys) / (r * r)
    light = (np.exp(-d2 * 5.0) * 0.5 + np.exp(-d2 * 160.0) * 1.2) * level / STEPS
    return planes_to_surface(np.stack([np.clip(light * c, 0, 255) for c in colour]))
