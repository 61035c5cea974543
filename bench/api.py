"""Request rate and latency of the catalogue API against a bare endpoint of the same server.

Seeds a database with the demo catalogue (a new SQLite file, or ``--database-url`` naming an
empty PostgreSQL database), starts two servers on it in child processes (one with the view cache,
one without) that each also answer a bare endpoint returning a constant, then loads the endpoints
in alternating rounds from this process and prints the figures side by side.

    .venv/bin/python bench/api.py [--seconds 4] [--rounds 3] [--concurrency 8]
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import BARE, load, p95, seed, start_server, temporary_folder

CATALOGUE = "/api/v1/solutions?per_page=50"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measured round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", help="an empty database to seed (default: a new SQLite file)")
    args = parser.parse_args()

    with temporary_folder() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        cached_base, cached = start_server(url, folder)
        uncached_base, uncached = start_server(url, folder, cache_entries=0)
        targets = {
            f"bare endpoint {BARE}": cached_base + BARE,
            f"{CATALOGUE} (view cache)": cached_base + CATALOGUE,
            f"{CATALOGUE} (no cache)": uncached_base + CATALOGUE,
        }
        try:
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
            for server in (cached, uncached):
                server.terminate()
                server.wait(timeout=10)

    print(
        f"database: {url.split(':')[0]}; {args.concurrency} concurrent clients; {args.rounds} x {args.seconds:g} s each"
    )
    print(f"{'endpoint':<46}{'requests/s':>12}{'p50 ms':>10}{'p95 ms':>10}")
    rates = {}
    for name, latencies in results.items():
        rates[name] = len(latencies) / durations[name]
        print(f"{name:<46}{rates[name]:>12.1f}{statistics.median(latencies) * 1000:>10.2f}{p95(latencies):>10.2f}")
    bare = rates[f"bare endpoint {BARE}"]
    for name in list(targets)[1:]:
        print(f"request rate of {name} / bare endpoint: {rates[name] / bare:.3f}")


if __name__ == "__main__":
    main()
