"""Golden frames: a small reference picture of every layer alone and of every bundled scene at
two moments, compared with what the renderer paints now.

A change that alters a picture on purpose refreshes them with one command, and the diff of the
PNGs shows what changed:

    make golden            (GOLDEN_UPDATE=1 pytest tests/test_golden.py)

Two levels of comparison:

* **Within tolerance, anywhere**: mean difference at most 1.5 levels and 99.5% of pixels
  within 16 levels. Builds of pygame's scalers and numpy differ a little between machines;
  a regression (a colour shifted, a blown sky) does not stay under that.
* **The layer itself, per layer**: a small layer is a few pixels of the frame and could
  vanish inside that tolerance (a missing flock of birds changed 16 of these 9,216 pixels;
  the birds' case now shows 24 birds mid-crossing, some 135 pixels, each bird several). Each layer's own
  pixels, where its golden frame differs from its ground (the same scene without it) by
  ``OWN_LEVELS`` or more, must be there again: within ``OWN_MEAN`` levels on average.
* **Bit for bit, with the lock**: where the installed packages are the versions in
  ``requirements.lock`` (the README's commands install from it) on x86-64 Linux, every golden
  frame's digest must match exactly (``golden/digests.json``): same lock, same platform, same
  bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_layers import AT, OWN_LEVELS, SOLO, ground_text, scene_text

from installation.paths import bundled_scenes
from installation.render.frames import frame_bytes
from installation.scene.loader import load_scene, parse_scene
from installation.visuals.compositor import Compositor

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
SIZE = (128, 72)
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
#: the packages whose builds decide the bytes of a frame
PIXEL_PACKAGES = ("pygame-ce", "numpy", "pillow")
#: how far, on average over a layer's own pixels, a frame may be from its golden one (a layer
#: that vanished is at least ``OWN_LEVELS`` away from it there; builds differ by a level or two)
OWN_MEAN = 6.0
#: the fewest own pixels a layer's golden frame must show, so that the check above sees it
OWN_LEAST = 12


def _cases() -> dict[str, tuple[str, float]]:
    """name -> (scene text or path, time)"""
    cases: dict[str, tuple[str, float]] = {f"layer-{name}": (scene_text(name), AT) for name in SOLO}
    for path in bundled_scenes():
        span = load_scene(path).clock.loop or 120.0
        for share in (0.37, 0.81):
            cases[f"scene-{path.stem}-{round(span * share)}"] = (str(path), span * share)
    return dict(sorted(cases.items()))


CASES = _cases()


def paint(source: str, t: float) -> np.ndarray:
    scene = (
        load_scene(Path(source)) if source.endswith(".yaml") else parse_scene(source, "<golden>")
    )
    pixels = frame_bytes(Compositor(scene, SIZE).render(t))
    return np.frombuffer(pixels, np.uint8).reshape(SIZE[1], SIZE[0], 4)[..., 2::-1].copy()


def digest(image: np.ndarray) -> str:
    return hashlib.sha256(image.tobytes()).hexdigest()


def _locked() -> str | None:
    """Why bytes may differ here, or None when this environment is the lock's."""
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return f"golden digests are pinned on x86-64 Linux, not {sys.platform} {platform.machine()}"
    lock = ROOT / "requirements.lock"
    if not lock.exists():
        return "no requirements.lock"
    pins = dict(line.split("==", 1) for line in lock.read_text().splitlines() if "==" in line)
    for name in PIXEL_PACKAGES:
        have = metadata.version(name)
        if pins.get(name) != have:
            return f"{name} {have} is installed, the lock says {pins.get(name)}"
    return None


@pytest.fixture(scope="module")
def digests() -> dict[str, str]:
    path = GOLDEN / "digests.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.mark.parametrize("name", CASES)
def test_golden_frame(name, digests):
    image = paint(*CASES[name])
    path = GOLDEN / f"{name}.png"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        Image.fromarray(image).save(path, optimize=True)
        digests[name] = digest(image)
        (GOLDEN / "digests.json").write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        return
    assert path.exists(), f"no golden frame for {name}: run `make golden`"
    golden = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    if name.startswith("layer-"):
        layer = name.removeprefix("layer-")
        ground = paint(ground_text(layer), CASES[name][1]).astype(np.int16)
        own = np.abs(golden - ground).max(axis=2) >= OWN_LEVELS
        assert own.sum() >= OWN_LEAST, f"{name}: the golden frame hardly shows the layer"
        off = np.abs(image.astype(np.int16) - golden).max(axis=2)[own].mean()
        assert off <= OWN_MEAN, (
            f"{name}: the layer's own {own.sum()} pixels are {off:.1f} levels from its golden "
            "frame on average: is it all there?"
        )
    diff = np.abs(image.astype(np.int16) - golden).max(axis=2)
    assert diff.mean() <= 1.5 and np.percentile(diff, 99.5) <= 16, (
        f"{name}: mean difference {diff.mean():.2f} levels, 99.5th percentile "
        f"{np.percentile(diff, 99.5):.0f}; if the change is meant, `make golden`"
    )
    reason = _locked()
    if reason is None:
        assert digest(image) == digests.get(name), f"{name}: not the locked bytes"


def test_every_golden_frame_has_a_case():
    """A golden PNG whose case is gone would be a reference nobody checks."""
    names = {p.stem for p in GOLDEN.glob("*.png")}
    assert names == set(CASES) or UPDATE, sorted(names ^ set(CASES))
