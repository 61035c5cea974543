"""Image intake: what is refused (and how early), and what an accepted image keeps and loses."""

import hashlib
import inspect
import io
import random
import warnings
from typing import Any, NamedTuple

import pytest
from PIL import Image, ImageCms, ImageFile, ImageOps, WebPImagePlugin
from PIL.PngImagePlugin import PngInfo

from services.editing.images import DEFAULT_LIMITS, ImageLimits, RefusedImage, accept_image, sniff_type
from services.errors import CatalogueError
from tests.support.editing import FORMATS, PNG_SIGNATURE, DecodeAttempted, encode, png_header

MEDIA_TYPES = list(FORMATS)
MAKE = "SpyCam Industries"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp-packet</x:xmpmeta>'


def noise(size: tuple[int, int]) -> Image.Image:
    """An image that compresses badly, so that a cut file is cut inside its pixel data."""
    return Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))


def webp_canvas(width: int, height: int) -> bytes:
    """A two-frame 8×8 animated WebP whose VP8X header announces a canvas of any size."""
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    data = encode(frames[0], "image/webp", save_all=True, append_images=frames[1:], duration=100)
    assert data[12:16] == b"VP8X"
    return data[:24] + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little") + data[30:]


def refusal(data: bytes, limits: ImageLimits = DEFAULT_LIMITS) -> RefusedImage:
    with pytest.raises(RefusedImage) as refused:
        accept_image(data, limits)
    return refused.value


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to decode pixels fails the test."""

    def refuse(self: Image.Image) -> None:
        raise DecodeAttempted(f"{self.format} pixels were decoded")

    for cls in (Image.Image, ImageFile.ImageFile, WebPImagePlugin.WebPImageFile):
        monkeypatch.setattr(cls, "load", refuse)


@pytest.fixture
def no_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to hand the bytes to Pillow fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Image.open was called")

    monkeypatch.setattr(Image, "open", refuse)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (PNG_SIGNATURE + b"rest", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"GIF89a", None),
        (b"%PDF-1.4", None),
        (b"\xff\xd8", None),
        (PNG_SIGNATURE[:7], None),
        (b"", None),
    ],
)
def test_sniff_type_reads_magic_bytes_only(data: bytes, expected: str | None) -> None:
    assert sniff_type(data) == expected


def test_the_api_has_no_way_to_pass_a_file_name_or_declared_type() -> None:
    assert list(inspect.signature(sniff_type).parameters) == ["data"]
    assert list(inspect.signature(accept_image).parameters) == ["data", "limits"]


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_each_format_round_trips(media_type: str) -> None:
    mode = "RGB" if media_type == "image/jpeg" else "RGBA"
    upload = encode(Image.new(mode, (40, 30), (200, 30, 30, 255)), media_type)

    accepted = accept_image(upload)

    assert (accepted.media_type, accepted.extension) == (media_type, FORMATS[media_type][1])
    assert (accepted.width, accepted.height) == (40, 30)
    assert accepted.sha256 == hashlib.sha256(accepted.data).hexdigest()
    assert sniff_type(accepted.data) == media_type
    result = reopen(accepted.data)
    assert (result.format, result.size) == (FORMATS[media_type][0], (40, 30))
    assert result.info.get("progressive", False) == (media_type == "image/jpeg")
    red, green, blue = result.convert("RGB").getpixel((20, 15))  # type: ignore[misc]
    assert red > 180 and green < 60 and blue < 60


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 34.0), 3: "E", 4: (12.0, 34.0, 56.0), 0x12: "GPS WGS-84"}
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_exif_with_gps_is_gone(media_type: str) -> None:
    upload = encode(Image.new("RGB", (16, 16), "green"), media_type, exif=gps_exif())
    assert reopen(upload).getexif().get_ifd(0x8825), "the GPS tags were not planted"
    assert b"GPS" in upload and MAKE.encode() in upload

    accepted = accept_image(upload)

    assert dict(reopen(accepted.data).getexif()) == {}
    assert b"GPS" not in accepted.data
    assert MAKE.encode() not in accepted.data
    assert b"Exif" not in accepted.data


def test_png_text_chunks_are_gone() -> None:
    text = PngInfo()
    text.add_text("Comment", "shot at Nørrebrogade 12")
    text.add_text("Author", "Jane Doe", zip=True)
    text.add_itxt("Description", "private note", lang="da")
    upload = encode(Image.new("RGB", (16, 16), "green"), "image/png", pnginfo=text)
    assert {"Comment", "Author", "Description"} <= reopen(upload).info.keys()

    accepted = accept_image(upload)

    assert not {"Comment", "Author", "Description"} & reopen(accepted.data).info.keys()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"Jane", b"Comment"):
        assert chunk not in accepted.data


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
OTHER_METADATA: dict[str, dict[str, Any]] = {
    "image/jpeg": {"icc_profile": SRGB_PROFILE, "xmp": XMP, "comment": b"secret-comment"},
    "image/png": {"icc_profile": SRGB_PROFILE, "dpi": (300, 300)},
    "image/webp": {"icc_profile": SRGB_PROFILE, "xmp": XMP},
}


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_icc_xmp_and_comments_are_gone(media_type: str) -> None:
    upload = encode(Image.new("RGB", (16, 16), "green"), media_type, **OTHER_METADATA[media_type])
    planted = reopen(upload).info.keys() & {"icc_profile", "xmp", "comment", "dpi"}
    assert planted == OTHER_METADATA[media_type].keys()

    accepted = accept_image(upload)

    assert not reopen(accepted.data).info.keys() & {"icc_profile", "xmp", "comment", "dpi"}
    for marker in (b"secret-xmp-packet", b"secret-comment", b"iCCP", b"ICCP", b"ICC_PROFILE"):
        assert marker not in accepted.data


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_exif_orientation_is_applied(media_type: str) -> None:
    # Red on the left, blue on the right; orientation 6 asks for a quarter turn clockwise, so red ends on top.
    image = Image.new("RGB", (20, 10), "blue")
    image.paste("red", (0, 0, 10, 10))
    accepted = accept_image(encode(image, media_type, exif=gps_exif(orientation=6)))

    assert (accepted.width, accepted.height) == (10, 20)
    result = reopen(accepted.data).convert("RGB")
    assert result.size == (10, 20)
    top, bottom = result.getpixel((5, 3)), result.getpixel((5, 16))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_as_pillow_would_turn_it(orientation: int) -> None:
    upload = encode(noise((5, 3)), "image/png", exif=gps_exif(orientation))
    expected = ImageOps.exif_transpose(reopen(upload))

    result = reopen(accept_image(upload).data)

    assert result.size == expected.size
    assert result.tobytes() == expected.tobytes()


def malformed_exif() -> bytes:
    """EXIF whose Make tag claims 16 million characters: Pillow skips that tag, with a warning, and keeps the rest."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = MAKE
    raw = exif.tobytes()
    entry = raw.index(b"\x01\x0f\x00\x02")
    return raw[: entry + 4] + (0xFFFFFF).to_bytes(4, "big") + raw[entry + 8 :]


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_flawed_exif_is_no_reason_to_refuse(media_type: str) -> None:
    upload = encode(Image.new("RGB", (20, 10), "white"), media_type, exif=malformed_exif())

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        accepted = accept_image(upload)

    assert caught == []
    assert (accepted.width, accepted.height) == (10, 20)
    assert MAKE.encode() not in accepted.data


def test_exif_that_pillow_cannot_rewrite_is_still_turned_upright(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow has failed to rewrite the EXIF of real photos (issues #6882, #7839); nothing here needs it rewritten.
    upload = encode(Image.new("RGB", (20, 10), "white"), "image/jpeg", exif=gps_exif(orientation=6))

    def broken(self: Image.Exif, offset: int = 8) -> bytes:
        raise TypeError("object of type 'IFDRational' has no len()")

    monkeypatch.setattr(Image.Exif, "tobytes", broken)

    accepted = accept_image(upload)

    assert (accepted.width, accepted.height) == (10, 20)


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_large_images_are_shrunk_to_the_output_side(media_type: str) -> None:
    accepted = accept_image(encode(noise((600, 300)), media_type), ImageLimits(output_max_side=200))

    assert (accepted.width, accepted.height) == (200, 100)
    assert reopen(accepted.data).size == (200, 100)


def test_default_output_side_is_2400() -> None:
    accepted = accept_image(encode(Image.new("RGB", (1500, 3600), "white"), "image/jpeg"))

    assert (accepted.width, accepted.height) == (1000, 2400)


@pytest.mark.parametrize("media_type", ["image/png", "image/webp"])
def test_animations_keep_their_first_frame_only(media_type: str) -> None:
    frames = [Image.new("RGB", (12, 12), colour) for colour in ("red", "blue", "green")]
    upload = encode(frames[0], media_type, save_all=True, append_images=frames[1:], duration=100)
    assert getattr(reopen(upload), "n_frames", 1) == 3

    result = reopen(accept_image(upload).data)

    assert getattr(result, "n_frames", 1) == 1
    red, _, blue = result.convert("RGB").getpixel((6, 6))  # type: ignore[misc]
    assert red > 180 > blue


def test_an_mpo_is_accepted_as_its_first_picture() -> None:
    # Phones write Ultra HDR photos as JPEG plus a gain map; Pillow reads those as MPO.
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "red").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (12, 8), "blue")]
    )
    upload = buffer.getvalue()
    assert Image.open(io.BytesIO(upload)).format == "MPO"

    accepted = accept_image(upload)

    result = reopen(accepted.data)
    assert (accepted.media_type, result.format, result.size) == ("image/jpeg", "JPEG", (24, 16))


def test_palette_pngs_keep_their_palette_and_transparency() -> None:
    plain = Image.new("P", (10, 10), 3)
    plain.putpalette([level for index in range(256) for level in (index, index, index)])
    see_through = encode(plain, "image/png", transparency=3)

    assert reopen(accept_image(encode(plain, "image/png")).data).mode == "P"
    # Shrunk, a palette image is blended in full colour rather than thinned out pixel by pixel.
    assert reopen(accept_image(encode(plain, "image/png"), ImageLimits(output_max_side=5)).data).mode == "RGB"
    result = reopen(accept_image(see_through).data)
    assert result.mode == "RGBA"
    assert result.getpixel((5, 5)) == (3, 3, 3, 0)


def pillow_file(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, fmt)
    return buffer.getvalue()


class Upload(NamedTuple):
    filename: str
    content_type: str
    data: bytes


UNSUPPORTED = {
    "pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    "eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\nshowpage\n",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "riff-wave": b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00",
    # Formats Pillow could read perfectly well: they are refused by policy, not by accident.
    "gif": pillow_file("GIF"),
    "tiff": pillow_file("TIFF"),
    "bmp": pillow_file("BMP"),
}


@pytest.mark.parametrize("data", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
@pytest.mark.usefixtures("no_opening")
def test_other_types_are_refused_whatever_they_are_called(data: bytes) -> None:
    # The browser says "holiday.png, image/png"; accept_image is never told, so it cannot be fooled by it.
    upload = Upload("holiday.png", "image/png", data)

    refused = refusal(upload.data)

    assert refused.reason == "unsupported-type"
    assert str(refused) == "the file is not a JPEG, PNG or WebP image"
    assert isinstance(refused, CatalogueError)


@pytest.mark.parametrize(
    "content",
    [encode(Image.new("RGB", (8, 8)), "image/png"), encode(Image.new("RGB", (8, 8)), "image/png")[3:]],
    ids=["whole png", "png without its first bytes"],
)
def test_a_jpeg_signature_on_other_content_is_refused(content: bytes) -> None:
    refused = refusal(b"\xff\xd8\xff" + content)

    assert refused.reason == "unsupported-type"
    assert "starts like a JPEG" in str(refused)


def test_a_format_pillow_reports_differently_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = Image.open
    gif = UNSUPPORTED["gif"]
    monkeypatch.setattr(Image, "open", lambda fp, formats: real_open(io.BytesIO(gif)))

    refused = refusal(encode(Image.new("RGB", (8, 8)), "image/jpeg"))

    assert refused.reason == "unsupported-type"
    assert "reads it as GIF" in str(refused)


TOO_MANY_PIXELS = {
    "png 30000x30000 (Pillow's bomb error)": png_header(30_000, 30_000),
    "png 9000x5000 (over 40 megapixels)": png_header(9_000, 5_000),
    "png 12001x10 (side over 12000)": png_header(12_001, 10),
    "webp 9000x9000 canvas around 8x8 frames": webp_canvas(9_000, 9_000),
}


@pytest.mark.parametrize("data", TOO_MANY_PIXELS.values(), ids=TOO_MANY_PIXELS.keys())
@pytest.mark.usefixtures("no_decoding")
def test_too_many_pixels_are_refused_from_the_header(data: bytes) -> None:
    assert len(data) < 300

    assert refusal(data).reason == "too-many-pixels"


@pytest.mark.usefixtures("no_decoding")
def test_the_pixel_refusal_names_the_dimensions() -> None:
    assert str(refusal(png_header(9_000, 5_000))) == (
        "the image is 9000×5000 pixels; at most 12000 pixels a side and 40 megapixels in all are accepted"
    )


@pytest.mark.parametrize("data", [png_header(10, 10), webp_canvas(8, 8)], ids=["png", "webp"])
@pytest.mark.usefixtures("no_decoding")
def test_the_decoding_tripwire_does_fire(data: bytes) -> None:
    # Without this, the refusals above might only pass because the tripwire never goes off.
    with pytest.raises(DecodeAttempted):
        accept_image(data)


@pytest.mark.parametrize(
    "limits",
    [ImageLimits(), ImageLimits(max_pixels=500_000_000, max_side=50_000)],
    ids=["default limits", "limits above Pillow's"],
)
@pytest.mark.usefixtures("no_decoding")
def test_pillows_bomb_warning_is_a_refusal_not_a_warning(limits: ImageLimits) -> None:
    # 100 megapixels is where Pillow merely warns (its error starts at twice its limit of ~89 megapixels).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        refused = refusal(png_header(10_000, 10_000), limits)

    assert refused.reason == "too-many-pixels"
    assert caught == []


@pytest.mark.parametrize(
    ("size", "limits", "accepted"),
    [
        ((12_000, 1), ImageLimits(), True),
        ((12_001, 1), ImageLimits(), False),
        ((10, 10), ImageLimits(max_pixels=100), True),
        ((10, 11), ImageLimits(max_pixels=100), False),
    ],
)
def test_pixel_limits_are_inclusive(size: tuple[int, int], limits: ImageLimits, accepted: bool) -> None:
    upload = encode(Image.new("L", size), "image/png")

    if accepted:
        assert accept_image(upload, limits).media_type == "image/png"
    else:
        assert refusal(upload, limits).reason == "too-many-pixels"


@pytest.mark.parametrize(
    ("data", "limits", "message"),
    [
        (b"\xff\xd8\xff" + bytes(8_999_997), ImageLimits(), "the file is 9 MB; at most 8 MB is accepted"),
        (b"\xff\xd8\xff" + bytes(7_999_998), ImageLimits(), "the file is 8.1 MB; at most 8 MB is accepted"),
        (
            encode(noise((128, 128)), "image/png"),
            ImageLimits(max_bytes=20_000),
            "the file is 0.1 MB; at most 0.02 MB is accepted",
        ),
    ],
    ids=["9 MB", "a byte over 8 MB", "over a small limit"],
)
@pytest.mark.usefixtures("no_opening")
def test_too_large_files_are_refused_unopened(data: bytes, limits: ImageLimits, message: str) -> None:
    refused = refusal(data, limits)

    assert (refused.reason, str(refused)) == ("too-large", message)


def test_a_file_of_exactly_the_maximum_size_is_accepted() -> None:
    upload = encode(Image.new("RGB", (8, 8)), "image/png")

    assert accept_image(upload, ImageLimits(max_bytes=len(upload))).width == 8


@pytest.mark.usefixtures("no_opening")
def test_an_empty_file_is_refused() -> None:
    refused = refusal(b"")

    assert (refused.reason, str(refused)) == ("empty", "the file is empty")


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_a_truncated_file_is_refused_as_corrupt(media_type: str) -> None:
    whole = encode(noise((128, 128)), media_type)
    accept_image(whole)

    refused = refusal(whole[: len(whole) // 2])

    assert refused.reason == "corrupt"
    assert str(refused) == "the image is damaged or incomplete and cannot be read"


@pytest.mark.parametrize("load_truncated", [False, True])
def test_truncation_is_refused_whatever_pillow_was_told_elsewhere(
    load_truncated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Importing WeasyPrint sets this process-wide; the intake must stay strict and leave the setting as it was.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    whole = encode(noise((128, 128)), "image/jpeg")

    assert refusal(whole[: len(whole) // 2]).reason == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is load_truncated
