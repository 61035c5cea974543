"""What a request may carry before any handler or decoder looks at it.

These rules hold for every route, stated once here rather than in each handler:

- A JSON body must be valid UTF-8 and nest arrays and objects at most :data:`MAX_JSON_DEPTH`
  deep. Decoders recurse once per level, so a body nested a thousand deep would exhaust the
  interpreter's stack; it is measured by a flat scan first and refused with 400.
- No text of a JSON body or a form may hold the NUL character, which PostgreSQL cannot store in
  text and no reader means to send; it is refused with 400 before any handler sees it.
- An integer in the path must fit the signed 64-bit range every database column of ids has; a
  larger one names nothing that can exist, and neither does a path segment holding NUL, so both
  are answered 404 before the database sees them.
"""

import re
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

#: Deepest nesting of arrays and objects a JSON body may have; the catalogue's own documents need fewer than ten.
MAX_JSON_DEPTH = 64
#: The range of a signed 64-bit integer, the type of every id column.
SMALLEST_ID, LARGEST_ID = -(2**63), 2**63 - 1
#: Whatever comes before the next token, then the token: a JSON string (group 1; to the end of the body when it is
#: never closed), an opening bracket (group 2), a closing one (group 3) or the end. Every attempt matches, and the
#: quantifiers are possessive, so the scan stays linear whatever the body holds.
_JSON_TOKENS = re.compile(r'[^"\[\]{}]*+(?:(")(?:[^"\\]++|\\.?)*+(?:"|\Z)|([\[{])|([\]}])|\Z)', re.DOTALL)
#: The escape of NUL in a JSON string: ``\u0000`` whose backslash is not itself escaped (an even number before it).
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
NUL_REFUSED = "text may not contain the NUL character (U+0000)"


def json_body_problem(body: bytes) -> str | None:
    """Why ``body`` may not be decoded as JSON (invalid UTF-8, NUL in a text, nested too deep), or ``None``.

    Whether the body is otherwise well-formed JSON is left to the decoder.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"not valid UTF-8 (byte {error.start} cannot start or continue a character)"
    if _JSON_NUL.search(text):
        return NUL_REFUSED
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None  # not enough brackets to nest too deeply, whatever they mean
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        if token.lastindex == 2:
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return f"arrays and objects are nested more than {MAX_JSON_DEPTH} levels deep"
        elif token.lastindex == 3:
            depth -= 1
    return None


class CheckedRequest(Request[Any, Any, Any]):
    """The request every route receives: its JSON body is checked before it is decoded, its form once parsed.

    Litestar decodes a handler's ``data`` through :meth:`json`, and handlers that need the loose
    document call it too, so every JSON body passes this one check; forms are read through :meth:`form`.
    """

    async def json(self) -> Any:
        problem = json_body_problem(await self.body())
        if problem is not None:
            raise ValidationException(f"body: {problem}", extra=[{"key": "body", "message": problem}])
        return await super().json()

    async def form(self) -> FormMultiDict:
        found = await super().form()
        named = next((key for key, value in found.multi_items() if isinstance(value, str) and "\x00" in value), None)
        if named is not None:
            raise ValidationException(f"{named}: {NUL_REFUSED}", extra=[{"key": named, "message": NUL_REFUSED}])
        return found


class PathParameters(ASGIMiddleware):
    """Answer 404 to a path parameter that can name nothing stored: an integer past 64 bits, text holding NUL."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        for name, value in scope.get("path_params", {}).items():
            what = name.removesuffix("_id").replace("_", " ")
            if isinstance(value, int) and not SMALLEST_ID <= value <= LARGEST_ID:
                raise NotFoundException(f"no {what} {value}")
            if "\x00" in str(value):
                raise NotFoundException(f"no {what} with the NUL character in its name")
        await next_app(scope, receive, send)
