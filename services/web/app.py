"""The Litestar application: JSON API, public pages, health and the OpenAPI document."""

from typing import Any

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyPlugin
from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components
from litestar.static_files import create_static_files_router
from sqlalchemy.exc import InterfaceError, OperationalError

from catalogue.database import async_engine, for_reading
from catalogue.revision import RevisionReader
from services.accounts.mail import Mailer
from services.delegations import pack_jobs
from services.delegations.download_counts import DownloadCounts
from services.delegations.local_jobs import LocalJobs
from services.delegations.queue import QueuedJobs
from services.delegations.runners import RunnerInstance
from services.documents.assets import ASSET_DIR
from services.documents.cache import document_cache_for
from services.documents.pipeline import Press
from services.documents.worker import RenderPool
from services.editing import image_store
from services.errors import CatalogueError, InvalidQuery, NotAuthenticated, NotFound, RenderFailedError
from services.settings import Settings
from services.view_cache import VIEWS
from services.web import health, metrics, page_rendering, problems
from services.web.accounts import pages as account_pages
from services.web.accounts.api import AccountsApi
from services.web.answers import Answers
from services.web.auth import SECURITY_SCHEMES, CsrfMiddleware
from services.web.conditional import conditional_get, head_as_get
from services.web.delegations import pages as delegation_pages
from services.web.delegations import shared_pages
from services.web.delegations.api import DelegationsApi
from services.web.delegations.reach_api import ReachApi
from services.web.dependencies import RequestSessions
from services.web.editing import images_api
from services.web.editing import pages as editing_pages
from services.web.editing.api import CaseEditing, SolutionEditing, review_queue
from services.web.reading import documents, pages
from services.web.reading.api import CatalogueApi
from services.web.request_limits import CheckedRequest, PathParameters
from services.web.security_headers import SECURITY_HEADERS, add_security_headers
from services.web.translation.api import TranslationsApi, glossary_terms
from services.web.translation.requests_api import TranslationRequestsApi

STATIC_DIR = page_rendering.WEB_DIR / "static"
#: The API reference viewer served at /schema, pinned so that what readers' browsers load is known.
SCALAR_VERSION = "1.72.1"


def _handler(api: Any, page_status: int) -> Any:
    def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        if problems.is_api(request):
            return api(request, error)  # type: ignore[no-any-return]
        return page_rendering.error_page(
            request, page_status if page_status else getattr(error, "status_code", 500), error
        )

    return handle


def _unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    if problems.is_api(request):
        return problems.unavailable_problem(request, error)
    response = page_rendering.error_page(request, 503, error)
    response.headers.update(problems.retry_later())
    return response


def _refusal(request: Request[Any, Any, Any], error: CatalogueError) -> Response[Any]:
    if problems.is_api(request):
        return problems.refusal_problem(request, error)
    if isinstance(error, NotAuthenticated):
        return account_pages.to_login(request)
    return page_rendering.error_page(request, problems.refusal_problem(request, error).status_code or 403, error)


def create_app(settings: Settings) -> Litestar:
    """The application serving the catalogue stored at ``settings.database_url``."""
    VIEWS.max_entries = settings.view_cache_entries
    render_pool = RenderPool(settings.render_workers, settings.render_queue_limit)
    probe = health.Probe(settings.database_url)
    engine = async_engine(settings.database_url)
    database = RequestSessions(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        session_dependency_key="db_session",
    )
    revision = RevisionReader(settings.database_url)
    document_cache = document_cache_for(engine, settings.data_dir / "documents", settings.document_cache_bytes)
    press = Press(document_cache, render_pool, settings.base_url)
    download_counts = DownloadCounts(pack_jobs.session_factory(engine))
    jobs: QueuedJobs | LocalJobs
    if settings.queue_url:
        jobs = QueuedJobs(settings, pack_jobs.session_factory(engine))
    else:
        runner = pack_jobs.Runner(
            sessions=pack_jobs.session_factory(engine),
            reading=pack_jobs.session_factory(for_reading(engine)),
            press=press,
            instance=RunnerInstance(settings.database_url, "app"),
            timeout=settings.render_timeout_seconds,
        )
        jobs = LocalJobs(runner, sweep_every=settings.render_heartbeat_seconds)
    app = Litestar(
        route_handlers=[
            health.healthz,
            health.readyz,
            metrics.metrics,
            CatalogueApi,
            AccountsApi,
            DelegationsApi,
            ReachApi,
            TranslationRequestsApi,
            SolutionEditing,
            CaseEditing,
            review_queue,
            TranslationsApi,
            glossary_terms,
            images_api.upload_image,
            images_api.serve_image,
            *account_pages.ACCOUNT_PAGES,
            *editing_pages.EDITING_PAGES,
            *delegation_pages.DELEGATION_PAGES,
            *shared_pages.SHARED_PAGES,
            *pages.PAGE_HANDLERS,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
            create_static_files_router(path="/documents/assets", directories=[ASSET_DIR], include_in_schema=False),
            documents.brochure_download,
            documents.brochure_preview,
        ],
        plugins=[SQLAlchemyPlugin(config=database)],
        middleware=[metrics.REQUESTS.middleware, conditional_get, PathParameters(), CsrfMiddleware()],
        request_class=CheckedRequest,
        response_headers=SECURITY_HEADERS,
        before_send=[add_security_headers],
        openapi_config=OpenAPIConfig(
            title="Smart Denmark catalogue",
            version="1",
            description="Danish smart-city solutions, their measured case results and where to see them.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(version=SCALAR_VERSION)],
            components=Components(security_schemes=dict(SECURITY_SCHEMES)),
        ),
        exception_handlers={
            OperationalError: _unavailable,
            InterfaceError: _unavailable,
            ValidationException: _handler(problems.validation_problem, 400),
            InvalidQuery: _handler(problems.invalid_query_problem, 400),
            NotFound: _handler(problems.not_found_problem, 404),
            RenderFailedError: _handler(problems.render_failed_problem, 500),
            CatalogueError: _refusal,
            HTTPException: _handler(problems.http_problem, 0),
            Exception: _handler(problems.internal_problem, 500),
        },
        state=State(
            {
                "settings": settings,
                "document_cache": document_cache,
                "press": press,
                "image_files": image_store.image_files_for(engine, settings.data_dir / "images"),
                "pack_jobs": jobs,
                "render_pool": render_pool,
                "probe": probe,
                "mailer": Mailer(settings.smtp_url, settings.mail_from),
                "answers": Answers(settings.answer_cache_bytes),
                "revision": revision,
                "download_counts": download_counts,
            }
        ),
        on_startup=[jobs.start, download_counts.start],
        on_shutdown=[download_counts.close, jobs.close, engine.dispose, probe.close, render_pool.close, revision.close],
        debug=settings.debug,
    )
    # Before routing, so that every GET route answers HEAD as well.
    app.asgi_handler = head_as_get(app.asgi_handler)
    return app
