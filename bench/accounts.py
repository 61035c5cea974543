"""What signing in and acting as an account cost, against a bare endpoint of the same server.

Seeds a database with the demo catalogue and accounts, starts a server in a child process, signs
the demo adviser in and creates an API token, then loads in alternating rounds: the bare endpoint,
the public solution, the signed-in account (`/api/v1/me`, one token lookup) and a solution's working
copy (token lookup, permission query, versions). Sign-ins (Argon2id verification) are timed one
after another.

    .venv/bin/python bench/accounts.py [--seconds 3] [--rounds 2] [--concurrency 8]
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

ADVISER = {"email": "adviser@smartdenmark.example", "password": "demo-adviser-2026"}
SOLUTION = "modular-rain-gardens"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sign-ins", type=int, default=20)
    args = parser.parse_args()

    with temporary_folder() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        base, server = start_server(url, folder)
        try:
            with httpx.Client(base_url=base) as client:
                signed = client.post("/api/v1/session", json=ADVISER).json()
                made = client.post(
                    "/api/v1/me/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": signed["csrf_token"]}
                )
                token = made.json()["token"]
            sign_ins = []
            for _ in range(args.sign_ins):
                started = time.perf_counter()
                httpx.post(f"{base}/api/v1/session", json=ADVISER).raise_for_status()
                sign_ins.append(time.perf_counter() - started)
            bearer = {"Authorization": f"Bearer {token}"}
            targets = {
                f"bare endpoint {BARE}": (base + BARE, None),
                f"public /api/v1/solutions/{SOLUTION}": (f"{base}/api/v1/solutions/{SOLUTION}", None),
                "signed-in /api/v1/me (token)": (f"{base}/api/v1/me", bearer),
                "working copy .../draft (token)": (f"{base}/api/v1/solutions/{SOLUTION}/draft", bearer),
            }
            for target, headers in targets.values():
                asyncio.run(load(target, 1.0, args.concurrency, headers))  # warm-up
            results: dict[str, list[float]] = {name: [] for name in targets}
            durations = dict.fromkeys(targets, 0.0)
            for _ in range(args.rounds):
                for name, (target, headers) in targets.items():
                    started = time.perf_counter()
                    results[name] += asyncio.run(load(target, args.seconds, args.concurrency, headers))
                    durations[name] += time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"database: sqlite; {args.concurrency} concurrent clients; {args.rounds} x {args.seconds:g} s each")
    print(f"{'endpoint':<46}{'requests/s':>12}{'p50 ms':>10}{'p95 ms':>10}")
    rates = {}
    for name, latencies in results.items():
        rates[name] = len(latencies) / durations[name]
        print(f"{name:<46}{rates[name]:>12.1f}{statistics.median(latencies) * 1000:>10.2f}{p95(latencies):>10.2f}")
    bare = rates[f"bare endpoint {BARE}"]
    for name in list(targets)[1:]:
        print(f"request rate of {name} / bare endpoint: {rates[name] / bare:.3f}")
    bare_p50 = statistics.median(results[f"bare endpoint {BARE}"])
    sign_in = statistics.median(sign_ins)
    print(f"sign-in (Argon2id verify + new session), one at a time: p50 {sign_in * 1000:.1f} ms over {len(sign_ins)}")
    print(f"sign-in p50 / bare endpoint p50 under load: {sign_in / bare_p50:.1f}")


if __name__ == "__main__":
    main()
