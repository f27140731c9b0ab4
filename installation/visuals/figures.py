"""People as soft silhouettes, seen from afar or from behind: never faces, never detail, but each
their own: a build, clothes and hair of their own, a pose with weight in it.

A figure is a small skeleton (hips, knees, shoulders, elbows, the torso's lean, the head's tilt)
dressed in tapered limbs, a torso with a waist, clothes (a long coat, a dress, a skirt, trousers
or shorts) and hair (short, long, a bun, a ponytail, a hat), drawn anti-aliased
(``silhouette.paint``) in three colours: clothes, skin and hair. Poses come from three makers:
``standing`` (the weight on one leg, a hand in a pocket or on a hip), ``walking`` (a stride's
phase: legs scissor, arms swing against them) and ``dancing`` (arms up, hips out, a knee lifted,
each dancer in their own style).

``person`` keeps the old signature for the layers that call it; ``figure`` is the new one.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.visuals.silhouette import Shape, line, new_alpha, paint
from installation.visuals.strips import mix

__all__ = ["Build", "Pose", "build", "dancing", "figure", "person", "standing", "walking"]

HAIRS = ("short", "long", "bun", "ponytail", "hat", "short", "long")
CLOTHES = ("coat", "dress", "trousers", "shorts", "skirt", "trousers", "coat")


@dataclass(frozen=True)
class Build:
    """What a person is like, as a silhouette shows it (shares of their height)."""

    shoulders: float = 0.23
    hips: float = 0.17
    legs: float = 0.5  # the hip joint's height
    head: float = 0.062
    hair: str = "short"
    clothes: str = "coat"
    hem: float = 0.32  # a coat's or a dress's hem, height over the ground
    bag: bool = False


def build(rng: np.random.Generator) -> Build:
    """A person of the seed's choosing: broad or slight, long-legged or not, dressed for it."""
    clothes = str(rng.choice(CLOTHES))
    hem = {"coat": rng.uniform(0.22, 0.45), "dress": rng.uniform(0.25, 0.4),
           "skirt": rng.uniform(0.3, 0.42)}.get(clothes, 0.0)  # fmt: skip
    return Build(
        shoulders=float(rng.uniform(0.19, 0.27)),
        hips=float(rng.uniform(0.14, 0.2)),
        legs=float(rng.uniform(0.47, 0.53)),
        head=float(rng.uniform(0.057, 0.068)),
        hair=str(rng.choice(HAIRS)),
        clothes=clothes,
        hem=float(hem),
        bag=bool(rng.random() < 0.2),
    )


@dataclass(frozen=True)
class Pose:
    """Joint angles, radians from hanging straight down (positive toward +x), and the torso's
    lean, the hips' sway (share of height) and the head's tilt."""

    hips: tuple[float, float] = (0.03, -0.03)  # thighs: left, right
    knees: tuple[float, float] = (0.0, 0.0)  # shins, relative to the thighs
    shoulders: tuple[float, float] = (0.12, -0.12)  # upper arms
    elbows: tuple[float, float] = (0.05, -0.05)  # forearms, relative to the upper arms
    lean: float = 0.0
    sway: float = 0.0
    tilt: float = 0.0


def standing(rng: np.random.Generator) -> Pose:
    """At rest: the weight on one leg (the hip out over it), a hand in a pocket, on a hip or
    holding something, the head a little turned."""
    side = 1 if rng.random() < 0.5 else -1
    arm = rng.choice(["down", "pocket", "hip", "phone"])
    left = {"down": (0.1, 0.05), "pocket": (0.22, -0.5), "hip": (0.55, -1.6),
            "phone": (0.2, -2.2)}[str(arm)]  # fmt: skip
    right = (-rng.uniform(0.05, 0.2), -rng.uniform(0.0, 0.2))
    if side < 0:
        left, right = (-right[0], -right[1]), (-left[0], -left[1])
    return Pose(
        hips=(0.02 + 0.06 * side, -0.02 + 0.06 * side),
        knees=(0.1 if side < 0 else 0.0, -0.1 if side > 0 else 0.0),
        shoulders=(left[0], right[0]),
        elbows=(left[1], right[1]),
        lean=float(rng.uniform(-0.04, 0.04)),
        sway=0.012 * side,
        tilt=float(rng.uniform(-0.15, 0.15)),
    )


def walking(phase: float, stride: float = 1.0) -> Pose:
    """A stride's ``phase`` (0..1, a whole step of both legs), seen from the side, walking
    toward +x: the legs scissor, the back knee bends as it lifts, the arms swing against them."""
    a = math.sin(math.tau * phase) * 0.42 * stride
    lift = max(0.0, math.sin(math.tau * phase + math.pi / 2))
    lift_other = max(0.0, -math.sin(math.tau * phase + math.pi / 2))
    return Pose(
        hips=(a, -a),
        knees=(-0.7 * lift * stride, -0.7 * lift_other * stride),
        shoulders=(-a * 0.7, a * 0.7),
        elbows=(-0.3 - 0.2 * lift_other, -0.3 - 0.2 * lift),
        lean=0.05 * stride,
        sway=0.0,
        tilt=0.04,
    )


#: dancers' styles: how high the arms go, how far the hips swing, how much a knee lifts
STYLES = ((2.6, 0.025, 0.5), (1.2, 0.035, 0.9), (2.2, 0.015, 0.3), (0.7, 0.04, 0.7))


def dancing(style: int, phase: float, energy: float = 1.0) -> Pose:
    """A dancer in ``style`` (of STYLES) at ``phase`` of their measure (0..1): arms raised and
    waving, hips swaying from side to side, a knee lifting on the beat."""
    arms, hips, knee = STYLES[style % len(STYLES)]
    s = math.sin(math.tau * phase)
    c = math.cos(math.tau * phase)
    up = arms * energy * (0.75 + 0.25 * c)
    lifted = knee * energy * max(0.0, s)
    # angles are toward +x: the left arm (on the -x side) rises outward with a negative one
    return Pose(
        hips=(-0.08 - 0.3 * lifted, 0.08),
        knees=(1.2 * lifted, -0.1 * abs(s) * energy),
        shoulders=(-(up + 0.25 * s), up - 0.25 * s),
        elbows=(-0.8 * energy * c, 0.7 * energy * s),
        lean=0.06 * s * energy,
        sway=hips * s * energy,
        tilt=0.25 * c * energy,
    )


def _limb(
    p0: tuple[float, float], angle: float, length: float, w0: float, w1: float
) -> tuple[tuple[float, float], list[Shape]]:
    """A tapered limb from ``p0`` along ``angle`` (from straight down), and its end."""
    x1 = p0[0] + math.sin(angle) * length
    y1 = p0[1] + math.cos(angle) * length
    nx, ny = math.cos(angle), -math.sin(angle)
    poly = (
        (p0[0] + nx * w0 / 2, p0[1] + ny * w0 / 2),
        (x1 + nx * w1 / 2, y1 + ny * w1 / 2),
        (x1 - nx * w1 / 2, y1 - ny * w1 / 2),
        (p0[0] - nx * w0 / 2, p0[1] - ny * w0 / 2),
    )
    joint = ("ellipse", (x1 - w1 / 2, y1 - w1 / 2, w1, w1))
    return (x1, y1), [("poly", poly), joint]


def _shapes(h: float, cx: float, b: Build, pose: Pose) -> dict[str, list[Shape]]:
    """The figure's shapes by colour (clothes, skin, hair), feet at y = h, centred on ``cx``."""
    out: dict[str, list[Shape]] = {"clothes": [], "skin": [], "hair": [], "legs": []}
    hip_y = h * (1 - b.legs)
    hip_x = cx + pose.sway * h
    # the torso leans about the hips
    lean = pose.lean

    def up(dy: float, dx: float = 0.0) -> tuple[float, float]:
        """A point ``dy`` above the hips along the leaning spine, ``dx`` across it."""
        return (hip_x + math.sin(lean) * dy + math.cos(lean) * dx,
                hip_y - math.cos(lean) * dy + math.sin(lean) * dx)  # fmt: skip

    shoulder_dy = h * (0.82 - b.legs)
    waist_dy = shoulder_dy * 0.45
    sw, hw = b.shoulders * h, b.hips * h
    ww = min(sw, hw) * 0.82
    # the torso: a neck's width at the top, sloping shoulders, a waist, the hips
    neck = h * 0.045
    torso = (up(shoulder_dy + h * 0.012, -neck), up(shoulder_dy + h * 0.012, neck),
             up(shoulder_dy - h * 0.006, sw * 0.38), up(shoulder_dy - h * 0.03, sw / 2),
             up(shoulder_dy - h * 0.09, sw * 0.47), up(waist_dy, ww / 2), up(0, hw / 2),
             up(-h * 0.045, hw / 2), up(-h * 0.045, -hw / 2), up(0, -hw / 2),
             up(waist_dy, -ww / 2), up(shoulder_dy - h * 0.09, -sw * 0.47),
             up(shoulder_dy - h * 0.03, -sw / 2), up(shoulder_dy - h * 0.006, -sw * 0.38))  # fmt: skip
    out["clothes"].append(("poly", torso))
    # legs
    thigh, shin = h * b.legs * 0.5, h * b.legs * 0.5
    legs_key = "skin" if b.clothes in ("dress", "skirt", "shorts") else "legs"
    for i, side in enumerate((-1, 1)):
        top = (hip_x + side * hw * 0.25, hip_y)
        knee, thigh_shapes = _limb(top, pose.hips[i], thigh, h * 0.075, h * 0.052)
        foot, shin_shapes = _limb(knee, pose.hips[i] + pose.knees[i], shin, h * 0.05, h * 0.034)
        out["clothes" if b.clothes == "shorts" else legs_key] += thigh_shapes
        out[legs_key] += shin_shapes
        toe = 1 if pose.hips[i] >= 0 else -1
        out["legs"].append(("ellipse", (foot[0] - h * 0.02 + toe * h * 0.012, foot[1] - h * 0.02,
                                        h * 0.05, h * 0.028)))  # fmt: skip
    # clothes over the legs: a coat or dress flaring to its hem, shorts to mid-thigh
    if b.clothes in ("coat", "dress", "skirt"):
        start = waist_dy if b.clothes == "skirt" else shoulder_dy * 0.9
        hem_dy = h * (b.hem - b.legs) if b.hem else -h * 0.1
        flare = 1.25 if b.clothes == "coat" else 1.55
        spread = (pose.hips[0] - pose.hips[1]) * h * 0.06
        belt = 0.92 if b.clothes == "coat" else 0.9  # a coat is drawn in at the waist
        out["clothes"].append(("poly", (up(start, -ww / 2 - h * 0.01), up(start, ww / 2 + h * 0.01),
                                        up(waist_dy, ww / 2 * belt), up(0, hw / 2 * 1.06),
                                        up(hem_dy, hw / 2 * flare + max(spread, 0)),
                                        up(hem_dy, -hw / 2 * flare - max(spread, 0)),
                                        up(0, -hw / 2 * 1.06), up(waist_dy, -ww / 2 * belt))))  # fmt: skip
    elif b.clothes == "shorts":
        for i, side in enumerate((-1, 1)):
            top = (hip_x + side * hw * 0.25, hip_y)
            _, shorts = _limb(top, pose.hips[i], h * b.legs * 0.26, h * 0.085, h * 0.07)
            out["clothes"] += shorts
    # arms
    upper, fore = h * 0.17, h * 0.15
    bare = b.clothes in ("dress", "shorts") and b.hem < 0.35
    for i, side in enumerate((-1, 1)):
        top = up(shoulder_dy - h * 0.04, side * (sw / 2 - h * 0.025))
        elbow, upper_shapes = _limb(top, pose.shoulders[i], upper, h * 0.055, h * 0.04)
        hand, fore_shapes = _limb(elbow, pose.shoulders[i] + pose.elbows[i], fore,
                                  h * 0.036, h * 0.027)  # fmt: skip
        out["skin" if bare else "clothes"] += upper_shapes
        out["skin" if bare else "clothes"] += fore_shapes
        out["skin"].append(("ellipse", (hand[0] - h * 0.018, hand[1] - h * 0.012,
                                        h * 0.036, h * 0.045)))  # fmt: skip
    if b.bag:
        bx, by = up(waist_dy * 0.6, sw * 0.55)
        out["clothes"] += [line(up(shoulder_dy, -sw * 0.3), (bx, by), h * 0.012),
                           ("rect", (bx - h * 0.04, by - h * 0.02, h * 0.08, h * 0.07))]  # fmt: skip
    # neck, head and hair
    neck_base = up(shoulder_dy)
    head_r = b.head * h
    tilt = lean + pose.tilt
    hx = neck_base[0] + math.sin(tilt) * head_r * 1.9
    hy = neck_base[1] - math.cos(tilt) * head_r * 1.9
    out["skin"].append(line(neck_base, (hx, hy + head_r * 0.4), h * 0.04))
    out["skin"].append(("ellipse", (hx - head_r * 0.88, hy - head_r, head_r * 1.76, head_r * 2.1)))
    out["hair"] += _hair(b.hair, hx, hy, head_r, tilt)
    return out


def _hair(kind: str, hx: float, hy: float, r: float, tilt: float) -> list[Shape]:
    """Hair over the head (seen from behind or afar, hair is most of a head)."""
    cap = ("ellipse", (hx - r * 0.95, hy - r * 1.08, r * 1.9, r * 1.55))
    if kind == "short":
        return [cap]
    if kind == "long":
        fall = ("poly", ((hx - r * 0.95, hy - r * 0.3), (hx + r * 0.95, hy - r * 0.3),
                         (hx + r * 1.05 + math.sin(tilt) * r, hy + r * 2.4),
                         (hx - r * 1.05 + math.sin(tilt) * r, hy + r * 2.4)))  # fmt: skip
        return [cap, fall]
    if kind == "bun":
        return [cap, ("ellipse", (hx - r * 0.45, hy - r * 1.65, r * 0.9, r * 0.8))]
    if kind == "ponytail":
        back = hx - r * 0.9
        return [cap, line((back, hy - r * 0.5), (back - r * 0.5, hy + r * 1.3), r * 0.45)]
    # a hat with a brim
    return [("ellipse", (hx - r * 1.55, hy - r * 0.85, r * 3.1, r * 0.45)),
            ("ellipse", (hx - r * 0.85, hy - r * 1.45, r * 1.7, r * 1.05))]  # fmt: skip


@functools.lru_cache(maxsize=4096)
def figure(
    height: int,
    b: Build,
    pose: Pose,
    colours: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]],
    facing_right: bool = True,
) -> pygame.Surface:
    """A person ``height`` px tall, feet on the bottom edge, on a transparent surface, in
    ``colours`` (clothes, skin, hair); mirrored when not ``facing_right``."""
    h = max(8.0, float(height))
    w = max(8, round(h * 0.9))
    surface = pygame.Surface((w, round(h) + 2), pygame.SRCALPHA, 32)
    plane = new_surface_rgb((w, round(h) + 2))
    alpha = new_alpha(plane)
    parts = _shapes(h, w / 2, b, pose)
    clothes, skin, hair = colours
    legs = mix(clothes, (20, 12, 14), 0.35)
    for key, colour in (("legs", legs), ("skin", skin), ("clothes", clothes), ("hair", hair)):
        if parts[key]:
            paint(plane, alpha, colour, parts[key])
    surface.blit(plane, (0, 0))
    out = pygame.surfarray.pixels_alpha(surface)
    out[...] = alpha
    del out
    return surface if facing_right else pygame.transform.flip(surface, True, False)


def new_surface_rgb(size: tuple[int, int]) -> pygame.Surface:
    surface = pygame.Surface(size, 0, 32)
    surface.fill((0, 0, 0))
    return surface


def person(
    height: float,
    colour: tuple,
    *,
    coat: float = 0.8,
    arms: float = 0.0,
    hair: float = 0.35,
    soft: bool = True,
) -> pygame.Surface:
    """A standing figure ``height`` px tall in a long coat, from behind (the woman at the wood's
    edge, a passenger): ``coat`` the hem's height from the feet, ``arms`` raises the forearms
    from 0 (at rest) to 1, ``hair`` darkens the head. ``soft`` is kept for callers; edges are
    anti-aliased either way."""
    b = Build(shoulders=0.22, hips=0.17, hair="long", clothes="coat", hem=max(0.0, 1 - coat))
    pose = Pose(shoulders=(0.1 + arms * 1.6, -0.1 - arms * 1.6), elbows=(arms, -arms))
    dark = mix(colour, (20, 12, 12), hair)
    skin = mix(colour, (150, 100, 90), 0.15)
    return figure(round(height), b, pose, (tuple(colour), skin, dark))
