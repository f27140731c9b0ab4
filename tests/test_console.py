"""The curator's web console (``play --console``): its endpoints, its token, /metrics, the day's
schedule, that it never holds a frame, and the page in a real browser against a real player.

The in-process tests drive a player on a fake clock (``playerkit``) with its console listening on
a free port of 127.0.0.1, and talk to it over HTTP (httpx) while the test makes the frames. The
browser test runs a player process in a real window (Xvfb), with its sound through a private
PulseAudio server where there is one, and Chromium (the distribution's) driven by Playwright;
it is skipped where any of these is missing, except under CI, where that fails.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import math
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image
from playerkit import FakeClock, WallClock, on_stage, options, read_heartbeat, step, step_until
from prometheus_client.parser import text_string_to_metric_families

from installation.commands.common import UsageError
from installation.commands.play import _console_address
from installation.play.console import TOKEN_FILE
from installation.play.console.board import QUEUE
from installation.play.player import Player

LOCAL = ("127.0.0.1", 0)  # any free port
NOON = dt.datetime(2026, 11, 24, 12, 0)  # a Tuesday
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
REAL_SECONDS = 90.0  # a real player's scene is built and cut to within this, on a busy machine


def trio(tmp_path: Path, minutes: float = 30, extra: str = "") -> Path:
    show = tmp_path / "trio.yaml"
    show.write_text(
        f"show: trio\nscenes: [magic-hour, beach-dawn, the-voice]\ncrossfade: 0.2\n"
        f"minutes: {minutes}\n{extra}"
    )
    return show


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_player(tmp_path, clock):
    made = []

    def make(target, **kw) -> Player:
        kw.setdefault("timer", clock)
        kw.setdefault("clock", WallClock(clock, NOON))
        kw.setdefault("console", LOCAL)
        player = Player(options(target, tmp_path / "state", **kw))
        made.append(player)
        return player

    yield make
    for player in made:
        player.close()


def playing(player: Player, clock: FakeClock) -> Player:
    """On stage, and said so in what the loop published (at a heartbeat, every 2 s)."""
    on_stage(player, clock)
    board = player.console.board
    assert step_until(player, lambda: board.status.get("scene") == player.current.scene.id, clock)
    return player


def http(player: Player) -> httpx.Client:
    assert player.console is not None, "no console"
    host, port = player.console.server.address
    return httpx.Client(base_url=f"http://{host}:{port}", timeout=60.0)


def auth(player: Player) -> dict[str, str]:
    assert player.console is not None
    return {"Authorization": f"Bearer {player.console.token}"}


def outcome(client: httpx.Client, number: int) -> str | None:
    for result in client.get("/api/state").json()["results"]:
        if result["id"] == number:
            return result["outcome"]
    return None


# -- what the page reads ----------------------------------------------------------------------
def test_the_page_its_state_thumbnail_log_and_schedule(tmp_path, make_player, clock, caplog):
    caplog.set_level("INFO", logger="installation")  # as the CLI's logging has it
    player = playing(make_player(trio(tmp_path, minutes=1)), clock)
    board = player.console.board
    with http(player) as client:
        assert client.get("/thumbnail.jpg").status_code == 503  # nobody looked: no copy yet
        client.get("/api/state")  # a page looks: the picture is copied from now on
        assert step_until(player, lambda: board.frame_number is not None, clock)
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'id="next"' in page.text and 'id="log"' in page.text
        state = client.get("/api/state").json()
        status = state["status"]
        assert (status["show"], status["scene"]) == ("trio", "magic-hour")
        for figure in ("fps", "quality", "memory_mb", "sound_memory_mb", "sound_playing",
                       "sound_underruns", "show_time_s", "scene_time_s"):  # fmt: skip
            assert figure in status, figure
        assert status["memory_mb"] > 10 and state["age_s"] is not None

        shot = client.get("/thumbnail.jpg")
        assert shot.status_code == 200 and shot.headers["content-type"] == "image/jpeg"
        thumb = np.asarray(Image.open(io.BytesIO(shot.content)).convert("RGB")).astype(float)
        assert thumb.shape == (90, 160, 3)  # the picture's size: smaller than 480 px
        picture = player.picture()
        frame = np.asarray(picture.get_view("3")).astype(float).transpose(1, 0, 2)
        assert np.abs(thumb.mean(axis=(0, 1)) - frame.mean(axis=(0, 1))).max() < 12
        r, _, b = thumb.mean(axis=(0, 1))
        assert r > b, "not the warm scene"

        lines = client.get("/api/log").json()["lines"]
        assert any("scene: magic-hour" in line["text"] for line in lines), lines
        newest = lines[-1]["n"]
        assert client.get(f"/api/log?after={newest}").json()["lines"] == []

        plan = client.get("/api/schedule").json()
        assert plan["hours"] == "always open" and plan["open"] is True
        scenes = [row["scene"] for row in plan["rows"]]
        assert scenes[:4] == ["magic-hour", "beach-dawn", "the-voice", "magic-hour"]
        assert plan["rows"][0]["now"] and not any(row["now"] for row in plan["rows"][1:])
        assert plan["rows"][0]["at"] == "12:00" and plan["rows"][2]["at"] == "12:01"
        assert len(plan["rows"]) == 200 and plan["more"]  # one-minute scenes: 1440 a day


def test_the_picture_is_copied_only_while_a_page_looks(tmp_path, make_player, clock,
                                                       monkeypatch):  # fmt: skip
    import installation.play.console.board as board_module

    monkeypatch.setattr(board_module, "WATCHED", 5.0)  # seconds after a look (30 in use)
    player = playing(make_player(trio(tmp_path)), clock)
    board = player.console.board
    step(player, clock, 300)  # five seconds of the player's clock
    assert board.frame_number is None
    with http(player) as client:
        client.get("/api/state")
        assert step_until(player, lambda: board.frame_number == 1, clock, seconds=1)
        step(player, clock, 240)  # another at 3 s, and no more: nobody looked again
        assert board.frame_number == 2
        step(player, clock, 300)
        stopped = board.frame_number
        assert stopped == 2
        assert client.get("/thumbnail.jpg").status_code == 200  # the last copy, and a look
        assert step_until(player, lambda: board.frame_number == stopped + 1, clock, seconds=4)


def test_the_day_with_opening_hours(tmp_path, make_player, clock):
    hours = "hours:\n  daily: '10:00-18:00'\nclosed: dim\nnight_scene: night-skyline\n"
    wall = WallClock(clock, dt.datetime(2026, 11, 24, 17, 50))
    player = playing(make_player(trio(tmp_path, minutes=6, extra=hours), clock=wall), clock)
    with http(player) as client:
        plan = client.get("/api/schedule").json()
    assert (plan["weekday"], plan["hours"], plan["open"], plan["closed"]) == (
        "tue", "10:00–18:00", True, "dim")  # fmt: skip
    rows = [(row["day"], row["at"], row["scene"], row["plays"]) for row in plan["rows"]]
    assert rows[:4] == [
        (None, "17:50", "magic-hour", "open"),
        (None, "17:55", "beach-dawn", "open"),  # at 17:55:59.8, its crossfade's start
        (None, "18:00", "night-skyline", "closed: night scene, dimmed"),
        ("wed", "10:00", "the-voice", "open"),  # the playlist resumes where it was
    ]


def test_the_token_is_said_at_start_kept_and_never_shown(tmp_path, make_player, clock):
    player = on_stage(make_player(trio(tmp_path)), clock)
    token = player.console.token
    kept = tmp_path / "state" / TOKEN_FILE
    assert kept.read_text().strip() == token and len(token) >= 16
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    with http(player) as client:
        for path in ("/", "/api/state", "/api/log", "/api/schedule", "/metrics"):
            assert token not in client.get(path).text, path
    player.close()
    again = make_player(trio(tmp_path))
    assert again.console.token == token  # a curator's bookmark survives a restart


def test_the_cli_says_the_token_in_the_terminal_and_the_log_file(tmp_path):
    port = _free_port()
    process = subprocess.run(
        [sys.executable, "-m", "installation", "play", "magic-hour", "--size", "160x90",
         "--no-osc", "--no-audio", "--frames", "30", "--console", f":{port}",
         "--state-dir", str(tmp_path / "state")],
        env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    token = (tmp_path / "state" / TOKEN_FILE).read_text().strip()
    said = f"console: http://127.0.0.1:{port}/?token={token}"
    assert said in process.stderr + process.stdout
    assert said in (tmp_path / "state" / "installation.log").read_text()


# -- what the page asks -----------------------------------------------------------------------
def test_commands_take_the_token_and_go_through_the_players_verbs(tmp_path, make_player, clock,
                                                                   caplog):  # fmt: skip
    caplog.set_level("INFO", logger="installation")
    player = on_stage(make_player(trio(tmp_path)), clock)
    with http(player) as client:
        assert client.post("/api/next").status_code == 403
        wrong = {"Authorization": "Bearer not-the-token"}
        assert client.post("/api/next", headers=wrong).status_code == 403
        step(player, clock, 5)
        assert player.programme.pending is None  # nothing was asked of the loop

        asked = client.post("/api/next", headers=auth(player))
        assert asked.status_code == 202
        assert step_until(player, lambda: player.current.scene.id == "beach-dawn", clock)
        assert outcome(client, asked.json()["id"]) == "done"

        for verb, value in (("volume", -6), ("mute", True), ("dim", 0.5)):
            assert client.post(f"/api/{verb}", json={"value": value},
                               headers=auth(player)).status_code == 202  # fmt: skip
        step(player, clock)  # taken between two frames, and the state published at once
        assert player.control.muted and player.screen_view.dim == 0.5
        status = client.get("/api/state").json()["status"]
        assert (status["muted"], status["dim"]) == (True, 0.5)
        client.post("/api/mute", headers=auth(player))  # no value: toggles
        step(player, clock)
        assert not player.control.muted and player.audio.volume_db == -6.0

        missing = client.post("/api/goto", json={"value": "nowhere"}, headers=auth(player))
        client.post("/api/goto", json={"value": "the-voice"}, headers=auth(player))
        assert step_until(player, lambda: player.current.scene.id == "the-voice", clock)
        assert outcome(client, missing.json()["id"]) == "refused: no scene 'nowhere' in the show"
        lines = [line["text"] for line in client.get("/api/log").json()["lines"]]
        assert any("console: /goto nowhere refused" in line for line in lines), lines


def test_bad_requests_are_refused_with_a_reason(tmp_path, make_player, clock):
    player = on_stage(make_player(trio(tmp_path)), clock)
    ok = auth(player)
    with http(player) as client:
        for verb, body in (("volume", '{"value": "loud"}'), ("volume", '{"value": NaN}'),
                           ("dim", '{"value": 2}'), ("mute", '{"value": 1}'),
                           ("goto", '{"value": 3}'), ("dim", "half"), ("dim", "[0.5]"),
                           ("next", "x" * 5000)):  # fmt: skip
            answer = client.post(f"/api/{verb}", content=body, headers=ok)
            assert answer.status_code == 400 and answer.json()["error"], (verb, body)
        assert client.post("/api/quit", headers=ok).status_code == 404  # not from a web page
        assert client.post("/api/fullscreen", headers=ok).status_code == 404
        assert client.get("/api/next").status_code == 405
        # a full queue says so, and the loop then takes what waited, in order
        answers = [client.post("/api/dim", json={"value": i / 100}, headers=ok)
                   for i in range(QUEUE + 1)]  # fmt: skip
        assert [a.status_code for a in answers] == [202] * QUEUE + [503]
        step(player, clock)
        assert player.screen_view.dim == (QUEUE - 1) / 100
        assert client.post("/api/next", headers=ok).status_code == 202


# -- /metrics ----------------------------------------------------------------------------------
def test_metrics_in_prometheus_text_format(tmp_path, make_player, clock):
    player = on_stage(make_player(trio(tmp_path)), clock)
    step(player, clock, 130)  # past a heartbeat: the figures of a running player
    with http(player) as client:
        answer = client.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}

    def value(name: str, **labels: str) -> float:
        for sample in families[name].samples:
            if all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
        raise AssertionError(f"{name} {labels} not in {families[name].samples}")

    assert value("installation_scene_info", scene="magic-hour", show="trio", quality="full") == 1
    assert 55 < value("installation_fps") < 65  # the fake clock makes 60 frames a second
    assert value("installation_memory_bytes", process="player") > 1e7
    assert value("installation_memory_bytes", process="sound") == 0  # silent: no sound process
    assert families["installation_sound_underruns"].type == "counter"
    assert value("installation_sound_underruns") == 0
    assert value("installation_frames") > 100 and value("installation_sound_playing") == 0
    assert value("installation_open") == 1 and value("installation_brightness") == 1.0
    assert 0 <= value("installation_heartbeat_age_seconds") < 5
    assert value("process_resident_memory_bytes") > 1e7  # prometheus-client's own


# -- the frame loop never waits for the console -----------------------------------------------
def test_a_slow_console_never_holds_a_frame(tmp_path, make_player, clock, monkeypatch):
    """Handlers made slow, one waiting (as on a slow network or disk) and one computing (holding
    the interpreter in turns), while the loop makes frames: every frame is made, the loop goes
    on publishing (a newer thumbnail while the old one is still being read) and takes
    commands, and the console answers all once released."""
    import installation.play.console.server as server

    player = on_stage(make_player(trio(tmp_path)), clock)
    board = player.console.board
    release = threading.Event()
    waiting, computing = threading.Event(), threading.Event()
    thumbnail = board.thumbnail

    def slow_thumbnail():
        waiting.set()
        release.wait(300)
        return thumbnail()

    def busy_plan(seed):
        computing.set()
        n = 0
        while not release.is_set():
            n += 1  # pure Python: holds the GIL but for the interpreter's switches
        return {"rows": [], "n": n}

    monkeypatch.setattr(board, "thumbnail", slow_thumbnail)
    monkeypatch.setattr(server, "day_plan", busy_plan)
    answers: dict[str, int] = {}

    def get(path: str) -> None:
        with http(player) as client:
            answers[path] = client.get(path).status_code

    readers = [threading.Thread(target=get, args=(p,)) for p in ("/thumbnail.jpg", "/api/schedule")]
    for reader in readers:
        reader.start()
    assert waiting.wait(60) and computing.wait(60)
    frames, copy = player.frames, board.frame_number or 0
    # were the loop to wait for a handler, it would wait until this lets the handlers go
    watchdog = threading.Timer(300, release.set)
    watchdog.start()
    with http(player) as client:  # the console's event loop still answers meanwhile
        asked = client.post("/api/dim", json={"value": 0.25}, headers=auth(player))
    try:
        step(player, clock, 240)  # 4 s of the player's clock: a heartbeat, a copy of the picture
        assert not release.is_set(), "the frame loop waited for the console"
    finally:
        release.set()
        watchdog.cancel()
    assert player.frames == frames + 240
    assert (board.frame_number or 0) > copy and board.status["frames"] > frames
    assert asked.status_code == 202 and player.screen_view.dim == 0.25
    for reader in readers:
        reader.join(timeout=60)
    assert answers == {"/thumbnail.jpg": 200, "/api/schedule": 200}


def test_the_console_threads_never_touch_pygame_or_the_players_parts():
    """Read from the modules' own imports: what runs on the console's thread knows the board,
    the scheduler and the scene format, nothing that draws or sounds."""
    import installation.play.console as console

    forbidden = ("pygame", "installation.visuals", "installation.sound", "installation.render",
                 "installation.play.stage", "installation.play.audio", "installation.play.window",
                 "installation.play.player", "installation.play.slot", "installation.play.control",
                 "installation.play.scheduling", "installation.play.console.feed")  # fmt: skip
    folder = Path(console.__file__).parent
    for name in ("board.py", "server.py", "day.py", "metrics.py"):
        tree = ast.parse((folder / name).read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not [m for m in imported if m.startswith(forbidden)], (name, imported)


def test_off_by_default_and_its_libraries_load_only_when_asked():
    code = (
        "import sys\n"
        "from installation.play.options import PlayOptions\n"
        "import installation.play.player\n"
        "assert PlayOptions().console is None\n"
        "assert not any(m.split('.')[0] in ('starlette', 'uvicorn', 'prometheus_client')"
        " for m in sys.modules), 'loaded'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "SDL_VIDEODRIVER": "dummy"}, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_port_in_use_is_said_and_the_show_plays_on(tmp_path, make_player, clock, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        player = make_player(trio(tmp_path), console=("127.0.0.1", port))
        assert player.console is None
        assert f"console: cannot listen on 127.0.0.1:{port}" in caplog.text
        on_stage(player, clock)


def test_console_addresses():
    assert _console_address(":8080") == ("127.0.0.1", 8080)
    assert _console_address("8080") == ("127.0.0.1", 8080)
    assert _console_address("0.0.0.0:8080") == ("0.0.0.0", 8080)
    assert _console_address("[::1]:8080") == ("::1", 8080)
    for bad in ("", "eighty", "host:", ":0", ":70000"):
        with pytest.raises(UsageError, match="--console takes"):
            _console_address(bad)


# -- the page in a real browser ---------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needed(present: bool, what: str, why: str) -> None:
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {what} ({why})")
        pytest.skip(f"{what} is not installed ({why})")


def _wait(condition, what: str, seconds: float = REAL_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _blue_share(png: Path) -> float:
    """The share of the screenshot's pixels where blue leads: the page keeps blue out."""
    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((b > r + 12) & (b > g + 4)).mean())


@pytest.fixture
def real_player(tmp_path):
    """A player process in a real window (Xvfb), its console on a free port; its sound through
    a private PulseAudio server where there is one, else without sound."""
    from soundserver import SoundServer

    _needed(Path(CHROMIUM).exists(), "chromium", "the console's page in a real browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _needed(False, "playwright", "the console's page in a real browser")
    _needed(shutil.which("Xvfb") is not None, "Xvfb", "a real window on a virtual screen")
    display = f":{_free_port() % 400 + 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"])
    sound = SoundServer(tmp_path / "pulse").start() if SoundServer.available() else None
    env = {**(sound.env if sound else os.environ), "DISPLAY": display, "SDL_VIDEODRIVER": "x11"}
    port, state = _free_port(), tmp_path / "state"
    out = (tmp_path / "player.txt").open("w")  # a file: a pipe nobody reads would fill
    process = subprocess.Popen(
        [sys.executable, "-m", "installation", "play", str(trio(tmp_path)), "--size", "320x180",
         "--windowed", "--no-osc", "--fresh", "--console", f"127.0.0.1:{port}",
         "--state-dir", str(state), *([] if sound else ["--no-audio"])],
        env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    said = tmp_path / "player.txt"
    try:
        _wait(lambda: "?token=" in said.read_text() or process.poll() is not None, "the token")
        match = re.search(r"console: (http://\S+\?token=\S+)", said.read_text())
        assert match and process.poll() is None, said.read_text()
        yield match.group(1), state, sound is not None
    finally:
        process.terminate()
        process.wait(timeout=30)
        out.close()
        if sound:
            sound.stop()
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert process.returncode == 0, said.read_text()[-3000:]


def test_the_page_in_a_real_browser(real_player, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, state, with_sound = real_player

    _wait(lambda: read_heartbeat(state).get("scene") == "magic-hour", "the first scene")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            page.goto(url)
            expect(page.locator("#scene")).to_have_text("magic-hour", timeout=60_000)
            assert "token" not in page.url  # kept by the browser, out of the address bar
            page.wait_for_function("document.getElementById('thumb').naturalWidth > 0")
            expect(page.locator("#plan")).to_contain_text("beach-dawn")
            fits = "document.documentElement.scrollWidth <= window.innerWidth"
            assert page.evaluate(fits), "wider than a phone"
            # the same requests without the token, or with a wrong one, are refused
            refused = page.evaluate("""async () => [
                (await fetch('api/next', {method: 'POST'})).status,
                (await fetch('api/next', {method: 'POST',
                    headers: {Authorization: 'Bearer wrong'}})).status]""")
            assert refused == [403, 403]

            page.click("#next")
            expect(page.locator("#scene")).to_have_text("beach-dawn", timeout=REAL_SECONDS * 1000)
            expect(page.locator("#said")).to_have_text("next: done")
            _wait(
                lambda: read_heartbeat(state).get("scene") == "beach-dawn", "the heartbeat's scene"
            )
            page.locator("#dim").fill("80")
            _wait(lambda: read_heartbeat(state).get("dim") == 0.8, "the heartbeat's brightness")
            expect(page.locator("#log")).to_contain_text("console: /next")
            if with_sound:
                _wait(lambda: read_heartbeat(state).get("sound_playing") is True, "the sound")
                expect(page.locator("#sound")).to_contain_text("playing on", timeout=30_000)
            page.wait_for_timeout(1500)  # the next look, after the thumbnail of beach-dawn
            shot = tmp_path / "console.png"
            page.screenshot(path=str(shot), full_page=True)
            page.click("#mute")
            _wait(lambda: read_heartbeat(state).get("muted") is True, "the heartbeat's mute")
            expect(page.locator("#mute")).to_have_attribute("aria-pressed", "true")
        finally:
            browser.close()
    assert read_heartbeat(state)["scene"] == "beach-dawn"  # the refused requests skipped nothing
    assert _blue_share(shot) < 0.002
    if os.environ.get("CONSOLE_SCREENSHOT"):  # the README's picture: docs/console.png
        small = Image.open(shot).convert("RGB").quantize(256, dither=Image.Dither.NONE)
        small.save(os.environ["CONSOLE_SCREENSHOT"], optimize=True)  # a third of the bytes


def test_a_figure_that_is_not_finite_reads_as_null(tmp_path, make_player, clock):
    """JSON has no NaN: a figure that is not a number must not make the state unreadable."""
    player = on_stage(make_player(trio(tmp_path)), clock)
    player.console.board.publish_status({"scene": "magic-hour", "fps": math.nan,
                                         "pacing": {"fps": math.inf}})  # fmt: skip
    with http(player) as client:
        answer = client.get("/api/state")
        metrics = client.get("/metrics")
    assert answer.status_code == 200 and metrics.status_code == 200
    status = answer.json()["status"]
    assert status["fps"] is None and status["pacing"]["fps"] is None
