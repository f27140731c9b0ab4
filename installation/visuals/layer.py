"""The Layer base class and its registry. One module in ``installation/visuals/layers/`` each."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar, Literal

import numpy as np
import pygame

from installation.registry import Registry
from installation.scene.params import Params, evaluate
from installation.scene.values import Num, stable_seed
from installation.visuals.blend import blend
from installation.visuals.frame import Frame
from installation.visuals.raster import new_surface, upscale_dithered

__all__ = ["LAYERS", "Layer", "LayerParams"]


class LayerParams(Params):
    """Keys every layer takes."""

    id: str | None = None
    blend: Literal["normal", "add", "screen", "multiply"] = "normal"
    opacity: Num(0, 1) = 1.0


class Layer:
    """A visual layer. Subclasses set ``Params`` and implement ``draw``.

    ``draw`` returns either a surface of ``internal_size`` (sharp layers, pygame primitives)
    or a float array (3, h, w) of 0..255 values (soft layers, numpy), which the base class
    scales up to the output with dithering so gradients do not band. Layers that blit sprites
    straight onto the canvas override ``paint`` instead.
    """

    name: ClassVar[str]
    Params: ClassVar[type[LayerParams]] = LayerParams
    #: fraction of the output size the layer draws at; soft layers draw small
    scale: ClassVar[float] = 1.0
    #: smallest internal scale adaptive quality may lower it to
    min_scale: ClassVar[float] = 1.0

    def __init__(
        self, params: LayerParams, size: tuple[int, int], seed: int, index: int, **scene: Any
    ):
        self.params = params
        self.size = size
        self.seed = stable_seed(seed, index, self.name)
        self.index = index
        self.tracks: dict[str, Any] = {}
        self.quality = 1.0  # multiplier on ``scale``, lowered by adaptive quality
        self.setup(**scene)

    # -- for subclasses -------------------------------------------------------------------
    def setup(self, **scene: Any) -> None:
        """Build what does not change from frame to frame (sprites, layouts)."""

    def draw(self, frame: Frame, v: SimpleNamespace) -> pygame.Surface | np.ndarray:
        raise NotImplementedError

    # -- used by the compositor -------------------------------------------------------------
    def rng(self, *salt: object) -> np.random.Generator:
        """A generator seeded by the scene's seed, this layer's index and ``salt``: no globals."""
        return np.random.default_rng(stable_seed(self.seed, *salt))

    @property
    def internal_size(self) -> tuple[int, int]:
        s = max(self.scale * self.quality, self.min_scale * self.scale, 1 / 16)
        return max(1, round(self.size[0] * s)), max(1, round(self.size[1] * s))

    def values(self, frame: Frame) -> SimpleNamespace:
        return evaluate(self.params, frame.moment, self.tracks)

    def paint(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        image = self.draw(frame, v)
        if isinstance(image, np.ndarray):
            image = upscale_dithered(image, self.size)
        elif image.get_size() != self.size:
            image = pygame.transform.smoothscale(image, self.size)
        blend(canvas, image, v.blend, v.opacity)

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


LAYERS: Registry[Layer] = Registry("layer", "installation.visuals.layers")


def layer_canvas(size: tuple[int, int], alpha: bool = False) -> pygame.Surface:
    """A blank surface for a layer to draw on (transparent when ``alpha``)."""
    return new_surface(size, alpha)
