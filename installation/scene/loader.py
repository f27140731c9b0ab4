"""Load a scene file: YAML with positions → typed models → a :class:`Scene`, or every mistake.

Each section is checked on its own so that one run reports all mistakes of a file.
"""

from __future__ import annotations

import json
import operator
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel

from installation.clock import Change, Clock, ColourChange, ColourTrack, Cue, Track
from installation.registry import LAYERS, POST
from installation.scene.assets import scene_folder
from installation.scene.errors import Problem, SceneError, did_you_mean
from installation.scene.lint import silent_mistakes
from installation.scene.models import Entry, Scene, SceneHeader, TimelineEvent
from installation.scene.palettes import PALETTES, Colour, parse_colour
from installation.scene.params import colour_paths, numeric_paths
from installation.scene.sound import VOICES, SoundParams
from installation.scene.validate import validate_model
from installation.scene.values import _show, parse_value, stable_seed
from installation.scene.yamlpos import Document, Path, read_source, read_yaml

__all__ = ["load_scene", "parse_scene"]


def load_scene(path: str | FsPath) -> Scene:
    """Read and validate a scene file; raise :class:`SceneError` listing every problem."""
    return parse_scene(read_source(path), str(path))


def parse_scene(source: bytes | str, path: str = "<scene>") -> Scene:
    with scene_folder(path):  # asset paths are found from the scene file's folder
        return _parse_scene(source, path)


def _parse_scene(source: bytes | str, path: str) -> Scene:
    doc = read_yaml(source, path)
    if not isinstance(doc.data, dict):
        message = f"a scene is a mapping of keys (scene:, visuals:, ...), not {_show(doc.data)}"
        raise SceneError([doc.problem((), message)])
    problems: list[Problem] = []
    header, found = validate_model(SceneHeader, doc.data, doc, ())
    problems += found
    if header is not None:
        problems += _check_id(header, doc)
    data = doc.data
    layers = _entries(doc, data.get("visuals"), "visuals", problems)
    post = _post(doc, data.get("post"), problems)
    sound, voices = _sound(doc, data.get("sound"), problems)
    palette = _palette(doc, data.get("palette", "her"), problems)
    owners = {e.address: e for e in (*layers, *post, *voices)}
    failed = _failed_addresses(data, owners)
    master = (
        Entry("master", "sound.master", sound.master, where=("sound", "master"))
        if sound is not None
        else None
    )
    if master is not None:
        owners["sound.master"] = master
    camera = _camera(header)
    owners.update(camera)
    seed = header.seed if header else 0
    loop = header.loop if header else None
    cues = _timeline(doc, data.get("timeline"), owners, failed, seed, problems, loop)
    if problems:
        raise SceneError(problems)
    assert header is not None
    clock = Clock(header.tempo, header.beats_per_bar, tuple(cues), header.loop)
    warnings = silent_mistakes(doc, data, layers, post, voices, owners, clock)
    return Scene(
        path,
        header.scene,
        header.title,
        header.duration,
        header.seed,
        palette,
        clock,
        layers,
        post,
        sound,
        voices,
        master,
        tuple(sorted(warnings)),
        source if isinstance(source, str) else source.decode("utf-8", "replace"),
        _sound_identity(header, data),
        camera.get("lens"),
        camera.get("light"),
        camera.get("atmosphere"),
    )


def _sound_identity(header: SceneHeader, data: dict[str, Any]) -> str:
    """The sound's own source as canonical JSON: the sound section, the clock and seed it runs
    on, and the timeline's cues and changes to voices. Nothing visual, so that a picture edit
    leaves the loudness calibration (keyed by this) where it is."""
    events = []
    for item in data.get("timeline") or []:
        if not isinstance(item, dict):
            continue
        changes = item.get("set")
        sound = {k: v for k, v in (changes if isinstance(changes, dict) else {}).items()
                 if str(k).startswith("sound.")}  # fmt: skip
        if sound or item.get("cue"):
            events.append({"at": item.get("at"), "ramp": item.get("ramp", 0.0),
                           "cue": item.get("cue"), "set": sound})  # fmt: skip
    clock = {"seed": header.seed, "tempo": header.tempo, "loop": header.loop,
             "beats_per_bar": header.beats_per_bar, "duration": header.duration}  # fmt: skip
    return json.dumps({"sound": data.get("sound"), "clock": clock, "timeline": events},
                      sort_keys=True, default=str)  # fmt: skip


def _camera(header: SceneHeader | None) -> dict[str, Entry]:
    """The lens, light and atmosphere a scene writes, as entries the timeline can address
    (``lens.focus``); validated with the header, so their mistakes are reported with it."""
    if header is None:
        return {}
    sections = {"lens": header.lens, "light": header.light, "atmosphere": header.atmosphere}
    return {
        name: Entry(name, name, params, where=(name,))
        for name, params in sections.items()
        if params
    }


def _check_id(header: SceneHeader, doc: Document) -> list[Problem]:
    stem = FsPath(doc.path).stem
    if doc.path.endswith((".yaml", ".yml")) and header.scene != stem:
        return [
            doc.problem(("scene",), f"scene id '{header.scene}' must equal the file name '{stem}'")
        ]
    return []


def _palette(doc: Document, raw: Any, problems: list[Problem]) -> tuple[Colour, ...]:
    if isinstance(raw, str):
        if raw not in PALETTES:
            problems.append(
                doc.problem(("palette",), f"unknown palette '{raw}'{did_you_mean(raw, PALETTES)}")
            )
            return ()
        return tuple(parse_colour(c) for c in PALETTES[raw].values())
    if isinstance(raw, list):
        try:
            return tuple(parse_colour(c) for c in raw)
        except ValueError:
            return ()  # already reported by the header model
    return ()


def _entries(doc: Document, raw: Any, section: str, problems: list[Problem]) -> list[Entry]:
    """Layers (``visuals:``) or voices (``sound.voices``): a list of ``{kind: name, ...}``."""
    key, registry, loc = (
        ("layer", LAYERS, ("visuals",))
        if section == "visuals"
        else ("voice", VOICES, ("sound", "voices"))
    )
    if not isinstance(raw, list):
        return []  # missing is fine; a wrong type was reported by the section's model
    entries: list[Entry] = []
    taken: dict[str, int] = {}
    for i, item in enumerate(raw):
        where: Path = (*loc, i)
        if not isinstance(item, dict) or key not in item:
            problems.append(
                doc.problem(where, f"each entry needs '{key}: name', got {_show(item)}")
            )
            continue
        name = item[key]
        cls = registry.get(name) if isinstance(name, str) else None
        if cls is None:
            hint = did_you_mean(name, registry.names())
            problems.append(doc.problem((*where, key), f"unknown {key} {_show(name)}{hint}"))
            continue
        body = {k: v for k, v in item.items() if k != key}
        params, found = validate_model(cls.Params, body, doc, where, f"{key} '{name}'")
        problems += found
        if params is None:
            continue
        address = params.id or name
        if params.id is None and address in taken:
            taken[address] += 1
            address = f"{name}-{taken[name]}"
        elif address in taken:
            problems.append(doc.problem((*where, "id"), f"the id '{address}' is used twice"))
        taken.setdefault(address, 1)
        entries.append(Entry(name, address, params, where=where))
    return entries


def _post(doc: Document, raw: Any, problems: list[Problem]) -> list[Entry]:
    if not isinstance(raw, dict):
        return []
    entries = []
    for name, body in raw.items():
        where: Path = ("post", name)
        cls = POST.get(name)
        if cls is None:
            hint = did_you_mean(name, POST.names())
            problems.append(doc.problem(where, f"unknown post effect '{name}'{hint}", key=True))
            continue
        if not isinstance(body, dict) and cls.shorthand:
            body = {cls.shorthand: body}
        params, found = validate_model(cls.Params, body, doc, where, f"post '{name}'")
        problems += found
        if params is not None:
            entries.append(Entry(name, f"post.{name}", params, where=where))
    entries.sort(key=lambda e: POST[e.kind].order)
    return entries


def _sound(
    doc: Document, raw: Any, problems: list[Problem]
) -> tuple[SoundParams | None, list[Entry]]:
    if raw is None:
        return None, []
    sound, found = validate_model(SoundParams, raw, doc, ("sound",), "sound")
    problems += found
    voices = _entries(doc, raw.get("voices") if isinstance(raw, dict) else None, "voices", problems)
    for voice in voices:
        voice.address = f"sound.{voice.address}"
    theme = getattr(sound, "theme", None)
    if theme is not None and theme.voices:
        known = {v.address.removeprefix("sound.") for v in voices} | {v.kind for v in voices}
        melodic = {v.kind for v in voices if getattr(VOICES.get(v.kind), "melodic", False)}
        for i, name in enumerate(theme.voices):
            if name not in known:
                where = ("sound", "theme", "voices", i)
                problems.append(
                    doc.problem(
                        where,
                        f"theme voice '{name}' is not a voice of "
                        f"this scene ({', '.join(sorted(known))})",
                    )
                )
            elif not any(v.kind in melodic for v in voices if name in (v.kind, v.address[6:])):
                problems.append(doc.problem(("sound", "theme", "voices", i),
                                            f"'{name}' plays no notes: a theme needs piano, "
                                            "hum, bells or pluck"))  # fmt: skip
    return sound, voices


def _failed_addresses(data: dict[str, Any], owners: dict[str, Entry]) -> dict[str, Entry | None]:
    """Addresses written in the file whose entry did not validate (already reported), each with
    a stand-in of its kind holding the defaults (None when the kind itself is unknown): the
    timeline's changes to it are still checked, so one pass reports every mistake."""
    written: dict[str, tuple[Any, Any]] = {}
    visuals = data.get("visuals")
    for item in visuals if isinstance(visuals, list) else []:
        if isinstance(item, dict):
            written[str(item.get("id") or item.get("layer"))] = (LAYERS, item.get("layer"))
    sound = data.get("sound")
    if isinstance(sound, dict) and isinstance(sound.get("voices"), list):
        for item in sound["voices"]:
            if isinstance(item, dict):
                address = "sound." + str(item.get("id") or item.get("voice"))
                written[address] = (VOICES, item.get("voice"))
        written["sound.master"] = (None, None)
    if isinstance(data.get("post"), dict):
        written |= {f"post.{name}": (POST, name) for name in data["post"]}
    out: dict[str, Entry | None] = {}
    for address, (registry, kind) in written.items():
        if address in owners:
            continue
        cls = registry.get(kind) if registry is not None and isinstance(kind, str) else None
        out[address] = Entry(kind, address, cls.Params.model_construct()) if cls else None
    return out


def _timeline(
    doc: Document,
    raw: Any,
    owners: dict[str, Entry],
    failed: dict[str, Entry | None],
    seed: int,
    problems: list[Problem],
    header_loop: float | None = None,
) -> list[Cue]:
    """Validate events, attach each ``set`` to its parameter's track, and return the cues."""
    changes: dict[tuple[str, str], list[Change]] = {}
    glides: dict[tuple[str, str], list[ColourChange]] = {}  # the colours'
    cues: list[Cue] = []
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        event, found = validate_model(TimelineEvent, item, doc, ("timeline", i), "timeline")
        problems += found
        if event is None:
            continue
        if event.set is None and event.cue is None:
            problems.append(doc.problem(("timeline", i), "a timeline event needs 'set' or 'cue'"))
        if header_loop and event.at >= header_loop:
            problems.append(
                doc.problem(
                    ("timeline", i, "at"),
                    f"'at' {event.at:g} is past the loop's end ({header_loop:g} s)",
                )
            )
        if event.cue:
            cues.append(Cue(event.at, event.cue))
        for target, value in (event.set or {}).items():
            where: Path = ("timeline", i, "set", target)
            broken = next((a for a in failed if target.startswith(f"{a}.")), None)
            scope = owners
            if broken is not None:
                stand_in = failed[broken]
                if stand_in is None:
                    continue  # its layer, effect or voice is of no known kind: already reported
                scope = {broken: stand_in}  # a broken entry (reported): checked against its kind
            resolved = _resolve(target, scope)
            if isinstance(resolved, str):
                problems.append(doc.problem(where, resolved, key=True))
                continue
            owner, param, bounds = resolved
            if bounds is None:  # a colour
                change = _colour_change(owner, param, target, event, value)
                if isinstance(change, str):
                    problems.append(doc.problem(where, change))
                else:
                    glides.setdefault((owner.address, param), []).append(change)
                continue
            try:
                parsed = parse_value(value, (bounds.lo, bounds.hi))
                issue = parsed.bounds_problem(bounds.lo, bounds.hi)
                if issue:
                    raise ValueError(issue)
            except ValueError as err:
                problems.append(doc.problem(where, f"'{target}' {err}"))
                continue
            changes.setdefault((owner.address, param), []).append(
                Change(event.at, event.ramp, parsed)
            )
    for owner in owners.values():
        _attach_tracks(owner, changes, glides, seed)
    cues.sort(key=operator.attrgetter("at"))
    return cues


def _resolve(target: str, owners: dict[str, Entry]) -> tuple[Entry, str, Any] | str:
    """``'bokeh.count'`` → (owner, 'count', bounds), ``'sky.top'`` → (owner, 'top', None) for
    a colour, or a message saying what is wrong."""
    candidates = []
    for address, owner in owners.items():
        paths: dict[str, Any] = dict(numeric_paths(owner.params))
        paths.update((c, None) for c in colour_paths(owner.params))
        for param, bounds in paths.items():
            full = f"{address}.{param}"
            candidates.append(full)
            if full == target:
                return owner, param, bounds
        for param in colour_paths(owner.params, baked=True):
            if f"{address}.{param}" == target:
                return (
                    f"'{target}' is drawn once when the scene starts and cannot change over"
                    " time: write the colour in the layer, or glide the light around it"
                )
    return (
        f"unknown parameter '{target}'{did_you_mean(target, candidates)}"
        " (numbers and colours change over time; words and lists do not)"
    )


def _colour_change(
    owner: Entry, param: str, target: str, event: TimelineEvent, value: Any
) -> ColourChange | str:
    """A timeline change to a colour, or what is wrong with it."""
    if _get(owner.params, param) is None:
        return f"'{target}' is not written in its layer: give it a colour there to glide from"
    try:
        return ColourChange(event.at, event.ramp, parse_colour(value))
    except ValueError as err:
        return f"'{target}' {err}"


def _attach_tracks(
    owner: Entry,
    changes: dict[tuple[str, str], list[Change]],
    glides: dict[tuple[str, str], list[ColourChange]],
    seed: int,
) -> None:
    for param in numeric_paths(owner.params):
        written = _get(owner.params, param)
        base_seed = stable_seed(seed, owner.address, param)
        base = written.bind(base_seed)
        found = sorted(changes.get((owner.address, param), []), key=operator.attrgetter("at"))
        # a change back to the value as written is that very value (the same noise), so a
        # timeline that glides home at the end of a loop meets its start exactly
        bound = tuple(
            Change(
                c.at,
                c.ramp,
                c.value.bind(
                    base_seed
                    if c.value == written
                    else stable_seed(seed, owner.address, param, c.at)
                ),
            )
            for c in found
        )
        owner.tracks[param] = Track(base, bound)
    for param in colour_paths(owner.params):
        glided = sorted(glides.get((owner.address, param), []), key=operator.attrgetter("at"))
        if glided:
            written = _get(owner.params, param)
            if isinstance(written, ColourTrack):  # keys, and the timeline's changes among them
                both = sorted([*written.changes, *glided], key=operator.attrgetter("at"))
                owner.tracks[param] = ColourTrack(written.base, tuple(both))
            else:
                owner.tracks[param] = ColourTrack(written, tuple(glided))


def _get(params: BaseModel, dotted: str) -> Any:
    value: Any = params
    for part in dotted.split("."):
        value = getattr(value, part)
    return value
