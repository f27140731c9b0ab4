"""Media looked at when a scene loads: a picture or a sound that would fail later fails here.

An artist's file can be anything with the right ending: a text file renamed ``.jpg``, an MP3
renamed ``.wav``, an empty file a copy left behind, a photograph of 60,000 x 60,000 pixels. Each
is refused at load, at the ``file:`` key's line and column, by every command alike (``validate``,
``still``, ``render``, ``listen``, and ``play``, which keeps the last good version playing),
instead of a traceback minutes later or a player that runs out of memory.

Each look is bounded in time and memory: a picture's size is read from its header before
anything is decoded, and only a bounded amount of it is then decoded; a sound is probed (its
container, codec, rate and length) without decoding it. Results are kept per file version (path,
size, modification time), so a scene saved again does not look at its media again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "MAX_PICTURE_PIXELS",
    "PICTURE_SUFFIXES",
    "SOUND_SUFFIXES",
    "check_for",
    "check_picture",
    "check_sound",
]

#: pictures above this many pixels are refused: 40 megapixels (an 8K photograph is 33), about
#: 160 MB once decoded, and more than any screen shows
MAX_PICTURE_PIXELS = 40_000_000
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
#: what the sound engine reads (libsndfile): these containers, with these codecs
SOUND_SUFFIXES = (".wav", ".flac", ".aif", ".aiff", ".ogg")
_SOUND_FORMATS = {"wav": "WAV", "flac": "FLAC", "aiff": "AIFF", "ogg": "Ogg"}
_SOUND_CODECS = ("pcm_", "flac", "vorbis", "opus", "adpcm_ima_wav", "adpcm_ms")
MAX_SOUND_SECONDS = 3600.0  # an hour: the engine holds a recording in memory

_seen: dict[tuple[str, int, int], str | None] = {}  # file version -> refusal (None: fine)
_lock = threading.Lock()


def _remembered(check: Callable[[Path], None]) -> Callable[[str], None]:
    """``check`` run once per file version; its refusal (a ValueError) remembered with it."""

    def run(path: str) -> None:
        file = Path(path)
        stat = file.stat()
        version = (str(file), stat.st_size, stat.st_mtime_ns)
        with _lock:
            known = _seen.get(version, "")
        if known == "":
            try:
                check(file)
                known = None
            except ValueError as err:
                known = str(err)
            with _lock:
                if len(_seen) > 512:
                    _seen.clear()
                _seen[version] = known
        if known is not None:
            raise ValueError(known)

    run.__name__ = check.__name__
    return run


def _picture(path: Path) -> None:
    import warnings

    from PIL import Image, UnidentifiedImageError

    name = path.name
    if path.stat().st_size == 0:
        raise ValueError(f"'{name}' is an empty file, not a picture")
    limit = f"{MAX_PICTURE_PIXELS / 1e6:.0f} megapixels"
    image: PILImage | None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)  # the header only: nothing is decoded yet
    except Image.DecompressionBombError:
        image = _open_unchecked(path)  # for its size, which PIL's refusal does not say
        if image is None:
            raise ValueError(f"'{name}' is larger than pictures may be ({limit})") from None
    except UnidentifiedImageError:
        raise ValueError(
            f"'{name}' is not a picture (not PNG, JPEG or WebP inside, whatever its name says)"
        ) from None
    except OSError as err:
        raise ValueError(f"'{name}' cannot be read as a picture ({err})") from None
    with image:
        width, height = image.size
        if width * height > MAX_PICTURE_PIXELS:
            raise ValueError(
                f"'{name}' is {width}x{height}, {width * height / 1e6:.0f} megapixels: pictures "
                f"are refused above {limit} (scale it to the screen's size, e.g. 3840 wide)"
            )
        if image.format not in ("PNG", "JPEG", "WEBP"):
            raise ValueError(f"'{name}' is a {image.format} picture; use PNG, JPEG or WebP")
        try:
            _decode_bounded(image)
        except Exception as err:  # PIL's decoders raise many kinds for a damaged file
            raise ValueError(f"'{name}' is damaged and cannot be decoded ({err})") from None


def _open_unchecked(path: Path) -> PILImage | None:
    """The picture's header read by its format's own reader, which (unlike ``Image.open``)
    does not refuse a huge size before saying what it is."""
    from PIL import Image

    Image.init()
    for fmt in ("PNG", "JPEG", "WEBP"):
        factory, accept = Image.OPEN[fmt]
        try:
            with open(path, "rb") as file:
                if accept is None or accept(file.read(16)):
                    return cast("PILImage", factory(str(path), None))  # type: ignore[arg-type]
        except Exception:  # not this format, or unreadable: the caller says so
            continue
    return None


def _decode_bounded(image: PILImage) -> None:
    """Decode enough of the picture to know it decodes, in bounded time: a PNG's chunks are
    checked (their checksums cover every byte) without inflating them; a JPEG is decoded at an
    eighth of its size (its DCT scales for free); a WebP, small by nature, whole."""
    if image.format == "PNG":
        image.verify()
        return
    if image.format == "JPEG":
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()


def _sound(path: Path) -> None:
    import av

    name = path.name
    if path.stat().st_size == 0:
        raise ValueError(f"'{name}' is an empty file, not a sound")
    try:
        with av.open(str(path)) as container:  # reads the header: nothing is decoded
            found = container.format.name.split(",")
            streams = container.streams.audio
            if not streams:
                raise ValueError(f"'{name}' holds no sound")
            stream = streams[0]
            codec = stream.codec_context.name
            rate = stream.codec_context.sample_rate or stream.rate or 0
            seconds = (
                float(stream.duration * stream.time_base)
                if stream.duration and stream.time_base
                else (container.duration or 0) / 1_000_000
            )
    except av.error.FFmpegError as err:
        why = getattr(err, "strerror", None) or str(err)
        raise ValueError(f"'{name}' is not a sound file that can be read ({why})") from None
    kinds = [_SOUND_FORMATS[f] for f in found if f in _SOUND_FORMATS]
    if not kinds:
        raise ValueError(
            f"'{name}' holds {found[0]} sound, which is not read here: convert it to WAV or "
            "FLAC (e.g. `ffmpeg -i in.mp3 out.wav`)"
        )
    if not codec.startswith(_SOUND_CODECS):
        raise ValueError(f"'{name}' is {kinds[0]} with {codec} inside, which is not read "
                         "here: save it as plain PCM WAV or FLAC")  # fmt: skip
    if not 8000 <= rate <= 192000:
        raise ValueError(f"'{name}' has a sample rate of {rate} Hz (8000 to 192000 are read)")
    if seconds <= 0:
        raise ValueError(f"'{name}' holds no samples (its length is 0)")
    if seconds > MAX_SOUND_SECONDS:
        raise ValueError(f"'{name}' is {seconds / 60:.0f} minutes long; recordings are held in "
                         f"memory and may last at most {MAX_SOUND_SECONDS / 60:.0f}")  # fmt: skip


check_picture = _remembered(_picture)
check_sound = _remembered(_sound)


def check_for(suffixes: tuple[str, ...]) -> Callable[[str], None] | None:
    """The check for files of these endings (pictures or sounds), or None."""
    if set(suffixes) <= set(PICTURE_SUFFIXES):
        return check_picture
    if set(suffixes) <= set(SOUND_SUFFIXES):
        return check_sound
    return None
