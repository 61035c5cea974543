"""Serving the application over HTTP with uvicorn, in one process or several.

With ``WEB_CONCURRENCY`` above 1, uvicorn starts that many worker processes; each builds its
application through :func:`serving_app`, from the environment, once. Migrations and the demo seed
have run in the parent before (see ``services.operations.startup``), so workers only serve.
"""

import gc
import logging
import os
import shutil
import socket
import tempfile
from typing import Any

import uvicorn
from litestar import Litestar
from uvicorn.supervisors import Multiprocess

from services.settings import Settings
from services.web.app import create_app

logger = logging.getLogger("catalogue")


def serving_app() -> Litestar:
    """The application of one worker process, configured by the environment (read here, once per process)."""
    return _frozen(create_app(Settings.from_env()))


def _frozen(app: Litestar) -> Litestar:
    """``app``, with everything made so far (modules, the app, its templates) kept out of garbage collection.

    A full collection walks every object the process holds; the first one during a burst of requests
    would otherwise walk all of these too and hold up every answer for a few hundred milliseconds.
    """
    gc.freeze()
    return app


def serve(settings: Settings) -> None:
    """Serve the catalogue on ``settings.host`` and ``settings.port`` until told to stop (SIGINT or SIGTERM).

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from ``settings.forwarded_allow_ips``: from
    anyone else, the client is the address that connected (the one failed logins are counted against).
    With several processes, each builds its settings from the environment, so ``settings`` must be the
    environment's (as the command line's are).
    """
    many = settings.web_concurrency > 1
    # Worker processes are spawned and import the application by name; the environment carries their settings.
    app: str | Litestar = "services.web.serving:serving_app" if many else _frozen(create_app(settings))
    trusted = list(settings.forwarded_allow_ips)
    logger.info(
        "serving the catalogue on http://%s:%s in %d process(es)",
        settings.host,
        settings.port,
        settings.web_concurrency,
    )
    metrics = _shared_metrics_folder() if many else None
    try:
        _run(app, settings, many=many, trusted=trusted)
    finally:
        if metrics is not None:
            shutil.rmtree(metrics, ignore_errors=True)


def _shared_metrics_folder() -> str | None:
    """Give the worker processes one folder to write their metrics to, so that ``/metrics`` adds them all up.

    The workers read ``PROMETHEUS_MULTIPROC_DIR`` when they start; an operator's own folder is used as it is.
    Returns the folder made here, to be removed when serving ends.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    folder = tempfile.mkdtemp(prefix="catalogue-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def _run(app: "str | Litestar", settings: Settings, *, many: bool, trusted: list[str]) -> None:
    options: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "log_level": "info",
        "proxy_headers": bool(trusted), "forwarded_allow_ips": trusted,
    }  # fmt: skip
    if not many:
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, factory=True, workers=settings.web_concurrency, **options)
    Multiprocess(config, sockets=[listening_socket(config)]).run()


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """The socket the worker processes accept on, marked as TCP so that every connection gets ``TCP_NODELAY``.

    uvicorn binds it without naming the protocol; accepted connections inherit that, asyncio then
    leaves Nagle's algorithm on, and every request after the first on a kept-alive connection
    waits about 40 ms for the client's delayed acknowledgement.
    """
    bound = config.bind_socket()
    marked = socket.socket(bound.family, socket.SOCK_STREAM, socket.IPPROTO_TCP, fileno=bound.detach())
    marked.set_inheritable(True)
    return marked
