"""What a layer sees when it paints one frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from installation.clock import Clock
from installation.scene.palettes import Colour
from installation.scene.values import Moment, fit_rate, fit_rates, loop_noise

__all__ = ["Frame"]


@dataclass(frozen=True)
class Frame:
    moment: Moment
    size: tuple[int, int]
    clock: Clock
    palette: tuple[Colour, ...]
    #: grain strong enough to hide 8-bit banding comes last in the post chain, so soft layers
    #: may skip their own dithering (a second upscale and three full-frame passes: os-logo's
    #: upscale fell from 3.8 to 1.4 ms at 1080p, measured)
    grained: bool = False
    #: the values of the scene's sky at this moment (its colours, its sun), or None: what the
    #: sky is doing lights what lies under it (the sea mirrors it, haze takes its colour)
    sky: Any = None
    #: the camera at this moment (``visuals.camera``), each None where the scene does not write
    #: it: the lens (``lens.Optics``), the key light (``KeyLight``) and the air (``Air``)
    optics: Any = None
    light: Any = None
    air: Any = None

    def defocus(self, depth: float) -> float:
        """The lens's blur radius, px, at ``depth`` metres (0 without a lens)."""
        return self.optics.radius(depth) if self.optics is not None else 0.0

    def fog(self, depth: float) -> float:
        """The share of the air's colour in a thing ``depth`` metres off (0 without air)."""
        return self.air.amount(depth) if self.air is not None else 0.0

    @property
    def camera_key(self) -> tuple:
        """What the camera adds to a picture: equal on two frames, it drew them alike."""
        return (
            self.optics.key if self.optics is not None else None,
            self.light.key if self.light is not None else None,
            self.air if self.air is not None else None,
        )

    @property
    def t(self) -> float:
        """The picture's time: seconds into the loop when the scene loops (see ``Moment``)."""
        return self.moment.t

    @property
    def loop(self) -> float | None:
        return self.moment.loop

    def since_cue(self, name: str) -> float:
        return self.clock.since_cue(name, self.moment.t)

    def cycles(self, rate: float) -> float:
        """How many cycles of something at ``rate`` per second have passed: in a loop, the
        rate is fitted so a whole number of cycles fills it (``sin(tau * cycles)`` is seamless)."""
        return self.moment.t * fit_rate(rate, self.loop)

    def cycles_each(self, rates: np.ndarray) -> np.ndarray:
        """:meth:`cycles` for many things at once (per-sprite twinkles and bobs)."""
        return self.moment.t * fit_rates(rates, self.loop)

    def epochs(self, rate: float, offsets: np.ndarray) -> np.ndarray:
        """Whole numbers that step ``rate`` times a second (one per thing, shifted by
        ``offsets``): states that hold a while, then change (a window lights, a glint shows).
        In a loop they count cycles of the fitted rate and wrap with it."""
        steps = np.floor(self.cycles(rate) + offsets).astype(np.int64)
        if self.loop:
            steps %= max(1, round(abs(rate) * self.loop))
        return steps

    def noise(self, seed: int, speed: float) -> float:
        """Smooth noise in [0, 1] wandering ``speed`` cells a second, seamless over a loop."""
        return loop_noise(seed, self.moment.t, speed, self.loop)
