"""People as soft silhouettes, seen from behind or far away: never faces, never detail."""

from __future__ import annotations

import math

from installation.lazy import pygame
from installation.visuals.strips import mix

__all__ = ["person"]


def person(
    height: float,
    colour: tuple,
    *,
    coat: float = 0.8,
    arms: float = 0.0,
    hair: float = 0.35,
    soft: bool = True,
) -> pygame.Surface:
    """A standing figure ``height`` px tall on a transparent surface.

    ``coat`` is the hem's height from the feet (a long coat reads as a woman from behind);
    ``arms`` raises the forearms from 0 (at rest) to 1 (dancing); ``hair`` darkens the head.
    """
    tall = max(8.0, height)
    w = max(6, round(tall * 0.5))
    surface = pygame.Surface((w, round(tall) + 2), pygame.SRCALPHA, 32)
    cx = w / 2
    head_r = tall * 0.065
    head_y = tall * 0.09
    shoulders = tall * 0.19
    hem = tall * coat
    pygame.draw.polygon(
        surface,
        colour,
        [
            (cx - tall * 0.1, shoulders),
            (cx + tall * 0.1, shoulders),
            (cx + tall * 0.14, hem),
            (cx - tall * 0.14, hem),
        ],
    )
    pygame.draw.ellipse(
        surface,
        colour,
        pygame.Rect(
            round(cx - tall * 0.115),
            round(shoulders - tall * 0.03),
            round(tall * 0.23),
            round(tall * 0.1),
        ),
    )
    for side in (-1, 1):
        leg = cx + side * tall * 0.045
        pygame.draw.line(surface, colour, (leg, hem - 2), (leg, tall), max(2, round(tall * 0.05)))
        elbow = (cx + side * tall * 0.13, shoulders + tall * 0.17)
        angle = math.pi / 2 + side * (0.25 + arms * 1.1)
        hand = (
            elbow[0] + math.cos(angle) * tall * 0.17 * side * -1,
            elbow[1] + math.sin(angle) * tall * 0.17 * (1 - 2 * arms),
        )
        thick = max(2, round(tall * 0.04))
        pygame.draw.line(surface, colour, (cx + side * tall * 0.1, shoulders + 2), elbow, thick)
        pygame.draw.line(surface, colour, elbow, hand, thick)
    dark = mix(colour, (20, 12, 12), hair)
    pygame.draw.ellipse(
        surface,
        dark,
        pygame.Rect(
            round(cx - head_r * 1.15),
            round(head_y - head_r),
            round(head_r * 2.3),
            round(head_r * 3.0),
        ),
    )
    pygame.draw.circle(surface, dark, (cx, head_y), head_r)
    if soft:  # seen through air: edges a touch soft
        small = pygame.transform.smoothscale(
            surface, (max(2, w // 2), max(2, surface.get_height() // 2))
        )
        surface = pygame.transform.smoothscale(small, surface.get_size())
    return surface
