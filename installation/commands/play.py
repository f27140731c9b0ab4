"""play: the real-time player."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from installation.commands.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    parse_size,
    parse_view,
)


def cmd_play(args: argparse.Namespace) -> int:
    import logging

    from installation.play.monitor import default_state_dir, setup_logging
    from installation.play.options import PlayOptions
    from installation.play.player import NoDisplay, Player, UnknownScreen

    state_dir = Path(args.state_dir) if args.state_dir else default_state_dir()
    log_path = setup_logging(state_dir, args.verbose)
    osc = None
    if not args.no_osc:
        host, _, port = args.osc.rpartition(":")
        if not port.isdigit() or not host:
            raise UsageError(f"--osc must be HOST:PORT, like 127.0.0.1:9000, not '{args.osc}'")
        osc = (host, int(port))
    console = _console_address(args.console) if args.console else None
    if args.fps is not None and not 10 <= args.fps <= 240:
        raise UsageError(f"--fps must be between 10 and 240, not {args.fps:g}")
    soak = args.soak is not None
    options = PlayOptions(
        target=args.target,
        fullscreen=True if args.fullscreen else (False if args.windowed else None),
        monitor=args.display,
        size=parse_size(args.size) if args.size else None,
        fps=args.fps,
        audio=not args.no_audio,
        audio_device=args.audio_device,
        state_dir=state_dir,
        osc=osc,
        exit_after=args.soak * 60 if soak else args.exit_after,
        frames=args.frames,
        speed=args.speed if args.speed else (30.0 if soak else 1.0),
        vsync=not soak,  # paced by the clock alone: a soak may run where no display syncs
        at=args.at,
        loop=_span(args.loop) if args.loop else None,
        resume=not args.fresh and not soak,  # a soak neither resumes nor moves the bookmark
        view=parse_view(args),
        link=args.link,
        frame_log=Path(args.frame_log) if args.frame_log else None,
        screen=args.screen,
        console=console,
    )
    if args.link and options.speed != 1.0:
        raise UsageError("--link shares the show's real time: it cannot run with --speed or --soak")
    log = logging.getLogger("installation")
    if log_path is not None:
        log.info("log file: %s", log_path)
    import pygame

    from installation.play.link import LinkUnavailable

    try:
        player = Player(options)
    except (LinkUnavailable, UnknownScreen) as err:
        raise UsageError(str(err)) from None
    except NoDisplay as err:
        print(
            f"installation play: {err}. Start it on the exhibit's screen (DISPLAY, a desktop\n"
            "session, or SDL_VIDEODRIVER=kmsdrm from a console; see the README), or make files\n"
            "without a screen with `installation render`.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except pygame.error as err:
        print(
            f"installation play: cannot open a window: {err} "
            "(on a machine without a screen, use `installation render`)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    if not soak:
        try:
            return player.run()
        except Exception:  # logged with its traceback; exit 1 so a supervisor restarts us
            log.exception("the player stopped on an unexpected error")
            return EXIT_FAILURE
    # soak: the show, its scene clocks and its hours run `speed` times faster
    from installation.play.soak import Soak

    soak_run = Soak(options.speed, options.timer, state_dir)
    try:
        while not player.stopping:
            player.step()
            soak_run.observe(player)
        report = soak_run.report(player)
    finally:
        player.close()
    print(report)
    log.info("soak report:\n%s", report)
    return EXIT_OK


def _console_address(text: str) -> tuple[str, int]:
    """``--console``: ``:8080`` or ``8080`` (this machine only), ``0.0.0.0:8080`` (every network
    it is on), ``192.168.1.20:8080``, ``[::1]:8080``."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--console takes [HOST]:PORT, like :8080 or 0.0.0.0:8080, not '{text}'")
    return host, int(port)


def _span(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise UsageError(f"--loop takes a span in seconds like 20-35, not '{text}'") from None
    if not 0 <= a < b:
        raise UsageError(f"--loop must run forward from 0 or later, not '{text}'")
    return a, b
