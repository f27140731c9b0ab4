"""The camera at one frame: its lens (``Optics``), the key light and the air, from the scene's
``lens:``, ``light:`` and ``atmosphere:`` sections and what the sky is doing.

Everything here is worked out once per frame by the compositor and read by every layer through
``Frame``: a rim, a shadow and a fog all agree on where the light is and what the air is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from installation.scene.camera import AtmosphereParams, LensParams, LightParams
from installation.scene.models import Entry, Scene
from installation.scene.params import evaluate
from installation.scene.values import Moment
from installation.visuals.lens import Optics, optics_of

__all__ = ["Air", "Camera", "KeyLight"]

#: the air's colour when a scene names none and has no sky to take it from
AIR = (184, 169, 154)  # warm-grey


@dataclass(frozen=True)
class KeyLight:
    """Where the scene's light is (frame fractions, 0..1; it may lie outside the frame), how
    high over the ground (frame heights), its colour and its strength (0 when it has set)."""

    x: float
    y: float
    height: float
    colour: tuple[int, int, int]
    strength: float

    def side(self, x: float) -> float:
        """From a thing at ``x`` (a frame fraction): +1 when the light is to its right, -1 to
        its left, easing through 0 as the thing passes under it (a twentieth of the frame)."""
        return max(-1.0, min(1.0, (self.x - x) * 20.0))

    @property
    def key(self) -> tuple:
        return (round(self.x, 3), round(self.y, 3), round(self.height, 3), self.colour,
                round(self.strength, 2))  # fmt: skip


@dataclass(frozen=True)
class Air:
    """The atmosphere: things keep ``exp(-depth / visibility)`` of their own colour."""

    visibility: float
    colour: tuple[int, int, int]

    def amount(self, depth: float) -> float:
        """The share of the air's colour in a thing ``depth`` metres away."""
        return 1.0 - math.exp(-max(depth, 0.0) / max(self.visibility, 1e-3))


class Camera:
    """The scene's lens, light and atmosphere entries, evaluated one moment at a time."""

    def __init__(self, scene: Scene | None = None):
        self.lens: Entry | None = scene.lens if scene else None
        self.light: Entry | None = scene.light if scene else None
        self.atmosphere: Entry | None = scene.atmosphere if scene else None

    def optics(self, m: Moment, size: tuple[int, int]) -> Optics | None:
        if self.lens is None:
            return None
        params = self.lens.params
        assert isinstance(params, LensParams)
        return optics_of(evaluate(params, m, self.lens.tracks), size)

    def key_light(self, m: Moment, sky) -> KeyLight | None:
        """The light at ``m``; with ``sun`` and a sky's sun, the sun's place and halo, fading
        as it nears the horizon and gone once it has set."""
        if self.light is None:
            return None
        params = self.light.params
        assert isinstance(params, LightParams)
        v = evaluate(params, m, self.light.tracks)
        sun = sky.sun if (sky is not None and v.sun) else None
        if sun is None:
            return KeyLight(v.x, v.y, v.height, tuple(v.colour), v.strength)
        up = min(1.0, max(0.0, (sun.height + 0.04) / 0.08))
        colour = tuple(round((a + b) / 2) for a, b in zip(sun.halo, sun.colour, strict=True))
        return KeyLight(sun.x, sky.horizon - sun.height, max(sun.height, 0.0), colour,
                        v.strength * up * (0.4 + 0.6 * sun.glow))  # fmt: skip

    def air(self, m: Moment, sky) -> Air | None:
        """The air at ``m``: its visibility, and its colour (the sky's at the horizon unless the
        scene names one)."""
        if self.atmosphere is None:
            return None
        params = self.atmosphere.params
        assert isinstance(params, AtmosphereParams)
        v = evaluate(params, m, self.atmosphere.tracks)
        colour = v.colour if v.colour is not None else (sky.bottom if sky is not None else AIR)
        return Air(v.visibility, tuple(colour))

    def air_at_start(self) -> Air | None:
        """The air when the scene starts: what layers that bake their fades once are baked in."""
        return self.air(Moment(0.0), None)
