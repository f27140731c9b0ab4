"""city: distant traffic as a low wash, and cars passing now and then."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.voice import Voice
from installation.sound.voices._common import ambience_send

STEP = 2.0  # seconds between chances of a passing car


class CityParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-30.0, description="level in dB before the master")
    send: Annotated[float, Num(0, 1)] = ambience_send()
    traffic: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the steady far-off wash of the city"
    )
    passing: Annotated[float, Num(0, 1)] = Field(0.3, description="how often a car passes nearby")


@VOICES.register("city")
class City(Voice[CityParams]):
    """Distant traffic, and cars passing (the ``passing-car`` cue sends one)."""

    Params = CityParams
    texture = True

    @classmethod
    def answers(cls, params) -> set[str]:
        return {"passing-car"}

    def build(self) -> pyo.PyoObject:
        self.wash_amp = pyo.SigTo(self.v.traffic, time=1.0)
        breathe = pyo.Randi(min=0.6, max=1.0, freq=0.07)
        wash = (
            pyo.ButLP(pyo.ButHP(self.ctx.noise("brown"), freq=25), freq=320)
            * breathe
            * self.wash_amp
            * 0.8
        )
        self.car_env = pyo.Adsr(attack=2.2, decay=3.2, sustain=0.0, release=0.5, dur=5.4, mul=0.0)
        self.car_freq = pyo.SigTo(900.0, time=5.0, init=900.0)
        cars = pyo.ButBP(self.ctx.noise("pink"), freq=self.car_freq, q=1.2) * self.car_env
        return wash + cars

    def changed(self, v) -> None:
        self.wash_amp.value = v.traffic

    def _pass(self, strength: float) -> None:
        self.car_freq.setTime(0.0)
        self.car_freq.value = 1100.0
        self.car_freq.setTime(5.0)
        self.car_freq.value = 450.0  # the doppler fall of a car going by
        self.car_env.mul = strength
        self.car_env.play()

    def events(self, t0: float, t1: float) -> None:
        for k in self.steps_between(t0, t1, STEP):
            if self.chance(k) < self.v.passing * 0.25:
                self._pass(0.5 + 0.5 * self.chance(k, 1))

    def cue(self, name: str) -> None:
        if name == "passing-car":
            self._pass(1.0)
