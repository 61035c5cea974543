"""Errors answered as RFC 9457 problem details (``application/problem+json``)."""

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Controller, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from services.documents.worker import FailedRecently
from services.editing.images import RefusedImage
from services.errors import (
    CatalogueError,
    Conflict,
    Contended,
    Forbidden,
    InvalidCatalogueData,
    InvalidInput,
    InvalidQuery,
    LinkInvalid,
    LoginFailed,
    LoginThrottled,
    MailFailed,
    NotAuthenticated,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RenderBusy,
    RenderFailedError,
)
from services.translation.translation_files import InvalidTranslationFile

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger(__name__)


class InvalidParameter(msgspec.Struct, frozen=True):
    name: str
    reason: str


class ProblemDetails(msgspec.Struct, frozen=True, omit_defaults=True):
    """What went wrong with a request (RFC 9457)."""

    title: str
    status: int
    detail: str
    instance: str
    type: str = "about:blank"
    #: For a bad request: each parameter that was wrong, and why.
    invalid_params: list[InvalidParameter] | None = None


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    invalid: list[InvalidParameter] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ProblemDetails]:
    """A problem-details answer for ``request``."""
    body = ProblemDetails(
        title=HTTPStatus(status).phrase, status=status, detail=detail, instance=request.url.path, invalid_params=invalid
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_spec(description: str) -> ResponseSpec:
    """An OpenAPI response that answers with problem details."""
    return ResponseSpec(ProblemDetails, description=description, media_type=PROBLEM_JSON, generate_examples=False)


def shared_problems(problems: dict[int, ResponseSpec]) -> Callable[[type[Controller]], type[Controller]]:
    """A class decorator giving every route of a controller ``problems`` besides its own responses.

    Litestar documents the responses each route declares, not those of its controller.
    """

    def document(controller: type[Controller]) -> type[Controller]:
        for handler in vars(controller).values():
            if isinstance(handler, HTTPRouteHandler):
                handler.responses = {**problems, **(handler.responses or {})}
        return controller

    return document


#: The status each refusal of a use case is answered with.
STATUS: dict[type[CatalogueError], int] = {
    NotAuthenticated: 401,
    LoginFailed: 401,
    Forbidden: 403,
    LinkInvalid: 404,
    Conflict: 409,
    PreconditionFailed: 412,
    InvalidInput: 422,
    InvalidCatalogueData: 422,
    InvalidTranslationFile: 422,
    PreconditionRequired: 428,
    LoginThrottled: 429,
    RefusedImage: 422,
    MailFailed: 503,
    RenderBusy: 503,
    Contended: 503,
}


#: Refused uploads: too large, not an image we take, or an image we cannot take.
_IMAGE_STATUS = {"too-large": 413, "unsupported-type": 415}


def refusal_problem(request: Request[Any, Any, Any], error: CatalogueError) -> Response[ProblemDetails]:
    """A refused request: what was wrong, and what the client needs to try again."""
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 403)
    headers: dict[str, str] = {}
    invalid = None
    if isinstance(error, NotAuthenticated | LoginFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="catalogue"'
    if isinstance(error, PreconditionFailed | PreconditionRequired):
        headers["ETag"] = error.etag
    if isinstance(error, LoginThrottled | RenderBusy | Contended):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, InvalidInput):
        invalid = [InvalidParameter(name=error.field, reason=error.message)]
    if isinstance(error, InvalidCatalogueData):
        invalid = [InvalidParameter(name="content", reason=reason) for reason in error.problems]
    if isinstance(error, InvalidTranslationFile):
        invalid = [InvalidParameter(name="file", reason=reason) for reason in error.problems]
    if isinstance(error, RefusedImage):
        status = _IMAGE_STATUS.get(error.reason, 422)
        invalid = [InvalidParameter(name="file", reason=str(error))]
    return problem(request, status, str(error), invalid, headers)


def _invalid_parameters(extra: Any) -> list[InvalidParameter]:
    items = extra if isinstance(extra, list) else [extra] if extra else []
    return [
        InvalidParameter(
            name=str(item.get("key") or item.get("source") or "request"),
            reason=str(item.get("message", "is not valid")),
        )
        for item in items
        if isinstance(item, dict)
    ]


def validation_problem(request: Request[Any, Any, Any], error: ValidationException) -> Response[ProblemDetails]:
    invalid = _invalid_parameters(error.extra)
    detail = "; ".join(f"{item.name}: {item.reason}" for item in invalid) or str(error.detail)
    return problem(request, 400, detail, invalid)


def invalid_query_problem(request: Request[Any, Any, Any], error: InvalidQuery) -> Response[ProblemDetails]:
    return problem(request, 400, str(error), [InvalidParameter(name=error.parameter, reason=error.message)])


def not_found_problem(request: Request[Any, Any, Any], error: NotFound) -> Response[ProblemDetails]:
    return problem(request, 404, str(error))


def http_problem(request: Request[Any, Any, Any], error: HTTPException) -> Response[ProblemDetails]:
    return problem(request, error.status_code, str(error.detail))


def render_failed_problem(request: Request[Any, Any, Any], error: RenderFailedError) -> Response[ProblemDetails]:
    cause = error.__cause__
    if isinstance(cause, FailedRecently):
        # Logged with its cause when it failed; answered from memory since.
        logger.info("rendering on %s failed moments ago: %s", request.url.path, cause)
    else:
        logger.error("rendering failed on %s", request.url.path, exc_info=cause or error)
    if error.retry_after is None:
        return problem(request, 500, f"{error}. Please try again; if it keeps failing, tell the catalogue's editors.")
    detail = (
        f"{error}. It is tried again in {error.retry_after} seconds; if it keeps failing, tell the catalogue's editors."
    )
    return problem(request, 500, detail, headers={"Retry-After": str(error.retry_after)})


#: Seconds a client is asked to wait before trying again while the database is busy or unreachable.
RETRY_AFTER_SECONDS = 5


def unavailable_problem(request: Request[Any, Any, Any], error: Exception) -> Response[ProblemDetails]:
    """503 with ``Retry-After``: the database was busy beyond the wait for its lock, or could not be reached."""
    logger.error("database unavailable on %s: %s", request.url.path, error)
    busy = "database is locked" in str(error)
    detail = "The catalogue's database is busy" if busy else "The catalogue's database cannot be reached"
    return problem(request, 503, f"{detail}; please try again shortly.", headers=retry_later())


def retry_later() -> dict[str, str]:
    """The header telling a client when to try again after a 503."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def internal_problem(request: Request[Any, Any, Any], error: Exception) -> Response[ProblemDetails]:
    logger.exception("unhandled error on %s", request.url.path, exc_info=error)
    return problem(request, 500, "The server could not answer this request; the error has been logged.")


#: Paths answered with problem details rather than error pages.
_API_PREFIXES = ("/api/", "/healthz", "/readyz", "/metrics", "/schema", "/images/")


def is_api(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return path.startswith(_API_PREFIXES) or path.endswith((".pdf", "/brochure"))
