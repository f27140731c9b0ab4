"""Every kind of bad input: the exact message, its position, exit status 2, no traceback."""

from __future__ import annotations

import time

import pytest

from installation.cli import main
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene


def problems(path) -> list[str]:
    with pytest.raises(SceneError) as err:
        load_scene(path)
    return [str(p) for p in err.value.problems]


def one(path) -> str:
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


CASES = [
    # (file text, expected message after "path:")
    (
        "scene: case\nvisuals: [\n",
        "2:10: syntax: the '[' opened at line 2, column 10 is not closed",
    ),
    (
        "scene: case\nvisuals:\n  - layer: bokhe\n",
        "3:12: unknown layer 'bokhe' (did you mean 'bokeh'?)",
    ),
    (
        "scene: case\nsound:\n  voices:\n    - voice: nope\n",
        "4:14: unknown voice 'nope'",
    ),
    (
        "scene: case\npost:\n  blom: 0.5\n",
        "3:3: unknown post effect 'blom' (did you mean 'bloom'?)",
    ),
    (
        "scene: case\nvisuals:\n  - layer: bokeh\n    cont: 5\n",
        "4:5: layer 'bokeh': unknown key 'cont' (did you mean 'count'?)",
    ),
    ("scene: case\ntempo: fast\n", "2:8: 'tempo' must be a number, got 'fast'"),
    ("scene: case\nseed: 1.5\n", "2:7: 'seed' must be a whole number, got 1.5"),
    ("scene: case\nduration: -5\n", "2:11: 'duration' must be above 0.0, got -5"),
    (
        "scene: case\nvisuals:\n  - layer: bokeh\n    count: 100000\n",
        "4:12: layer 'bokeh': 'count': must be between 0 and 1000, got 100000",
    ),
    (
        "scene: case\nvisuals:\n  - layer: sky\n    top: corall\n",
        "4:10: layer 'sky': 'top': unknown colour 'corall' (did you mean 'coral'?)",
    ),
    (
        "scene: case\nvisuals:\n  - layer: sky\n    top: '#12345'\n",
        "4:10: layer 'sky': 'top': invalid colour '#12345': write it as '#rrggbb'",
    ),
    (
        "scene: case\nvisuals:\n  - layer: bokeh\n    brightness: .nan\n",
        "4:17: layer 'bokeh': 'brightness': the value must be a finite number, got nan",
    ),
    ("scene: case\ntempo: .inf\n", "2:8: 'tempo' must be a finite number, got inf"),
    ("scene: case\nseed: 1\nseed: 2\n", "3:1: duplicate key 'seed' (first given at line 2)"),
    ("", "1:1: the file is empty"),
    ("# only a comment\n", "1:1: the file is empty"),
    ("- a\n- b\n", "1:1: a scene is a mapping of keys (scene:, visuals:, ...), not a list"),
    (
        "scene: case\ntitle: !!python/object/apply:os.system ['ls']\n",
        "2:8: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in a scene",
    ),
    ("scene: case\ntitle: !custom x\n", "2:8: the tag '!custom' is not allowed in a scene"),
    ("scene: other\n", "1:8: scene id 'other' must equal the file name 'case'"),
    (
        "scene: Case_1\n",
        "1:8: 'scene' must be lowercase letters and digits in words joined by hyphens",
    ),
    ("scene: case\n---\nscene: case\n", "2:1: only one YAML document per file"),
    ("scene: case\nvisuals: 3\n", "2:10: 'visuals' must be a list, got 3"),
    (
        "scene: case\nvisuals:\n  - layer: bokeh\n    blend: scren\n",
        "4:12: layer 'bokeh': 'blend' must be one of add, screen; got 'scren' (did you mean 'screen'?)",
    ),
    (
        "scene: case\ntimeline:\n  - at: 3\n    set: {bokeh.count: 2}\n",
        "4:11: unknown parameter 'bokeh.count'",
    ),
    ("scene: case\ntimeline:\n  - at: 3\n", "3:5: a timeline event needs 'set' or 'cue'"),
    ("scene: case\npalette: hre\n", "2:10: unknown palette 'hre' (did you mean 'her'?)"),
    # a mistake inside a list or a modulation: the column of the item, not of the whole value
    (
        "scene: case\nvisuals:\n  - layer: sky\n    opacity: {lfo: sine, range: [0.2, 1.4]}\n",
        "4:39: layer 'sky': 'opacity': range [0.2, 1.4] must lie between 0 and 1",
    ),
    (
        "scene: case\nvisuals:\n  - layer: haze\n    density: {keys: [[0, 0.2], [30, 1.5]]}\n",
        "4:37: layer 'haze': 'density': key value 1.5 must be between 0 and 1",
    ),
    (
        "scene: case\nvisuals:\n  - layer: haze\n    height: {keys: [[0, 0.2], [30, 0.5], [20, 0.3]]}\n",
        "4:43: layer 'haze': 'height': key times must not go backwards",
    ),
    (
        "scene: case\nvisuals:\n  - layer: haze\n    drift: {noise: 0, range: [1, 2]}\n",
        "4:20: layer 'haze': 'drift': noise speed must be above 0",
    ),
    (
        "scene: case\nvisuals:\n  - layer: sky\n    top: {keys: [[0, coral], [10, corl]]}\n",
        "4:35: layer 'sky': 'top': unknown colour 'corl' (did you mean 'coral'?)",
    ),
    (
        "scene: case\nsound:\n  voices:\n    - voice: pad\n      chords: [I, vi, XQ, V]\n",
        "5:23: voice 'pad': 'chords': 'XQ' is not a chord symbol",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][:40] for c in CASES])
def test_each_mistake_has_its_message_and_position(write, text, expected):
    path = write(text)
    message = one(path)
    assert message.startswith(f"{path}:{expected}"), message


def test_bytes_that_are_not_utf8(write):
    path = write(b"scene: case\ntitle: caf\xe9\n")
    assert one(path) == f"{path}:2:11: the file is not UTF-8 text (byte 0xe9)"


def test_deep_nesting_is_refused_quickly(write):
    path = write("scene: case\ntitle: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nesting deeper than 24 levels" in one(path)


def test_alias_bomb_is_bounded_in_time_and_memory(write):
    lines = ["scene: case", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    path = write("\n".join(lines) + "\n")
    start = time.perf_counter()
    message = one(path)
    assert "expands beyond 50000 values" in message
    assert time.perf_counter() - start < 5  # a guard, not a benchmark: a bomb takes forever


def test_huge_file_is_refused(write):
    path = write("scene: case\n" + "# padding\n" * 200_000)
    assert "larger than" in one(path)


def test_all_mistakes_of_a_file_are_reported_at_once(write):
    text = (
        "scene: case\ntempo: fast\nvisuals:\n  - layer: bokhe\n  - layer: sky\n    top: corall\n"
        "post:\n  grain: 2\n"
    )
    found = problems(write(text))
    assert len(found) == 4
    assert [int(p.split(":")[1]) for p in found] == [2, 4, 6, 8]  # sorted by line


def test_expression_cannot_reach_python(write):
    text = 'scene: case\nvisuals:\n  - layer: bokeh\n    brightness: "().__class__"\n'
    assert "is not allowed in an expression" in one(write(text))


def test_cli_validate_exit_status_and_no_traceback(write, capsys):
    path = write("scene: case\nvisuals:\n  - layer: bokhe\n")
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out.strip() == f"{path}:3:12: error: unknown layer 'bokhe' (did you mean 'bokeh'?)"
    assert "Traceback" not in out.err


def test_cli_validate_good_file(write, capsys):
    assert main(["validate", str(write("scene: case\n"))]) == 0


def test_cli_validate_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read the file" in capsys.readouterr().out


def _broken_media(folder) -> None:
    """An artist's broken files: a text file named .jpg, a picture whose header claims
    60000x60000, an empty WAV, an MP3 named .wav, a text file named .wav."""
    import struct
    import zlib

    import av
    import numpy as np

    (folder / "text.jpg").write_text("not a picture")

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    (folder / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                                      + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                                      + chunk(b"IEND", b""))  # fmt: skip
    (folder / "empty.wav").write_bytes(b"")
    (folder / "text.wav").write_text("RIFF, it says")
    with av.open(str(folder / "song.wav"), "w", format="mp3") as out:  # MP3 inside, .wav outside
        stream = out.add_stream("mp3", rate=44100)
        samples = (np.sin(np.arange(44100) / 9) * 0.2).astype(np.float32)[None]
        frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
        frame.sample_rate = 44100
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)


MEDIA = [
    ("  - layer: image\n    file: text.jpg\n", "", "5:11:", "'text.jpg' is not a picture"),
    ("  - layer: image\n    file: huge.png\n", "", "5:11:",
     "'huge.png' is 60000x60000, 3600 megapixels: pictures are refused above 40 megapixels"),
    ("", "    - voice: recording\n      file: empty.wav\n", "7:13:", "'empty.wav' is an empty file"),
    ("", "    - voice: recording\n      file: text.wav\n", "7:13:", "'text.wav' is not a sound file"),
    ("", "    - voice: recording\n      file: song.wav\n", "7:13:",
     "'song.wav' holds mp3 sound, which is not read here: convert it to WAV or FLAC"),
]  # fmt: skip


@pytest.mark.parametrize(("layer", "voice", "where", "message"), MEDIA)
@pytest.mark.parametrize("command", ["validate", "still", "render", "listen"])
def test_broken_media_are_refused_where_they_are_named(tmp_path, capsys, layer, voice, where,
                                                       message, command):  # fmt: skip
    """Every command refuses them alike: exit 2, the file: key's line and column, no traceback
    (they passed validate and ended in tracebacks in render, listen and still before)."""
    _broken_media(tmp_path)
    scene = tmp_path / "case.yaml"
    scene.write_text("scene: case\nvisuals:\n  - layer: sky\n" + layer
                     + "sound:\n  voices:\n" + (voice or "    - voice: pad\n"))  # fmt: skip
    out = tmp_path / ("x.wav" if command == "listen" else "x.png" if command == "still" else
                      "frames")  # fmt: skip
    args = {"validate": [], "still": ["--out", str(out), "--size", "64x36"],
            "render": ["--frames", "2", "--size", "64x36", "--out", str(out)],
            "listen": ["--seconds", "1", "--out", str(out)]}[command]  # fmt: skip
    assert main([command, str(scene), *args]) == 2
    text = "".join(capsys.readouterr())
    assert f"{scene}:{where} " in text and message in text, text
    assert "Traceback" not in text and not out.exists()
