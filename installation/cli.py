"""The ``installation`` command: validate, render, list, bench."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

# Before pygame or pyo are imported anywhere: no banner, no GUI toolkit, no window needed.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("PYO_GUI_WX", "0")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
MAX_SIDE = 8192


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX]\s*(\d{1,5})\s*", text)
    if not match:
        raise UsageError(f"size must be WIDTHxHEIGHT, like 1280x720, not '{text}'")
    w, h = int(match.group(1)), int(match.group(2))
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise UsageError(f"size {w}x{h} is out of range: each side between 16 and {MAX_SIDE}")
    return w, h


def _headless() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def cmd_validate(args: argparse.Namespace) -> int:
    from installation.paths import expand
    from installation.play.show import is_show_file, load_show
    from installation.scene.errors import SceneError
    from installation.scene.loader import load_scene

    files = expand(args.paths)
    if not files:
        raise UsageError("no scene files found in " + ", ".join(args.paths))
    problems, report = [], []
    for path in files:
        try:
            load_show(path) if is_show_file(path) else load_scene(path)
        except SceneError as err:
            problems += err.problems
            report.append(
                {"file": str(path), "ok": False, "problems": [p.as_dict() for p in err.problems]}
            )
        else:
            report.append({"file": str(path), "ok": True, "problems": []})
            if not args.quiet and not args.json:
                print(f"{path}: ok", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for problem in problems:
            print(problem.for_editors())
    return EXIT_USAGE if problems else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from installation.authoring import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    _headless()
    from installation.authoring import write_docs, write_schemas

    written = write_docs(Path(args.out)) + write_schemas(Path(args.out))
    print(
        f"wrote {len(written)} files to {args.out}/ (reference.md, schemas, layer thumbnails)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    import re

    from installation.authoring import new_scene_text
    from installation.scene.loader import parse_scene

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.name):
        raise UsageError(f"a scene name is kebab-case, like 'evening-walk', not '{args.name}'")
    template = _source(args.template)
    out = Path(args.dir) / f"{args.name}.yaml"
    if out.exists():
        raise UsageError(f"{out} exists already: choose another name")
    _check_writable(out.parent, out)
    text = new_scene_text(args.name, template)
    parse_scene(text, str(out))  # it must validate before it is written
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"wrote {out}: try `installation play {out}`", file=sys.stderr)
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    _headless()
    from tqdm import tqdm

    from installation.render.pipeline import Job, output_kind, run_render

    size = parse_size(args.size)
    if not 1 <= args.fps <= 240:
        raise UsageError(f"--fps must be between 1 and 240, not {args.fps:g}")
    if args.start < 0:
        raise UsageError(f"--start must not be negative, not {args.start:g}")
    if not 1 <= args.jobs <= 64:
        raise UsageError(f"--jobs must be between 1 and 64, not {args.jobs}")
    count = args.frames if args.frames is not None else round(args.seconds * args.fps)
    if count <= 0:
        raise UsageError("the render must have at least one frame (--frames or --seconds > 0)")
    if count > args.fps * 24 * 3600:
        raise UsageError("a render is at most a day long")
    out = Path(args.out)
    try:
        kind = output_kind(out)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if kind != "folder" and size != (size[0] // 2 * 2, size[1] // 2 * 2):
        raise UsageError(
            f"video sizes must be even (H.264 and VP9 need it), not {size[0]}x{size[1]}"
        )
    source = _source(args.target)
    _check_writable(out if kind == "folder" else out.parent, out)
    job = Job(
        source, out, size, args.fps, args.start, count, args.quality, args.jobs, not args.no_audio
    )
    with tqdm(total=count, unit="frame", disable=args.quiet, desc=source.stem) as bar:
        try:
            written, interrupted = run_render(job, progress=bar.update)
        except ValueError as err:
            raise UsageError(str(err)) from None
    if interrupted:
        print(f"interrupted: {out} holds the first {written} frames, playable", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"wrote {written} frames of '{source.stem}' to {out}", file=sys.stderr)
    return EXIT_OK


def _source(target: str) -> Path:
    """A scene or show: a file, a bundled scene id, or a bundled show id; checked up front."""
    from installation.paths import SCENES, resolve_scene
    from installation.play.show import is_show_file, load_show
    from installation.scene.loader import load_scene

    path = resolve_scene(target)
    if not path.exists() and (SCENES / "shows" / f"{target}.yaml").exists():
        path = SCENES / "shows" / f"{target}.yaml"
    load_show(path) if is_show_file(path) else load_scene(path)  # every mistake, before anything
    return path


def cmd_still(args: argparse.Namespace) -> int:
    _headless()
    import pygame

    from installation.render.frames import save_png
    from installation.render.program import FramePainter, load_program

    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise UsageError(f"--out must be a .png file, not '{out.name}'")
    if args.at < 0:
        raise UsageError(f"--at must not be negative, not {args.at:g}")
    size = parse_size(args.size)
    source = _source(args.target)
    _check_writable(out.parent if str(out.parent) else Path("."))
    painter = FramePainter(load_program(source, args.at + 1), size)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_png(pygame.image.tobytes(painter.paint(args.at), "RGB"), size, out)
    print(f"wrote {out} ({source.stem} at {args.at:g} s)", file=sys.stderr)
    return EXIT_OK


def _check_writable(folder: Path, shown: Path | None = None) -> None:
    """Refuse early (exit 2, nothing written) when ``folder`` cannot be created or written."""
    shown = shown or folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cannot write to {shown}: {folder} is a file, not a folder")
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"cannot write to {shown}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to {shown}: permission denied")


def cmd_listen(args: argparse.Namespace) -> int:
    _headless()
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
    _check_writable(out.parent if str(out.parent) else Path("."))
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


def cmd_devices(args: argparse.Namespace) -> int:
    from installation.sound.engine import _default_output, list_output_devices

    devices = list_output_devices()
    if not devices:
        print("no audio output devices: `installation play` will run with picture only")
        return EXIT_OK
    default = _default_output()
    for device in devices:
        mark = "*" if device.index == default else " "
        print(f"{mark} {device.index:>3}  {device.name}")
    return EXIT_OK


def cmd_sheet(args: argparse.Namespace) -> int:
    _headless()
    from installation.paths import bundled_scenes
    from installation.play.show import is_show_file, load_show
    from installation.render.sheet import render_sheet
    from installation.scene.loader import load_scene

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise UsageError(f"--out must end in .png or .jpg, not '{out.name}'")
    if not 1 <= args.columns <= 12:
        raise UsageError("--columns must be between 1 and 12")
    paths = []
    for name in args.scenes:
        source = _source(name)
        paths += (
            [item.path for item in load_show(source).items] if is_show_file(source) else [source]
        )
    scenes = [load_scene(p) for p in paths or bundled_scenes()]
    render_sheet(scenes, out, columns=args.columns, tile=parse_size(args.tile))
    print(f"wrote a contact sheet of {len(scenes)} scene(s) to {out}", file=sys.stderr)
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    import logging
    import time

    from installation.play.monitor import default_state_dir, memory_mb, setup_logging
    from installation.play.player import Player, PlayOptions, soak_report

    state_dir = Path(args.state_dir) if args.state_dir else default_state_dir()
    log_path = setup_logging(state_dir, args.verbose)
    osc = None
    if not args.no_osc:
        host, _, port = args.osc.rpartition(":")
        if not port.isdigit() or not host:
            raise UsageError(f"--osc must be HOST:PORT, like 127.0.0.1:9000, not '{args.osc}'")
        osc = (host, int(port))
    if args.fps is not None and not 10 <= args.fps <= 240:
        raise UsageError(f"--fps must be between 10 and 240, not {args.fps:g}")
    soak = args.soak is not None
    options = PlayOptions(
        target=args.target,
        fullscreen=True if args.fullscreen else (False if args.windowed else None),
        monitor=args.display,
        size=parse_size(args.size) if args.size else None,
        fps=args.fps,
        audio=not args.no_audio,
        audio_device=args.audio_device,
        state_dir=state_dir,
        osc=osc,
        exit_after=args.soak * 60 if soak else args.exit_after,
        frames=args.frames,
        speed=args.speed if args.speed else (30.0 if soak else 1.0),
        vsync=not soak,
        at=args.at,
        loop=_span(args.loop) if args.loop else None,
    )
    log = logging.getLogger("installation")
    log.info("log file: %s", log_path)
    import pygame

    try:
        player = Player(options)
    except pygame.error as err:
        print(
            f"installation play: cannot open a window: {err} "
            "(on a machine without a screen, use `installation render`)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    if not soak:
        try:
            return player.run()
        except Exception:  # logged with its traceback; exit 1 so a supervisor restarts us
            log.exception("the player stopped on an unexpected error")
            return EXIT_FAILURE
    # soak: the show runs with scene changes sped up and no frame pacing; memory is sampled
    samples, started, last = [], time.monotonic(), -1e9
    try:
        while not player.stopping:
            player.step()
            now = time.monotonic()
            if now - last >= 10.0:
                last = now
                samples.append(((now - started) / 60.0, memory_mb()))
    finally:
        player.close()
    samples.append(((time.monotonic() - started) / 60.0, memory_mb()))
    print(soak_report(samples))
    print(f"frames: {player.frames}, scene changes: {player.position}, errors: {player.errors}")
    return EXIT_OK


def _span(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise UsageError(f"--loop takes a span in seconds like 20-35, not '{text}'") from None
    if not 0 <= a < b:
        raise UsageError(f"--loop must run forward from 0 or later, not '{text}'")
    return a, b


def cmd_list(args: argparse.Namespace) -> int:
    from installation.paths import bundled_scenes
    from installation.scene.palettes import PALETTES
    from installation.sound.models import VOICES
    from installation.visuals.layer import LAYERS
    from installation.visuals.post.base import POST

    def section(title: str, rows: list[tuple[str, str]]) -> None:
        print(f"{title}:")
        for name, text in rows:
            print(f"  {name:<18} {text}")
        if not rows:
            print("  (none)")
        print()

    section("layers", [(n, c.summary()) for n, c in LAYERS])
    section("post effects", [(n, c.summary()) for n, c in POST])
    section("voices", [(n, c.summary()) for n, c in VOICES])
    section("palettes", [(n, ", ".join(p)) for n, p in PALETTES.items()])
    section("scenes", [(p.stem, str(p)) for p in bundled_scenes()])
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    _headless()
    from installation.bench import bench_audio, bench_frames, format_table
    from installation.paths import bundled_scenes, resolve_scene

    paths = [resolve_scene(s) for s in args.scenes] or bundled_scenes()
    sizes = [parse_size(s) for s in (args.size or ["1280x720", "1920x1080"])]
    if args.frames < 1:
        raise UsageError("--frames must be at least 1")
    if args.render:
        from installation.bench import bench_render, format_render_table

        rows = []
        for path in paths:
            for size in sizes:
                for jobs in (1, 2) if size[1] > 720 else (1,):
                    rows.append(bench_render(path, size, args.frames, jobs=jobs))
                    if not args.json:
                        print(
                            f"  {path.stem} {size[0]}x{size[1]} jobs {jobs}: done", file=sys.stderr
                        )
        print(json.dumps(rows, indent=2) if args.json else format_render_table(rows))
        return EXIT_OK
    rows = []
    for path in paths:
        audio = bench_audio(path) if args.audio else None
        for size in sizes:
            rows.append(bench_frames(path, size, args.frames))
            if args.adaptive is not None:
                budget = args.adaptive if args.adaptive > 0 else (6.0 if size[1] <= 720 else 11.0)
                rows.append(bench_frames(path, size, args.frames, budget_ms=budget))
        for row in rows:
            if audio is not None and row["scene"] == path.stem:
                row["audio_x_realtime"] = audio
        if not args.json:
            print(f"  {path.stem}: done", file=sys.stderr)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="installation", description="Generative audio-visual scenes, written as YAML."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scene and show files and report every mistake")
    p.add_argument("paths", nargs="+", help="scene or show files, or folders of them")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--json", action="store_true", help="a JSON report for tools")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("schema", help="write the JSON Schema of scenes and shows (for editors)")
    p.add_argument("--out", default="docs", help="folder (docs)")
    p.set_defaults(run=cmd_schema)

    p = sub.add_parser("docs", help="write the reference (Markdown, thumbnails) and the schemas")
    p.add_argument("--out", default="docs", help="folder (docs)")
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("new", help="start a new scene from a bundled one")
    p.add_argument("name", help="the new scene's id, kebab-case")
    p.add_argument("--from", dest="template", default="magic-hour", help="scene to start from")
    p.add_argument("--dir", default="scenes", help="where to write it (scenes)")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("render", help="render a scene or show to frames, a video or a WAV file")
    p.add_argument("target", help="a scene or show: a file, or the id of a bundled one")
    length = p.add_mutually_exclusive_group(required=True)
    length.add_argument("--frames", type=int, help="number of frames")
    length.add_argument("--seconds", type=float, help="length in seconds")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (30)")
    p.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT (1280x720)")
    p.add_argument("--start", type=float, default=0.0, help="time of the first frame, s")
    p.add_argument(
        "--out", required=True,
        help="a folder (frame_00000.png ... and audio.wav), or a .mp4, .mkv, .webm or .wav file",
    )  # fmt: skip
    p.add_argument(
        "--quality", choices=("draft", "good", "best"), default="good", help="encoder settings"
    )
    p.add_argument("--jobs", type=int, default=1, help="worker processes painting frames (1)")
    p.add_argument("--no-audio", action="store_true", help="picture only")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("still", help="one frame of a scene or show to a PNG (a poster)")
    p.add_argument("target", help="a scene or show: a file, or the id of a bundled one")
    p.add_argument("--at", type=float, default=0.0, help="time of the frame, s")
    p.add_argument("--size", default="1920x1080", help="WIDTHxHEIGHT (1920x1080)")
    p.add_argument("--out", required=True, help="a .png file")
    p.set_defaults(run=cmd_still)

    p = sub.add_parser("listen", help="render a scene's sound offline to a WAV file")
    p.add_argument("scene", help="a scene file, or the id of a bundled scene")
    p.add_argument("--seconds", type=float, required=True, help="length in seconds")
    p.add_argument("--out", required=True, help="a .wav file (48 kHz, 24-bit, stereo)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(run=cmd_listen)

    p = sub.add_parser("devices", help="list audio output devices")
    p.set_defaults(run=cmd_devices)

    p = sub.add_parser("sheet", help="a contact sheet: frames of scenes in a grid")
    p.add_argument("scenes", nargs="*", help="scenes or shows (default: every bundled scene)")
    p.add_argument("--out", required=True, help="a .png or .jpg file")
    p.add_argument("--columns", type=int, default=4, help="frames per scene (4)")
    p.add_argument("--tile", default="384x216", help="size of each frame (384x216)")
    p.set_defaults(run=cmd_sheet)

    p = sub.add_parser("play", help="play a scene or a show in a window or fullscreen")
    p.add_argument(
        "target", nargs="?", help="a scene or show (file or id); default: the bundled show"
    )
    screen = p.add_mutually_exclusive_group()
    screen.add_argument("--fullscreen", action="store_true", help="fill the monitor")
    screen.add_argument("--windowed", action="store_true", help="a window, whatever the show says")
    p.add_argument("--display", type=int, help="monitor number, 0 the first")
    p.add_argument("--size", help="render size WIDTHxHEIGHT (default 1280x720, or the show's)")
    p.add_argument("--fps", type=float, help="target frames per second (default 60)")
    p.add_argument("--no-audio", action="store_true", help="picture only")
    p.add_argument("--audio-device", help="output device by index or (part of its) name")
    p.add_argument(
        "--osc", default="127.0.0.1:9000", help="remote control address (127.0.0.1:9000)"
    )
    p.add_argument("--no-osc", action="store_true", help="no remote control")
    p.add_argument(
        "--state-dir", help="log file and heartbeat (default ~/.local/state/installation)"
    )
    p.add_argument("--exit-after", type=float, help="stop after this many seconds")
    p.add_argument("--frames", type=int, help="stop after this many frames")
    p.add_argument(
        "--soak", type=float, metavar="MINUTES", help="soak test: run sped up, report memory"
    )
    p.add_argument("--speed", type=float, help="scene changes this many times sooner (soak: 30)")
    p.add_argument("--at", type=float, default=0.0, help="start the scene at this time, s (tuning)")
    p.add_argument("--loop", help="play only this span of the scene, e.g. 20-35 (tuning)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.set_defaults(run=cmd_play)

    p = sub.add_parser("list", help="layers, post effects, voices, palettes and bundled scenes")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser("bench", help="frame-time figures of the renderer per scene")
    p.add_argument("scenes", nargs="*", help="scenes (default: every bundled scene)")
    p.add_argument("--size", action="append", help="WIDTHxHEIGHT; repeat for several")
    p.add_argument("--frames", type=int, default=120, help="frames timed per scene and size")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--adaptive",
        type=float,
        nargs="?",
        const=-1,
        default=None,
        metavar="MS",
        help="also measure with the player's adaptive quality holding MS per frame "
        "(default: 6 ms at 720p, 11 ms above)",
    )
    p.add_argument(
        "--no-audio", dest="audio", action="store_false", help="skip the offline audio speed"
    )
    p.add_argument(
        "--render", action="store_true",
        help="render+encode with sound against encoding alone (1080p also with --jobs 2)",
    )  # fmt: skip
    p.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from installation.scene.errors import SceneError

    try:
        return args.run(args)
    except UsageError as err:
        print(f"installation {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SceneError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        print(f"installation {args.command}: {err}", file=sys.stderr)
        return EXIT_FAILURE
