"""Audio output devices as portaudio (inside pyo) sees them, and the system's ALSA plugins.

pyo's wheel carries its own ALSA library, built to look for plugins in ``/usr/lib64/alsa-lib``.
Debian and Ubuntu install them (the PulseAudio and PipeWire bridges among them) in the multiarch
folder ``/usr/lib/<triplet>/alsa-lib``, so out of the box portaudio sees no device at all on a
desktop whose sound goes through a sound server. :func:`use_system_alsa_plugins` points the
bundled library at the system's plugins (it honours ``ALSA_PLUGIN_DIR``) before pyo is loaded.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

from installation.lazy import pyo

__all__ = [
    "OutputDevice",
    "default_output",
    "find_output",
    "list_output_devices",
    "use_system_alsa_plugins",
]

#: where a distribution may keep ALSA's plugins; the first that holds a sound-server bridge wins
PLUGIN_DIRS = ("/usr/lib64/alsa-lib", "/usr/lib/*-linux-gnu*/alsa-lib", "/usr/lib/alsa-lib")
BRIDGES = ("libasound_module_pcm_pulse.so", "libasound_module_pcm_pipewire.so")


@dataclass
class OutputDevice:
    index: int
    name: str


def alsa_plugin_dir() -> str | None:
    """The system's ALSA plugin folder, preferring one with a PulseAudio or PipeWire bridge."""
    folders = [f for pattern in PLUGIN_DIRS for f in sorted(glob.glob(pattern)) if os.path.isdir(f)]
    bridged = [f for f in folders if any(os.path.exists(os.path.join(f, b)) for b in BRIDGES)]
    return (bridged or folders or [None])[0]  # type: ignore[list-item]  # None: no folder


def use_system_alsa_plugins() -> str | None:
    """Set ``ALSA_PLUGIN_DIR`` for pyo's own ALSA unless the person running us already did."""
    if "ALSA_PLUGIN_DIR" not in os.environ:
        folder = alsa_plugin_dir()
        if folder is not None:
            os.environ["ALSA_PLUGIN_DIR"] = folder
    return os.environ.get("ALSA_PLUGIN_DIR")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence C libraries writing to fd 2 (ALSA prints dozens of lines per probe)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def list_output_devices() -> list[OutputDevice]:
    """The output devices portaudio sees (safe to call with none present)."""
    use_system_alsa_plugins()
    try:
        with quiet_stderr():
            names, indexes = pyo.pa_get_output_devices()
    except Exception as err:  # portaudio missing or broken: no devices, and why
        logging.getLogger("installation.sound").warning("sound: cannot list devices: %s", err)
        return []
    return [OutputDevice(i, n) for n, i in zip(names, indexes, strict=False)]


def default_output() -> int:
    """portaudio's default output device, -1 when there is none."""
    use_system_alsa_plugins()
    try:
        with quiet_stderr():
            return int(pyo.pa_get_default_output())
    except Exception:
        return -1


def find_output(device: str | int | None) -> OutputDevice | None:
    """The device to play on: by index, by (part of its) name, or the default; None if absent."""
    devices = list_output_devices()
    if not devices:
        return None
    if device is None:
        default = default_output()
        return next((d for d in devices if d.index == default), None)
    if isinstance(device, int) or str(device).isdigit():
        return next((d for d in devices if d.index == int(device)), None)
    return next((d for d in devices if str(device).lower() in d.name.lower()), None)
