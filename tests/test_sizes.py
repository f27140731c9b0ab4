"""One size grammar: the command line, a show's display and a wall's canvas read the same text
the same way (``scene.sizes``): the same sizes accepted, the same refused, in the same words."""

from __future__ import annotations

import json

import pytest

from installation.cli import main
from installation.commands.common import UsageError, parse_size
from installation.scene.errors import SceneError
from installation.scene.show import load_show
from installation.scene.wall import parse_viewport

GOOD = {
    "1920x1080": (1920, 1080),
    "1280X720": (1280, 720),
    " 640 x 360 ": (640, 360),
    "16x16": (16, 16),
    "8192x8192": (8192, 8192),
    "7680x4320": (7680, 4320),
}
OUT_OF_RANGE = ["15x100", "99999x99999", "8193x10", "0x1080", "100x0"]
NOT_A_SIZE = ["big", "1920", "1920x", "-10x10", "1e3x10", "1920x1080x2", "", "1920 1080"]


def cli(text: str) -> tuple[int, int] | str:
    try:
        return parse_size(text)
    except UsageError as err:
        return str(err)


def show(tmp_path, text: str, where: str) -> tuple[int, int] | str:
    """Load a show whose display size or wall canvas is ``text`` (quoted: YAML text)."""
    quoted = json.dumps(text)
    body = "show: gallery\nscenes: [magic-hour]\n"
    if where == "display":
        body += f"display: {{size: {quoted}}}\n"
    else:
        body += f'wall:\n  canvas: {quoted}\n  screens:\n    left: {{viewport: "0,0,16,16"}}\n'
    path = tmp_path / "gallery.yaml"
    path.write_text(body)
    try:
        loaded = load_show(path)
    except SceneError as err:
        (problem,) = err.problems
        return problem.message.split(": ", 1)[1]  # past the field's name
    written = loaded.display.size if where == "display" else loaded.wall.canvas
    return parse_size(written)


@pytest.mark.parametrize("text", [*GOOD, *OUT_OF_RANGE, *NOT_A_SIZE])
def test_every_caller_reads_a_size_alike(tmp_path, text):
    said = {"cli": cli(text), "display": show(tmp_path, text, "display"),
            "canvas": show(tmp_path, text, "canvas")}  # fmt: skip
    if text in GOOD:
        assert said == dict.fromkeys(said, GOOD[text])
    else:
        assert len(set(said.values())) == 1, said
        message = said["cli"]
        assert isinstance(message, str)
        expected = "out of range: each side is 16 to 8192" if text in OUT_OF_RANGE else (
            "must be WIDTHxHEIGHT")  # fmt: skip
        assert expected in message


def test_a_show_keeps_a_size_in_one_form(tmp_path):
    path = tmp_path / "gallery.yaml"
    path.write_text("show: gallery\nscenes: [magic-hour]\ndisplay: {size: 1280 X 720}\n")
    assert load_show(path).display.size == "1280x720"  # what the player reads


@pytest.mark.parametrize(
    ("written", "said"),
    [("0x1080", "YAML read 0x1080 as the hexadecimal number 4224, not as a size"),
     ("1920", "YAML read 1920 as a number, not as a size"),
     ("1920.5", "YAML read 1920.5 as a number, not as a size")],
)  # fmt: skip
def test_a_size_yaml_read_as_a_number_says_what_happened(tmp_path, written, said):
    for body in (f"display: {{size: {written}}}\n",
                 f'wall:\n  canvas: {written}\n  screens:\n    left: {{viewport: "0,0,16,16"}}\n'):  # fmt: skip
        path = tmp_path / "gallery.yaml"
        path.write_text("show: gallery\nscenes: [magic-hour]\n" + body)
        with pytest.raises(SceneError) as caught:
            load_show(path)
        (problem,) = caught.value.problems
        assert said in problem.message
        assert "WIDTHxHEIGHT in pixels, like 1920x1080, each side 16 to 8192" in problem.message
        assert (problem.line, problem.column) == ((3, 17) if "display" in body else (4, 11))


def test_the_command_line_refuses_a_bad_size_in_one_line(tmp_path, capsys):
    for flag, value in (("--size", "99999x99999"), ("--canvas", "0x1080")):
        args = ["still", "magic-hour", "--out", str(tmp_path / "x.png"), flag, value]
        if flag == "--canvas":
            args += ["--viewport", "0,0,16,16"]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "out of range: each side is 16 to 8192 pixels" in err
        assert "Traceback" not in err


def test_a_viewport_keeps_to_the_same_least_side():
    assert parse_viewport("0,0,16,16", (1920, 1080)).size == (16, 16)
    with pytest.raises(ValueError, match="at least 16x16"):
        parse_viewport("0,0,15,16", (1920, 1080))
