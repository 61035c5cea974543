"""Throughput of `serve` with one web process against two (`WEB_CONCURRENCY`), side by side.

Seeds a new SQLite database with the demo catalogue and serves it with ``services.cli serve``,
once with ``WEB_CONCURRENCY=1`` and once with ``2``. For each endpoint, ``wrk`` (8 connections,
2 threads) asks for a few seconds after a warm-up; prints requests per second and p99 of both and
their ratio.

    .venv/bin/python bench/concurrency.py [--seconds 5]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import Throughput, seed, serving, temporary_folder, wrk

ENDPOINTS = ("/healthz", "/api/v1/solutions?per_page=50&lang=en", "/solutions/cloudburst-management-plan?lang=en")


def _measure(url: str, folder: str, processes: int, seconds: float) -> dict[str, Throughput]:
    with serving(url, folder, WEB_CONCURRENCY=str(processes)) as base:
        figures = {}
        for endpoint in ENDPOINTS:
            wrk(base + endpoint, 1)  # every process builds its views and caches first
            figures[endpoint] = wrk(base + endpoint, seconds)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run")
    args = parser.parse_args()
    with temporary_folder() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        one = _measure(url, folder, 1, args.seconds)
        two = _measure(url, folder, 2, args.seconds)
    print(f"{os.cpu_count()} cores; wrk, 2 threads, 8 connections, {args.seconds:g} s per run")
    print(f"{'endpoint':<52}{'1 process':>20}{'2 processes':>22}{'ratio':>8}")
    for endpoint in ENDPOINTS:
        (rps_one, p99_one), (rps_two, p99_two) = one[endpoint], two[endpoint]
        print(f"{endpoint:<52}{rps_one:>8.0f} req/s {p99_one:>5.1f} ms{rps_two:>10.0f} req/s {p99_two:>5.1f} ms"
              f"{rps_two / rps_one:>7.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
