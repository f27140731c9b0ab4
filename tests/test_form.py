"""Form over ten minutes: four sections that change who plays, how high and how much, and a
theme that returns transformed (transposed, re-harmonised, on another voice).

The score is a pure function of time: it is read here by ticking a scene's graph over ten
minutes without making its samples (the whole-form measurements of the sound are
`make sound-check`'s)."""

from __future__ import annotations

import itertools

import pytest

from installation.scene.loader import parse_scene
from installation.sound.engine import OfflineSound
from installation.sound.form import GLIDE, PLANS, SECTIONS, Form

SCENE = """scene: t
loop: 120
tempo: 80
visuals:
  - layer: sky
sound:
  key: D
  mode: major
  {theme}
  voices:
    - voice: piano
      density: 0.4
{more}    - voice: pad
"""
THEME = "theme: {degrees: [3, 2, 1, 2, 5], beats: [1, 1, 1, 1, 2]}"


def _score(text: str, seconds: float, block: float = 0.1):
    """Tick a scene's score over ``seconds`` (no samples made): the graph, and the time and
    note of every piano note struck."""
    sound = OfflineSound(parse_scene(text), gain_db=0.0)
    graph = sound.graph
    piano = graph.voices[0]
    struck: list[tuple[float, int]] = []
    real = piano.strike

    def strike(midi: int, velocity: float) -> None:
        struck.append((piano.now, midi))
        real(midi, velocity)

    piano.strike = strike
    for step in range(round(seconds / block)):
        graph.tick(step * block, (step + 1) * block)
    sound.close()
    return graph, struck


def test_four_sections_of_whole_bars_that_glide_and_meet_themselves():
    form = Form.for_tempo(3.0)  # bars of 3 s: sections of 50 bars
    assert form.section_seconds == 150.0 and form.span == 600.0
    assert [form.section(form.start_of(0, name) + 1) for name in SECTIONS] == list(SECTIONS)
    at = {name: form.intensity(form.start_of(0, name) + 30) for name in SECTIONS}
    assert at["arrival"] < at["statement"] < at["development"] > at["return"]
    samples = [form.intensity(t / 10) for t in range(0, 12001)]
    assert max(abs(a - b) for a, b in itertools.pairwise(samples)) < 0.01  # glides, no jumps
    assert form.intensity(0.0) == pytest.approx(form.intensity(599.99), abs=1e-3)
    assert form.cycle(650.0) == (1, pytest.approx(50 / 600))
    before = form.start_of(0, "statement") - GLIDE
    assert form.intensity(before) == pytest.approx(PLANS["arrival"].intensity)


def test_each_section_changes_who_plays_how_high_and_how_much():
    form = Form(150.0)

    def mid(name: str) -> float:
        return form.start_of(0, name) + 60.0

    # instrumentation: in the arrival only the first harmonic and the leading melodic voice
    assert form.level_db(mid("arrival"), melodic=False, rank=1) <= -12
    assert form.level_db(mid("arrival"), melodic=True, rank=1) <= -30
    assert form.level_db(mid("development"), melodic=True, rank=1) >= -1
    for melodic, rank in ((False, 0), (False, 1), (True, 0), (True, 1)):
        levels = {name: form.level_db(mid(name), melodic, rank) for name in SECTIONS}
        assert levels["development"] == max(levels.values()), (melodic, rank, levels)
    # register: low in the arrival, high in the development
    registers = [form.register(mid(name)) for name in SECTIONS]
    assert registers[0] < registers[1] <= registers[3] < registers[2]
    # density: sparse in the arrival, densest in the development
    assert form.density(mid("development"), 0) > 1.5 * form.density(mid("arrival"), 0)
    # harmony: the development is re-harmonised, the rest as written
    assert [form.reharmonised(mid(n), mid(n) + 5) for n in SECTIONS] == [0, 0, 1, 0]


def test_the_theme_returns_transformed_on_another_voice_and_over_new_chords():
    graph, _ = _score(SCENE.format(theme=THEME, more="    - voice: hum\n"), 600)
    theme = graph.theme
    played = theme.played
    form = theme.form
    assert {voice for _, voice, _ in played} == {"sound.piano", "sound.hum"}
    statements = theme.theme.statements(0)
    assert len(statements) == 8  # two a section
    by_section = {name: [s for s in statements if form.section(s.start) == name]
                  for name in SECTIONS}  # fmt: skip
    first = {name: next(m for t, v, m in played if t >= group[0].start - 1e-6)
             for name, group in by_section.items()}  # fmt: skip

    def notes_of(statement):
        return [m for t, _, m in played if statement.start - 1e-6 <= t < statement.start + 30][
            : statement.notes
        ]

    # the statement: the melody as written, F# E D E A in D major, on the piano
    stated = notes_of(by_section["statement"][0])
    assert [m % 12 for m in stated] == [6, 4, 2, 4, 9]
    # the arrival only quotes its opening
    assert len(notes_of(by_section["arrival"][0])) == 3
    # the development: on the hum, a fifth higher in the scale (C# B A B E)
    developed = [(v, m) for t, v, m in played if abs(t - by_section["development"][0].start) < 8]
    assert {v for v, _ in developed} == {"sound.hum"}
    assert [m % 12 for _, m in developed[:5]] == [1, 11, 9, 11, 4]
    # the return: on the piano again, an octave lower than it was stated, and slower
    returned = notes_of(by_section["return"][0])
    assert [m % 12 for m in returned] == [6, 4, 2, 4, 9]
    assert returned[0] < stated[0]
    assert theme.theme.length(by_section["return"][0]) > theme.theme.length(statements[2])
    assert len({first[name] for name in SECTIONS}) >= 3, first
    # the harmony: the development's chords and those under the return are the relatives
    ctx = graph.ctx
    for t in (by_section["development"][0].start + 20, by_section["return"][0].start + 0.5):
        index = ctx.chord_index(t)
        assert ctx.chord(index) == ctx.progression.relative(index)
        assert ctx.chord(index) != ctx.progression.chord(index)
    assert ctx.chord(0) == ctx.progression.chord(0)
    # and the next form states it a step higher
    later = theme.theme.statements(1)[2]
    assert later.steps == statements[2].steps + 1


def test_with_one_melodic_voice_the_pad_sings_the_development():
    graph, _ = _score(SCENE.format(theme=THEME, more=""), 480)
    development = [s for s in graph.theme.theme.statements(0)
                   if graph.theme.form.section(s.start) == "development"]  # fmt: skip
    voices = {v for t, v, _ in graph.theme.played if abs(t - development[0].start) < 8}
    assert voices == {"sound.pad"}


def test_melodic_voices_play_more_in_the_development_than_in_the_arrival():
    graph, struck = _score(SCENE.format(theme="theme: false", more=""), 480)
    assert graph.theme is None
    form = graph.ctx.form

    def rate(name: str) -> float:
        start = form.start_of(0, name) + GLIDE
        span = form.section_seconds - 2 * GLIDE
        return sum(1 for t, _ in struck if start <= t < start + span) / span

    assert rate("development") > 1.4 * rate("arrival"), (rate("development"), rate("arrival"))
    registers = {}
    for name in ("arrival", "development"):
        start = form.start_of(0, name) + GLIDE
        notes = [m for t, m in struck if start <= t < start + 100]
        registers[name] = sum(notes) / len(notes)
    assert registers["development"] > registers["arrival"] + 2  # played higher


def test_the_development_holds_the_dominant_in_the_bass():
    graph, _ = _score(SCENE.format(theme="theme: false", more=""), 420, block=0.5)
    pad, form = graph.voices[-1], graph.ctx.form
    assert form.section(420) == "development" and form.pedal(420) == 5
    assert min(pad.notes) % 12 == 9, pad.notes  # A, the dominant of D, under the chord
    assert form.pedal(form.start_of(0, "statement") + 30) is None
