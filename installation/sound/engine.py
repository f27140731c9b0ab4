"""Sound rendered offline: a manual pyo server advanced block by block, each frame given exactly
its own samples.

The server runs in blocks of BLOCK samples (a power of two: the convolution reverb computes
garbage with any other, measured) whatever the frame rate; samples made past a frame's end wait
for the next frame. Each video frame gets ``sr / fps`` samples and the features measured when
they were made, identical run to run for the same seed. Live sound for the player is ``installation.play.audio`` (its own
process, see there).
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections.abc import Iterator
from typing import Any, Self

os.environ.setdefault("PYO_GUI_WX", "0")  # no GUI toolkit warnings on import

import numpy as np

from installation.lazy import pyo
from installation.scene.models import Scene
from installation.scene.values import stable_seed
from installation.sound.graph import SoundGraph

__all__ = [
    "SAMPLE_RATE",
    "ManualServer",
    "OfflineMix",
    "OfflineSound",
    "samples_per_frame",
]

log = logging.getLogger("installation.sound")

SAMPLE_RATE = 48000
CHANNELS = 2
BLOCK = 512  # samples the score and the server advance at a time (as the live server)


def samples_per_frame(index: int, fps: float, sr: int = SAMPLE_RATE) -> int:
    """Samples that belong to video frame ``index``: exact over any number of frames."""
    return round((index + 1) * sr / fps) - round(index * sr / fps)


class ManualServer:
    """A pyo server advanced by hand, BLOCK samples at a time, its output block read in place.
    pyo has one server per process: close it before the next is made."""

    def __init__(self, sr: int = SAMPLE_RATE, seed: int | None = None):
        self.sr = sr
        self.server = pyo.Server(
            sr=sr, nchnls=CHANNELS, buffersize=BLOCK, duplex=0, audio="manual", winhost="none"
        )
        self.server.setVerbosity(1)
        self.server.boot()
        if seed is not None:
            self.server.setGlobalSeed(seed)
        self.server.start()
        address = int(self.server.getOutputAddr(), 16)
        self._buffer: ctypes.Array[ctypes.c_float] | None = (
            ctypes.c_float * (BLOCK * CHANNELS)
        ).from_address(address)

    def process(self) -> np.ndarray:
        """Make the next block: a (BLOCK, 2) view of the output, good until the next block."""
        assert self._buffer is not None, "the server is closed"
        self.server.process()
        return np.ctypeslib.as_array(self._buffer).reshape(BLOCK, CHANNELS)

    def close(self) -> None:
        self._buffer = None
        self.server.stop()
        self.server.shutdown()


class _WholeScene:
    """A scene as the only part of a mix: from time 0, always at full weight."""

    begin = 0.0

    def __init__(self, scene: Scene):
        self.scene = scene

    def weight(self, t: float) -> float:
        return 1.0


class OfflineMix:
    """Renders sound frame by frame on a manual pyo server: one graph per part, mixed.

    ``parts`` have ``.scene``, ``.begin`` (output time) and ``.weight(t)`` (0..1, the share of
    a crossfade); a graph is made when its part starts and freed when it ends. Each video
    frame gets exactly its own samples, and the features of each part's graph.
    """

    def __init__(self, parts: list, fps: float = 30.0, *, sr: int = SAMPLE_RATE, gain=None):
        self.parts, self.fps, self.sr = parts, fps, sr
        self.gain = gain or (lambda scene: 0.0)
        self.block = BLOCK
        seed = stable_seed(parts[0].scene.seed, "sound") % 2**31 or 1
        self.server: ManualServer | None = ManualServer(sr, seed)
        self.graphs: dict[int, tuple[SoundGraph, Any, Any]] = {}
        self.samples_done = 0  # handed out
        self.blocks_done = 0  # made (up to a block more than handed out)
        self._waiting = np.empty((0, CHANNELS), dtype=np.float32)

    @property
    def time(self) -> float:
        return self.samples_done / self.sr

    def _graph(self, index: int) -> tuple[SoundGraph, Any, Any]:
        if index not in self.graphs:
            scene = self.parts[index].scene
            graph = SoundGraph(scene, self.sr, self.gain(scene))
            fader = pyo.Sig(0.0)
            self.graphs[index] = (graph, fader, (graph.output * fader).out())
        return self.graphs[index]

    def advance(self, count: int) -> np.ndarray:
        """The next ``count`` samples as a (count, 2) float32 array."""
        out = np.empty((count, CHANNELS), dtype=np.float32)
        done = min(count, len(self._waiting))
        out[:done] = self._waiting[:done]
        self._waiting = self._waiting[done:]
        while done < count:
            view = self._process_block()
            take = min(self.block, count - done)
            out[done : done + take] = view[:take]
            if take < self.block:
                self._waiting = view[take:].copy()  # the start of the next frame
            done += take
        self.samples_done += count
        return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)

    def _process_block(self) -> np.ndarray:
        """Tick every sounding part's score over the next block, then make its samples (a view
        of the server's output, good until the next block)."""
        assert self.server is not None, "the mix is closed"
        t0 = self.blocks_done * self.block / self.sr
        t1 = t0 + self.block / self.sr
        live = set()
        for index, part in enumerate(self.parts):
            weight = part.weight(t0)
            if weight <= 0.0 or part.scene.sound is None:
                continue
            graph, fader, _ = self._graph(index)
            fader.value = weight
            graph.tick(t0 - part.begin, t1 - part.begin)
            live.add(index)
        for index in [k for k in self.graphs if k not in live]:
            graph, _, out = self.graphs.pop(index)  # the part has ended: free its graph
            out.stop()
            graph.release()
        self.blocks_done += 1
        return self.server.process()

    def mix_frame(self, index: int) -> tuple[np.ndarray, dict[int, dict[str, dict[str, float]]]]:
        """Video frame ``index``'s samples, and each sounding part's features."""
        samples = self.advance(samples_per_frame(index, self.fps, self.sr))
        return samples, {i: g[0].features() for i, g in self.graphs.items()}

    def skip_frames(self, count: int) -> None:
        """Render and drop the sound of the first ``count`` frames (a render from ``--start``)."""
        remaining = sum(samples_per_frame(i, self.fps, self.sr) for i in range(count))
        while remaining > 0:
            step = min(remaining, 48000)
            self.advance(step)
            remaining -= step

    def close(self) -> None:
        for _, _, out in self.graphs.values():
            out.stop()  # the graphs stay readable (tests read their score); the server goes
        self.graphs.clear()
        if self.server is not None:
            self.server.close()
            self.server = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OfflineSound(OfflineMix):
    """One scene's sound, offline: the mix of a single part at full weight."""

    def __init__(
        self, scene: Scene, fps: float = 30.0, *, sr: int = SAMPLE_RATE, gain_db: float = 0.0
    ):
        if scene.sound is None:
            raise ValueError(f"scene '{scene.id}' has no sound section")
        super().__init__([_WholeScene(scene)], fps, sr=sr, gain=lambda _: gain_db)
        self._graph(0)  # built now: its objects exist before the first sample
        self._kept: list[Any] = []

    @property
    def graph(self) -> SoundGraph:
        return self._graph(0)[0]

    def frame(self, index: int) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
        """The samples of video frame ``index`` (frames must be asked for in order)."""
        samples, features = self.mix_frame(index)
        return samples, features.get(0, {})

    def frames(self, count: int) -> Iterator[tuple[np.ndarray, dict[str, dict[str, float]]]]:
        for i in range(count):
            yield self.frame(i)

    def solo(self, name: str) -> None:
        """Silence every voice but ``name`` (its kind, or its id): it plays as it does in the
        mix (the same theme, harmony and room), alone. ``ValueError`` naming the voices if the
        scene has none of that name."""
        voices = self.graph.voices
        names = {v.address.removeprefix("sound.") for v in voices} | {type(v).name for v in voices}
        if name not in names:
            raise ValueError(f"no voice '{name}' in this scene ({', '.join(sorted(names))})")
        for voice in voices:
            if name not in (voice.address.removeprefix("sound."), type(voice).name):
                voice.output.mul = 0
                voice.send_output.mul = 0

    def mute_textures(self, muted: bool = True) -> None:
        """Silence the sounds of the place (rain, sea, wind, city, room, train): the
        instruments alone, as the spectrum is measured without them; or bring them back, over
        a second (a noise switched on at once would click)."""
        for voice in self.graph.voices:
            if voice.texture:
                gain = 0.0 if muted else pyo.SigTo(1.0, time=1.0, init=0.0)
                self._kept.append(gain)  # pyo objects live while Python holds them
                voice.output.mul = gain
                voice.send_output.mul = gain

    def render(self, seconds: float) -> np.ndarray:
        """``seconds`` of sound from the start, as one (n, 2) array."""
        count = round(seconds * self.fps)
        return np.concatenate([samples for samples, _ in self.frames(count)])
