"""Conditional GET: every successful GET answer carries an ETag, and a matching If-None-Match gets 304."""

import hashlib
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Receive, Scope, Send

#: Answers larger than this are passed through unbuffered (and without a computed ETag).
MAX_BUFFERED_BYTES = 4 * 1024 * 1024


def matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match: if_none_match`` names ``etag`` (weakly compared, as GET asks)."""
    if if_none_match.strip() == "*":
        return True
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in candidates


def body_etag(body: bytes) -> str:
    """The validator of an answer whose body is ``body``."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


#: Headers a 304 answer leaves out: it has no body for them to describe.
BODY_HEADERS = (b"content-length", b"content-type")


def validate(start: dict[str, Any], body: bytes) -> str | None:
    """The ETag of a 200 answer, given to its start as a digest of ``body`` when the route set none."""
    if start["status"] != 200:
        return None
    headers = MutableScopeHeaders(start)  # type: ignore[arg-type]
    if "etag" not in headers:
        headers["etag"] = body_etag(body)
        if "cache-control" not in headers:
            # Caches may keep the answer but must ask whether it is still current.
            headers["cache-control"] = "no-cache"
    return headers.get("etag")


class _Buffer:
    """Holds one answer until its body is complete, then sends it with an ETag (or a 304)."""

    def __init__(self, send: Send, if_none_match: str | None) -> None:
        self.send = send
        self.if_none_match = if_none_match
        self.start: dict[str, Any] | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.passing_through = False

    async def __call__(self, message: Any) -> None:
        if self.passing_through:
            await self.send(message)
        elif message["type"] == "http.response.start":
            self.start = {**message, "headers": list(message.get("headers", ()))}
        elif message["type"] != "http.response.body" or self.start is None:
            # A body sent another way (a file by path): nothing to buffer, the start goes first.
            if self.start is not None:
                await self.send(self.start)  # type: ignore[arg-type]
                self.passing_through = True
            await self.send(message)
        else:
            await self._body(message)

    async def _body(self, message: Any) -> None:
        assert self.start is not None
        self.chunks.append(message.get("body", b""))
        self.size += len(self.chunks[-1])
        if self.size > MAX_BUFFERED_BYTES:
            self.passing_through = True
            await self.send(self.start)  # type: ignore[arg-type]
            more = message.get("more_body", False)
            await self.send({"type": "http.response.body", "body": b"".join(self.chunks), "more_body": more})
        elif not message.get("more_body", False):
            await self._finish(b"".join(self.chunks))

    async def _finish(self, body: bytes) -> None:
        start: Any = self.start
        etag = validate(start, body)
        if etag and self.if_none_match and matches(self.if_none_match, etag):
            start["status"] = 304
            start["headers"] = [(name, value) for name, value in start["headers"] if name.lower() not in BODY_HEADERS]
            body = b""
        await self.send(start)
        await self.send({"type": "http.response.body", "body": body, "more_body": False})


def conditional_get(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so that GET and HEAD answers are validated by a digest of their body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in {"GET", "HEAD"}:  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        if_none_match = next(
            (value.decode("latin-1") for key, value in scope["headers"] if key.lower() == b"if-none-match"), None
        )
        await app(scope, receive, _Buffer(send, if_none_match))

    return middleware


def head_as_get(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so that HEAD is answered as GET would be, headers and status alike, without the body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return

        async def send_without_body(message: Any) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            elif message["type"] == "http.response.pathsend":
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # In place: the application keeps per-request state (its database session) in this scope.
        scope["method"] = "GET"  # type: ignore[typeddict-unknown-key]
        await app(scope, receive, send_without_body)

    return middleware
