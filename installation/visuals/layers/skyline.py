"""skyline: depth planes of high-rise silhouettes with lit windows and parallax drift."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.landmarks import LandmarkField
from installation.scene.palettes import parse_colour
from installation.scene.params import ColourField, OneColourField
from installation.scene.rates import STRIP_DRIFT
from installation.scene.values import Num, hash01_array
from installation.visuals.city_windows import WindowLights, rank_windows, runs, window_sprite
from installation.visuals.discs import LEAST_RADIUS, Lights
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.raster import new_surface
from installation.visuals.silhouette import new_alpha
from installation.visuals.strips import (
    Strip,
    fog_low,
    mix,
    new_strip,
    strip_width,
)
from installation.visuals.towers import RIM_STEPS, landmarks, rims, tower, walkway

#: how far one sees when the scene names no atmosphere: far planes still fade
VISIBILITY = 4000.0


class SkylineParams(LayerParams):
    baked = ("colour", "haze", "dusk", "rim_colour")
    planes: int = Field(3, ge=1, le=6, description="number of depth planes, far to near")
    depth: float = Field(
        700.0, ge=20, le=100000, description="metres to the nearest plane of towers"
    )
    far: float = Field(
        6000.0,
        ge=50,
        le=100000,
        description="metres to the farthest plane: the planes between stand evenly in the "
        "lens's measure (dioptres), and each fades toward 'haze' by its distance through the "
        "scene's atmosphere",
    )
    height: float = Field(0.42, ge=0.05, le=1, description="height of the tallest towers")
    drift: Annotated[float, Num(-400, 400), STRIP_DRIFT] = Field(
        6.0, description="parallax drift of the nearest plane, px/s at 1080 lines"
    )
    windows: Annotated[float, Num(0, 1)] = Field(
        0.35,
        description="share of windows lit; as it rises the city comes on in irregular clusters, "
        "a few floors and bays at a time, tower by tower",
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
        description="the low sun behind the city rims the towers' roofs and the edges that face "
        "the scene's light (or the sky's sun); strongest low and bright, gone once it has set",
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
class _Windows:
    """A plane's windows as ``_windows`` sorts them (rects x, y, w, h; colours as indices)."""

    toggles: list = field(default_factory=list)
    lit: list = field(default_factory=list)  # lit all along, baked into the strip
    lit_colours: list[int] = field(default_factory=list)
    evening: list = field(default_factory=list)  # lit once ``windows`` passes their rank
    ranks: list[float] = field(default_factory=list)
    colours: list[int] = field(default_factory=list)


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
    #: the sun's rim on the plane's edges, one sparse strip per step of RIM_STEPS: the roofs and
    #: the edges facing right (lit by a light to their right), and the same facing left
    rims: tuple[list[Strip], list[Strip]] | None = None
    #: the plane's lit windows as points of light for the lens, and its distance, metres
    lights: WindowLights | None = None
    depth: float = 1000.0
    fade: float = 0.0
    #: unencoded copies of the day and dusk strips, mixed from (an encoded strip blitted
    #: anywhere but the canvas is decoded and encoded again)
    plain: pygame.Surface | None = None
    dusk_plain: pygame.Surface | None = None


@LAYERS.register("skyline")
class Skyline(Layer[SkylineParams]):
    """Depth planes of towers (blocks, stepped, spires, domes) from ``depth`` to ``far`` metres,
    named landmarks from ``assets/landmarks/`` (Pudong's and Los Angeles's), lit windows that come
    on in irregular clusters as ``windows`` rises (and become the lens's discs behind its focus),
    rims on the edges facing the light, an optional raised walkway, planes fading through the air
    to ``haze`` by day and ``dusk`` by night (``night`` glides between them)."""

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
        air = self.camera.air_at_start()
        self.visibility = air.visibility if air is not None else VISIBILITY
        self.planes = []
        for k in range(p.planes):
            to_dusk = nights and k < p.planes - 1 and self._fade(k) > 0.05
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
        fade = self._fade(k)
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
            windows.append(tower(strip, alpha, rng, x, tw, th, h, body, width, self.unit))
            x += tw + gap
        if p.landmarks and k == min(p.landmark_plane, count - 1):
            landmarks(strip, alpha, rng, p.landmarks, h, p.landmark_height, body, width)
        if p.walkway and k == count - 1:
            walkway(strip, alpha, rng, h, body, width, self.unit, lights)
        fog_low(strip, haze, fade * 0.4, 0.22 + 0.15 * fade)
        edges = None
        if not dusk and self.span_of("rim")[1] > 0 and fade < 0.7:  # far planes: lost in haze
            edges = rims(
                strip, alpha, p.rim_colour, 1.0 - 0.5 * fade, max(1, round(1.5 * self.unit))
            )
        found = self._windows(strip, rng, windows, lights, fade, haze)
        toggles = np.array(found.toggles, dtype=np.int32).reshape(-1, 4)
        evening = np.array(found.evening, dtype=np.int32).reshape(-1, 4)
        ranks = np.array(found.ranks, dtype=np.float32)
        top = _first_row(alpha)
        # sealing an anti-aliased strip makes a new surface: the baked pixels stay plain here
        plain = strip if keep_plain else None
        baked = Strip(strip, top, parallax, alpha).seal(self.canvas)
        sprites = [
            window_sprite(t, lights[i % len(lights)], fade, p.haze) for i, t in enumerate(toggles)
        ]
        colours = [lights[c] for c in found.colours]
        baked_runs = runs(
            evening, ranks, colours, fade, haze, strip.get_size(), top, parallax, self.canvas
        )
        plane = _Plane(baked, toggles, sprites, rng.random(len(toggles)), baked_runs, plain=plain)
        plane.depth, plane.fade = self._plane_depth(k), fade
        if edges is not None:
            right, left = (
                [Strip(r, top, parallax, rim_alpha).seal(self.canvas) for r in steps]
                for steps, rim_alpha in edges
            )
            plane.rims = (right, left)
        if not dusk:
            lit = np.array(found.lit, dtype=np.int32).reshape(-1, 4)
            every = found.lit_colours + found.colours
            glow = np.array([mix(lights[c], haze, fade * 0.8) for c in every], np.float64)
            plane.lights = WindowLights.gather(
                np.concatenate([lit, evening]),
                np.concatenate([np.full(len(lit), -1.0, np.float32), ranks]),
                glow.reshape(-1, 3),
                CELL * self.unit,
                strip.get_width(),
                self.rng("lights", k),
            )
        return plane

    def _plane_depth(self, k: int) -> float:
        """Metres to plane ``k`` (0 the farthest): from ``far`` to ``depth``, evenly spaced in
        dioptres, as the lens measures distance."""
        p = self.params
        near, far = p.depth, max(p.far, p.depth)
        share = k / (p.planes - 1) if p.planes > 1 else 1.0
        return 1.0 / (1.0 / far + (1.0 / near - 1.0 / far) * share)

    def _fade(self, k: int) -> float:
        """How far plane ``k`` fades toward the haze: the air between it and the camera."""
        return min(0.92, 1.0 - math.exp(-self._plane_depth(k) / self.visibility))

    def top_row(self, frame: Frame, v: SkylineParams) -> int:
        return min(plane.strip.top for plane in self.planes)

    def lights(self, frame: Frame, v: SkylineParams) -> Lights | None:
        """The lit windows of each plane, gathered into points of light where they stand now."""
        parts = []
        for plane, state in zip(self.planes, self._state(frame, v), strict=True):
            if plane.lights is not None and frame.defocus(plane.depth) >= LEAST_RADIUS * self.unit:
                offset = state[0]
                level = 1.0 - 0.75 * plane.fade
                radius = frame.defocus(plane.depth) / self.unit
                found = plane.lights.lights(
                    v.windows, offset, self.size[0], plane.depth, level, radius
                )
                parts.append(found)
        if not parts:
            return None
        return Lights(
            np.concatenate([q.x for q in parts]),
            np.concatenate([q.y for q in parts]),
            np.concatenate([np.full(len(q.x), q.depth) for q in parts]),
            np.concatenate([q.colour for q in parts]).reshape(-1, 3),
            np.concatenate([q.level for q in parts]),
        )

    def _windows(self, strip, rng, towers, lights, fade, haze) -> _Windows:
        """Bake the windows lit all along; return those that switch by themselves, those the
        ``windows`` value switches (with the share at which each comes on), and the colours of
        all that are ever lit."""
        low, high = self.lit_range
        out = _Windows()
        for grid in towers:
            # some towers are eager, some late; within one, windows come on in clusters
            eager = float(rng.random())
            rank, colour = rank_windows(rng, grid, eager, len(lights))
            switching = rng.random(len(grid)) < 0.03
            for rect, r, c, toggle in zip(grid, rank, colour, switching, strict=True):
                if toggle:
                    out.toggles.append(rect)  # drawn per frame, on or off
                elif r < low:
                    strip.fill(mix(lights[c], haze, fade * 0.8), rect)
                    out.lit.append(rect)
                    out.lit_colours.append(int(c))
                elif r < high:
                    out.evening.append(rect)
                    out.ranks.append(float(r))
                    out.colours.append(int(c))
        return out

    def paint_key(self, frame: Frame, v: SkylineParams) -> tuple:
        """Where each strip stands and which switching windows show: the planes drift a pixel
        a few times a second, so most frames at 60 fps repeat the last one exactly."""
        return (
            self._dusk(v),
            self._rim(frame, v),
            self._toward(frame),
            tuple(
                (offset, shown.tobytes(), runs) for offset, shown, _, runs in self._state(frame, v)
            ),
        )

    def _rim(self, frame: Frame, v: SkylineParams) -> int:
        """How strong the sun's rim is now, in steps of RIM_STEPS: it needs the scene's light or a
        sun in the sky, and is strongest while it is low and bright; it fades out as it sets."""
        if v.rim <= 0:
            return 0
        light = frame.light
        if light is not None:
            high = min(1.0, max(0.0, 1.2 - light.height * 2))
            return round(RIM_STEPS * min(1.0, v.rim * light.strength * high))
        sun = frame.sky.sun if frame.sky is not None else None
        if sun is None:
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

    def _blitrims(self, target, rims, rim: int, offset: int, toward: int | None) -> None:
        """The rim at step ``rim``: edges facing right left of the light's place ``toward`` (px),
        edges facing left right of it; both everywhere when the light has no place."""
        faces_right, faces_left = rims
        if toward is None:
            faces_right[rim - 1].blit(target, offset)
            faces_left[rim - 1].blit(target, offset)
            return
        w, h = self.size
        clip = target.get_clip()
        for strip, area in (
            (faces_right, pygame.Rect(0, 0, max(0, min(w, toward)), h)),
            (faces_left, pygame.Rect(max(0, min(w, toward)), 0, w, h)),
        ):
            if area.width > 0:
                target.set_clip(area.clip(clip))
                strip[rim - 1].blit(target, offset)
        target.set_clip(clip)

    def _toward(self, frame: Frame) -> int | None:
        """Where the light the rims face is across the frame, px: the scene's light, else the
        sky's sun; None when there is neither."""
        if frame.light is not None:
            return round(frame.light.x * self.size[0])
        sun = frame.sky.sun if frame.sky is not None else None
        return round(sun.x * self.size[0]) if sun is not None else None

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: SkylineParams) -> None:
        night = self._dusk(v)
        rim = self._rim(frame, v)
        toward = self._toward(frame) if rim else None
        for plane, state in zip(self.planes, self._state(frame, v), strict=True):
            offset, shown, xs, runs = state
            _body(plane, night, self.canvas).blit(target, offset)
            if rim and plane.rims:
                self._blitrims(target, plane.rims, rim, offset, toward)
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


#: the side of a cell of windows gathered into one point of light for the lens, px at 1080 lines
CELL = 26
#: how finely the planes step from day haze to dusk: each step is a new mix of the plane (a few
#: ms, once), so a 40 s ramp costs one every 1.2 s instead of an alpha blit every frame
DUSK_STEPS = 32
#: how far ahead the next step of dusk is mixed (a step then costs one plane a frame)
DUSK_AHEAD = 0.25


def _first_row(alpha: np.ndarray) -> int:
    """The first row that holds anything (spires and landmarks rise above their towers)."""
    rows = np.flatnonzero(alpha.any(axis=0))
    return int(rows[0]) if len(rows) else alpha.shape[1]


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
