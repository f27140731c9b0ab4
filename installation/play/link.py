"""One show clock for many players: Ableton Link's shared session timeline.

Players on one network that run with ``--link`` join one Link session. Link keeps a beat
timeline that every peer agrees on (each peer measures its clock's offset to the others all the
time). At one beat a second, the session's beat *is* the show's time in seconds: a video wall's
screens draw the same moment of the same scene and cross-fade together, and a player that starts
late, or restarts after a crash, joins the show where it is rather than at its beginning.

Link aligns beats only modulo a *quantum* (a bar, for music). We ask with a quantum of 10^12
beats, 31,000 years at our tempo, so the beat itself is shared, not just its phase in a bar.
The first player to find no session starts one at beat 0; the others adopt its timeline.
While one peer stays, the session and its count live on.

Link is a musicians' protocol: any Link app on the same network (a DJ's laptop) joins the same
session and may change its tempo, and a peer may come and go with a timeline of its own. None of
that moves the show backwards, makes it jump or stops it: while the session's tempo is not ours,
or when its time steps (another timeline), the player holds the show's own clock (the monotonic
timer, one second a second) and says so once; once the tempo is ours it puts the session's beat
back where the show is (``forceBeatAtTime``). Every screen held its own clock meanwhile, within
milliseconds of the others, so they agree again at once. Keep the wall on a network of its own
all the same.

We use ``LinkPython-extern`` (module ``link``): a plain binding of Link's C++ API with wheels on
the package index, polled from the frame loop without an event loop. ``aalink``, the other
binding, is built for asyncio and awaits beats, which a frame loop that asks only "what time is
it" does not need.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

__all__ = ["LinkClock", "LinkUnavailable"]

log = logging.getLogger("installation.play")

#: how long a starting player listens for a session before it starts one
DISCOVERY_SECONDS = 2.0
TEMPO = 60.0  # one beat a second: the session's beat is the show's time in seconds
QUANTUM = 1e12  # beats; Link agrees on beats modulo this, i.e. on the beat itself
#: a step back of the session's time larger than this is a different timeline, not Link's own
#: clock correction (which moves by milliseconds)
JUMP = 0.25


class LinkUnavailable(RuntimeError):
    """The Link library is not installed."""


class LinkClock:
    """Seconds since the Link session's shared start: call it like ``time.monotonic``.

    ``timer``: the player's monotonic clock, which carries the show while the session cannot."""

    def __init__(self, timer: Callable[[], float], discovery: float = DISCOVERY_SECONDS):
        try:
            import link
        except ImportError:
            raise LinkUnavailable(
                "--link needs Ableton Link: pip install 'installation[wall]'"
            ) from None
        self.timer = timer
        self.link = link.Link(TEMPO)
        self.link.enabled = True
        self._last: tuple[float, float] | None = None  # (show time, timer) of the last reading
        self.holding: str | None = None  # why the show's own clock carries it now
        deadline = timer() + discovery
        while self.link.numPeers() == 0 and timer() < deadline:
            time.sleep(0.02)
        peers = self.link.numPeers()
        if peers:
            log.info("link: joined a session of %d other player(s), %.1f s into the show",
                     peers, self())  # fmt: skip
        else:  # the first: the show starts now, at beat 0
            state = self.link.captureAppSessionState()
            state.requestBeatAtTime(0.0, self.link.clock().micros(), QUANTUM)
            self.link.commitAppSessionState(state)
            log.info("link: no session found; this player starts one")

    def __call__(self) -> float:
        """Seconds into the shared show: never less than the last answer."""
        now = self.timer()
        state = self.link.captureAppSessionState()
        tempo = state.tempo()
        session = state.beatAtTime(self.link.clock().micros(), QUANTUM) * 60.0 / TEMPO
        if self._last is None:
            self._last = (session, now)
            return session
        own = self._last[0] + (now - self._last[1])  # the show's own clock, carried on
        if abs(tempo - TEMPO) > 1e-6:
            self._hold(f"another app set the session's tempo to {tempo:g} bpm")
            shown = own
        elif abs(session - own) > JUMP:
            if self.holding is None:
                way = "back" if session < own else "forward"
                self._hold(f"the session's time stepped {way} {abs(own - session):.1f} s")
            self._anchor(state, own)  # the session put back where the show is
            shown = own
        else:
            if self.holding is not None:
                log.warning("link: following the session again (%+.2f s)", session - own)
                self.holding = None
            shown = max(session, self._last[0])  # Link's own corrections never step back
        self._last = (shown, now)
        return shown

    def _hold(self, why: str) -> None:
        if self.holding != why:
            log.error("link: %s; the show holds its own clock (keep the wall's network to "
                      "its players)", why)  # fmt: skip
        self.holding = why

    def _anchor(self, state: Any, show_time: float) -> None:
        state.forceBeatAtTime(show_time * TEMPO / 60.0, self.link.clock().micros(), QUANTUM)
        self.link.commitAppSessionState(state)

    @property
    def peers(self) -> int:
        return self.link.numPeers()

    def close(self) -> None:
        self.link.enabled = False
