"""The camera's side of a scene: its lens, its light and the air between them.

Three scene-level sections, each optional, each addressable on the timeline like a layer
(``lens.focus``, ``light.colour``, ``atmosphere.visibility``):

* ``lens``: where the focus lies and how open the aperture is. Every layer has a ``depth`` (its
  distance from the camera, in metres); the lens turns the distance between a depth and the
  focus into a blur, as a real lens does (the circle of confusion of a thin lens), and the
  bright points of what lies behind the focus into discs.
* ``light``: the scene's key light (the low sun, a lamp, the LED wall): where it is and its
  colour. Rims catch it on the side facing it; figures and buildings cast shadows away from it.
  With ``sun: true`` it follows the sky's sun through the day's arc.
* ``atmosphere``: how far one sees. Colour and contrast fall toward the air's colour with
  distance (atmospheric perspective), the same law for every layer.

Scenes without them look as they did: nothing is blurred, lit or fogged by the camera.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.scene.params import ColourField, Params
from installation.scene.values import Num

__all__ = ["AtmosphereParams", "LensParams", "LightParams"]

#: the height of the film frame the lens draws on (35 mm motion picture film, about 24 mm)
FILM_HEIGHT_MM = 24.0


class LensParams(Params):
    """The lens: focus, aperture and focal length, as on a cinema camera."""

    focus: Annotated[float, Num(0.2, 100000)] = Field(
        10.0, description="metres to the plane in focus; glide it on the timeline for a focus pull"
    )
    aperture: Annotated[float, Num(1.0, 22)] = Field(
        2.8, description="f-number: smaller opens the lens and makes the focus shallower"
    )
    focal: float = Field(
        50.0, ge=12, le=300, description="focal length in mm, on a 35 mm film frame"
    )
    bokeh: Annotated[float, Num(0, 2)] = Field(
        1.0,
        description="how bright the discs are that the lights behind the focus become (0: none)",
    )
    catseye: float = Field(
        0.5,
        ge=0,
        le=1,
        description="discs toward the corners narrow to cat's eyes (the lens barrel)",
    )


class LightParams(Params):
    """The scene's key light: a place (in the frame, 0..1; it may lie outside it) and a colour."""

    x: Annotated[float, Num(-1, 2)] = Field(
        0.62, description="where the light is across, 0 left 1 right"
    )
    y: Annotated[float, Num(-1, 2)] = Field(0.6, description="where it is down, 0 top 1 bottom")
    height: Annotated[float, Num(-0.3, 1)] = Field(
        0.1,
        description="how high it stands over the ground, in frame heights: low light casts long "
        "shadows",
    )
    colour: ColourField = Field("amber", description="its colour")
    strength: Annotated[float, Num(0, 2)] = Field(1.0, description="how strongly it lights edges")
    sun: bool = Field(
        True,
        description="follow the sky's sun when the scene has one (its place, its halo's colour, "
        "and gone once it has set)",
    )


class AtmosphereParams(Params):
    """The air: how far one sees, and its colour."""

    visibility: Annotated[float, Num(5, 1000000)] = Field(
        4000.0,
        description="metres at which a thing keeps a third of its own colour and contrast "
        "(the rest is the air's)",
    )
    colour: ColourField | None = Field(
        None, description="the air's colour; by default the sky's at the horizon, as it changes"
    )
