"""The compositor: paints a scene's layers bottom to top, then runs the post chain."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace

from installation.lazy import pygame
from installation.scene.models import Scene
from installation.scene.palettes import parse_colour
from installation.visuals.camera import Camera
from installation.visuals.discs import Lights, draw_discs
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer
from installation.visuals.post.base import POST, PostChain, PostEffect
from installation.visuals.raster import new_surface

__all__ = ["Compositor"]

log = logging.getLogger("installation.visuals")

BACKGROUND = parse_colour("plum-night")  # under every layer: a warm dark, never black
FLOOR = (16, 10, 13)  # the lowest any channel may go: a very dark plum
#: the highest any channel may go: after the shoulder (``post.rolloff``) only grain reaches it
CEILING = (250, 250, 250)
#: post effects every frame has, with their defaults where a scene does not write them
ALWAYS = ("rolloff",)
#: the fewest still layers worth a snapshot: a lone sky reuses its own cached image already
SNAPSHOT_RUN = 2


class Compositor:
    """Turns (scene, t, audio features) into a frame. Same inputs, same pixels."""

    def __init__(self, scene: Scene, size: tuple[int, int], *, isolate: bool = False):
        """``isolate``: a layer or effect that raises is logged once and switched off (the
        player uses this so one bad plugin never stops an exhibit); renders let errors out."""
        self.isolate = isolate
        self.failed: list[str] = []
        self.scene = scene
        self.size = size
        self.canvas = new_surface(size)
        self.camera = Camera(scene)
        self.layers: list[Layer] = []
        for index, entry in enumerate(scene.layers):
            cls = LAYERS[entry.kind]
            layer = cls(
                entry.params,
                size,
                scene.seed,
                index,
                entry.tracks,
                scene.clock,
                self.canvas,
                address=entry.address,
                camera=self.camera,
            )
            self.layers.append(layer)
        self.effects: list[PostEffect] = []
        for entry in scene.post:
            effect = POST[entry.kind](entry.params, size, scene.seed)
            effect.tracks = entry.tracks
            self.effects.append(effect)
        if not any(e.name in ALWAYS for e in self.effects):  # film's shoulder: every frame has it
            for name in ALWAYS:
                cls = POST[name]
                self.effects.append(cls(cls.Params(), size, scene.seed))
        self.post = PostChain(self.effects, size)
        #: channels are capped at CEILING unless the scene lets its shoulder reach full white
        self.ceiling = all(
            getattr(e.params, "white", 0.0) < 1.0 for e in self.effects if e.name == "rolloff"
        )
        #: milliseconds each layer took in the last frame, for the quality governor
        self.layer_ms = [0.0] * len(self.layers)
        # the canvas after the bottom run of still layers, and their keys when it was taken
        self._snapshot: pygame.Surface | None = None
        self._snapshot_keys: list = []
        #: the first still layer whose discs were still waiting when the snapshot was taken
        self._snapshot_pending = 0
        self._sky: Layer | None = None  # the layer whose values are the frame's sky

    def frame(self, t: float, features: Mapping[str, Mapping[str, float]] | None = None) -> Frame:
        moment = self.scene.clock.moment(t, features)
        frame = Frame(moment, self.size, self.scene.clock, self.scene.palette)
        # the first layer that says it is the sky (``gives_sky``) lights what lies under it
        sky = self._sky = next((la for la in self.layers if la.gives_sky and not la.off), None)
        sky_values = sky.values(frame) if sky is not None else None
        camera = self.camera
        return replace(
            frame,
            grained=self.post.hides_banding(frame),
            sky=sky_values,
            optics=camera.optics(moment, self.size),
            light=camera.key_light(moment, sky_values),
            air=camera.air(moment, sky_values),
        )

    def _values(self, layer: Layer, frame: Frame):
        """A layer's values at ``frame``; the sky's are already there (``Frame.sky``)."""
        if layer is self._sky and frame.sky is not None:
            return frame.sky
        return layer.values(frame)

    def render(
        self, t: float, features: Mapping[str, Mapping[str, float]] | None = None
    ) -> pygame.Surface:
        """The frame at ``t`` seconds. The returned surface is reused by the next call."""
        frame = self.frame(t, features)
        canvas = self.canvas
        underlay: tuple[int, int, int] | None = BACKGROUND  # the first layer paints it, if needed
        timings = self.layer_ms
        keys, values = self._still_keys(frame)
        reuse = len(keys) >= SNAPSHOT_RUN and keys == self._snapshot_keys
        # the discs of lights behind the focus wait until no later layer softens the canvas
        # (softened again, a disc would lose its edge): drawn before the next layer that does
        # not, or after the last
        pending: list[tuple[Layer, Lights]] = []
        if reuse and self._snapshot is not None:
            canvas.blit(self._snapshot, (0, 0))
            underlay = None
            for i in range(self._snapshot_pending, len(keys)):
                self._collect(pending, self.layers[i], frame, values[i])
        for i, layer in enumerate(self.layers):
            if layer.off:
                continue
            if reuse and i < len(keys):
                timings[i] = 0.0
                continue
            start = time.perf_counter()  # measured for adaptive quality; never drawn from
            try:
                v = values[i] if i < len(values) else layer.values(frame)
                if pending and not layer.softens_canvas(frame, v):
                    self._flush(pending, frame)
                layer.paint(canvas, frame, underlay, v)
                self._collect(pending, layer, frame, v)
            except Exception:
                if not self.isolate:
                    raise
                self._switch_off(layer, f"layer '{layer.name}' (#{i + 1})")
                if underlay is not None:
                    canvas.fill(underlay)
                keys = keys[:i]  # what is on the canvas is no longer what the keys describe
            underlay = None
            timings[i] = (time.perf_counter() - start) * 1000.0
            if not reuse and i == len(keys) - 1 and len(keys) >= SNAPSHOT_RUN:
                self._take_snapshot(keys, pending)
        if underlay is not None:  # no layer painted
            canvas.fill(underlay)
        self._flush(pending, frame)
        try:
            self.post.apply(canvas, frame)
        except Exception:
            if not self.isolate:
                raise
            self._switch_off(self.post.failing, f"post effect '{self.post.failing.name}'")
        # the darkest value of a frame is a warm dark, never #000, whatever grain subtracted; the
        # brightest never clips (the shoulder bends the light below this, grain may touch it)
        canvas.fill(FLOOR, special_flags=pygame.BLEND_RGB_MAX)
        if self.ceiling:
            canvas.fill(CEILING, special_flags=pygame.BLEND_RGB_MIN)
        return canvas

    def _collect(self, pending: list, layer: Layer, frame: Frame, v) -> None:
        lights = layer.discs(frame, v)
        if lights is not None and len(lights):
            pending.append((layer, lights))

    def _flush(self, pending: list, frame: Frame) -> None:
        for layer, lights in pending:
            try:
                draw_discs(self.canvas, lights, frame.optics)
            except Exception:
                if not self.isolate:
                    raise
                self._switch_off(layer, f"layer '{layer.name}' (its lights)")
        pending.clear()

    def _still_keys(self, frame: Frame) -> tuple[list, list]:
        """``still_key`` of each layer from the bottom up to the first that changes every frame
        (or cannot tell), and the values each was given, to paint with."""
        keys: list = []
        values: list = []
        for layer in self.layers:
            if layer.off:
                break
            try:
                v = self._values(layer, frame)
                key = layer.still_key(frame, v)
            except Exception:
                if not self.isolate:
                    raise
                break  # painting it will raise again and switch it off
            values.append(v)
            if key is None:
                break
            keys.append(key)
        return keys, values

    def _take_snapshot(self, keys: list, pending: list) -> None:
        """Keep the canvas after the still layers; the discs still waiting are not in it (the
        layers they come from are recorded, to be asked again when it is reused)."""
        if self._snapshot is None:
            self._snapshot = new_surface(self.size)
        self._snapshot.blit(self.canvas, (0, 0))
        self._snapshot_keys = keys
        waiting = {id(layer) for layer, _ in pending}
        self._snapshot_pending = next(
            (i for i, la in enumerate(self.layers[: len(keys)]) if id(la) in waiting), len(keys)
        )

    def _switch_off(self, part: Layer | PostEffect, what: str) -> None:
        part.off = True
        self.failed.append(what)
        log.exception("%s failed and is switched off; the rest plays on", what)
