"""The Litestar application: JSON API, public pages, health and the OpenAPI document."""

from typing import Any

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy import text

from catalogue.database import async_engine
from services.errors import InvalidQuery, NotFound
from services.settings import Settings
from services.view_cache import VIEWS
from services.web import pages, problems
from services.web.api import CatalogueApi
from services.web.conditional import conditional_get
from services.web.dependencies import Session

STATIC_DIR = pages.WEB_DIR / "static"


@get("/healthz", tags=["health"], cache_control=None)
async def healthz(db_session: Session) -> Response[dict[str, str]]:
    """Whether the service can reach its database."""
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means the database is unhealthy
        return Response({"status": "unavailable", "database": type(error).__name__}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


def _handler(api: Any, page_status: int) -> Any:
    def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        if problems.is_api(request):
            return api(request, error)  # type: ignore[no-any-return]
        return pages.error_page(request, page_status if page_status else getattr(error, "status_code", 500), error)

    return handle


def create_app(settings: Settings) -> Litestar:
    """The application serving the catalogue stored at ``settings.database_url``."""
    VIEWS.max_entries = settings.view_cache_entries
    engine = async_engine(settings.database_url)
    database = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        session_dependency_key="db_session",
    )
    return Litestar(
        route_handlers=[
            healthz,
            CatalogueApi,
            *pages.PAGE_HANDLERS,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        plugins=[SQLAlchemyPlugin(config=database)],
        middleware=[conditional_get],
        openapi_config=OpenAPIConfig(
            title="Smart Denmark catalogue",
            version="1",
            description="Danish smart-city solutions, their measured case results and where to see them.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        exception_handlers={
            ValidationException: _handler(problems.validation_problem, 400),
            InvalidQuery: _handler(problems.invalid_query_problem, 400),
            NotFound: _handler(problems.not_found_problem, 404),
            HTTPException: _handler(problems.http_problem, 0),
            Exception: _handler(problems.internal_problem, 500),
        },
        state=State({"settings": settings}),
        on_shutdown=[engine.dispose],
        debug=settings.debug,
    )
