"""Where a picture goes in the frame: the ``rect``, ``fit``, ``crop`` and ``mask`` keys that the
``image`` and ``footage`` layers share, and the geometry and masks they are drawn with.

A placed picture (a photograph in a window, a clip in a pool) is ``crop`` (a region of the
source, fractions of its size) shown in ``rect`` (fractions of the frame) as ``fit`` says, its
outline cut by ``mask``: a named shape or a picture's luminance. Every number is a value like
any other (keys, LFOs, the timeline's ``set``: ``image.rect.x``), so a picture can slide, grow
or open up over time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import core_schema as cs

from installation.scene.assets import Asset
from installation.scene.errors import ItemError, item_path
from installation.scene.forms import show_raw
from installation.scene.params import Params, bounds_of
from installation.scene.values import Num

__all__ = [
    "SHAPES",
    "Crop",
    "Fit",
    "Mask",
    "MediaMask",
    "Placement",
    "Rect",
    "crop_field",
    "extent",
    "fills_frame",
    "fit_field",
    "is_whole",
    "mask_field",
    "place",
    "rect_field",
    "shape_alpha",
]

SHAPES = ("window", "circle", "rounded")
PICTURES = (".png", ".jpg", ".jpeg", ".webp")


class _Box(Params):
    """A rectangle ``[x, y, w, h]``: its top-left corner, width and height, in fractions."""

    x: float
    y: float
    w: float
    h: float

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, raw: Any) -> Any:
        """``[x, y, w, h]`` as the mapping it stands for; each item is a value of its own (a
        number or a modulation), checked here so that a mistake points at its item."""
        if isinstance(raw, dict | _Box):
            return raw
        if not isinstance(raw, list):
            raise ValueError(
                f"must be [x, y, w, h] or a mapping of x, y, w and h, got {show_raw(raw)}"
            )
        if len(raw) != 4:
            raise ValueError(f"must be [x, y, w, h]: four numbers, got {len(raw)} items")
        out = {}
        bounds = bounds_of(cls)
        for i, (name, item) in enumerate(zip("xywh", raw, strict=True)):
            b = bounds[name]
            try:
                out[name] = Num(b.lo, b.hi).validate(item)
            except ValueError as err:
                raise ItemError(f"{name}: {err}", (i, *item_path(err))) from None
        return out

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: cs.CoreSchema, handler: Any) -> dict[str, Any]:
        mapping = handler(schema)
        items = [_num_schema(cls, n) for n in "xywh"]
        listed = {"type": "array", "prefixItems": items, "minItems": 4, "maxItems": 4}
        return {"anyOf": [listed, mapping], "description": " ".join((cls.__doc__ or "").split())}

    def corners(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.w, self.h


def _num_schema(model: type[_Box], name: str) -> dict[str, Any]:
    b = bounds_of(model)[name]
    out: dict[str, Any] = Num(b.lo, b.hi).__get_pydantic_json_schema__(None, None)
    return out


class Rect(_Box):
    """Where the picture goes: ``[x, y, w, h]`` in fractions of the frame (``[0, 0, 1, 1]``
    fills it), or a mapping of the four."""

    x: Annotated[float, Num(-1, 2)] = Field(0.0, description="left edge, 0 left to 1 right")
    y: Annotated[float, Num(-1, 2)] = Field(0.0, description="top edge, 0 top to 1 bottom")
    w: Annotated[float, Num(0, 2)] = Field(1.0, description="width, in frame widths")
    h: Annotated[float, Num(0, 2)] = Field(1.0, description="height, in frame heights")


class Crop(_Box):
    """The part of the picture shown: ``[x, y, w, h]`` in fractions of the picture
    (``[0, 0, 1, 1]``: all of it), or a mapping of the four."""

    x: Annotated[float, Num(0, 1)] = Field(0.0, description="left edge, in picture widths")
    y: Annotated[float, Num(0, 1)] = Field(0.0, description="top edge, in picture heights")
    w: Annotated[float, Num(0, 1)] = Field(1.0, description="width, in picture widths")
    h: Annotated[float, Num(0, 1)] = Field(1.0, description="height, in picture heights")


class Mask(Params):
    """The outline of the placed picture: a shape (``window``, ``circle``, ``rounded``), or a
    picture whose luminance it takes (white shows, black hides), fitted to the placed picture."""

    shape: Literal["window", "circle", "rounded"] | None = Field(
        None,
        description="window: panes between bars; circle: the ellipse that fills the rect (round "
        "when the rect is square on screen); rounded: a rectangle with round corners",
    )
    file: Annotated[str, Asset(*PICTURES, what="a picture whose luminance is the mask")] | None = (
        Field(None, description="a picture whose luminance is the mask: white shows, black hides")
    )
    invert: bool = Field(False, description="show what the mask hides, and hide what it shows")
    feather: Annotated[float, Num(0, 0.5)] = Field(
        0.01, description="a shape's soft edge, in fractions of the picture's shorter side"
    )
    radius: Annotated[float, Num(0, 0.5)] = Field(
        0.12, description="corner radius (rounded, and each window pane), of its shorter side"
    )
    panes: list[int] = Field(
        [2, 2], min_length=2, max_length=2, description="a window's panes: [across, down]"
    )
    bars: Annotated[float, Num(0, 0.3)] = Field(
        0.04, description="a window's bars and frame, in fractions of the picture's shorter side"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, raw: Any) -> Any:
        """``mask: circle`` is a shape, ``mask: assets/images/pool.png`` a picture."""
        if isinstance(raw, str):
            return {"file": raw} if "." in raw or "/" in raw else {"shape": raw}
        return raw

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: cs.CoreSchema, handler: Any) -> dict[str, Any]:
        picture = r"^.+\.(" + "|".join(s[1:] for s in PICTURES) + ")$"
        words = [{"enum": list(SHAPES)}, {"type": "string", "pattern": picture}]
        return {
            "anyOf": [*words, handler(schema)],
            "description": " ".join((cls.__doc__ or "").split()),
        }

    @model_validator(mode="after")
    def _one_source(self) -> Mask:
        if (self.shape is None) == (self.file is None):
            raise ValueError(
                "give a mask a shape (window, circle, rounded) or a picture file, one of the two"
            )
        if not all(1 <= n <= 12 for n in self.panes):
            raise ItemError("a window has 1 to 12 panes each way", ("panes",))
        return self


def rect_field(layer: str) -> Any:
    return Field(
        default_factory=lambda: Rect.model_validate([0, 0, 1, 1]),
        description="where it goes: [x, y, w, h] in fractions of the frame; [0, 0, 1, 1] fills "
        f"it. Each of the four is a value (keys, LFOs, the timeline's {layer}.rect.x)",
    )


def crop_field() -> Any:
    return Field(
        default_factory=lambda: Crop.model_validate([0, 0, 1, 1]),
        description="the part of the picture used: [x, y, w, h] in fractions of the picture",
    )


def fit_field() -> Any:
    return Field(
        "cover",
        description="how the crop fills the rect: cover (all of the rect, trimming the "
        "picture), contain (all of the picture, inside the rect), stretch (both, distorted)",
    )


def mask_field() -> Any:
    return Field(
        None,
        description="its outline: window, circle or rounded (or {shape: ..., feather, radius, "
        "panes, bars}), or a picture file whose luminance shows it",
    )


Fit = Literal["cover", "contain", "stretch"]


def is_whole(rect: Rect, crop: Crop, fit: str, mask: Mask | None) -> bool:
    """Whether the whole picture fills the whole frame, as a picture did before it could be
    placed (that case is drawn as it always was, to the bit)."""
    full = (0.0, 0.0, 1.0, 1.0)
    return fit == "cover" and mask is None and rect.corners() == full == crop.corners()


def fills_frame(rect: Rect, fit: str, mask: Mask | None) -> bool:
    """Whether a picture placed so covers every pixel of the frame."""
    x, y, w, h = rect.corners()
    return mask is None and fit != "contain" and x <= 0 and y <= 0 and x + w >= 1 and y + h >= 1


@dataclass(frozen=True)
class Placement:
    """A picture placed: the part of the source shown (``view``, source pixels), and where it
    goes in the layer's image (``dest``, the layer's pixels); both (x, y, w, h)."""

    view: tuple[int, int, int, int]
    dest: tuple[int, int, int, int]


def place(
    source: tuple[int, int],
    size: tuple[int, int],
    rect: Rect,
    crop: Crop,
    fit: str,
    rostrum: Any,
) -> Placement | None:
    """Where a ``source``-sized picture goes in a ``size``-sized image; None when the rect is
    less than a pixel. ``rostrum(region, out)`` picks the part of a ``region``-sized picture to
    show in an ``out``-shaped place (the slow drift and zoom) as (x, y, w, h)."""
    sw, sh = source
    W, H = size
    x0, y0 = round(rect.x * W), round(rect.y * H)
    box = (x0, y0, round((rect.x + rect.w) * W) - x0, round((rect.y + rect.h) * H) - y0)
    if box[2] < 1 or box[3] < 1:
        return None
    cx, cy = min(sw - 1, round(crop.x * sw)), min(sh - 1, round(crop.y * sh))
    cw = max(1, min(sw - cx, round(crop.w * sw)))
    ch = max(1, min(sh - cy, round(crop.h * sh)))
    out = (box[2], box[3]) if fit == "cover" else (cw, ch)
    vx, vy, vw, vh = rostrum((cw, ch), out)
    view = (vx + cx, vy + cy, vw, vh)
    if fit != "contain":
        return Placement(view, box)
    scale = min(box[2] / vw, box[3] / vh)
    dw, dh = max(1, round(vw * scale)), max(1, round(vh * scale))
    return Placement(view, (box[0] + (box[2] - dw) // 2, box[1] + (box[3] - dh) // 2, dw, dh))


def extent(layer: Any) -> tuple[float, float]:
    """How many frame widths and heights the crop's smallest part is shown across at most over
    the scene (the largest rect over the smallest crop): what a picture is sized for."""

    def span(path: str) -> tuple[float, float]:
        if path in layer.tracks:
            low, high = layer.span_of(path)
            return low, high
        value: Any = layer.params
        for part in path.split("."):
            value = getattr(value, part)
        x = float(value.at(layer.clock.moment(0.0))) if hasattr(value, "at") else float(value)
        return x, x

    wide = span("rect.w")[1] / max(0.01, span("crop.w")[0])
    tall = span("rect.h")[1] / max(0.01, span("crop.h")[0])
    return wide, tall


# -- masks -------------------------------------------------------------------------------------
#: shape parameters are quantised to this step before a mask is drawn, so a keyed feather or
#: radius draws a few hundred masks over its ramp, not one a frame, and cached ones are reused
STEP = 1 / 512


def shape_key(mask: Mask, size: tuple[int, int]) -> tuple:
    """What a shape's mask at ``size`` depends on (equal keys, equal masks)."""
    q = lambda x: round(x / STEP)  # noqa: E731
    return (mask.shape, size, q(mask.feather), q(mask.radius), q(mask.bars),
            tuple(mask.panes), mask.invert)  # fmt: skip


@functools.lru_cache(maxsize=16)
def shape_alpha(key: tuple) -> np.ndarray:
    """A shape's mask (``shape_key``): (h, w) uint8, 255 where the picture shows. Its soft edge
    lies inside the shape, so nothing shows beyond the rect."""
    shape, (w, h), feather, radius, bars, panes, invert = key
    short = min(w, h)
    soft = max(0.75, feather * STEP * short)  # at least a pixel's antialiasing
    x = np.arange(w, dtype=np.float32)[None, :] + 0.5
    y = np.arange(h, dtype=np.float32)[:, None] + 0.5
    if shape == "circle":  # distance to the ellipse's edge, in pixels of the shorter half axis
        rx, ry = w / 2, h / 2
        d = (np.sqrt(((x - rx) / rx) ** 2 + ((y - ry) / ry) ** 2) - 1.0) * min(rx, ry)
    elif shape == "rounded":
        d = _rounded_box(x - w / 2, y - h / 2, w / 2, h / 2, radius * STEP * short)
    else:  # window: panes of glass between bars, inside a frame as wide as a bar
        bar = bars * STEP * short
        across, down = panes
        pw, ph = (
            max(1e-3, (w - (across + 1) * bar) / across),
            max(1e-3, (h - (down + 1) * bar) / down),
        )
        i = np.clip(np.floor((x - bar / 2) / (pw + bar)), 0, across - 1)
        j = np.clip(np.floor((y - bar / 2) / (ph + bar)), 0, down - 1)
        cx, cy = bar + i * (pw + bar) + pw / 2, bar + j * (ph + bar) + ph / 2
        d = _rounded_box(x - cx, y - cy, pw / 2, ph / 2, radius * STEP * min(pw, ph))
    alpha = np.clip(-d / soft, 0.0, 1.0)
    alpha = alpha * alpha * (3.0 - 2.0 * alpha)  # smoothstep: no visible edge to the feather
    if invert:
        alpha = 1.0 - alpha
    return np.asarray(np.rint(alpha * 255.0), dtype=np.uint8)


class PictureMask:
    """A mask picture's luminance, fitted (stretched) to each size it is asked for."""

    def __init__(self, path: str):
        from PIL import Image

        with Image.open(path) as opened:
            self.picture = opened.convert("L")
        self._last: tuple[tuple[int, int], bool, np.ndarray] | None = None

    def alpha(self, size: tuple[int, int], invert: bool) -> np.ndarray:
        """(h, w) uint8, 255 where the picture shows."""
        from PIL import Image

        if self._last is None or self._last[:2] != (size, invert):
            fitted = np.asarray(self.picture.resize(size, Image.Resampling.BILINEAR))
            self._last = (size, invert, 255 - fitted if invert else fitted.copy())
        return self._last[2]


def _rounded_box(px: np.ndarray, py: np.ndarray, hw: float, hh: float, r: float) -> np.ndarray:
    """Signed distance (pixels, negative inside) to a box of half sizes (hw, hh), corners
    rounded by ``r``, centred on the origin."""
    r = min(r, hw, hh)
    qx, qy = np.abs(px) - (hw - r), np.abs(py) - (hh - r)
    outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
    result: np.ndarray = outside + np.minimum(np.maximum(qx, qy), 0.0) - r
    return result


class MediaMask:
    """A layer's ``mask``: its picture loaded once; the alpha of each placement drawn."""

    def __init__(self, mask: Mask | None):
        self.picture = PictureMask(mask.file) if mask is not None and mask.file else None

    def key(self, mask: Mask | None, placed: Placement) -> tuple | None:
        """Equal for two placements whose masks are the same pixels."""
        size = placed.dest[2:]
        if mask is None:
            return None
        if mask.shape is None:
            return ("picture", size, mask.invert)
        return shape_key(mask, (size[0], size[1]))

    def alpha(self, mask: Mask | None, placed: Placement) -> np.ndarray | None:
        """(h, w) uint8 at the placement's size, 255 where the picture shows; None: all of it."""
        size = (placed.dest[2], placed.dest[3])
        if mask is None:
            return None
        if mask.shape is None:
            assert self.picture is not None, "a mask is a shape or a picture"
            return self.picture.alpha(size, mask.invert)
        return shape_alpha(shape_key(mask, size))
