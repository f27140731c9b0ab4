"""Sizes in pixels: one grammar for the command line (--size, --canvas), shows (display.size) and
video walls (canvas, and each viewport's width and height).

The rule: ``WIDTHxHEIGHT``, two whole numbers joined by ``x`` (``1920x1080``; ``X`` and spaces
around it are accepted), each side from 16 to 8192 pixels (a 2x2 wall of 4K screens is
7680x4320). In a YAML file a size is text and needs no quotes, with one trap: YAML reads a word
that starts ``0x`` as a hexadecimal number (``0x1080`` is 4224), and a bare number is no size.
The message then says what YAML read and how to write it; quote a size when in doubt.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from installation.scene.errors import ItemError

__all__ = ["MAX_SIDE", "MIN_SIDE", "RULE", "ReadAsNumber", "SizeText", "check_sides", "parse_size"]

MIN_SIDE = 16  # smaller than a thumbnail: a typo, not a wish
MAX_SIDE = 8192  # each machine of a wall paints the whole canvas: past this it cannot keep up
RULE = f"WIDTHxHEIGHT in pixels, like 1920x1080, each side {MIN_SIDE} to {MAX_SIDE}"
_SIZE = re.compile(r"\s*(\d{1,5})\s*[xX]\s*(\d{1,5})\s*")
#: the JSON Schema's pattern: what an editor accepts as it is typed
PATTERN = r"^\s*\d{1,5}\s*[xX]\s*\d{1,5}\s*$"


def parse_size(text: str, what: str = "size") -> tuple[int, int]:
    """``'1920x1080'`` → ``(1920, 1080)``; ``ValueError`` with a plain sentence otherwise.
    ``what`` names the thing in the message (``--canvas``, ``canvas``)."""
    match = _SIZE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return _refuse(what, text)
    w, h = int(match.group(1)), int(match.group(2))
    check_sides(w, h, f"{what} {w}x{h}")
    return w, h


def check_sides(w: int, h: int, what: str) -> None:
    """Both sides within the bounds, or ``ValueError`` naming ``what`` (also a viewport's)."""
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise ValueError(f"{what} is out of range: each side is {MIN_SIDE} to {MAX_SIDE} pixels")


def _refuse(what: str, raw: object) -> tuple[int, int]:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise ReadAsNumber(raw)
    shown = f"'{raw}'" if isinstance(raw, str) else repr(raw)
    raise ValueError(f"{what} must be WIDTHxHEIGHT, like 1280x720, not {shown}")


class ReadAsNumber(ItemError):
    """A size YAML read as a number. The validator that reads files (``scene.validate``) asks
    :meth:`explain` for the message with the text as it was written, which YAML has lost."""

    def __init__(self, number: float):
        self.number = number
        super().__init__(self.explain(None))

    def explain(self, written: str | None) -> str:
        text = written or str(self.number)
        if text.lower().lstrip("+-").startswith("0x"):
            return (
                f"YAML read {text} as the hexadecimal number {self.number}, not as a size "
                f'(in quotes, "{text}" would be text, but a side of 0 is out of range): '
                f"write {RULE}"
            )
        return f"YAML read {text} as a number, not as a size: write {RULE}"


def _validate(raw: Any) -> str:
    """A size as written in a file, kept as text in one form: ``'1920x1080'``."""
    w, h = parse_size(raw)
    return f"{w}x{h}"


#: a size field of a file's model: ``size: SizeText | None = Field(None, ...)``
SizeText = Annotated[
    str,
    PlainValidator(_validate),
    WithJsonSchema({"type": "string", "pattern": PATTERN, "description": RULE}),
]
