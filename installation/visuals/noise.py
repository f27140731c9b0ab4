"""Smooth 2-D value noise on numpy grids, seeded and periodic in x (so drifts can wrap)."""

from __future__ import annotations

import numpy as np

__all__ = ["ValueNoise2D"]


class ValueNoise2D:
    """Bilinear-smoothstep value noise over a random lattice of ``cells`` columns and rows."""

    def __init__(self, seed: int, cells: tuple[int, int] = (16, 8), octaves: int = 2):
        rng = np.random.default_rng(seed)
        self.grids = [
            rng.random((cells[1] * 2**o + 1, cells[0] * 2**o), dtype=np.float32)
            for o in range(octaves)
        ]
        self.cells = cells

    def grid(self, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
        """Noise on the grid ``vs`` × ``us`` (1-D coordinates): (len(vs), len(us)).

        Same values as :meth:`sample`, but bilinear interpolation on a regular grid is
        separable, so each octave is two small matrix products instead of four gathers.
        """
        total = np.zeros((len(vs), len(us)), dtype=np.float32)
        weight_sum = 0.0
        for o, grid in enumerate(self.grids):
            f = 2**o
            weight = 0.6**o
            rows, cols = grid.shape
            wy = _weights(np.clip(vs * f, 0, rows - 1.001), rows, wrap=False)
            wx = _weights(us * f, cols, wrap=True)
            total += weight * (wy @ grid @ wx.T)
            weight_sum += weight
        return total / weight_sum

    def sample(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Noise in [0, 1] at lattice coordinates: ``u`` wraps every ``cells[0]``, ``v`` in [0, cells[1]]."""
        total = np.zeros(np.broadcast_shapes(u.shape, v.shape), dtype=np.float32)
        weight_sum = 0.0
        for o, grid in enumerate(self.grids):
            f = 2**o
            weight = 0.6**o
            total += weight * _bilinear(grid, u * f, v * f)
            weight_sum += weight
        return total / weight_sum


def _bilinear(grid: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    rows, cols = grid.shape
    v = np.clip(v, 0, rows - 1.001)
    iu = np.floor(u).astype(np.int64)
    iv = np.floor(v).astype(np.int64)
    fu = u - iu
    fv = v - iv
    fu = fu * fu * (3 - 2 * fu)
    fv = fv * fv * (3 - 2 * fv)
    u0, u1 = iu % cols, (iu + 1) % cols
    top = grid[iv, u0] * (1 - fu) + grid[iv, u1] * fu
    bottom = grid[iv + 1, u0] * (1 - fu) + grid[iv + 1, u1] * fu
    return top * (1 - fv) + bottom * fv


def _weights(coords: np.ndarray, size: int, wrap: bool) -> np.ndarray:
    """(len(coords), size) matrix of smoothstep-bilinear weights onto lattice points."""
    i = np.floor(coords).astype(np.int64)
    f = (coords - i).astype(np.float32)
    f = f * f * (3 - 2 * f)
    out = np.zeros((len(coords), size), dtype=np.float32)
    rows = np.arange(len(coords))
    i0 = i % size if wrap else np.clip(i, 0, size - 1)
    i1 = (i + 1) % size if wrap else np.clip(i + 1, 0, size - 1)
    # two plain assignments, the second adding where both fall on one point (a clipped edge):
    # ``np.add.at`` did the same twenty times slower (the haze's whole frame, measured)
    out[rows, i0] = 1 - f
    out[rows, i1] += f
    return out
