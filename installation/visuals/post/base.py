"""Post effects: run over the whole composed frame in a fixed order (grain always last)."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from installation.lazy import pygame
from installation.registry import POST, summary_of
from installation.scene.params import Params, evaluate
from installation.scene.values import stable_seed
from installation.visuals.blend import blend
from installation.visuals.frame import Frame
from installation.visuals.motion import Moving
from installation.visuals.raster import scratch

__all__ = ["POST", "PostChain", "PostEffect"]


E = TypeVar("E", bound=Params)


class PostEffect(Moving, Generic[E]):
    """One effect. ``shorthand`` names the field a bare number sets (``grain: 0.03``).

    Effects that only add soft light (bloom, light leaks) set ``glows = True`` and implement
    ``glow``: they draw into one small shared buffer that the chain scales up and screens onto
    the frame once, instead of each paying for a full-size upscale and blend.
    """

    name: ClassVar[str]
    Params: ClassVar[type[Params]] = Params
    shorthand: ClassVar[str | None] = None
    #: position in the chain: lower runs first
    order: ClassVar[int] = 50
    #: adds soft light through the shared glow buffer (implements ``glow``, not ``apply``)
    glows: ClassVar[bool] = False
    #: adaptive quality may rest it when lowering layers was not enough (the player only)
    expendable: ClassVar[bool] = False

    def __init__(self, params: E, size: tuple[int, int], seed: int):
        self.params: E = params
        self.size = size
        self.seed = stable_seed(seed, "post", self.name)
        self.tracks: dict[str, Any] = {}
        self.off = False  # switched off by the player after it raised
        self.resting = False  # skipped for now by adaptive quality

    def values(self, frame: Frame) -> E:
        return evaluate(self.params, frame.moment, self.tracks)

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        raise NotImplementedError

    def hides_banding(self, frame: Frame) -> bool:
        """Whether this effect, at this frame, adds noise enough to hide 8-bit banding."""
        return False

    def glow(self, buffer: pygame.Surface, canvas: pygame.Surface, frame: Frame) -> None:
        """Add this effect's light to ``buffer`` (1/16 of the frame, black when first used)."""
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return summary_of(cls)


GLOW_DIVISOR = 16


class PostChain:
    """Runs effects in order; consecutive glow effects share one buffer and one upscale."""

    def __init__(self, effects: list[PostEffect], size: tuple[int, int]):
        self.effects = sorted(effects, key=lambda e: e.order)
        self.size = size
        self.buffer_size = (max(1, size[0] // GLOW_DIVISOR), max(1, size[1] // GLOW_DIVISOR))

    def hides_banding(self, frame: Frame) -> bool:
        """Whether the chain ends in grain that hides banding (layers then need not dither)."""
        return any(e.hides_banding(frame) for e in self.effects if not (e.off or e.resting))

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        buffer = None
        for effect in self.effects:
            if effect.off or effect.resting:
                continue
            self.failing = effect  # named in the log if it raises
            if effect.glows:
                if buffer is None:
                    buffer = scratch(self.buffer_size, "glow")
                    buffer.fill((0, 0, 0))
                effect.glow(buffer, canvas, frame)
                continue
            if buffer is not None:
                self._flush(canvas, buffer)
                buffer = None
            effect.apply(canvas, frame)
        if buffer is not None:
            self._flush(canvas, buffer)

    def _flush(self, canvas: pygame.Surface, buffer: pygame.Surface) -> None:
        # screen, not add: highlights roll off toward white, never clip
        light = pygame.transform.smoothscale(buffer, self.size, scratch(self.size, "glow-up"))
        blend(canvas, light, "screen", 1.0)
