"""One crossfade law (``installation.crossfade``), fed the same fades through every caller."""

from __future__ import annotations

import math

import numpy as np
import pytest

from installation.crossfade import amplitude, amplitudes, share
from installation.render.program import RenderPart
from installation.scene.show import load_show
from installation.schedule import Schedule

FADE = 4.0
SHOW = f"show: pair\nscenes: [magic-hour, beach-dawn]\nminutes: 0.2\ncrossfade: {FADE:g}\n"
POSITIONS = np.linspace(0.0, 1.0, 41)


def test_the_law_keeps_the_power_and_the_picture_whole():
    for u in POSITIONS:
        assert share(u) + share(1 - u) == pytest.approx(1.0)  # the picture's weights
        outgoing, incoming = amplitude(share(1 - u)), amplitude(share(u))
        assert outgoing**2 + incoming**2 == pytest.approx(1.0)  # unrelated sounds: power
    assert amplitude(share(0.5)) == pytest.approx(math.sqrt(0.5))  # -3 dB each, 0 dB together
    assert share(0.0) == 0.0 and share(1.0) == 1.0


def test_every_caller_follows_the_one_law(tmp_path):
    """The schedule (picture weight and sound level), the offline mix's faders (render), the
    loop seam's sample gains and the player's sound levels, at the same moments of one fade."""
    path = tmp_path / "pair.yaml"
    path.write_text(SHOW)
    schedule = Schedule(load_show(path))
    out, into = schedule.parts_until(30.0)[:2]
    start = into.begin
    for u in POSITIONS[1:-1]:
        t = start + u * FADE
        playing = {p.part.id: p for p in schedule.playing(t)}
        old, new = playing[out.id], playing[into.id]
        assert new.weight == pytest.approx(share(u)) and old.weight == pytest.approx(share(1 - u))
        assert new.level == pytest.approx(amplitude(share(u)))
        assert old.level == pytest.approx(amplitude(share(1 - u)))
        assert RenderPart(None, into).weight(t) == pytest.approx(new.level)  # type: ignore[arg-type]
        assert RenderPart(None, out).weight(t) == pytest.approx(old.level)  # type: ignore[arg-type]
    seam_out, seam_in = amplitudes(POSITIONS)  # the loop seam's sample gains
    assert np.allclose(seam_in, [amplitude(share(u)) for u in POSITIONS])
    assert np.allclose(seam_out, [amplitude(share(1 - u)) for u in POSITIONS])


def test_the_player_sets_each_scenes_sound_by_the_law(tmp_path):
    """The stage moves each playing scene's fader to the schedule's level: nothing else."""
    from installation.play.stage import Stage

    path = tmp_path / "pair.yaml"
    path.write_text(SHOW)
    schedule = Schedule(load_show(path))
    out, into = schedule.parts_until(30.0)[:2]

    class Sound:
        def __init__(self) -> None:
            self.levels: list[float] = []

        def fade_to(self, level: float, seconds: float) -> None:
            self.levels.append(level)

    class Slot:
        def __init__(self) -> None:
            self.sound, self.level = Sound(), 0.0

    stage = Stage.__new__(Stage)  # its bookkeeping alone: no window, builder or sound process
    stage.slots = {out.id: Slot(), into.id: Slot()}  # type: ignore[dict-item]
    stage.builder = None  # type: ignore[assignment]
    stage.audio = None  # type: ignore[assignment]
    u = 0.3
    playing = schedule.playing(into.begin + u * FADE)
    stage.update(playing, lambda part: 0.0)
    assert stage.slots[into.id].sound.levels[-1] == pytest.approx(amplitude(share(u)))
    assert stage.slots[out.id].sound.levels[-1] == pytest.approx(amplitude(share(1 - u)))
