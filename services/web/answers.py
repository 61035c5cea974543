"""Public answers kept whole: asked again while the catalogue is unchanged, they are sent as they were.

A kept answer is the status, headers (with an ETag) and body a public GET route gave, or the
stored file that is its body. Asking again costs one read of the catalogue revision, a lookup
and the write of the bytes: no view, no template, no encoding, no hashing. The answer is kept
for the exact question (path, query, language and cookies asked with) and the revision it was
made at, so any change to the catalogue, by any process on any machine, makes a new one.

Only what is the same for every reader is kept: an answer that sets a cookie or forbids
storing is not, and a request carrying a session or an API token always goes to its route.
"""

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

import anyio
import msgspec
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from services.monitoring import KEPT_ANSWERS
from services.web.auth import SESSION_COOKIE
from services.web.conditional import BODY_HEADERS, matches, validate
from services.web.locale import LOCALE_COOKIE

#: Bytes of kept answer bodies per process (files sent from disk do not count).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: A body larger than this is not kept in memory.
MAX_BODY_BYTES = 2 * 1024 * 1024
#: Most answers kept per process, whatever their size.
MAX_ENTRIES = 4096
#: What an entry costs besides its body, its question and its headers.
_ENTRY_BYTES = 512
#: Where a route names the stored file its answer sends, so that the file is kept rather than its bytes.
_FILE_STATE = "kept_answer_file"
_PATH_SEND = "http.response.pathsend"
#: Requests that act for someone: their answers may be theirs alone.
_PERSONAL_COOKIE = f"{SESSION_COOKIE}=".encode()
#: The one cookie an answer may set and still be kept: the same for everyone asking the same question.
_REPEATABLE_COOKIE = f"{LOCALE_COOKIE}=".encode()


class Answer(msgspec.Struct, frozen=True):
    """An answer as it was sent: status, headers, and its body or the file holding it."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    etag: str
    body: bytes = b""
    file: str | None = None


def _cost(key: tuple[Any, ...], answer: Answer) -> int:
    """The bytes an entry holds: its body, its question, its headers and a fixed share."""
    question = sum(len(part) for part in key if isinstance(part, str | bytes))
    return len(answer.body) + question + sum(len(n) + len(v) for n, v in answer.headers) + _ENTRY_BYTES


class Answers:
    """Kept answers by question and revision, the least recently asked going first past ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size = 0
        self.entries: OrderedDict[tuple[Any, ...], tuple[Answer, int]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Answer | None:
        entry = self.entries.get(key)
        if entry is None:
            KEPT_ANSWERS.labels("miss").inc()
            return None
        self.entries.move_to_end(key)
        KEPT_ANSWERS.labels("hit").inc()
        return entry[0]

    def put(self, key: tuple[Any, ...], answer: Answer) -> None:
        cost = _cost(key, answer)
        if cost > self.max_bytes or self.max_entries <= 0:
            return
        self.drop(key)
        self.entries[key] = (answer, cost)
        self.size += cost
        while self.size > self.max_bytes or len(self.entries) > self.max_entries:
            _, (_, oldest) = self.entries.popitem(last=False)
            self.size -= oldest

    def drop(self, key: tuple[Any, ...]) -> None:
        gone = self.entries.pop(key, None)
        if gone is not None:
            self.size -= gone[1]


def keep_file(request: Request[Any, Any, Any], path: Path) -> None:
    """Say that the answer of ``request`` sends the stored file ``path``: it is kept by path, not in memory."""
    request.state[_FILE_STATE] = str(path)


def question_of(scope: Scope) -> tuple[str | bytes, ...] | None:
    """What the answer may depend on; ``None`` when the request acts for someone or asks ambiguously."""
    language: bytes | None = None
    cookies: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"cookie":
            if cookies is not None or _PERSONAL_COOKIE in value:
                return None  # a second Cookie header: which one the route reads is not this key's business
            cookies = value
        elif name == b"accept-language":
            if language is not None:
                return None
            language = value
        elif name == b"authorization":
            return None
    return (scope["path"], scope["query_string"], language or b"", cookies or b"")


def _not_modified(scope: Scope, etag: str) -> bool:
    return any(name == b"if-none-match" and matches(value.decode("latin-1"), etag) for name, value in scope["headers"])


async def _send_answer(scope: Scope, send: Send, answer: Answer) -> bool:
    """Send ``answer``; ``False`` (nothing sent) when the file it names is gone."""
    if _not_modified(scope, answer.etag):
        headers = [(n, v) for n, v in answer.headers if n not in BODY_HEADERS]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    if answer.file is None:
        await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
        await send({"type": "http.response.body", "body": answer.body, "more_body": False})
        return True
    try:
        # Touched as the document cache touches what it serves, so that a popular file is kept.
        os.utime(answer.file)
        if _PATH_SEND in (scope.get("extensions") or {}):
            await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
            await send({"type": _PATH_SEND, "path": answer.file})  # type: ignore[arg-type]
            return True
        body = await anyio.Path(answer.file).read_bytes()
    except FileNotFoundError:
        return False
    # A file made again under the same key holds the same document, not always the same bytes.
    headers = [(n, v) for n, v in answer.headers if n != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True


class _Recorder:
    """Passes an answer on while recording it, and says at the end whether it may be kept."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: dict[str, Any] | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.complete = False
        self.keepable = True

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            # A copy: middleware further out may change the message it passes on (a 304 drops headers).
            self.start = {**message, "headers": list(message.get("headers", ()))}
            self.keepable = message["status"] == 200 and not any(
                (name.lower() == b"set-cookie" and not value.startswith(_REPEATABLE_COOKIE))
                or (name.lower() == b"cache-control" and b"no-store" in value)
                for name, value in message.get("headers", ())
            )
        elif message["type"] == "http.response.body" and self.keepable:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size <= MAX_BODY_BYTES:
                self.chunks.append(body)
            self.complete = not message.get("more_body", False)
        await self.send(message)

    def answer(self, file: str | None) -> Answer | None:
        if not (self.keepable and self.complete and self.start is not None):
            return None
        if file is None and self.size > MAX_BODY_BYTES:
            return None
        body = b"".join(self.chunks) if file is None else b""
        etag = validate(self.start, body)
        assert etag is not None  # a kept answer is a 200
        headers = tuple((bytes(name).lower(), bytes(value)) for name, value in self.start.get("headers", ()))
        return Answer(status=self.start["status"], headers=headers, etag=etag, body=body, file=file)


def kept(app: ASGIApp) -> ASGIApp:
    """Route middleware: answer a public GET from the kept answers, keeping the route's answer when there is none."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        question = question_of(scope) if scope["type"] == "http" and scope.get("method") == "GET" else None  # type: ignore[comparison-overlap]
        if question is None:
            await app(scope, receive, send)
            return
        state = scope["litestar_app"].state
        answers: Answers = state.answers
        if answers.max_bytes <= 0:
            await app(scope, receive, send)
            return
        revision = await state.revision()
        if revision is None:
            await app(scope, receive, send)
            return
        key = (*question, revision)
        found = answers.get(key)
        if found is not None:
            if await _send_answer(scope, send, found):
                return
            answers.drop(key)
        recorder = _Recorder(send)
        await app(scope, receive, recorder)
        answer = recorder.answer(scope.get("state", {}).get(_FILE_STATE))
        if answer is not None:
            answers.put(key, answer)

    return middleware
