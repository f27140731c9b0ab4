"""Which voices the picture follows, and from where: the one answer the linter, the sound graph
and the renderer all ask for.

A layer or post effect follows a voice in three ways, all found here:

* a value written ``{follow: {voice: pad, band: low}}``, at any depth of its parameters
  (``sky``'s ``sun: {glow: {follow: ...}}``) and inside lists;
* a timeline change to such a value (``set: {sky.sun.glow: {follow: {voice: pad}}}``);
* by its nature: a field its model marks as naming a voice the layer draws or reacts to
  (``waveform``'s ``voice``, bokeh's ``follow: {voice: pad}``), declared with
  :class:`FollowsVoice` in the model, so no layer is known here by its name.

The sound measures only the voices followed (a follower costs CPU), so a follower missed here is a
picture that silently reads 0: one resolver, used by every caller, keeps them in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from installation.clock import Track
from installation.scene.models import Entry, Scene
from installation.scene.values import Follow

__all__ = [
    "Follower",
    "FollowsVoice",
    "followed_voices",
    "followers",
    "followers_of",
    "voice_names",
]

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class FollowsVoice:
    """Field metadata: this text field names a voice whose sound the layer follows, written
    ``voice: Annotated[str, FollowsVoice()] = Field("master", ...)``. ``band``: the sibling
    field that says which band (None: the layer reads every band)."""

    band: str | None = None


@dataclass(frozen=True, order=True)
class Follower:
    """One place where the picture follows a voice."""

    owner: str  # the layer's or effect's address: 'bokeh', 'sky-2', 'post.bloom'
    path: Where  # inside it: ('sun', 'glow'), ('brightness',), ('voice',), ('size', 1)
    voice: str
    band: str | None  # None: every band (a layer that draws the voice)
    at: float | None = None  # a timeline change at this many seconds; None: as written

    @property
    def param(self) -> str:
        """The dotted parameter, as the timeline names it after the owner: 'sun.glow'."""
        return ".".join(str(p) for p in self.path)


def followers(scene: Scene) -> list[Follower]:
    """Every place the scene's picture (layers and post effects) follows a voice."""
    return followers_of([*scene.layers, *scene.post])


def followers_of(entries: Iterable[Entry]) -> list[Follower]:
    """:func:`followers` of some layers and effects, as written and as the timeline sets them."""
    found: list[Follower] = []
    for entry in entries:
        found += _in_model(entry.params, entry.address, ())
        for param, track in entry.tracks.items():
            if not isinstance(track, Track):
                continue  # a colour's glide: colours follow no sound
            for change in track.changes:
                if isinstance(change.value, Follow):
                    path = tuple(param.split("."))
                    value = change.value
                    found.append(Follower(entry.address, path, value.voice, value.band, change.at))
    return sorted(found, key=lambda f: (f.owner, f.at or 0.0, f.param))


def followed_voices(scene: Scene) -> set[str]:
    """The names of the voices the picture follows (as written: a voice's kind or id)."""
    return {f.voice for f in followers(scene)}


def voice_names(voices: Iterable[Entry], has_sound: bool) -> set[str]:
    """The names a follower may give: each voice's kind and id, and 'master' when there is
    sound (the whole mix)."""
    names = {"master"} if has_sound else set()
    for voice in voices:
        names |= {voice.kind, voice.address.removeprefix("sound.")}
    return names


def _in_model(model: BaseModel, owner: str, prefix: Where) -> list[Follower]:
    found: list[Follower] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name, None)  # a stand-in (``model_construct``) may lack some
        marker = next((m for m in info.metadata if isinstance(m, FollowsVoice)), None)
        if marker is not None and isinstance(value, str):
            band = getattr(model, marker.band, None) if marker.band else None
            found.append(Follower(owner, (*prefix, name), value, band))
            continue
        found += _in_value(value, owner, (*prefix, name))
    return found


def _in_value(value: Any, owner: str, path: Where) -> list[Follower]:
    if isinstance(value, Follow):
        return [Follower(owner, path, value.voice, value.band)]
    if isinstance(value, BaseModel):
        return _in_model(value, owner, path)
    if isinstance(value, list | tuple):
        return [f for i, item in enumerate(value) for f in _in_value(item, owner, (*path, i))]
    if isinstance(value, dict):
        return [f for key, item in value.items() for f in _in_value(item, owner, (*path, key))]
    return []
