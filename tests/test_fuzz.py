"""Fuzzing with Hypothesis: whatever arrives is refused with a position, or accepted and drawn.

* **Scenes built from the models**: layers and post effects chosen from the registries, each
  key from its own model (numbers inside, at and beyond their bounds, values of the wrong
  kind, expressions, modulations, unknown keys).
* **Mutated files**: the bundled scenes and the show, with characters cut and inserted, lines
  doubled and re-indented: YAML's own mistakes as much as ours.
* **OSC**: datagrams of random bytes and messages of every type and size to every address.

Every input must end as a ``SceneError`` whose problems carry a line and a column, or as a
scene that draws a frame; never another exception. OSC is ignored or obeyed, and the remote
still answers afterwards.

``make test`` runs a fixed, bounded number of cases (``derandomize``: the same cases every
run); ``make fuzz`` runs 1,000 of each with fresh randomness.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from installation.paths import SCENES, bundled_scenes  # noqa: E402
from installation.scene.errors import SceneError  # noqa: E402
from installation.scene.loader import load_scene  # noqa: E402
from installation.scene.show import load_show  # noqa: E402
from installation.visuals.compositor import Compositor  # noqa: E402
from installation.visuals.layer import LAYERS  # noqa: E402
from installation.visuals.post.base import POST  # noqa: E402

settings.register_profile(
    "ci", max_examples=40, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "long", max_examples=1000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile(os.environ.get("FUZZ_PROFILE", "ci"))

SIZE = (32, 18)


def check(path: Path, show: bool = False) -> None:
    """Refused with positions, or loaded and (a scene) drawn: anything else fails the test."""
    from hypothesis import event

    try:
        loaded = load_show(path) if show else load_scene(path)
    except SceneError as err:
        event("refused")
        assert err.problems, "a refusal with no problem in it"
        for problem in err.problems:
            assert problem.line >= 1 and problem.column >= 1, problem
            assert problem.message.strip(), problem
        return
    event("accepted")
    if not show:
        compositor = Compositor(loaded, SIZE)
        for t in (0.0, 7.3):
            compositor.render(t)


# -- scenes built from the models -------------------------------------------------------------
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 1, -1, 0.5, 1e9, -1e-9]),
)
VALUES = st.one_of(
    NUMBERS,
    st.booleans(),
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["0.5 + 0.5*sin(t)", "1/0", "t*", "2*pi", "cream", "#ff8800", "beat % 4"]),
    st.fixed_dictionaries({"lfo": st.sampled_from(["sine", "sinus", "triangle"]),
                           "period": NUMBERS, "range": st.lists(NUMBERS, max_size=3)}),
    st.fixed_dictionaries({"keys": st.lists(st.lists(NUMBERS, max_size=3), max_size=4)}),
    st.lists(NUMBERS, max_size=3),
)  # fmt: skip


def entry(kind: str, registry) -> st.SearchStrategy[dict]:
    fields = list(registry.get(kind).Params.model_fields)
    keys = st.sampled_from([*fields, "colour", "speeed", "opacity"])
    return st.dictionaries(keys, VALUES, max_size=4).map(lambda d: {"layer": kind, **d})


LAYER_ENTRIES = st.sampled_from(sorted(LAYERS.names())).flatmap(lambda k: entry(k, LAYERS))
POST_ENTRIES = st.dictionaries(st.sampled_from(sorted(POST.names())), VALUES, max_size=3)
SCENES_FROM_MODELS = st.fixed_dictionaries(
    {"scene": st.just("fuzz"), "visuals": st.lists(LAYER_ENTRIES, min_size=1, max_size=4)},
    optional={
        "loop": NUMBERS, "seed": NUMBERS, "tempo": NUMBERS, "post": POST_ENTRIES,
        "palette": st.sampled_from(["her", "nope", 3]),
        "timeline": st.lists(st.fixed_dictionaries({"at": NUMBERS}, optional={
            "cue": st.text(max_size=8), "ramp": NUMBERS,
            "set": st.dictionaries(st.sampled_from(["sky.opacity", "bokeh.count", "x.y"]), VALUES,
                                   max_size=2)}), max_size=3),
    },
)  # fmt: skip


@given(SCENES_FROM_MODELS)
def test_scenes_built_from_the_models(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    check(path)


# -- mutated files ----------------------------------------------------------------------------
SOURCES = [*bundled_scenes(), SCENES / "shows" / "default.yaml"]
JUNK = " :-[]{}#'\"\t\n,.0123456789abcxyz|>&*!%@`"
MUTATION = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 10**5), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.integers(0, 10**5), st.text(JUNK, min_size=1, max_size=6)),
    st.tuples(st.just("double"), st.integers(0, 10**5), st.just(0)),
    st.tuples(st.just("indent"), st.integers(0, 10**5), st.integers(-3, 3)),
)


def mutate(text: str, mutations: list[tuple]) -> str:
    for kind, at, arg in mutations:
        lines = text.splitlines(keepends=True) or [""]
        if kind == "cut":
            at %= max(1, len(text))
            text = text[:at] + text[at + arg :]
        elif kind == "insert":
            at %= max(1, len(text))
            text = text[:at] + arg + text[at:]
        elif kind == "double":
            i = at % len(lines)
            text = "".join(lines[: i + 1] + lines[i:])
        else:
            i = at % len(lines)
            line = lines[i]
            lines[i] = (
                " " * arg + line
                if arg > 0
                else line[min(-arg, len(line) - len(line.lstrip(" "))) :]
            )
            text = "".join(lines)
    return text


@given(st.sampled_from(SOURCES), st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_files(tmp_path_factory, source, mutations):
    path = tmp_path_factory.mktemp("fuzz") / source.name  # same name: the id still matches
    path.write_text(mutate(source.read_text(), mutations))
    check(path, show=source.parent.name == "shows")


# -- OSC --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def player(tmp_path_factory):
    from playerkit import on_stage, options

    from installation.play.player import Player

    made = on_stage(Player(options("magic-hour", tmp_path_factory.mktemp("state"), size=(64, 36),
                                   osc=("127.0.0.1", 0))))  # fmt: skip
    yield made
    made.close()


OSC_ARGS = st.lists(
    st.one_of(st.integers(-(2**31), 2**31 - 1), st.floats(width=32), st.text(max_size=40),
              st.binary(max_size=64), st.booleans(), st.none()),
    max_size=4,
)  # fmt: skip
ADDRESSES = st.one_of(
    st.sampled_from(
        ["/next", "/previous", "/goto", "/volume", "/pause", "/mute", "/dim", "/status"]
    ),
    st.text(max_size=20).map(lambda s: "/" + s),
)


def status_after(player, sock: socket.socket) -> bytes:
    """Ask for /status and step the player's command loop until the answer comes."""
    from pythonosc.osc_message_builder import OscMessageBuilder

    sock.sendto(OscMessageBuilder("/status").build().dgram, player.remote.address)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        player._remote_commands()
        try:
            return sock.recv(65536)
        except BlockingIOError:
            time.sleep(0.01)
    raise AssertionError("the remote no longer answers")


@given(st.lists(st.one_of(st.binary(max_size=512), st.tuples(ADDRESSES, OSC_ARGS)), max_size=6))
def test_osc_of_every_type_and_size(player, packets):
    from pythonosc.osc_message_builder import OscMessageBuilder

    player.remote.budget.tokens = player.remote.budget.burst  # the rate limit is tested elsewhere
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        for packet in packets:
            if isinstance(packet, bytes):
                dgram = packet
            else:
                address, args = packet
                builder = OscMessageBuilder(address)
                for arg in args:
                    builder.add_arg(arg)
                try:
                    dgram = builder.build().dgram
                except Exception:  # not encodable as OSC at all: nothing to send
                    continue
            sock.sendto(dgram, player.remote.address)
        assert b"/status" in status_after(player, sock)
    assert -120.0 <= player.audio.volume_db <= 12.0  # -120: muted
    assert 0.0 <= player.screen_view.dim <= 1.0
    player.control.do("pause", (False,))
    player.step()  # and the show goes on
    assert player.stopping is None
