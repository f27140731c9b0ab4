"""validate, schema, docs, new, list: working with scene files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from installation.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    check_writable,
    headless,
    scene_or_show,
)


def cmd_validate(args: argparse.Namespace) -> int:
    from installation.paths import expand
    from installation.scene.errors import SceneError
    from installation.scene.loader import load_scene
    from installation.scene.show import is_show_file, load_show

    files = expand(args.paths)
    if not files:
        raise UsageError("no scene files found in " + ", ".join(args.paths))
    problems, warnings, report = [], [], []
    for path in files:
        try:
            loaded = load_show(path) if is_show_file(path) else load_scene(path)
        except SceneError as err:
            problems += err.problems
            report.append({"file": str(path), "ok": False, "warnings": [],
                           "problems": [p.as_dict() for p in err.problems]})  # fmt: skip
            continue
        found = list(getattr(loaded, "warnings", ()))
        warnings += found
        report.append({"file": str(path), "ok": not (found and args.strict), "problems": [],
                       "warnings": [w.as_dict() for w in found]})  # fmt: skip
        if not args.quiet and not args.json:
            said = f"ok, {len(found)} warning(s)" if found else "ok"
            print(f"{path}: {said}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for problem in [*problems, *warnings]:
            print(problem.for_editors())
    return EXIT_USAGE if problems or (warnings and args.strict) else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """The schema on standard output (``> scene.schema.json``), or both files into ``--out``."""
    import json

    from installation.authoring import scene_schema, show_schema, write_schemas

    if args.out is None:
        print(json.dumps(show_schema() if args.show else scene_schema(), indent=2))
        return EXIT_OK
    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    headless()
    from installation.authoring import write_docs, write_schemas

    written = write_docs(Path(args.out)) + write_schemas(Path(args.out))
    print(
        f"wrote {len(written)} files to {args.out}/ (reference.md, schemas, layer thumbnails, palette swatches)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    import re

    from installation.authoring import new_scene_text, schema_reference
    from installation.scene.loader import parse_scene

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.name):
        raise UsageError(f"a scene name is kebab-case, like 'evening-walk', not '{args.name}'")
    template = scene_or_show(args.template)
    out = Path(args.dir) / f"{args.name}.yaml"
    if out.exists():
        raise UsageError(f"{out} exists already: choose another name")
    check_writable(out.parent, out)
    text = new_scene_text(args.name, template, schema_reference(out.parent))
    parse_scene(text, str(out))  # it must validate before it is written
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"wrote {out}: try `installation play {out}`", file=sys.stderr)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from installation.paths import bundled_scenes
    from installation.scene.palettes import PALETTES
    from installation.scene.sound import VOICES
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
