"""listen, devices: the sound alone."""

from __future__ import annotations

import argparse
import json
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
    from installation.sound.analysis import sound_stats, spectrogram_png
    from installation.sound.engine import SAMPLE_RATE, OfflineSound
    from installation.sound.loudness import calibrate, calibration_seconds
    from installation.sound.wav import write_wav

    out = Path(args.out)
    if out.suffix.lower() != ".wav":
        raise UsageError(f"--out must be a .wav file, not '{out.name}'")
    if args.seconds is not None and not 0 < args.seconds <= 24 * 3600:
        raise UsageError(f"--seconds must be above 0 (and at most a day), not {args.seconds:g}")
    scene = load_scene(resolve_scene(args.scene))
    if scene.sound is None:
        raise UsageError(f"scene '{scene.id}' has no sound: section")
    check_writable(out.parent if str(out.parent) else Path("."))
    if args.start < 0:
        raise UsageError(f"--start must not be negative, not {args.start:g}")
    seconds = args.seconds or calibration_seconds(scene)
    gain = _calibrate_saying(scene, calibrate, quiet=args.quiet or args.json)
    with OfflineSound(scene, gain_db=gain) as sound:
        if args.solo:
            try:
                sound.solo(args.solo)
            except ValueError as err:
                raise UsageError(f"--solo: {err}") from None
        if args.start:
            sound.skip_frames(round(args.start * sound.fps))
        samples = sound.render(seconds)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, samples, SAMPLE_RATE)
    target = scene.sound.master.loudness
    stats = sound_stats(samples, SAMPLE_RATE, target)
    if args.spectrogram:
        picture = spectrogram_png(samples, SAMPLE_RATE, out.with_suffix(".png"))
        if not args.quiet:
            print(f"wrote the spectrogram to {picture}", file=sys.stderr)
    if args.stats and args.json:
        print(json.dumps({"scene": scene.id, "gain_db": round(gain, 2), **stats.as_dict()}))
    elif args.stats:
        print(f"{scene.id}: {seconds:g} s at {gain:+.1f} dB gain")
        for line in stats.lines():
            print(f"  {line}")
    if not args.quiet:
        print(
            f"wrote {seconds:g} s of '{scene.id}'{f' (solo {args.solo})' if args.solo else ''}"
            f"{f' from {args.start:g} s' if args.start else ''} to {out}: {stats.lufs:.1f} LUFS "
            f"(target {target:g}), true peak {stats.true_peak:.1f} dBFS",
            file=sys.stderr,
        )
    return EXIT_OK


def _calibrate_saying(scene, calibrate, quiet: bool) -> float:
    """Calibrate, saying so first when it will take a while (nothing cached yet)."""
    from installation.sound.loudness import calibration_seconds, is_calibrated

    if not quiet and not is_calibrated(scene):
        print(
            f"calibrating '{scene.id}': rendering {calibration_seconds(scene):g} s to measure "
            "its loudness (once; the gain is kept)",
            file=sys.stderr,
        )
    return calibrate(scene)


def cmd_sound_report(args: argparse.Namespace) -> int:
    """Each scene calibrated over its first loop and measured over the next, which the
    calibration never heard: the table in the README."""
    headless()
    import time

    from installation.paths import bundled_scenes, resolve_scene
    from installation.scene.loader import load_scene
    from installation.sound.analysis import sound_stats
    from installation.sound.engine import SAMPLE_RATE as SR
    from installation.sound.engine import OfflineSound
    from installation.sound.loudness import calibrate, calibration_seconds

    paths = [resolve_scene(s) for s in args.scenes] if args.scenes else bundled_scenes()
    print(
        "Calibrated over each scene's first loop (or five minutes), measured over the next "
        "(`installation sound-report`).\n\n"
        "| scene | measured s | gain dB | LUFS (target) | short-term range LU | loudest 3 s "
        "over target LU | slope dB/oct | air % | mud % | true peak dBFS | L/R corr | "
        "offline speed |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- |"
    )
    for path in paths:
        scene = load_scene(path)
        if scene.sound is None:
            continue
        first = calibration_seconds(scene)
        seconds = args.seconds or first
        gain = calibrate(scene)
        start = time.perf_counter()
        with OfflineSound(scene, gain_db=gain) as sound:
            x = sound.render(first + seconds)[int(first * SR) :]
        speed = (first + seconds) / (time.perf_counter() - start)
        s = sound_stats(x, SR, scene.sound.master.loudness)
        print(
            f"| {scene.id} | {seconds:g} | {gain:+.1f} | {s.lufs:.1f} ({s.target:g}) | "
            f"{s.short_term_range:.1f} | {s.loudest_over_target:+.1f} | {s.slope:+.1f} | "
            f"{100 * s.air:.2f} | {100 * s.mud:.1f} | {s.true_peak:.1f} | {s.correlation:.2f} | "
            f"{speed:.0f}x |",
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
