"""YAML's syntax errors in an artist's words: indentation against the sibling lines, tabs,
unclosed brackets and quotes (where they opened), a key without its colon; and every mistake of
a file in one pass, the timeline's included while a layer is wrong."""

from __future__ import annotations

import pytest

from installation.scene.errors import SceneError
from installation.scene.loader import load_scene

CASES = [
    (  # one space too few
        "scene: case\nvisuals:\n  - layer: sky\n    top: coral\n   bottom: plum\n",
        (5, 4), "line 5 ('bottom: plum') is indented 3 space(s)", "Indent it 4 spaces",
    ),
    (  # a dedent onto the list's own depth
        "scene: case\nvisuals:\n  - layer: sky\n    top: coral\n  bottom: plum\n",
        (5, 3), "like the list's items ('- ...' on line 3), but it is not an item",
        "indent it 4 spaces",
    ),
    (  # a tab
        "scene: case\nvisuals:\n  - layer: sky\n\ttop: coral\n",
        (4, 1), "line 4 is indented with a tab; YAML needs spaces", "replace the tab",
    ),
    (  # a list never closed
        "scene: case\nvisuals:\n  - layer: sky\n    range: [0.2, 0.8\n    top: coral\n",
        (4, 12), "the '[' opened at line 4, column 12 is not closed", "add ']'",
    ),
    (  # a quote never closed
        'scene: case\ntitle: "a warm evening\nvisuals:\n  - layer: sky\n',
        (2, 8), 'the quote " opened at line 2, column 8 is never closed', 'end the text with "',
    ),
    (  # a key without its colon, inside a mapping
        "scene: case\nvisuals:\n  - layer: sky\n    top coral\n    bottom: plum\n",
        (4, 8), "line 4 ('top coral') needs a colon after its key", "write 'top: coral'",
    ),
    (  # a key without its colon, as a list item
        "scene: case\nvisuals:\n  - layer sky\n    top: coral\n",
        (3, 10), "line 3 ('- layer sky') needs a colon after its key", "write 'layer: sky'",
    ),
    (  # two keys on one line
        "scene: case\nvisuals:\n  - layer: sky top: coral\n",
        (3, 19), "has a second 'key:' after a value", "a line of its own",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "where", "what", "fix"), CASES)
def test_a_syntax_error_in_plain_words(write, text, where, what, fix):
    with pytest.raises(SceneError) as caught:
        load_scene(write(text))
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == where
    assert what in problem.message and fix in problem.message, problem.message
    assert "(YAML: " in problem.message  # YAML's own words, last, for those who know them


def test_every_mistake_in_one_pass_the_timelines_too(write):
    text = (
        "scene: case\nvisuals:\n  - layer: sky\n    topp: coral\n  - layer: bokeh\n"
        "    count: 5000\ntimeline:\n  - at: 5\n    set: {bokeh.opactiy: 0.5}\n"
        "  - at: 8\n    set: {sky.opacity: 2}\n"
    )
    with pytest.raises(SceneError) as caught:
        load_scene(write(text))
    said = {(p.line, p.column): p.message for p in caught.value.problems}
    assert set(said) == {(4, 5), (6, 12), (9, 11), (11, 24)}
    assert "did you mean 'bokeh.opacity'" in said[9, 11]
    assert "must be between 0 and 1, got 2" in said[11, 24]
