"""skyline: depth planes of high-rise silhouettes with lit windows and parallax drift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.landmarks import LandmarkField
from installation.scene.palettes import parse_colour
from installation.scene.params import ColourField, OneColourField
from installation.scene.rates import STRIP_DRIFT
from installation.scene.values import Num, hash01_array
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.raster import new_surface
from installation.visuals.silhouette import fill, new_alpha, paint
from installation.visuals.strips import (
    Strip,
    fog_low,
    mix,
    new_strip,
    strip_width,
    transparent,
)


class SkylineParams(LayerParams):
    baked = ("colour", "haze", "dusk", "rim_colour")
    planes: int = Field(3, ge=1, le=6, description="number of depth planes, far to near")
    depth: float = Field(0.6, ge=0, le=1, description="atmospheric depth: far planes fade to haze")
    height: float = Field(0.42, ge=0.05, le=1, description="height of the tallest towers")
    drift: Annotated[float, Num(-400, 400), STRIP_DRIFT] = Field(
        6.0, description="parallax drift of the nearest plane, px/s at 1080 lines"
    )
    windows: Annotated[float, Num(0, 1)] = Field(
        0.35,
        description="share of windows lit; as it rises the city comes on floor by floor, "
        "tower by tower, in runs",
    )
    twinkle: Annotated[float, Num(0, 4)] = Field(
        0.5, description="windows switching on and off, per minute each"
    )
    colour: ColourField = Field("#3A2026", description="silhouette colour of the nearest plane")
    haze: ColourField = Field("peach", description="colour the far planes fade toward")
    lights: list[OneColourField] | None = Field(None, description="window colours")
    dusk: ColourField | None = Field(
        None,
        description="the colour far planes fade toward at night (the haze's by day): with "
        "'night' the city's depth follows the light of a day",
    )
    night: Annotated[float, Num(0, 1)] = Field(
        0.0, description="0 far planes fade toward 'haze', 1 toward 'dusk' (needs 'dusk')"
    )
    walkway: bool = Field(False, description="a raised walkway across the nearest plane")
    rim: Annotated[float, Num(0, 1)] = Field(
        0.7,
        description="the low sun behind the city rims the towers' roofs and edges; it follows "
        "the sky's sun (strongest low and bright, gone once it has set)",
    )
    rim_colour: ColourField = Field("amber", description="the colour of that rim light")
    landmarks: list[LandmarkField] = Field(
        default_factory=list,
        description="named towers from assets/landmarks/ standing among the others, e.g. "
        "[shanghai-tower, oriental-pearl]",
    )
    landmark_plane: int = Field(
        0, ge=0, le=5, description="the plane they stand in, 0 the farthest"
    )
    landmark_height: float = Field(
        0.62, ge=0.1, le=1, description="height of the tallest of them, in frame heights"
    )


@dataclass
class _Plane:
    strip: Strip
    toggles: np.ndarray  # (n, 4): x, y, w, h of windows that switch on and off
    toggle_sprites: list[pygame.Surface]
    phases: np.ndarray  # when each switching window changes state
    #: windows lit only while ``windows`` is above their rank, baked into sparse strips by
    #: rank (a run of floors each), with the share at which each run comes on: a sparse RLE
    #: strip blits in 0.04 ms at 720p where a sprite per window cost 6 ms a frame
    runs: list[tuple[float, Strip]]
    dusk: Strip | None = None  # the same plane faded toward 'dusk'
    #: the plane part way to dusk, by steps of DUSK_STEPS: the step shown and the next one
    between: dict[int, Strip] = field(default_factory=dict)
    #: the sun's rim on the plane's edges, one sparse strip per step of RIM_STEPS
    rims: list[Strip] | None = None
    #: unencoded copies of the day and dusk strips, mixed from (an encoded strip blitted
    #: anywhere but the canvas is decoded and encoded again)
    plain: pygame.Surface | None = None
    dusk_plain: pygame.Surface | None = None


@LAYERS.register("skyline")
class Skyline(Layer[SkylineParams]):
    """Several depth planes of towers (blocks, stepped, spires, domes), named landmarks from
    ``assets/landmarks/`` (Pudong's and Los Angeles's), lit windows that come on floor by floor as
    ``windows`` rises, an optional raised walkway, far planes fading to ``haze`` by day and ``dusk``
    by night (``night`` glides between them)."""

    Params = SkylineParams
    direct = True

    def setup(self) -> None:
        p = self.params
        lights = p.lights or [parse_colour(c) for c in ("amber", "mustard", "cream", "peach")]
        # windows that are lit all loop long are baked into the planes; those the timeline
        # switches on and off are drawn each frame
        self.lit_range = self.span_of("windows")
        # planes that fade toward dusk at night: the same towers (same seed) in darker air; the
        # nearest plane is its own colour by day and night
        nights = p.dusk is not None and self.span_of("night")[1] > 0
        self.planes = []
        for k in range(p.planes):
            to_dusk = nights and _fade(k, p) > 0.05
            plane = self._bake(k, p, lights, p.haze, keep_plain=to_dusk)
            if to_dusk:
                assert p.dusk is not None  # ``nights`` says there is a dusk
                night = self._bake(k, p, lights, p.dusk, dusk=True, keep_plain=True)
                plane.dusk, plane.dusk_plain = night.strip, night.plain
            self.planes.append(plane)
        self._memo: tuple | None = None

    def _bake(
        self,
        k: int,
        p: SkylineParams,
        lights: list,
        haze: tuple[int, int, int],
        dusk: bool = False,
        keep_plain: bool = False,
    ) -> _Plane:
        """Plane ``k`` faded toward ``haze``; for ``dusk``, only its strip (the evening windows
        and the sun's rim are drawn from the day's plane over it). ``keep_plain``: keep an
        unencoded copy of the strip, to mix day and dusk from."""
        _w, h = self.size
        count = p.planes
        nearness = (k + 1) / count  # 1 for the nearest plane
        fade = _fade(k, p)
        rng = self.rng("plane", k)
        parallax = 0.15 + 0.85 * nearness**1.5
        per_loop = self.motion_on(self.clock, "drift").per_loop()
        width = strip_width(self.size[0], per_loop and per_loop * parallax * self.unit)
        strip = new_strip(width, h)
        alpha = new_alpha(strip)
        body = mix(p.colour, haze, fade)
        # far planes are the tall towers of the centre; near planes lower blocks seen from above
        tallest = p.height * (1.3 - 0.65 * nearness)
        windows = []
        x = -rng.uniform(0, 60) * self.unit
        while x < width:
            tw = rng.uniform(40, 120) * self.unit * (0.6 + 0.6 * nearness)
            th = h * tallest * rng.uniform(0.35, 1.0) ** 1.3
            gap = rng.uniform(-0.25, 1.4 - nearness) * tw  # far planes are sparser
            windows.append(_tower(strip, alpha, rng, x, tw, th, h, body, width, self.unit))
            x += tw + gap
        if p.landmarks and k == min(p.landmark_plane, count - 1):
            _landmarks(strip, alpha, rng, p.landmarks, h, p.landmark_height, body, width)
        if p.walkway and k == count - 1:
            _walkway(strip, alpha, rng, h, body, width, self.unit, lights)
        fog_low(strip, haze, fade * 0.4, p.depth * 0.35)
        rims = None
        if not dusk and self.span_of("rim")[1] > 0 and fade < 0.7:  # far planes: lost in haze
            rims = _rims(
                strip, alpha, p.rim_colour, 1.0 - 0.5 * fade, max(1, round(1.5 * self.unit))
            )
        toggles, evening, ranks = self._windows(strip, rng, windows, lights, fade, haze)
        top = _first_row(alpha)
        # sealing an anti-aliased strip makes a new surface: the baked pixels stay plain here
        plain = strip if keep_plain else None
        baked = Strip(strip, top, parallax, alpha).seal(self.canvas)
        sprites = [_window_sprite(t, lights, fade, p.haze, i) for i, t in enumerate(toggles)]
        runs = _runs(
            evening, ranks, lights, fade, haze, strip.get_size(), top, parallax, self.canvas
        )
        plane = _Plane(baked, toggles, sprites, rng.random(len(toggles)), runs, plain=plain)
        if rims is not None:
            edges, rim_alpha = rims
            plane.rims = [Strip(r, top, parallax, rim_alpha).seal(self.canvas) for r in edges]
        return plane

    def _windows(
        self, strip, rng, windows, lights, fade, haze
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bake the windows lit all along; return those that switch by themselves, those the
        ``windows`` value switches (with the share at which each comes on)."""
        low, high = self.lit_range
        toggles, evening, ranks = [], [], []
        for tower in windows:
            # some towers are eager, some late; a floor comes on as a run along it, so the city
            # lights floor by floor as the share rises, not as salt and pepper
            eager = rng.random()
            floors: dict[int, float] = {}
            for rect in tower:
                if rect[1] not in floors:
                    floors[rect[1]] = rng.random()
                rank = 0.5 * eager + 0.42 * floors[rect[1]] + 0.08 * rng.random()
                if rng.random() < 0.03:
                    toggles.append(rect)  # drawn per frame, on or off
                elif rank < low:
                    colour = lights[int(rng.integers(0, len(lights)))]
                    strip.fill(mix(colour, haze, fade * 0.8), rect)
                elif rank < high:
                    evening.append(rect)
                    ranks.append(rank)
        return (
            np.array(toggles, dtype=np.int32).reshape(-1, 4),
            np.array(evening, dtype=np.int32).reshape(-1, 4),
            np.array(ranks, dtype=np.float32),
        )

    def paint_key(self, frame: Frame, v: SkylineParams) -> tuple:
        """Where each strip stands and which switching windows show: the planes drift a pixel
        a few times a second, so most frames at 60 fps repeat the last one exactly."""
        return (
            self._dusk(v),
            self._rim(frame, v),
            tuple(
                (offset, shown.tobytes(), runs) for offset, shown, _, runs in self._state(frame, v)
            ),
        )

    def _rim(self, frame: Frame, v: SkylineParams) -> int:
        """How strong the sun's rim is now, in steps of RIM_STEPS: it needs a sun in the sky,
        and is strongest while it is low and bright; it fades out as the sun sets."""
        sun = frame.sky.sun if frame.sky is not None else None
        if sun is None or v.rim <= 0:
            return 0
        low = min(1.0, max(0.0, (sun.height + 0.04) / 0.08)) * min(
            1.0, max(0.0, 1.2 - sun.height * 2)
        )
        return round(RIM_STEPS * min(1.0, v.rim * low * (0.4 + 0.8 * sun.glow)))

    def _prepare_dusk(self, frame: Frame, night: int) -> None:
        """Mix the step of dusk the planes will need DUSK_AHEAD seconds from now, one plane a
        frame, so that no frame pays for all of them at once (three planes' mix at once cost
        25-35 ms at 1080p). The frames stay what they were: this only moves work earlier."""
        track = self.tracks.get("night")
        if track is None or self.params.dusk is None:
            return
        later = track.at(self.clock.moment(frame.t + DUSK_AHEAD))
        ahead = round(min(1.0, max(0.0, later)) * DUSK_STEPS)
        if ahead in (night, 0, DUSK_STEPS):
            return
        for plane in self.planes:
            if plane.dusk is not None and ahead not in plane.between:
                plane.between[ahead] = _mix_dusk(plane, ahead, self.canvas)
                return

    def _dusk(self, v: SkylineParams) -> int:
        """How far toward the night planes, in steps of 1/DUSK_STEPS."""
        return round(v.night * DUSK_STEPS) if self.params.dusk is not None else 0

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: SkylineParams) -> None:
        night = self._dusk(v)
        rim = self._rim(frame, v)
        for plane, state in zip(self.planes, self._state(frame, v), strict=True):
            offset, shown, xs, runs = state
            _body(plane, night, self.canvas).blit(target, offset)
            if rim and plane.rims:
                plane.rims[rim - 1].blit(target, offset)
            for _, run in plane.runs[:runs]:
                run.blit(target, offset)
            ys = plane.toggles[:, 1]
            target.fblits([(plane.toggle_sprites[i], (int(xs[i]), int(ys[i]))) for i in shown])
        self._prepare_dusk(frame, night)

    def _state(self, frame: Frame, v: SkylineParams) -> list[tuple]:
        """Per plane: its strip's offset, the switching windows lit and in view, and where they
        are, then the same for the windows ``windows`` lights. Worked out once per frame (the key
        and the drawing both need it)."""
        memo_key = (frame.t, frame.clock, v.twinkle, v.windows)
        if self._memo is None or self._memo[0] != memo_key:
            states = []
            for k, plane in enumerate(self.planes):
                offset = plane.strip.offset(self, frame)
                runs = sum(1 for share, _ in plane.runs if share <= v.windows)
                switching = self._switching(plane, k, offset, frame, v.twinkle)
                states.append((offset, *switching, runs))
            self._memo = (memo_key, states)
        return self._memo[1]

    def _switching(
        self, plane: _Plane, k: int, offset: int, frame: Frame, rate: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Windows that turn on and off, each holding its state for about 60/rate seconds:
        the indices of those lit and in view, and every window's x on screen. In a loop the
        rate is fitted to it and the states repeat with it (a state's number wraps)."""
        width = plane.strip.surface.get_width()
        xs = (plane.toggles[:, 0] - offset) % width
        if not len(plane.toggles) or rate <= 0:
            return np.zeros(0, dtype=np.intp), xs
        epochs = frame.epochs(rate / 60.0, plane.phases)
        index = np.arange(len(xs), dtype=np.int64)
        lit = hash01_array(self.seed + 7 * k + 1, index * 7919 + epochs) < self.lit_range[0]
        return np.nonzero(lit & (xs < self.size[0]))[0], xs


#: how finely the planes step from day haze to dusk: each step is a new mix of the plane (a few
#: ms, once), so a 40 s ramp costs one every 1.2 s instead of an alpha blit every frame
DUSK_STEPS = 32
#: how far ahead the next step of dusk is mixed (a step then costs one plane a frame)
DUSK_AHEAD = 0.25
#: runs of windows a plane's evening is baked into: each comes on at once, floors across town
RUNS = 12
#: steps of the sun's rim light on the towers
RIM_STEPS = 4


def _rims(
    strip: pygame.Surface, alpha: np.ndarray, colour: tuple, strength: float, d: int
) -> tuple[list[pygame.Surface], np.ndarray]:
    """Sparse strips holding only the plane's sunlit edges (its roofs and both sides: the sun
    is low behind the city), each step of RIM_STEPS a little brighter. Found from the strip's
    key: a pixel of a tower with open sky ``d`` pixels above it or beside it. Only the edge
    pixels are computed (a full-strip float pass per step cost 0.7 s a plane at 1080p). With
    them, the edges' alpha: a rim on an anti-aliased edge is as soft as the edge."""
    pixels = pygame.surfarray.pixels3d(strip)
    key = transparent(pixels)
    open_up = np.zeros_like(key)
    open_up[:, d:] = key[:, :-d]
    open_side = np.zeros_like(key)
    open_side[d:, :] |= key[:-d, :]
    open_side[:-d, :] |= key[d:, :]
    edge = ~key & (open_up | open_side)
    xs, ys = np.nonzero(edge)
    body = pixels[xs, ys].astype(np.float32)
    del pixels
    weight = np.where(open_up[xs, ys], 1.0, 0.6).astype(np.float32)[:, None]  # roofs catch most
    light = np.array(colour, np.float32)[None, :]
    out = []
    for step in range(1, RIM_STEPS + 1):
        k = strength * step / RIM_STEPS * weight
        surface = new_strip(*strip.get_size())
        target = pygame.surfarray.pixels3d(surface)
        target[xs, ys] = np.rint(body + (light - body) * k).astype(np.uint8)
        del target
        out.append(surface)
    rim_alpha = np.zeros_like(alpha)
    rim_alpha[xs, ys] = alpha[xs, ys]
    return out, rim_alpha


def _first_row(alpha: np.ndarray) -> int:
    """The first row that holds anything (spires and landmarks rise above their towers)."""
    rows = np.flatnonzero(alpha.any(axis=0))
    return int(rows[0]) if len(rows) else alpha.shape[1]


def _fade(k: int, p: SkylineParams) -> float:
    """How far plane ``k`` (0 the farthest) fades toward the haze."""
    nearness = (k + 1) / p.planes
    return min(0.9, p.depth * 1.25 * (1.0 - nearness) ** 0.8)


def _body(plane: _Plane, night: int, canvas: pygame.Surface | None) -> Strip:
    """The plane's strip at ``night`` steps of DUSK_STEPS toward dusk."""
    if plane.dusk is None or night <= 0:
        return plane.strip
    if night >= DUSK_STEPS:
        return plane.dusk
    if night not in plane.between:  # not prepared ahead (a jump in time): mixed now
        plane.between[night] = _mix_dusk(plane, night, canvas)
    for step in [s for s in plane.between if s != night and len(plane.between) > 2]:
        del plane.between[step]  # keep the step shown and at most one more
    return plane.between[night]


def _mix_dusk(plane: _Plane, night: int, canvas: pygame.Surface | None) -> Strip:
    """The day's strip mixed ``night`` steps toward the dusk strip, over the rows that hold
    towers (the sky above them is left out of the copy, the mix and the alpha)."""
    day = plane.strip
    assert plane.plain is not None and plane.dusk_plain is not None  # kept for the mix
    w, h = plane.plain.get_size()
    rows = pygame.Rect(0, day.top, w, h - day.top)
    mixed = new_surface((w, h))
    mixed.blit(plane.plain, rows.topleft, rows)  # the day's pixels, unencoded (and kept so)
    plane.dusk_plain.set_alpha(round(255 * night / DUSK_STEPS))
    mixed.blit(plane.dusk_plain, rows.topleft, rows)
    return Strip(mixed, day.top, day.parallax, day.alpha).seal(canvas)


def _runs(
    evening, ranks, lights, fade, haze, size, top, parallax, canvas
) -> list[tuple[float, Strip]]:
    """The evening windows baked into RUNS sparse strips by rank, each with the share of
    windows at which it comes on (its highest rank)."""
    if not len(evening):
        return []
    order = np.argsort(ranks, kind="stable")
    out = []
    for chunk in np.array_split(order, min(RUNS, len(order))):
        strip = new_strip(*size)
        for i in chunk:
            colour = lights[int(i) % len(lights)]
            strip.fill(mix(colour, haze, fade * 0.8), pygame.Rect(*(int(n) for n in evening[i])))
        out.append((float(ranks[chunk].max()), Strip(strip, top, parallax).seal(canvas)))
    return out


def _landmarks(strip, alpha, rng, marks, h, tallest, colour, width) -> None:
    """Draw named outlines across the strip, all at one scale: the tallest ``tallest`` of the
    frame's height. Holes cut the landmark's own shapes, so the sky shows through them."""
    metres = h * tallest / max(m.height for m in marks)
    spacing = width / len(marks)
    for i, mark in enumerate(marks):
        cx = spacing * (i + 0.5) + rng.uniform(-0.25, 0.25) * spacing
        for shift in (0, -width, width):  # wraps at the strip's ends
            x0 = cx + shift

            def at(x: float, y: float, x0: float = x0) -> tuple[float, float]:
                return x0 + x * metres, h - y * metres

            shapes: list[tuple[str, Sequence[Any]]] = []
            for shape in mark.shapes:
                if shape.ellipse:
                    ex, ey, rx, ry = shape.ellipse
                    left, top = at(ex - rx, ey + ry)
                    shapes.append(("ellipse", (left, top, 2 * rx * metres, 2 * ry * metres)))
                elif shape.polygon:
                    shapes.append(("poly", [at(x, y) for x, y in shape.polygon]))
                else:
                    shapes.append(("hole", [at(x, y) for x, y in shape.hole]))
            paint(strip, alpha, colour, shapes)
            for x, y in mark.lights:
                lx, ly = at(x, y)
                size = max(1, round(metres * 3))
                strip.fill((232, 90, 70), pygame.Rect(round(lx) - size // 2, round(ly), size, size))


def _shifted(kind: str, geom: tuple, shift: float) -> tuple:
    """A tower's shape moved ``shift`` px along the strip (its copy across the wrap)."""
    if kind == "poly":
        return tuple((px + shift, py) for px, py in geom)
    return (geom[0] + shift, *geom[1:])


def _tower(strip, alpha, rng, x, tw, th, h, colour, sw, unit) -> list[tuple[int, int, int, int]]:
    """Draw one tower (wrapping at the strip's end) and return its window rectangles."""
    kind = rng.choice(
        ["block", "stepped", "spire", "rounded", "slant", "pearl"],
        p=[0.34, 0.2, 0.16, 0.12, 0.12, 0.06],
    )
    top = h - th
    shapes: list[tuple[str, tuple]] = [("rect", (x, top, tw, th + 1))]
    if kind == "stepped":
        shapes.append(("rect", (x + tw * 0.15, top - th * 0.08, tw * 0.7, th * 0.08 + 1)))
        shapes.append(("rect", (x + tw * 0.3, top - th * 0.14, tw * 0.4, th * 0.06 + 1)))
    elif kind == "spire":
        shapes.append(("poly", ((x, top), (x + tw / 2, top - th * 0.18), (x + tw, top))))
        shapes.append(("rect", (x + tw / 2 - unit, top - th * 0.26, max(1, 2 * unit), th * 0.1)))
    elif kind == "rounded":
        shapes.append(("ellipse", (x, top - tw * 0.35, tw, tw * 0.7)))
    elif kind == "slant":
        shapes.append(("poly", ((x, top), (x, top - th * 0.12), (x + tw, top))))
    elif kind == "pearl":  # a tower of spheres on a shaft: our nod to the Pudong skyline
        shaft = max(2, tw * 0.18)
        shapes = [("rect", (x + tw / 2 - shaft / 2, top - th * 0.2, shaft, th * 1.2))]
        for fy, fr in ((0.55, 0.42), (0.05, 0.26)):
            r = tw * fr
            shapes.append(("ellipse", (x + tw / 2 - r, top + th * fy - r, 2 * r, 2 * r)))
    for shift in (0, -sw):
        paint(strip, alpha, colour, [(k, _shifted(k, g, shift)) for k, g in shapes])
    if kind == "pearl":
        return []
    return _window_grid(rng, x, top, tw, th, h, sw, unit)


def _window_grid(rng, x, top, tw, th, h, sw, unit) -> list[tuple[int, int, int, int]]:
    ww = max(1, round(rng.uniform(2, 4) * unit))
    wh = max(1, round(rng.uniform(2, 5) * unit))
    gap_x = ww + max(1, round(rng.uniform(2, 5) * unit))
    gap_y = wh + max(1, round(rng.uniform(3, 6) * unit))
    out = []
    margin = max(2, round(5 * unit))
    for yy in range(round(top + margin), h - margin, gap_y):
        for xx in range(round(x + margin), round(x + tw - margin - ww), gap_x):
            out.append((xx % sw, yy, ww, wh))
    return out


def _walkway(strip, alpha, rng, h, colour, sw, unit, lights) -> None:
    y = round(h * rng.uniform(0.78, 0.86))
    thick = max(2, round(10 * unit))
    fill(strip, alpha, colour, pygame.Rect(0, y, sw, thick))
    for px in range(0, sw, max(8, round(140 * unit))):
        fill(strip, alpha, colour, pygame.Rect(px, y, max(2, round(8 * unit)), h - y))
    lamp = lights[0]
    for px in range(round(20 * unit), sw, max(4, round(36 * unit))):
        strip.fill(
            lamp, pygame.Rect(px, y + thick // 3, max(1, round(3 * unit)), max(1, round(2 * unit)))
        )


def _window_sprite(rect, lights, fade, haze, i) -> pygame.Surface:
    _, _, w, h = (int(n) for n in rect)
    sprite = new_surface((w, h))
    sprite.fill(mix(lights[i % len(lights)], haze, fade * 0.8))
    return sprite
