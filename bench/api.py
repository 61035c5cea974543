"""Request rate and latency of the catalogue API against a bare endpoint of the same server.

Seeds a database with the demo catalogue (a new SQLite file, or ``--database-url`` naming an
empty PostgreSQL database), starts two servers on it in child processes (one with the view cache,
one without) that each also answer a bare endpoint returning a constant, then loads the endpoints
in alternating rounds from this process and prints the figures side by side.

    .venv/bin/python bench/api.py [--seconds 4] [--rounds 3] [--concurrency 8]
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATALOGUE = "/api/v1/solutions?per_page=50"
BARE = "/bench/bare"


def serve(database_url: str, port: int, cache_entries: int) -> None:
    """Child process: the catalogue application plus a bare endpoint, on ``port``."""
    import uvicorn
    from litestar import get

    from services.settings import Settings
    from services.web.app import create_app

    @get(BARE, include_in_schema=False)
    async def bare() -> dict[str, str]:
        return {"status": "ok"}

    settings = Settings(
        database_url=database_url, data_dir=Path(tempfile.gettempdir()), view_cache_entries=cache_entries
    )
    app = create_app(settings)
    app.register(bare)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def load(url: str, seconds: float, concurrency: int) -> list[float]:
    """Latencies of requests to ``url`` made by ``concurrency`` workers for ``seconds``."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not answer within 10 s")


def _report(results: dict[str, list[float]], durations: dict[str, float]) -> dict[str, float]:
    print(f"{'endpoint':<46}{'requests/s':>12}{'p50 ms':>10}{'p95 ms':>10}")
    rates = {}
    for name, latencies in results.items():
        rates[name] = len(latencies) / durations[name]
        p50 = statistics.median(latencies) * 1000
        p95 = statistics.quantiles(latencies, n=20)[18] * 1000
        print(f"{name:<46}{rates[name]:>12.1f}{p50:>10.2f}{p95:>10.2f}")
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measured round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", help="an empty database to seed (default: a new SQLite file)")
    parser.add_argument("--serve", nargs=3, metavar=("URL", "PORT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), int(args.serve[2]))
        return

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": folder}
        python = sys.executable
        subprocess.run([python, "-m", "services.cli", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
        cached_port, uncached_port = _free_port(), _free_port()
        servers = [
            subprocess.Popen([python, __file__, "--serve", url, str(port), str(cache)], cwd=ROOT, env=env)
            for port, cache in ((cached_port, 2048), (uncached_port, 0))
        ]
        targets = {
            f"bare endpoint {BARE}": f"http://127.0.0.1:{cached_port}{BARE}",
            f"{CATALOGUE} (view cache)": f"http://127.0.0.1:{cached_port}{CATALOGUE}",
            f"{CATALOGUE} (no cache)": f"http://127.0.0.1:{uncached_port}{CATALOGUE}",
        }
        try:
            for port, server in zip((cached_port, uncached_port), servers, strict=True):
                _wait_until_up(f"http://127.0.0.1:{port}", server)
            page = httpx.get(targets[f"{CATALOGUE} (no cache)"])
            body = page.json()
            print(f"catalogue page: {len(body['items'])} solutions of {body['total']}, {len(page.content):,} bytes")
            for target in targets.values():
                asyncio.run(load(target, 1.0, args.concurrency))  # warm-up
            results: dict[str, list[float]] = {name: [] for name in targets}
            durations = dict.fromkeys(targets, 0.0)
            for _ in range(args.rounds):
                for name, target in targets.items():
                    started = time.perf_counter()
                    results[name] += asyncio.run(load(target, args.seconds, args.concurrency))
                    durations[name] += time.perf_counter() - started
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)

    print(
        f"database: {url.split(':')[0]}; {args.concurrency} concurrent clients; {args.rounds} x {args.seconds:g} s each"
    )
    rates = _report(results, durations)
    bare = rates[f"bare endpoint {BARE}"]
    for name in list(targets)[1:]:
        print(f"request rate of {name} / bare endpoint: {rates[name] / bare:.3f}")


if __name__ == "__main__":
    main()
