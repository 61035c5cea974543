"""The security headers every answer carries, error answers included.

Litestar adds an application's ``response_headers`` to what route handlers return, not to what its
exception handlers return nor to refusals raised in middleware; a hook on every message sent fills
in what is missing, so no kind of answer goes without them.
"""

from litestar.datastructures import MutableScopeHeaders, ResponseHeader
from litestar.types import Message, Scope

from services.web.page_rendering import PAGE_POLICY

SECURITY_HEADERS = [
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="strict-origin-when-cross-origin"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
]


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Give an answer the security headers it lacks; an error answer also gets the pages' content policy.

    A page or document that states its own policy keeps it. Successful answers other than pages
    (JSON, PDFs, the API reference viewer) are left without a policy, as they were.
    """
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders(message)
    for header in SECURITY_HEADERS:
        if header.name not in headers:
            headers[header.name] = header.value or ""
    if message["status"] >= 400 and "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = PAGE_POLICY
