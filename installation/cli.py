"""The ``installation`` command: the parser and main; the commands live in installation/commands/."""

from __future__ import annotations

import argparse
import os
import sys

# Before pygame or pyo are imported anywhere: no banner, no GUI toolkit, no window needed.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("PYO_GUI_WX", "0")

from installation.commands.bench import cmd_bench
from installation.commands.common import EXIT_FAILURE, EXIT_USAGE, UsageError
from installation.commands.play import cmd_play
from installation.commands.render import cmd_arc, cmd_render, cmd_sheet, cmd_still
from installation.commands.scenes import cmd_docs, cmd_list, cmd_new, cmd_schema, cmd_validate
from installation.commands.sound import cmd_devices, cmd_listen, cmd_sound_report

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="installation", description="Generative audio-visual scenes, written as YAML."
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scene and show files and report every mistake")
    p.add_argument("paths", nargs="+", help="scene or show files, or folders of them")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--json", action="store_true", help="a JSON report for tools")
    p.add_argument(
        "--strict", action="store_true",
        help="warnings (valid, but perhaps not what was meant) fail too: exit 2",
    )  # fmt: skip
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("schema", help="the JSON Schema of scenes (or shows), for editors")
    p.add_argument(
        "--out", help="a folder to write scene.schema.json and show.schema.json into "
        "(default: print the schema)",
    )  # fmt: skip
    p.add_argument("--show", action="store_true", help="print the show schema, not the scene's")
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
    length = p.add_mutually_exclusive_group()
    length.add_argument("--frames", type=int, help="number of frames")
    length.add_argument("--seconds", type=float, help="length in seconds")
    length.add_argument(
        "--loop", action="store_true",
        help="exactly one loop of a looping scene, its sound's end faded into its start: a file "
        "a media player repeats without a seam",
    )  # fmt: skip
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (30)")
    p.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT (1280x720)")
    p.add_argument("--start", type=float, default=0.0, help="time of the first frame, s")
    p.add_argument(
        "--out", required=True,
        help="a folder (frame_00000.png ... and audio.wav), or a .mp4, .mkv, .webm or .wav file",
    )  # fmt: skip
    p.add_argument(
        "--quality", choices=("draft", "good", "best"), default="good",
        help="encoder settings; the picture's rate is capped at 6, 14 or 40 Mbit/s at 1080p30 "
        "(scaled by pixels a second; the README has each preset's sizes)",
    )  # fmt: skip
    p.add_argument("--jobs", type=int, default=1, help="worker processes painting frames (1)")
    p.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="paint and encode on a Dask cluster: HOST:PORT of its scheduler, or local:N for N "
        "worker processes here",
    )  # fmt: skip
    _wall_arguments(p)
    p.add_argument("--no-audio", action="store_true", help="picture only")
    p.add_argument(
        "--opens-at", metavar="DATE-TIME",
        help="a show's wall-clock time at --start, like 2026-11-27T19:30: its opening hours "
        "apply (default: always open)",
    )  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("still", help="one frame of a scene or show to a PNG or JPEG (a poster)")
    p.add_argument("target", help="a scene or show: a file, or the id of a bundled one")
    p.add_argument("--at", type=float, default=0.0, help="time of the frame, s")
    p.add_argument("--size", default="1920x1080", help="WIDTHxHEIGHT (1920x1080)")
    p.add_argument("--out", required=True, help="a .png or .jpg file")
    p.add_argument(
        "--fps", type=float, default=30.0,
        help="the film's frame rate, for the sound its followers see (30, as render)",
    )  # fmt: skip
    p.add_argument(
        "--no-audio", action="store_true",
        help="skip the sound: quicker, but layers that follow it rest at their lowest",
    )  # fmt: skip
    _wall_arguments(p)
    p.set_defaults(run=cmd_still)

    p = sub.add_parser("listen", help="render a scene's sound offline to a WAV file")
    p.add_argument("scene", help="a scene file, or the id of a bundled scene")
    p.add_argument(
        "--seconds", type=float, help="length in seconds (default: one loop, or five minutes)"
    )
    p.add_argument("--out", required=True, help="a .wav file (48 kHz, 24-bit, stereo)")
    p.add_argument("--start", type=float, default=0.0, help="from this time in the scene, s")
    p.add_argument(
        "--solo", metavar="VOICE",
        help="only this voice (its kind or id), as it plays in the mix: same theme and room",
    )  # fmt: skip
    p.add_argument(
        "--stats",
        action="store_true",
        help="print what a mixing engineer measures: loudness, short-term range, spectral "
        "slope, air and mud, true peak, stereo correlation",
    )
    p.add_argument(
        "--spectrogram", action="store_true", help="also write a spectrogram PNG beside it"
    )
    p.add_argument("--json", action="store_true", help="with --stats: the figures as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(run=cmd_listen)

    p = sub.add_parser(
        "sound-report",
        help="measure each scene's calibrated sound over the loop after the one it was tuned on",
    )
    p.add_argument("scenes", nargs="*", help="scene files or ids (default: every bundled scene)")
    p.add_argument(
        "--seconds", type=float, help="length measured (default: a loop, or five minutes)"
    )
    p.set_defaults(run=cmd_sound_report)

    p = sub.add_parser("devices", help="list audio output devices")
    p.set_defaults(run=cmd_devices)

    p = sub.add_parser("sheet", help="a contact sheet: frames of scenes in a grid")
    p.add_argument("scenes", nargs="*", help="scenes or shows (default: every bundled scene)")
    p.add_argument("--out", required=True, help="a .png or .jpg file")
    p.add_argument("--columns", type=int, default=4, help="frames per scene (4)")
    p.add_argument("--tile", default="384x216", help="size of each frame (384x216)")
    p.set_defaults(run=cmd_sheet)

    p = sub.add_parser(
        "arc",
        help="how far each scene's light travels over its loop (CIELAB dE between its moments)"
        " and its largest step between two frames",
    )
    p.add_argument("scenes", nargs="*", help="scene files or ids (default: every bundled scene)")
    p.add_argument("--moments", type=int, default=12, help="moments measured over the loop (12)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=cmd_arc)

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
        "--console", metavar="[HOST]:PORT",
        help="a web page for the curator: what plays, a thumbnail, figures, the log, the day's "
        "schedule, and buttons (token printed at start); on 127.0.0.1 unless HOST is given, "
        "e.g. :8080 or 0.0.0.0:8080",
    )  # fmt: skip
    p.add_argument(
        "--fresh", action="store_true",
        help="start the show from the top, not where it would be now after a restart",
    )  # fmt: skip
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
    _wall_arguments(p)
    p.add_argument(
        "--link", action="store_true",
        help="share the show's clock with the other players on the network (Ableton Link): "
        "a video wall's screens play the same moment; a late one catches up",
    )  # fmt: skip
    p.add_argument(
        "--screen", metavar="NAME",
        help="this machine's screen of the show's video wall (its `wall:`): its viewport, the "
        "shared clock (--link), and the sound if the wall gives it this screen",
    )  # fmt: skip
    p.add_argument("--frame-log", metavar="FILE", help=argparse.SUPPRESS)  # sync measurements
    p.add_argument("--loop", help="play only this span of the scene, e.g. 20-35 (tuning)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.set_defaults(run=cmd_play)

    p = sub.add_parser("list", help="layers, post effects, voices, palettes and bundled scenes")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser("bench", help="frame-time figures of the renderer per scene")
    p.add_argument("scenes", nargs="*", help="scenes (default: every bundled scene)")
    p.add_argument("--size", action="append", help="WIDTHxHEIGHT; repeat for several")
    p.add_argument("--frames", type=int, help="frames timed per scene and size (120; --farm: 480)")
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
        "--farm", action="store_true",
        help="render-farm throughput: one process against Dask with 1 and 2 local workers "
        "(default magic-hour, 1920x1080, 480 frames)",
    )  # fmt: skip
    p.add_argument(
        "--render", action="store_true",
        help="render+encode with sound against encoding alone (1080p also with --jobs 2)",
    )  # fmt: skip
    p.add_argument(
        "--passes", action="store_true",
        help="what each pass of the lens, the light and the film costs alone (default 1920x1080)",
    )  # fmt: skip
    p.set_defaults(run=cmd_bench)
    return parser


class _Version(argparse.Action):
    """``--version``: printed as it is (argparse's own action wraps a long path)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object):
        super().__init__(option_strings, dest, nargs=0, help="say the version, and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


def _version() -> str:
    """``installation 0.1.0``, and where the bundled scenes, assets and reference are: what a
    technician installing it on five machines looks for first."""
    from installation import __version__
    from installation.paths import BUNDLED

    return f"installation {__version__} (bundled scenes, assets and reference: {BUNDLED})"


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


def _wall_arguments(p: argparse.ArgumentParser) -> None:
    """A video wall's screen: the whole picture, and this screen's part of it."""
    p.add_argument(
        "--canvas", metavar="WxH",
        help="a video wall's whole picture, e.g. 3840x2160; with --viewport, this machine "
        "draws it and shows its part",
    )  # fmt: skip
    p.add_argument(
        "--viewport", metavar="X,Y,W,H",
        help="this screen's part of --canvas, in its pixels, e.g. 1920,0,1920,1080",
    )  # fmt: skip
