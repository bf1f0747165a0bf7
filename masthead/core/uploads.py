"""Uploaded files: what they may be, and what they are called.

What a file may be is decided by its content rather than its name. Every file field in
the newsroom and the ads takes one of two validators: :func:`validate_image_upload` (a
picture: JPEG, PNG, WebP or GIF, read and decoded by Pillow) or
:func:`validate_video_upload` (a WebM/Matroska, MP4 or Ogg container, recognised by the
signature at its start). The name's extension must agree with the content, because the
extension is what later decides the type a file is served with: a real PNG named
``page.html`` would otherwise be served as HTML from the site's own origin. SVG is never
accepted: it is a document that can carry script, not a picture.

What a file is called is a random token under a folder (:class:`RandomName`), never the
name the uploader chose: an original name is guessable ("images/council-vote.jpg") and
says things of its own. The extension is kept (lower-cased, letters and digits only)
because media answers choose their type by it.
"""

from __future__ import annotations

import os
import re
import secrets
import struct
import warnings
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageSequence, UnidentifiedImageError

_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


@deconstructible
class RandomName:
    """An ``upload_to`` that names a file ``<folder>/<token><.ext>`` (``token`` 128 bits)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        """Return the new storage name for an upload originally called ``filename``."""
        return random_name(self.folder, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(("RandomName", self.folder))


def random_name(folder: str, filename: str) -> str:
    """Return ``<folder>/<random token><.ext>`` keeping only a plain extension of ``filename``."""
    base = filename.rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    suffix = f".{extension}" if _EXTENSION.match(extension) else ""
    return f"{folder.strip('/')}/{secrets.token_urlsafe(16)}{suffix}"


# Pillow's format name -> the extensions a file of that format may carry.
IMAGE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "GIF": (".gif",),
}
# Formats Pillow names apart that are one of the above to a browser: a camera's
# multi-picture JPEG (MPO) is a JPEG whose first picture every browser shows.
IMAGE_ALIASES: dict[str, str] = {"MPO": "JPEG"}
# Container name -> the extensions a file in that container may carry.
VIDEO_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "webm": (".webm",),
    "matroska": (".mkv",),
    "mp4": (".mp4", ".m4v"),
    "ogg": (".ogv", ".ogg"),
}

# Decoding is what proves an image whole, and it costs memory in proportion to the
# pixels: 64 megapixels is past any newsroom photo and bounds one upload's cost.
MAX_IMAGE_PIXELS = 64_000_000
# An animation is decoded frame by frame; its frames together get a few images' budget.
MAX_ANIMATION_PIXELS = 4 * MAX_IMAGE_PIXELS

IMAGE_KINDS = "a JPEG, PNG, WebP or GIF image"
VIDEO_KINDS = "a WebM, MP4 or Ogg video"

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE_ID = 0x4282
OGG_MAGIC = b"OggS"
# ISO base media brands that announce video (major or compatible); image-only brands such
# as HEIF's "heic" or AVIF's "avif" share the ``ftyp`` box and must not pass as video.
MP4_VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9"}
    | {b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4", b"MSNV"}
)
HEAD_BYTES = 4096


def _is_stored(value: object) -> bool:
    # A file already in storage was checked when it arrived; checking it again on every
    # save of its article would download it from S3 each time. Only a FieldFile knows.
    return bool(getattr(value, "_committed", False))


def _extension(value: File[Any]) -> str:
    return os.path.splitext(value.name or "")[1].lower()


def _rewind(value: File[Any]) -> IO[bytes]:
    value.seek(0)
    return value


def _require_extension(value: File[Any], label: str, allowed: tuple[str, ...]) -> None:
    extension = _extension(value)
    if extension not in allowed:
        shown = f"“{extension}”" if extension else "nothing"
        raise ValidationError(
            "This file holds %(label)s but its name ends in %(shown)s: rename it to end "
            "in %(wanted)s.",
            code="wrong_extension",
            params={"label": label, "shown": shown, "wanted": " or ".join(allowed)},
        )


def image_format(value: File[Any]) -> str:
    """Return the Pillow format of the image in ``value`` once it is proven whole.

    Raises ``ValidationError`` when the content is not an image Pillow reads, is a format
    outside :data:`IMAGE_EXTENSIONS`, is larger than :data:`MAX_IMAGE_PIXELS`, or cannot
    be decoded to the end (truncated or damaged). The file is left rewound.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(_rewind(value)) as image:
                found = str(image.format or "")
                found = IMAGE_ALIASES.get(found, found)
                width, height = image.size
                if found in IMAGE_EXTENSIONS and width * height <= MAX_IMAGE_PIXELS:
                    image.verify()
            if found in IMAGE_EXTENSIONS and width * height <= MAX_IMAGE_PIXELS:
                # verify() checks little for most formats and nothing past the header for
                # JPEG: decoding every frame is what finds a cut-off or damaged file.
                with Image.open(_rewind(value)) as image:
                    decoded = 0
                    for frame in ImageSequence.Iterator(image):
                        decoded += width * height
                        if decoded > MAX_ANIMATION_PIXELS:
                            break
                        frame.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except UnidentifiedImageError as exc:
        raise ValidationError(
            "This file is not a picture we accept: upload %(kinds)s.",
            code="not_an_image",
            params={"kinds": IMAGE_KINDS},
        ) from exc
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise ValidationError(
            "This image is damaged or incomplete and cannot be shown: export it again and "
            "upload the new file.",
            code="damaged_image",
        ) from exc
    finally:
        value.seek(0)
    if found not in IMAGE_EXTENSIONS:
        raise ValidationError(
            "This is a %(found)s image; upload %(kinds)s instead.",
            code="image_format",
            params={"found": found or "unknown", "kinds": IMAGE_KINDS},
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_large(width, height)
    return found


def _too_large(width: int = 0, height: int = 0) -> ValidationError:
    size = f"{width} by {height} pixels, " if width and height else ""
    return ValidationError(
        "This image is too large (%(size)smore than %(limit)d megapixels): scale it down "
        "and upload it again.",
        code="image_too_large",
        params={"size": size, "limit": MAX_IMAGE_PIXELS // 1_000_000},
    )


def validate_image_upload(value: File[Any]) -> None:
    """Accept a newly uploaded JPEG, PNG, WebP or GIF whose name matches its content.

    Attached to every image field; Django runs it in the model's ``full_clean``, so the
    admin shows its message next to the field. Files already stored are not re-read.
    """
    if not value or _is_stored(value):
        return
    found = image_format(value)
    _require_extension(value, f"a {found} image", IMAGE_EXTENSIONS[found])


def _vint(data: bytes, pos: int, keep_marker: bool) -> tuple[int, int]:
    """Read one EBML variable-length integer at ``pos``; return it and the next position."""
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if first == 0 or pos + length > len(data):
        raise ValueError("bad EBML number")
    number = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1 : pos + length]:
        number = (number << 8) | byte
    return number, pos + length


def _ebml_doctype(head: bytes) -> str:
    """Return the DocType of an EBML header ("webm", "matroska"), or "" when unreadable."""
    try:
        size, pos = _vint(head, len(EBML_MAGIC), keep_marker=False)
        end = min(len(head), pos + size)
        while pos < end:
            element, pos = _vint(head, pos, keep_marker=True)
            length, pos = _vint(head, pos, keep_marker=False)
            if element == EBML_DOCTYPE_ID:
                return head[pos : pos + length].rstrip(b"\x00").decode("ascii")
            pos += length
    except (IndexError, ValueError, UnicodeDecodeError):
        return ""
    return ""


def _mp4_is_video(head: bytes) -> bool:
    """Return True when ``head`` starts with an ``ftyp`` box naming a video brand."""
    size = struct.unpack(">I", head[:4])[0]
    if size < 16 or size > len(head) or (size - 16) % 4:
        return False
    brands = {head[8:12]} | {head[at : at + 4] for at in range(16, size, 4)}
    return bool(brands & MP4_VIDEO_BRANDS)


def video_container(value: File[Any]) -> str:
    """Return the container of the video in ``value``: a key of :data:`VIDEO_EXTENSIONS`.

    Reads only the first bytes: the signature each container starts with (the EBML
    header and its DocType, an MP4 ``ftyp`` box with a video brand, an Ogg page). Raises
    ``ValidationError`` for anything else. The file is left rewound.
    """
    head = _rewind(value).read(HEAD_BYTES)
    value.seek(0)
    found = ""
    if head.startswith(EBML_MAGIC):
        doctype = _ebml_doctype(head)
        found = doctype if doctype in {"webm", "matroska"} else ""
    elif len(head) >= 16 and head[4:8] == b"ftyp" and _mp4_is_video(head):
        found = "mp4"
    elif head.startswith(OGG_MAGIC) and len(head) >= 27 and head[4] == 0:
        found = "ogg"
    if not found:
        raise ValidationError(
            "This file is not a video we accept: upload %(kinds)s.",
            code="not_a_video",
            params={"kinds": VIDEO_KINDS},
        )
    return found


def validate_video_upload(value: File[Any]) -> None:
    """Accept a newly uploaded WebM, Matroska, MP4 or Ogg video whose name matches it."""
    if not value or _is_stored(value):
        return
    found = video_container(value)
    label = {"webm": "a WebM", "matroska": "a Matroska", "mp4": "an MP4", "ogg": "an Ogg"}[found]
    _require_extension(value, f"{label} video", VIDEO_EXTENSIONS[found])
