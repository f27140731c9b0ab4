"""The live sound's own process: one pyo server on the output device, one graph per scene.

Why a process of its own:

* portaudio ends the whole process when the device vanishes under a running stream (unloading
  a PulseAudio sink trips an assertion in ``pa_linux_alsa.c``: SIGABRT). Here that costs the
  sound, which the player notices and starts again; the picture never stops.
* pyo calls Python from its audio thread once per buffer to advance the score. In the player's
  process a heavy frame holding the GIL would make those calls late; here the sound has a GIL
  of its own.

The player talks to it through a pipe (:class:`installation.play.audio.LiveAudio`): commands go
in, and 30 times a second the audio features of every playing scene come back.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["BUFFER", "serve"]

log = logging.getLogger("installation.sound")

BUFFER = 512  # samples per buffer: 10.7 ms at 48 kHz
#: how far ahead of the speakers the sound is made, through PulseAudio or PipeWire. Their ALSA
#: bridge otherwise takes portaudio's lowest latency, 32 ms (measured): one late buffer under
#: a busy picture and the server starves, and the stream stops for two seconds while it fills
#: again. 100 ms rides out a busy frame; the picture's response to the sound lags by as much.
SERVER_LATENCY_MS = 100
FEATURES_EVERY = 1.0 / 30.0  # seconds between feature reports to the player
PROBE_SECONDS = 20.0  # between looks for a device while there is none
STALL_SECONDS = 3.0  # no buffer for this long while started: the device has stopped taking sound


MAX_SLEW = 0.01  # a drift is taken up at most 1 % faster or slower: notes move by ms, pitch not
JUMP_SECONDS = 1.0  # further apart than this, the score jumps to the picture's time


class _Scene:
    """One scene's graph on the live server; its score advances with the sample clock, kept
    on the player's clock by :meth:`sync` (a sound card's crystal and the computer's clock
    differ by tens of parts per million: seconds a day between sound and picture otherwise)."""

    def __init__(self, graph: Any, fader: Any, out: Any, start: float, block: float):
        self.graph = graph
        self.fader = fader
        self.out = out
        self.time = start
        self.block = block
        self.behind = 0.0  # score seconds still to be made up (negative: to give back)
        self.paused = False

    def tick(self) -> None:  # audio thread
        if not self.paused:
            limit = self.block * MAX_SLEW
            catch_up = max(-limit, min(limit, self.behind))
            self.behind -= catch_up
            t0, self.time = self.time, self.time + self.block + catch_up
            self.graph.tick(t0, self.time)

    def sync(self, scene_time: float) -> None:
        """The player's scene time for the buffer being made now: drift toward it."""
        error = scene_time - self.time
        if abs(error) > JUMP_SECONDS:
            self.time, self.behind = scene_time, 0.0
            self.graph.jumped()
        else:
            self.behind = error


class _Mix:
    """Every playing scene, each behind its own fader, on one pyo server."""

    def __init__(self, server: Any, sr: int, volume_db: float):
        import pyo

        self.pyo = pyo
        self.server = server
        self.sr = sr
        self.volume_db = volume_db
        self.scenes: dict[int, _Scene] = {}
        self.buffers = 0
        self.failed: list[int] = []  # scenes whose sound broke, for the player to hear of
        self._lock = threading.Lock()
        self._pattern = pyo.Pattern(self._tick, time=BUFFER / sr).play()

    def _tick(self) -> None:  # audio thread, once per buffer
        self.buffers += 1
        with self._lock:
            scenes = list(self.scenes.items())
        for slot_id, scene in scenes:
            try:
                scene.tick()
            except Exception:  # one scene's failure silences that scene, not the others
                log.exception("the sound of scene %d failed; it is silenced", slot_id)
                self.remove(slot_id)
                self.failed.append(slot_id)

    def add(self, slot_id: int, scene: Any, fade_in: float, start: float, level: float,
            gain_db: float) -> None:  # fmt: skip
        from installation.sound.graph import SoundGraph

        graph = SoundGraph(scene, self.sr, gain_db)
        graph.master.volume_offset = self.volume_db
        fader = self.pyo.SigTo(0.0, time=max(fade_in, 0.01), init=0.0)
        out = (graph.output * fader).out()
        fader.value = level
        with self._lock:
            self.scenes[slot_id] = _Scene(graph, fader, out, start, BUFFER / self.sr)

    def remove(self, slot_id: int) -> None:
        with self._lock:
            scene = self.scenes.pop(slot_id, None)
        if scene is not None:
            scene.out.stop()
            scene.graph.release()  # freed now, by reference counting: no collection pause
            del scene
            _give_back_memory()

    def fade(self, slot_id: int, level: float, seconds: float) -> None:
        scene = self.scenes.get(slot_id)
        if scene is not None:
            scene.fader.setTime(max(seconds, 0.01))
            scene.fader.value = level

    def fade_all(self, seconds: float) -> None:
        for slot_id in list(self.scenes):
            self.fade(slot_id, 0.0, seconds)

    def gain(self, slot_id: int, gain_db: float) -> None:
        scene = self.scenes.get(slot_id)
        if scene is not None:
            scene.graph.master.gain_db = gain_db

    def pause(self, slot_id: int, paused: bool) -> None:
        scene = self.scenes.get(slot_id)
        if scene is not None:
            scene.paused = paused

    def sync(self, slot_id: int, scene_time: float) -> None:
        scene = self.scenes.get(slot_id)
        if scene is not None and not scene.paused:
            scene.sync(scene_time)

    def volume(self, db: float) -> None:
        self.volume_db = db
        for scene in list(self.scenes.values()):
            scene.graph.master.volume_offset = db

    def features(self) -> dict[int, dict[str, dict[str, float]]]:
        return {slot_id: scene.graph.features() for slot_id, scene in list(self.scenes.items())}

    def close(self) -> None:
        self._pattern.stop()
        for slot_id in list(self.scenes):
            self.remove(slot_id)


def _give_back_memory() -> None:
    """Hand the pages a freed graph leaves in the heap back to the system (glibc). The heap
    stays mapped: glibc's mmap threshold is left as it is, since a table in a mapping of its
    own is unmapped the moment it is freed, and a reader the audio thread has not yet let go
    of then faults (a soak with the threshold fixed at 128 kB lost its sound process to
    SIGSEGV once in 15 minutes of scene changes every 7 s)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def serve(conn: Connection, device: str | int | None, volume_db: float, sr: int) -> None:
    """The child process's main: open the device, then obey the player until it hangs up."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the player's to handle
    os.environ.setdefault("PYO_GUI_WX", "0")
    os.environ.setdefault("PULSE_LATENCY_MSEC", str(SERVER_LATENCY_MS))
    os.environ.setdefault("PIPEWIRE_LATENCY", f"{sr * SERVER_LATENCY_MS // 1000}/{sr}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s sound process: %(message)s")
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):
        _serve(conn, device, volume_db, sr)  # a broken pipe: the player has gone, so do we


def _serve(conn: Connection, device: str | int | None, volume_db: float, sr: int) -> None:
    import pyo  # here, not lazily: a broken install says so with its own error
    import scipy.signal  # noqa: F401  (2 s to import: now, not while the first scene waits)

    server, name = _open(pyo, conn, device, sr)
    mix = _Mix(server, sr, volume_db)
    conn.send(("playing", name))
    try:
        _obey(conn, mix)
    finally:
        mix.close()
        server.stop()
        server.shutdown()


def _open(pyo: Any, conn: Connection, device: str | int | None, sr: int) -> tuple[Any, str]:
    """A started server on the device, looking again every ``PROBE_SECONDS`` while there is
    none (cheaper than a new process each time: no imports, one ALSA probe). Says "absent"
    once; a "close" from the player, or its end, ends the wait."""
    from installation.sound.devices import find_output, quiet_stderr

    said = None
    while True:
        found = find_output(device)
        if found is None:
            what = f"no audio output device matching '{device}'" if device is not None else (
                "no audio output device")  # fmt: skip
        else:
            with quiet_stderr():  # ALSA lists every card it cannot open while portaudio starts
                server = pyo.Server(sr=sr, nchnls=2, buffersize=BUFFER, duplex=0)
                server.setVerbosity(1)
                server.setOutputDevice(found.index)
                server.boot()
                if server.getIsBooted():
                    server.start()
                    return server, found.name
                server.shutdown()
            what = f"the device '{found.name}' would not open"  # a sound server with no sink
        if what != said:
            conn.send(("absent", what))
            said = what
        if conn.poll(PROBE_SECONDS) and conn.recv()[0] == "close":
            raise EOFError  # the player is stopping


def _die_with_parent() -> None:
    """Linux: the kernel ends this process when the player's ends, even by SIGKILL, even
    while it is still opening the device (where it would not notice the pipe closing)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe ends us once we read it
    if os.getppid() == 1:  # the player died before the line above ran
        os._exit(0)


def _obey(conn: Connection, mix: _Mix) -> None:
    handlers: dict[str, Callable[..., None]] = {
        "add": mix.add, "remove": mix.remove, "fade": mix.fade, "fade_all": mix.fade_all,
        "gain": mix.gain, "pause": mix.pause, "volume": mix.volume, "sync": mix.sync,
    }  # fmt: skip
    next_report = 0.0
    heard, heard_at = -1, time.monotonic()
    while True:
        # sleep until a command comes or the next report is due: no busy polling
        if conn.poll(max(0.0, next_report - time.monotonic())):
            name, *args = conn.recv()
            if name == "close":
                return
            if name == "add":  # no reports while it builds: the player waits longer
                conn.send(("building", args[0]))
            try:
                handlers[name](*args)
            except Exception as err:  # a scene that will not build is silent; the rest plays
                log.exception("sound: /%s failed", name)
                if name == "add":
                    conn.send(("failed", args[0], f"{type(err).__name__}: {err}"))
        while mix.failed:
            conn.send(("failed", mix.failed.pop(), "its sound raised while playing"))
        now = time.monotonic()
        if now >= next_report:
            next_report = now + FEATURES_EVERY
            conn.send(("features", mix.features(), mix.buffers))
            if mix.buffers != heard:
                heard, heard_at = mix.buffers, now
            elif now - heard_at > STALL_SECONDS:
                conn.send(("stalled", f"no sound buffer for {STALL_SECONDS:g} s"))
                return
