"""Liveness and readiness latency while a burst of uncached brochure downloads renders, against idle.

Seeds a database with the demo catalogue (a new SQLite file, or ``--database-url`` naming an
empty PostgreSQL database) and serves it with ``services.cli serve`` in a child process. For each
probe (``/healthz``, ``/readyz``, an API list) it runs ``wrk`` (one connection) for a few seconds
while the server is idle, then again while ``--downloads`` brochures the server has never made
(a language per burst) are requested at once by ``curl``, and prints the latencies side by side with what the
downloads got (PDF, or 503 with Retry-After once the render queue is full).

    .venv/bin/python bench/render_isolation.py [--downloads 30] [--seconds 5]
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import milliseconds, seed, serving, temporary_folder

PROBES = ("/healthz", "/readyz", "/api/v1/themes?lang=en")
#: Languages of the bursts, one each, so that every burst asks for documents never made before.
BURST_LANGUAGES = ("fi", "nl", "pt", "it", "pl", "uk", "sv", "nb", "es", "fr")


def wrk(url: str, seconds: float) -> dict[str, float]:
    """p50, p99 and max latency (ms) and requests per second of one connection asking ``url`` for ``seconds``."""
    output = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{seconds:g}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    figures = {
        "p50": milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        "p99": milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        "max": milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
    }
    if "Non-2xx" in output:
        figures["non-2xx"] = float(re.search(r"Non-2xx or 3xx responses: (\d+)", output).group(1))  # type: ignore[union-attr]
    return figures


def burst(base: str, slugs: list[str], language: str, count: int) -> tuple[list[int], float]:
    """Ask for ``count`` brochures at once; the statuses and the seconds until the last answer.

    ``curl --parallel`` asks, one process in C: a Python client would take the cores from the server.
    """
    urls = [f"{base}/solutions/{slug}/brochure.pdf?lang={language}" for slug in slugs[:count]]
    command = ["curl", "--silent", "--parallel", "--parallel-immediate", "--parallel-max", str(len(urls))]
    for url in urls:
        command += ["--output", "/dev/null", "--write-out", "%{http_code}\\n", url]
    started = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return [int(code) for code in output.split()], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--downloads", type=int, default=30, help="uncached brochures asked for at once")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run")
    parser.add_argument("--database-url", help="an empty database to seed (default: a new SQLite file)")
    args = parser.parse_args()
    missing = [tool for tool in ("wrk", "curl") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"needed: apt-get install {' '.join(missing)}")

    with temporary_folder() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        with serving(url, folder) as base:
            listing = httpx.get(f"{base}/api/v1/solutions", params={"per_page": 100}, timeout=60).json()
            slugs = [item["slug"] for item in listing["items"]]
            # Start the rendering processes, so that the first burst does not also measure their start.
            httpx.get(f"{base}/solutions/{slugs[0]}/brochure.pdf?lang=en", timeout=120)
            print(f"{len(slugs)} solutions; {args.downloads} uncached downloads per burst; wrk, 1 connection")
            print(f"{'probe':28} {'idle p50/p99/max ms':>22} {'burst p50/p99/max ms':>24} {'p99 ratio':>10}  burst")
            for number, probe in enumerate(PROBES):
                idle = wrk(base + probe, args.seconds)
                with ThreadPoolExecutor(1) as side:
                    downloads = side.submit(burst, base, slugs, BURST_LANGUAGES[number], args.downloads)
                    time.sleep(0.2)
                    busy = wrk(base + probe, args.seconds)
                    statuses, took = downloads.result()
                summary = ", ".join(f"{statuses.count(code)}x{code}" for code in sorted(set(statuses)))
                errors = f", {busy['non-2xx']:.0f} probe errors" if "non-2xx" in busy else ""
                print(
                    f"{probe:28} {idle['p50']:6.1f}/{idle['p99']:6.1f}/{idle['max']:6.1f}   "
                    f"{busy['p50']:6.1f}/{busy['p99']:6.1f}/{busy['max']:7.1f}   {busy['p99'] / idle['p99']:8.1f}x  "
                    f"{summary} in {took:.1f} s{errors}"
                )


if __name__ == "__main__":
    main()
