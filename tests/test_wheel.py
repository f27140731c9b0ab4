"""The wheel is the whole product: built from the checkout, installed into a fresh venv outside
it, it plays, renders stills and video and starts new scenes from any folder, with the bundled scenes, shows,
assets and reference inside it, and an artist's own ./scenes found first.

Offline: the wheel is built with this venv's setuptools (``--no-build-isolation``: the dev
extra's ``wheel`` gives old setuptools its bdist_wheel), and installed with ``--no-index
--no-deps``; the fresh venv reaches the dependencies already installed here (numpy, pygame, pyo,
PyAV...) through a ``.pth`` file naming this venv's site-packages: a .pth line only adds a folder
to ``sys.path`` (its own .pth files, such as an editable install's finder, are not run), and the
fresh venv's own site-packages comes first, so ``import installation`` is the wheel's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import installation

CHECKOUT = Path(__file__).resolve().parent.parent
#: what the build reads: the package (with its links in bundled/), the folders they point to,
#: and the project's metadata; copied so that no build/ or egg-info is left in the checkout
SOURCES = ("pyproject.toml", "README.md", "installation", "scenes", "assets", "docs")


def clean_env(**extra: str) -> dict:
    """This environment without what points into the checkout (the tests run with it on
    PYTHONPATH) or at other scenes."""
    out = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "INSTALLATION_SCENES")}
    return {**out, **extra}


def run(args: list, cwd: Path, env: dict | None = None, timeout: float = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env or clean_env(),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in SOURCES:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(CHECKOUT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", dist], cwd=source)  # fmt: skip
    (built,) = dist.glob("installation-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv, outside the checkout, with the wheel installed and nothing else."""
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", root], cwd=root)
    python = root / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--no-deps",
         "-q", wheel], cwd=root)  # fmt: skip
    (site,) = (root / "lib").glob("python3*/site-packages")
    here = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "dependencies-of-the-dev-venv.pth").write_text("\n".join(here) + "\n")
    return root


@pytest.fixture
def env(tmp_path) -> dict:
    return clean_env(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYO_GUI_WX="0",
                     XDG_CACHE_HOME=str(tmp_path / "cache"))  # fmt: skip


def test_the_wheel_holds_the_whole_product(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = "installation/bundled/"
    for scene in sorted((CHECKOUT / "scenes").rglob("*.yaml")):
        assert bundled + scene.relative_to(CHECKOUT).as_posix() in names
    for asset in sorted(p for p in (CHECKOUT / "assets").rglob("*") if p.is_file()):
        assert bundled + asset.relative_to(CHECKOUT).as_posix() in names
    for doc in ("reference.md", "scene.schema.json", "show.schema.json"):
        assert f"{bundled}docs/{doc}" in names
    reference = (CHECKOUT / "docs" / "reference.md").read_text()
    for picture in re.findall(r"\]\(((?:layers|palettes)/[^)]+\.png)\)", reference):
        assert f"{bundled}docs/{picture}" in names  # the reference's pictures come along
    assert not any("__pycache__" in n or n.startswith(("tests/", "scripts/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(f"installation-{installation.__version__}"
                                          ".dist-info/METADATA").decode()  # fmt: skip
    assert f"\nVersion: {installation.__version__}\n" in metadata  # one version, one place


def test_installed_it_plays_from_any_folder(venv, env, tmp_path):
    exe = venv / "bin" / "installation"
    work = tmp_path / "gallery"  # not the checkout, and no scenes of its own
    work.mkdir()
    said = run([exe, "--version"], work, env)
    assert said.startswith(f"installation {installation.__version__} (")
    assert str(venv) in said  # the wheel's own bundled folder
    where = run([venv / "bin" / "python", "-c",
                 "import installation, installation.paths as p, installation.scene.loader as l\n"
                 "print(installation.__file__)\n"
                 "for s in p.bundled_scenes(): l.load_scene(s)  # their assets, found\n"],
                work, env)  # fmt: skip
    assert where.startswith(str(venv))
    # the bundled show plays (headless, a few frames)
    said = run([exe, "play", "--frames", "5", "--no-audio", "--no-osc", "--size", "160x90",
                "--state-dir", "state"], work, env)  # fmt: skip
    assert "stopping (frame limit)" in said
    # a still of a scene that reads a photograph, a clip and a colour grade from assets/
    run([exe, "still", "apartment-night", "--at", "20", "--size", "160x90", "--no-audio",
         "--out", "still.png"], work, env)  # fmt: skip
    picture = np.asarray(Image.open(work / "still.png").convert("RGB"), dtype=float)
    assert picture.shape == (90, 160, 3)
    assert picture.std() > 4 and picture[..., 0].mean() > picture[..., 2].mean()  # lit, warm
    # a second of video with its sound (the rooms' impulse responses are assets too)
    run([exe, "render", "magic-hour", "--seconds", "1", "--fps", "30", "--size", "160x90",
         "--out", "clip.mp4", "-q"], work, env)  # fmt: skip
    import av

    with av.open(str(work / "clip.mp4")) as clip:
        assert clip.streams.audio, "the clip has no sound"
        frames = sum(1 for _ in clip.decode(video=0))
    assert frames == 30


def test_installed_an_artists_scenes_come_first(venv, env, tmp_path):
    exe = venv / "bin" / "installation"
    studio = tmp_path / "studio"
    studio.mkdir()
    # `new` starts a scene in ./scenes, with the schema beside it for the editor
    run([exe, "new", "my-dusk"], studio, env)
    written = (studio / "scenes" / "my-dusk.yaml").read_text()
    assert "$schema=scene.schema.json" in written
    assert (studio / "scenes" / "scene.schema.json").is_file()
    run([exe, "validate", "scenes/my-dusk.yaml"], studio, env)
    # an artist's own magic-hour is found before the bundled one: here, a broken one says so
    (studio / "scenes" / "magic-hour.yaml").write_text("scene: magic-hour\nvisuals: 3\n")
    done = subprocess.run([str(exe), "still", "magic-hour", "--out", "x.png"], cwd=studio,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 2 and "scenes/magic-hour.yaml:2:" in done.stderr, done.stderr
    # INSTALLATION_SCENES is looked in after ./scenes, before the bundled scenes
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "beach-dawn.yaml").write_text("scene: beach-dawn\nvisuals: 3\n")
    done = subprocess.run([str(exe), "still", "beach-dawn", "--out", "x.png"], cwd=studio,
                          env={**env, "INSTALLATION_SCENES": str(elsewhere)},
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 2 and f"{elsewhere}/beach-dawn.yaml:2:" in done.stderr, done.stderr
