"""Encoding with PyAV (its own FFmpeg): MP4 (H.264 + AAC), MKV (H.264 + FLAC), WebM (VP9 + Opus).

Frames and samples go in with explicit timestamps: video in frames (1/fps), audio in samples
(1/48000), so picture and sound stay in sync to the sample however long the file.
The file is written under a temporary name and renamed when finished; an interrupted render
is finished properly (encoders flushed) so the file plays up to its last frame.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

__all__ = ["CONTAINERS", "QUALITIES", "VideoWriter"]

# extension: (container format, video codec, audio codec)
CONTAINERS = {
    ".mp4": ("mp4", "libx264", "aac"),
    ".mkv": ("matroska", "libx264", "flac"),
    ".webm": ("webm", "libvpx-vp9", "libopus"),
}

QUALITIES = {
    "draft": {"libx264": {"preset": "ultrafast", "crf": "28"}, "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "crf": "40", "b": "0"}, "audio_kbps": 128},
    "good": {"libx264": {"preset": "veryfast", "crf": "20"}, "libvpx-vp9": {"deadline": "realtime", "cpu-used": "6", "crf": "32", "b": "0"}, "audio_kbps": 192},
    "best": {"libx264": {"preset": "slow", "crf": "16"}, "libvpx-vp9": {"deadline": "good", "cpu-used": "2", "crf": "24", "b": "0"}, "audio_kbps": 256},
}  # fmt: skip


class VideoWriter:
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
        options = {"movflags": "+faststart"} if fmt == "mp4" else {}
        self.container = av.open(str(self.tmp), mode="w", format=fmt, options=options)
        rate = Fraction(fps).limit_denominator(1001)
        self.video = self.container.add_stream(vcodec, rate=rate)
        self.video.width, self.video.height = size
        self.video.pix_fmt = "yuv420p"
        # The same frames must give the same bytes. Measured here on 40 frames, 12-20 encodes
        # each: libx264 with its rate-control lookahead made 2-4 different files even with one
        # thread; sliced threads with rc-lookahead=0 made one, at the same speed (64 fps at 720p).
        # The price is mb-tree rate control: a few percent larger files for the same quality.
        if vcodec == "libx264":
            threading = {"threads": "2", "x264-params": "sliced-threads=1:rc-lookahead=0"}
        else:
            threading = {"threads": "2"}
        self.video.options = {**QUALITIES[quality][vcodec], **threading}
        self.video.codec_context.time_base = Fraction(1) / rate
        self.audio = None
        if audio:
            self.audio = self.container.add_stream(acodec, rate=sr, layout="stereo")
            if acodec != "flac":
                self.audio.bit_rate = QUALITIES[quality]["audio_kbps"] * 1000
        self.frames = 0
        self.samples = 0

    def write(self, pixels: bytes, samples: np.ndarray | None) -> None:
        """One frame (``frame_bytes``: B G R X) and the sound that plays during it."""
        w, h = self.size
        frame = av.VideoFrame.from_ndarray(
            np.frombuffer(pixels, dtype=np.uint8).reshape(h, w, 4), format="bgra"
        )
        frame.pts = self.frames
        self.frames += 1
        self.container.mux(self.video.encode(frame))
        if self.audio is not None and samples is not None and len(samples):
            planar = np.ascontiguousarray(samples.T, dtype=np.float32)
            chunk = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
            chunk.sample_rate = self.sr
            chunk.pts = self.samples
            self.samples += samples.shape[0]
            self.container.mux(self.audio.encode(chunk))

    def close(self, keep: bool = True) -> None:
        """Flush the encoders and finish the file; ``keep=False`` throws it away."""
        try:
            self.container.mux(self.video.encode(None))
            if self.audio is not None:
                self.container.mux(self.audio.encode(None))
        finally:
            self.container.close()
        if keep and self.frames:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
