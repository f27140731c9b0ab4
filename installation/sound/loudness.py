"""Loudness: measure (ITU-R BS.1770-4 via pyloudnorm) and calibrate.

Each scene sits at its own LUFS target because its master gain is calibrated: the scene is
rendered offline over its music's whole form (about ten minutes; a scene without form: its
loop, or its first five minutes), measured, and the difference to the target becomes the gain,
corrected for the master's ride by playing the same render through the master's last stage at
that gain (one render of the scene, not two: the same gains to 0.0001 dB in half the time). A minute was not enough: a scene's music builds over its form, and magic-hour
calibrated on its first minute came out 1.7 LU loud over three.

A loop takes seconds to render, so gains are kept: in memory, and on disk in the user's cache
folder, keyed by the scene's sound (its sound section, clock, seed and the timeline's sound
changes), the files it plays and the sound engine's own code: a change to any of them
calibrates again, a change to the picture does not. The player, ``render`` and ``listen``
share this one cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
from pathlib import Path

import numpy as np
import pyloudnorm

from installation.scene.models import Scene
from installation.scene.sound import MasterParams
from installation.sound.wav import WavWriter, write_wav  # re-exported: render/ writes with them

__all__ = [
    "CALIBRATION_LIMIT",
    "WavWriter",
    "cached_gain",
    "calibrate",
    "calibration_notice",
    "calibration_seconds",
    "integrated_loudness",
    "is_calibrated",
    "scene_key",
    "true_peak_db",
    "write_wav",
]

CALIBRATION_LIMIT = 300.0  # seconds: a loop, or this much of a scene that never loops
_CACHE: dict[str, float] = {}
_SAID: set[str] = set()  # cache files already said to be unreadable


def integrated_loudness(samples: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS (gated), ``-inf`` for silence."""
    meter = pyloudnorm.Meter(sr)
    return float(meter.integrated_loudness(samples.astype(np.float64)))


def true_peak_db(samples: np.ndarray) -> float:
    """Peak in dBFS after 4x oversampling (an estimate of the true peak, as BS.1770 asks)."""
    from scipy.signal import resample_poly

    over = resample_poly(samples.astype(np.float64), 4, 1, axis=0)
    peak = float(np.max(np.abs(over))) if over.size else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


@functools.cache
def _engine_fingerprint() -> str:
    """A hash of the sound engine's code: a new version of a voice is a new calibration."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), root.parent / "scene" / "sound.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _played_files(scene: Scene) -> list[Path]:
    """Files the scene's voices play (recordings, rooms), found among their parameters."""
    files = []
    for entry in scene.voices:
        for value in entry.params.model_dump().values():
            if isinstance(value, str) and ("/" in value or "." in value):
                path = Path(value)
                if path.is_file():
                    files.append(path)
    return files


def scene_key(scene: Scene) -> str:
    """What the sound is made of: the scene's sound section, its clock, seed and the timeline's
    sound changes (``Scene.sound_identity``), the files its voices play and the engine's code.
    Nothing visual: a picture edit keeps the calibration."""
    identity = scene.sound_identity or repr((scene.sound, scene.voices, scene.seed))
    digest = hashlib.sha256(identity.encode())
    for played in _played_files(scene):
        stat = played.stat()
        digest.update(f"{played.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(_engine_fingerprint().encode())
    return digest.hexdigest()


def calibration_seconds(scene: Scene) -> float:
    """How much of a scene calibration hears: its music's whole form (about ten minutes: its
    sections are louder and quieter, and the level is the whole's), or for a scene without
    form its loop, at most CALIBRATION_LIMIT."""
    from installation.sound.form import Form

    if scene.sound is not None and scene.sound.form:
        clock = scene.clock
        return Form.for_tempo(clock.seconds_per_beat() * clock.beats_per_bar).span
    return min(scene.clock.loop or CALIBRATION_LIMIT, CALIBRATION_LIMIT)


def _cache_file() -> Path:
    from installation.paths import cache_dir

    return cache_dir() / "loudness.json"


def _read_disk() -> dict[str, float]:
    """The cache file's gains; a missing one is empty, a corrupt one too (said once: every
    scene is measured again, and the next calibration writes it anew)."""
    path = _cache_file()
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            raise ValueError(f"a {type(data).__name__}, not a mapping")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        if str(path) not in _SAID:
            _SAID.add(str(path))
            logging.getLogger("installation.audio").warning(
                "loudness cache %s unreadable (%s); measuring again", path, err
            )
        return {}
    return {
        k: float(v)
        for k, v in data.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }


def _write_disk(key: str, gain: float) -> None:
    """Add one gain to the cache file; a cache that cannot be written is only a slower start."""
    path = _cache_file()
    try:
        data = _read_disk()
        data[key] = gain
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=0, sort_keys=True))
        tmp.replace(path)
    except OSError:
        pass


def _clamp(gain: float) -> float:
    return max(-40.0, min(40.0, gain))


def _finish(samples: np.ndarray, gain_db: float, master: MasterParams) -> np.ndarray:
    """``samples`` (the master before its gain) played at ``gain_db`` through the master's
    last stage (ride, limiter, clip: ``Finish``), as the scene would sound at that gain."""
    from installation.lazy import pyo
    from installation.sound.engine import BLOCK, ManualServer
    from installation.sound.master import Finish

    server = ManualServer()
    try:
        table = pyo.DataTable(size=BLOCK, chnls=2)
        inputs = [np.asarray(table.getBuffer(chnl=c)) for c in range(2)]
        # one table a block, sample for sample: the reader steps exactly one sample a sample
        # (a TableRead waits for play())
        reader = pyo.TableRead(table, freq=server.sr / BLOCK, loop=1, interp=1).play()
        finish = Finish(reader * 10.0 ** (gain_db / 20.0), master)
        finish.output.out()
        blocks = -(-len(samples) // BLOCK)
        padded = np.zeros((blocks * BLOCK, 2), dtype=np.float32)
        padded[: len(samples)] = samples
        out = np.empty_like(padded)
        for b in range(blocks):
            chunk = padded[b * BLOCK : (b + 1) * BLOCK]
            inputs[0][:], inputs[1][:] = chunk[:, 0], chunk[:, 1]
            out[b * BLOCK : (b + 1) * BLOCK] = server.process()
        del inputs, finish, reader, table
        return out[: len(samples)]
    finally:
        server.close()


def _key(scene: Scene, seconds: float) -> str:
    return f"{scene_key(scene)}:{seconds:g}"


def cached_gain(scene: Scene, seconds: float | None = None) -> float | None:
    """The gain ``calibrate`` would answer at once (kept in memory or on disk), or None."""
    key = _key(scene, calibration_seconds(scene) if seconds is None else seconds)
    if key not in _CACHE:
        stored = _read_disk().get(key)
        if stored is None:
            return None
        _CACHE[key] = stored
    return _CACHE[key]


def is_calibrated(scene: Scene, seconds: float | None = None) -> bool:
    """Whether ``calibrate`` would answer at once (kept in memory or on disk)."""
    return cached_gain(scene, seconds) is not None


def calibration_notice(scene: Scene) -> str | None:
    """What to tell a person before ``calibrate`` takes a while (None when it answers at once)."""
    if scene.sound is None or is_calibrated(scene):
        return None
    return (f"calibrating '{scene.id}': rendering {calibration_seconds(scene):g} s to measure "
            "its loudness (once: the gain is kept until its sound changes; edits to the "
            "picture keep it)")  # fmt: skip


#: calibration renders the scene this far under unity: far from where the master's ride and
#: limiter act, so the render is the master before them, at a known gain
QUIET_DB = -30.0


def calibrate(scene: Scene, seconds: float | None = None) -> float:
    """The master gain (dB) that brings ``scene`` to its loudness target over its form."""
    from installation.sound.engine import SAMPLE_RATE, OfflineSound

    seconds = calibration_seconds(scene) if seconds is None else seconds
    key = _key(scene, seconds)
    known = cached_gain(scene, seconds)
    if known is not None:
        return known
    assert scene.sound is not None, "only a scene with sound is calibrated"
    master = scene.sound.master
    with OfflineSound(scene, gain_db=QUIET_DB) as sound:
        unity = sound.render(seconds)
    unity *= 10.0 ** (-QUIET_DB / 20.0)  # as at unity (loudness gates at -70 LUFS: not before)
    # twice: at the gain the render asks for, then corrected for the ride (which only works on
    # passages louder than the target) at that gain; the try plays the render through the
    # master's last stage again (seconds, where rendering the scene again took a minute)
    measured = integrated_loudness(unity, SAMPLE_RATE)
    gain = 0.0
    if math.isfinite(measured):
        gain = _clamp(master.loudness - measured)
        finished = integrated_loudness(_finish(unity, gain, master), SAMPLE_RATE)
        if math.isfinite(finished):
            gain = _clamp(gain + master.loudness - finished)
    _CACHE[key] = gain
    _write_disk(key, gain)
    return gain
