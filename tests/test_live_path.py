"""The live path never dies: whatever ``render`` accepts, ``play`` plays, saved into a running show.

One real player runs for the whole module, as an exhibit runs it: a process of its own, in a
real window on a virtual screen (Xvfb), its sound through a private PulseAudio server's null
sink. Into its one scene file the tests save, one after another, every bundled scene, scenes
with expressions and every value form, media layers (a picture, a clip, a recording) and
followers, broken files of every kind an artist makes, and the fuzz's generated scenes. Each
save must end as a new version playing, or as a refusal at its ``file:line:col`` with the last
good version playing on; the player must never stop, and never print a traceback.

Where Xvfb or PulseAudio is missing the test is skipped; CI installs both, and there a missing
one fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml
from soundserver import SoundServer

from installation.paths import SCENES, bundled_scenes

OUTCOME_SECONDS = 90.0  # a save is taken, built and tried within this, on a very busy machine


@dataclass
class Live:
    process: subprocess.Popen
    scene: Path
    state: Path
    taken: int = 0  # saves the player has answered so far

    @property
    def log(self) -> str:
        return (self.state / "installation.log").read_text(errors="replace")

    def outcomes(self) -> list[str]:
        """One line per save the player has finished with: the version it now plays, or why
        it refused it (and plays the last good one on)."""
        return re.findall(
            r"reload: live\.yaml(?:: the last good version plays on)?$", self.log, re.MULTILINE
        )

    def save(self, text: str) -> bool:
        """Save ``text`` as the playing scene; True if it plays now, False if refused."""
        assert self.process.poll() is None, "the player has stopped"
        stamp = self.scene.stat().st_mtime_ns
        self.scene.write_text(text)
        os.utime(self.scene, ns=(stamp + 10**8, max(stamp + 10**8, time.time_ns())))
        self.taken += 1
        deadline = time.monotonic() + OUTCOME_SECONDS
        while time.monotonic() < deadline:
            outcomes = self.outcomes()
            if len(outcomes) >= self.taken:
                return not outcomes[self.taken - 1].endswith("plays on")
            assert self.process.poll() is None, "the player stopped"
            time.sleep(0.05)
        raise AssertionError(f"save {self.taken} was not answered\n{self.log[-3000:]}")

    def heartbeat(self) -> dict:
        return json.loads((self.state / "heartbeat.json").read_text())


def as_live(text: str) -> str:
    """A scene's text as the file ``live.yaml`` (its id must be the file's name)."""
    return re.sub(r"^scene: .*$", "scene: live", text, count=1, flags=re.MULTILINE)


def _free_display() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f":{s.getsockname()[1] % 400 + 500}"


def _needed(tool: str, why: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {tool} ({why})")
        pytest.skip(f"{tool} is not installed ({why})")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    _needed("Xvfb", "a real window on a virtual screen")
    if not SoundServer.available():
        _needed("pulseaudio", "the sound through a real sound server")
    folder = tmp_path_factory.mktemp("live")
    make_media(folder / "assets")
    scene = folder / "live.yaml"
    scene.write_text(as_live((SCENES / "the-voice.yaml").read_text()))
    server = SoundServer(tmp_path_factory.mktemp("pulse")).start()
    display = _free_display()
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"])
    state = folder / "state"
    env = {**server.env, "DISPLAY": display, "SDL_VIDEODRIVER": "x11"}
    console = (folder / "console.txt").open("w")  # a file: a pipe nobody reads would fill
    process = subprocess.Popen(
        [sys.executable, "-m", "installation", "play", str(scene), "--size", "320x180",
         "--no-osc", "--windowed", "--state-dir", str(state)],
        env=env, stdout=console, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    player = Live(process, scene, state)
    try:
        deadline = time.monotonic() + OUTCOME_SECONDS
        while "scene: live" not in (player.log if (state / "installation.log").exists() else ""):
            assert process.poll() is None and time.monotonic() < deadline, (
                "the player did not start"
            )
            time.sleep(0.1)
        yield player
        frames = player.heartbeat()["frames"]
        time.sleep(2.5)  # a heartbeat later: it still draws
        beat = player.heartbeat()
        assert beat["frames"] > frames and beat["sound_playing"], beat
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        console.close()
        output = (folder / "console.txt").read_text(errors="replace")
        xvfb.terminate()
        xvfb.wait(timeout=10)
        server.stop()
    assert process.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


def make_media(assets: Path) -> None:
    """A photograph, a clip and a recording, as an artist brings them, and broken ones."""
    import av
    from PIL import Image

    (assets / "images").mkdir(parents=True)
    (assets / "footage").mkdir()
    (assets / "sounds").mkdir()
    y, x = np.mgrid[0:96, 0:128]
    picture = np.stack([200 + 40 * np.sin(x / 9), 120 + 60 * np.cos(y / 7), 90 + 0 * x], -1)
    Image.fromarray(picture.astype(np.uint8)).save(assets / "images" / "window.png")
    with av.open(str(assets / "footage" / "glass.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for k in range(24):
            frame = np.full((48, 64, 3), (180, 110 + 4 * k, 80), np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        out.mux(stream.encode(None))
    t = np.arange(48000) / 48000
    tone = (0.2 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
    with wave.open(str(assets / "sounds" / "tone.wav"), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(48000)
        out.writeframes(tone.tobytes())
    (assets / "images" / "text.jpg").write_text("not a picture, whatever its name says")
    (assets / "sounds" / "empty.wav").write_bytes(b"")
    (assets / "sounds" / "text.wav").write_text("RIFF? no")


BASE = """scene: live
seed: 3
tempo: 64
loop: 40
visuals:
  - layer: sky
    top: "#2E1E2B"
    bottom: peach
{layers}
post:
  grain: 0.03
sound:
  key: D
  mode: lydian
  voices:
    - voice: pad
      chords: [I, IV, vi, V]
      level: -18
{voices}
  master: {{loudness: -24}}
"""

FORMS = {
    "an expression": '  - layer: bokeh\n    count: 40\n    brightness: "0.5 + 0.3*sin(t/8)"',
    "an lfo": "  - layer: bokeh\n    brightness: {lfo: sine, period: 12, range: [0.3, 0.9]}",
    "noise": "  - layer: haze\n    density: {noise: 0.1, range: [0.2, 0.6]}",
    "keys": "  - layer: bokeh\n    count: {keys: [[0, 20], [30, 90]], ease: in-out}",
    "a follower": "  - layer: bokeh\n    brightness: {follow: {voice: pad, amount: 0.5}}",
    "a nested follower": "  - layer: sky\n    sun: {height: 0.2, glow: {follow: {voice: pad}}}",
    "a waveform": "  - layer: waveform\n    voice: pad",
    "a picture": "  - layer: image\n    file: assets/images/window.png",
    "a clip": "  - layer: footage\n    file: assets/footage/glass.mp4",
}
BROKEN = {  # what is saved, and what the refusal says
    "a text file named .jpg": ("  - layer: image\n    file: assets/images/text.jpg",
                               "'text.jpg' is not a picture"),
    "a misspelt layer": ("  - layer: bokhe", "unknown layer 'bokhe' (did you mean 'bokeh'?)"),
    "an expression that is Python": ("  - layer: bokeh\n    count: \"__import__('os')\"",
                                     "unknown function '__import__'"),
    "a value out of range": ("  - layer: bokeh\n    count: 99999999", "must be between 0 and"),
}  # fmt: skip


def test_every_bundled_scene_saved_into_a_playing_show(live):
    for path in bundled_scenes():
        assert live.save(as_live(path.read_text())), f"{path.stem} was refused\n{live.log[-2000:]}"


@pytest.mark.parametrize("form", list(FORMS))
def test_every_value_form_media_and_followers(live, form):
    text = BASE.format(layers=FORMS[form], voices="")
    assert live.save(text), f"{form} was refused\n{live.log[-2000:]}"


def test_a_scene_with_a_recording_and_an_expression_in_its_timeline(live):
    voices = "    - voice: recording\n      file: assets/sounds/tone.wav\n      level: -30"
    text = BASE.format(layers="", voices=voices) + (
        'timeline:\n  - at: 5\n    ramp: 4\n    set: {sound.pad.level: "-20 + 2*sin(t/4)"}\n'
    )
    assert live.save(text), live.log[-2000:]


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_files_are_refused_and_the_last_good_one_plays_on(live, kind):
    assert live.save(BASE.format(layers="", voices=""))
    layers, message = BROKEN[kind]
    assert not live.save(BASE.format(layers=layers, voices=""))
    said = [ln for ln in live.log.splitlines() if re.search(r"ERROR .*live\.yaml:\d+:\d+: ", ln)]
    assert said and message in said[-1], said[-1:]  # at its file:line:col
    assert live.heartbeat()["scene"] == "live"


@pytest.mark.parametrize("text", [
    "scene: live\nvisuals:\n  - layer: sky\n    top: [oops\n",  # YAML's own mistake
    "scene: live\nsound:\n  voices:\n    - voice: recording\n      file: assets/sounds/empty.wav\n",
    "scene: live\nsound:\n  voices:\n    - voice: recording\n      file: assets/sounds/text.wav\n",
    "",  # an editor that saved nothing (yet)
])  # fmt: skip
def test_broken_files_of_every_kind(live, text):
    assert not live.save(text)


def test_the_fuzz_corpus_saved_into_a_playing_show(live):
    """The fuzz's own generated scenes and mutated files (the same cases ``make test`` runs
    through the loader), each saved into the running player: played, or refused."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from test_fuzz import MUTATION, SCENES_FROM_MODELS, mutate

    played = []

    @settings(max_examples=15, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.one_of(
        SCENES_FROM_MODELS.map(lambda data: yaml.safe_dump({**data, "scene": "live"})),
        st.tuples(st.sampled_from(bundled_scenes()), st.lists(MUTATION, min_size=1, max_size=2))
        .map(lambda case: as_live(mutate(case[0].read_text(), case[1]))),
    ))  # fmt: skip
    def save(text: str) -> None:
        played.append(live.save(text))

    save()
    assert len(played) >= 15 and live.process.poll() is None
