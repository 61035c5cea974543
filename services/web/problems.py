"""Errors answered as RFC 9457 problem details (``application/problem+json``)."""

import logging
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from services.errors import InvalidQuery, NotFound

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger(__name__)


def problem(request: Request[Any, Any, Any], status: int, detail: str, **extensions: Any) -> Response[dict[str, Any]]:
    """A problem-details answer for ``request``."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def _invalid_parameters(extra: Any) -> list[dict[str, str]]:
    items = extra if isinstance(extra, list) else [extra] if extra else []
    parameters = []
    for item in items:
        if isinstance(item, dict):
            name = str(item.get("key") or item.get("source") or "request")
            parameters.append({"name": name, "reason": str(item.get("message", "is not valid"))})
    return parameters


def validation_problem(request: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, Any]]:
    invalid = _invalid_parameters(error.extra)
    detail = "; ".join(f"{p['name']}: {p['reason']}" for p in invalid) or str(error.detail)
    return problem(request, 400, detail, invalid_params=invalid)


def invalid_query_problem(request: Request[Any, Any, Any], error: InvalidQuery) -> Response[dict[str, Any]]:
    return problem(request, 400, str(error), invalid_params=[{"name": error.parameter, "reason": error.message}])


def not_found_problem(request: Request[Any, Any, Any], error: NotFound) -> Response[dict[str, Any]]:
    return problem(request, 404, str(error))


def http_problem(request: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    return problem(request, error.status_code, str(error.detail))


def internal_problem(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    logger.exception("unhandled error on %s", request.url.path, exc_info=error)
    return problem(request, 500, "The server could not answer this request; the error has been logged.")


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/healthz", "/schema"))


__all__ = ["PROBLEM_JSON", "MediaType", "problem"]
