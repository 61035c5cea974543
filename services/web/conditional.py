"""Conditional GET: every successful GET answer carries an ETag, and a matching If-None-Match gets 304."""

import hashlib

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

#: Answers larger than this are passed through unbuffered (and without a computed ETag).
MAX_BUFFERED_BYTES = 4 * 1024 * 1024


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in candidates


def conditional_get(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so that GET and HEAD answers are validated by a digest of their body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
            await app(scope, receive, send)
            return
        request_headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        if_none_match = request_headers.get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing_through = False

        async def buffered_send(message: Message) -> None:
            nonlocal start, size, passing_through
            if passing_through:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BUFFERED_BYTES:
                passing_through = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                return
            if message.get("more_body", False):
                return
            await _finish(start, b"".join(chunks), if_none_match, send)

        await app(scope, receive, buffered_send)

    return middleware


async def _finish(start: Message, body: bytes, if_none_match: str | None, send: Send) -> None:
    headers = MutableScopeHeaders(start)
    if start["status"] == 200 and "etag" not in headers:
        headers["etag"] = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    etag = headers.get("etag")
    if start["status"] == 200 and etag and if_none_match and _matches(if_none_match, etag):
        not_modified = {**start, "status": 304}
        not_modified_headers = MutableScopeHeaders(not_modified)
        for name in ("content-length", "content-type"):
            if name in not_modified_headers:
                del not_modified_headers[name]
        await send(not_modified)
        await send({"type": "http.response.body", "body": b""})
        return
    await send(start)
    await send({"type": "http.response.body", "body": body})
