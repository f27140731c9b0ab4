"""Harmony is pure Python: chords, scales, voice leading, progressions, exactly."""

from __future__ import annotations

import pytest

from installation.sound.harmony import Progression, midi_to_hz, parse_chord, scale_notes, voice_lead


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
        ("II", "D", "lydian", (4, 8, 11)),  # lydian's bright II
        ("i7", "F", "dorian", (5, 8, 0, 3)),
        ("IV", "F", "dorian", (10, 2, 5)),  # dorian's major IV
        ("bVII", "A", "mixolydian", (7, 11, 2)),  # G: flats count from the major scale
        ("I", "Eb", "major", (3, 7, 10)),
    ],
)
def test_chords(symbol, key, mode, expected):
    assert pcs(symbol, key, mode) == expected


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
