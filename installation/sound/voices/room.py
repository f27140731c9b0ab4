"""room: the air of a quiet room, barely there: what silence sounds like indoors."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send


class RoomParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-40.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    warmth: Annotated[float, Num(0, 1)] = Field(0.5, description="0 airy, 1 muffled")


@VOICES.register("room")
class Room(Voice[RoomParams]):
    """Low-passed pink noise with a slow, faint drift."""

    Params = RoomParams
    texture = True

    def build(self) -> pyo.PyoObject:
        self.cutoff = pyo.SigTo(2500 - 1900 * self.v.warmth, time=2.0)
        drift = pyo.Randi(min=0.85, max=1.0, freq=0.05)
        return pyo.ButLP(self.ctx.noise("pink"), freq=self.cutoff) * drift * 0.5

    def changed(self, v) -> None:
        self.cutoff.value = 2500 - 1900 * v.warmth
