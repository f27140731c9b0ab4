"""Colour grades from ``.cube`` files (the Adobe/Resolve 3D LUT format most grading tools write).

A 3D LUT maps every colour to another. Applied per pixel it costs about 95 ms a 1080p frame here
(Pillow's C filter, measured), ten times the frame budget; so ``grade`` follows the part of a LUT
its two full-frame fills can do exactly: per channel, ``out = in * gain + lift``, fitted by least
squares over the LUT's lattice. White balance, tints of shadows and highlights, exposure and
overall contrast come through; hue twists and S-curves do not, and ``fit_error`` says by how much
(``installation validate`` prints it). A free form, exact lookup is left out on purpose.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CubeFit", "fit_cube", "read_cube"]


@dataclass(frozen=True)
class CubeFit:
    gains: tuple[float, float, float]  # per channel, applied to 0..1 values
    lifts: tuple[float, float, float]  # per channel, in 0..255 units
    error: float  # mean absolute error of the fit over the lattice, in 0..255 levels
    title: str


def read_cube(path: str | Path) -> tuple[str, np.ndarray]:
    """(title, table) of a 3D ``.cube`` file: table (n, n, n, 3) indexed [b, g, r] in 0..1.
    ``ValueError`` with the line number for anything malformed."""
    title, size, lo, hi, rows = "", 0, np.zeros(3), np.ones(3), []
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        key = words[0].upper()
        try:
            if key == "TITLE":
                title = line.split(None, 1)[1].strip().strip('"') if len(words) > 1 else ""
            elif key == "LUT_3D_SIZE":
                size = int(words[1])
                if not 2 <= size <= 256:
                    raise ValueError(f"LUT_3D_SIZE {size} is outside 2..256")
            elif key == "LUT_1D_SIZE":
                raise ValueError("1D LUTs are not supported: export a 3D LUT (LUT_3D_SIZE)")
            elif key == "DOMAIN_MIN":
                lo = np.array([float(w) for w in words[1:4]])
            elif key == "DOMAIN_MAX":
                hi = np.array([float(w) for w in words[1:4]])
            elif key[0].isdigit() or key[0] in "-.+":
                rows.append([float(w) for w in words[:3]])
                if len(words) != 3:
                    raise ValueError("a row of the table has three numbers: r g b")
            # other keywords (LUT_IN_VIDEO_RANGE, comments of other tools) are ignored
        except (ValueError, IndexError) as err:
            raise ValueError(f"{path}:{number}: {err}") from None
    if not size:
        raise ValueError(f"{path}: no LUT_3D_SIZE line: not a 3D .cube file")
    if len(rows) != size**3:
        raise ValueError(f"{path}: {len(rows)} rows, but LUT_3D_SIZE {size} needs {size**3}")
    table = (np.array(rows) - lo) / np.where(hi > lo, hi - lo, 1.0)
    if not np.isfinite(table).all():
        raise ValueError(f"{path}: the table holds a number that is not finite")
    return title, table.reshape(size, size, size, 3)


@functools.lru_cache(maxsize=16)
def fit_cube(path: str) -> CubeFit:
    """The per-channel affine map nearest to the LUT at ``path`` (see the module's docstring)."""
    title, table = read_cube(path)
    n = table.shape[0]
    axis = np.linspace(0.0, 1.0, n)
    b, g, r = np.meshgrid(axis, axis, axis, indexing="ij")
    inputs = (r, g, b)
    gains, lifts, errors = [], [], []
    for c in range(3):
        x, y = inputs[c].ravel(), table[..., c].ravel()
        gain, lift = np.polyfit(x, y, 1)
        gains.append(float(gain))
        lifts.append(float(lift) * 255.0)
        errors.append(np.abs(gain * x + lift - y).mean() * 255.0)
    return CubeFit(
        (gains[0], gains[1], gains[2]),
        (lifts[0], lifts[1], lifts[2]),
        float(np.mean(errors)),
        title or Path(path).stem,
    )
