"""Uploads are judged by content: pictures through Pillow, videos by container signature."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from masthead.core import uploads
from masthead.core.uploads import (
    image_format,
    validate_image_upload,
    validate_video_upload,
    video_container,
)

DEMO_MEDIA = Path(__file__).resolve().parents[2] / "demo" / "media"
HTML = b"<!doctype html><html><body><script>fetch('/api/me/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200


def picture(fmt: str, size: tuple[int, int] = (64, 48), frames: int = 1) -> bytes:
    """Return a small real picture in Pillow format ``fmt``."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 60))
    if frames > 1:
        rest = [Image.new("RGB", size, (n * 40, 90, 10)) for n in range(1, frames)]
        image.save(buffer, format=fmt, save_all=True, append_images=rest)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def ebml(doctype: bytes) -> bytes:
    """Return the start of a WebM/Matroska file: the EBML header with ``doctype``."""
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67" + b"\0" * 64


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """Return the start of an ISO base media file: an ``ftyp`` box and an empty ``mdat``."""
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08mdat"


OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x80theora" + b"\x00" * 64


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.jpg", "JPEG"), ("a.JPEG", "JPEG"), ("a.png", "PNG"), ("a.webp", "WEBP"), ("a.gif", "GIF")],
)
def test_it_accepts_each_allowed_picture_format(name: str, fmt: str) -> None:
    validate_image_upload(upload(name, picture(fmt)))


def test_it_accepts_an_animated_gif() -> None:
    validate_image_upload(upload("moving.gif", picture("GIF", frames=4)))


def test_it_takes_a_camera_multi_picture_jpeg_as_a_jpeg() -> None:
    content = picture("MPO", frames=2)
    assert Image.open(io.BytesIO(content)).format == "MPO"
    validate_image_upload(upload("camera.jpg", content))


@pytest.mark.parametrize("name", ["page.jpg", "page.png", "page.gif"])
def test_it_refuses_html_named_as_a_picture(name: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name, HTML))
    assert error.value.code == "not_an_image"
    assert "JPEG, PNG, WebP or GIF" in message(error)


def test_it_refuses_svg_with_script_named_png() -> None:
    for name in ("logo.png", "logo.svg"):
        with pytest.raises(ValidationError) as error:
            validate_image_upload(upload(name, SVG))
        assert error.value.code == "not_an_image"


@pytest.mark.parametrize("content", [ELF, PE], ids=["elf", "pe"])
@pytest.mark.parametrize("name", ["photo.jpg", "clip.mp4"])
def test_it_refuses_a_renamed_executable(content: bytes, name: str) -> None:
    validator = validate_image_upload if name.endswith(".jpg") else validate_video_upload
    with pytest.raises(ValidationError):
        validator(upload(name, content))


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "cut.jpg"), ("PNG", "cut.png")])
def test_it_refuses_a_truncated_picture(fmt: str, name: str) -> None:
    whole = picture(fmt, size=(400, 300))
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name, whole[: len(whole) * 2 // 3]))
    assert error.value.code == "damaged_image"


def test_it_refuses_formats_pillow_reads_but_we_do_not_serve() -> None:
    for fmt, name in (("BMP", "old.bmp"), ("TIFF", "scan.tif"), ("BMP", "old.png")):
        with pytest.raises(ValidationError) as error:
            validate_image_upload(upload(name, picture(fmt)))
        assert error.value.code == "image_format"
        assert "upload a JPEG, PNG, WebP or GIF image instead" in message(error)


def test_it_refuses_a_name_that_disagrees_with_the_content() -> None:
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload("photo.jpg", picture("PNG")))
    assert error.value.code == "wrong_extension"
    assert message(error) == (
        "This file holds a PNG image but its name ends in “.jpg”: rename it to end in .png."
    )
    for name in ("photo.html", "photo"):
        with pytest.raises(ValidationError):
            validate_image_upload(upload(name, picture("JPEG")))


def test_it_refuses_a_picture_too_large_to_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100 * 100)
    validate_image_upload(upload("fits.png", picture("PNG", size=(100, 100))))
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload("big.png", picture("PNG", size=(101, 100))))
    assert error.value.code == "image_too_large"
    assert "101 by 100 pixels" in message(error)


def test_it_leaves_the_file_rewound_for_storage() -> None:
    content = picture("JPEG")
    file = upload("a.jpg", content)
    assert image_format(file) == "JPEG"
    assert file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "container"),
    [
        ("clip.webm", ebml(b"webm"), "webm"),
        ("clip.mkv", ebml(b"matroska"), "matroska"),
        ("clip.mp4", ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "mp4"),
        ("clip.m4v", ftyp(b"M4V ", b"M4V ", b"M4A ", b"mp42", b"isom"), "mp4"),
        ("clip.ogv", OGG, "ogg"),
    ],
)
def test_it_accepts_each_video_container(name: str, content: bytes, container: str) -> None:
    assert video_container(upload(name, content)) == container
    validate_video_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.mp4", HTML),
        ("page.webm", HTML),
        ("logo.mp4", SVG),
        ("photo.mp4", picture("JPEG")),
        ("heif.mp4", ftyp(b"heic", b"mif1", b"heic")),
        ("empty.mp4", b""),
        ("short.webm", b"\x1a\x45\xdf"),
        ("broken.webm", b"\x1a\x45\xdf\xa3\x00\x00"),
        ("odd.webm", ebml(b"html")),
    ],
)
def test_it_refuses_anything_but_a_video_container(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as error:
        validate_video_upload(upload(name, content))
    assert error.value.code == "not_a_video"
    assert "upload a WebM, MP4 or Ogg video" in message(error)


def test_it_refuses_a_video_named_as_another_container() -> None:
    with pytest.raises(ValidationError) as error:
        validate_video_upload(upload("clip.mp4", ebml(b"webm")))
    assert error.value.code == "wrong_extension"
    assert "holds a WebM video" in message(error)
    with pytest.raises(ValidationError):
        validate_video_upload(upload("clip.html", ftyp(b"isom", b"isom")))


def test_every_demo_picture_and_video_passes() -> None:
    pictures = sorted(DEMO_MEDIA.glob("*/*.jpg"))
    videos = sorted(DEMO_MEDIA.glob("video/*.webm"))
    assert len(pictures) > 20 and videos
    for path in pictures:
        validate_image_upload(upload(path.name, path.read_bytes()))
    for path in videos:
        validate_video_upload(upload(path.name, path.read_bytes()))
    shipped_logo = DEMO_MEDIA.parents[1] / "newsroom" / "static" / "newsroom" / "publisher-logo.png"
    validate_image_upload(upload(shipped_logo.name, shipped_logo.read_bytes()))


def test_a_stored_file_is_not_read_again() -> None:
    class Stored:
        _committed = True
        name = "images/whatever.jpg"

        def __bool__(self) -> bool:
            return True

        def seek(self, offset: int) -> None:
            raise AssertionError("a stored file must not be re-read")

    validate_image_upload(Stored())  # type: ignore[arg-type]
    validate_video_upload(Stored())  # type: ignore[arg-type]
