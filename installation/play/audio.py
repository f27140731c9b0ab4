"""Live sound for the player: one pyo server, one graph per playing scene, crossfades.

pyo allows a single server per process, so every scene plays on the same one; each has its own
fader. Loudness calibration needs an offline server of its own and runs in a spawned process;
its results are cached on disk by scene content, so a restarted exhibit starts at the right
level at once. No device: the player says so once, plays picture only, and looks for a device
again every 30 seconds.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from installation.scene.models import Scene
from installation.sound import engine
from installation.sound.loudness import scene_key

if TYPE_CHECKING:
    import pyo

    from installation.sound.graph import SoundGraph

__all__ = ["AudioSlot", "LiveAudio"]

log = logging.getLogger("installation.audio")

RETRY_SECONDS = 30.0


def _calibrate_file(path: str) -> float:
    """Run in a child process: load and calibrate one scene file."""
    from installation.scene.loader import load_scene
    from installation.sound.loudness import calibrate

    return calibrate(load_scene(path))


class AudioSlot:
    """One scene's sound on the live server; its clock is the sample clock."""

    def __init__(self, graph: SoundGraph, fader: pyo.SigTo, block: float):
        self.graph = graph
        self.fader = fader
        self.block = block
        self.time = 0.0
        self.stamp = time.monotonic()
        self.paused = False
        self.alive = True

    def tick(self) -> None:  # audio thread
        if self.paused or not self.alive:
            return
        t0 = self.time
        self.time += self.block
        self.stamp = time.monotonic()
        self.graph.tick(t0, self.time)

    def now(self) -> float:
        """Sample-clock time, interpolated between buffers for smooth picture motion."""
        if self.paused:
            return self.time
        return self.time + min(time.monotonic() - self.stamp, 2 * self.block)

    def features(self) -> dict[str, dict[str, float]]:
        return self.graph.features()

    def fade_to(self, level: float, seconds: float) -> None:
        self.fader.setTime(max(seconds, 0.01))
        self.fader.value = level

    def set_gain(self, gain_db: float) -> None:
        self.graph.master.gain_db = gain_db


class LiveAudio:
    def __init__(self, enabled: bool, device: str | int | None, volume_db: float, state_dir: Path):
        self.enabled = enabled
        self.device = device
        self.volume_db = volume_db
        self.server = None
        self.slots: list[AudioSlot] = []
        self.reason = "starting"
        self._pattern = None
        self._lock = threading.Lock()
        self._last_try = -RETRY_SECONDS
        self._cache_path = state_dir / "loudness.json"
        self._gains = self._read_cache()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[str, Future] = {}
        self.retry(force=True)

    # -- device -------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.server is not None

    def retry(self, force: bool = False) -> bool:
        """Open the device if there is none yet; at most every 30 s. True when newly opened."""
        if self.server is not None or not self.enabled:
            if not self.enabled:
                self.reason = "sound switched off (--no-audio)"
            return False
        now = time.monotonic()
        if not force and now - self._last_try < RETRY_SECONDS:
            return False
        self._last_try = now
        found = engine.find_output(self.device)
        if found is None:
            reason = (
                f"no audio output device matching '{self.device}'"
                if self.device is not None
                else "no audio output device"
            )
            if reason != self.reason:
                log.warning(
                    "sound: %s; playing picture only, retrying every %.0f s", reason, RETRY_SECONDS
                )
            self.reason = reason
            return False
        import pyo

        server = pyo.Server(sr=engine.SAMPLE_RATE, nchnls=2, buffersize=512, duplex=0)
        server.setVerbosity(1)
        server.setOutputDevice(found.index)
        server.boot()
        server.start()
        self.server = server
        self._pattern = pyo.Pattern(self._tick, time=512 / engine.SAMPLE_RATE).play()
        self.reason = f"playing on '{found.name}'"
        log.info("sound: %s", self.reason)
        return True

    def check_device(self) -> None:
        """Lost device: if ours has vanished from the list, close and go back to retrying."""
        if self.server is None or self.device is None:
            return
        if engine.find_output(self.device) is None:
            log.error("sound: the device '%s' is gone; picture goes on, retrying", self.device)
            self._close_server()

    def _tick(self) -> None:  # audio thread, once per buffer
        with self._lock:
            slots = list(self.slots)
        for slot in slots:
            slot.tick()

    # -- scenes -------------------------------------------------------------------------------
    def add(
        self, scene: Scene, fade_in: float, start: float = 0.0, level: float = 1.0
    ) -> AudioSlot | None:
        """Start a scene's sound at scene time ``start``, fading in to ``level``; None when
        silent. The player then moves the level with the schedule's weight, frame by frame."""
        if self.server is None or scene.sound is None:
            return None
        import pyo

        from installation.sound.graph import SoundGraph

        gain = self.gain_for(scene)
        graph = SoundGraph(scene, engine.SAMPLE_RATE, gain)
        graph.master.volume_offset = self.volume_db
        fader = pyo.SigTo(0.0, time=max(fade_in, 0.01), init=0.0)
        out = (graph.output * fader).out()
        slot = AudioSlot(graph, fader, 512 / engine.SAMPLE_RATE)
        slot.out = out  # keep the output object alive
        slot.time = start
        fader.value = level
        with self._lock:
            self.slots.append(slot)
        return slot

    def remove(self, slot: AudioSlot | None) -> None:
        if slot is None:
            return
        slot.alive = False
        with self._lock:
            if slot in self.slots:
                self.slots.remove(slot)
        slot.out.stop()

    def set_volume(self, db: float) -> None:
        self.volume_db = db
        for slot in self.slots:
            slot.graph.master.volume_offset = db

    # -- loudness -----------------------------------------------------------------------------
    def gain_for(self, scene: Scene) -> float:
        key = scene_key(scene)
        if key in self._gains:
            return self._gains[key]
        self._calibrate_later(scene, key)
        return 12.0  # a first guess (our scenes measure about -35 LUFS unscaled) until measured

    def _calibrate_later(self, scene: Scene, key: str) -> None:
        if key in self._pending or not Path(scene.path).is_file():
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        self._pending[key] = self._pool.submit(_calibrate_file, scene.path)

    def poll_calibrations(self) -> None:
        """Apply finished calibrations to the scenes playing now (the gain glides)."""
        for key, future in list(self._pending.items()):
            if not future.done():
                continue
            del self._pending[key]
            try:
                self._gains[key] = future.result()
            except Exception as err:  # a broken calibration must not stop the show
                log.error("sound: calibration failed: %s", err)
                continue
            self._write_cache()
            for slot in self.slots:
                if scene_key(slot.graph.scene) == key:
                    slot.set_gain(self._gains[key])
            log.info("sound: calibrated %s at %+.1f dB", key[:12], self._gains[key])

    def _read_cache(self) -> dict[str, float]:
        try:
            return {k: float(v) for k, v in json.loads(self._cache_path.read_text()).items()}
        except (OSError, ValueError):
            return {}

    def _write_cache(self) -> None:
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._gains, indent=1))
        os.replace(tmp, self._cache_path)

    # -- shutdown -----------------------------------------------------------------------------
    def fade_out(self, seconds: float) -> None:
        for slot in self.slots:
            slot.fade_to(0.0, seconds)

    def _close_server(self) -> None:
        if self._pattern is not None:
            self._pattern.stop()
        for slot in list(self.slots):
            self.remove(slot)
        if self.server is not None:
            self.server.stop()
            self.server.shutdown()
        self.server = None

    def close(self) -> None:
        self._close_server()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
