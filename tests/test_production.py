"""The sound as a producer would check it: the measures, the modelled piano, the rooms, the level."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from installation.cli import main
from installation.sound.analysis import (
    loudness_range,
    octave_levels,
    sound_stats,
    spectral_slope,
    spectrogram_png,
)
from installation.sound.engine import SAMPLE_RATE as SR
from installation.sound.piano_model import inharmonicity, make_piano_note, piano_note
from installation.sound.rooms import EARLY_MS, ROOMS, _read, impulse_response, split_impulse

RNG = np.random.default_rng(3)


def _stereo(mono: np.ndarray) -> np.ndarray:
    return np.stack([mono, mono], axis=1)


# -- the measures ---------------------------------------------------------------------------


def test_slope_reads_white_noise_rising_and_brown_noise_falling():
    white = RNG.standard_normal(SR * 20) * 0.05
    brown = np.cumsum(RNG.standard_normal(SR * 20))
    brown = (brown - np.convolve(brown, np.ones(4801) / 4801, mode="same")) * 0.001
    # power per octave band: white +3 dB an octave, brown (1/f^2) -3
    assert spectral_slope(_stereo(white), SR) == pytest.approx(3.0, abs=0.4)
    assert spectral_slope(_stereo(brown), SR) == pytest.approx(-3.0, abs=0.6)
    levels = octave_levels(_stereo(white), SR)
    assert list(levels) == [500.0, 1000.0, 2000.0, 4000.0, 8000.0]


def test_loudness_range_and_the_loudest_window():
    t = np.arange(SR * 30) / SR
    tone = np.sin(2 * np.pi * 300 * t) * np.where(t < 15, 0.02, 0.2)  # 20 dB louder halfway
    stats = sound_stats(_stereo(tone), SR, target=-23.0)
    assert stats.short_term_range == pytest.approx(20.0, abs=1.0)
    assert stats.loudest_over_target == pytest.approx(stats.loudest + 23.0)
    assert stats.correlation == pytest.approx(1.0)
    assert stats.air < 0.001 and stats.mud < 0.001  # all of it at 300 Hz
    assert loudness_range(np.array([-np.inf, -30.0, -30.0])) == 0.0


def test_the_spectrogram_puts_a_tone_at_its_height(tmp_path):
    t = np.arange(SR * 4) / SR
    x = _stereo(0.3 * np.sin(2 * np.pi * 1000 * t))
    path = spectrogram_png(x, SR, tmp_path / "s.png", width=200, height=100)
    image = np.asarray(Image.open(path).convert("L")).astype(float)
    assert image.shape == (100, 200)
    rows = np.geomspace(30.0, 16000.0, 100)[::-1]
    brightest = int(np.argmax(image[:, 50:150].mean(axis=1)))
    assert abs(math.log2(rows[brightest] / 1000.0)) < 0.15  # within a sixth of an octave


def test_listen_stats_prints_what_the_checks_measure(tmp_path, capsys):
    out = tmp_path / "a.wav"
    argv = ["listen", "magic-hour", "--seconds", "8", "--out", str(out)]
    assert main([*argv, "--stats", "--spectrogram"]) == 0
    printed = capsys.readouterr().out
    for word in ("LUFS", "range (p95-p10)", "dB/octave", "above 4 kHz", "true peak", "L/R"):
        assert word in printed
    assert out.with_suffix(".png").is_file()
    assert main([*argv, "--stats", "--json", "-q"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["scene"] == "magic-hour" and figures["seconds"] == 8.0
    assert -12 < figures["slope"] < 0 and figures["true_peak"] <= -1.0


# -- the piano ------------------------------------------------------------------------------


def _partials(x: np.ndarray, f0: float, count: int) -> np.ndarray:
    """The measured frequency of each of the first ``count`` partials of a note."""
    spectrum = np.abs(np.fft.rfft(x[: SR * 2] * np.hanning(SR * 2)))
    freqs = np.fft.rfftfreq(SR * 2, 1 / SR)
    found = []
    for k in range(1, count + 1):
        band = (freqs > f0 * (k - 0.3)) & (freqs < f0 * (k + 0.45))
        found.append(freqs[band][np.argmax(spectrum[band])])
    return np.array(found)


def test_piano_partials_are_stretched_like_a_stiff_string():
    midi = 72
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    found = _partials(piano_note(midi, 0.8), f0, 8)
    b = inharmonicity(midi)
    expected = np.arange(1, 9) * f0 * np.sqrt(1 + b * np.arange(1, 9) ** 2)
    assert np.allclose(found, expected, rtol=0.002)
    assert found[7] > 8 * f0 * 1.005, "the eighth partial sits well above 8 f0"


def test_piano_decays_in_two_stages():
    x = piano_note(60, 0.6).astype(np.float64)
    hop = SR // 20
    level = 10 * np.log10(np.array([np.mean(x[i : i + hop] ** 2) for i in range(0, SR * 5, hop)]))
    prompt = (level[2] - level[20]) / 0.9  # dB a second over the first second
    after = (level[60] - level[90]) / 1.5  # and later
    assert prompt > 2.0 * after > 0, f"prompt {prompt:.1f} dB/s, aftersound {after:.1f} dB/s"


def test_piano_is_brighter_the_harder_it_is_struck():
    def brightness(note: np.ndarray) -> float:
        levels = octave_levels(_stereo(note[:SR].astype(np.float64)), SR, (250.0, 2000.0))
        return levels[2000.0] - levels[250.0]

    soft, hard = piano_note(55, 0.22), piano_note(55, 0.8)
    assert brightness(hard) > brightness(soft) + 6.0
    assert np.abs(hard).max() > 3 * np.abs(soft).max()
    assert np.array_equal(piano_note(55, 0.8), make_piano_note(55, 0.8))  # cached or not


def test_piano_notes_are_made_once_per_machine_and_survive_a_torn_file():
    from installation.paths import cache_dir

    piano_note.cache_clear()
    note = piano_note(62, 0.45)
    (kept,) = (cache_dir() / "piano").glob("*-62-0.45-48000.npy")
    piano_note.cache_clear()
    assert np.array_equal(piano_note(62, 0.45), note)  # read back, the same numbers
    kept.write_bytes(b"torn")
    piano_note.cache_clear()
    assert np.array_equal(piano_note(62, 0.45), note)  # made again, and kept again
    assert np.array_equal(np.load(kept), note)


# -- the rooms ------------------------------------------------------------------------------


def _rt60(ir: np.ndarray) -> float:
    """Reverberation time from the Schroeder curve's fall from -5 to -25 dB (T20)."""
    energy = np.cumsum((ir**2)[::-1])[::-1]
    db = 10 * np.log10(energy / energy[0] + 1e-30)
    return (np.argmax(db < -25) - np.argmax(db < -5)) / SR * 3


@pytest.mark.parametrize("name", sorted(ROOMS))
def test_bundled_rooms_are_the_model_and_ring_as_long_as_they_should(name):
    bundled, sr = _read(Path("assets/rooms") / f"{name}.wav")
    made = impulse_response(ROOMS[name])
    assert sr == SR and bundled.shape == made.shape
    assert np.abs(bundled - made).max() < 1e-5, "assets/rooms is what scripts/make-assets makes"
    rt = _rt60(made.mean(axis=1))
    low, high = {"small-room": (0.15, 0.5), "apartment": (0.3, 0.8), "concrete-hall": (1.6, 3.5),
                 "open-air": (0.5, 2.5)}[name]  # fmt: skip
    assert low < rt < high, f"RT60 {rt:.2f} s"
    assert abs(np.corrcoef(made[:, 0], made[:, 1])[0, 1]) < 0.3, "each ear its own response"


def test_split_impulse_puts_the_tail_back_on_time(tmp_path):
    ir = impulse_response(ROOMS["apartment"])
    path = tmp_path / "room.wav"
    from installation.sound.loudness import write_wav

    write_wav(path, ir, SR)
    early_path, tail_path = split_impulse(path, 1024, folder=tmp_path / "cache")
    early, _ = _read(early_path)
    tail, _ = _read(tail_path)
    cut = int(EARLY_MS / 1000 * SR)
    assert len(early) == cut
    assert np.abs(tail[:1024]).max() == 0.0  # the convolver's 1024 samples late: silence first
    rebuilt = np.concatenate([early, tail[1024:]])
    assert np.abs(rebuilt[100 : cut - 100] - ir[100 : cut - 100]).max() < 1e-5
    assert np.abs(rebuilt[cut + 100 :] - ir[cut + 100 :]).max() < 1e-5
    assert split_impulse(path, 1024, folder=tmp_path / "cache") == (early_path, tail_path)


def test_a_scene_names_a_room_or_an_impulse_file(tmp_path):
    from installation.scene.errors import SceneError
    from installation.scene.loader import parse_scene

    base = "scene: r\nvisuals:\n  - layer: sky\nsound:\n  voices: [{voice: pad}]\n  master: "
    scene = parse_scene(base + "{space: concrete-hall}\n")
    assert scene.sound.master.space.endswith("assets/rooms/concrete-hall.wav")
    with pytest.raises(SceneError, match="not a room: use one of small-room"):
        parse_scene(base + "{space: cathedral}\n")


def test_a_calibration_is_kept_on_disk_and_redone_when_the_scene_changes(tmp_path, monkeypatch):
    from installation.scene.loader import load_scene
    from installation.sound import loudness

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = tmp_path / "quiet.yaml"
    path.write_text(  # no form: calibrated over its 8 s loop, not ten minutes
        "scene: quiet\nloop: 8\nvisuals:\n  - layer: sky\nsound:\n  form: false\n"
        "  voices: [{voice: pad}]\n"
    )
    scene = load_scene(path)
    assert not loudness.is_calibrated(scene)
    gain = loudness.calibrate(scene)
    assert (tmp_path / "installation" / "loudness.json").is_file()
    loudness._CACHE.clear()  # a new process: only the disk remembers

    def refuse(*args, **kwargs):
        raise AssertionError("calibrated again")

    monkeypatch.setattr("installation.sound.engine.OfflineSound", refuse)
    assert loudness.is_calibrated(scene) and loudness.calibrate(scene) == gain
    path.write_text(path.read_text().replace("voice: pad", "voice: pad, level: -20"))
    assert not loudness.is_calibrated(load_scene(path))


# -- recordings -----------------------------------------------------------------------------

RECORDING = """scene: rec
loop: 60
visuals:
  - layer: sky
sound:
  key: {key}
  voices:
    - voice: recording
      file: assets/sounds/reed-organ-a.wav
      {extra}
  master: {{reverb: 0}}
"""


def _render_voice(text: str, seconds: float) -> np.ndarray:
    from installation.scene.loader import parse_scene
    from installation.sound.engine import OfflineSound

    with OfflineSound(parse_scene(text), gain_db=12.0) as sound:
        return sound.render(seconds)[int(3.5 * SR) :]  # past the master's 3 s fade in


def _level_at(x: np.ndarray, hz: float) -> float:
    mono = x.mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    freqs = np.fft.rfftfreq(len(mono), 1 / SR)
    return float(spectrum[np.abs(freqs - hz) < 1.5].max())


def test_a_pitched_recording_is_tuned_to_the_key():
    tuned = _render_voice(RECORDING.format(key="D", extra="root: A"), 6)
    # its A2 drone, moved the nearer way to D: up a fourth, to D3
    assert _level_at(tuned, 146.83) > 10 * _level_at(tuned, 110.0)
    untouched = _render_voice(RECORDING.format(key="D", extra="pitch: 0"), 6)
    assert _level_at(untouched, 110.0) > 10 * _level_at(untouched, 146.83)


def test_a_looped_recording_has_no_seam():
    x = _render_voice(RECORDING.format(key="A", extra="mode: loop\n      crossfade: 1.0"), 30)
    mono = x.mean(axis=1)
    window = SR // 20
    rms = np.sqrt(
        [np.mean(mono[i : i + window] ** 2) for i in range(0, len(mono) - window, window)]
    )
    db = 20 * np.log10(rms)
    assert db.max() - db.min() < 4.0, "the file's 9 s loop three times over, level steady"


def test_a_cloud_is_denser_with_more_grains():
    def cloud(density: int) -> np.ndarray:
        extra = f"mode: cloud\n      density: {density}\n      grain: 0.08"
        return _render_voice(RECORDING.format(key="A", extra=extra), 6)

    sparse, dense = cloud(3), cloud(60)
    assert np.sqrt(np.mean(dense**2)) > 3 * np.sqrt(np.mean(sparse**2))
    assert np.array_equal(cloud(3), sparse), "the same grains every run"


def test_a_recording_that_is_not_there_is_refused_at_its_line():
    from installation.scene.errors import SceneError
    from installation.scene.loader import parse_scene

    text = RECORDING.format(key="D", extra="root: H").replace("reed-organ-a", "nothing")
    with pytest.raises(SceneError) as refused:
        parse_scene(text, "rec.yaml")
    message = str(refused.value)
    assert "rec.yaml:9:13:" in message and "no file 'assets/sounds/nothing.wav'" in message
    assert "rec.yaml:10:13:" in message  # the root, too: every mistake in one pass


# -- form and theme -------------------------------------------------------------------------


TWO_VOICES = """scene: t
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
      density: 0.3
    - voice: hum
    - voice: pad
"""


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ("theme: {degrees: [1, 2, 3], beats: [1, 2]}", "'degrees' has 3 notes and 'beats' 2"),
        ("theme: {degrees: [1, 2, 3], voices: [strings]}", "theme voice 'strings' is not a voice"),
        ("theme: {degrees: [1, 2, 3], voices: [pad]}", "'pad' plays no notes"),
    ],
)
def test_a_written_theme_is_checked(theme, message):
    from installation.scene.errors import SceneError
    from installation.scene.loader import parse_scene

    with pytest.raises(SceneError, match=message):
        parse_scene(TWO_VOICES.format(theme=theme))
