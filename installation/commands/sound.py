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
    from installation.sound.loudness import calibration_notice

    notice = calibration_notice(scene)
    if notice and not quiet:
        print(notice, file=sys.stderr)
    return calibrate(scene)


def cmd_sound_report(args: argparse.Namespace) -> int:
    """Each scene calibrated over its first form and measured over the next, which the
    calibration never heard; the form minute by minute and section by section; the rooms: the
    tables in the README."""
    headless()
    from installation.paths import bundled_scenes, resolve_scene
    from installation.scene.loader import load_scene
    from installation.sound.report import measure_scene

    paths = [resolve_scene(s) for s in args.scenes] if args.scenes else bundled_scenes()
    print(
        "Calibrated over each scene's first form (about ten minutes), measured over the next "
        "(`installation sound-report`).\n\n"
        "| scene | measured s | gain dB | LUFS (target) | short-term range LU | loudest 3 s "
        "over target LU | slope dB/oct | slope, textures muted | air % | mud % | in key % | "
        "true peak dBFS | L/R corr (below 250 Hz) | room C80 dB | offline speed |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- |",
        flush=True,
    )
    reports = []
    for path in paths:
        scene = load_scene(path)
        if scene.sound is None:
            continue
        r = measure_scene(scene, args.seconds)
        reports.append((scene, r))
        s = r.stats
        print(
            f"| {r.scene} | {r.seconds:g} | {r.gain:+.1f} | {s.lufs:.1f} ({s.target:g}) | "
            f"{s.short_term_range:.1f} | {s.loudest_over_target:+.1f} | {s.slope:+.1f} | "
            f"{r.slope_instruments:+.1f} | {100 * s.air:.2f} | {100 * s.mud:.1f} | "
            f"{100 * r.in_key:.1f} | {s.true_peak:.1f} | {s.correlation:.2f} "
            f"({r.bass_correlation:.2f}) | {r.room.c80:+.1f} | {r.speed:.0f}x |",
            flush=True,
        )
    _form_table(reports)
    _rooms_table([scene for scene, _ in reports])
    return EXIT_OK


def _form_table(reports: list) -> None:
    rows = [(scene, r) for scene, r in reports if r.form is not None]
    if not rows:
        return
    print(
        "\nThe form over the same ten minutes: loudness of each minute and of each section "
        "(arrival, statement, development, return), and how alike the sections are in the "
        "pitches they use (correlation of their chromas: 1 the same).\n\n"
        "| scene | LUFS of each minute | range LU | sections LUFS | chroma r statement-"
        "development | statement-return | arrival-development |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    for scene, r in rows:
        f = r.form
        print(
            f"| {scene.id} | {' '.join(f'{m:.1f}' for m in f.minutes)} | {f.minute_range:.1f} "
            f"| {' / '.join(f'{m:.1f}' for m in f.sections)} | {f.chroma[1][2]:.2f} | "
            f"{f.chroma[1][3]:.2f} | {f.chroma[0][2]:.2f} |",
            flush=True,
        )


def _rooms_table(scenes: list) -> None:
    from installation.sound.acoustics import RoomFigures
    from installation.sound.report import room_of

    rooms: dict[str, RoomFigures] = {}
    for scene in scenes:
        rooms.setdefault(Path(scene.sound.master.space).stem, room_of(scene))
    print(
        "\nThe rooms, by the Schroeder analysis of their impulse responses (ISO 3382 at 500 Hz "
        "to 1 kHz; C80 and D50 beside those of a room decaying evenly at the same RT60).\n\n"
        "| room | RT60 s | EDT s | C80 dB (even decay) | D50 (even decay) | L/R corr | "
        "echo density | direct spike |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    for name, f in sorted(rooms.items()):
        print(
            f"| {name} | {f.rt60:.2f} | {f.edt:.2f} | {f.c80:+.1f} ({f.c80_expected:+.1f}) | "
            f"{f.d50:.2f} ({f.d50_expected:.2f}) | {f.correlation:.2f} | {f.echo_density:.2f} | "
            f"{f.direct:.2f} |"
        )


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
