"""The channel to the sound process: in order, never dropped, never blocking, coalescing."""

from __future__ import annotations

import multiprocessing
import threading

from installation.play.channel import LIMIT, Channel


def test_a_slow_reader_loses_nothing_and_blocks_nobody():
    """The sound process stops reading for a while (it builds a graph): the frame loop's puts
    return at once, the per-frame fades coalesce to the newest, and every add and remove
    arrives, in order, once it reads again."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    channel = Channel(writer)
    expected = []
    for frame in range(5000):  # 80 s of frames at 60 fps, with scene changes among them
        channel.put("fade", 1, frame / 5000, 0.05, latest=("fade", 1))
        if frame % 1000 == 0:
            channel.put("add", frame)
            expected.append(("add", frame))
        channel.put("sync", 1, frame, latest=("sync", 1))
    assert channel.waiting <= 5 + 2 + 1  # adds, one fade and one sync (one may be in flight)
    assert not channel.jammed
    received = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set() or reader.poll(0.2):
            if reader.poll(0.05):
                received.append(reader.recv())

    thread = threading.Thread(target=read)
    thread.start()
    channel.close(flush=10.0)
    done.set()
    thread.join(10)
    assert [m for m in received if m[0] == "add"] == expected  # every one, in order
    fades = [m for m in received if m[0] == "fade"]
    assert fades[-1][2] == 4999 / 5000  # the newest level arrived last
    assert len(fades) < 50  # not 5000: coalesced while the reader was away


def test_a_coalesced_command_goes_after_what_was_put_before_it():
    """A fade put after an add must not overtake it, even though an older fade was waiting."""
    gate = threading.Event()

    class Held:
        """A connection whose first send waits: the channel's thread is held there."""

        def __init__(self) -> None:
            self.sent = []

        def send(self, message) -> None:
            if not self.sent:
                gate.wait(5)
            self.sent.append(message)

    held = Held()
    channel = Channel(held)  # type: ignore[arg-type]
    channel.put("first")
    channel.put("want", [1], latest="want")
    channel.put("add", 2)
    channel.put("want", [1, 2], latest="want")
    gate.set()
    channel.close(flush=5.0)
    assert held.sent == [("first",), ("add", 2), ("want", [1, 2])]


def test_a_reader_that_never_reads_jams_the_channel():
    """Nothing is dropped: past LIMIT waiting commands the channel says it is jammed, and the
    player starts a new sound process that is brought to its books."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    channel = Channel(writer)
    for k in range(LIMIT * 200):  # the pipe's buffer fills, then the channel's line grows
        channel.put("add", k, "x" * 200)
    assert channel.jammed
    channel.close()
    reader.close()
    writer.close()
