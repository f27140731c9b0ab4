"""What the player tells people: problems and warnings (log, HUD, banner), and the heartbeat.

:class:`Notices` is how every part says that something went wrong (a scene that would not load,
a picture that failed, a sound that broke) or may not be as meant (a scene's warnings): always
in the log, and the latest on the HUD, and on a window's banner. :class:`Reporter` writes the
heartbeat file that monitoring polls, every two seconds of the player's clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from installation.play.monitor import Heartbeat
from installation.scene.models import Scene
from installation.scene.show import Show

__all__ = ["Notices", "Reporter"]

log = logging.getLogger("installation.player")


class Notices:
    def __init__(self) -> None:
        self.errors = 0
        self.message = ""  # the latest problem or warning, for the HUD and the banner
        self.last_error = ""

    def problem(self, message: str) -> None:
        """Something failed; the show goes on. ``message`` starts ``file:line:col:`` where a
        file is to blame."""
        self.errors += 1
        self.message = self.last_error = message
        log.error("%s", message)

    def warnings(self, source: Scene | Show) -> None:
        """A scene's or show's silent mistakes: in the log, and the first on the HUD."""
        what = "scene" if isinstance(source, Scene) else "show"
        for warning in source.warnings:
            log.warning("%s: %s", what, warning)
        if source.warnings:
            more = len(source.warnings) - 1
            first = source.warnings[0]
            self.message = f"warning: {first}" + (f" (+{more} more)" if more else "")

    def clear(self) -> None:
        """A good version arrived: what was said no longer stands."""
        self.message = ""


class Reporter:
    """The heartbeat: rewritten every ``every`` seconds of the player's clock."""

    def __init__(self, state_dir: Path, timer: Callable[[], float],
                 wall_clock: Callable[[], Any], every: float = 2.0):  # fmt: skip
        self.heartbeat = Heartbeat(state_dir / "heartbeat.json", timer, wall_clock, every)

    def tick(self, status: Callable[[], dict[str, Any]]) -> bool:
        """Write the heartbeat if it is due (the status is built only then); True if written."""
        return self.heartbeat.due() and self.heartbeat.beat(status())

    def last(self, status: dict[str, Any]) -> None:
        self.heartbeat.beat(status, force=True)
