"""One value grammar: the parser and the JSON Schema come from the same declarations
(``scene/forms.py``); here each is fed what the other accepts and refuses."""

from __future__ import annotations

import jsonschema
import pytest

from installation.scene.forms import FOLLOW_KEYS, FORMS, Key, form_example
from installation.scene.values import _schema, parse_value

SCHEMA = _schema(0.0, 1.0)  # a parameter whose range is 0..1


def schema_accepts(value) -> bool:
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(value)


def parser_accepts(value) -> bool:
    try:
        parse_value(value, (0.0, 1.0))
    except ValueError:
        return False
    return True


def wrong_values(key: Key) -> list:
    """Values the declaration of ``key`` refuses."""
    wrong: list = [None, "text" if key.kind not in ("text", "choice") else 3, {"a": 1}]
    if key.kind == "number":
        wrong += [key.above] if key.above is not None else []
        wrong += [key.at_most + 1] if key.at_most is not None else []
    if key.kind == "choice":
        wrong += ["no-such-" + key.name]
    if key.kind in ("range", "keys"):
        wrong += [[1], [1, 2, 3], ["a", "b"]]
    if key.kind == "keys":
        wrong += [[], [[0]], [[0, 1, 2]]]
    return wrong


@pytest.mark.parametrize("form", FORMS)
def test_the_schemas_examples_are_what_the_parser_accepts(form):
    example = form_example(form)
    assert schema_accepts(example) and parser_accepts(example)
    required = {k.name: k.example for k in FORMS[form] if k.required}
    if form in ("lfo", "noise"):  # no range: the parameter's own applies
        assert schema_accepts(required) and parser_accepts(required)


CASES = [
    (form, key.name, bad)
    for form, keys in FORMS.items()
    for key in keys
    for bad in wrong_values(key)
]


@pytest.mark.parametrize(("form", "key", "bad"), CASES, ids=lambda x: repr(x)[:30])
def test_what_the_parser_refuses_the_schema_refuses(form, key, bad):
    value = {**form_example(form), key: bad}
    assert not parser_accepts(value)
    assert not schema_accepts(value), f"the schema lets {value} through"


@pytest.mark.parametrize("key", FOLLOW_KEYS, ids=lambda k: k.name)
def test_follows_keys_agree_too(key):
    for bad in wrong_values(key):
        value = {**form_example("follow"), "follow": {"voice": "pad", key.name: bad}}
        assert not parser_accepts(value) and not schema_accepts(value), value


@pytest.mark.parametrize("form", FORMS)
def test_unknown_keys_are_refused_by_both(form):
    value = {**form_example(form), "speeed": 1}
    assert not parser_accepts(value) and not schema_accepts(value)


def test_the_one_rule_beyond_json_schema():
    """Key times going backwards: the parser refuses, a JSON Schema cannot say it."""
    value = {"keys": [[5, 0.2], [1, 0.8]]}
    assert not parser_accepts(value)
    assert schema_accepts(value)
