"""Colour science the pictures are judged and mixed by: sRGB, CIELAB and OKLab.

CIELAB distance (dE 1976) is how the look is measured (how far a scene's light travels over its
loop); OKLab is how colours glide on the timeline, because a straight line there stays
perceptually even and keeps its hue (coral to violet passes through rose, not through grey).
"""

from __future__ import annotations

import numpy as np

__all__ = ["delta_e", "mean_lab", "mix_oklab", "oklab_to_srgb", "srgb_to_lab", "srgb_to_oklab"]

# sRGB (D65) to XYZ, and the D65 white CIELAB is relative to
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
)  # fmt: skip
_WHITE = np.array([0.95047, 1.0, 1.08883])

# Björn Ottosson's OKLab matrices (linear sRGB to LMS, LMS' to Lab)
_M1 = np.array(
    [[0.4122214708, 0.5363325363, 0.0514459929], [0.2119034982, 0.6806995451, 0.1073969566],
     [0.0883024619, 0.2817188376, 0.6299787005]]
)  # fmt: skip
_M2 = np.array(
    [[0.2104542553, 0.7936177850, -0.0040720468], [1.9779984951, -2.4285922050, 0.4505937099],
     [0.0259040371, 0.7827717662, -0.8086757660]]
)  # fmt: skip


def to_linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB in 0..255 to linear light in 0..1."""
    c = np.asarray(srgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    """Linear light in 0..1 to sRGB in 0..255 (floats, clipped)."""
    c = np.clip(linear, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def srgb_to_lab(srgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours in 0..255, shape (..., 3)."""
    xyz = to_linear(srgb) @ _RGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def mean_lab(pixels: np.ndarray) -> np.ndarray:
    """The mean CIELAB colour of an image (h, w, 3) of 0..255: what the eye averages it to."""
    return srgb_to_lab(pixels.reshape(-1, 3)).mean(axis=0)


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    """CIE 1976 colour difference: about 1 is just noticeable side by side, 10 plainly so."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


_M1_INV = np.linalg.inv(_M1)
_M2_INV = np.linalg.inv(_M2)


def srgb_to_oklab(srgb: np.ndarray) -> np.ndarray:
    lms = np.cbrt(to_linear(srgb) @ _M1.T)
    return lms @ _M2.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    lms = np.asarray(lab) @ _M2_INV.T
    return to_srgb((lms**3) @ _M1_INV.T)


def mix_oklab(a: tuple[float, ...], b: tuple[float, ...], u: float) -> tuple[float, float, float]:
    """The colour ``u`` of the way from ``a`` to ``b`` (sRGB 0..255), mixed in OKLab."""
    if u <= 0.0:
        return float(a[0]), float(a[1]), float(a[2])
    if u >= 1.0:
        return float(b[0]), float(b[1]), float(b[2])
    la, lb = srgb_to_oklab(np.array(a)), srgb_to_oklab(np.array(b))
    r, g, bl = oklab_to_srgb(la + (lb - la) * u)
    return float(r), float(g), float(bl)
