"""Dependencies point one way: commands → play, render → visuals, sound → scene → clock.

Read from the modules' own import statements, so a new import against the grain fails here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
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


def test_the_scene_format_depends_on_no_engine():
    engines = ("installation.play", "installation.render", "installation.visuals",
               "installation.sound")  # fmt: skip
    assert offenders("scene", engines) == []


def test_checking_scenes_loads_neither_sdl_nor_pyo():
    """validate reads every plugin's parameter model, yet starts neither engine."""
    code = (
        "import sys\n"
        "from installation.cli import main\n"
        "sys.argv = ['installation', 'validate', 'scenes/']\n"
        "code = main()\n"
        "from installation.lazy import is_loaded\n"
        "assert not is_loaded('pygame') and not is_loaded('pyo'), 'engine loaded'\n"
        "assert not any(m.startswith(('pygame.', 'pyo.', 'tkinter')) for m in sys.modules)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_schedule_depends_on_the_scene_format_only():
    assert offenders("schedule.py", ("installation.visuals", "installation.sound",
                                     "installation.play", "installation.render")) == []  # fmt: skip


def test_the_clock_depends_on_nothing_of_ours_but_colour_science():
    """scene → clock, never back: the scene format builds clocks and tracks from its values,
    and the clock reads those values through the protocol it states (``clock.Timed``)."""
    assert imports_of("clock.py") == {"clock.py": {"installation.colour"}}


def test_no_import_cycle_in_the_scene_format_and_the_clock():
    """Between modules, and between the scene package taken whole and the clock (a cycle
    through two modules of scene/ is still a cycle). Function-level imports count too."""
    graph: dict[str, set[str]] = {}
    for folder in ("scene", "clock.py"):
        for module, names in imports_of(folder).items():
            graph["installation." + module.removesuffix(".py").replace("/", ".")] = names
    assert cycles(graph) == []

    def package(name: str) -> str:
        return "installation.scene" if name.startswith("installation.scene.") else name

    whole: dict[str, set[str]] = {}
    for module, names in graph.items():
        whole.setdefault(package(module), set()).update(package(n) for n in names)
    assert cycles({m: names - {m} for m, names in whole.items()}) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in graph.get(node, ()):
            if after not in graph:
                continue  # outside the modules looked at
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_pygame_stays_out_of_the_scene_format():
    """Walls' geometry is the format's; copying pixels is the renderer's and the player's."""
    drawing = []
    for path in sorted((PACKAGE / "scene").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            drawing += [f"{path.name}: {n}" for n in names if "pygame" in n.split(".")]
    assert drawing == []


def test_visuals_and_sound_know_nothing_of_play_render_or_each_other():
    assert (
        offenders("visuals", ("installation.play", "installation.render", "installation.sound"))
        == []
    )
    assert (
        offenders("sound", ("installation.play", "installation.render", "installation.visuals"))
        == []
    )


def test_the_lock_pins_every_dependency():
    """`make setup` installs the lock, then the project without dependencies: a dependency
    missing from the lock would be missing from every fresh machine."""
    import re
    import tomllib

    root = Path(__file__).parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    pinned = {
        norm(line.split("==")[0])
        for line in (root / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    names = {norm(re.split(r"[\[<>=~! ;]", spec, maxsplit=1)[0]) for spec in wanted}
    assert names <= pinned, sorted(names - pinned)


#: the layers of the package, top first: a module may import from its own layer's package or
#: from layers below it, never from one above
LAYERS = [
    ("installation.cli", "installation.commands", "installation.__main__"),
    ("installation.play", "installation.render", "installation.bench", "installation.authoring"),
    ("installation.visuals", "installation.sound"),
    ("installation.scene", "installation.clock", "installation.schedule",
     "installation.crossfade", "installation.registry"),
]  # fmt: skip


def _rank(module: str) -> int:
    for k, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return k
    return len(LAYERS)  # lazy, paths, colour, cube: shared below everything


def module_graph() -> dict[str, set[str]]:
    """Every module of the package → the modules of ours it imports (function-level imports
    too), each import read down to the module it names."""
    graph = {
        "installation." + m.removesuffix(".py").replace("/", ".").removesuffix(".__init__"): names
        for m, names in imports_of(".").items()
    }

    def module(name: str) -> str:
        while name not in graph and "." in name:
            name = name.rsplit(".", 1)[0]
        return name

    return {m: {module(n) for n in names} - {m} for m, names in graph.items()}


def test_no_import_cycle_anywhere():
    assert cycles(module_graph()) == []


def test_no_import_climbs_a_layer():
    """commands → play, render → visuals, sound → scene, clock, schedule → the shared little
    modules; never back up, and play and render never import each other."""
    graph = module_graph()
    upward = [f"{m} imports {n}" for m, names in sorted(graph.items()) for n in sorted(names)
              if _rank(n) < _rank(m)]  # fmt: skip
    across = [
        f"{m} imports {n}"
        for m, names in sorted(graph.items())
        for n in sorted(names)
        for a, b in (
            ("installation.play", "installation.render"),
            ("installation.render", "installation.play"),
        )
        if m.startswith(a) and n.startswith(b)
    ]
    assert upward == [] and across == []


def test_the_layer_rule_can_fail():
    assert _rank("installation.scene.loader") > _rank("installation.visuals.layer")
    assert _rank("installation.lazy") > _rank("installation.clock")
