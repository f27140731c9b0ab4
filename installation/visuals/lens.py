"""The lens: how far out of focus a thing at a depth is, and the disc it blurs a point into.

A thin lens focused at ``s`` metres draws a point at ``d`` metres as a disc, the circle of
confusion, of diameter ``f² / N · |1/d − 1/s|`` on the film (``f`` the focal length, ``N`` the
f-number): the blur grows with the difference of the inverse distances, so everything far off
shares nearly one blur while a thing close to the lens is far softer. The film frame is 24 mm
tall; a frame ``H`` pixels tall has ``H / 24 mm`` pixels to a millimetre of it.

The disc is the lens's kernel: a flat disc with a crisp edge and a slightly brighter rim (not a
Gaussian), narrowed toward the frame's corners into a cat's eye, where the lens barrel cuts the
aperture (``catseye``). ``disc_kernel`` draws it; ``disc_blur`` convolves an array with it (for
sprites and strips blurred once, when they are made, never per frame at full size).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.scene.camera import FILM_HEIGHT_MM

__all__ = ["Optics", "SoftImage", "disc_blur", "disc_kernel", "optics_of", "quantise"]

#: the least radius, in px, that is drawn as a blur at all (below it a point stays a point)
LEAST = 0.5
#: a near thing's blur steps by this ratio (``SoftImage``): finer than the eye sees in a pull
STEP = 1.06


def quantise(radius: float) -> float:
    """A blur radius in quarter pixels: a focus pull steps through a few dozen sprite sets."""
    return round(radius * 4) / 4


@dataclass(frozen=True)
class Optics:
    """The lens at one frame, in the pixels of that frame."""

    focus: float  # metres to the plane in focus
    #: blur radius in px per dioptre of defocus (``|1/d − 1/s|``)
    per_dioptre: float
    bokeh: float  # brightness of the discs lights become
    catseye: float
    size: tuple[int, int]

    def radius(self, depth: float) -> float:
        """The blur radius, px, of a thing ``depth`` metres away (0 on the focal plane)."""
        return self.per_dioptre * abs(1.0 / max(depth, 1e-3) - 1.0 / self.focus)

    def radii(self, depths: np.ndarray) -> np.ndarray:
        return self.per_dioptre * np.abs(1.0 / np.maximum(depths, 1e-3) - 1.0 / self.focus)

    def behind(self, depth: float) -> bool:
        """Whether ``depth`` lies beyond the focal plane."""
        return depth > self.focus

    @property
    def key(self) -> tuple:
        """What a picture drawn through this lens depends on (for caches and snapshots)."""
        return (round(self.focus, 3), round(self.per_dioptre, 3), self.bokeh, self.catseye)


def optics_of(lens, size: tuple[int, int]) -> Optics:
    """The lens values of a moment (``LensParams`` evaluated) for a frame of ``size``."""
    f = lens.focal / 1000.0  # metres
    per_mm = size[1] / FILM_HEIGHT_MM
    # diameter on film f²/N per dioptre, in mm, halved for a radius, in px
    per_dioptre = 0.5 * (f * f / lens.aperture) * 1000.0 * per_mm
    return Optics(float(lens.focus), per_dioptre, float(lens.bokeh), float(lens.catseye), size)


@functools.lru_cache(maxsize=256)
def disc_kernel(radius: float, squeeze: float = 0.0, angle: float = 0.0) -> np.ndarray:
    """A normalised disc of ``radius`` px (anti-aliased edge, rim a little brighter than the
    middle, as a real aperture's is). ``squeeze`` 0..1 cuts it into a cat's eye: the disc
    intersected with one of its own size moved ``squeeze`` radii along ``angle`` (radians), the
    direction from the frame's centre: narrow along it, long across it."""
    r = max(radius, 0.5)
    half = math.ceil(r) + 1
    c = np.arange(-half, half + 1, dtype=np.float32)
    xx, yy = np.meshgrid(c, c)
    edge = _coverage(np.sqrt(xx * xx + yy * yy), r)
    if squeeze > 0:
        dx, dy = math.cos(angle) * squeeze * r, math.sin(angle) * squeeze * r
        edge = np.minimum(edge, _coverage(np.sqrt((xx - dx) ** 2 + (yy - dy) ** 2), r))
        edge = np.roll(np.roll(edge, -round(dx / 2), axis=1), -round(dy / 2), axis=0)
    rim = 1.0 + 0.18 * np.clip(np.sqrt(xx * xx + yy * yy) / r, 0, 1) ** 4
    kernel = edge * rim
    return (kernel / max(float(kernel.sum()), 1e-6)).astype(np.float32)


def _coverage(d: np.ndarray, r: float) -> np.ndarray:
    """How much of each pixel a disc of radius ``r`` covers, from its centre's distance."""
    return np.clip(r + 0.5 - d, 0.0, 1.0)


def disc_blur(planes: np.ndarray, radius: float) -> np.ndarray:
    """``planes`` (..., h, w) convolved with the lens's disc of ``radius`` px, grown by the
    disc's reach on every side (so nothing is cut off). For things blurred once, when made."""
    if radius < LEAST:
        return planes
    kernel = disc_kernel(quantise(radius))
    pad = kernel.shape[0] // 2
    lead = planes.ndim - 2
    padded = np.pad(planes.astype(np.float32), [(0, 0)] * lead + [(pad, pad), (pad, pad)])
    return np.clip(_convolve(padded, kernel), 0.0, None)


def _fast(n: int) -> int:
    """The least length >= ``n`` whose only prime factors are 2, 3 and 5 (a fast FFT's)."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def _convolve(planes: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``planes`` (..., h, w) convolved with a small odd ``kernel``, the same size, by FFT (the
    frame's far side wraps into the padding ``disc_blur`` gave it, never into the picture)."""
    h, w = planes.shape[-2:]
    kh, kw = kernel.shape
    fh, fw = _fast(h + kh), _fast(w + kw)
    spectrum = np.fft.rfft2(planes, (fh, fw)) * np.fft.rfft2(kernel, (fh, fw))
    full = np.fft.irfft2(spectrum, (fh, fw))
    return full[..., kh // 2 : kh // 2 + h, kw // 2 : kw // 2 + w].astype(np.float32)


def disc_margin(radius: float) -> int:
    """Pixels a thing grows on each side when ``disc_blur`` blurs it by ``radius``."""
    return 0 if radius < LEAST else disc_kernel(quantise(radius)).shape[0] // 2


class SoftImage:
    """A sharp image with alpha (near things: a railing, a shoulder, branches) and its look
    through the lens at any blur: the disc blur is worked out at a reduced size (the disc about
    five pixels across there) and scaled up, and each radius is kept (small) once made, so a
    focus pull makes each step once and a still lens blits the same surface every frame.

    ``planes`` are (4, h, w): colour and alpha, 0..255, straight (not premultiplied). What
    ``at`` returns is premultiplied: blit it with ``pygame.BLEND_PREMULTIPLIED``.
    """

    def __init__(self, planes: np.ndarray):
        alpha = planes[3:4] / 255.0
        self.planes = np.concatenate([planes[:3] * alpha, planes[3:4]]).astype(np.float32)
        self.size = (planes.shape[2], planes.shape[1])
        self._small: dict[float, tuple[pygame.Surface, int]] = {}
        #: the radius asked for, the step drawn for it, the image and its tiles
        self._shown: tuple[float, float, pygame.Surface, list[pygame.Rect]] | None = None

    def at(self, radius: float) -> pygame.Surface:
        """The image blurred by ``radius`` px (steps of about 6%), full size, premultiplied."""
        asked = r = radius_step(radius)
        if self._shown is not None and self._shown[0] == asked:
            return self._shown[2]
        if r not in self._small:
            near = min(self._small, key=lambda k: abs(math.log(max(k, 0.1) / max(r, 0.1))),
                       default=None)  # fmt: skip
            if near is not None and near > 0 and r > 0 and max(near / r, r / near) < STEP**1.5:
                r = near  # a step prepared beside it: a blur 6% off is not to be seen
            else:
                self._small[r] = self._blurred(r)
        small, pad = self._small[r]
        w, h = self.size
        image = pygame.transform.smoothscale(small, (w + 2 * pad, h + 2 * pad))
        self._shown = (asked, r, image, _tiles(image))
        return image

    def prepare(self, radii) -> None:
        """Work out the small blurred image of each radius (in steps) ahead of time: a focus
        pull then costs an upscale a step, not a convolution."""
        steps = sorted(radius_step(radius) for radius in radii)
        for r in steps[::2] + steps[-1:]:  # every other step: ``at`` takes the one beside
            if r not in self._small:
                self._small[r] = self._blurred(r)

    def tiles(self, radius: float) -> list[pygame.Rect]:
        """The parts of ``at(radius)`` that hold anything: blitting only them, a frame-wide
        image that is mostly clear (a window's frame) costs what its frame costs."""
        self.at(radius)
        assert self._shown is not None
        return self._shown[3]

    def margin(self, radius: float) -> int:
        """How far the blurred image reaches beyond the sharp one on each side, px."""
        self.at(radius)
        return self._small[self._shown[1]][1] if self._shown else 0

    def _blurred(self, r: float) -> tuple[pygame.Surface, int]:
        from PIL import Image

        w, h = self.size
        # the disc is five pixels across where it is worked out; a sharp image stays as it is
        factor = max(1.5, r / 2.5) if r >= LEAST else 1.0
        sw, sh = max(2, round(w / factor)), max(2, round(h / factor))
        small = np.stack(
            [
                np.asarray(Image.fromarray(p).resize((sw, sh), Image.Resampling.BOX))
                for p in self.planes
            ]
        )
        blurred = disc_blur(small, r / factor) if r >= LEAST else small
        pad = (blurred.shape[2] - sw) // 2
        pad_full = round(pad * w / sw)
        # in the canvas's own byte order (BGRA in memory): SDL's fast blit, not its generic one
        bgra = np.clip(blurred[[2, 1, 0, 3]], 0, 255).astype(np.uint8).transpose(1, 2, 0)
        bh, bw = bgra.shape[:2]
        surface = pygame.image.frombuffer(np.ascontiguousarray(bgra).tobytes(), (bw, bh), "BGRA")
        return surface.copy(), pad_full


TILE = 64


def _tiles(image: pygame.Surface) -> list[pygame.Rect]:
    """The TILE-square pieces of a premultiplied image with any alpha in them, joined along
    each row of tiles where they touch."""
    alpha = pygame.surfarray.pixels_alpha(image)
    w, h = alpha.shape
    out = []
    for y in range(0, h, TILE):
        band = np.asarray(alpha[:, y : y + TILE].any(axis=1))
        cols = [bool(band[x : x + TILE].any()) for x in range(0, w, TILE)]
        x = 0
        while x < len(cols):
            if not cols[x]:
                x += 1
                continue
            start = x
            while x < len(cols) and cols[x]:
                x += 1
            rect = pygame.Rect(start * TILE, y, (x - start) * TILE, TILE)
            out.append(rect.clip(pygame.Rect(0, 0, w, h)))
    del alpha
    return out


def radius_step(radius: float) -> float:
    """A blur radius in steps of STEP (0 below LEAST): sprites are made once per step."""
    if radius < LEAST:
        return 0.0
    return round(STEP ** round(math.log(radius) / math.log(STEP)), 3)


@functools.lru_cache(maxsize=2048)
def blurred_sprite(sprite: pygame.Surface, radius: float) -> tuple[pygame.Surface, int]:
    """A sprite with per-pixel alpha seen through the lens: disc-blurred by ``radius`` px (give
    it ``radius_step``'s steps), premultiplied (blit with ``BLEND_PREMULTIPLIED``), and how far
    it grew on each side. Kept per sprite and step: a figure is blurred once per pose."""
    w = sprite.get_width()
    rgb = pygame.surfarray.array3d(sprite).astype(np.float32)
    alpha = pygame.surfarray.array_alpha(sprite).astype(np.float32)
    planes = np.concatenate([rgb * (alpha / 255.0)[:, :, None], alpha[:, :, None]], axis=2)
    planes = planes.transpose(2, 1, 0)  # (4, h, w)
    blurred = disc_blur(planes, radius) if radius >= LEAST else planes
    pad = (blurred.shape[2] - w) // 2
    bgra = np.clip(blurred[[2, 1, 0, 3]], 0, 255).astype(np.uint8).transpose(1, 2, 0)
    bh, bw = bgra.shape[:2]
    image = pygame.image.frombuffer(np.ascontiguousarray(bgra).tobytes(), (bw, bh), "BGRA")
    return image.copy(), pad
