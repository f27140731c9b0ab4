"""Expressions such as ``"0.5 + 0.3*sin(t/8)"``, compiled from Python's ``ast`` by a whitelist.

Nothing is ever passed to ``eval``: we walk the syntax tree, accept numbers, a few names
(``t``, ``beat``, ``bar``, ``pi``, ``tau``), arithmetic and a short list of maths functions, and
build a closure from them. All arithmetic is float arithmetic, so ``9**9**9`` overflows to an
error at once instead of computing a number with millions of digits.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping

from installation.scene.errors import did_you_mean

__all__ = ["FUNCTIONS", "NAMES", "ExprError", "compile_expr"]

MAX_LENGTH = 400
MAX_NODES = 200

Env = Mapping[str, float]
Fn = Callable[[Env], float]


class ExprError(ValueError):
    """An expression that is not allowed or not well formed."""


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _smoothstep(e0: float, e1: float, x: float) -> float:
    if e1 == e0:
        return 0.0 if x < e0 else 1.0
    u = _clamp((x - e0) / (e1 - e0), 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def _mix(a: float, b: float, u: float) -> float:
    return a + (b - a) * u


def _pow(a: float, b: float) -> float:
    return math.pow(a, b)


FUNCTIONS: dict[str, tuple[Callable[..., float], int]] = {
    "sin": (math.sin, 1),
    "cos": (math.cos, 1),
    "tan": (math.tan, 1),
    "abs": (abs, 1),
    "sqrt": (math.sqrt, 1),
    "exp": (math.exp, 1),
    "log": (math.log, 1),
    "floor": (math.floor, 1),
    "ceil": (math.ceil, 1),
    "fract": (lambda x: x - math.floor(x), 1),
    "min": (min, 2),
    "max": (max, 2),
    "pow": (_pow, 2),
    "clamp": (_clamp, 3),
    "mix": (_mix, 3),
    "smoothstep": (_smoothstep, 3),
}
NAMES = ("t", "beat", "bar", "pi", "tau")
_CONSTANTS = {"pi": math.pi, "tau": math.tau}

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _pow,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def compile_expr(text: str) -> Fn:
    """Compile ``text`` to a function of ``{'t': .., 'beat': .., 'bar': ..}``; raise ExprError."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ExprError(f"invalid expression '{text}': {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError(f"expression too complex: '{text}'") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExprError(f"expression too complex (more than {MAX_NODES} parts)")
    fn = _build(tree.body)
    _probe(fn, text)
    return fn


def constant_value(text: str, fn: Fn) -> float | None:
    """The number an expression that reads no time (no ``t``, ``beat`` or ``bar``) always
    equals, or None when it does read one; ``ExprError`` when it equals no finite number.

    Such an expression is a number written the long way, and is checked as that number."""
    names = {
        n.id for n in ast.walk(ast.parse(text.strip(), mode="eval")) if isinstance(n, ast.Name)
    }
    if names - set(_CONSTANTS) - set(FUNCTIONS):
        return None
    try:
        value = fn({})
    except ZeroDivisionError:
        raise ExprError(f"'{text}' divides by zero") from None
    except (ValueError, OverflowError):
        raise ExprError(f"'{text}' has no value (a function outside its domain)") from None
    if not math.isfinite(value):
        raise ExprError(f"'{text}' is {value}, not a finite number")
    return value


def _probe(fn: Fn, text: str) -> None:
    """Evaluate once so constant overflows (``9**9**9``) are refused at load, not on screen."""
    try:
        fn({"t": 1.0, "beat": 1.0, "bar": 0.25})
    except OverflowError:
        raise ExprError(f"expression overflows: '{text}'") from None
    except (ValueError, ZeroDivisionError):
        pass  # domain errors can depend on t; at run time they fall back to the default


def _build(node: ast.AST) -> Fn:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExprError(f"only numbers are allowed, not {node.value!r}")
        value = float(node.value)
        return lambda env: value
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op, left, right = _BINARY[type(node.op)], _build(node.left), _build(node.right)
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        uop, operand = _UNARY[type(node.op)], _build(node.operand)
        return lambda env: uop(operand(env))
    if isinstance(node, ast.Call):
        return _call(node)
    raise ExprError(f"'{_describe(node)}' is not allowed in an expression")


def _name(name: str) -> Fn:
    if name in _CONSTANTS:
        value = _CONSTANTS[name]
        return lambda env: value
    if name in NAMES:
        return lambda env: env[name]
    hint = did_you_mean(name, (*NAMES, *FUNCTIONS))
    raise ExprError(f"unknown name '{name}' in expression{hint}; allowed: {', '.join(NAMES)}")


def _call(node: ast.Call) -> Fn:
    if not isinstance(node.func, ast.Name):
        raise ExprError(f"'{_describe(node.func)}' is not allowed in an expression")
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExprError(f"unknown function '{name}'{did_you_mean(name, FUNCTIONS)}")
    if node.keywords:
        raise ExprError(f"'{name}' takes no keyword arguments")
    func, arity = FUNCTIONS[name]
    if len(node.args) != arity:
        raise ExprError(f"'{name}' takes {arity} argument(s), got {len(node.args)}")
    args = [_build(a) for a in node.args]
    if arity == 1:
        (a,) = args
        return lambda env: float(func(a(env)))
    return lambda env: float(func(*(a(env) for a in args)))


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed node
        return type(node).__name__
