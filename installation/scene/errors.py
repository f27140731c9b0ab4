"""Problems found in a scene file, reported as ``path:line:column: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ItemError", "Problem", "SceneError", "did_you_mean", "item_path"]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a file. ``line`` and ``column`` are 1-based, as editors count."""

    path: str
    line: int
    column: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def for_editors(self) -> str:
        """``file:line:col: level: message``, the form compilers use and editors understand."""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level,
            "message": self.message,
        }


class ItemError(ValueError):
    """A mistake inside a value: ``path`` leads from the value to the offending item (a key of
    a mapping, an index of a list), so the message points at the item, not at the whole value."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.path = path


def item_path(err: BaseException | None) -> tuple[str | int, ...]:
    """Where inside its value ``err`` happened (empty when it does not say)."""
    return err.path if isinstance(err, ItemError) else ()


class SceneError(Exception):
    """Raised with every problem of a file at once, sorted by position."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix when a near name exists, else an empty string."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
