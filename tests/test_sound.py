"""The sound of every bundled scene, offline: loud enough, never clipped, warm, alive, exact."""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import wave
import weakref

import numpy as np
import pytest

from installation.cli import main
from installation.paths import bundled_scenes
from installation.scene.loader import load_scene, parse_scene
from installation.sound.analysis import lr_correlation, short_term_loudness, spectral_centroid
from installation.sound.chroma import in_key_share
from installation.sound.engine import SAMPLE_RATE, OfflineSound, samples_per_frame
from installation.sound.loudness import calibrate, true_peak_db

SECONDS = 60.0
SOUNDING = [p for p in bundled_scenes() if load_scene(p).sound is not None]
_RENDERS: dict[str, np.ndarray] = {}


def render(path) -> np.ndarray:
    """A calibrated minute of a scene, rendered once per test session."""
    key = str(path)
    if key not in _RENDERS:
        scene = load_scene(path)
        with OfflineSound(scene, gain_db=calibrate(scene, SECONDS)) as sound:
            _RENDERS[key] = sound.render(SECONDS)
    return _RENDERS[key]


def test_every_bundled_scene_has_sound():
    assert len(SOUNDING) == len(bundled_scenes())


@pytest.mark.parametrize("path", SOUNDING, ids=lambda p: p.stem)
def test_scene_sound(path):
    x = render(path)
    scene = load_scene(path)
    assert x.shape == (round(SECONDS * SAMPLE_RATE), 2)
    assert np.isfinite(x).all()
    rms = float(np.sqrt(np.mean(x**2)))
    assert rms > 1e-3, "silent"
    assert true_peak_db(x) <= -1.0, "peak above -1 dBFS"
    # the render is calibrated on itself, so its loudness says nothing; the gain calibration
    # needed does: the scene as written is within reach of its target (a voice gone silent, or
    # one gone wild, shows here). The loop's own loudness is `make sound-check`'s.
    # Voices are written quiet and the master lifts them: the bundled scenes need +12 to +28 dB.
    gain = calibrate(scene, SECONDS)
    assert 6.0 <= gain <= 32.0, f"calibration needed {gain:+.1f} dB"
    assert np.abs(x.mean(axis=0)).max() < 1e-3, "DC offset"
    # warm, with air: the amplitude spectrum's centre of mass (linear in frequency, so the air
    # above 4 kHz weighs; the slope, which is the ear's measure, is make sound-check's)
    centroid = spectral_centroid(x, SAMPLE_RATE)
    assert 120 < centroid < 3500, f"not a warm spectrum: centroid {centroid:.0f} Hz"
    in_key = in_key_share(x, SAMPLE_RATE, scene.sound.key, scene.sound.mode)
    assert in_key >= 0.95, (
        f"{100 * in_key:.1f} % of its notes in {scene.sound.key} {scene.sound.mode}"
    )


@pytest.mark.parametrize("path", SOUNDING, ids=lambda p: p.stem)
def test_scene_sound_never_repeats_exactly_within_a_minute(path):
    x = render(path)[:, 0]
    scene = load_scene(path)
    bar = scene.clock.seconds_per_beat() * scene.clock.beats_per_bar
    level = np.sqrt(np.mean(x**2))
    for bars in (1, 2, 4, 8, 16):  # the lengths a loop would have
        lag = round(bars * bar * SAMPLE_RATE)
        if lag >= len(x) // 2:
            continue
        difference = np.sqrt(np.mean((x[lag:] - x[:-lag]) ** 2))
        assert difference > 0.2 * level, f"repeats every {bars} bar(s)"


def test_same_seed_same_samples_other_seed_other_samples():
    path = SOUNDING[0]
    scene = load_scene(path)
    with OfflineSound(scene) as a:
        first = a.render(8)
    with OfflineSound(scene) as b:
        second = b.render(8)
    assert np.array_equal(first, second)
    text = path.read_text().replace(f"seed: {scene.seed}", f"seed: {scene.seed + 1}")
    with OfflineSound(parse_scene(text, "<other seed>")) as c:
        other = c.render(8)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("fps", [24, 25, 30, 60, 29.97])
def test_each_frame_gets_exactly_its_samples(fps):
    frames = 50
    assert sum(samples_per_frame(i, fps) for i in range(frames)) == round(
        frames * SAMPLE_RATE / fps
    )


def test_offline_frames_and_features():
    scene = load_scene(SOUNDING[0])
    with OfflineSound(scene, fps=25, gain_db=calibrate(scene, SECONDS)) as sound:
        rendered = list(sound.frames(150))
    sizes = [len(samples) for samples, _ in rendered]
    features = rendered[-1][1]
    assert set(sizes) == {1920}  # 48000 / 25
    assert "master" in features and all(0 <= v <= 1 for v in features["master"].values())
    from installation.sound.graph import followed_voices

    assert set(features) == followed_voices(scene)  # the master, and voices a layer follows
    assert features["master"]["rms"] > 0.4  # six seconds in, past the fade: above -36 dBFS


def test_train_answers_its_cue():
    text = (
        "scene: x\nsound:\n  voices:\n    - voice: train\n      clack: 0\n"
        "timeline:\n  - at: 4\n    cue: train-pass\n"
    )
    with OfflineSound(parse_scene(text, "<cue>")) as sound:
        x = sound.render(8)
    before = np.sqrt(np.mean(x[: 4 * SAMPLE_RATE] ** 2))
    after = np.sqrt(np.mean(x[5 * SAMPLE_RATE : 7 * SAMPLE_RATE] ** 2))
    assert after > 2 * before


def test_a_device_is_found_by_number_or_part_of_its_name(monkeypatch):
    from installation.sound import devices

    monkeypatch.setattr(
        devices, "list_output_devices", lambda: [devices.OutputDevice(3, "Speakers")]
    )
    assert devices.find_output("speak").index == 3 and devices.find_output(3).name == "Speakers"
    assert devices.find_output("headphones") is None


def test_alsa_plugins_are_looked_for_where_the_distribution_keeps_them(monkeypatch, tmp_path):
    from installation.sound import devices

    multiarch = tmp_path / "lib" / "x86_64-linux-gnu" / "alsa-lib"
    multiarch.mkdir(parents=True)
    (multiarch / "libasound_module_pcm_pulse.so").touch()
    monkeypatch.setattr(devices, "PLUGIN_DIRS", (str(tmp_path / "lib64/alsa-lib"),
                                                 str(tmp_path / "lib/*-linux-gnu*/alsa-lib")))  # fmt: skip
    monkeypatch.delenv("ALSA_PLUGIN_DIR", raising=False)
    assert devices.use_system_alsa_plugins() == str(multiarch)
    monkeypatch.setenv("ALSA_PLUGIN_DIR", "/somewhere/else")  # the person's own choice wins
    assert devices.use_system_alsa_plugins() == "/somewhere/else"


def test_devices_command_and_quiet_import():
    """Listing devices never crashes without a sound card; importing pyo prints no GUI noise."""
    run = subprocess.run(
        [sys.executable, "-c", "from installation.cli import main; raise SystemExit(main(['devices']))"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "wx" not in run.stderr.lower()


def test_listen_writes_a_wav(tmp_path, capsys):
    out = tmp_path / "x.wav"
    magic_hour = next(p for p in SOUNDING if p.stem == "magic-hour")  # calibrated once a run
    assert main(["listen", str(magic_hour), "--seconds", "3", "--out", str(out)]) == 0
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 3, SAMPLE_RATE)
        assert w.getnframes() == 3 * SAMPLE_RATE
    assert "LUFS" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seconds", "0"], "--seconds must be above 0"),
        (["--seconds", "2", "--out", "x.mp3"], ".wav"),
    ],
)
def test_listen_bad_arguments(tmp_path, capsys, args, message):
    argv = ["listen", "magic-hour", *args]
    if "--out" not in args:
        argv += ["--out", str(tmp_path / "x.wav")]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_measures_of_the_sound_report():
    t = np.arange(SAMPLE_RATE * 4) / SAMPLE_RATE
    tone = 0.1 * np.sin(2 * np.pi * 440 * t)
    mono = np.stack([tone, tone], axis=1)
    assert spectral_centroid(mono, SAMPLE_RATE) == pytest.approx(440, rel=0.02)
    assert lr_correlation(mono) == pytest.approx(1.0)
    assert lr_correlation(np.stack([tone, -tone], axis=1)) == pytest.approx(-1.0)
    short = short_term_loudness(mono, SAMPLE_RATE)
    assert len(short) == 2 and abs(short[0] - short[1]) < 0.1


def test_sound_report_measures_after_the_form_the_calibration_heard(capsys):
    assert main(["sound-report", "magic-hour", "--seconds", "10"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| magic-hour"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "10"  # seconds measured, after the form it was calibrated on
    lufs = float(cells[3].split()[0])
    assert -32 < lufs < -16  # the next form opens with its arrival, its quietest section
    assert -20 < float(cells[6]) < 0 and -20 < float(cells[7]) < 0  # slopes, dB per octave
    assert 50 < float(cells[10]) <= 100  # per cent of its notes in its key
    assert -1 <= float(cells[12].split()[0]) <= 1
    room = next(line for line in out.splitlines() if line.startswith("| apartment"))
    assert float(room.split("|")[2]) > 0.3  # magic-hour's room rings half a second or so
    assert "chroma r" not in out  # ten seconds hold no form


def test_master_fade_and_ceiling_helpers():
    from installation.sound.master import fade_gain

    assert fade_gain(0.0, 3.0, None) == 0.0
    assert fade_gain(1.5, 3.0, None) == pytest.approx(0.5)
    assert fade_gain(100.0, 3.0, None) == 1.0
    assert fade_gain(99.0, 3.0, 100.0) < 0.5  # fading out before the end
    assert math.isclose(fade_gain(5.0, 0.0, None), 1.0)


def test_the_live_mix_ticks_the_score_once_per_buffer():
    """The sound process's mix, driven by a manual server in place of a sound card."""
    import pyo

    from installation.play.sound_process import BUFFER, _Mix

    server = pyo.Server(sr=SAMPLE_RATE, nchnls=2, buffersize=BUFFER, duplex=0, audio="manual")
    server.setVerbosity(1)
    server.boot()
    server.start()
    try:
        mix = _Mix(server, SAMPLE_RATE, volume_db=0.0)
        mix.add(1, load_scene(SOUNDING[0]), 0.05, 10.0, 1.0, 12.0)
        for _ in range(round(2 * SAMPLE_RATE / BUFFER)):  # two seconds of buffers
            server.process()
        assert mix.scenes[1].time == pytest.approx(12.0, abs=0.02)  # from 10 s, one tick a buffer
        assert mix.features()[1]["master"]["rms"] > 0.05
        mix.volume(-20)
        mix.gain(1, 10.0)
        assert mix.scenes[1].graph.master.volume_offset == -20
        assert mix.scenes[1].graph.master.gain_db == 10.0
        scene = mix.scenes[1]
        scene.sync(scene.time + 0.2)  # the picture's clock is 0.2 s ahead: caught up at 1 %
        for _ in range(round(19 * SAMPLE_RATE / BUFFER)):
            server.process()
        assert scene.behind > 0.0  # not yet: 19 s at 1 % is 0.19 s
        for _ in range(round(2 * SAMPLE_RATE / BUFFER)):
            server.process()
        assert scene.behind == pytest.approx(0.0, abs=1e-9)
        assert scene.time == pytest.approx(12.0 + 21.0 + 0.2, abs=0.02)
        scene.sync(scene.time + 30.0)  # far off (a soak, a resumed pause): it jumps
        assert scene.behind == 0.0
        mix.pause(1, True)
        before = mix.scenes[1].time
        server.process()
        assert mix.scenes[1].time == before
        mix.remove(1)
        assert mix.features() == {}
        assert mix.want([1, 2]) == [1, 2]  # the player's books: both are missing here
        server.stop()
        mix.close()
    finally:
        server.stop()
        server.shutdown()


def _reachable(root: object, limit: int = 500_000) -> list[object]:
    """Every object reachable from ``root`` (not through modules, classes or functions)."""
    import types

    seen, todo, out = {id(root)}, [root], []
    while todo and len(seen) < limit:
        obj = todo.pop()
        out.append(obj)
        for ref in gc.get_referents(obj):
            if id(ref) in seen or isinstance(ref, types.ModuleType | type | types.FunctionType):
                continue
            seen.add(id(ref))
            todo.append(ref)
    return out


def test_a_removed_graph_is_freed_by_the_audio_thread_before_its_streams_run():
    """The race the sound process had: a graph freed from its main thread while pyo's audio
    thread was inside Python in the middle of the stream loop. Now ``remove`` only fades the
    scene and hands it over; the per-buffer callback, which pyo runs before the stream loop,
    frees it once it is silent, and no stream of a graph calls Python."""
    import pyo

    from installation.play.sound_process import BUFFER, _Mix

    server = pyo.Server(sr=SAMPLE_RATE, nchnls=2, buffersize=BUFFER, duplex=0, audio="manual")
    server.setVerbosity(1)
    server.boot().start()
    mix = _Mix(server, SAMPLE_RATE, 0.0)
    freed_in_callback = []
    try:
        for scene_path in SOUNDING:
            mix.add(7, load_scene(scene_path), 0.01, 0.0, 1.0, 0.0)
            server.process()
            graph = weakref.ref(mix.scenes[7].graph)
            python_streams = [
                o for o in _reachable(mix.scenes[7].graph)
                if type(o).__name__ in ("Pattern", "TrigFunc", "CallAfter", "Score")
            ]  # fmt: skip
            assert python_streams == [], f"{scene_path.stem}: a stream that calls Python"
            mix.remove(7)
            assert graph() is not None  # fading out: not freed under the stream loop
            for _ in range(12):  # the fade (50 ms) and two buffers more
                server.process()
            assert graph() is None
            freed_in_callback.append(mix.freed)
        assert freed_in_callback == list(range(1, len(SOUNDING) + 1))
    finally:
        server.stop()
        mix.close()
        server.shutdown()


def _wav(path) -> np.ndarray:
    with wave.open(str(path)) as w:
        raw = np.frombuffer(w.readframes(w.getnframes()), np.uint8).reshape(-1, 3)
    ints = (raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8
            | raw[:, 2].astype(np.int32) << 16)  # fmt: skip
    ints = np.where(ints >= 2**23, ints - 2**24, ints)
    return ints.reshape(-1, 2) / 2**23


def test_listen_from_a_moment_and_one_voice_alone(tmp_path, capsys):
    scene = "beach-dawn"
    assert main(["listen", scene, "--seconds", "3", "--out", str(tmp_path / "all.wav"), "-q"]) == 0
    assert main(["listen", scene, "--seconds", "2", "--start", "1",
                 "--out", str(tmp_path / "later.wav"), "-q"]) == 0  # fmt: skip
    whole, later = _wav(tmp_path / "all.wav"), _wav(tmp_path / "later.wav")
    assert len(later) == 2 * SAMPLE_RATE
    assert np.array_equal(later, whole[SAMPLE_RATE:])  # the same sound, from one second in
    assert main(["listen", scene, "--seconds", "3", "--solo", "pad",
                 "--out", str(tmp_path / "pad.wav"), "-q"]) == 0  # fmt: skip
    pad = _wav(tmp_path / "pad.wav")
    assert 0 < np.sqrt(np.mean(pad**2)) < np.sqrt(np.mean(whole**2))  # alone, and not all
    assert main(["listen", scene, "--solo", "tuba", "--out", str(tmp_path / "x.wav")]) == 2
    assert "no voice 'tuba' in this scene (" in capsys.readouterr().err


def test_a_graph_let_go_is_freed_at_once_without_a_garbage_collection():
    """The live sound process builds and frees a graph per scene for months: a graph left to
    the cyclic garbage collector holds its tables (megabytes) until a full collection, and the
    collection holds the GIL long enough to starve the audio thread."""
    from installation.lazy import pyo
    from installation.play.sound_process import _Mix

    path = next(p for p in bundled_scenes() if p.stem == "magic-hour")
    scene = load_scene(path)  # a theme and a piano: the cycle was theirs
    server = pyo.Server(sr=48000, nchnls=2, buffersize=512, duplex=0, audio="manual")
    server.setVerbosity(1)
    server.boot().start()
    mix = _Mix(server, 48000, 0.0)
    gc.disable()
    try:
        mix.add(1, scene, 0.1, 0.0, 1.0, 0.0)
        for _ in range(50):
            server.process()  # the score runs: notes, the theme, the harmony asking it
        graph = mix.scenes[1].graph
        refs = [weakref.ref(x) for x in (graph, graph.voices[0], graph.ctx, graph.theme)]
        del graph
        mix.remove(1)
        for _ in range(12):  # faded, then freed by the audio thread's callback
            server.process()
        assert [r() for r in refs] == [None] * 4
    finally:
        gc.enable()
        server.stop()
        mix.close()
        server.shutdown()


def test_sound_modules_import_each_other_in_one_direction():
    """No module of sound/ reaches itself through its imports (those inside functions
    included): each layer of the engine can be read, and loaded, without the ones above it."""
    import ast
    from pathlib import Path

    import installation.sound

    root = Path(installation.sound.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        name = "installation." + ".".join(path.relative_to(root.parent).with_suffix("").parts)
        found = {
            node.module
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom) and node.module
        }
        graph[name.removesuffix(".__init__")] = {
            m for m in found if m.startswith("installation.sound")
        }

    def reaches(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for step in graph.get(node, ()):
                if step == start:
                    return [*trail, step]
                if step not in seen:
                    seen.add(step)
                    stack.append((step, [*trail, step]))
        return None

    cycles = [" -> ".join(c) for name in graph if (c := reaches(name))]
    assert cycles == []
