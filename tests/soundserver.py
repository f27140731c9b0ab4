"""A real PulseAudio server with one null sink, for tests that play through a sound server.

The daemon runs in a folder of its own, with a configuration that loads only the native protocol
and the sink (so losing the sink loses it: no fallback sink to move streams to). Its debug log,
timestamped, is where underruns are counted; the sink's monitor is what ``record`` captures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import wave
from pathlib import Path

import numpy as np

SINK = "exhibit"
SR = 48000


class SoundServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.log = folder / "pulse.log"
        self.env = {
            **os.environ,
            "PULSE_SERVER": f"unix:{folder}/native",
            "PULSE_RUNTIME_PATH": str(folder / "run"),
            "PULSE_STATE_PATH": str(folder / "state"),
            "HOME": str(folder),
        }
        self._sink_module: str | None = None

    @staticmethod
    def available() -> bool:
        return all(shutil.which(tool) for tool in ("pulseaudio", "pactl", "parec"))

    def start(self) -> SoundServer:
        (self.folder / "run").mkdir(parents=True, exist_ok=True)
        config = self.folder / "server.pa"
        config.write_text(
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.folder}/native\n"
        )
        subprocess.run(
            ["pulseaudio", "-n", "-F", str(config), "--daemonize=yes", "--exit-idle-time=-1",
             "--log-level=debug", "--log-time=1", f"--log-target=file:{self.log}"],
            env=self.env, check=True, timeout=30,
        )  # fmt: skip
        for _ in range(100):
            if self.pactl("info", check=False).returncode == 0:
                break
            time.sleep(0.1)
        self.load_sink()
        return self

    def stop(self) -> None:
        self.pactl("exit", check=False)

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              check=check, timeout=30)  # fmt: skip

    def load_sink(self) -> None:
        self._sink_module = self.pactl(
            "load-module", "module-null-sink", f"sink_name={SINK}", f"rate={SR}",
            "sink_properties=device.description=Exhibit",
        ).stdout.strip()  # fmt: skip
        self.pactl("set-default-sink", SINK)

    def unload_sink(self) -> None:
        self.pactl("unload-module", self._sink_module)

    def record(self, path: Path) -> subprocess.Popen:
        """Start recording the sink's monitor to a 16-bit WAV; stop with ``finish``."""
        return subprocess.Popen(
            ["parec", "-d", f"{SINK}.monitor", "--file-format=wav", f"--rate={SR}",
             "--channels=2", "--format=s16le", str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    @staticmethod
    def finish(recorder: subprocess.Popen) -> None:
        recorder.terminate()
        recorder.wait(timeout=10)

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def underruns(self, after: int = 0) -> list[str]:
        """Server log lines that report a stream running dry, after log line ``after``."""
        pattern = re.compile(r"Underrun on '")
        return [line for line in self.log_lines()[after:] if pattern.search(line)]


def read_wav(path: Path) -> np.ndarray:
    """(n, 2) float samples of a 16-bit WAV; a recording cut off mid-header reads what is there."""
    with wave.open(str(path)) as w:
        data = w.readframes(w.getnframes())
    if not data:  # parec, terminated, leaves the header's length at zero
        data = path.read_bytes()[44:]
    data = data[: len(data) // 4 * 4]
    return np.frombuffer(data, dtype="<i2").reshape(-1, 2) / 32768.0


def levels_db(x: np.ndarray, window: float = 0.01) -> np.ndarray:
    """RMS level of each ``window`` seconds, in dBFS."""
    n = int(SR * window)
    blocks = x[: len(x) // n * n].reshape(-1, n, 2)
    return 20 * np.log10(np.sqrt(np.mean(blocks**2, axis=(1, 2))) + 1e-12)


def longest_gap(levels: np.ndarray, floor_db: float = -70.0, window: float = 0.01) -> float:
    """The longest run of windows below ``floor_db``, in seconds."""
    longest = run = 0
    for quiet in levels < floor_db:
        run = run + 1 if quiet else 0
        longest = max(longest, run)
    return longest * window


def sound_starts(levels: np.ndarray, floor_db: float = -60.0, window: float = 0.01) -> float | None:
    loud = np.nonzero(levels > floor_db)[0]
    return float(loud[0] * window) if len(loud) else None


def sound_ends(levels: np.ndarray, floor_db: float = -60.0, window: float = 0.01) -> float | None:
    """When the last sound above ``floor_db`` ends (the player's fade-out, then teardown)."""
    loud = np.nonzero(levels > floor_db)[0]
    return float((loud[-1] + 1) * window) if len(loud) else None
