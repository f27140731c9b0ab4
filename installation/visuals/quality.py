"""Adaptive quality: hold a frame-time budget by lowering the internal scale of costly layers.

Only the real-time player uses this (renders must be identical run to run, so they never do).
It watches a smoothed frame time; over budget, it lowers the costliest adjustable layer one
step; when no layer has anything left to give, it rests the post effects marked ``expendable``
(a subtle one whose cost is in full-frame passes that no internal scale reduces, such as
chromatic aberration). With ample headroom for a while, it undoes the last change. Changes are
spaced out so the picture never pumps, and every change is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from installation.visuals.layer import Layer
from installation.visuals.post.base import PostEffect

__all__ = ["QualityGovernor", "describe_levels"]

log = logging.getLogger("installation.quality")

STEPS = (1.0, 0.75, 0.5, 0.35, 0.25)


class QualityGovernor:
    def __init__(
        self,
        layers: Sequence[Layer],
        budget_ms: float,
        effects: Sequence[PostEffect] = (),
        *,
        settle_frames: int = 20,
    ):
        self.layers = list(layers)
        self.effects = [e for e in effects if e.expendable]
        self.budget_ms = budget_ms
        self.settle_frames = settle_frames
        self.frame_ms = 0.0
        self.layer_ms = [0.0] * len(self.layers)
        self._since_change = 0
        self._lowered: list[Layer | PostEffect] = []  # most recent last

    def observe(self, frame_ms: float, layer_ms: Sequence[float]) -> None:
        """Feed one frame's total and per-layer times (milliseconds)."""
        a = 1.0 if self.frame_ms == 0 else 0.15  # the first frame starts the averages
        self.frame_ms = (1 - a) * self.frame_ms + a * frame_ms
        for i, ms in enumerate(layer_ms):
            self.layer_ms[i] = (1 - a) * self.layer_ms[i] + a * ms
        self._since_change += 1
        if self._since_change < self.settle_frames:
            return
        if self.frame_ms > self.budget_ms:
            self._lower()
        elif self.frame_ms < self.budget_ms * 0.7 and self._lowered:
            self._raise()

    def _adjustable(self, layer: Layer) -> bool:
        return layer.min_quality < 1.0 and layer.quality > layer.min_quality

    def _lower(self) -> None:
        # a layer costing under a millisecond has nothing to give back (a cached sky, say)
        candidates = [
            i
            for i, layer in enumerate(self.layers)
            if self._adjustable(layer) and self.layer_ms[i] > 1.0
        ]
        if not candidates:
            self._rest_an_effect()
            return
        i = max(candidates, key=lambda k: self.layer_ms[k])
        layer = self.layers[i]
        layer.quality = next((s for s in STEPS if s < layer.quality), layer.min_quality)
        layer.quality = max(layer.quality, layer.min_quality)
        self._lowered.append(layer)
        self._since_change = 0
        log.info(
            "quality: %s down to %.2f (frame %.1f ms > %.1f ms)",
            layer.name,
            layer.quality,
            self.frame_ms,
            self.budget_ms,
        )

    def _rest_an_effect(self) -> None:
        effect = next((e for e in self.effects if not e.resting and not e.off), None)
        if effect is None:
            return
        effect.resting = True
        self._lowered.append(effect)
        self._since_change = 0
        log.info(
            "quality: %s rests (frame %.1f ms > %.1f ms)",
            effect.name,
            self.frame_ms,
            self.budget_ms,
        )

    def _raise(self) -> None:
        part = self._lowered.pop()
        self._since_change = 0
        if isinstance(part, PostEffect):
            part.resting = False
            log.info("quality: %s back (frame %.1f ms)", part.name, self.frame_ms)
            return
        part.quality = next((s for s in reversed(STEPS) if s > part.quality), 1.0)
        log.info("quality: %s up to %.2f (frame %.1f ms)", part.name, part.quality, self.frame_ms)

    def levels(self) -> dict[str, float]:
        """Each layer's quality and each expendable effect's (1 on, 0 resting), by name."""
        levels = {f"{i}:{layer.name}": layer.quality for i, layer in enumerate(self.layers)}
        for effect in self.effects:
            levels[f"post:{effect.name}"] = 0.0 if effect.resting else 1.0
        return levels


def describe_levels(levels: dict[str, float]) -> str:
    """What adaptive quality has lowered, for people: ``"haze 0.5, chromatic-aberration rests"``
    (empty at full quality)."""
    parts = []
    for key, level in levels.items():
        if level >= 1.0:
            continue
        kind, name = key.split(":", 1)
        parts.append(f"{name} rests" if kind == "post" else f"{name} {level:g}")
    return ", ".join(parts)
