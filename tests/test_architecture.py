"""Dependencies point one way: commands → play, render → visuals, sound → scene, clock.

Read from the modules' own import statements, so a new import against the grain fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import installation

PACKAGE = Path(installation.__file__).parent


def imports_of(folder: str) -> dict[str, set[str]]:
    """Each module under ``installation/<folder>`` → the installation modules it imports."""
    out = {}
    root = PACKAGE / folder
    files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    for path in files:
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
        out[str(path.relative_to(PACKAGE))] = {n for n in names if n.startswith("installation")}
    return out


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{module} imports {name}"
        for module, names in imports_of(folder).items()
        for name in sorted(names)
        if name.startswith(forbidden)
    ]


def test_render_does_not_reach_into_the_player():
    assert offenders("render", ("installation.play",)) == []


def test_the_scene_format_does_not_depend_on_playing_or_rendering():
    assert offenders("scene", ("installation.play", "installation.render")) == []


def test_time_and_schedule_depend_on_the_scene_format_only():
    for module in ("clock.py", "schedule.py"):
        assert offenders(module, ("installation.visuals", "installation.sound",
                                  "installation.play", "installation.render")) == []  # fmt: skip


def test_visuals_and_sound_know_nothing_of_play_render_or_each_other():
    assert (
        offenders("visuals", ("installation.play", "installation.render", "installation.sound"))
        == []
    )
    assert (
        offenders("sound", ("installation.play", "installation.render", "installation.visuals"))
        == []
    )
