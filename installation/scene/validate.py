"""Run pydantic models over YAML data and turn their errors into positioned, plain messages."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from installation.scene.errors import Problem, did_you_mean, item_path
from installation.scene.sizes import ReadAsNumber
from installation.scene.values import _show
from installation.scene.yamlpos import Document, Path

__all__ = ["validate_model"]

M = typing.TypeVar("M", bound=BaseModel)


#: the patterns fields use, said in words rather than as regular expressions
PATTERN_WORDS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters and digits in words joined by hyphens "
    "(kebab-case), like 'evening-walk'",
    r"^\d{1,5},\d{1,5},\d{1,5},\d{1,5}$": "X,Y,W,H in pixels, like 0,0,1920,1080",
}


def validate_model(
    model: type[M], data: Any, doc: Document, loc: Path, context: str = ""
) -> tuple[M | None, list[Problem]]:
    """Validate ``data`` (found at ``loc`` in ``doc``) as ``model``; never raises."""
    if not isinstance(data, dict):
        where = f"{context}: " if context else ""
        message = f"{where}expected a mapping of keys, got {_show(data)}"
        return None, [doc.problem(loc, message)]
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        problems = [_problem(model, e, doc, loc, context) for e in err.errors()]
        return None, problems


def _problem(model: type[BaseModel], error: Any, doc: Document, loc: Path, context: str) -> Problem:
    where = tuple(error["loc"])
    full = (*loc, *where, *item_path((error.get("ctx") or {}).get("error")))
    kind = error["type"]
    name = str(where[-1]) if where else ""
    prefix = f"{context}: " if context else ""
    if kind == "extra_forbidden":
        known = _fields_at(model, where[:-1])
        return doc.problem(
            full, f"{prefix}unknown key '{name}'{did_you_mean(name, known)}", key=True
        )
    if kind == "missing":
        return doc.problem(full[:-1], f"{prefix}missing key '{name}'")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ReadAsNumber):  # say what was written, which YAML turned into a number
        return doc.problem(
            full, f"{prefix}'{_dotted(where)}': {cause.explain(doc.written.get(full))}"
        )
    separator = ": " if kind == "value_error" else " "
    return doc.problem(full, f"{prefix}'{_dotted(where)}'{separator}{_explain(error)}")


def _dotted(where: Path) -> str:
    return ".".join(str(p) for p in where if not isinstance(p, int)) or "value"


def _explain(error: Any) -> str:
    kind, ctx, raw = error["type"], error.get("ctx") or {}, error.get("input")
    got = _show(raw)
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(raw, choices) if isinstance(raw, str) else ""
        return f"must be one of {', '.join(choices)}; got {got}{hint}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {got}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, got {got}"
    if kind == "finite_number":
        return f"must be a finite number, got {raw}"
    if kind in ("string_type", "string_pattern_mismatch"):
        pattern = ctx.get("pattern")
        if pattern in PATTERN_WORDS:
            return f"must be {PATTERN_WORDS[pattern]}, got {got}"
        return f"must match {pattern}, got {got}" if pattern else f"must be text, got {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys, got {got}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {got}"
    if kind in ("too_short", "too_long"):
        return str(error["msg"]).replace("List", "list").replace("Tuple", "list")
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("above", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("below", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)}, got {got}"
    return str(error["msg"])


def _fields_at(model: type[BaseModel], where: Path) -> list[str]:
    """Field names of the (nested) model found by following ``where`` through annotations."""
    current: Any = model
    for part in where:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
