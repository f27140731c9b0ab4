"""The console's web server: Starlette in uvicorn, in a thread of its own with its own event loop.

Endpoints (reading is open to the network the console listens on; changing the show takes the
token, as ``Authorization: Bearer <token>``):

* ``GET /``: the page (``page.html``), which polls the rest;
* ``GET /api/state``: the heartbeat's figures, the outcomes of recent commands, and versions of
  the thumbnail, the log and the plan (the page fetches those only when they change);
* ``GET /api/log?after=N``: the log's lines numbered above N (the last 200 at most);
* ``GET /api/schedule``: the schedule of the day, with the opening hours;
* ``GET /thumbnail.jpg``: the picture a few seconds ago, 480 pixels wide at most;
* ``POST /api/<verb>``, ``{"value": ...}`` where the verb takes one: next, previous, goto
  (a scene id), volume (dB), louder, softer, mute and pause (true, false, or nothing to toggle),
  dim (0 to 1). Queued for the frame loop (202, with the command's id; the outcome appears in
  the state) or refused: 403 without the token, 400 for a bad value, 404 for another verb, 503
  while 40 commands wait;
* ``GET /metrics``: Prometheus' text format.

The server never touches the player: it reads and queues through the :class:`Board` only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
import socket
import threading
from importlib import resources
from typing import Any

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from installation.play.console.board import Board, PlanSeed
from installation.play.console.day import day_plan
from installation.play.console.metrics import registry

__all__ = ["VERBS", "Server", "finite", "make_app"]

log = logging.getLogger("installation.console")

#: the verbs the page may use, and what value each takes: None (nothing), "flag" (true, false
#: or nothing: toggle), "number", "fraction" (0 to 1), "scene" (an id)
VERBS: dict[str, str | None] = {
    "next": None, "previous": None, "louder": None, "softer": None,
    "goto": "scene", "volume": "number", "dim": "fraction", "mute": "flag", "pause": "flag",
}  # fmt: skip
BODY_LIMIT = 1024  # bytes of a command's body
NO_STORE = {"Cache-Control": "no-store"}


class _Plans:
    """The day's plan, worked out again only when the published copy changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._plan: dict[str, Any] = {}

    def get(self, seed: PlanSeed | None) -> dict[str, Any]:
        if seed is None:
            return {"rows": [], "hours": "", "date": None, "more": False}
        key = version_key(seed)
        with self._lock:
            if key != self._key:
                self._plan, self._key = day_plan(seed), key
            return self._plan


def version_key(seed: PlanSeed) -> tuple[Any, ...]:
    """What the plan depends on: the parts, the playlist's place, the show, the date."""
    schedule = seed.schedule
    now = schedule.wall_clock(seed.t)
    parts = tuple((p.id, p.begin, p.end, p.position) for p in schedule.parts)
    return (parts, schedule.position, id(schedule.show), schedule.opens_at,
            now.date() if now else None, seed.current, seed.pending)  # fmt: skip


def _version(key: tuple[Any, ...]) -> str:
    return hashlib.sha1(repr(key).encode()).hexdigest()[:12]


def make_app(board: Board, token: str) -> Starlette:
    page = resources.files("installation.play.console").joinpath("page.html").read_text("utf-8")
    plans = _Plans()
    metrics = registry(board)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers=NO_STORE)

    async def state(request: Request) -> Response:
        board.looked()
        seed = board.plan
        age = board.age
        return JSONResponse({
            "status": finite(board.status),
            "age_s": None if age is None else round(age, 1),
            "thumbnail": board.frame_number,
            "log": board.log.count,
            "plan": _version(version_key(seed)) if seed is not None else None,
            "results": [vars(r) for r in board.results],
            "verbs": VERBS,
        }, headers=NO_STORE)  # fmt: skip

    async def log_lines(request: Request) -> Response:
        try:
            after = int(request.query_params.get("after", "0"))
        except ValueError:
            return JSONResponse({"error": "after: a line number"}, status_code=400)
        lines = board.log.since(after)
        return JSONResponse({"lines": [{"n": n, "text": text} for n, text in lines]},
                            headers=NO_STORE)  # fmt: skip

    async def schedule(request: Request) -> Response:
        plan = await run_in_threadpool(plans.get, board.plan)  # the event loop stays free
        return JSONResponse(plan, headers=NO_STORE)

    async def thumbnail(request: Request) -> Response:
        board.looked()
        jpeg = await run_in_threadpool(board.thumbnail)  # scaling and encoding: not in the loop
        if jpeg is None:
            return Response("no picture yet", status_code=503, headers=NO_STORE)
        return Response(jpeg[1], media_type="image/jpeg",
                        headers={**NO_STORE, "X-Thumbnail": str(jpeg[0])})  # fmt: skip

    async def command(request: Request) -> Response:
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return JSONResponse({"error": "this takes the console's token"}, status_code=403)
        verb = request.path_params["verb"]
        if verb not in VERBS:
            return JSONResponse({"error": f"no verb '{verb}'"}, status_code=404)
        body = await request.body()
        try:
            args = _arguments(verb, body)
        except ValueError as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        number = board.ask(verb, args)
        if number is None:
            return JSONResponse({"error": "the player is busy; try again"}, status_code=503)
        return JSONResponse({"id": number, "verb": verb}, status_code=202)

    async def prometheus(request: Request) -> Response:
        return Response(generate_latest(metrics), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[
        Route("/", index),
        Route("/api/state", state),
        Route("/api/log", log_lines),
        Route("/api/schedule", schedule),
        Route("/thumbnail.jpg", thumbnail),
        Route("/metrics", prometheus),
        Route("/api/{verb}", command, methods=["POST"]),
    ])  # fmt: skip


def finite(value: Any) -> Any:
    """``value`` with each number that is not finite as None (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _arguments(verb: str, body: bytes) -> tuple[Any, ...]:
    """A command's arguments from its JSON body, checked; ``ValueError`` says what is wrong."""
    if len(body) > BODY_LIMIT:
        raise ValueError(f"a command's body is at most {BODY_LIMIT} bytes")
    try:
        data = json.loads(body) if body.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError('the body must be JSON, like {"value": 0.5}') from None
    if not isinstance(data, dict):
        raise ValueError('the body must be a JSON object, like {"value": 0.5}')
    kind = VERBS[verb]
    value = data.get("value")
    if kind is None:
        return ()
    if kind == "flag":
        if value is None:
            return ()
        if not isinstance(value, bool):
            raise ValueError(f"{verb} takes true, false, or nothing (to toggle)")
        return (value,)
    if kind == "scene":
        if not isinstance(value, str) or not 0 < len(value) <= 100:
            raise ValueError("goto takes a scene's id")
        return (value,)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{verb} takes a number")
    if kind == "fraction" and not 0 <= value <= 1:
        raise ValueError(f"{verb} takes a brightness from 0 to 1")
    return (float(value),)


class _Forward(logging.Handler):
    """uvicorn's own warnings and errors, into the player's log."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger("installation.console").handle(record)


class Server:
    """uvicorn serving the console in a daemon thread, on a socket bound here (so that a port
    in use is said at once, as an ``OSError``)."""

    def __init__(self, board: Board, host: str, port: int, token: str):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        self.address: tuple[str, int] = sock.getsockname()[:2]
        uvicorn_log = logging.getLogger("uvicorn")
        uvicorn_log.setLevel(logging.WARNING)
        if not any(isinstance(h, _Forward) for h in uvicorn_log.handlers):
            uvicorn_log.addHandler(_Forward())
        uvicorn_log.propagate = False
        config = uvicorn.Config(make_app(board, token), log_config=None, access_log=False,
                                lifespan="off", ws="none", http="h11", loop="asyncio",
                                timeout_graceful_shutdown=1)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       name="console", daemon=True)  # fmt: skip
        self._socket = sock
        self.thread.start()

    def close(self, wait: float = 2.0) -> None:
        """Stop serving, waiting at most ``wait`` seconds (the thread is a daemon)."""
        self.server.should_exit = True
        self.thread.join(timeout=wait)
        self._socket.close()
