"""train: an elevated train's rumble and the clack of rails; a train passing on cue."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send


class TrainParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-26.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    rumble: Annotated[float, Num(0, 1)] = Field(0.6, description="the low roll of the carriage")
    clack: Annotated[float, Num(0, 1)] = Field(
        0.35, description="the rails' joints passing under the wheels"
    )
    speed: float = Field(1.0, ge=0.2, le=3, description="pace of the clacks")


@VOICES.register("train")
class Train(Voice[TrainParams]):
    """An elevated train's roll and rail clacks; ``train-pass`` rushes another train by."""

    Params = TrainParams
    texture = True

    @classmethod
    def answers(cls, params) -> set[str]:
        return {"train-pass"}

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.roll = pyo.SigTo(self.v.rumble, time=1.0, init=self.v.rumble)
        sway = pyo.Sine(freq=0.23, mul=0.15, add=0.85)
        # the roll is felt more than heard: kept above 45 Hz (below, small speakers only make
        # mud of it) and a little more of its upper part, where the wheels are
        roll = (
            pyo.ButLP(pyo.ButHP(self.ctx.noise("brown"), freq=45), freq=150)
            * self.roll
            * sway
            * 0.7
        )
        period = 1.1 / p.speed
        first = pyo.Metro(time=period).play()
        second = pyo.Metro(time=period).play(delay=0.12 / p.speed)
        table = pyo.LinTable([(0, 1.0), (8191, 0.0)])
        hits = pyo.TrigEnv(first, table, dur=0.05) + pyo.TrigEnv(second, table, dur=0.05, mul=0.8)
        self.clack = pyo.SigTo(self.v.clack, time=1.0, init=self.v.clack)
        clacks = pyo.ButBP(self.ctx.noise("white", mul=hits), freq=1700, q=2.5) * self.clack
        self.pass_env = pyo.Adsr(attack=1.2, decay=3.5, sustain=0.0, release=0.5, dur=4.7, mul=0.0)
        self.pass_freq = pyo.SigTo(300.0, time=4.0, init=300.0)
        passing = (
            pyo.ButLP(pyo.ButHP(self.ctx.noise("brown"), freq=45), freq=180, mul=0.9)
            + pyo.ButBP(self.ctx.noise("pink"), freq=self.pass_freq, q=1.5)
        ) * self.pass_env
        self._nodes = (first, second, table, hits)  # pyo frees what Python stops holding
        return roll + clacks + passing

    def changed(self, v) -> None:
        self.roll.value = v.rumble
        self.clack.value = v.clack

    def cue(self, name: str) -> None:
        if name == "train-pass":
            self.pass_freq.setTime(0.0)
            self.pass_freq.value = 900.0
            self.pass_freq.setTime(4.0)
            self.pass_freq.value = 250.0
            self.pass_env.mul = 1.0
            self.pass_env.play()
