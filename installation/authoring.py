"""Authoring tools: the JSON Schema of scenes and shows, the reference docs, new scenes.

All of it is generated from the registries and the same pydantic models the validator uses,
so a new layer, effect or voice appears everywhere without another edit.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from installation.scene.expr import FUNCTIONS, NAMES
from installation.scene.models import SceneHeader, TimelineEvent
from installation.scene.palettes import PALETTES
from installation.scene.sound import KEYS, MODES, VOICES, MasterParams
from installation.scene.values import BANDS, EASES, LFO_SHAPES, Bounds
from installation.visuals.layer import LAYERS
from installation.visuals.post.base import POST

__all__ = [
    "layer_thumbnail_scene",
    "new_scene_text",
    "reference_markdown",
    "scene_schema",
    "show_schema",
    "write_docs",
    "write_schemas",
]

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


class _Defs:
    """Collects model schemas into one shared ``$defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def model(self, model: type[BaseModel], drop: tuple[str, ...] = ()) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        self.defs.update(schema.pop("$defs", {}))
        for name in drop:
            schema.get("properties", {}).pop(name, None)
            if name in schema.get("required", []):
                schema["required"].remove(name)
        return schema


def _entries(defs: _Defs, key: str, registry: Any) -> dict[str, Any]:
    """One schema per registered kind, chosen by the value of ``key`` (layer:, voice:)."""
    options = []
    for name, cls in registry:
        schema = defs.model(cls.Params)
        schema["properties"] = {
            key: {"const": name, "description": cls.summary()},
            **schema["properties"],
        }
        schema.setdefault("required", []).insert(0, key)
        schema["title"] = name
        options.append(
            {"if": {"properties": {key: {"const": name}}, "required": [key]}, "then": schema}
        )
    names = [name for name, _ in registry]
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"enum": names}},
        "allOf": options,
    }


def scene_schema() -> dict[str, Any]:
    defs = _Defs()
    header = defs.model(SceneHeader)
    post_props = {}
    for name, cls in POST:
        effect = defs.model(cls.Params)
        effect["description"] = cls.summary()
        shorthand = cls.shorthand and cls.Params.model_json_schema()["properties"].get(
            cls.shorthand
        )
        post_props[name] = {"anyOf": [effect, shorthand]} if shorthand else effect
    sound = defs.model(_SoundShape)
    sound["properties"]["voices"] = {"type": "array", "items": _entries(defs, "voice", VOICES)}
    sound["properties"]["master"] = defs.model(MasterParams)
    header["properties"]["visuals"] = {"type": "array", "items": _entries(defs, "layer", LAYERS)}
    header["properties"]["post"] = {
        "type": "object",
        "properties": post_props,
        "additionalProperties": False,
    }
    header["properties"]["sound"] = sound
    header["properties"]["timeline"] = {"type": "array", "items": defs.model(TimelineEvent)}
    return {"$schema": SCHEMA_URL, "title": "installation scene", **header, "$defs": defs.defs}


class _SoundShape(BaseModel):
    """The sound section as the schema shows it (voices and master are filled in above)."""

    model_config = {"extra": "forbid"}
    key: typing.Literal[KEYS] = "D"  # type: ignore[valid-type]
    mode: typing.Literal[MODES] = "lydian"  # type: ignore[valid-type]
    voices: list = []
    master: dict = {}


def show_schema() -> dict[str, Any]:
    from installation.scene.show import ShowModel

    defs = _Defs()
    schema = defs.model(ShowModel)
    return {"$schema": SCHEMA_URL, "title": "installation show", **schema, "$defs": defs.defs}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("scene", scene_schema()), ("show", show_schema())):
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n")
        written.append(path)
    return written


# -- the reference ---------------------------------------------------------------------------


def _type(info: Any) -> str:
    for meta in info.metadata:
        if isinstance(meta, Bounds):
            return f"number or modulation, {meta.lo:g} to {meta.hi:g}"
    text = _words(info.annotation)
    for meta in info.metadata:
        for attr, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                text += f", {word} {getattr(meta, attr):g}"
    return text


def _plural(words: str) -> str:
    """'colour' -> 'colours', 'mapping (below)' -> 'mappings (below)', '[x, y]' -> '[x, y] points'."""
    if words.startswith("["):
        return f"{words} points"
    if words == "text":
        return "words"
    head, _, tail = words.partition(" (")
    return f"{head}s ({tail}" if tail else f"{head}s"


def _words(annotation: Any) -> str:
    """A type annotation in words an artist reads: 'colour', 'list of colours', 'one of a, b'."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        if "_colour" in repr(args[1:]):
            return "colour"
        if "Bounds" in repr(args[1:]):
            return "number or modulation"
        return _words(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        text = " or ".join(_words(a) for a in kept)
        return f"{text} (optional)" if len(kept) < len(args) else text
    if annotation is typing.Any:
        return "value"
    if origin is tuple and args == (int, int, int):
        return "colour"
    if origin is tuple and all(a is float for a in args):
        return "[x, y]" if len(args) == 2 else f"list of {len(args)} numbers"
    if origin is list:
        return (
            f"list of {_plural(_words(args[0]))}" if args and args[0] is not typing.Any else "list"
        )
    if origin is dict:
        return "mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping (below)"
    return {float: "number", int: "whole number", bool: "true or false", str: "text"}.get(
        annotation, str(annotation)
    )


def _default(info: Any) -> str:
    if info.default_factory is not None:
        value = info.default_factory()
        return "(a mapping)" if isinstance(value, BaseModel | dict) else repr(value)
    value = info.default
    if value is None or value == "":
        return "none"
    if isinstance(value, tuple) and len(value) == 3 and all(isinstance(c, int) for c in value):
        return "`#{:02X}{:02X}{:02X}`".format(*value)
    if isinstance(value, BaseModel):
        return "(a mapping)"
    return f"`{value}`"


def _table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    rows = ["| key | type | default | what it does |", "| --- | --- | --- | --- |"]
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        default = "required" if info.is_required() else _default(info)
        what = _markdown(info.description or "")
        rows.append(f"| `{name}` | {_type(info)} | {default} | {what} |")
    for name, info in model.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is not None and name not in skip:
            rows += ["", f"`{name}` takes:", "", *_table(nested)]
    return rows


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _section(
    heading: str, name: str, cls: Any, skip: tuple[str, ...], extra: str = ""
) -> list[str]:
    """One layer, effect or voice: its name, its line, an extra line, its table of keys."""
    lines = [f"{heading} `{name}`", "", _markdown(cls.summary()), ""]
    if extra:
        lines += [extra, ""]
    return [*lines, *_table(cls.Params, skip=skip), ""]


def _markdown(text: str) -> str:
    """Docstring text (reStructuredText's ``code``) as Markdown (`code`)."""
    return text.replace("``", "`")


def reference_markdown(thumbnails: str | None = "layers") -> str:
    """The whole reference, as Markdown; layer thumbnails are linked from ``thumbnails/``."""
    from installation.scene.show import ShowModel

    out = [
        "# Reference",
        "",
        "Generated by `installation docs` from the models the validator uses; do not edit by hand.",
        "",
        "## Scene",
        "",
        *_table(SceneHeader, skip=("visuals", "post", "sound", "timeline")),
        "",
        "`visuals` is a list of layers, painted bottom to top; `post` a mapping of effects;",
        "`sound` the key, mode, voices and master; `timeline` a list of events:",
        "",
        *_table(TimelineEvent),
        "",
        "## Values",
        "",
        "Every parameter whose type says *number or modulation* takes any of:",
        "",
        "| form | example |",
        "| --- | --- |",
        "| a number | `0.4` |",
        f"| an LFO (`{' | '.join(LFO_SHAPES)}`) | `{{lfo: sine, period: 16, range: [0.5, 0.9], phase: 0.25}}` |",
        "| smooth noise (speed in cycles per second) | `{noise: 0.05, range: [0.2, 0.6]}` |",
        f"| keyframes (`ease`: {', '.join(EASES)}) | `{{keys: [[0, 0.2], [30, 0.8]], ease: in-out, loop: false}}` |",
        f"| an audio follower (`band`: {', '.join(BANDS)}) | `{{follow: {{voice: pad, band: low, amount: 1}}, range: [0.5, 0.9]}}` |",
        '| an expression | `"0.5 + 0.3*sin(t/8)"` |',
        "",
        f"Expressions know {', '.join(f'`{n}`' for n in NAMES)}, arithmetic (`+ - * / // % **`) and "
        f"{', '.join(f'`{f}`' for f in FUNCTIONS)}. They are compiled by a whitelist, never run as Python.",
        "",
        "Colours are `'#rrggbb'` or a palette name.",
        "",
        "## Layers",
        "",
        "Every layer also takes the keys of the base: "
        + ", ".join(f"`{k}`" for k in ("id", "blend", "opacity", "blur", "depth"))
        + ".",
        "",
    ]
    from installation.visuals.layer import LayerParams

    for name, cls in LAYERS:
        picture = f"![{name}]({thumbnails}/{name}.png)" if thumbnails else ""
        out += _section("###", name, cls, tuple(LayerParams.model_fields), picture)
    out += ["## Post effects", "", "A bare number sets the effect's first key: `grain: 0.03`.", ""]
    for name, cls in POST:
        shorthand = f"Shorthand: `{cls.shorthand}`." if cls.shorthand else ""
        out += _section("###", name, cls, (), shorthand)
    from installation.scene.sound import VoiceParams

    out += [
        "## Sound",
        "",
        f"`key`: one of {', '.join(KEYS)}. `mode`: one of {', '.join(MODES)}.",
        "",
        "### `master`",
        "",
        *_table(MasterParams),
        "",
        "### Voices",
        "",
        "Every voice also takes " + ", ".join(f"`{k}`" for k in VoiceParams.model_fields) + ".",
        "",
    ]
    for name, cls in VOICES:
        out += _section("####", name, cls, tuple(VoiceParams.model_fields))
    out += [
        "## Palettes",
        "",
        "A scene's `palette:` names the colours its layers draw from where a colour is not "
        "given; any colour key takes any name below (from whichever palette) or `'#rrggbb'`. A "
        "colour that is redrawn (a sky's, a haze's) can also change: `{keys: [[0, rose-dust], "
        "[90, dusk-blue]]}` glides from key to key in OKLab (eased, a straight line in how "
        "colour is seen, so rose to blue passes through mauve, not grey), and the timeline's "
        "`set` with a `ramp` does the same from its moment on.",
        "",
    ]
    for name, colours in PALETTES.items():
        swatch = f"![{name}](palettes/{name}.png)\n\n" if thumbnails else ""
        out += [f"### {name}", "", swatch + ", ".join(f"{k} `{v}`" for k, v in colours.items()), ""]
    out += ["## Show", "", *_table(ShowModel), ""]
    return "\n".join(line for line in out) + "\n"


# -- thumbnails and new scenes ---------------------------------------------------------------


def layer_thumbnail_scene(name: str) -> str:
    """A small scene showing one layer on a sky, with example values for required keys."""
    cls = LAYERS[name]
    entry = f"  - layer: {name}\n"
    timeline = ""
    for field, info in cls.Params.model_fields.items():
        if field == "cue":  # the layer shows something on a cue: give it one
            cue = "tick" if info.is_required() else info.default
            if info.is_required():
                entry += f"    cue: {cue}\n"
            timeline = f"timeline:\n  - at: 0.5\n    cue: {cue}\n"
        elif info.is_required() and info.examples:  # a file: the bundled example
            entry += f"    {field}: {info.examples[0]}\n"
    sky = "" if name == "sky" else "  - layer: sky\n"
    return f"scene: thumbnail\nvisuals:\n{sky}{entry}{timeline}"


def write_docs(folder: Path, size: tuple[int, int] = (320, 180)) -> list[Path]:
    """docs/reference.md and a thumbnail of every layer in docs/layers/."""

    from installation.render.frames import frame_bytes, save_png
    from installation.scene.loader import parse_scene
    from installation.visuals.compositor import Compositor

    thumbs = folder / "layers"
    thumbs.mkdir(parents=True, exist_ok=True)
    written = []
    for name, _ in LAYERS:
        scene = parse_scene(layer_thumbnail_scene(name), f"<{name}>")
        path = thumbs / f"{name}.png"
        save_png(frame_bytes(Compositor(scene, size).render(3.0)), size, path)
        written.append(path)
    swatches = folder / "palettes"
    swatches.mkdir(parents=True, exist_ok=True)
    for name, colours in PALETTES.items():
        path = swatches / f"{name}.png"
        palette_swatch(colours).save(path)
        written.append(path)
    reference = folder / "reference.md"
    reference.write_text(reference_markdown("layers"))
    readme = folder.resolve().parent / "README.md"
    if readme.is_file() and _markers("layers")[0] in readme.read_text():  # in a checkout
        readme.write_text(readme_with_tables(readme.read_text()))
        written.append(readme)
    return [reference, *written]


# -- the README's tables -----------------------------------------------------------------------

README_TABLES = {
    "layers": ("layer", "what it paints", LAYERS),
    "post": ("post effect", "what it does", POST),
    "voices": ("voice", "what it is", VOICES),
}


def readme_table(name: str) -> str:
    """One of the README's tables, from the classes' own first paragraphs (as the reference)."""
    head, what, registry = README_TABLES[name]
    rows = [f"| `{kind}` | {_markdown(cls.summary())} |" for kind, cls in registry]
    return "\n".join([f"| {head} | {what} |", "| --- | --- |", *rows])


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: generated by `installation docs` -->", f"<!-- end of {name} -->"


def readme_with_tables(text: str) -> str:
    """``text`` (the README) with each generated table rewritten between its markers."""
    for name in README_TABLES:
        begin, end = _markers(name)
        start, stop = text.index(begin) + len(begin), text.index(end)
        text = text[:start] + "\n" + readme_table(name) + "\n" + text[stop:]
    return text


def palette_swatch(colours: dict[str, str], chip: int = 112) -> Any:
    """A palette as a row of chips, each with its name and hex under it (a PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=13)
    image = Image.new("RGB", (chip * len(colours), chip + 40), (246, 240, 232))
    draw = ImageDraw.Draw(image)
    for i, (name, hex_colour) in enumerate(colours.items()):
        x = i * chip
        draw.rectangle((x + 4, 4, x + chip - 5, chip - 5), fill=hex_colour)
        draw.text((x + 6, chip - 1), name, fill=(70, 52, 48), font=font)
        draw.text((x + 6, chip + 16), hex_colour.lower(), fill=(130, 110, 100), font=font)
    return image


SCHEMA_LINE = "# yaml-language-server: $schema="


def schema_reference(folder: Path) -> str:
    """What a scene in ``folder`` writes after ``$schema=`` so that its editor finds the
    schema: the checkout's ``docs/scene.schema.json`` relative to it, or, where there is none
    (an installed package), a ``scene.schema.json`` written beside the scene."""
    import os

    from installation.paths import CHECKOUT

    docs = CHECKOUT / "docs" / "scene.schema.json" if CHECKOUT is not None else None
    if docs is not None and docs.exists():
        return Path(os.path.relpath(docs.resolve(), folder.resolve())).as_posix()
    beside = folder / "scene.schema.json"
    if not beside.exists():
        folder.mkdir(parents=True, exist_ok=True)
        beside.write_text(json.dumps(scene_schema(), indent=2) + "\n")
    return "scene.schema.json"


def new_scene_text(name: str, template: Path, schema: str | None = None) -> str:
    """A copy of ``template`` renamed ``name``: it validates, looks and sounds good at once.
    ``schema``: where its ``$schema`` line points (see ``schema_reference``)."""
    lines = template.read_text().splitlines()
    out = [
        f"# {name}: made with `installation new {name} --from {template.stem}`.",
        "# Every key is documented in docs/reference.md; save while `installation play` runs",
        "# to see and hear each change.",
    ]
    for line in lines:
        if line.startswith("scene:"):
            line = f"scene: {name}"
        elif line.startswith("title:"):
            line = f"title: {name.replace('-', ' ').capitalize()}"
        elif line.startswith(SCHEMA_LINE) and schema is not None:
            line = SCHEMA_LINE + schema
        out.append(line)
    return "\n".join(out) + "\n"
