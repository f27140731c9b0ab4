"""Harmony is pure Python: chords, scales, voice leading, progressions, exactly."""

from __future__ import annotations

import pytest

from installation.sound.harmony import (
    DEFAULT_CHORDS,
    MODES,
    NOTES,
    Progression,
    midi_to_hz,
    misreadings,
    parse_chord,
    quality,
    scale_notes,
    voice_lead,
)

NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii")
EXTENSIONS = ("", "7", "maj7", "9", "add9", "6", "sus2", "sus4")


def pcs(symbol: str, key: str = "C", mode: str = "major") -> tuple[int, ...]:
    return parse_chord(symbol, key, mode).pitch_classes


@pytest.mark.parametrize(
    ("symbol", "key", "mode", "expected"),
    [
        ("I", "C", "major", (0, 4, 7)),
        ("vi", "C", "major", (9, 0, 4)),
        ("V7", "C", "major", (7, 11, 2, 5)),
        ("ii9", "C", "major", (2, 5, 9, 0, 4)),
        ("IVadd9", "C", "major", (5, 9, 0, 7)),
        ("Isus2", "C", "major", (0, 2, 7)),
        ("Isus4", "C", "major", (0, 5, 7)),
        ("I6", "C", "major", (0, 4, 7, 9)),
        ("Imaj7", "C", "major", (0, 4, 7, 11)),
        ("bVII", "C", "major", (10, 2, 5)),
        ("vii", "C", "major", (11, 2, 5)),  # diminished where the mode has it
        ("VII", "C", "major", (11, 2, 5)),  # the case does not take it out of the key
        ("II", "D", "lydian", (4, 8, 11)),  # lydian's bright II
        ("IV", "D", "lydian", (8, 11, 2)),  # G#-B-D: lydian's own chord there (was G#-C-D#)
        ("iii9", "C", "major", (4, 7, 11, 2, 5)),  # the mode's ninth, a semitone up (F)
        ("Imaj7", "G", "mixolydian", (7, 11, 2, 5)),  # the mode's seventh: F, not F#
        ("#iv", "D", "lydian", (8, 11, 3)),  # borrowed: G# minor, with its D#
        ("i7", "F", "dorian", (5, 8, 0, 3)),
        ("IV", "F", "dorian", (10, 2, 5)),  # dorian's major IV
        ("bVII", "A", "mixolydian", (7, 11, 2)),  # G: flats count from the major scale
        ("I", "Eb", "major", (3, 7, 10)),
    ],
)
def test_chords(symbol, key, mode, expected):
    assert pcs(symbol, key, mode) == expected


def test_every_chord_of_every_mode_and_numeral_in_every_key_is_in_the_mode():
    """Written plain, in either case and with any extension, a chord holds the mode's notes
    only (a pentatonic scene's chords come from its parent major scale)."""
    checked = 0
    for key in NOTES:
        for mode, steps in MODES.items():
            parent = MODES["major"] if mode == "pentatonic" else steps
            allowed = {(NOTES[key] + step) % 12 for step in parent}
            for numeral in NUMERALS:
                for case in (numeral, numeral.upper()):
                    for ext in EXTENSIONS:
                        chord = parse_chord(case + ext, key, mode)
                        assert set(chord.pitch_classes) <= allowed, (case + ext, key, mode)
                        assert chord.root == (NOTES[key] + parent[NUMERALS.index(numeral)]) % 12
                        assert not chord.borrowed
                        checked += 1
    assert checked == len(NOTES) * len(MODES) * 7 * 2 * len(EXTENSIONS)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_chord_has_the_quality_the_mode_gives_its_degree(mode):
    for degree, numeral in enumerate(NUMERALS):
        chord = parse_chord(numeral, "C", mode)
        third = chord.intervals[1]
        found = quality(degree, mode)
        assert third == (4 if found in ("major", "augmented") else 3), (numeral, mode)
        assert chord.intervals[2] == {"diminished": 6, "augmented": 8}.get(found, 7)


@pytest.mark.parametrize(
    ("symbol", "key", "expected"),
    [("bVII", "C", (10, 2, 5)), ("bIII", "C", (3, 7, 10)), ("biii", "C", (3, 6, 10)),
     ("#iv", "D", (8, 11, 3)), ("bVII7", "C", (10, 2, 5, 8)), ("bVIImaj7", "C", (10, 2, 5, 9))],
)  # fmt: skip
def test_a_borrowed_chord_sounds_as_written_from_any_mode(symbol, key, expected):
    for mode in MODES:
        chord = parse_chord(symbol, key, mode)
        assert chord.borrowed and chord.pitch_classes == expected


def test_a_numeral_whose_case_the_mode_contradicts_is_reported():
    (said,) = misreadings(["I", "vi", "IV", "V"], "D", "lydian")
    assert said.startswith("'IV' in D lydian") and "diminished (G#-B-D)" in said
    assert misreadings(["I", "vi", "II", "V", "bVII", "vii"], "D", "lydian") == []
    assert "seventh" in misreadings(["Imaj7"], "G", "mixolydian")[0]
    assert "a minor chord there" in misreadings(["I", "iv"], "C", "major")[0]
    assert "(D-F-A)" in misreadings(["III"], "Bb", "major")[0]  # spelled in the key's flats


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_modes_default_progression_is_its_own(mode):
    chords = DEFAULT_CHORDS[mode]
    assert misreadings(chords, "E", mode) == []
    scale = {n % 12 for n in scale_notes("E", "major" if mode == "pentatonic" else mode, 0, 11)}
    for symbol in chords:
        assert set(parse_chord(symbol, "E", mode).pitch_classes) <= scale


@pytest.mark.parametrize("mode", sorted(MODES))
def test_wandering_and_reharmonising_never_reach_a_diminished_chord(mode):
    prog = Progression(list(DEFAULT_CHORDS[mode]), "A", mode, seed=5, wander=0.6)
    for index in range(200):
        for chord in (prog.chord(index), prog.relative(index)):
            degree = (chord.root - NOTES["A"]) % 12
            steps = MODES["major"] if mode == "pentatonic" else MODES[mode]
            assert quality(steps.index(degree), mode) in ("major", "minor"), (mode, index)


def test_every_bundled_scene_writes_its_chords_as_its_mode_has_them():
    from installation.paths import bundled_scenes
    from installation.scene.loader import load_scene
    from installation.sound.graph import harmony_of

    for path in bundled_scenes():
        scene = load_scene(path)
        chords, _, wander = harmony_of(scene)
        assert misreadings(chords, scene.sound.key, scene.sound.mode) == [], path.stem
        prog = Progression(chords, scene.sound.key, scene.sound.mode, scene.seed, wander)
        scale = set(scale_notes(scene.sound.key, scene.sound.mode, 0, 11))
        for index in range(64):
            for chord in (prog.chord(index), prog.relative(index)):
                assert chord.borrowed or set(chord.pitch_classes) <= scale, (path.stem, chord)


@pytest.mark.parametrize("bad", ["VIII", "x", "I13", "", "IV7b9"])
def test_bad_chord_symbols_say_what_is_expected(bad):
    with pytest.raises(ValueError, match="roman numeral"):
        parse_chord(bad, "C", "major")


def test_scale_notes():
    assert scale_notes("D", "lydian", 62, 74) == [62, 64, 66, 68, 69, 71, 73, 74]
    assert scale_notes("C", "pentatonic", 60, 72) == [60, 62, 64, 67, 69, 72]


def test_voice_leading_moves_little_and_keeps_every_chord_tone():
    c = parse_chord("I", "C", "major")
    am = parse_chord("vi", "C", "major")
    first = voice_lead(None, c, 4, 48, 72)
    assert {n % 12 for n in first} == {0, 4, 7}
    second = voice_lead(first, am, 4, 48, 72)
    assert {n % 12 for n in second} == {9, 0, 4}
    movement = sum(abs(a - b) for a, b in zip(first, second, strict=True))
    assert movement <= 4  # C to Am: only G moves, by a tone
    assert all(48 <= n <= 72 for n in second)


def test_voice_leading_is_deterministic():
    g7 = parse_chord("V7", "C", "major")
    assert voice_lead([48, 55, 64, 67], g7, 4, 48, 72) == voice_lead(
        [48, 55, 64, 67], g7, 4, 48, 72
    )


def test_progression_repeats_and_wanders_reproducibly():
    plain = Progression(["I", "vi", "IV", "V"], "C", "major", seed=1)
    assert [plain.symbol(i) for i in range(6)] == ["I", "vi", "IV", "V", "I", "vi"]
    wandering = Progression(["I", "vi", "IV", "V"], "C", "major", seed=1, wander=0.5)
    symbols = [wandering.symbol(i) for i in range(64)]
    assert symbols == [
        Progression(["I", "vi", "IV", "V"], "C", "major", 1, 0.5).symbol(i) for i in range(64)
    ]
    assert symbols != [plain.symbol(i) for i in range(64)]  # it does wander
    allowed = {"I", "vi", "IV", "V", "iii", "ii"}
    assert set(symbols) <= allowed  # only to relatives


def test_alternatives_choose_among_written_chords():
    prog = Progression(["I|vi", "IV"], "C", "major", seed=3)
    firsts = {prog.symbol(2 * i) for i in range(40)}
    assert firsts == {"I", "vi"}


def test_midi_to_hz():
    assert midi_to_hz(69) == 440.0
    assert midi_to_hz(81) == pytest.approx(880.0)
