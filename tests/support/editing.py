"""Editing as the tests drive it: a desk of API clients, the edit and login forms, and images to upload."""

import io
import re
import struct
import zlib
from html import unescape
from typing import Any

from PIL import Image

from tests.support.accounts import ACTORS, DEMO, api_tokens, bearer, page_token
from tests.support.databases import Client

SOLUTION = "modular-rain-gardens"
DRAFT = f"/api/v1/solutions/{SOLUTION}/draft"
#: The image formats an upload may be, by media type: what Pillow calls each, and its file extension.
FORMATS = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png"), "image/webp": ("WEBP", "webp")}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Desk:
    """A client with a token per demo account."""

    def __init__(self, client: Client, url: str) -> None:
        self.client, self.url, self.tokens = client, url, api_tokens(url)

    def __call__(self, actor: str, method: str, path: str, body: Any = None, etag: str | None = None) -> Any:
        headers = bearer(self.tokens[actor])
        if etag is not None:
            headers["If-Match"] = etag
        return self.client.request(method, path, json=body, headers=headers)

    def copy(self, actor: str = "admin", path: str = DRAFT) -> tuple[dict[str, Any], str]:
        response = self(actor, "GET", path)
        assert response.status_code == 200, response.text
        return response.json(), response.headers["etag"]

    def publish(self, actor: str, path: str, content: dict[str, Any]) -> None:
        """Save, submit and approve ``content`` as ``actor`` and the adviser."""
        _, etag = self.copy(actor, path)
        saved = self(actor, "PUT", path, content, etag)
        assert saved.status_code == 200, saved.text
        submitted = self(actor, "POST", f"{path}/submit", None, saved.headers["etag"])
        assert submitted.status_code == 200, submitted.text
        approved = self("adviser", "POST", f"{path}/approve", {}, submitted.headers["etag"])
        assert approved.status_code == 200, approved.text


def sign_in_with_form(client: Client, role: str) -> None:
    """Sign ``client`` in through the login page's form as the demo account of ``role``."""
    email = ACTORS[role]
    token = page_token(client.get("/login").text)
    response = client.post(
        "/login", data={"_csrf": token, "email": email, "password": DEMO[email].password}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/workspace"


def edit_form_fields(html: str) -> dict[str, str]:
    """The hidden fields and current text values of the edit form."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields |= dict(re.findall(r'<input id="[^"]+" name="(text\.[^"]+)" value="([^"]*)"', html))
    fields |= dict(re.findall(r'name="(text\.[^"]+)"[^>]*>([^<]*)</textarea>', html))
    return {name: unescape(value) for name, value in fields.items()}


class DecodeAttempted(AssertionError):
    """Pixels were about to be decoded where the test expects a refusal from the header alone."""


def encode(image: Image.Image, media_type: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, FORMATS[media_type][0], **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width: int, height: int) -> bytes:
    """A few dozen bytes that look like an RGB PNG of any size: a valid IHDR and a token IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return PNG_SIGNATURE + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
