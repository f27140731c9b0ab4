"""rain: a soft hiss on the glass and scattered drops."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send


class RainParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-26.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    intensity: Annotated[float, Num(0, 1)] = Field(
        0.5, description="from a drizzle to a steady rain"
    )


@VOICES.register("rain")
class Rain(Voice[RainParams]):
    """Band-limited noise for the sheet of rain, random ticks through a resonator for drops."""

    Params = RainParams
    texture = True

    def build(self) -> pyo.PyoObject:
        self.amount = pyo.SigTo(self.v.intensity, time=2.0, init=self.v.intensity)
        # the sheet: a mid-range hush over a low patter, low-passed so it never hisses
        hush = pyo.ButLP(pyo.ButBP(self.ctx.noise("white"), freq=2200, q=0.7), freq=5000, mul=0.3)
        sheet = hush + pyo.ButLP(self.ctx.noise("pink"), freq=900, mul=0.4)
        drops_trig = pyo.Cloud(density=25 + 90 * self.v.intensity, poly=1).play()
        table = pyo.LinTable([(0, 1.0), (8191, 0.0)])
        click = pyo.TrigEnv(drops_trig, table=table, dur=0.015)
        drops = pyo.ButLP(
            pyo.ButBP(self.ctx.noise("white", mul=click), freq=2400, q=3), freq=5000, mul=0.8
        )
        self._nodes = (drops_trig, table, click, hush)  # pyo frees what Python stops holding
        return (sheet + drops) * self.amount

    def changed(self, v) -> None:
        self.amount.value = v.intensity
