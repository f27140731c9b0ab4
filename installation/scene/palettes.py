"""Named palettes and colour parsing. Colours are ``#rrggbb`` or a name from a palette."""

from __future__ import annotations

import re

__all__ = ["COLOURS", "PALETTES", "Colour", "parse_colour"]

Colour = tuple[int, int, int]

# Our own picks for the light of the film. Blue is kept out of the warm ones; teal-grey is their
# coolest.
PALETTES: dict[str, dict[str, str]] = {
    "her": {
        "coral": "#E8735A",
        "salmon": "#F29E7E",
        "peach": "#F6C9A0",
        "cream": "#F7EBDD",
        "blush": "#E9B7B0",
        "dusty-rose": "#C97C7C",
        "mustard": "#D9A441",
        "amber": "#FFC46B",
        "terracotta": "#B5523B",
        "teal-grey": "#6F8C8A",
        "warm-grey": "#B8A99A",
        "maroon": "#5A2A27",
        "plum-night": "#2E1E2B",
    },
    "dawn": {
        "blush": "#E9B7B0",
        "peach": "#F6C9A0",
        "cream": "#F7EBDD",
        "salmon": "#F29E7E",
        "teal-grey": "#6F8C8A",
        "warm-grey": "#B8A99A",
        "pearl": "#EFE3DA",
        "rose-dust": "#D9A5A0",
    },
    "night": {
        "plum-night": "#2E1E2B",
        "maroon": "#5A2A27",
        "amber": "#FFC46B",
        "mustard": "#D9A441",
        "coral": "#E8735A",
        "ember": "#C4603F",
        "wine": "#6E3540",
        "lamp": "#FFD9A0",
    },
}

# After the sun: the one palette with blue in it, kept soft and dusty (a blue that has been warm
# all day), with the first sodium lamps and the last rose in the west against it.
PALETTES["blue-hour"] = {
    "dusk-blue": "#5D6E91",
    "periwinkle": "#8E96C2",
    "lavender-haze": "#B9A9CC",
    "mauve": "#9A7895",
    "rose-glow": "#D8918B",
    "sodium": "#F2A65A",
    "slate": "#434E66",
    "ink": "#1E2333",
}

# Every name any palette defines, so a scene can say "amber" whatever palette it picked.
COLOURS: dict[str, str] = {}
for _palette in PALETTES.values():
    for _name, _hex in _palette.items():
        COLOURS.setdefault(_name, _hex)

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_colour(text: str) -> Colour:
    """``'#E8735A'`` or ``'coral'`` to an RGB tuple; ``ValueError`` with a hint otherwise."""
    from installation.scene.errors import did_you_mean

    if not isinstance(text, str):
        raise ValueError(f"a colour is '#rrggbb' or a palette name, not {text!r}")
    name = text.strip()
    if name.lower() in COLOURS:
        name = COLOURS[name.lower()]
    match = _HEX.match(name)
    if not match:
        if name.startswith("#"):
            raise ValueError(f"invalid colour '{text}': write it as '#rrggbb'")
        raise ValueError(
            f"unknown colour '{text}'{did_you_mean(text, COLOURS)}: write '#rrggbb' (like "
            f"'#e8735a') or one of the named colours: {', '.join(sorted(COLOURS))}"
        )
    value = int(match.group(1), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255
