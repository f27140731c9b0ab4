"""elevated-train: a train on a viaduct crossing the city, dark against the sky, windows lit.

The viaduct stands across the frame at the height the artist sets (a deck on piers, catenary
masts and their wire) and, with ``drift``, slides with the city like a skyline plane. On each of
the timeline's ``cue`` (``train-pass`` unless told otherwise) a train enters from one side and
runs across at ``speed``; its windows are warm and glow into the air around them.

Where the train is follows from the scene clock alone: each crossing's cue time is read from the
clock's cues (as ``pulse`` reads its cue) and the train's place is the distance run since then,
so any frame can be painted on its own, in any order. In a loop, a crossing that the loop's last
cue started carries on over the seam, as ``Clock.since_cue`` has it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.clock import landed
from installation.lazy import pygame
from installation.scene.models import KEBAB
from installation.scene.params import ColourField
from installation.scene.rates import STRIP_DRIFT
from installation.scene.values import Num
from installation.visuals.discs import Lights
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.raster import new_surface, planes_to_surface
from installation.visuals.silhouette import Shape, line, new_alpha, paint
from installation.visuals.strips import Strip, mix, new_strip, strip_width, with_alpha

STEPS = 16  # brightness steps of the windows: one sprite each, made when first shown
#: a car's length and the gap between cars, in car heights
CAR_LENGTH, CAR_GAP = 4.4, 0.14


class ElevatedTrainParams(LayerParams):
    baked = ("colour", "lights", "haze")
    cue: str = Field(
        "train-pass", pattern=KEBAB, description="the timeline cue that sends a train across"
    )
    track: float = Field(0.64, ge=0.1, le=0.95, description="height of the rails, 0 top 1 bottom")
    direction: Literal["left", "right"] = Field(
        "left", description="the way the train runs across the frame"
    )
    speed: Annotated[float, Num(40, 2000)] = Field(
        320.0,
        description="how fast it runs, px/s at 1080 lines (a crossing keeps the speed it had at "
        "its cue)",
    )
    cars: int = Field(5, ge=1, le=16, description="length of the train, in cars")
    size: float = Field(0.03, ge=0.01, le=0.12, description="a car's height, in frame heights")
    colour: ColourField = Field("#2E1C22", description="the train and its viaduct against the sky")
    lights: ColourField = Field("lamp", description="the light in its windows")
    glow: Annotated[float, Num(0, 1.5)] = Field(1.0, description="how bright the windows are")
    viaduct: bool = Field(
        True, description="the deck and piers the track runs on, standing on the city below"
    )
    depth: float = Field(
        400.0,
        ge=20,
        le=100000,
        description="metres to the viaduct: train and viaduct fade toward 'haze' through the "
        "scene's atmosphere",
    )
    haze: ColourField = Field("peach", description="the colour they fade toward")
    drift: Annotated[float, Num(-400, 400), STRIP_DRIFT] = Field(
        0.0,
        description="the viaduct sliding with the city, px/s at 1080 lines (a skyline plane's "
        "drift, to stand among its towers)",
    )


@dataclass(frozen=True)
class _Crossing:
    """One train under way: when its cue came (picture time) and how long ago."""

    at: float
    age: float


@LAYERS.register("elevated-train")
class ElevatedTrain(Layer[ElevatedTrainParams]):
    """A train on a viaduct crossing the city on a cue: a dark shape, its windows warm."""

    Params = ElevatedTrainParams
    direct = True

    @classmethod
    def answers(cls, params) -> set[str]:
        return {params.cue}

    def setup(self) -> None:
        p = self.params
        h = self.size[1]
        self.car = max(4.0, p.size * h)  # a car's height, px
        self.rails = round(p.track * h)
        air = self.camera.air_at_start()
        self.fade = 1.0 - math.exp(-p.depth / (air.visibility if air is not None else 4000.0))
        self.body = mix(p.colour, p.haze, min(0.9, 1.6 * self.fade))
        self.shape, self.windows, self.lamps = _train(self.car, p.cars, self.body)
        self.length = self.shape.get_width()
        self.shades = self.rng("windows").uniform(0.7, 1.0, len(self.windows))
        self.shades[self.rng("dark").random(len(self.windows)) < 0.08] = 0.15  # a few empty
        self._sprites: dict[int, tuple[pygame.Surface, pygame.Surface]] = {}
        self.strip = self._viaduct() if p.viaduct else None

    # -- where the trains are ---------------------------------------------------------------

    def crossings(self, frame: Frame) -> list[_Crossing]:
        """The trains under way now: every cue named ``cue`` not longer ago than a crossing
        takes. In a loop a cue is also the same cue one loop earlier (its train carries on
        over the seam)."""
        out = []
        for cue in frame.clock.cues:
            if cue.name != self.params.cue:
                continue
            age = frame.t - cue.at
            if frame.loop:
                age %= frame.loop
            if 0.0 <= age < self._lasts(cue.at):
                out.append(_Crossing(cue.at, age))
        return out

    def head_x(self, frame: Frame, crossing: _Crossing) -> float:
        """Where the train's left end is across the frame, px: it comes in from one side at
        the speed it had at its cue, carried along by the viaduct's drift as well."""
        w = self.size[0]
        run = self._speed(crossing.at) * crossing.age
        x = -self.length + run if self.params.direction == "right" else w - run
        return x - self._drifted(frame, crossing)

    def _speed(self, at: float) -> float:
        """The train's speed at picture time ``at``, px/s at this frame's size."""
        return min(2000.0, max(40.0, self._value("speed", at))) * self.unit

    def _value(self, param: str, at: float) -> float:
        """A numeric parameter's value at picture time ``at`` (its timeline's, if it has one)."""
        track = self.tracks.get(param)
        moment = self.clock.moment_in_loop(at)
        return track.at(moment) if track is not None else getattr(self.params, param).at(moment)

    def _lasts(self, at: float) -> float:
        """Seconds the train that starts at ``at`` takes to cross the frame and leave it: at its
        speed across the frame, less (or more) the viaduct's drift then; never so slow that a
        drift as fast as the train keeps it there for ever."""
        speed = self._speed(at)
        ahead = speed if self.params.direction == "right" else -speed
        across = max(0.2 * speed, abs(ahead - self._value("drift", at) * self.unit))
        return (self.size[0] + self.length) / across + 1.0

    def _drifted(self, frame: Frame, crossing: _Crossing) -> float:
        """How far the viaduct has slid left since the cue, px, as its strip has."""
        motion = self.motion(frame, "drift")
        per_loop = motion.per_loop()
        since = motion.distance(frame.t) - motion.distance(crossing.at)
        if crossing.at > frame.t and per_loop is not None:  # the cue came in the loop before
            since += per_loop
        if self.strip is None:
            return since * self.unit
        width = self.strip.surface.get_width()
        return landed(since * self.unit, per_loop and per_loop * self.unit, width)

    # -- painting ---------------------------------------------------------------------------

    def paint_key(self, frame: Frame, v: ElevatedTrainParams) -> tuple:
        """The viaduct's place, and each train's place and light: still between a strip's
        steps when no train is crossing."""
        offset = self.strip.offset(self, frame) if self.strip is not None else 0
        trains = tuple(round(self.head_x(frame, c)) for c in self.crossings(frame))
        return offset, trains, self._level(v) if trains else 0

    def _level(self, v: ElevatedTrainParams) -> int:
        return max(0, min(STEPS, round(v.glow / 1.5 * STEPS)))

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ElevatedTrainParams) -> None:
        if self.strip is not None:
            self.strip.blit(target, self.strip.offset(self, frame))
        crossings = self.crossings(frame)
        if not crossings:
            return
        body, halo = self._sprite(self._level(v))
        top = self.rails - body.get_height()
        pad = (halo.get_width() - body.get_width()) // 2
        for crossing in crossings:
            x = round(self.head_x(frame, crossing))
            if x >= self.size[0] + pad or x + self.length <= -pad:
                continue
            target.blit(halo, (x - pad, top - pad), special_flags=pygame.BLEND_RGB_ADD)
            target.blit(body, (x, top))

    def top_row(self, frame: Frame, v: ElevatedTrainParams) -> int:
        trains = self.rails - math.ceil(self.car * 1.5) - 8
        return min(trains, self.strip.top) if self.strip is not None else max(0, trains)

    def lights(self, frame: Frame, v: ElevatedTrainParams) -> Lights | None:
        """The lit windows of each train crossing now."""
        crossings = self.crossings(frame)
        level = self._level(v) / STEPS
        if not crossings or level <= 0:
            return None
        length = self.length
        top = self.rails - self.shape.get_height()
        left = self.params.direction == "left"
        xs, ys = [], []
        for crossing in crossings:
            head = self.head_x(frame, crossing)
            for x, y, ww, wh in self.windows:
                cx = length - (x + ww / 2) if left else x + ww / 2
                xs.append(head + cx)
                ys.append(top + y + wh / 2)
        n = len(xs)
        light = mix(self.params.lights, self.params.haze, min(0.6, 0.8 * self.fade))
        colour = np.broadcast_to(np.array(light, np.float64), (n, 3))
        shades = np.tile(self.shades, len(crossings))
        return Lights(np.array(xs), np.array(ys), v.depth, colour, level * shades * 0.7)

    def _sprite(self, level: int) -> tuple[pygame.Surface, pygame.Surface]:
        """The train with its windows lit at ``level``, facing its way, and their glow."""
        if level not in self._sprites:
            p = self.params
            light = mix(p.lights, p.haze, min(0.6, 0.8 * self.fade))
            body = self.shape.copy()
            k = level / STEPS * 1.5
            for (x, y, ww, wh), shade in zip(self.windows, self.shades, strict=True):
                lit = tuple(min(255, round(c * min(1.0, k * shade))) for c in light)
                body.fill(mix(self.body, lit, min(1.0, k * 1.2)), pygame.Rect(x, y, ww, wh))
            for x, y, colour in self.lamps:
                body.fill(colour, pygame.Rect(x, y, max(1, round(self.car * 0.09)), 2))
            halo = _halo(body.get_size(), self.windows, self.lamps, light, k, self.car)
            if p.direction == "left":
                body, halo = (pygame.transform.flip(s, True, False) for s in (body, halo))
            self._sprites[level] = (body, halo)
        return self._sprites[level]

    def _viaduct(self) -> Strip:
        """The deck, its low wall, piers down to the bottom of the frame, and catenary masts
        with their wire, baked into a strip that wraps (it drifts with the city)."""
        w, h = self.size
        per_loop = self.motion_on(self.clock, "drift").per_loop()
        width = strip_width(w, per_loop and per_loop * self.unit)
        surface = new_strip(width, h)
        alpha = new_alpha(surface)
        shapes = _viaduct_shapes(self.rng("viaduct"), width, h, self.rails, self.car)
        colour = mix(self.params.colour, self.params.haze, min(0.9, 1.7 * self.fade))
        paint(surface, alpha, colour, shapes)
        top = max(0, round(self.rails - 2.2 * self.car))
        return Strip(surface, top, 1.0, alpha).seal(self.canvas)


def _train(car: float, cars: int, colour: tuple) -> tuple[pygame.Surface, list, list]:
    """The train facing right, unlit: its silhouette (per-pixel alpha), its windows' rectangles
    and its lamps (x, y, colour): a headlight at the nose, a tail light at the back."""
    length = cars * car * CAR_LENGTH + (cars - 1) * car * CAR_GAP
    h = math.ceil(car * 1.45)  # with the pantograph
    size = (math.ceil(length) + 2, h)
    surface = new_surface(size)
    alpha = new_alpha(surface)
    floor = h - car * 0.12  # the bogies' wheels stand on the rails at the bottom
    roof = floor - car
    shapes: list[Shape] = []
    windows = []
    for i in range(cars):
        x0 = i * car * (CAR_LENGTH + CAR_GAP)
        x1 = x0 + car * CAR_LENGTH
        nose = car * 0.7 if i == cars - 1 else 0.0  # the leading car's front slopes back
        tail = car * 0.35 if i == 0 else 0.0
        skirt = floor - car * 0.14
        outline = [(x0 + tail, roof), (x1 - nose, roof), (x1, roof + car * 0.55), (x1, skirt)]
        shapes.append(("poly", (*outline, (x0, skirt), (x0, roof + car * 0.3))))
        shapes.append(("rect", (x0 + car * 0.5, roof - car * 0.07, x1 - x0 - car * 1.2, car * 0.1)))
        for bogie in (x0 + car * 0.45, x1 - car * 1.15):
            shapes.append(("rect", (bogie, floor - car * 0.2, car * 0.7, car * 0.2)))
        if i < cars - 1:  # the gangway to the next car
            shapes.append(("rect", (x1 - 1, roof + car * 0.2, car * CAR_GAP + 2, car * 0.55)))
        windows += _car_windows(x0 + tail, x1 - nose, roof, car)
    front = cars * car * (CAR_LENGTH + CAR_GAP) - car * CAR_GAP
    shapes += _pantograph(front - car * 2.6, roof, car)
    paint(surface, alpha, colour, shapes)
    windscreen = tuple(
        round(n) for n in (front - car * 0.55, roof + car * 0.2, car * 0.3, car * 0.22)
    )
    lamps = [
        (round(front - car * 0.14), round(floor - car * 0.36), (255, 232, 190)),
        (round(car * 0.02), round(floor - car * 0.36), (230, 80, 60)),
    ]
    return with_alpha(surface, alpha), [*windows, windscreen], lamps


def _car_windows(left: float, right: float, roof: float, car: float) -> list[tuple]:
    """A row of windows along a car, whole pixels, between its ends."""
    ww, wh = max(1, round(car * 0.42)), max(1, round(car * 0.3))
    pitch = car * 0.62
    y = round(roof + car * 0.24)
    count = max(1, int((right - left - car * 0.5) // pitch))
    start = (left + right) / 2 - (count * pitch - (pitch - ww)) / 2
    return [(round(start + k * pitch), y, ww, wh) for k in range(count)]


def _pantograph(x: float, roof: float, car: float) -> list[Shape]:
    """The collector on the leading car's roof, a thin folded diamond up to the wire."""
    top = roof - car * 0.42
    width = max(0.8, car * 0.05)
    return [
        line((x, roof), (x + car * 0.35, top + car * 0.16), width),
        line((x + car * 0.35, top + car * 0.16), (x + car * 0.1, top), width),
        ("rect", (x - car * 0.15, top, car * 0.5, width)),
    ]


def _viaduct_shapes(
    rng: np.random.Generator, width: int, h: int, rails: int, car: float
) -> list[Shape]:
    """Deck, wall and wire across the strip; piers and masts at steady spacings from a seeded
    start, wrapping at the strip's ends."""
    deck = car * 0.42
    shapes: list[Shape] = [
        ("rect", (0, rails, width, deck)),
        ("rect", (0, rails - car * 0.18, width, car * 0.08)),  # the low wall's top rail
        ("rect", (0, rails - car * 1.52, width, max(0.8, car * 0.03))),  # the contact wire
    ]
    spacing = car * 9.0
    count = max(1, round(width / spacing))
    spacing = width / count  # whole piers a strip: it wraps seamlessly
    start = rng.uniform(0, spacing)
    pier = car * 0.55
    for k in range(count + 1):
        x = (start + k * spacing) % width
        for shift in (0, -width):
            px = x + shift
            shapes.append(_pier(px, rails + deck, h, pier, car))
            if k % 2 == 0:  # a catenary mast every other pier, its arm over the track
                mast = max(1.0, car * 0.07)
                shapes.append(("rect", (px - mast / 2, rails - car * 1.7, mast, car * 1.7)))
                shapes.append(("rect", (px - car * 0.5, rails - car * 1.6, car * 0.5, mast)))
    return shapes


def _pier(x: float, top: float, bottom: float, width: float, car: float) -> Shape:
    """A pier centred at ``x`` from under the deck to ``bottom``, its head flared."""
    neck = top + car * 0.5
    head = ((x - width * 0.9, top), (x + width * 0.9, top), (x + width / 2, neck))
    return "poly", (*head, (x + width / 2, bottom), (x - width / 2, bottom), (x - width / 2, neck))


def _halo(
    size: tuple[int, int], windows: list, lamps: list, light: tuple, k: float, car: float
) -> pygame.Surface:
    """The windows' light in the air around the train: the lit rows blurred wide, faint."""
    pad = max(2, round(car * 0.9))
    w, h = size[0] + 2 * pad, size[1] + 2 * pad
    mask = np.zeros((h, w), np.float32)
    for x, y, ww, wh in windows:
        mask[y + pad : y + pad + wh, x + pad : x + pad + ww] = 1.0
    for x, y, _ in lamps:
        mask[y + pad - 1 : y + pad + 3, x + pad - 2 : x + pad + 4] = 3.0
    glow = _blurred(mask, max(1.0, car * 0.35)) * 0.55 * min(1.0, k)
    return planes_to_surface(np.stack([np.clip(glow * c, 0, 255) for c in light]))


def _blurred(mask: np.ndarray, radius: float) -> np.ndarray:
    """A cheap wide blur: shrink by about ``radius`` and scale back up, smoothly."""
    h, w = mask.shape
    small = (max(1, round(w / radius)), max(1, round(h / radius)))
    surface = planes_to_surface(np.stack([mask * 80.0] * 3))
    back = pygame.transform.smoothscale(pygame.transform.smoothscale(surface, small), (w, h))
    return pygame.surfarray.array_red(back).T.astype(np.float32) / 80.0
