"""Encoding with PyAV (its own FFmpeg): MP4 (H.264 + AAC), MKV (H.264 + FLAC), WebM (VP9 + Opus).

The picture is encoded in *segments* of ``SEGMENT_SECONDS``: each is a closed group of pictures
made by an encoder of its own, started afresh at the segment's first frame. A segment's bytes
therefore depend only on its own frames, which is what lets a render farm encode segments on
many machines and join them by stream copy into the very file one process would have written
(``installation.render.farm``), and lets a media player seek or loop on any segment start.

Frames and samples go in with explicit timestamps: video in frames (1/fps), audio in samples
(1/48000), so picture and sound stay in sync to the sample however long the file.
The file is written under a temporary name and renamed when finished; an interrupted render
is finished properly (encoders flushed) so the file plays up to its last frame.
"""

from __future__ import annotations

import collections
import os
import queue
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

__all__ = [
    "CONTAINERS",
    "QUALITIES",
    "SEGMENT_SECONDS",
    "Encoding",
    "Packet",
    "SegmentEncoder",
    "VideoWriter",
    "segment_frames",
]

# extension: (container format, video codec, audio codec)
CONTAINERS = {
    ".mp4": ("mp4", "libx264", "aac"),
    ".mkv": ("matroska", "libx264", "flac"),
    ".webm": ("webm", "libvpx-vp9", "libopus"),
}
#: the stream's codec name for each encoder, when packets are muxed without it
_BITSTREAM = {"libx264": "h264", "libvpx-vp9": "vp9"}

#: one closed group of pictures: seek and loop points, and a render farm's unit of work
SEGMENT_SECONDS = 2.0

# Film grain is new noise every frame, which no encoder can predict: at a constant quality alone
# a 1080p30 render took 60-85 Mbit/s. Each preset therefore caps the rate (Mbit/s at 1080p30,
# scaled by pixels a second), and x264's grain tuning spends what it has on keeping grain as
# grain rather than smearing it. ``installation render --help`` and the README show each
# preset's measured size.
QUALITIES: dict[str, dict[str, Any]] = {
    "draft": {"libx264": {"preset": "ultrafast", "crf": "28"}, "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "crf": "40"}, "mbps": 6, "audio_kbps": 128},
    "good": {"libx264": {"preset": "veryfast", "crf": "20", "tune": "grain"}, "libvpx-vp9": {"deadline": "realtime", "cpu-used": "6", "crf": "32"}, "mbps": 14, "audio_kbps": 192},
    "best": {"libx264": {"preset": "slow", "crf": "16", "tune": "grain", "refs": "4"}, "libvpx-vp9": {"deadline": "good", "cpu-used": "2", "crf": "24"}, "mbps": 40, "audio_kbps": 256},
}  # fmt: skip
REFERENCE_PIXEL_RATE = 1920 * 1080 * 30


def segment_frames(fps: float) -> int:
    """Frames in one segment (one closed GOP) at ``fps``."""
    return max(1, round(SEGMENT_SECONDS * fps))


def frame_rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


@dataclass(frozen=True)
class Encoding:
    """Everything a segment's encoder is made from: the same on every machine of a farm."""

    codec: str
    size: tuple[int, int]
    fps: float
    quality: str = "good"

    @property
    def rate(self) -> Fraction:
        return frame_rate(self.fps)

    def max_kbps(self) -> int:
        w, h = self.size
        scaled = QUALITIES[self.quality]["mbps"] * 1000 * w * h * self.fps / REFERENCE_PIXEL_RATE
        return int(min(80_000, max(800, scaled)))

    def options(self) -> dict[str, str]:
        keyint = segment_frames(self.fps)
        opts = dict(QUALITIES[self.quality][self.codec])
        cap = self.max_kbps()
        if self.codec == "libx264":
            # The same frames must give the same bytes. Measured on 40 frames, 4 encodes each:
            # the rate cap (VBV) with two threads, sliced or not, made 4 different files; one
            # thread made one, at 0.63x the speed of two sliced threads. A render paints on
            # the other core meanwhile, and a farm runs one encoder per worker anyway.
            # rc-lookahead=0: the lookahead varied the bytes too. The VBV buffer is one
            # second, half full at each segment's start, so no segment bursts above the cap.
            params = (
                f"rc-lookahead=0:keyint={keyint}:min-keyint={keyint}:scenecut=0"
                f":vbv-maxrate={cap}:vbv-bufsize={cap}:vbv-init=0.5"
            )
            return {**opts, "profile": "high", "threads": "1", "x264-params": params}
        # crf with a bit rate is libvpx's constrained quality: the rate is the ceiling
        return {**opts, "threads": "2", "b": f"{cap}k", "g": str(keyint)}

    def open(self) -> av.VideoCodecContext:
        ctx = av.CodecContext.create(self.codec, "w")
        assert isinstance(ctx, av.VideoCodecContext)
        ctx.width, ctx.height = self.size
        ctx.pix_fmt = "yuv420p"
        ctx.time_base = 1 / self.rate
        ctx.framerate = self.rate
        # BT.709, limited range: what HD players assume; the tags make sure they do
        ctx.color_primaries = ctx.color_trc = ctx.colorspace = 1  # BT.709
        ctx.color_range = 1  # limited ("tv")
        ctx.options = self.options()
        ctx.open()
        return ctx


@dataclass(frozen=True)
class Packet:
    """One encoded picture, in frames of the whole render (plain data: crosses processes)."""

    data: bytes
    pts: int
    dts: int
    key: bool


def to_yuv(pixels: bytes, size: tuple[int, int]) -> av.VideoFrame:
    """``frame_bytes`` (B G R X) as a BT.709 YUV 4:2:0 frame."""
    w, h = size
    bgra = np.frombuffer(pixels, dtype=np.uint8).reshape(h, w, 4)
    frame = av.VideoFrame.from_ndarray(bgra, format="bgra")
    return frame.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range=1)


class SegmentEncoder:
    """Encodes the frames of one segment, starting at frame ``first`` of the render."""

    def __init__(self, encoding: Encoding, first: int):
        self.encoding = encoding
        self.first = first
        self.count = 0
        self.ctx = encoding.open()

    def add(self, pixels: bytes) -> list[Packet]:
        return self.add_frame(to_yuv(pixels, self.encoding.size))

    def add_frame(self, frame: av.VideoFrame) -> list[Packet]:
        frame.pts = self.count
        self.count += 1
        return self._packets(self.ctx.encode(frame))

    def finish(self) -> list[Packet]:
        return self._packets(self.ctx.encode(None))

    def _packets(self, packets: list[av.Packet]) -> list[Packet]:
        out = []
        for p in packets:
            assert p.pts is not None and p.dts is not None  # an encoder's packets are timed
            out.append(Packet(bytes(p), p.pts + self.first, p.dts + self.first, p.is_keyframe))
        return out


def encode_frames(encoding: Encoding, first: int, pictures) -> list[Packet]:
    """Encode frames ``first, first + 1, ...`` (``pictures`` yields their bytes) segment by
    segment, as ``VideoWriter`` would; ``first`` must start a segment."""
    per = segment_frames(encoding.fps)
    assert first % per == 0, "a chunk must start on a segment boundary"
    out: list[Packet] = []
    encoder: SegmentEncoder | None = None
    for i, pixels in enumerate(pictures):
        if i % per == 0:
            if encoder is not None:
                out += encoder.finish()
            encoder = SegmentEncoder(encoding, first + i)
        assert encoder is not None  # made at i == 0
        out += encoder.add(pixels)
    if encoder is not None:
        out += encoder.finish()
    return out


#: segments encoded at once by a one-process render: a segment's encoder is single-threaded
#: (see ``Encoding.options``), so two of them keep two cores busy
ENCODERS = 2
#: frames waiting for one segment's encoder, in bytes of YUV: bounds a render's memory
QUEUE_BYTES = 128 * 2**20


class _SegmentThread:
    """One segment's encoder on a thread of its own, fed through a bounded queue."""

    def __init__(self, encoding: Encoding, first: int, depth: int):
        self.encoder = SegmentEncoder(encoding, first)
        self.queue: queue.Queue[av.VideoFrame | None] = queue.Queue(depth)
        self.packets: list[Packet] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"segment-{first}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for frame in iter(self.queue.get, None):
                self.packets += self.encoder.add_frame(frame)
            self.packets += self.encoder.finish()
        except BaseException as err:  # raised on the writer's thread, in ``result``
            self.error = err
            for _ in iter(self.queue.get, None):  # keep taking frames: the writer never blocks
                pass

    def put(self, frame: av.VideoFrame | None) -> None:
        self.queue.put(frame)

    def result(self) -> list[Packet]:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.packets


class VideoWriter:
    """Picture and sound into one file. Segments are encoded ``ENCODERS`` at a time, each by
    its own single-threaded encoder, and muxed in order: the bytes do not depend on how the
    threads ran, and are the bytes a render farm's workers make of the same segments."""

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: float,
        quality: str = "good",
        audio: bool = True,
        sr: int = 48000,
    ):
        fmt, vcodec, acodec = CONTAINERS[path.suffix.lower()]
        self.path = path
        self.tmp = path.with_name(f".{path.stem}.part{path.suffix}")
        self.size, self.sr = size, sr
        self.encoding = Encoding(vcodec, size, fps, quality)
        self.per_segment = segment_frames(fps)
        options = {"movflags": "+faststart"} if fmt == "mp4" else {}
        self.container = av.open(str(self.tmp), mode="w", format=fmt, options=options)
        rate = self.encoding.rate
        w, h = size
        self.video = self.container.add_mux_stream(
            _BITSTREAM[vcodec], rate=rate, width=w, height=h, time_base=1 / rate
        )
        self.audio: av.AudioStream | None = None
        if audio:
            stream = self.container.add_stream(acodec, rate=sr, layout="stereo")
            assert isinstance(stream, av.AudioStream)
            self.audio = stream
            if acodec != "flac":
                self.audio.bit_rate = QUALITIES[quality]["audio_kbps"] * 1000
        self.tick = 1 / rate
        self.running: collections.deque[_SegmentThread] = collections.deque()
        self.depth = max(4, min(self.per_segment, QUEUE_BYTES // (w * h * 3 // 2)))
        self.frames = 0
        self.samples = 0

    def write(self, pixels: bytes, samples: np.ndarray | None) -> None:
        """One frame (``frame_bytes``: B G R X) and the sound that plays during it."""
        if self.frames % self.per_segment == 0:
            if self.running:
                self.running[-1].put(None)  # the segment before is complete
            while len(self.running) >= ENCODERS:
                self._mux_oldest()
            self.running.append(_SegmentThread(self.encoding, self.frames, self.depth))
        self.running[-1].put(to_yuv(pixels, self.size))
        self.frames += 1
        self.write_sound(samples)

    def _mux_oldest(self) -> None:
        self.write_packets(self.running.popleft().result())

    def write_packets(self, packets: list[Packet], frames: int = 0) -> None:
        """Encoded pictures (from ``SegmentEncoder``, here or on another machine), in order."""
        for p in packets:
            packet = av.Packet(p.data)
            packet.pts, packet.dts = p.pts, p.dts
            packet.is_keyframe = p.key
            packet.time_base = self.tick  # the muxer rescales to its own time base
            packet.stream = self.video
            self.container.mux(packet)
        self.frames += frames

    def write_sound(self, samples: np.ndarray | None) -> None:
        if self.audio is None or samples is None or not len(samples):
            return
        planar = np.ascontiguousarray(samples.T, dtype=np.float32)
        chunk = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        chunk.sample_rate = self.sr
        chunk.pts = self.samples
        self.samples += samples.shape[0]
        self.container.mux(self.audio.encode(chunk))

    def close(self, keep: bool = True) -> None:
        """Flush the encoders and finish the file; ``keep=False`` throws it away."""
        try:
            if self.running:
                self.running[-1].put(None)
            while self.running:
                self._mux_oldest()
            if self.audio is not None:
                self.container.mux(self.audio.encode(None))
        finally:
            self.container.close()
        if keep and self.frames:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
