"""``/metrics`` for Prometheus: request latencies (Litestar's middleware), renders and caches.

The endpoint is off unless ``METRICS_TOKEN`` is set, and then answers only requests that send
that token as a bearer token: the figures describe the service's insides, which are nobody
else's business, and an address check would be fooled by a proxy on the same host.
"""

import hmac
import os
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from services.errors import NotAuthenticated
from services.web.auth import bearer_token

#: Request latencies by route (the route's template, not the path, so slugs do not multiply series).
REQUESTS = PrometheusConfig(app_name="catalogue", prefix="catalogue", group_path=True, exclude=["^/metrics$"])


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several worker processes: every one writes its figures to that folder; add them up.
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
        return combined
    return REGISTRY


@get("/metrics", include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The service's figures in Prometheus's text format, for the holder of the metrics token."""
    token = request.app.state.settings.metrics_token
    if not token:
        raise NotFoundException
    given = bearer_token(request)
    if given is None or not hmac.compare_digest(given.encode(), token.encode()):
        raise NotAuthenticated
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
