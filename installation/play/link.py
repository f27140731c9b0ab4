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
session and could change its tempo. Keep the wall on a network of its own; a tempo other than
ours is logged as an error and read through (the show's time still advances one second a second).

We use ``LinkPython-extern`` (module ``link``): a plain binding of Link's C++ API with wheels on
the package index, polled from the frame loop without an event loop. ``aalink``, the other
binding, is built for asyncio and awaits beats, which a frame loop that asks only "what time is
it" does not need.
"""

from __future__ import annotations

import logging
import time

__all__ = ["LinkClock", "LinkUnavailable"]

log = logging.getLogger("installation.play")

#: how long a starting player listens for a session before it starts one
DISCOVERY_SECONDS = 2.0
TEMPO = 60.0  # one beat a second: the session's beat is the show's time in seconds
QUANTUM = 1e12  # beats; Link agrees on beats modulo this, i.e. on the beat itself


class LinkUnavailable(RuntimeError):
    """The Link library is not installed."""


class LinkClock:
    """Seconds since the Link session's shared start: call it like ``time.monotonic``."""

    def __init__(self, discovery: float = DISCOVERY_SECONDS):
        try:
            import link
        except ImportError:
            raise LinkUnavailable(
                "--link needs Ableton Link: pip install 'installation[wall]'"
            ) from None
        self.link = link.Link(TEMPO)
        self.link.enabled = True
        self._warned_tempo = False  # read by __call__, which the join's log line calls
        deadline = time.monotonic() + discovery
        while self.link.numPeers() == 0 and time.monotonic() < deadline:
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
        """Seconds into the shared show."""
        state = self.link.captureAppSessionState()
        beat = state.beatAtTime(self.link.clock().micros(), QUANTUM)
        tempo = state.tempo()
        if abs(tempo - TEMPO) > 1e-6 and not self._warned_tempo:
            self._warned_tempo = True
            log.error("link: another app set the session's tempo to %g bpm; keep the wall's "
                      "network to its players", tempo)  # fmt: skip
        return beat * 60.0 / tempo

    @property
    def peers(self) -> int:
        return self.link.numPeers()

    def close(self) -> None:
        self.link.enabled = False
