"""Post effects: run over the whole composed frame in a fixed order (grain always last)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

import pygame

from installation.registry import Registry
from installation.scene.params import Params, evaluate
from installation.scene.values import stable_seed
from installation.visuals.frame import Frame

__all__ = ["POST", "PostEffect"]


class PostEffect:
    """One effect. ``shorthand`` names the field a bare number sets (``grain: 0.03``)."""

    name: ClassVar[str]
    Params: ClassVar[type[Params]] = Params
    shorthand: ClassVar[str | None] = None
    #: position in the chain: lower runs first
    order: ClassVar[int] = 50

    def __init__(self, params: Params, size: tuple[int, int], seed: int):
        self.params = params
        self.size = size
        self.seed = stable_seed(seed, "post", self.name)
        self.tracks: dict[str, Any] = {}

    def values(self, frame: Frame) -> SimpleNamespace:
        return evaluate(self.params, frame.moment, self.tracks)

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


POST: Registry[PostEffect] = Registry("post effect", "installation.visuals.post")
