"""What every part of the player shares: its state, and the methods one part calls on another.

:class:`installation.play.player.Player` is split into mixins, one module each (``window``,
``scheduling``, ``reload``, ``pacing``, ``reporting``, ``control``); they all read and write one
set of attributes, which ``Player.__init__`` sets. :class:`PlayerState`, the base of every mixin,
lists them here in one place, with their types, so a newcomer can read what the player holds
and the type checker can check each mixin on its own.

Nothing here exists at run time: the attributes are annotations only (no values) and the
methods are stubs under ``TYPE_CHECKING`` (their bodies live in the mixins named beside them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, TextIO

    import pygame

    from installation.play.audio import LiveAudio
    from installation.play.hud import Hud
    from installation.play.link import LinkClock
    from installation.play.monitor import Heartbeat
    from installation.play.player import PlayOptions
    from installation.play.prebuild import Prebuilder
    from installation.play.remote import Remote
    from installation.play.slot import FileWatch, Slot
    from installation.scene.models import Scene
    from installation.scene.show import Show
    from installation.scene.wall import View
    from installation.schedule import Part, Playing, Schedule
    from installation.visuals.compositor import Compositor


class PlayerState:
    """The player's state, set by ``Player.__init__`` (see there for what each starts as)."""

    # -- what plays, and how -------------------------------------------------------------------
    options: PlayOptions
    show: Show
    show_path: Path | None  # None when a single scene plays
    schedule: Schedule
    playing: list[Playing]  # what the schedule gives for this frame
    slots: dict[int, Slot]  # by the schedule's part id
    prebuilder: Prebuilder

    # -- the show's clock ----------------------------------------------------------------------
    now: Callable[[], dt.datetime]  # the wall clock (tests use a fake one)
    timer: Callable[[], float]  # monotonic seconds, or the Link session's
    link: LinkClock | None
    _t0: float
    _wall0: dt.datetime
    _paused_at: float | None
    frame_time: float  # the show time of the frame being made
    paused: bool

    # -- window and picture --------------------------------------------------------------------
    fullscreen: bool
    monitor: int
    fps: float
    size: tuple[int, int]  # the picture's (a wall's whole canvas)
    view: View | None  # a video wall's screen
    budget_ms: float
    screen: pygame.Surface
    canvas: pygame.Surface
    hud: Hud
    overlay: bool
    _clock: pygame.time.Clock

    # -- sound, remote, reporting --------------------------------------------------------------
    audio: LiveAudio
    remote: Remote | None
    heartbeat: Heartbeat
    _frame_log: TextIO | None
    _bookmark_path: Path
    stopping: str | None  # why the loop ends, once it should
    errors: int
    frames: int
    started: float
    pacing: dict[str, float]

    # -- the loop's timers ---------------------------------------------------------------------
    _last_poll: float
    _show_watch: FileWatch | None
    _last_flip: float | None
    _last_pace_log: float
    _intervals: list[float]
    _last_hours: float
    _last_sync: float

    if TYPE_CHECKING:
        # methods one part calls on another: for the type checker only, so that they cannot
        # shadow the real ones at run time

        # player
        def _source(self) -> str: ...

        # scheduling
        @property
        def current(self) -> Slot | None: ...
        @property
        def closed_mode(self) -> str | None: ...
        def _current_part(self) -> Part: ...
        def _keep_bookmark(self) -> None: ...
        def _slot(self, part: Part, scene: Scene, compositor: Compositor | None = None) -> Slot: ...

        # reload
        def _problem(self, message: str) -> None: ...

        # pacing
        def _p95(self) -> float: ...
        def _quality(self) -> str: ...

        # reporting
        def status(self) -> dict[str, Any]: ...

        # control
        def skip(self, step: int) -> None: ...
        def pause(self, paused: bool) -> None: ...
        def set_volume(self, db: float) -> None: ...
