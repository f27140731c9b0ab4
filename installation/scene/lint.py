"""Silent mistakes: a scene that is valid but does not do what its author meant.

These are warnings, not errors: the scene loads and plays. ``installation validate`` prints
them (exit 0, unless ``--strict``), ``--json`` carries them, and the player logs them and shows
the first on its HUD.

* a cue nobody answers (no layer or voice of the scene does anything on it);
* a follower of a voice the scene does not have, at any depth, set by the timeline or by a
  layer that follows by nature (``scene.followers``): it reads silence;
* a timeline change whose ramp runs past the loop's end (at the seam the value jumps back to
  where the loop starts it: ramps are not wrapped; end them by the loop's end);
* a timeline change that overrides nothing: it sets a parameter to the value it already has
  (as written, or as an earlier change left it);
* a key of a ``keys`` value past the loop's end: the loop starts again before it is reached;
* a rate or a periodic value that the loop fits far from what was written (``scene.rates``).
"""

from __future__ import annotations

from typing import Any

from installation.clock import Clock
from installation.registry import LAYERS
from installation.scene.errors import Problem, did_you_mean
from installation.scene.followers import followers_of, voice_names
from installation.scene.models import Entry
from installation.scene.palettes import parse_colour
from installation.scene.rates import rates_a_loop_changes, timeline_set
from installation.scene.sound import VOICES
from installation.scene.values import Const
from installation.scene.yamlpos import Document
from installation.scene.yamlpos import Path as YamlPath

__all__ = ["silent_mistakes"]

Data = dict[str, Any]  # a mapping as YAML read it

#: cues the built-in layers and voices answer by name, whatever their parameters
KNOWN_CUES = {"train-pass", "passing-car"}


def silent_mistakes(
    doc: Document,
    data: Data,
    layers: list[Entry],
    post: list[Entry],
    voices: list[Entry],
    owners: dict[str, Entry],
    clock: Clock,
) -> list[Problem]:
    """``owners``: every layer, effect and voice (and the master) by its timeline address."""
    loop = clock.loop
    found = _unanswered_cues(doc, data, layers, voices)
    found += _absent_followed_voices(doc, data, [*layers, *post], voices)
    master = [owners["sound.master"]] if "sound.master" in owners else []
    found += _sound_that_follows_sound(doc, data, [*voices, *master])
    found += _ramps_past_the_loop(doc, data, loop)
    found += _changes_that_change_nothing(doc, data, owners)
    found += _keys_past_the_loop(doc, data, loop)
    found += rates_a_loop_changes(doc, data, owners.values(), clock)
    return [Problem(p.path, p.line, p.column, p.message, "warning") for p in found]


def _timeline(data: Data) -> list[tuple[int, Data]]:
    raw = data.get("timeline")
    return (
        [(i, e) for i, e in enumerate(raw) if isinstance(e, dict)] if isinstance(raw, list) else []
    )


def _unanswered_cues(
    doc: Document, data: Data, layers: list[Entry], voices: list[Entry]
) -> list[Problem]:
    answered: set[str] = set()
    for entry in layers:
        answered |= LAYERS[entry.kind].answers(entry.params)
    for entry in voices:
        answered |= VOICES[entry.kind].answers(entry.params)
    out = []
    for i, event in _timeline(data):
        name = event.get("cue")
        if isinstance(name, str) and name not in answered:
            listeners = ", ".join(sorted(answered)) if answered else "none"
            hint = did_you_mean(name, answered | KNOWN_CUES)
            out.append(doc.problem(("timeline", i, "cue"),
                f"nobody answers the cue '{name}'{hint}: no layer or voice of this scene does anything "
                f"on it (cues answered here: {listeners}; a pulse layer's cue:, bells' on_cue:, "
                "train, train-window and elevated-train answer train-pass, city answers "
                "passing-car)"))  # fmt: skip
    return out


def _absent_followed_voices(
    doc: Document, data: Data, picture: list[Entry], voices: list[Entry]
) -> list[Problem]:
    """Followers (``scene.followers``: at any depth, timeline changes, layers that follow by
    nature) of a voice the scene does not have: the sound is never measured for them."""
    known = voice_names(voices, isinstance(data.get("sound"), dict))
    have = ", ".join(sorted(known)) if known else "none: the scene has no sound"
    out = []
    for follower in followers_of(picture):
        if follower.voice in known:
            continue
        owner = next(e for e in picture if e.address == follower.owner)
        name = f"{owner.address}.{follower.param}"
        if follower.at is None:
            # at the voice of {follow: {voice: ...}}; a path not written (a layer's own voice
            # field, a voice left to its default) is placed at its nearest written parent
            where: YamlPath = (*owner.where, *follower.path, "follow", "voice")
            what = f"'{name}' follows"
        else:
            where = (*timeline_set(data, follower.at, name), "follow", "voice")
            what = f"the change at {follower.at:g} s makes '{name}' follow"
        out.append(doc.problem(where,
            f"{what} the voice '{follower.voice}', which this scene does not have "
            f"(its voices: {have}): the sound is never measured for it, so it reads silence"))  # fmt: skip
    return out


def _sound_that_follows_sound(doc: Document, data: Data, sound: list[Entry]) -> list[Problem]:
    """A voice's (or the master's) parameter written as a follower: the sound is measured for
    the picture only, so it reads silence and stays at the bottom of its range."""
    out = []
    for follower in followers_of(sound):
        owner = next(e for e in sound if e.address == follower.owner)
        name = f"{owner.address}.{follower.param}"
        where: YamlPath = (
            (*owner.where, *follower.path, "follow")
            if follower.at is None
            else (*timeline_set(data, follower.at, name), "follow")
        )
        out.append(doc.problem(where,
            f"'{name}' follows the voice '{follower.voice}', but only the picture can follow the "
            "sound (it is measured for the layers): it stays at the bottom of its range; give it "
            "an LFO, noise or keys instead"))  # fmt: skip
    return out


def _bodies(data: Data) -> list[tuple[YamlPath, Data]]:
    """Every layer's and post effect's mapping of keys, with where it is in the file."""
    out: list[tuple[YamlPath, Data]] = []
    visuals = data.get("visuals")
    if isinstance(visuals, list):
        out += [(("visuals", i), e) for i, e in enumerate(visuals) if isinstance(e, dict)]
    post = data.get("post")
    if isinstance(post, dict):
        out += [(("post", name), e) for name, e in post.items() if isinstance(e, dict)]
    return out


def _ramps_past_the_loop(doc: Document, data: Data, loop: float | None) -> list[Problem]:
    if not loop:
        return []
    out = []
    for i, event in _timeline(data):
        at, ramp = _number(event.get("at")), _number(event.get("ramp", 0))
        if at is None or ramp is None:
            continue
        if at < loop < at + ramp:
            out.append(doc.problem(("timeline", i, "ramp"),
                f"this ramp runs from {at:g} s to {at + ramp:g} s, past the loop's end "
                f"({loop:g} s): it is cut there and the value jumps back at the seam; end it by "
                f"{loop:g} s (a ramp of at most {loop - at:g})"))  # fmt: skip
    return out


def _changes_that_change_nothing(
    doc: Document, data: Data, owners: dict[str, Entry]
) -> list[Problem]:
    """Timeline ``set``s to the value the parameter already has at that moment: as written
    (when written as a plain number or colour), or as the change before left it."""
    now: dict[str, Any] = {}  # target -> the constant it holds, as the timeline goes
    out = []
    timed = [(i, e) for i, e in _timeline(data) if _number(e.get("at")) is not None]
    for i, event in sorted(timed, key=lambda ie: ie[1]["at"]):
        changes = event.get("set")
        for target, raw in changes.items() if isinstance(changes, dict) else ():
            value = _constant(raw)
            before = now[target] if target in now else _written(target, owners)
            if value is not None and value == before:
                since = "since an earlier change" if target in now else "as written"
                out.append(doc.problem(("timeline", i, "set", target),
                    f"this sets '{target}' to {_say(raw)}, the value it already has ({since}): "
                    "it changes nothing; give it the value you meant, or remove it"))  # fmt: skip
            now[target] = value
    return out


def _keys_past_the_loop(doc: Document, data: Data, loop: float | None) -> list[Problem]:
    if not loop:
        return []
    out = []
    for where, body in _bodies(data) + _voice_bodies(data):
        for key, value in body.items():
            keys = value.get("keys") if isinstance(value, dict) else None
            for j, pair in enumerate(keys if isinstance(keys, list) else []):
                at = _number(pair[0]) if isinstance(pair, list) and pair else None
                if at is not None and at > loop:
                    out.append(doc.problem((*where, key, "keys", j),
                        f"this key at {at:g} s is never reached: the loop ends at {loop:g} s and "
                        "the keys start again; put it at or before the loop's end"))  # fmt: skip
    return out


def _voice_bodies(data: Data) -> list[tuple[YamlPath, Data]]:
    sound = data.get("sound")
    voices = sound.get("voices") if isinstance(sound, dict) else None
    if not isinstance(voices, list):
        return []
    return [(("sound", "voices", i), v) for i, v in enumerate(voices) if isinstance(v, dict)]


def _number(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


def _constant(raw: Any) -> Any:
    """A timeline value as a number or a colour, or None when it is not one (an expression)."""
    if isinstance(raw, str):
        try:
            return parse_colour(raw)
        except ValueError:
            return None
    return _number(raw)


def _written(target: str, owners: dict[str, Entry]) -> Any:
    """The constant a parameter is written as in its layer, effect or voice (None: modulated)."""
    for address, owner in owners.items():
        if target.startswith(address + "."):
            value: Any = owner.params
            for part in target[len(address) + 1 :].split("."):
                value = getattr(value, part, None)
            if isinstance(value, Const):
                return value.value
            return value if isinstance(value, tuple) else None
    return None


def _say(raw: Any) -> str:
    return f"'{raw}'" if isinstance(raw, str) else f"{raw:g}"
