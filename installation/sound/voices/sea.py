"""sea: waves rolling in and drawing back, each with its wash of foam."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send


class SeaParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-22.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    period: float = Field(10.0, ge=3, le=40, description="seconds from one wave to the next")
    size: Annotated[float, Num(0, 1)] = Field(0.6, description="how big the waves are")


@VOICES.register("sea")
class Sea(Voice[SeaParams]):
    """Pink noise whose filter and level swell with each wave; a hiss of foam as it breaks."""

    Params = SeaParams
    texture = True

    def build(self) -> pyo.PyoObject:
        p = self.params
        drift = pyo.Randi(min=0.85, max=1.15, freq=0.03)
        swell = pyo.Sine(freq=drift / p.period, phase=0.75, mul=0.5, add=0.5)  # starts low
        shape = swell * swell * swell
        self.size = pyo.SigTo(self.v.size, time=2.0, init=self.v.size)
        # the surf's body, kept off the lowest octaves (a gallery's speakers make them mud)
        body = pyo.ButHP(pyo.ButLP(self.ctx.noise("pink"), freq=250 + 1400 * shape), freq=90)
        body = body * (0.25 + 0.75 * shape)
        # foam: a soft hiss, never the full white noise (it would sound like tape hiss)
        foam = (
            pyo.ButLP(pyo.ButHP(self.ctx.noise("white"), freq=1200), freq=4000)
            * shape
            * shape
            * 0.4
        )
        return (body + foam) * self.size

    def changed(self, v) -> None:
        self.size.value = v.size
