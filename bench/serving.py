"""What reading costs the server: cached and uncached answers against a bare endpoint and a static file.

Seeds a database with the demo catalogue (a new SQLite file, or ``--database-url`` naming an empty
PostgreSQL database) and starts two servers on it in child processes, one with the view cache and
one without; each also answers a bare endpoint returning a constant and serves a folder as static
files. ``wrk`` (2 threads, 8 connections) asks each endpoint in alternating rounds; the median
round of each is printed, then every ratio the catalogue promises, with its bar.

    .venv/bin/python bench/serving.py [--seconds 4] [--rounds 3]
"""

import argparse
import shutil
import statistics
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import BARE, Throughput, seed, start_server, temporary_folder, wrk

LIST = "/api/v1/solutions?per_page=50&lang=en"
PAGE = "/solutions/cloudburst-management-plan?lang=en"
BROCHURE = "/solutions/cloudburst-management-plan/brochure.pdf?lang=en"
STATIC = "/bench/static/brochure.pdf"

#: (name, numerator, denominator, lowest ratio, highest p99 in ms of the numerator or None)
BARS = (
    ("cached API list / bare", "cached list", "bare", 0.5, None),
    ("cached solution page / bare", "cached page", "bare", 0.3, 50.0),
    ("cached brochure / static file", "cached brochure", "static file", 0.8, None),
    ("uncached API list / bare", "uncached list", "bare", 0.1, None),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per endpoint")
    parser.add_argument("--database-url", help="an empty database to seed (default: a new SQLite file)")
    args = parser.parse_args()

    with temporary_folder() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        static = Path(folder) / "static"
        static.mkdir()
        cached_base, cached = start_server(url, folder, extra_static=str(static))
        uncached_base, uncached = start_server(url, folder, cache_entries=0)
        try:
            pdf = httpx.get(cached_base + BROCHURE, timeout=120)
            pdf.raise_for_status()
            (static / "brochure.pdf").write_bytes(pdf.content)
            targets = {
                "bare": cached_base + BARE,
                "cached list": cached_base + LIST,
                "uncached list": uncached_base + LIST,
                "cached page": cached_base + PAGE,
                "cached brochure": cached_base + BROCHURE,
                "static file": cached_base + STATIC,
            }
            for target in targets.values():
                wrk(target, 1)  # warm-up: views, templates, connections
            rounds: dict[str, list[Throughput]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, target in targets.items():
                    rounds[name].append(wrk(target, args.seconds))
        finally:
            for server in (cached, uncached):
                server.terminate()
                server.wait(timeout=10)

    database = url.split(":")[0].split("+")[0]
    print(f"database: {database}; wrk, 2 threads, 8 connections; median of {args.rounds} x {args.seconds:g} s")
    print(f"brochure: {len(pdf.content):,} bytes; list: {LIST}; page: {PAGE}")
    figures = {
        name: Throughput(statistics.median(r.per_second for r in runs), statistics.median(r.p99_ms for r in runs))
        for name, runs in rounds.items()
    }
    print(f"{'endpoint':<18}{'requests/s':>12}{'p99 ms':>9}")
    for name, figure in figures.items():
        print(f"{name:<18}{figure.per_second:>12.0f}{figure.p99_ms:>9.1f}")
    print(f"{'ratio':<32}{'measured':>10}{'bar':>8}  verdict")
    for label, numerator, denominator, lowest, latest in BARS:
        ratio = figures[numerator].per_second / figures[denominator].per_second
        met = ratio >= lowest and (latest is None or figures[numerator].p99_ms <= latest)
        bar = f">= {lowest:g}" + (f", p99 <= {latest:g} ms" if latest is not None else "")
        print(f"{label:<32}{ratio:>10.2f}  {bar:<22}{'met' if met else 'not met'}")


if __name__ == "__main__":
    if shutil.which("wrk") is None:
        raise SystemExit("needed: apt-get install wrk (make bench installs it)")
    main()
