"""Film, not video: a highlight shoulder so no channel clips, grain new in every frame and
following the brightness, finer than a pixel; the voice's line anti-aliased, tapering, its light
travelling."""

from __future__ import annotations

import itertools

import numpy as np
from conftest import pixels, render_yaml

from installation.scene.loader import parse_scene
from installation.visuals.compositor import Compositor

SIZE = (320, 180)

BRIGHT = """scene: x
visuals:
  - layer: sky
    top: "#FFE8C8"
    bottom: "#FFF2DC"
    sun: {height: 0.3, x: 0.5, size: 0.08, glow: 1, flare: 0.6}
post:
  bloom: {threshold: 0.5, strength: 1.2}
  grade: {gain: 1.4, warmth: 0.4}
"""


def test_no_channel_goes_above_250_in_a_highlight_after_the_rolloff():
    image = render_yaml(BRIGHT, 1.0, SIZE)
    assert image.max() <= 250
    # and the light bends rather than clips: cream keeps its order of channels, red over green
    # over blue, where a clipped red under a rising green would read lemon
    bright = image[image.sum(axis=2) > 3 * 225]
    assert len(bright) > 100
    assert (bright[:, 0] >= bright[:, 1]).mean() > 0.98
    assert (bright[:, 1] >= bright[:, 2]).mean() > 0.98


FLASH = """scene: x
visuals:
  - layer: sky
    top: cream
    bottom: cream
    sun: null
  - layer: pulse
    cue: flash
    blend: add
    strength: 1
    decay: 30
timeline:
  - at: 0.5
    cue: flash
"""


def test_light_added_past_white_still_stops_at_250_unless_the_shoulder_is_opened():
    assert render_yaml(FLASH, 1.0, SIZE).max() <= 250
    assert render_yaml(FLASH + "post: {rolloff: {white: 1}}\n", 1.0, SIZE).max() == 255


FLAT = """scene: x
visuals:
  - layer: sky
    top: "{colour}"
    bottom: "{colour}"
    sun: null
    drift: 0
post: {{grain: {grain}}}
"""


def _grain(t: float, colour: str = "#806050", grain: str = "0.04") -> np.ndarray:
    compositor = Compositor(parse_scene(FLAT.format(colour=colour, grain=grain), "<t>"), SIZE)
    plain = Compositor(parse_scene(FLAT.format(colour=colour, grain=0), "<t>"), SIZE)
    return pixels(compositor.render(t)) - pixels(plain.render(t))


def test_grain_is_new_in_every_frame_at_30_and_24_fps():
    for fps in (30, 24):
        frames = [_grain(k / fps)[:, :, 1] for k in range(10)]
        for a, b in itertools.pairwise(frames):
            assert np.corrcoef(a.ravel(), b.ravel())[0, 1] < 0.2  # a new pattern each frame
    assert np.array_equal(_grain(0.4), _grain(0.4))  # and the same frame, the same grain


def test_a_grain_rate_holds_a_pattern_for_its_period():
    rate = "{amount: 0.04, rate: 12}"
    a, b = _grain(1 / 30, grain=rate), _grain(2 / 30, grain=rate)  # the same twelfth of a second
    assert np.array_equal(a, b)


def test_grain_is_finer_than_a_pixel():
    g = _grain(1.0)[:, :, 1]
    beside = np.corrcoef(g[:, :-1].ravel(), g[:, 1:].ravel())[0, 1]
    below = np.corrcoef(g[:-1].ravel(), g[1:].ravel())[0, 1]
    assert abs(beside) < 0.1 and abs(below) < 0.1  # no clump reaches the next pixel


def test_grain_follows_the_brightness_most_in_the_mid_tones():
    dark = _grain(1.0, "#181010")[:, :, 1].std()
    mid = _grain(1.0, "#808080")[:, :, 1].std()
    bright = _grain(1.0, "#EAEAEA")[:, :, 1].std()
    assert mid > 1.8 * dark and mid > 1.8 * bright
    assert dark > 0.5  # still there in the dark: the frame's dither


VOICE = """scene: x
visuals:
  - layer: sky
    top: "#201418"
    bottom: "#201418"
    sun: null
  - layer: waveform
    y: 0.5
    idle: 0.0
    amplitude: 0.0
    width: 0.8
    thickness: 4
    colour: cream
    glow: "#000000"
"""


def test_the_voices_line_is_antialiased_and_tapers_to_its_ends():
    image = render_yaml(VOICE, 1.0, (640, 360))[:, :, 0]
    background = 0x20
    line = image - background
    columns = {x: line[:, x] for x in (64 + 8, 320, 576 - 8)}  # near each end, the middle
    heights = {x: int((c > 20).sum()) for x, c in columns.items()}
    assert heights[320] > heights[64 + 8] and heights[320] > heights[576 - 8]
    middle = columns[320]
    partial = middle[(middle > 8) & (middle < middle.max() - 20)]
    assert len(partial) >= 2  # edge pixels between the line and the dark: anti-aliased


def test_the_voices_light_travels_along_it():
    compositor = Compositor(parse_scene(VOICE, "<t>"), (640, 360))

    def brightest_x(t: float) -> int:
        row = pixels(compositor.render(t))[180, 64:576, 0]
        return int(np.argmax(row))

    places = [brightest_x(t) for t in (1.0, 3.0, 5.0)]
    assert len(set(places)) == 3 and max(places) - min(places) > 40
