"""The piano decays like one: a note rings until its key is let go and the pedal lifted, or until
it has died away; the strings that ring in sympathy are a faint halo, never a swell; after the
damper nothing is left."""

from __future__ import annotations

import numpy as np
import pytest

from installation.scene.loader import parse_scene
from installation.sound.engine import SAMPLE_RATE as SR
from installation.sound.engine import OfflineSound
from installation.sound.piano_model import HALO_DB, TAIL_DB, _halo, make_piano_note, note_seconds

SCENE = """scene: p
loop: 60
tempo: 66
visuals:
  - layer: sky
sound:
  key: D
  mode: lydian
  theme: false
  form: false
  voices:
    - voice: piano
      density: {density}
      pedal: {pedal}
  master: {{reverb: 0, fade: 0}}
"""
HOP = SR // 10  # 100 ms


def _levels(x: np.ndarray) -> np.ndarray:
    mono = x.mean(axis=1) if x.ndim == 2 else x
    power = [np.mean(mono[i : i + HOP] ** 2) for i in range(0, len(mono) - HOP + 1, HOP)]
    return 10 * np.log10(np.array(power) + 1e-20)


def _one_note(midi: int, pedal: float, seconds: float = 12.0):
    """A note struck at 0.4 s, alone: the samples and the voice."""
    with OfflineSound(parse_scene(SCENE.format(density=0, pedal=pedal)), gain_db=12.0) as sound:
        piano = sound.graph.voices[0]
        sound.render(0.4)
        piano.strike(midi, 0.45)
        return sound.render(seconds), piano


@pytest.mark.parametrize("midi", [57, 69, 81])
def test_a_note_dies_away_within_its_table_and_is_never_cut(midi):
    note = make_piano_note(midi, 0.45).astype(np.float64)
    assert len(note) == int(note_seconds(midi) * SR)
    db = _levels(note)
    assert db[-5] - db.max() < -(TAIL_DB - 6), "still sounding where the table ends"
    assert note_seconds(midi) > 4.0, "a piano note rings for seconds"
    climbs = db[1:] - np.minimum.accumulate(db)[:-1]
    assert climbs[3:].max() < 1.0, "the envelope sinks and rises again (a beat to nothing)"


def test_the_sympathetic_halo_is_far_under_the_note():
    rng = np.random.default_rng(1)
    amps, freqs, after = np.array([1.0, 0.5]), np.array([294.0, 588.0]), np.array([2.0, 1.5])
    halo = _halo(amps, freqs, after, SR * 4, SR, rng)
    partial = np.sin(2 * np.pi * 294.0 * np.arange(SR * 4) / SR) * np.exp(
        -np.arange(SR * 4) / SR / 2
    )
    assert 10 * np.log10(np.mean(halo**2) / np.mean(partial**2)) < -(HALO_DB - 3)


@pytest.mark.parametrize("midi", [57, 62, 74])  # 57 and 62 are tones of the first chord
def test_a_struck_note_falls_and_never_swells(midi):
    x, _ = _one_note(midi, pedal=0.3, seconds=6.0)
    db = _levels(x)
    peak = int(np.argmax(db[:10]))
    rises = db[peak:] - np.minimum.accumulate(db[peak:])
    assert rises.max() < 1.0, f"swells {rises.max():.1f} dB after the strike"


def test_the_pedal_holds_a_let_go_note_until_the_chord_changes_then_nothing_is_left():
    x, piano = _one_note(62, pedal=0.3)
    change = piano.ctx.chord_time(1)  # 7.27 s: the second chord, where the pedal is lifted
    db = _levels(x)
    at = lambda t: db[int((t - 0.4) * 10)]  # noqa: E731 - the level at scene time t
    assert at(change - 0.3) > at(change - 3.0) - 15, "damped before the pedal was lifted"
    assert at(change - 0.3) - db.max() > -50, "still ringing when the pedal lifts"
    assert at(change + 0.6) < at(change - 0.2) - 60, "something rings on after the damper"
    assert at(change + 2.0) < -100


def test_with_the_pedal_up_the_damper_falls_when_the_key_is_let_go():
    x, piano = _one_note(62, pedal=0.0)
    db = _levels(x)
    up = piano.v.sustain  # seconds after the strike
    assert db[int(up * 10) - 3] - db.max() > -45
    assert db[int(up * 10) + 6] < db[int(up * 10) - 2] - 60


def test_in_a_phrase_every_damper_falls_at_a_release():
    """Notes of the voice's own phrases: each is damped when its key is up and the pedal lifted
    (a change of chord), or is left to die away; none is cut while held."""
    scene = parse_scene(SCENE.format(density=0.5, pedal=0.3))
    falls: list[tuple[float, int]] = []
    with OfflineSound(scene, gain_db=12.0) as sound:
        piano = sound.graph.voices[0]
        for i, damper in enumerate(piano.dampers):
            real = damper.stop

            def stop(*args, i=i, real=real):
                falls.append((piano.now, i))
                return real(*args)

            damper.stop = stop
        struck: dict[int, list[float]] = {}
        real_strike = piano.strike

        def strike(midi, velocity):
            real_strike(midi, velocity)
            struck.setdefault(piano.last, []).append(piano.now)

        piano.strike = strike
        sound.render(60.0)
        ctx = piano.ctx
        changes = {round(ctx.chord_time(k), 2) for k in range(1, 12)}
    assert len(falls) > 10
    for t, slot in falls:
        start = max(s for s in struck[slot] if s <= t)
        assert t - start >= piano.v.sustain - 0.02, "damped while its key was held"
        on_a_change = min(abs(t - c) for c in changes) < 0.02
        assert on_a_change, f"the damper fell at {t:.2f} s, between changes of chord"
