"""render, still, sheet: pictures and films, headless."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from installation.commands.common import (
    EXIT_OK,
    UsageError,
    check_writable,
    headless,
    parse_size,
    parse_view,
    scene_or_show,
)


def cmd_render(args: argparse.Namespace) -> int:
    headless()
    from tqdm import tqdm

    from installation.render.pipeline import Job, output_kind, run_render

    view = parse_view(args)
    size = view.size if view is not None else parse_size(args.size)
    if not 1 <= args.fps <= 240:
        raise UsageError(f"--fps must be between 1 and 240, not {args.fps:g}")
    if args.start < 0:
        raise UsageError(f"--start must not be negative, not {args.start:g}")
    if not 1 <= args.jobs <= 64:
        raise UsageError(f"--jobs must be between 1 and 64, not {args.jobs}")
    if args.scheduler and args.jobs > 1:
        raise UsageError("--jobs and --scheduler both spread the painting: choose one")
    source = scene_or_show(args.target)
    start, seam = args.start, 0.0
    if args.loop:
        count, start, seam = _one_loop(source, args)
    elif args.frames is None and args.seconds is None:
        raise UsageError("say how long: --frames N, --seconds S, or --loop (one whole loop)")
    else:
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
    check_writable(out if kind == "folder" else out.parent, out)
    opens_at = _wall_time(args.opens_at) if args.opens_at else None
    if opens_at is not None:  # the show's clock at the first frame, --start included
        opens_at -= dt.timedelta(seconds=start)
    job = Job(
        source, out, size, args.fps, start, count, args.quality, args.jobs,
        not args.no_audio, opens_at, view, seam,
    )  # fmt: skip
    with tqdm(total=count, unit="frame", disable=args.quiet, desc=source.stem) as bar:

        def say(message: str) -> None:
            if not args.quiet:
                tqdm.write(message, file=sys.stderr)

        try:
            written, interrupted = run_render(
                job, progress=bar.update, scheduler=args.scheduler, say=say,
                ready=lambda: bar.reset(total=count),  # time left, from the frames alone
            )  # fmt: skip
        except ValueError as err:
            raise UsageError(str(err)) from None
        except _farm_error() as err:
            raise UsageError(str(err)) from None
    if interrupted:
        print(f"interrupted: {out} holds the first {written} frames, playable", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"wrote {written} frames of '{source.stem}' to {out}", file=sys.stderr)
    return EXIT_OK


#: the longest a loop's sound takes to fade from its end into its start
LOOP_SEAM_SECONDS = 4.0


def _one_loop(source: Path, args: argparse.Namespace) -> tuple[int, float, float]:
    """(frames, start, seam) of ``render --loop``: the scene's second loop, whole frames."""
    from installation.scene.loader import load_scene
    from installation.scene.show import is_show_file

    if args.start or args.opens_at:
        raise UsageError("--loop starts where the loop does: leave out --start and --opens-at")
    if is_show_file(source):
        raise UsageError("--loop writes one loop of a scene; a show has no single loop")
    loop = load_scene(source).clock.loop
    if loop is None:
        raise UsageError(f"'{source.stem}' does not loop (it has no `loop:`): nothing to repeat")
    frames = loop * args.fps
    if abs(frames - round(frames)) > 1e-6:
        raise UsageError(
            f"a loop of {loop:g} s is {frames:g} frames at {args.fps:g} fps: a file that repeats "
            "needs whole frames; choose an --fps that makes it whole"
        )
    # the second time round: the arrival is over, the sound is in its stride
    return round(frames), loop, min(LOOP_SEAM_SECONDS, loop / 4)


def _farm_error() -> type[Exception]:
    from installation.render.farm import FarmError

    return FarmError


def _wall_time(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--opens-at takes a date and time like 2026-11-27T19:30, not '{text}'"
        ) from None


def cmd_still(args: argparse.Namespace) -> int:
    """One frame, the very frame ``render`` makes at that moment: the sound is rendered up to
    it, so the layers that follow the sound see what they would in the film."""
    headless()

    from installation.render.frames import frame_bytes, save_picture
    from installation.render.program import FramePainter, load_program

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise UsageError(f"--out must be a .png or .jpg file, not '{out.name}'")
    if args.at < 0:
        raise UsageError(f"--at must not be negative, not {args.at:g}")
    if not 1 <= args.fps <= 240:
        raise UsageError(f"--fps must be between 1 and 240, not {args.fps:g}")
    view = parse_view(args)
    size = view.size if view is not None else parse_size(args.size)
    source = scene_or_show(args.target)
    check_writable(out.parent if str(out.parent) else Path("."))
    program = load_program(source, args.at + 1)
    features, note = None, ""
    if program.has_sound and _follows_sound(program):
        if args.no_audio:
            note = "; --no-audio: the layers that follow the sound rest at their lowest"
        else:
            features = _features_at(program, args.at, args.fps, source)
    painter = FramePainter(program, size, view)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_picture(frame_bytes(painter.paint(args.at, features)), size, out)
    print(f"wrote {out} ({source.stem} at {args.at:g} s{note})", file=sys.stderr)
    return EXIT_OK


def _follows_sound(program) -> bool:
    """Whether the picture of any of the program's scenes with sound follows it."""
    from installation.scene.followers import followers

    return any(followers(part.scene) for part in program.parts if part.scene.sound is not None)


def _features_at(program, at: float, fps: float, source: Path) -> dict | None:
    """The sound's features at frame ``at * fps``, as ``render`` computes them: the sound is
    rendered from the start up to that frame (a long way in, this takes a moment: it says so)."""
    from installation.render.mix import open_mix

    frame = round(at * fps)
    mix = open_mix(
        program, fps, frame / fps, 1, say=lambda message: print(message, file=sys.stderr)
    )
    try:
        return mix.mix_frame(frame)[1]
    finally:
        mix.close()


def cmd_sheet(args: argparse.Namespace) -> int:
    headless()
    from installation.paths import bundled_scenes
    from installation.render.sheet import render_sheet
    from installation.scene.loader import load_scene
    from installation.scene.show import is_show_file, load_show

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise UsageError(f"--out must end in .png or .jpg, not '{out.name}'")
    if not 1 <= args.columns <= 12:
        raise UsageError("--columns must be between 1 and 12")
    paths = []
    for name in args.scenes:
        source = scene_or_show(name)
        paths += (
            [item.path for item in load_show(source).items] if is_show_file(source) else [source]
        )
    scenes = [load_scene(p) for p in paths or bundled_scenes()]
    render_sheet(scenes, out, columns=args.columns, tile=parse_size(args.tile))
    print(f"wrote a contact sheet of {len(scenes)} scene(s) to {out}", file=sys.stderr)
    return EXIT_OK


def cmd_arc(args: argparse.Namespace) -> int:
    """How far each scene's light travels over its loop, and its largest frame-to-frame step."""
    headless()
    import json

    from installation.paths import bundled_scenes
    from installation.render.arc import colour_arc
    from installation.scene.loader import load_scene

    paths = [scene_or_show(name) for name in args.scenes] or bundled_scenes()
    rows = []
    for path in paths:
        arc = colour_arc(load_scene(path), moments=args.moments)
        rows.append(arc)
        if not args.json:
            print(
                f"{arc.scene:18s} {arc.span:6.0f} s   travel {arc.travel:5.1f} dE"
                f"   largest step {arc.step:4.2f} dE (at {arc.step_at:.1f} s)"
            )
    if args.json:
        print(json.dumps([vars(a) for a in rows], indent=2))
    return EXIT_OK
