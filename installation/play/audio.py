"""Live sound for the player: a sound process, one graph per playing scene, crossfades.

The sound runs in a process of its own (``installation.play.sound_process``, which says why).
This side keeps the books: which scenes should sound (an :class:`AudioSlot` each), at what
level, paused or not, with what loudness gain. The books are the truth; the sound process is
brought to them:

* every scene is sent as its description (text and path), which the sound process loads itself;
* commands go through a :class:`~installation.play.channel.Channel`, which never drops one and
  never blocks a frame;
* every few seconds the player says which scenes should sound; the sound process removes the
  rest and names the ones it lacks, which are sent again;
* when the sound process ends (the device vanished, the sound server restarted, it stopped
  answering), the player says so once, plays the picture on, and starts a new one every 20
  seconds; once it plays, every scene's sound comes back where the schedule is.

A new version of a scene saved while it plays replaces the old one's sound only once it has been
built: if it cannot be, the last good sound plays on. Loudness gains come from the one loudness
cache (``installation.sound.loudness``); a scene not yet calibrated starts near the right level
and is calibrated in a spawned process, then glides there.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from installation.play.channel import Channel
from installation.play.monitor import cpu_seconds
from installation.play.sound_process import PROBE_SECONDS, SERVER_LATENCY_MS, serve
from installation.scene.models import Scene
from installation.sound.engine import SAMPLE_RATE

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
SYNC_SECONDS = 5.0  # between telling the sound where each scene's picture is
RECONCILE_SECONDS = 2.0  # between telling the sound process which scenes should sound
FIRST_GAIN_DB = 12.0  # a first guess (our scenes measure about -35 LUFS unscaled) until measured


def _calibrate_file(conn: Any, path: str, source: str) -> None:
    """Run in a child process: load and calibrate one scene (it writes the one cache).

    At the lowest priority (nice 19): it renders the scene's whole form offline, about a minute
    of one core, and on an exhibit's two cores that minute is the picture's and the sound's to
    take first; it has only spare time to use."""
    from installation.scene.loader import parse_scene
    from installation.sound.loudness import calibrate

    with contextlib.suppress(OSError):
        os.nice(19 - os.nice(0))

    try:
        conn.send(("gain", calibrate(parse_scene(source, path))))
    except Exception as err:  # said by the player; the scene keeps its first guess
        conn.send(("failed", f"{type(err).__name__}: {err}"))


class Calibrator:
    """Loudness calibrations, one at a time, each in a spawned process (it renders the scene's
    loop offline: seconds to minutes of one core). Only scenes still playing are calibrated; a
    calibration under way when the player stops is ended with it."""

    def __init__(self) -> None:
        self.waiting: dict[str, Scene] = {}
        self.running: tuple[str, Any, Any] | None = None  # key, process, pipe

    def want(self, key: str, scene: Scene) -> None:
        if self.running is None or self.running[0] != key:
            self.waiting[key] = scene

    def keep(self, keys: set[str]) -> None:
        self.waiting = {k: v for k, v in self.waiting.items() if k in keys}

    def poll(self) -> list[tuple[str, float | str]]:
        """Finished calibrations: (key, gain in dB) or (key, why it failed)."""
        done: list[tuple[str, float | str]] = []
        if self.running is not None:
            key, process, conn = self.running
            if conn.poll():
                kind, value = conn.recv()
                done.append((key, value if kind == "gain" else str(value)))
                self._end()
            elif not process.is_alive():
                done.append((key, f"its process ended (exit status {process.exitcode})"))
                self._end()
        if self.running is None and self.waiting:
            key = next(iter(self.waiting))
            scene = self.waiting.pop(key)
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe(duplex=False)
            process = context.Process(target=_calibrate_file, args=(child, scene.path,
                                      scene.source), name="installation-calibrate", daemon=True)  # fmt: skip
            try:
                process.start()
            except OSError as err:  # out of processes or memory: tried again later
                done.append((key, f"cannot start ({err})"))
                self.waiting[key] = scene
                return done
            finally:
                child.close()
            self.running = (key, process, parent)
        return done

    def _end(self) -> None:
        if self.running is not None:
            _, process, conn = self.running
            if process.is_alive():
                process.kill()
            process.join(timeout=1.0)
            conn.close()
            self.running = None

    def close(self) -> None:
        self.waiting.clear()
        self._end()


def _key(scene: Scene) -> str:
    from installation.sound.loudness import scene_key

    return scene_key(scene)


class AudioSlot:
    """One scene's sound as the player wants it: the books the sound process is held to."""

    def __init__(self, audio: LiveAudio, slot_id: int, scene: Scene, clock: Callable[[], float]):
        self.audio = audio
        self.id = slot_id  # the version sounding (or to sound)
        self.scene = scene
        self.clock = clock  # the scene's time now, on the picture's clock
        self.level = 0.0
        self.paused = False
        self.fade_in = 1.0
        self.gain_db = audio.gain_for(scene)
        self.key = _key(scene)  # its loudness calibration's
        self.pending: tuple[int, Scene] | None = None  # a new version, until it is built
        self.failed: str | None = None  # why this version cannot sound

    def features(self) -> dict[str, dict[str, float]]:
        return self.audio.features.get(self.id, {})

    def fade_to(self, level: float, seconds: float) -> None:
        self.level = level
        self.audio.put("fade", self.id, level, seconds, latest=("fade", self.id))

    def set_gain(self, gain_db: float) -> None:
        self.gain_db = gain_db
        self.audio.put("gain", self.id, gain_db, latest=("gain", self.id))

    def pause(self, paused: bool) -> None:
        self.paused = paused
        self.audio.put("pause", self.id, paused, latest=("pause", self.id))

    def sync(self) -> None:
        """Keep the score on the picture's clock: the sound made now is heard ``LEAD`` later."""
        self.audio.put("sync", self.id, self.clock() + LEAD, latest=("sync", self.id))


class LiveAudio:
    def __init__(
        self,
        enabled: bool,
        device: str | int | None,
        volume_db: float,
        timer: Callable[[], float],
        problem: Callable[[str], None] = lambda message: None,
    ):
        """``problem``: told of what an artist should see (a scene's sound that failed)."""
        self.enabled = enabled
        self.device = device
        self.volume_db = volume_db
        self.timer = timer
        self.problem = problem
        self.slots: list[AudioSlot] = []
        self.reason = "starting" if enabled else "sound switched off (--no-audio)"
        self.process: multiprocessing.process.BaseProcess | None = None
        self.playing = False
        self.generation = 0  # sound processes started
        self.buffers = 0  # buffers the sound process has played (its sample clock)
        self.underruns = 0  # the device's underruns (ALSA's count), over the whole run
        self._underruns_before = 0  # those of sound processes that have ended
        self.built = self.freed = 0  # scene graphs asked for and let go, over the whole run
        self.resent = 0  # scenes the sound process lacked and was sent again
        self.features: dict[int, dict[str, dict[str, float]]] = {}
        self._channel: Channel | None = None
        self._conn: Any = None
        self._started_at = 0.0
        self._heard_at = 0.0
        self._building = False  # it said it is building a graph, and has said nothing since
        self._waiting = False
        self._last_try = -RETRY_SECONDS
        self._last_sync = self._last_want = timer()
        self._ids = itertools.count(1)
        self._cpu = (timer(), 0.0)
        self.cpu_percent = 0.0  # the sound process's share of one core, over the last 30 s
        self.calibrator = Calibrator()
        self.tick(force=True)

    # -- scenes -------------------------------------------------------------------------------
    def add(self, scene: Scene, clock: Callable[[], float], level: float = 0.0,
            fade_in: float = 1.0) -> AudioSlot | None:  # fmt: skip
        """Want ``scene``'s sound from its time ``clock()``, fading in to ``level``; None for a
        silent scene. The player then moves the level with the schedule, frame by frame."""
        if not self.enabled or scene.sound is None:
            return None
        slot = AudioSlot(self, next(self._ids), scene, clock)
        slot.level, slot.fade_in = level, fade_in
        self.slots.append(slot)
        self.built += 1
        self._send_add(slot)
        return slot

    def replace(self, slot: AudioSlot, scene: Scene) -> None:
        """A new version of ``slot``'s scene: it takes over once built; if it cannot be, the
        last good one sounds on."""
        if scene.sound is None:
            slot.failed = "the new version has no sound"
            self.put("remove", slot.id)
            return
        new_id = next(self._ids)
        slot.pending = (new_id, scene)
        self.built += 1
        self._send_add(slot, replacing=True)

    def remove(self, slot: AudioSlot | None) -> None:
        if slot is None or slot not in self.slots:
            return
        self.slots.remove(slot)
        self.freed += 1
        self.put("remove", slot.id)
        if slot.pending is not None:
            self.put("remove", slot.pending[0])

    def set_volume(self, db: float) -> None:
        self.volume_db = db
        self.put("volume", db, latest="volume")

    def put(self, *message: Any, latest: Any = None) -> None:
        """A command for the sound process (lost with it if it is not playing: the books hold
        what matters, and a new one is brought to them)."""
        if self._channel is not None and self.playing:
            self._channel.put(*message, latest=latest)

    def _send_add(self, slot: AudioSlot, replacing: bool = False) -> None:
        scene = slot.pending[1] if replacing and slot.pending else slot.scene
        slot_id = slot.pending[0] if replacing and slot.pending else slot.id
        replaces = slot.id if replacing else None
        gain = self.gain_for(scene)
        self.put("add", slot_id, scene.path, scene.source, slot.fade_in, slot.clock(),
                 slot.level, gain, replaces)  # fmt: skip
        if slot.paused:
            self.put("pause", slot_id, True, latest=("pause", slot_id))

    # -- the sound process --------------------------------------------------------------------
    def tick(self, force: bool = False) -> None:
        """Once a frame: read the sound process's news; start one when there is none (at most
        every 20 s); keep it to the books."""
        if not self.enabled:
            return
        self._receive()
        now = self.timer()
        if self.process is None and (force or now - self._last_try >= RETRY_SECONDS):
            self._start()
        if self.playing and now - self._last_want >= RECONCILE_SECONDS:
            self._last_want = now
            wanted = [s.id for s in self.slots] + [s.pending[0] for s in self.slots if s.pending]
            self.put("want", wanted, latest="want")
        if self.playing and now - self._last_sync >= SYNC_SECONDS:
            self._last_sync = now
            for slot in self.slots:
                if not slot.paused:
                    slot.sync()
        self._poll_calibrations()

    def _start(self) -> None:
        self._last_try = self._started_at = self.timer()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(child, self.device, self.volume_db, SAMPLE_RATE, os.getpid()),
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
        self._channel = Channel(parent)
        self._heard_at = self.timer()
        self._waiting = False  # for a device, which the sound process looks for itself

    def _receive(self) -> None:
        """Drain the pipe; notice a sound process that ended, hung or stopped reading."""
        if self._conn is None:
            return
        try:
            while self._conn is not None and self._conn.poll():
                self._heard(*self._conn.recv())
        except (EOFError, OSError):
            self._lost(self._exit_reason())
        if self.process is None:
            return
        now = self.timer()
        if not self.process.is_alive():
            self._lost(self._exit_reason())
        elif self._channel is not None and (self._channel.jammed or self._channel.broken):
            self._lost("the sound process stopped taking commands")
        elif not self.playing and not self._waiting and now - self._started_at > START_SECONDS:
            self._lost("the sound process did not start")
        elif self.playing and now - self._heard_at > self._patience():
            self._lost(f"the sound process has not answered for {self._patience():g} s")
        self._measure_cpu()

    def _heard(self, kind: str, *args: Any) -> None:
        self._heard_at = self.timer()
        self._building = kind == "building"
        if kind == "features":
            self.features, self.buffers, underruns = args
            self.underruns = self._underruns_before + underruns
        elif kind == "playing":
            self._playing(args[0])
        elif kind == "added":
            self._added(args[0])
        elif kind == "failed":
            self._failed(*args)
        elif kind == "missing":
            self._resend(args[0])
        elif kind == "absent":  # it waits and looks again by itself
            self._waiting = True
            self._say(f"{args[0]}; playing picture only, looking again every "
                      f"{PROBE_SECONDS:.0f} s", logging.WARNING)  # fmt: skip
        elif kind == "stalled":
            self._lost(args[0])

    def _playing(self, device: str) -> None:
        """A sound process plays: bring it to the books, every scene from where it is now."""
        self.playing = True
        assert self.process is not None  # it and the pipe come and go together
        self._cpu = (self.timer(), cpu_seconds(self.process.pid))  # from now on
        self._say(f"playing on '{device}'", logging.INFO)
        self.put("volume", self.volume_db, latest="volume")
        for slot in self.slots:
            slot.failed = None  # a new process: every scene may try again
            self._send_add(slot)
            if slot.pending is not None:
                self._send_add(slot, replacing=True)

    def _added(self, slot_id: int) -> None:
        for slot in self.slots:
            if slot.pending is not None and slot.pending[0] == slot_id:
                slot.id, slot.scene = slot.pending
                slot.key = _key(slot.scene)
                slot.pending = None

    def _failed(self, slot_id: int, why: str) -> None:
        """One scene's sound could not be built, or broke while playing: that scene is silent
        (or, for a new version, the last good one sounds on); the rest plays."""
        for slot in self.slots:
            if slot.pending is not None and slot.pending[0] == slot_id:
                slot.pending = None
                self.problem(f"{slot.scene.path}: the new version's sound failed ({why}); "
                             "the last good sound plays on")  # fmt: skip
            elif slot.id == slot_id and slot.failed is None:
                slot.failed = why
                self.problem(f"{slot.scene.path}: its sound failed ({why}); it plays silent")

    def _resend(self, missing: list[int]) -> None:
        """Scenes the sound process should have and lacks (a command lost with a process, a
        graph that raised): sent again, from where each is now."""
        for slot in self.slots:
            if slot.id in missing and slot.failed is None:
                log.warning("sound: %s was not sounding; sent again", slot.scene.id)
                self.resent += 1
                slot.fade_in = 0.5
                self._send_add(slot)
            elif slot.pending is not None and slot.pending[0] in missing:
                self._send_add(slot, replacing=True)

    def _patience(self) -> float:
        return BUILD_SECONDS if self._building else SILENT_SECONDS

    def _exit_reason(self) -> str:
        if self.process is not None:
            self.process.join(timeout=0.5)  # reaped, so that the exit status is known
        code = self.process.exitcode if self.process is not None else None
        if code is not None and code < 0:
            return f"the sound process was ended by signal {-code} (the device went away?)"
        return f"the sound process ended (exit status {code})"

    def _lost(self, reason: str) -> None:
        """Sound is gone: say why once, keep the books, and try again in 20 s."""
        was_playing = self.playing
        self.playing = False
        self.features = {}
        self._underruns_before = self.underruns
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.process is not None:
            if self.process.is_alive():  # stalled, late, jammed or not answering
                self.process.kill()
            self.process.join(timeout=1.0)
            self.process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        level = logging.ERROR if was_playing else logging.WARNING
        self._say(f"{reason}; playing picture only, retrying every {RETRY_SECONDS:.0f} s", level)

    def _say(self, reason: str, level: int) -> None:
        if reason != self.reason:
            log.log(level, "sound: %s", reason)
        self.reason = reason

    def _measure_cpu(self) -> None:
        now = self.timer()
        if self.process is None or not self.playing or now - self._cpu[0] < CPU_WINDOW:
            return
        used = cpu_seconds(self.process.pid)
        self.cpu_percent = round(100.0 * (used - self._cpu[1]) / (now - self._cpu[0]), 1)
        self._cpu = (now, used)

    # -- loudness -----------------------------------------------------------------------------
    def gain_for(self, scene: Scene) -> float:
        """The scene's calibrated gain from the one loudness cache, or a first guess while it
        is measured in the background."""
        from installation.sound.loudness import cached_gain, scene_key

        gain = cached_gain(scene)
        if gain is not None:
            return gain
        self._calibrate_later(scene, scene_key(scene))
        return FIRST_GAIN_DB

    def _calibrate_later(self, scene: Scene, key: str) -> None:
        if scene.source:
            self.calibrator.want(key, scene)

    def _poll_calibrations(self) -> None:
        """Apply finished calibrations to the scenes playing now (the gain glides)."""
        self.calibrator.keep({slot.key for slot in self.slots})
        for key, result in self.calibrator.poll():
            if isinstance(result, str):  # a broken calibration must not stop the show
                log.error("sound: calibration failed: %s", result)
                continue
            for slot in self.slots:
                if slot.key == key:
                    slot.set_gain(result)
            log.info("sound: calibrated %s at %+.1f dB", key[:12], result)

    # -- shutdown -----------------------------------------------------------------------------
    def fade_out(self, seconds: float) -> None:
        self.put("fade_all", seconds)

    def close(self) -> None:
        if self._channel is not None:
            self.put("close")
            self._channel.close(flush=1.0)
            self._channel = None
        if self.process is not None:
            self.process.join(timeout=3.0)
            if self.process.is_alive():
                self.process.kill()
            self.process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.playing = False
        self.calibrator.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None
