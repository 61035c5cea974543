"""Intake of uploaded catalogue images: refuse what is unsafe, re-encode the rest without metadata.

Everything that can be judged from the bytes or the header is checked before a single pixel is decoded.
The file name and the declared content type are never consulted: only the content decides.
"""

import hashlib
import io
import math
import struct
import threading
import warnings
from typing import Any, Final, Literal, NamedTuple

import msgspec
from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from services.errors import CatalogueError

RefusalReason = Literal["empty", "too-large", "unsupported-type", "too-many-pixels", "corrupt"]


class RefusedImage(CatalogueError):
    """An upload that is not accepted: `reason` is a short machine code, the message says why in plain English."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason: RefusalReason = reason


class ImageLimits(msgspec.Struct, frozen=True, kw_only=True):
    """What an upload may weigh and measure, and the longest side of the stored copy."""

    max_bytes: int = 8_000_000
    max_pixels: int = 40_000_000
    max_side: int = 12_000
    output_max_side: int = 2400


class AcceptedImage(msgspec.Struct, frozen=True, kw_only=True):
    """An upload re-encoded in its own format, upright and without metadata; `sha256` is the digest of `data`."""

    data: bytes
    media_type: str
    extension: str
    width: int
    height: int
    sha256: str


class _Format(NamedTuple):
    pillow: str
    reported: frozenset[str]
    extension: str
    options: dict[str, Any]


DEFAULT_LIMITS: Final = ImageLimits()
_FORMATS: Final = {
    # An MPO is a JPEG with further pictures appended (Ultra HDR gain maps, stereo pairs); the first is the photo.
    "image/jpeg": _Format("JPEG", frozenset({"JPEG", "MPO"}), "jpg", {"quality": 85, "progressive": True}),
    "image/png": _Format("PNG", frozenset({"PNG"}), "png", {"optimize": True}),
    "image/webp": _Format("WEBP", frozenset({"WEBP"}), "webp", {"quality": 85}),
}
# What turns each EXIF orientation upright. ImageOps.exif_transpose would also rewrite the EXIF block, which is
# dropped here anyway and which Pillow fails to rewrite for some real photos (Pillow issues #6882 and #7839).
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_PILLOW_SETTINGS: Final = threading.Lock()
_PNG_MODES: Final = frozenset({"RGB", "RGBA", "L", "LA", "P"})
# What Pillow raises on damaged input; anything else would be a bug here and must surface as one.
_DAMAGED: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def sniff_type(data: bytes) -> str | None:
    """The media type announced by the magic bytes (JPEG, PNG or WebP), or None for anything else.

    Only the content is looked at: a file name or a declared content type proves nothing.
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def accept_image(data: bytes, limits: ImageLimits = DEFAULT_LIMITS) -> AcceptedImage:
    """The upload re-encoded in its own format, or RefusedImage saying why not.

    Emptiness, size, type (by magic bytes, confirmed by Pillow) and dimensions are all checked before any pixel
    is decoded. An accepted image is turned upright by its EXIF orientation, shrunk so that its longer side is at
    most `limits.output_max_side`, reduced to its first frame and stripped of EXIF, GPS, XMP, ICC profiles,
    comments and text chunks.
    """
    if not data:
        raise RefusedImage("empty", "the file is empty")
    if len(data) > limits.max_bytes:
        # Rounded up, so that a file just over the limit never reads as being exactly at it.
        size = f"{math.ceil(len(data) / 100_000) / 10:g} MB"
        raise RefusedImage("too-large", f"the file is {size}; at most {limits.max_bytes / 1_000_000:g} MB is accepted")
    media_type = sniff_type(data)
    if media_type is None:
        raise RefusedImage("unsupported-type", "the file is not a JPEG, PNG or WebP image")
    kind = _FORMATS[media_type]
    image = _prepare(_decode(data, kind, limits), media_type, limits.output_max_side)
    output = io.BytesIO()
    image.save(output, kind.pillow, **kind.options)
    encoded, (width, height) = output.getvalue(), image.size
    digest = hashlib.sha256(encoded).hexdigest()
    return AcceptedImage(
        data=encoded, media_type=media_type, extension=kind.extension, width=width, height=height, sha256=digest
    )


def _decode(data: bytes, kind: _Format, limits: ImageLimits) -> Image.Image:
    # Pillow's settings are process-wide and others change them (importing WeasyPrint turns on LOAD_TRUNCATED_IMAGES,
    # which would let a cut-off upload through, its missing part painted grey): set here, one intake at a time.
    # Pillow warns of flaws it works around (malformed EXIF, a broken MPO index): no reason to refuse a file whose
    # metadata is dropped anyway. Between its own pixel limit and twice that, it only warns of a bomb: a refusal here.
    with _PILLOW_SETTINGS, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        load_truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            # Only the parser of the announced format may read the bytes: no other Pillow plugin gets a try.
            image = Image.open(io.BytesIO(data), formats=[kind.pillow])
            if image.format not in kind.reported:
                message = f"the file starts like a {kind.pillow} image but Pillow reads it as {image.format}"
                raise RefusedImage("unsupported-type", message)
            width, height = image.size
            if max(width, height) > limits.max_side or width * height > limits.max_pixels:
                message = (
                    f"the image is {width}×{height} pixels; at most {limits.max_side} pixels a side "
                    f"and {limits.max_pixels / 1_000_000:g} megapixels in all are accepted"
                )
                raise RefusedImage("too-many-pixels", message)
            image.load()
            # FLIP_LEFT_RIGHT is 0, so only None means "already upright".
            if (upright := _UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation, 1))) is not None:
                return image.transpose(upright)
        except UnidentifiedImageError as error:
            message = f"the file starts like a {kind.pillow} image but its content is not one"
            raise RefusedImage("unsupported-type", message) from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise RefusedImage("too-many-pixels", "the image has too many pixels to be decoded safely") from error
        except _DAMAGED as error:
            raise RefusedImage("corrupt", "the image is damaged or incomplete and cannot be read") from error
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated
    return image


def _prepare(image: Image.Image, media_type: str, max_side: int) -> Image.Image:
    shrink = max(image.size) > max_side
    transparent = "transparency" in image.info
    # A palette is kept only at full size: shrinking a palette image would pick pixels instead of blending them.
    keep = (
        media_type == "image/png"
        and not transparent
        and image.mode in _PNG_MODES
        and not (shrink and image.mode == "P")
    )
    alpha = media_type != "image/jpeg" and (transparent or "A" in image.getbands())
    mode = image.mode if keep else "RGBA" if alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    if shrink:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow writes some of what it read (ICC profile, JPEG comment) back out unless it is forgotten here.
    image.info = {}
    return image
