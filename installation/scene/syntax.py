"""YAML's syntax errors told in an artist's words.

PyYAML says "expected <block end>, but found '<block mapping start>'" for one space too few and
"but found '?'" for a dedent; an artist needs "this line is indented 3 spaces; the lines it
belongs with use 4". Each explanation names the line and column and says how to fix it in one
sentence; YAML's own words follow in brackets for anyone who knows them.
"""

from __future__ import annotations

import re

import yaml

__all__ = ["explain"]

_KEY_WITHOUT_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s+(\S.*)$")


#: what an explainer finds: the line, the column and the message in plain words (None: not its kind)
Found = tuple[int, int, str] | None


def explain(err: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, message), 1-based, for a syntax error in ``text``."""
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    words = (
        f"{err.context}: {err.problem}"
        if err.context and err.problem
        else (err.problem or err.context or "invalid YAML")
    )
    lines = text.splitlines()
    for explainer in (_tab, _unclosed, _missing_colon, _indentation):
        found = explainer(err, lines, line, column)
        if found is not None:
            at_line, at_column, message = found
            return at_line, at_column, f"{message} (YAML: {words})"
    return line, column, f"YAML cannot read this: {words}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(lines: list[str]) -> list[tuple[int, str]]:
    """(1-based number, text) of the lines that hold something (not blank, not a comment)."""
    return [(n, s) for n, s in enumerate(lines, 1) if s.strip() and not s.lstrip().startswith("#")]


def _tab(err: yaml.MarkedYAMLError, lines: list[str], line: int, column: int) -> Found:
    for n, text in enumerate(lines, 1):
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in lead:
            spaces = [_indent(s) for m, s in _content(lines) if m < n and "\t" not in s[:8]]
            near = f" (the line above uses {spaces[-1]})" if spaces else ""
            return (
                n,
                lead.index("\t") + 1,
                (
                    f"line {n} is indented with a tab; YAML needs spaces: replace the tab with "
                    f"spaces{near}"
                ),
            )
    return None


def _unclosed(err: yaml.MarkedYAMLError, lines: list[str], line: int, column: int) -> Found:
    context = err.context or ""
    opened = err.context_mark
    if opened is None or "flow node" in context:
        return _unmatched_bracket(lines)
    where = f"line {opened.line + 1}, column {opened.column + 1}"
    if "quoted scalar" in context:
        quote = lines[opened.line][opened.column] if opened.line < len(lines) else '"'
        return (
            opened.line + 1,
            opened.column + 1,
            (
                f"the quote {quote} opened at {where} is never closed: end the text with {quote} "
                "on the same line"
            ),
        )
    for kind, closer, name in (("flow sequence", "]", "list"), ("flow mapping", "}", "mapping")):
        if kind in context:
            opener = "[" if closer == "]" else "{"
            return (
                opened.line + 1,
                opened.column + 1,
                (
                    f"the '{opener}' opened at {where} is not closed: add '{closer}' where the "
                    f"{name} ends (items are separated by commas)"
                ),
            )
    return None


def _unmatched_bracket(lines: list[str]) -> Found:
    """The last '[' or '{' left open (outside quotes and comments), if any."""
    stack: list[tuple[str, int, int]] = []
    pairs = {"]": "[", "}": "{"}
    for n, text in enumerate(lines, 1):
        quote = None
        for c, ch in enumerate(text, 1):
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and (c == 1 or text[c - 2] in " \t"):
                break
            elif ch in "[{":
                stack.append((ch, n, c))
            elif ch in "]}" and stack and stack[-1][0] == pairs[ch]:
                stack.pop()
    if not stack:
        return None
    opener, n, c = stack[-1]
    closer = "]" if opener == "[" else "}"
    name = "list" if opener == "[" else "mapping"
    return (
        n,
        c,
        (
            f"the '{opener}' opened at line {n}, column {c} is not closed: add '{closer}' where "
            f"the {name} ends (items are separated by commas)"
        ),
    )


def _missing_colon(err: yaml.MarkedYAMLError, lines: list[str], line: int, column: int) -> Found:
    problem = err.problem or ""
    n: int | None
    if "could not find expected ':'" in problem and err.context_mark is not None:
        n = err.context_mark.line + 1
    elif "mapping values are not allowed here" in problem:
        # either a key above has no colon (YAML read it into this line's key) or this line
        # has two keys on it
        n = _keyless_line_above(lines, line)
        if n is None:
            text = lines[line - 1].strip() if line <= len(lines) else ""
            return (
                line,
                column,
                (
                    f"line {line} ('{text}') has a second 'key:' after a value: give each key a "
                    "line of its own, or put a value that holds ': ' in quotes"
                ),
            )
    else:
        return None
    text = lines[n - 1]
    match = _KEY_WITHOUT_COLON.match(text)
    if not match:
        return None
    lead, key, rest = match.groups()
    return (
        n,
        len(lead) + len(key) + 1,
        (f"line {n} ('{text.strip()}') needs a colon after its key: write '{key}: {rest}'"),
    )


def _keyless_line_above(lines: list[str], line: int) -> int | None:
    for n in range(line - 1, 0, -1):
        text = lines[n - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if ":" not in text and _KEY_WITHOUT_COLON.match(text):
            return n
        if ":" in text:
            return None
    return None


def _indentation(err: yaml.MarkedYAMLError, lines: list[str], line: int, column: int) -> Found:
    words = f"{err.context} {err.problem}"
    if "expected <block end>" not in words and "did not find expected" not in words:
        return None
    here = line - 1 if 0 < line <= len(lines) else None
    if here is None or not lines[here].strip():
        return None
    text = lines[here]
    k = _indent(text)
    # the depths open above this line: each line's own, and for '- ' its item's content
    open_: list[tuple[int, int, bool]] = []  # (depth, line number, is a list item)
    for n, above in _content(lines[:here]):
        depth = _indent(above)
        while open_ and open_[-1][0] > depth:
            open_.pop()
        item = above.lstrip().startswith("- ")
        if open_ and open_[-1][0] == depth:
            open_[-1] = (depth, n, item)
        else:
            open_.append((depth, n, item))
        if item:
            open_.append((depth + 2, n, False))
    depths = {d: (n, item) for d, n, item in open_}
    shown = text.strip()
    if k not in depths:
        near = min(depths, key=lambda d: (abs(d - k), -d)) if depths else 0
        n, _ = depths.get(near, (line, False))
        return (
            line,
            k + 1,
            (
                f"line {line} ('{shown}') is indented {k} space(s), but no line above it starts at "
                f"that depth: the nearest, line {n} ('{lines[n - 1].strip()}'), is indented {near}. "
                f"Indent it {near} spaces to belong with that line"
            ),
        )
    n, item = depths[k]
    if item and not text.lstrip().startswith("- "):
        return (
            line,
            k + 1,
            (
                f"line {line} ('{shown}') is indented {k} spaces, like the list's items ('- ...' on "
                f"line {n}), but it is not an item: indent it {k + 2} spaces to belong to the item "
                "above, or start it with '- ' to be a new item"
            ),
        )
    if not item and text.lstrip().startswith("- "):
        return (
            line,
            k + 1,
            (
                f"line {line} ('{shown}') starts a list item where line {n} ('{lines[n - 1].strip()}') "
                f"has keys at the same depth: indent the list under the key it belongs to"
            ),
        )
    return None
