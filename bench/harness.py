"""What the benchmark scripts share: a seeded server in a child process and a load generator."""

import asyncio
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import msgspec

ROOT = Path(__file__).resolve().parent.parent
BARE = "/bench/bare"


def serve(database_url: str, port: int, cache_entries: int, data_dir: str, extra_static: str | None) -> None:
    """Child process: the catalogue plus a bare endpoint (and a static folder at /bench/static)."""
    import uvicorn

    if os.environ.get("SWITCH"):
        sys.setswitchinterval(float(os.environ["SWITCH"]))
    from litestar import get
    from litestar.static_files import create_static_files_router

    sys.path.insert(0, str(ROOT))
    from services.settings import Settings
    from services.web.app import create_app

    @get(BARE, include_in_schema=False)
    async def bare() -> dict[str, str]:
        return {"status": "ok"}

    settings = Settings(database_url=database_url, data_dir=Path(data_dir), view_cache_entries=cache_entries)
    if not cache_entries:  # nothing kept at all: neither views nor whole answers
        settings = msgspec.structs.replace(settings, answer_cache_bytes=0)
    app = create_app(settings)
    app.register(bare)
    if extra_static:
        app.register(create_static_files_router(path="/bench/static", directories=[extra_static]))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(database_url: str, folder: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": folder}
    subprocess.run([sys.executable, "-m", "services.cli", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)


def start_server(
    database_url: str, folder: str, *, cache_entries: int = 2048, extra_static: str | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """A server on a free port, answering once it is up; stop it with ``terminate()``."""
    port = free_port()
    command = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from bench.harness import serve; "
               "serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6] or None)",
               str(ROOT), database_url, str(port), str(cache_entries), folder, extra_static or ""]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):
        if process.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            time.sleep(0.05)
    process.terminate()
    raise SystemExit("the server did not answer within 20 s")


async def load(
    url: str | Callable[[], str], seconds: float, concurrency: int, headers: dict[str, str] | None = None
) -> list[float]:
    """Latencies of requests made by ``concurrency`` workers for ``seconds`` (``url`` may vary per request)."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url() if callable(url) else url)
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20)[18] * 1000


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory()


@contextlib.contextmanager
def serving(database_url: str, folder: str, **environment: str) -> Iterator[str]:
    """``services.cli serve`` on a free port in a child process, as an operator starts it; yields its address.

    ``environment`` adds variables (``WEB_CONCURRENCY``, ...); the server is stopped on leaving.
    """
    port = free_port()
    variables = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": folder, "PORT": str(port), **environment}
    server = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--no-seed"],
        cwd=ROOT,
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text: str) -> float:
    """A duration as ``wrk`` prints it (``812.00us``, ``3.41ms``, ``1.02s``) in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


class Throughput(NamedTuple):
    """What one ``wrk`` run measured."""

    per_second: float
    p99_ms: float


def wrk(url: str, seconds: float, connections: int = 8) -> Throughput:
    """Requests per second and p99 of ``connections`` connections (2 ``wrk`` threads) asking ``url``."""
    if shutil.which("wrk") is None:
        raise SystemExit("needed: apt-get install wrk (make bench installs it)")
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"{url} answered with errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return Throughput(rate, p99)
