"""Live sound for the player: a sound process, one graph per playing scene, crossfades.

The sound runs in a process of its own (``installation.play.sound_process``, which says why). This
side keeps the books: which scenes sound, at what level, and their loudness gains. When the sound
process ends (the device vanished, the sound server restarted) the player logs it once, plays the
picture on, and starts a new one every 20 seconds; once it plays, every scene's sound comes back
where the schedule is. Loudness calibration needs an offline server of its own and runs in a
spawned process; its results are cached on disk by scene content, so a restarted exhibit starts
at the right level at once.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import multiprocessing
import select
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from installation.play.monitor import cpu_seconds, write_atomically
from installation.play.sound_process import PROBE_SECONDS, SERVER_LATENCY_MS, serve
from installation.scene.models import Scene
from installation.sound.engine import SAMPLE_RATE
from installation.sound.loudness import scene_key

__all__ = ["AudioSlot", "LiveAudio"]

log = logging.getLogger("installation.audio")

RETRY_SECONDS = 20.0  # between attempts to start the sound while there is none
START_SECONDS = 30.0  # a sound process that has not said "playing" by then is given up
#: how far ahead of the speakers the sound process makes its sound (its server's buffer): the
#: score leads the picture by as much, so what is heard matches what is seen
LEAD = SERVER_LATENCY_MS / 1000.0
CPU_WINDOW = 30.0  # seconds over which the sound process's CPU share is measured
SILENT_SECONDS = 5.0  # a playing sound process reports 30 times a second; silence means stuck
#: a scene's graph being built (a first piano makes its notes, ~2 s; more on a slow machine) is
#: given this long before the sound process counts as hung
BUILD_SECONDS = 30.0


def _calibrate_file(path: str) -> float:
    """Run in a child process: load and calibrate one scene file."""
    from installation.scene.loader import load_scene
    from installation.sound.loudness import calibrate

    return calibrate(load_scene(path))


class AudioSlot:
    """One scene's sound in the sound process, seen from the player."""

    def __init__(self, audio: LiveAudio, slot_id: int, scene: Scene, generation: int):
        self.audio = audio
        self.id = slot_id
        self.scene = scene
        self.generation = generation  # which sound process it lives in

    def features(self) -> dict[str, dict[str, float]]:
        return self.audio.features_of(self)

    def fade_to(self, level: float, seconds: float) -> None:
        self.audio.send(self, "fade", self.id, level, seconds)

    def set_gain(self, gain_db: float) -> None:
        self.audio.send(self, "gain", self.id, gain_db)

    def pause(self, paused: bool) -> None:
        self.audio.send(self, "pause", self.id, paused)

    def sync(self, scene_time: float) -> None:
        """Keep the score on the picture's clock: ``scene_time`` is the scene's time now, and
        the sound being made now is heard ``LEAD`` later."""
        self.audio.send(self, "sync", self.id, scene_time + LEAD)


class LiveAudio:
    def __init__(self, enabled: bool, device: str | int | None, volume_db: float, state_dir: Path):
        self.enabled = enabled
        self.device = device
        self.volume_db = volume_db
        self.slots: list[AudioSlot] = []
        self.reason = "starting" if enabled else "sound switched off (--no-audio)"
        self.process: multiprocessing.process.BaseProcess | None = None
        self.playing = False
        self.generation = 0
        self.buffers = 0  # buffers the sound process has played (its sample clock)
        self.built = self.freed = 0  # scene graphs made and let go, over the whole run
        self._conn: Any = None
        self._started_at = 0.0
        self._heard_at = 0.0
        self._building = False  # it said it is building a graph, and has said nothing since
        self._waiting = False
        self._last_try = -RETRY_SECONDS
        self._features: dict[int, dict[str, dict[str, float]]] = {}
        self._ids = itertools.count(1)
        self._cpu = (time.monotonic(), 0.0)
        self.cpu_percent = 0.0  # the sound process's share of one core, over the last 30 s
        self._cache_path = state_dir / "loudness.json"
        self._gains = self._read_cache()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[str, Future] = {}
        self.retry(force=True)

    # -- the sound process --------------------------------------------------------------------
    def retry(self, force: bool = False) -> bool:
        """Read the sound process's news, start one when there is none (at most every 20 s).
        True once each time sound becomes available: the player then gives every scene its
        sound again."""
        if not self.enabled:
            return False
        became = self._receive()
        if self.process is None and (force or time.monotonic() - self._last_try >= RETRY_SECONDS):
            self._start()
        return became

    def _start(self) -> None:
        self._last_try = self._started_at = time.monotonic()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(child, self.device, self.volume_db, SAMPLE_RATE),
            name="installation-sound", daemon=True,
        )  # fmt: skip
        self.generation += 1
        try:
            self.process.start()
        except OSError as err:  # out of processes, memory or files: try again later
            self.process = None
            parent.close()
            self._say(f"cannot start the sound process ({err})", logging.ERROR)
            return
        finally:
            child.close()
        self._conn = parent
        self._heard_at = time.monotonic()
        self._waiting = False  # for a device, which the sound process looks for itself

    def _receive(self) -> bool:
        """Drain the pipe; notice a sound process that ended. True when it has just started."""
        if self._conn is None:
            return False
        became = False
        try:
            while self._conn is not None and self._conn.poll():
                kind, *args = self._conn.recv()
                self._heard_at = time.monotonic()
                self._building = kind == "building"
                if kind == "features":
                    self._features, self.buffers = args
                elif kind == "playing":
                    self.playing, became = True, True
                    assert self.process is not None  # it and the pipe come and go together
                    self._cpu = (time.monotonic(), cpu_seconds(self.process.pid))  # from now on
                    self._say(f"playing on '{args[0]}'", logging.INFO)
                    self.send(None, "volume", self.volume_db)  # it may have changed meanwhile
                elif kind == "failed":
                    self._failed(*args)
                elif kind == "absent":  # it waits and looks again by itself
                    self._waiting = True
                    self._say(f"{args[0]}; playing picture only, looking again every "
                              f"{PROBE_SECONDS:.0f} s", logging.WARNING)  # fmt: skip
                elif kind == "stalled":
                    self._lost(args[0])
        except (EOFError, OSError):
            self._lost(self._exit_reason())
        if self.process is None:
            pass
        elif not self.process.is_alive():
            self._lost(self._exit_reason())
        elif not self.playing and not self._waiting and self._late():
            self._lost("the sound process did not start")
        elif self.playing and time.monotonic() - self._heard_at > self._patience():
            self._lost(f"the sound process has not answered for {self._patience():g} s")
        self._measure_cpu()
        return became and self.playing

    def _patience(self) -> float:
        return BUILD_SECONDS if self._building else SILENT_SECONDS

    def _late(self) -> bool:
        return time.monotonic() - self._started_at > START_SECONDS

    def _failed(self, slot_id: int, why: str) -> None:
        """One scene's sound broke in the sound process: that scene goes silent, the rest plays."""
        for slot in [s for s in self.slots if s.id == slot_id]:
            self.slots.remove(slot)
            self.freed += 1
            slot.generation = -1  # its commands and features are dropped from now on
            log.error("sound: the sound of %s failed (%s); it plays silent", slot.scene.id, why)

    def _exit_reason(self) -> str:
        if self.process is not None:
            self.process.join(timeout=0.5)  # reaped, so that the exit status is known
        code = self.process.exitcode if self.process is not None else None
        if code is not None and code < 0:
            return f"the sound process was ended by signal {-code} (the device went away?)"
        return f"the sound process ended (exit status {code})"

    def _lost(self, reason: str) -> None:
        """Sound is gone: say why once, drop its books, and try again in 20 s."""
        was_playing = self.playing
        self.playing = False
        self._features = {}
        self.freed += len(self.slots)  # their graphs went with the process
        self.slots.clear()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.process is not None:
            if self.process.is_alive():  # stalled, late or not answering: no waiting on it
                self.process.kill()
            self.process.join(timeout=1.0)
            self.process = None
        level = logging.ERROR if was_playing else logging.WARNING
        self._say(f"{reason}; playing picture only, retrying every {RETRY_SECONDS:.0f} s", level)

    def _say(self, reason: str, level: int) -> None:
        if reason != self.reason:
            log.log(level, "sound: %s", reason)
        self.reason = reason

    def _measure_cpu(self) -> None:
        now = time.monotonic()
        if self.process is None or not self.playing or now - self._cpu[0] < CPU_WINDOW:
            return
        used = cpu_seconds(self.process.pid)
        self.cpu_percent = round(100.0 * (used - self._cpu[1]) / (now - self._cpu[0]), 1)
        self._cpu = (now, used)

    def send(self, slot: AudioSlot | None, *message: Any) -> None:
        """A command for the sound process; dropped when ``slot`` belongs to one that ended."""
        if self._conn is None or (slot is not None and slot.generation != self.generation):
            return
        # never block the picture on a sound process that has stopped reading: a full pipe
        # means it is stuck, and _receive ends it once it has been silent too long
        if not select.select([], [self._conn.fileno()], [], 0)[1]:
            return
        with contextlib.suppress(OSError, ValueError):  # it has ended: _receive will say so
            self._conn.send(message)

    def features_of(self, slot: AudioSlot) -> dict[str, dict[str, float]]:
        if slot.generation != self.generation:
            return {}
        return self._features.get(slot.id, {})

    # -- scenes -------------------------------------------------------------------------------
    def add(
        self, scene: Scene, fade_in: float, start: float = 0.0, level: float = 1.0
    ) -> AudioSlot | None:
        """Start a scene's sound at scene time ``start``, fading in to ``level``; None when
        silent. The player then moves the level with the schedule's weight, frame by frame."""
        if not self.playing or scene.sound is None:
            return None
        slot = AudioSlot(self, next(self._ids), scene, self.generation)
        self.send(slot, "add", slot.id, scene, fade_in, start, level, self.gain_for(scene))
        self.slots.append(slot)
        self.built += 1
        return slot

    def remove(self, slot: AudioSlot | None) -> None:
        if slot is None:
            return
        if slot in self.slots:
            self.slots.remove(slot)
            self.freed += 1
        self.send(slot, "remove", slot.id)

    def set_volume(self, db: float) -> None:
        self.volume_db = db
        self.send(None, "volume", db)

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
        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            self._pending[key] = self._pool.submit(_calibrate_file, scene.path)
        except (BrokenProcessPool, OSError, RuntimeError) as err:  # its worker died: a new one
            log.error("sound: calibration unavailable (%s); trying again with the next scene", err)
            self._pool = None

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
                if scene_key(slot.scene) == key:
                    slot.set_gain(self._gains[key])
            log.info("sound: calibrated %s at %+.1f dB", key[:12], self._gains[key])

    def _read_cache(self) -> dict[str, float]:
        """The cached gains; a missing, unreadable or corrupt cache is an empty one (each scene
        is measured again) and says so."""
        try:
            data = json.loads(self._cache_path.read_text())
            return {str(k): float(v) for k, v in data.items() if math.isfinite(float(v))}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, AttributeError) as err:
            log.warning("sound: loudness cache %s unreadable (%s); measuring again",
                        self._cache_path, err)  # fmt: skip
            return {}

    def _write_cache(self) -> None:
        try:
            write_atomically(self._cache_path, json.dumps(self._gains, indent=1))
        except OSError as err:
            log.warning("sound: cannot keep the loudness cache (%s); measured again next start",
                        err)  # fmt: skip

    # -- shutdown -----------------------------------------------------------------------------
    def fade_out(self, seconds: float) -> None:
        self.send(None, "fade_all", seconds)

    def close(self) -> None:
        self.send(None, "close")
        if self.process is not None:
            self.process.join(timeout=3.0)
            if self.process.is_alive():
                self.process.kill()
            self.process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.playing = False
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
