"""The picture of a show's playing parts: their frames blended by the crossfade's weights.

One function for the player and the renderer, so a played show and a rendered show are the
same pictures.
"""

from __future__ import annotations

from collections.abc import Sequence

from installation.lazy import pygame

__all__ = ["blend_parts"]


def blend_parts(
    canvas: pygame.Surface, layers: Sequence[tuple[pygame.Surface, float, float]]
) -> pygame.Surface:
    """Blend the frames of the playing parts, earliest first: (image, weight, brightness).

    A lone part at full weight and brightness is returned as it is (no copy). Otherwise the
    earliest is laid down at full strength, later ones over it by weight: at a crossfade the two
    weights add up to one, so the picture is their weighted mix, on one curve everywhere."""
    if len(layers) == 1 and layers[0][1] >= 1.0 and layers[0][2] >= 1.0:
        return layers[0][0]
    canvas.fill((0, 0, 0))
    for k, (image, weight, brightness) in enumerate(layers):
        if brightness < 1.0:  # the night scene while closed: its own frame, darkened
            shade = round(255 * brightness)
            image.fill((shade, shade, shade), special_flags=pygame.BLEND_RGB_MULT)
        image.set_alpha(None if k == 0 and len(layers) > 1 else round(255 * weight))
        canvas.blit(image, (0, 0))
        image.set_alpha(None)
    return canvas
