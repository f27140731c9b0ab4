"""The soak run: the show, its scene clocks and its hours run faster; what grows is reported.

``installation play --soak MINUTES`` plays the show ``speed`` times faster (30 by default: an
hour of soak is 30 hours of show), with its sound if there is a device, so loop seams are
crossed, scenes change, sound graphs are built and freed as on an exhibit's month. Every ten
seconds it samples both processes' memory, open files, threads and the device's underruns;
the samples go to ``soak.csv`` in the state folder as they are taken, and at the end a plot of
them (``soak.png``) and their slope per hour of show. Nothing may grow.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from typing import Any

from installation.play.monitor import memory_mb, open_files, thread_count

__all__ = ["Soak"]

SAMPLE_EVERY = 10.0  # seconds of the player's clock between samples
WARM_UP = 0.1  # share of the run left out of the slope: caches fill, the first scenes load


@dataclass
class Sample:
    show_hours: float
    memory_mb: float
    sound_mb: float  # the sound process's own memory
    open_files: int
    threads: int
    underruns: int  # the sound device's underruns so far (ALSA's count)
    sound_starts: int


@dataclass
class Soak:
    speed: float
    timer: Callable[[], float]
    folder: Path  # where soak.csv and soak.png go (the state folder)
    samples: list[Sample] = field(default_factory=list)
    parts: set[int] = field(default_factory=set)
    seams: int = 0
    _loops: dict[int, int] = field(default_factory=dict)
    _last_sample: float = -math.inf
    _first_hours: float | None = None
    started: float = math.nan

    def __post_init__(self) -> None:
        self.started = self.timer()
        self.csv_path = self.folder / "soak.csv"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self.csv_path.open("w", newline="") as out:
                csv.writer(out).writerow([f.name for f in fields(Sample)])
        except OSError:
            self.csv_path = None  # type: ignore[assignment]

    def observe(self, player: Any) -> None:
        """Once a frame: count scenes begun and loop seams crossed; sample now and then."""
        slots = player.stage.slots
        for part_id, slot in slots.items():
            self.parts.add(part_id)
            loop = slot.scene.clock.loop
            if loop:
                index = int(slot.time() // loop)
                if part_id in self._loops and index != self._loops[part_id]:
                    self.seams += 1
                self._loops[part_id] = index
        for gone in [k for k in self._loops if k not in slots]:
            del self._loops[gone]
        now = self.timer()
        if now - self._last_sample >= SAMPLE_EVERY:
            self._last_sample = now
            self.sample(player)

    def sample(self, player: Any) -> None:
        hours = player.programme.t / 3600.0
        if self._first_hours is None:
            self._first_hours = hours
        audio = player.audio
        sound = memory_mb(audio.pid) if audio.pid is not None else 0.0
        taken = Sample(hours - self._first_hours, memory_mb(), sound, open_files(),
                       thread_count(), audio.underruns, audio.generation)  # fmt: skip
        self.samples.append(taken)
        if self.csv_path is not None:
            try:
                with self.csv_path.open("a", newline="") as out:
                    csv.writer(out).writerow(astuple(taken))
            except OSError:
                pass

    def slope(self, values: list[float], hours: list[float]) -> float:
        """Least-squares growth per hour of show, after the warm-up."""
        keep = [i for i, h in enumerate(hours) if h >= WARM_UP * hours[-1]]
        if len(keep) < 3:
            return 0.0
        xs, ys = [hours[i] for i in keep], [values[i] for i in keep]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0

    def report(self, player: Any) -> str:
        self.sample(player)
        first, last = self.samples[0], self.samples[-1]
        hours = [s.show_hours for s in self.samples]
        memory = [s.memory_mb for s in self.samples]
        after = [s for s in self.samples if s.show_hours >= WARM_UP * hours[-1]] or [last]
        audio = player.audio
        wall = (self.timer() - self.started) / 60.0
        plot = self._plot()
        return "\n".join([
            f"soak: {wall:.1f} min at {self.speed:g}x = {hours[-1]:.2f} hours of show",
            f"memory: {after[0].memory_mb:.1f} MB after warm-up, {last.memory_mb:.1f} MB at the "
            f"end, max {max(memory):.1f} MB; slope {self.slope(memory, hours):+.2f} MB per hour "
            "of show",
            f"sound process memory: {after[0].sound_mb:.1f} MB after warm-up, "
            f"{last.sound_mb:.1f} MB at the end; slope "
            f"{self.slope([s.sound_mb for s in self.samples], hours):+.2f} MB per hour of show",
            f"open files: {first.open_files} at the start, {last.open_files} at the end "
            f"(max {max(s.open_files for s in self.samples)})",
            f"threads: {first.threads} at the start, {last.threads} at the end "
            f"(max {max(s.threads for s in self.samples)})",
            f"scenes played: {len(self.parts)}, loop seams crossed: {self.seams}, "
            f"frames: {player.frames}",
            f"sound: {audio.reason}; graphs built {audio.built}, freed {audio.freed}, sound "
            f"process started {audio.generation} times, its CPU {audio.cpu_percent:.1f} % of a "
            f"core, {audio.underruns} underruns, {audio.resent} scenes sent again",
            f"errors: {player.notices.errors}",
            f"samples: {self.csv_path}" + (f", plot: {plot}" if plot else ""),
        ])  # fmt: skip

    def _plot(self) -> Path | None:
        """soak.png: memory of both processes, open files, threads and underruns against
        hours of show, one panel each."""
        if len(self.samples) < 2:
            return None
        from installation.play.soak_plot import plot_samples

        path = self.folder / "soak.png"
        try:
            plot_samples(self.samples, path)
        except (OSError, ImportError):
            return None
        return path
