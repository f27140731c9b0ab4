"""Small raster helpers shared by layers: numpy planes to surfaces, dithered upscaling."""

from __future__ import annotations

import functools

import numpy as np
import pygame

__all__ = ["dither_surface", "new_surface", "planes_to_surface", "upscale_dithered"]


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
