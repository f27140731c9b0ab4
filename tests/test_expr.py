"""The whitelisting expression compiler: what it computes and what it refuses."""

from __future__ import annotations

import math
import re
import time

import pytest

from installation.scene.expr import ExprError, compile_expr

ENV = {"t": 2.0, "beat": 3.0, "bar": 0.75}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.5 + 0.3*sin(t/8)", 0.5 + 0.3 * math.sin(0.25)),
        ("beat * 2 - bar", 5.25),
        ("clamp(t * 10, 0, 1)", 1.0),
        ("mix(0, 10, 0.25)", 2.5),
        ("smoothstep(0, 4, t)", 0.5),
        ("-t ** 2", -4.0),
        ("max(t, 3) % 2", 1.0),
        ("pi / tau", 0.5),
        ("fract(2.75)", 0.75),
    ],
)
def test_computes(text, expected):
    assert compile_expr(text)(ENV) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('ls')", "is not allowed"),
        ("t.__class__", "is not allowed"),
        ("().__class__.__bases__", "is not allowed"),
        ("__builtins__", "unknown name '__builtins__'"),
        ("open('x')", "unknown function 'open'"),
        ("eval('1')", "unknown function 'eval'"),
        ("lambda: 1", "is not allowed"),
        ("[x for x in t]", "is not allowed"),
        ("'text'", "only numbers are allowed"),
        ("True", "only numbers are allowed"),
        ("t if t else 1", "is not allowed"),
        ("sin(x=1)", "takes no keyword arguments"),
        ("sin(1, 2)", "takes 1 argument(s), got 2"),
        ("tt + 1", "unknown name 'tt' in expression (did you mean 't'?)"),
        ("sinn(t)", "unknown function 'sinn' (did you mean 'sin'?)"),
        ("1 +", "invalid expression"),
        ("import os", "invalid expression"),
        ("9**9**9", "expression overflows"),
        ("1" * 500, "longer than"),
        ("-" * 300 + "1", "too complex"),
    ],
)
def test_refuses(text, message):
    with pytest.raises(ExprError, match=re.escape(message)):
        compile_expr(text)


def test_huge_exponent_is_fast_and_refused():
    start = time.perf_counter()
    with pytest.raises(ExprError):
        compile_expr("99999999**99999999**99999999")
    assert time.perf_counter() - start < 1.0


def test_deep_parentheses_do_not_crash():
    with pytest.raises(ExprError):
        compile_expr("(" * 300 + "1" + ")" * 300)


# -- an expression that reads no time is a number written the long way --------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2 * pi", "must be between 0 and 1, got '2 * pi', which is 6.28319"),
        ("1/0", "'1/0' divides by zero"),
        ("sqrt(-1)", "'sqrt(-1)' has no value"),
        ("exp(800)", "expression overflows"),
    ],
)
def test_a_constant_expression_is_checked_like_its_number(write, text, message):
    from installation.scene.errors import SceneError
    from installation.scene.loader import load_scene

    path = write(f'scene: case\nvisuals:\n  - layer: sky\n    opacity: "{text}"\n')
    with pytest.raises(SceneError) as caught:
        load_scene(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (4, 14)
    assert message in problem.message


def test_a_constant_expression_in_range_is_its_number():
    from installation.scene.values import Const, parse_value

    assert parse_value("0.25 * 2") == Const(0.5)
    assert parse_value("sin(t)").constant is False


def test_an_expression_leaving_its_range_is_held_and_said_once(caplog):
    import logging

    from installation.scene.loader import parse_scene

    scene = parse_scene(
        'scene: case\nvisuals:\n  - layer: sky\n    opacity: "0.5 + sin(t)"\n', "<test>"
    )
    from installation.scene.params import evaluate
    from installation.scene.values import Moment

    params = scene.layers[0].params
    with caplog.at_level(logging.WARNING, logger="installation.scene"):
        values = [evaluate(params, Moment(t), {}).opacity for t in (0.0, 1.0, 1.5, 2.0, 4.0)]
    assert values[0] == 0.5 and values[1] == 1.0 and values[2] == 1.0  # held at the top
    assert values[4] == 0.0  # and at the bottom: 0.5 + sin(4) < 0
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1  # once, however often it happens
    assert "'opacity' (0.5 + sin(t)) left its range 0..1 at 1.00 s" in said[0]
