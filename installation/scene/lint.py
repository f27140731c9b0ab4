"""Silent mistakes: a scene that is valid but does not do what its author meant.

These are warnings, not errors: the scene loads and plays. ``installation validate`` prints
them (exit 0, unless ``--strict``), ``--json`` carries them, and the player logs them and shows
the first on its HUD.

* a cue nobody answers (no layer or voice of the scene does anything on it);
* a follower of a voice the scene does not have (it stays at the bottom of its range);
* a timeline change whose ramp runs past the loop's end (at the seam the value jumps back to
  where the loop starts it: ramps are not wrapped; end them by the loop's end).
"""

from __future__ import annotations

from installation.registry import LAYERS
from installation.scene.errors import Problem, did_you_mean
from installation.scene.models import Entry
from installation.scene.sound import VOICES
from installation.scene.yamlpos import Document

__all__ = ["silent_mistakes"]

#: cues the built-in layers and voices answer by name, whatever their parameters
KNOWN_CUES = {"train-pass", "passing-car"}


def silent_mistakes(
    doc: Document, data: dict, layers: list[Entry], voices: list[Entry], loop: float | None
) -> list[Problem]:
    found = _unanswered_cues(doc, data, layers, voices)
    found += _absent_followed_voices(doc, data, voices)
    found += _ramps_past_the_loop(doc, data, loop)
    return [Problem(p.path, p.line, p.column, p.message, "warning") for p in found]


def _timeline(data: dict) -> list[tuple[int, dict]]:
    raw = data.get("timeline")
    return (
        [(i, e) for i, e in enumerate(raw) if isinstance(e, dict)] if isinstance(raw, list) else []
    )


def _unanswered_cues(doc: Document, data: dict, layers: list[Entry], voices: list[Entry]) -> list:
    answered: set[str] = set()
    for entry in layers:
        answered |= LAYERS.get(entry.kind).answers(entry.params)
    for entry in voices:
        answered |= VOICES.get(entry.kind).answers(entry.params)
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


def _absent_followed_voices(doc: Document, data: dict, voices: list[Entry]) -> list:
    has_sound = isinstance(data.get("sound"), dict)
    known = {"master"} if has_sound else set()
    known |= {v.kind for v in voices} | {v.address.removeprefix("sound.") for v in voices}
    out = []
    for where, body in _bodies(data):
        for key, value in body.items():
            follow = value.get("follow") if isinstance(value, dict) else None
            if not isinstance(follow, dict):
                continue
            voice = follow.get("voice", "master")
            if isinstance(voice, str) and voice not in known:
                have = ", ".join(sorted(known)) if known else "none: the scene has no sound"
                out.append(doc.problem((*where, key, "follow", "voice") if "voice" in follow
                                       else (*where, key),
                    f"'{key}' follows the voice '{voice}', which this scene does not have "
                    f"(its voices: {have}): it will stay at the bottom of its range"))  # fmt: skip
    return out


def _bodies(data: dict) -> list[tuple[tuple, dict]]:
    """Every layer's and post effect's mapping of keys, with where it is in the file."""
    out: list[tuple[tuple, dict]] = []
    visuals = data.get("visuals")
    if isinstance(visuals, list):
        out += [(("visuals", i), e) for i, e in enumerate(visuals) if isinstance(e, dict)]
    post = data.get("post")
    if isinstance(post, dict):
        out += [(("post", name), e) for name, e in post.items() if isinstance(e, dict)]
    return out


def _ramps_past_the_loop(doc: Document, data: dict, loop: float | None) -> list:
    if not loop:
        return []
    out = []
    for i, event in _timeline(data):
        at, ramp = event.get("at"), event.get("ramp", 0)
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (at, ramp)):
            continue
        if at < loop < at + ramp:
            out.append(doc.problem(("timeline", i, "ramp"),
                f"this ramp runs from {at:g} s to {at + ramp:g} s, past the loop's end "
                f"({loop:g} s): it is cut there and the value jumps back at the seam; end it by "
                f"{loop:g} s (a ramp of at most {loop - at:g})"))  # fmt: skip
    return out
