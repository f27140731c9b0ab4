"""wind: air moving over the city, rising and falling."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send


class WindParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-30.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    strength: Annotated[float, Num(0, 1)] = Field(0.5, description="how hard it blows")


@VOICES.register("wind")
class Wind(Voice[WindParams]):
    """Pink noise through a band-pass whose centre, width and level wander slowly."""

    Params = WindParams
    texture = True

    def build(self) -> pyo.PyoObject:
        self.strength = pyo.SigTo(self.v.strength, time=2.0, init=self.v.strength)
        centre = pyo.Randi(min=260, max=900, freq=0.09)
        width = pyo.Randi(min=1.5, max=5.0, freq=0.06)
        gust = pyo.Randi(min=0.25, max=1.0, freq=0.07)
        return (
            pyo.ButBP(self.ctx.noise("pink"), freq=centre * (0.7 + 0.6 * self.strength), q=width)
            * gust
            * self.strength
            * 2.0
        )

    def changed(self, v) -> None:
        self.strength.value = v.strength
