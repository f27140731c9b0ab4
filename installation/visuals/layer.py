"""The Layer base class and its registry. One module in ``installation/visuals/layers/`` each.

Every layer has a ``depth``, its distance from the camera in metres: with a scene's ``lens:``
a layer off the focal plane is blurred by it (``blur_radius``), and the lights it declares
(``lights``) become discs when they lie behind the focus; with ``atmosphere:`` layers that
draw their own colours fade toward the air by it.

A layer may read the frame so far: while it draws, ``Layer.below`` is the canvas with every
layer beneath it already painted (a reflection mirrors it). It is the canvas itself, whether the
layer paints on it or, blended or blurred, on a scratch surface, so reading ``below`` works in
every case where reading ``draw_onto``'s ``target`` does not (a scratch surface starts empty).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import numpy as np
from pydantic import Field

from installation.clock import Clock, Track
from installation.lazy import pygame
from installation.registry import LAYERS, summary_of
from installation.scene.params import Params, evaluate
from installation.scene.values import Num, stable_seed
from installation.visuals.blend import blend
from installation.visuals.camera import Camera
from installation.visuals.discs import Lights
from installation.visuals.frame import Frame
from installation.visuals.lens import quantise, radius_step
from installation.visuals.motion import Moving
from installation.visuals.raster import planes_to_surface, scratch, soften, upscale_dithered

REFERENCE_HEIGHT = 1080

__all__ = ["LAYERS", "Depth", "Layer", "LayerParams", "soft_upscale"]

#: a distance from the camera, in metres (a layer's ``depth``; each layer kind sets its own
#: default, what it usually is: a sky far off, dust in the room)
Depth = Annotated[float, Num(0.1, 100000)]


class LayerParams(Params):
    """Keys every layer takes."""

    id: str | None = Field(None, description="name for the timeline when a layer kind repeats")
    blend: Literal["normal", "add", "screen", "multiply"] = Field(
        "normal", description="how the layer meets what is below it"
    )
    opacity: Annotated[float, Num(0, 1)] = Field(1.0, description="0 invisible to 1 fully there")
    blur: Annotated[float, Num(0, 64)] = Field(
        0.0,
        description="softening of its own, px at 1080 lines, added to the lens's (a scene's "
        "'lens:' blurs each layer by its depth)",
    )
    depth: Depth = Field(
        10.0,
        description="its distance from the camera, metres: the lens blurs by it, the air "
        "fades by it",
    )


P = TypeVar("P", bound=LayerParams)


class Layer(Moving, Generic[P]):
    """A visual layer. Subclasses set ``Params`` and implement one of two methods.

    * ``draw(frame, v)`` returns the layer's own image: a float array (3, h, w) of 0..255
      (soft layers, numpy, drawn at ``internal_size`` and scaled up with dithering so
      gradients do not band; (4, h, w) adds an alpha plane) or a surface (sharp layers).
    * ``draw_onto(target, frame, v)`` paints straight onto the canvas (sprites, strips); set
      ``direct = True``. It is given a scratch surface instead when the layer must be blurred or
      blended in a mode other than its ``native`` one.

    ``below`` is the frame so far while either runs: read it, never paint on it (see the
    module's docstring). When ``target`` is the canvas itself it is the same surface: read
    before painting. A layer that reads it returns None from ``cache_key`` and ``paint_key``.

    ``cache_key(v)``, when it returns a value, lets the base class reuse the last image while the
    key is unchanged. Same key, same image: frames stay a pure function of time. ``paint_key``
    does the same for ``draw_onto`` layers; with either, a layer at the bottom of the stack that
    paints what it painted last frame is not painted at all (the compositor keeps a snapshot).
    """

    name: ClassVar[str]
    Params: ClassVar[type[LayerParams]] = LayerParams
    #: fraction of the output size the layer draws at; soft layers draw small
    scale: ClassVar[float] = 1.0
    #: smallest fraction of ``scale`` adaptive quality may lower it to
    min_quality: ClassVar[float] = 1.0
    #: paints onto the canvas itself (``draw_onto``) rather than returning an image
    direct: ClassVar[bool] = False
    #: the blend mode ``draw_onto`` already does by itself (no scratch surface needed)
    native: ClassVar[str] = "normal"
    #: dither soft images as they are scaled up (smooth gradients); textured ones can skip it
    dither: ClassVar[bool] = True
    #: ``draw_onto`` applies ``blur`` itself (sprites blurred once, when made), so depth of field
    #: costs nothing per frame instead of a scratch surface, two scalings and a blend
    blurs_itself: ClassVar[bool] = False
    #: ``draw`` returns an image with no transparency that fills the frame (a sky): painted
    #: plainly it hides everything below, so the compositor need not clear the canvas first
    opaque: ClassVar[bool] = False
    #: the width, px at 1080 lines, of the finest detail it draws: a lens blur within it is not
    #: drawn at all (fog has none finer than tens of pixels)
    softness: ClassVar[float] = 0.0
    #: its values are the frame's sky (``Frame.sky``): the light every layer under it sees, the
    #: sea mirrors, the key light follows (the first such layer in a scene)
    gives_sky: ClassVar[bool] = False

    def __init__(
        self,
        params: P,
        size: tuple[int, int],
        seed: int,
        index: int,
        tracks: dict[str, Track] | None = None,
        clock: Clock | None = None,
        canvas: pygame.Surface | None = None,
        address: str | None = None,
        *,
        camera: Camera | None = None,
    ):
        """``tracks``: the timeline's track of each numeric parameter; ``clock``: the scene's
        (its loop decides how far strips move per loop, which ``setup`` may size them by);
        ``canvas``: the surface it will paint on (strips are encoded for it once); ``address``:
        what the scene calls it (its ``id``, else its kind and its place among layers of that
        kind: ``bokeh``, ``bokeh-2``), from which its randomness is seeded; ``camera``: the
        scene's lens, light and air (what ``setup`` bakes its fades by)."""
        self.canvas = canvas
        self.camera = camera or Camera()
        self.params: P = params
        self.size = size
        # seeded by name, not by place in the stack: adding, removing or reordering other
        # layers never moves this one's towers, tanks or lights (``index`` is where it is drawn)
        self.seed = stable_seed(seed, "layer", address or self.name)
        self.index = index
        self.unit = size[1] / REFERENCE_HEIGHT  # pixels are written for a 1080-line frame
        self.tracks: dict[str, Track] = tracks or {}
        self.clock = clock or Clock()
        self.quality = 1.0  # multiplier on ``scale``, lowered by adaptive quality
        self.off = False  # switched off by the player after it raised
        self._cached: tuple[Any, pygame.Surface] | None = None
        #: while ``draw`` or ``draw_onto`` runs: the canvas with the layers beneath painted
        self.below: pygame.Surface | None = None
        self.setup()

    # -- for subclasses -------------------------------------------------------------------
    def setup(self) -> None:
        """Build what does not change from frame to frame (sprites, layouts)."""

    def draw(self, frame: Frame, v: P) -> pygame.Surface | np.ndarray:
        raise NotImplementedError

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: P) -> None:
        raise NotImplementedError

    def cache_key(self, frame: Frame, v: P) -> Any:
        return None

    def lights(self, frame: Frame, v: P) -> Lights | None:
        """The bright points this layer shows (lamps, lit windows, glints), where the lens
        turns them into discs when they lie behind its focus; None: it shows none."""
        return None

    def paint_key(self, frame: Frame, v: P) -> Any:
        """A value that, equal on two frames, means ``draw_onto`` paints the same pixels there;
        None when it cannot tell. Image layers need not override it: ``cache_key`` serves."""
        return self.cache_key(frame, v)

    def initial(self, param: str) -> float:
        """A numeric parameter's value when the scene starts (what ``setup`` bakes by)."""
        moment = self.clock.moment(0.0)
        track = self.tracks.get(param)
        if track is not None:
            return float(track.at(moment))
        x = getattr(self.params, param)
        return float(x.at(moment)) if hasattr(x, "at") else float(x)

    def blur_steps(self, depth: float, samples: int = 240) -> set[float]:
        """The lens's blur radii (``lens.radius_step``'s steps) for a thing ``depth`` metres
        away over the loop (or the first ten minutes): what a layer can prepare ahead."""
        if self.camera.lens is None:
            return set()
        span = self.clock.loop or 600.0
        steps = set()
        for i in range(samples + 1):
            optics = self.camera.optics(self.clock.moment_in_loop(span * i / samples), self.size)
            if optics is not None:
                steps.add(radius_step(optics.radius(depth)))
        return steps

    def span_of(self, param: str, samples: int = 240) -> tuple[float, float]:
        """The lowest and highest ``param`` reaches over the loop (or the first ten minutes):
        what a layer may bake once and what it must draw per frame. Sampled densely, so a ramp's
        ends are met; a little margin covers what falls between samples."""
        track = self.tracks.get(param)
        if track is None:
            x = getattr(self.params, param)
            x = float(x.at(self.clock.moment(0.0))) if hasattr(x, "at") else float(x)
            return x, x
        span = self.clock.loop or 600.0
        xs = [track.at(self.clock.moment_in_loop(span * i / samples)) for i in range(samples + 1)]
        ends = [c.at for c in track.changes] + [c.at + c.ramp for c in track.changes]
        xs += [track.at(self.clock.moment_in_loop(min(t, span))) for t in ends]
        low, high = min(xs), max(xs)
        if low == high:
            return low, high
        return low - 0.01 * (high - low), high + 0.01 * (high - low)

    # -- used by the compositor -------------------------------------------------------------
    def rng(self, *salt: object) -> np.random.Generator:
        """A generator seeded by the scene's seed, this layer's address and ``salt``: no
        globals."""
        return np.random.default_rng(stable_seed(self.seed, *salt))

    @property
    def internal_size(self) -> tuple[int, int]:
        s = self.scale * max(self.quality, self.min_quality)
        return max(1, round(self.size[0] * s)), max(1, round(self.size[1] * s))

    def values(self, frame: Frame) -> P:
        v = evaluate(self.params, frame.moment, self.tracks)
        # the blur of one's own is quantised as the lens's is (``lens.quantise``)
        # in quarter pixels: a focus pull steps through a few dozen sprite sets, not one a frame
        return v.model_copy(update={"blur": round(v.blur * 4) / 4})

    @classmethod
    def answers(cls, params: Any) -> set[str]:
        """The timeline cues this layer, with these parameters, shows (checking a scene warns
        of a cue nobody answers)."""
        return set()

    def still_key(self, frame: Frame, v: P) -> Any:
        """Equal on two frames when this layer paints exactly the same pixels onto the same
        canvas (the compositor then reuses a snapshot of the layers below); None: it changes."""
        own = self.paint_key(frame, v)
        if own is None:
            return None
        blur = self.blur_radius(frame, v)
        return (own, v.blend, v.opacity, blur, self.quality, frame.grained, frame.camera_key)

    def blur_radius(self, frame: Frame, v: P) -> float:
        """How blurred the layer is, px: the lens's blur at its depth and its own ``blur``."""
        return quantise(frame.defocus(v.depth) + v.blur * self.unit)

    def paint(
        self,
        canvas: pygame.Surface,
        frame: Frame,
        underlay: tuple[int, int, int] | None = None,
        v: P | None = None,
    ) -> None:
        """Paint onto ``canvas``; ``underlay``: the colour to clear it to first, unless this
        layer is about to cover every pixel anyway (a full-frame clear costs 0.2 ms at 1080p).
        ``v``: the values at ``frame``, when the caller has them already."""
        v = self.values(frame) if v is None else v
        if underlay is not None and not self.covers(v):
            canvas.fill(underlay)
        self.below = canvas
        blur = 0.0 if self.blurs_itself else self.blur_radius(frame, v)
        if not self.direct:
            blend(canvas, self._image(frame, v, blur), v.blend, v.opacity)
        elif blur <= 0.5 and v.blend == self.native and v.opacity >= 1.0:
            self.draw_onto(canvas, frame, v)
        elif self.softens_canvas(frame, v):
            # out of focus: what lies behind is at least as far, so it softens with it. The
            # layer paints on the canvas itself (strips are encoded for it: drawn on an alpha
            # scratch, SDL re-encoded every strip, 150 ms a frame at 1080p). Only the rows it
            # covers, and as far above them as the blur reaches, are softened
            self.draw_onto(canvas, frame, v)
            top = max(0, self.top_row(frame, v) - math.ceil(3 * blur))
            part = canvas.subsurface(pygame.Rect(0, top, self.size[0], self.size[1] - top))
            part.blit(soften(part, blur), (0, 0))
        else:
            alpha = self.native == "normal"
            layer = scratch(self.size, "direct", alpha)
            layer.fill((0, 0, 0, 0))
            self.draw_onto(layer, frame, v)
            if alpha and blur > 0.5 and v.blend == "normal" and v.opacity >= 1.0:
                # softened premultiplied, so what is clear around a shape does not darken its
                # edges (a straight-alpha average mixes in the black of empty pixels)
                soft = soften(layer.premul_alpha(), blur)
                canvas.blit(soft, (0, 0), special_flags=pygame.BLEND_PREMULTIPLIED)
            else:
                blend(canvas, soften(layer, blur), v.blend, v.opacity)

    def top_row(self, frame: Frame, v: P) -> int:
        """The highest row this layer paints on (0: it may paint anywhere): a layer softened
        on the canvas softens only from a little above it down."""
        return 0

    def softens_canvas(self, frame: Frame, v: P) -> bool:
        """Whether painting softens the whole canvas after drawing (a layer out of focus behind
        the focal plane, drawn straight onto the canvas: what lies behind it is at least as far,
        so it softens with it). Without a lens, ``blur`` softens what lies behind as well."""
        if not self.direct or self.blurs_itself or self.blur_radius(frame, v) <= 0.5:
            return False
        behind = frame.optics is None or frame.optics.behind(v.depth)
        return behind and v.blend == "normal" == self.native and v.opacity >= 1.0

    def discs(self, frame: Frame, v: P) -> Lights | None:
        """The lights the lens turns into discs for this layer now (None without a lens)."""
        if frame.optics is None or frame.optics.bokeh <= 0:
            return None
        return self.lights(frame, v)

    def covers(self, v: P) -> bool:
        """Whether painting with values ``v`` hides everything below."""
        return self.opaque and v.blend == "normal" and v.opacity >= 1.0

    def _image(self, frame: Frame, v: P, blur: float = 0.0) -> pygame.Surface:
        # dithering is left to the grain when there is enough of it, and below full quality it is
        # the first thing to go; either way it is part of what the cached image depends on
        dither = self.dither and self.quality >= 1.0 and not frame.grained
        # an image drawn small is already as soft as its pixels, and a layer with no detail
        # (fog) as soft as ``softness`` says: a blur within that costs nothing
        own = max(0.5 / max(self.scale * self.quality, 1e-3), self.softness * self.unit)
        blur = blur if blur > own else 0.0
        key = self.cache_key(frame, v)
        if key is not None:
            key = (key, dither, blur)
        if key is not None and self._cached is not None and self._cached[0] == key:
            return self._cached[1]
        image = self.draw(frame, v)
        if isinstance(image, np.ndarray):
            image = soft_upscale(image, self.size, dither)
        elif image.get_size() != self.size:
            image = pygame.transform.smoothscale(image, self.size)
        if blur > 0.5:
            image = soften(image, blur)  # a new surface: the cache keeps it
        self._cached = (key, image) if key is not None else None
        return image

    @classmethod
    def summary(cls) -> str:
        return summary_of(cls)


def soft_upscale(planes: np.ndarray, size: tuple[int, int], dither: bool = True) -> pygame.Surface:
    """Scale a small float image (3 or 4 planes of 0..255) up to ``size``."""
    if planes.shape[0] == 3:
        if dither:
            return upscale_dithered(planes, size)
        return pygame.transform.smoothscale(planes_to_surface(planes), size)
    # in the canvas's own byte order (BGRA in memory is ARGB8888, the canvas's XRGB with alpha):
    # an RGBA-ordered layer took SDL's generic blit (apartment-night's window: 38.6 ms a 1080p
    # frame, 1.3 ms in this order, measured)
    bgra = np.clip(planes[[2, 1, 0, 3]], 0, 255).astype(np.uint8).transpose(1, 2, 0)
    h, w = bgra.shape[:2]
    small = pygame.image.frombuffer(np.ascontiguousarray(bgra).tobytes(), (w, h), "BGRA")
    return pygame.transform.smoothscale(small, size)
