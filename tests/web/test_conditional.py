"""Conditional GET over real ASGI messages: large answers pass through whole, small ones get an ETag."""

import asyncio
from typing import Any

import pytest

from services.web.conditional import MAX_BUFFERED_BYTES, conditional_get


def _answer(chunks: list[bytes]) -> Any:
    async def app(_scope: Any, _receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for number, chunk in enumerate(chunks, start=1):
            await send({"type": "http.response.body", "body": chunk, "more_body": number < len(chunks)})

    return app


def _get(app: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope: Any = {"type": "http", "method": "GET", "headers": [], "path": "/"}
    middleware: Any = conditional_get(app)

    async def call() -> None:
        await middleware(scope, receive, send)

    asyncio.run(call())
    return sent


@pytest.mark.parametrize(
    "chunks",
    [[b"x" * (MAX_BUFFERED_BYTES + 1)], [b"x" * MAX_BUFFERED_BYTES, b"y" * 10, b"z" * 10], [b"small"]],
    ids=["one large message", "large in parts", "small"],
)
def test_every_answer_arrives_whole_and_ends(chunks: list[bytes]) -> None:
    sent = _get(_answer(chunks))
    bodies = [message for message in sent if message["type"] == "http.response.body"]
    assert b"".join(message["body"] for message in bodies) == b"".join(chunks)
    assert bodies[-1]["more_body"] is False
    assert all(message["more_body"] for message in bodies[:-1])
    headers = dict(sent[0]["headers"])
    assert (b"etag" in headers) == (len(b"".join(chunks)) <= MAX_BUFFERED_BYTES)
