"""bench: speed figures."""

from __future__ import annotations

import argparse
import json
import sys

from installation.commands.common import (
    EXIT_OK,
    UsageError,
    headless,
    parse_size,
)


def cmd_bench(args: argparse.Namespace) -> int:
    headless()
    from installation.bench import (
        bench_audio,
        bench_frames,
        format_table,
        full_frame_ms,
        in_passes,
    )
    from installation.paths import bundled_scenes, resolve_scene

    paths = [resolve_scene(s) for s in args.scenes] or bundled_scenes()
    sizes = [parse_size(s) for s in (args.size or ["1280x720", "1920x1080"])]
    if args.frames is None:
        args.frames = 480 if args.farm else 120
    if args.frames < 1:
        raise UsageError("--frames must be at least 1")
    if args.passes:
        from installation.visuals.passes import format_passes, time_passes

        for size in sizes if args.size else [(1920, 1080)]:
            rows = time_passes(size)
            print(json.dumps(rows, indent=2) if args.json else format_passes(rows))
        return EXIT_OK
    if args.farm:
        from installation.bench import bench_farm, format_farm_table

        path = paths[0] if args.scenes else resolve_scene("magic-hour")
        size = sizes[0] if args.size else (1920, 1080)
        rows = bench_farm(path, size, args.frames)
        print(json.dumps(rows, indent=2) if args.json else format_farm_table(rows))
        return EXIT_OK
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
    before = full_frame_ms()
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
    unit = (before + full_frame_ms()) / 2  # the machine's speed, at both ends of the run
    in_passes(rows, unit)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows, unit))
    return EXIT_OK
