"""What the service reports to Prometheus besides request latencies: rendering and caches.

The metrics live in the process's default registry. When ``serve`` runs several worker
processes it points ``PROMETHEUS_MULTIPROC_DIR`` at a folder of its own, and every process
writes there; gauges then add up the live processes' values.
"""

from prometheus_client import Counter, Gauge, Histogram

RENDERS_WAITING = Gauge(
    "catalogue_render_queue_depth",
    "Documents waiting for a rendering process.",
    multiprocess_mode="livesum",
)
RENDERS_RUNNING = Gauge(
    "catalogue_renders_in_progress",
    "Documents being rendered now.",
    multiprocess_mode="livesum",
)
RENDER_SECONDS = Histogram(
    "catalogue_render_duration_seconds",
    "Time a rendering process took to make one document.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128),
)
RENDERS = Counter(
    "catalogue_renders",
    "Documents asked of the rendering processes, by outcome: done, failed, busy (refused: the queue was "
    "full) or failed-recently (refused: the same document failed moments ago).",
    ["outcome"],
)
DOCUMENT_CACHE = Counter(
    "catalogue_document_cache_lookups",
    "Documents looked up in the document cache, by result: hit or miss.",
    ["result"],
)
VIEW_CACHE = Counter(
    "catalogue_view_cache_lookups",
    "Views looked up in the in-memory view cache, by result: hit or miss.",
    ["result"],
)
KEPT_ANSWERS = Counter(
    "catalogue_kept_answer_lookups",
    "Public answers looked up among the answers kept whole, by result: hit or miss.",
    ["result"],
)
