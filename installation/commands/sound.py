"""listen, devices: the sound alone."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from installation.commands.common import (
    EXIT_OK,
    UsageError,
    check_writable,
    headless,
)


def cmd_listen(args: argparse.Namespace) -> int:
    headless()
    from installation.paths import resolve_scene
    from installation.scene.loader import load_scene
    from installation.sound.engine import SAMPLE_RATE, OfflineSound
    from installation.sound.loudness import calibrate, integrated_loudness, true_peak_db, write_wav

    out = Path(args.out)
    if out.suffix.lower() != ".wav":
        raise UsageError(f"--out must be a .wav file, not '{out.name}'")
    if not 0 < args.seconds <= 24 * 3600:
        raise UsageError(f"--seconds must be above 0 (and at most a day), not {args.seconds:g}")
    scene = load_scene(resolve_scene(args.scene))
    if scene.sound is None:
        raise UsageError(f"scene '{scene.id}' has no sound: section")
    check_writable(out.parent if str(out.parent) else Path("."))
    gain = calibrate(scene)
    with OfflineSound(scene, gain_db=gain) as sound:
        samples = sound.render(args.seconds)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, samples, SAMPLE_RATE)
    if not args.quiet:
        lufs = integrated_loudness(samples, SAMPLE_RATE)
        print(
            f"wrote {args.seconds:g} s of '{scene.id}' to {out}: {lufs:.1f} LUFS "
            f"(target {scene.sound.master.loudness:g}), true peak {true_peak_db(samples):.1f} dBFS",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_sound_report(args: argparse.Namespace) -> int:
    """Each scene's calibrated sound, measured on a minute the calibration never heard."""
    headless()
    import time

    import numpy as np

    from installation.paths import bundled_scenes, resolve_scene
    from installation.scene.loader import load_scene
    from installation.sound.analysis import lr_correlation, short_term_loudness, spectral_centroid
    from installation.sound.engine import SAMPLE_RATE as SR
    from installation.sound.engine import OfflineSound
    from installation.sound.loudness import (
        CALIBRATION_SECONDS,
        calibrate,
        integrated_loudness,
        true_peak_db,
    )

    paths = [resolve_scene(s) for s in args.scenes] if args.scenes else bundled_scenes()
    print(
        f"Calibrated on seconds 0-{CALIBRATION_SECONDS:g}; measured on seconds "
        f"{CALIBRATION_SECONDS:g}-{CALIBRATION_SECONDS + args.seconds:g} "
        "(`installation sound-report`).\n\n"
        "| scene | gain dB | LUFS (target) | true peak dBFS | short-term LUFS 10th / 95th pct "
        "| centroid Hz | L/R correlation | offline speed |\n| --- | --- | --- | --- | --- | --- "
        "| --- | --- |"
    )
    for path in paths:
        scene = load_scene(path)
        if scene.sound is None:
            continue
        gain = calibrate(scene)
        start = time.perf_counter()
        with OfflineSound(scene, gain_db=gain) as sound:
            x = sound.render(CALIBRATION_SECONDS + args.seconds)[int(CALIBRATION_SECONDS * SR) :]
        speed = (CALIBRATION_SECONDS + args.seconds) / (time.perf_counter() - start)
        short = short_term_loudness(x, SR)
        low, high = np.percentile(short[np.isfinite(short)], [10, 95])
        print(
            f"| {scene.id} | {gain:+.1f} | {integrated_loudness(x, SR):.1f} "
            f"({scene.sound.master.loudness:g}) | {true_peak_db(x):.1f} | {low:.1f} / {high:.1f} "
            f"| {spectral_centroid(x, SR):.0f} | {lr_correlation(x):.2f} | {speed:.0f}x |",
            flush=True,
        )
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from installation.sound.devices import default_output, list_output_devices

    devices = list_output_devices()
    if not devices:
        print(
            "no audio output devices: `installation play` will run with picture only.\n"
            "On Debian or Ubuntu with PulseAudio or PipeWire, install libasound2-plugins (and\n"
            "pipewire-alsa with PipeWire); see 'Sound on an exhibit PC' in the README."
        )
        return EXIT_OK
    default = default_output()
    for device in devices:
        mark = "*" if device.index == default else " "
        print(f"{mark} {device.index:>3}  {device.name}")
    print("(* the default; pick another with `installation play --audio-device NAME-OR-NUMBER`)")
    return EXIT_OK
