"""Read YAML safely into plain data while remembering where every key and value was written.

PyYAML's safe loader forgets positions once it builds Python objects, so we compose the node
tree ourselves and build the data from it. On the way we refuse what a scene file must never
contain: tags that name Python objects, duplicate keys, nesting deeper than a sane bound and
alias chains that expand into millions of nodes ("billion laughs").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from installation.scene.errors import Problem, SceneError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Document", "Path", "read_source", "read_yaml"]

MAX_BYTES = 1 << 20  # a scene is a page of text; a megabyte is already absurd
MAX_DEPTH = 24  # scenes nest five or six levels deep
MAX_NODES = 50_000  # after alias expansion

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NUMBER_TAGS = {_TAG + "int", _TAG + "float"}
_CONSTRUCTOR = SafeConstructor()


@dataclass
class Document:
    """Plain data (dicts, lists, str, int, float, bool, None) and where each part came from."""

    path: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: numbers as they were written (``0x1080`` became 4224): messages quote the author's text
    written: dict[Path, str] = field(default_factory=dict)

    def where(self, loc: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value (or key) at ``loc``, or of its nearest parent."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            part = loc[:end]
            if part in table:
                return table[part]
            if part in self.values:
                return self.values[part]
        return (1, 1)

    def problem(self, loc: Path, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.path, line, column, message)


def read_source(path: str | FsPath) -> bytes:
    """A file's bytes, or a :class:`SceneError` saying why it cannot be read."""
    try:
        return FsPath(path).read_bytes()
    except OSError as err:
        raise SceneError(
            [Problem(str(path), 1, 1, f"cannot read the file: {err.strerror}")]
        ) from None


def read_yaml(source: bytes | str, path: str) -> Document:
    """Parse one YAML document; raise :class:`SceneError` with positioned problems if it is bad."""
    text = _decode(source, path)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise SceneError([Problem(path, 1, 1, "the file is empty")])
    _check_shape(text, path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        raise SceneError([_yaml_problem(err, path, text)]) from None
    assert node is not None  # an empty file is refused above
    doc = Document(path, None)
    builder = _Builder(doc)
    doc.data = builder.build(node, ())
    if builder.problems:
        raise SceneError(builder.problems)
    return doc


def _decode(source: bytes | str, path: str) -> str:
    if isinstance(source, str):
        return source
    if len(source) > MAX_BYTES:
        raise SceneError([Problem(path, 1, 1, f"the file is larger than {MAX_BYTES} bytes")])
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = source[: err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        msg = f"the file is not UTF-8 text (byte 0x{source[err.start]:02x})"
        raise SceneError([Problem(path, line, column, msg)]) from None


def _check_shape(text: str, path: str) -> None:
    """Walk the event stream (iterative, cheap) to bound nesting before composing a tree."""
    depth = documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    assert mark is not None  # the parser marks every event
                    msg = "only one YAML document per file (found a second '---')"
                    raise SceneError([Problem(path, mark.line + 1, mark.column + 1, msg)])
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    assert mark is not None
                    msg = f"nesting deeper than {MAX_DEPTH} levels"
                    raise SceneError([Problem(path, mark.line + 1, mark.column + 1, msg)])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        raise SceneError([_yaml_problem(err, path, text)]) from None


def _yaml_problem(err: yaml.MarkedYAMLError, path: str, text: str = "") -> Problem:
    from installation.scene.syntax import explain

    try:
        line, column, message = explain(err, text)
    except Exception:  # an explanation must never cost the artist the error itself
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML cannot read this: {err.problem or err.context or 'invalid YAML'}"
    return Problem(path, line, column, f"syntax: {message}")


class _Builder:
    """Turns composed nodes into plain data, counting nodes to stop alias bombs early."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.count = 0

    def _fail(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.doc.path, mark.line + 1, mark.column + 1, message))

    def build(self, node: Node, loc: Path, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            self._fail(node, f"the document expands beyond {MAX_NODES} values (aliases?)")
            raise SceneError(self.problems)
        self.doc.values.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            if node.tag in _NUMBER_TAGS:
                self.doc.written[loc] = node.value
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self._fail(node, f"the tag '{node.tag}' is not allowed in a scene")
                return None
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, loc, depth)
        self._fail(node, "unsupported YAML node")  # pragma: no cover - composer makes no others
        return None

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, f"the tag '{node.tag}' is not allowed in a scene")
            return None
        if node.tag == _TAG + "timestamp":  # dates are text to us, never datetime objects
            return node.value
        if node.tag == _TAG + "str":
            return node.value
        # the tag's own constructor, not ``construct_object``: that one remembers every node
        # it built (the constructor's ``constructed_objects``), and this constructor lives as
        # long as the process: a player that reloads a scene a day grew by every scalar
        return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)

    def _mapping(self, node: MappingNode, loc: Path, depth: int) -> dict[str, Any]:
        if node.tag != _TAG + "map":
            self._fail(node, f"the tag '{node.tag}' is not allowed in a scene")
            return {}
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.update(self._merge(value_node, loc, depth))
                continue
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value  # the text as written: 'on' stays 'on', not True
            if key in out:
                line, _column = self.doc.keys[(*loc, key)]
                self._fail(key_node, f"duplicate key '{key}' (first given at line {line})")
                continue
            mark = key_node.start_mark
            self.doc.keys[(*loc, key)] = (mark.line + 1, mark.column + 1)
            out[key] = self.build(value_node, (*loc, key), depth + 1)
        return {**merged, **out}

    def _merge(self, node: Node, loc: Path, depth: int) -> dict[str, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in reversed(sources):
            value = self.build(source, loc, depth + 1)
            if not isinstance(value, dict):
                self._fail(source, "a merge key '<<' takes a mapping or a list of mappings")
                continue
            merged.update(value)
        return merged
