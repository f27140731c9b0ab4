"""Files a scene brings with it: pictures, clips, colour grades and landmark outlines.

A scene names a file by a path such as ``assets/images/window.jpg``. It is looked for beside the
scene file, then one folder up (an artist's ``scenes/`` next to their ``assets/``), then in the
bundled ``assets/`` folder. A missing file is a load error at its line and column, not a blank
layer an hour into an exhibition.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic_core import core_schema

from installation import paths

__all__ = ["BUNDLED", "Asset", "resolve_asset", "scene_folder", "scene_folder_now"]

#: the bundled assets/ folder (package data: see ``installation.paths``)
BUNDLED = paths.ASSETS

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("scene_folder", default=None)


@contextlib.contextmanager
def scene_folder(path: str | Path | None) -> Iterator[None]:
    """While loading the scene file ``path``, resolve asset paths from its folder."""
    folder = Path(path).resolve().parent if path and not str(path).startswith("<") else None
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)


def scene_folder_now() -> Path | None:
    """The folder of the scene file being loaded, if any."""
    return _FOLDER.get()


def resolve_asset(name: str, suffixes: tuple[str, ...]) -> Path:
    """The file ``name`` names, or ``ValueError`` saying where it was looked for."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a file path such as 'assets/images/photo.jpg', not {name!r}")
    path = Path(name)
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"'{name}' should be a {' or '.join(suffixes)} file")
    folder = _FOLDER.get()
    places = [folder, folder.parent] if folder else []
    places.append(paths.BUNDLED)  # holds assets/: 'assets/images/x.jpg' is found under it
    candidates = [path] if path.is_absolute() else [p / path for p in places]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    looked = ", ".join(str(c.parent.resolve()) for c in candidates)
    raise ValueError(f"no file '{name}' (looked in {looked})")


class Asset:
    """A file field of one of ``suffixes``, written ``file: Annotated[str, Asset(".wav", ...)]``:
    validated to an absolute path, and by ``check`` (which raises ``ValueError``) when the
    file's contents must be looked at too. Pictures and sounds are looked at by default
    (``scene.probe``): a file that would fail later fails at load."""

    def __init__(self, *suffixes: str, what: str, check: Callable[[str], object] | None = None):
        from installation.scene.probe import check_for

        self.suffixes, self.what = suffixes, what
        self.check = check or check_for(suffixes)

    def validate(self, raw: Any) -> str:
        path = str(resolve_asset(raw, self.suffixes))
        if self.check is not None:
            self.check(path)
        return path

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string",
                "pattern": r"^.+\.(" + "|".join(s[1:] for s in self.suffixes) + ")$",
                "description": f"{self.what}: a path such as 'assets/...{self.suffixes[0]}', "
                "looked for beside the scene, one folder up, then in the bundled assets/"}  # fmt: skip
