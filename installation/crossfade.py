"""The one crossfade law: equal power, for picture and sound, shows and loop seams alike.

Everything this engine cross-fades is *unrelated* material sample by sample: two scenes of a
show, or the same scene a loop apart (alike in level and colour, not in phase). The powers of
unrelated signals add, not their amplitudes, so the sound's gains are a quarter sine and
cosine: ``out² + in² = 1`` at every moment, and the level holds through the fade. Amplitudes
that add to one (a linear or smoothstep fade) dip by 3 dB in the middle, which a room hears.

The picture is a mix of light, where the shares themselves add: its weights are the powers,
``sin²`` and ``cos²`` of the same quarter turn, which sum to one at every moment and move as
smoothly (zero slope at both ends, like smoothstep).

``u`` runs from 0 (all outgoing) to 1 (all incoming).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["amplitude", "amplitudes", "share"]


def _clip(u: float) -> float:
    return 0.0 if u <= 0.0 else 1.0 if u >= 1.0 else u


def share(u: float) -> float:
    """The incoming side's share of the mix at ``u`` (its power, and its picture weight); the
    outgoing side's is ``1 - share(u)``, which is ``share(1 - u)``."""
    return math.sin(0.5 * math.pi * _clip(u)) ** 2


def amplitude(weight: float) -> float:
    """The sound gain of a side whose share of the mix is ``weight``: equal power."""
    return math.sqrt(max(0.0, min(1.0, weight)))


def amplitudes(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(outgoing, incoming) sample gains for an array of positions ``u`` in the fade."""
    angle = 0.5 * np.pi * np.clip(u, 0.0, 1.0)
    return np.cos(angle), np.sin(angle)
