"""Small raster helpers shared by layers: numpy planes to surfaces, dithered upscaling."""

from __future__ import annotations

import functools
import threading

import numpy as np

from installation.lazy import pygame

__all__ = [
    "blur_margin",
    "blur_profile",
    "dither_surface",
    "dof_sigma",
    "new_surface",
    "planes_to_surface",
    "scratch",
    "soften",
    "upscale_dithered",
]

#: each thread's own: the player draws one scene while another is built and tried in a thread,
#: and two frames in one scratch surface would paint over each other
_SCRATCH = threading.local()


def scratch(size: tuple[int, int], slot: str, alpha: bool = False) -> pygame.Surface:
    """A reusable surface for intermediate results; contents are undefined on return.

    One per (size, slot) and thread: allocating full-size surfaces every frame costs time and
    churns memory over a months-long run.
    """
    surfaces: dict[tuple[tuple[int, int], str, bool], pygame.Surface] | None = getattr(
        _SCRATCH, "surfaces", None
    )
    if surfaces is None:
        surfaces = _SCRATCH.surfaces = {}
    key = (size, slot, alpha)
    surface = surfaces.get(key)
    if surface is None:
        if len(surfaces) > 64:  # sizes changed (resized window): start afresh
            surfaces.clear()
        surface = surfaces[key] = new_surface(size, alpha)
    return surface


def soften(surface: pygame.Surface, radius: float) -> pygame.Surface:
    """A cheap wide blur (for depth of field): scaled down by about twice the radius, then up.

    Down and up again is a box then a tent about ``factor`` pixels wide (``dof_sigma`` gives the
    sprite blur that looks the same). ``box_blur`` would cost 24 ms on a half-size 1080p surface
    (measured); the two smoothscales cost about 1.4 ms.
    """
    if radius <= 0.5:
        return surface
    w, h = surface.get_size()
    factor = min(32.0, max(2.0, 2.0 * radius))  # never 1: a full-size smoothscale is ~10 ms
    small = pygame.transform.smoothscale(
        surface, (max(1, round(w / factor)), max(1, round(h / factor)))
    )
    return pygame.transform.smoothscale(small, (w, h))


def blur_profile(profile: np.ndarray, sigma: float) -> np.ndarray:
    """A small 2-D array blurred by a Gaussian of ``sigma`` px, grown by ``blur_margin`` a side.

    For sprites: blurring the sprite once when it is made gives depth of field for free at draw
    time, where softening the whole layer costs a full-size scratch surface, two scalings and a
    blend every frame (about 2.5 ms at 1080p, measured with ``installation bench``).
    """
    pad = blur_margin(sigma)
    if pad == 0:
        return profile
    taps = np.arange(-pad, pad + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (taps / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(profile.astype(np.float32), pad)
    rows = np.apply_along_axis(np.convolve, 1, padded, kernel, mode="same")
    return np.apply_along_axis(np.convolve, 0, rows, kernel, mode="same")


def dof_sigma(radius: float) -> float:
    """The Gaussian sigma, in px, of a sprite blurred to look like ``soften(layer, radius)``.

    1.5 × the radius: the peaks of blurred bokeh and particles then come within 20% of those of
    the layer-wide blur at 3 to 12 px (measured at 640x360 and 1920x1080). Quartered so sprite
    caches see few distinct values.
    """
    return round(radius * 1.5 * 4) / 4


def blur_margin(sigma: float) -> int:
    """Pixels a sprite grows on each side when blurred by ``sigma`` (three sigmas)."""
    return 0 if sigma <= 0.5 else int(np.ceil(3.0 * sigma))


def new_surface(size: tuple[int, int], alpha: bool = False) -> pygame.Surface:
    """A surface in the canvas's own pixel format, so blits need no conversion."""
    return pygame.Surface(size, pygame.SRCALPHA if alpha else 0, 32)


def planes_to_surface(planes: np.ndarray) -> pygame.Surface:
    """A (3, h, w) array of 0..255 values to a 32-bit surface (values are truncated)."""
    p = np.clip(planes, 0, 255).astype(np.uint32)
    packed = (p[0] << 16) | (p[1] << 8) | p[2]
    surface = new_surface((packed.shape[1], packed.shape[0]))
    pygame.surfarray.blit_array(surface, packed.T)
    return surface


@functools.cache
def dither_surface(size: tuple[int, int]) -> pygame.Surface:
    """A fixed field of thresholds 0..254 (white noise, same on every run) for dithering."""
    w, h = size
    rng = np.random.default_rng(0x5EED)
    noise = rng.integers(0, 255, size=(h, w)).astype(np.float32)
    return planes_to_surface(np.stack([noise, noise, noise]))


def upscale_dithered(planes: np.ndarray, size: tuple[int, int]) -> pygame.Surface:
    """Scale a small float image up to ``size`` without 8-bit banding.

    The integer part and the fraction are scaled up separately; the fraction then decides,
    pixel by pixel against a fixed noise threshold, whether to add one level. The result keeps
    the float image's mean exactly where a plain 8-bit upscale would show steps.
    """
    planes = np.clip(planes, 0.0, 254.999)
    whole = np.floor(planes)
    hi = pygame.transform.smoothscale(planes_to_surface(whole), size)
    frac = pygame.transform.smoothscale(planes_to_surface((planes - whole) * 255.0), size)
    frac.blit(dither_surface(size), (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    frac.fill((254, 254, 254), special_flags=pygame.BLEND_RGB_SUB)  # 1 where saturated, else 0
    hi.blit(frac, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    return hi
