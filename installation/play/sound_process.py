"""The live sound's own process: one pyo server on the output device, one graph per scene.

Why a process of its own:

* portaudio ends the whole process when the device vanishes under a running stream (unloading
  a PulseAudio sink trips an assertion in ``pa_linux_alsa.c``: SIGABRT). Here that costs the
  sound, which the player notices and starts again; the picture never stops.
* pyo calls Python from its audio thread once per buffer to advance the score. In the player's
  process a heavy frame holding the GIL would make those calls late; here the sound has a GIL
  of its own.

The player talks to it through a pipe (:class:`installation.play.audio.LiveAudio`). A scene comes
as its description, the text and path of its file, which this process loads with the same
loader the player used (a loaded scene holds compiled expressions, which cannot cross a pipe).
Every ``add`` is answered (``added`` or ``failed``); the player says now and then which scenes
should sound (``want``), and this process removes the others and names the ones it lacks
(``missing``), which the player sends again: whatever was lost, the two agree within seconds.
30 times a second the audio features of every playing scene go back.

**Freeing a graph without racing the audio thread.** pyo's audio thread holds the GIL while it
computes a buffer, except while it runs Python code (the per-buffer callback, and ``Pattern``
objects among the streams). A graph freed from this process's main thread while the audio
thread was inside Python in the middle of the stream loop changed the stream list under it:
that is a use-after-free, which glibc's default heap hid and a fixed mmap threshold turned into
SIGSEGV. So the score is ticked, and graphs are freed, in the server's per-buffer callback,
which pyo calls *before* its stream loop, and no stream calls Python: nothing is freed while
the stream loop runs. The main thread only stops a removed graph's output and hands it over.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
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
FADE_AWAY = 0.05  # seconds a removed scene takes to fall silent before it is freed
REPLACE_FADE = 0.5  # seconds a new version of a scene cross-fades with the old
PARENT_CHECK = 0.5  # seconds between looks at whether the player is still there
PRIORITIES = (-10, -5, -2)  # niceness asked for, the first the system allows
REAL_TIME_PRIORITY = 10  # the audio threads' round-robin priority (PulseAudio's own: 5)
#: glibc hands blocks above this back to the system on free (mmap) instead of keeping them in a
#: heap that only grows: freed pyo tables (megabytes each) return to the system at once
MMAP_THRESHOLD = 128 * 1024

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

    def fade(self, level: float, seconds: float) -> None:
        self.fader.setTime(max(seconds, 0.01))
        self.fader.value = level


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
        self.freed = 0  # graphs freed by the audio thread (the main thread then trims the heap)
        self.failed: list[int] = []  # scenes whose sound broke, for the player to hear of
        self._graves: list[tuple[int, _Scene]] = []  # (buffer it may go at, scene), oldest first
        self._lock = threading.Lock()
        server.setCallback(self._buffer)

    def _buffer(self) -> None:
        """The audio thread, once per buffer, before pyo computes the streams: free what is
        due, then advance every score by a buffer."""
        self.buffers += 1
        with self._lock:
            due = [g for g in self._graves if g[0] <= self.buffers]
            if due:
                self._graves = self._graves[len(due) :]
            scenes = list(self.scenes.items())
        for _, scene in due:
            scene.out.stop()
            scene.graph.release()  # breaks its one cycle: freed by reference counting, here
        if due:
            self.freed += len(due)
            del due, scene
        for slot_id, playing in scenes:
            try:
                playing.tick()
            except Exception:  # one scene's failure silences that scene, not the others
                log.exception("the sound of scene %d failed; it is silenced", slot_id)
                self.remove(slot_id)
                self.failed.append(slot_id)

    def add(self, slot_id: int, scene: Any, fade_in: float, start: float, level: float,
            gain_db: float, replaces: int | None = None) -> None:  # fmt: skip
        """Start ``scene``'s sound; with ``replaces``, it takes that one's place (a new
        version of the same scene, saved while it played), cross-fading with it."""
        from installation.sound.graph import SoundGraph

        graph = SoundGraph(scene, self.sr, gain_db)
        graph.master.volume_offset = self.volume_db
        old = self.scenes.get(replaces) if replaces is not None else None
        if old is not None:
            fade_in, level, start = REPLACE_FADE, old.fader.value, old.time
        fader = self.pyo.SigTo(0.0, time=max(fade_in, 0.01), init=0.0)
        out = (graph.output * fader).out()
        fader.value = level
        playing = _Scene(graph, fader, out, start, BUFFER / self.sr)
        if old is not None:
            playing.paused = old.paused
        with self._lock:
            self.scenes[slot_id] = playing
        if replaces is not None:
            self.remove(replaces, fade=REPLACE_FADE)

    def remove(self, slot_id: int, fade: float = FADE_AWAY) -> None:
        """Fade a scene out and hand it to the audio thread, which frees it once silent."""
        with self._lock:
            scene = self.scenes.pop(slot_id, None)
            if scene is None:
                return
            scene.fade(0.0, fade)
            due = self.buffers + 2 + round(fade * self.sr / BUFFER)
            self._graves.append((due, scene))

    def fade(self, slot_id: int, level: float, seconds: float) -> None:
        scene = self.scenes.get(slot_id)
        if scene is not None:
            scene.fade(level, seconds)

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

    def want(self, wanted: list[int]) -> list[int]:
        """The player's list of what should sound: the rest goes; returns what is missing."""
        for slot_id in [k for k in self.scenes if k not in wanted]:
            self.remove(slot_id)
        return [k for k in wanted if k not in self.scenes]

    def features(self) -> dict[int, dict[str, dict[str, float]]]:
        return {slot_id: scene.graph.features() for slot_id, scene in list(self.scenes.items())}

    def close(self) -> None:
        """After the server has stopped (no audio thread): free everything here."""
        with self._lock:
            scenes = [*self.scenes.values(), *(g[1] for g in self._graves)]
            self.scenes.clear()
            self._graves.clear()
        for scene in scenes:
            scene.out.stop()
            scene.graph.release()


def _first_in_line() -> None:
    """Ask the system to run this process before the picture's when both want the CPU: the
    sound needs a tenth of a core, but every 10 ms, and a late buffer is a gap in the room.
    As much as it allows (``RLIMIT_NICE``: root, or a user given it in limits.conf); else as
    it was. (Linux's niceness is per thread: threads started later inherit it.)"""
    for niceness in PRIORITIES:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
            return
        except (PermissionError, OSError, AttributeError):
            continue


@contextlib.contextmanager
def _real_time_threads() -> Iterator[None]:
    """The threads started inside (portaudio's callback, ALSA's and PulseAudio's client threads)
    run on the real-time round-robin policy, as PulseAudio's own do, where the system allows it
    (``RLIMIT_RTPRIO``: root, or a user given ``rtprio`` in limits.conf); this thread, which
    builds graphs for seconds, goes back to the ordinary policy afterwards."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(REAL_TIME_PRIORITY))
        granted = True
    except (PermissionError, OSError, AttributeError):
        granted = False
    try:
        yield
    finally:
        if granted:
            with contextlib.suppress(OSError):
                os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def _tune_memory() -> None:
    """glibc: blocks above ``MMAP_THRESHOLD`` are mapped and unmapped on their own, so a freed
    graph's tables go back to the system at once rather than staying in a heap that only grows
    (safe now that nothing is freed under the audio thread's stream loop: see the top)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD


def _give_back_memory() -> None:
    """Hand the pages a freed graph left in the heap back to the system (glibc)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def serve(conn: Connection, device: str | int | None, volume_db: float, sr: int,
          parent: int) -> None:  # fmt: skip
    """The child process's main: open the device, then obey the player until it hangs up.
    ``parent``: the player's pid; this process ends when it does, whoever adopts us then."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the player's to handle
    os.environ.setdefault("PYO_GUI_WX", "0")
    os.environ.setdefault("PULSE_LATENCY_MSEC", str(SERVER_LATENCY_MS))
    os.environ.setdefault("PIPEWIRE_LATENCY", f"{sr * SERVER_LATENCY_MS // 1000}/{sr}")
    underruns = _Underruns()
    _first_in_line()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s sound process: %(message)s")
    _tune_memory()
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):
        _serve(conn, device, volume_db, sr, underruns)  # a broken pipe: the player has gone


def _serve(conn: Connection, device: str | int | None, volume_db: float, sr: int,
           underruns: _Underruns) -> None:  # fmt: skip
    import pyo  # here, not lazily: a broken install says so with its own error
    import scipy.signal  # noqa: F401  (2 s to import: now, not while the first scene waits)

    server, name = _open(pyo, conn, device, sr)
    mix = _Mix(server, sr, volume_db)
    conn.send(("playing", name))
    try:
        _obey(conn, mix, underruns)
    finally:
        server.stop()  # no audio thread from here on: the mix is freed on this one
        mix.close()
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
            with quiet_stderr(), _real_time_threads():  # ALSA lists every card it cannot open
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


def _die_with_parent(parent: int) -> None:
    """End when the player ends, even by SIGKILL, whoever adopts this process then: pid 1, or
    a subreaper such as systemd's user manager (which the bundled unit runs the player under).
    The kernel's parent-death signal covers the usual case; a thread that looks at our parent
    every half second covers the moments before it was set, and any parent whatsoever."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os._exit(0)

    if os.getppid() != parent:  # the player died before the signal was set
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Underruns:
    """Counts the device's underruns (a buffer it had to play before we made it), as ALSA
    reports them: its library writes ``underrun occurred`` to standard error each time. This
    process's standard error passes through a pipe here, counted, and on to where it went."""

    def __init__(self) -> None:
        self.count = 0
        try:
            read, write = os.pipe()
            self._out = os.dup(2)
            os.dup2(write, 2)
            os.close(write)
        except OSError:
            return  # counted as none; the sound is unaffected
        threading.Thread(target=self._pump, args=(read,), name="stderr", daemon=True).start()

    def _pump(self, read: int) -> None:
        with os.fdopen(read, "rb") as lines:
            for line in lines:
                if b"underrun" in line:
                    self.count += 1
                with contextlib.suppress(OSError):
                    os.write(self._out, line)


def _obey(conn: Connection, mix: _Mix, underruns: _Underruns) -> None:
    def add(slot_id: int, path: str, source: str, *args: Any) -> None:
        from installation.scene.loader import parse_scene

        mix.add(slot_id, parse_scene(source, path), *args)
        conn.send(("added", slot_id))

    handlers: dict[str, Callable[..., Any]] = {
        "add": add, "remove": mix.remove, "fade": mix.fade, "fade_all": mix.fade_all,
        "gain": mix.gain, "pause": mix.pause, "volume": mix.volume, "sync": mix.sync,
        "want": lambda wanted: conn.send(("missing", mix.want(wanted))),
    }  # fmt: skip
    next_report = 0.0
    heard, heard_at = -1, time.monotonic()
    freed = 0
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
        if mix.freed != freed:  # the audio thread freed graphs: give their pages back
            freed = mix.freed
            _give_back_memory()
        now = time.monotonic()
        if now >= next_report:
            next_report = now + FEATURES_EVERY
            conn.send(("features", mix.features(), mix.buffers, underruns.count))
            if mix.buffers != heard:
                heard, heard_at = mix.buffers, now
            elif now - heard_at > STALL_SECONDS:
                conn.send(("stalled", f"no sound buffer for {STALL_SECONDS:g} s"))
                return
