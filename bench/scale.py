"""How list, search and suggestions grow with the catalogue, on SQLite and PostgreSQL.

For each database and each size (the demo catalogue, 10x and 100x its solutions, and a national
catalogue of 10,000 solutions, 5,000 cases and 500 organisations), a fresh database holds the
demo catalogue plus synthetic entries in 5 locales (``bench/synthetic.py``), stored in bulk. Then, uncached (the
view cache is passed by) and each in a session of its own as a request would have:
- list: a page of 20 solutions, pages spread over the catalogue;
- search: one- and two-word queries in five languages, over solutions and cases (a page of each);
- short: the same with two-character Chinese words, which no index of three-character pieces serves;
- suggestions: the ranked solutions, cases and visit sites for a delegation with three themes
  and a line of challenges.
Prints p95 per size and the growth from 10x to 100x.

    .venv/bin/python bench/scale.py [--sizes 1,10,100,national] [--backends sqlite,postgresql]
"""

import argparse
import asyncio
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import ROOT, temporary_folder

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
#: Most seconds one measurement spends; slow ones are measured fewer times, never fewer than 5.
BUDGET_SECONDS = 20.0
RUNS = 40
#: Queries whose every term has three characters or more, which the text indexes serve.
QUERIES = [
    "cloudburst",
    "Wärmepumpe",
    "fjernvarme",
    "sensor data",
    "区域供热",
    "harbour water",
    "skyfall",
    "Hochwasser",
]
#: Queries of a shorter term (two-character Chinese words), which are found by reading the texts.
SHORT_QUERIES = ["热泵", "港口", "暴雨"]
CHALLENGES = "Flooding after heavy rain, district heating for old buildings and safer cycle lanes."


def _sizes(demo_solutions: int, demo_cases: int, demo_orgs: int, names: list[str]) -> dict[str, tuple[int, int, int]]:
    """Synthetic solutions, cases and organisations to add for each size asked for."""
    sizes = {}
    for name in names:
        if name == "national":
            sizes[name] = (10_000 - demo_solutions, 5_000 - demo_cases, 500 - demo_orgs)
        else:
            factor = int(name)
            sizes[f"{factor}x"] = tuple(  # type: ignore[assignment]
                max(0, count * factor - count) for count in (demo_solutions, demo_cases, demo_orgs)
            )
    return sizes


def _database(backend: str, folder: str, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder}/{name}.sqlite3"
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop(backend: str, name: str) -> None:
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _fill(url: str, extra: tuple[int, int, int]) -> tuple[int, float]:
    """Import the demo catalogue and ``extra`` synthetic entries; the solutions stored and the seconds it took."""
    from sqlalchemy import func, select, text
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from bench.synthetic import add_synthetic, synthetic
    from catalogue import tables as t
    from catalogue.database import async_engine
    from services.editing.importing import import_catalogue, read_catalogue_files

    demo = read_catalogue_files(sorted((ROOT / "data" / "demo").glob("*.toml")))
    solutions, cases, orgs = extra
    started = time.perf_counter()
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await import_catalogue(session, demo)
            if solutions:
                themes = [theme.slug for theme in demo.themes]
                await add_synthetic(session, synthetic(solutions, cases, max(orgs, 1), themes))
            await session.commit()
            stored = await session.scalar(select(func.count()).select_from(t.Solution)) or 0
        # The planner's statistics, as PostgreSQL's autovacuum gathers them within a minute of a bulk
        # load (and `ANALYZE` gives SQLite): without them it plans for a catalogue a tenth the size.
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    finally:
        await engine.dispose()
    return stored, time.perf_counter() - started


async def _timed(run: Callable[[], Awaitable[Any]]) -> float:
    """p95 in milliseconds of ``run``, after one run to warm up."""
    await run()
    took: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    while len(took) < RUNS and (len(took) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        await run()
        took.append(time.perf_counter() - started)
    return statistics.quantiles(took, n=20)[18] * 1000 if len(took) >= 2 else took[0] * 1000


async def _measure(url: str) -> dict[str, float]:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from catalogue.database import async_engine
    from catalogue.delegations import Delegation
    from i18n.locales import Locale
    from services.delegations import suggestions
    from services.reading import browsing

    engine = async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    english = Locale("en")
    rng = random.Random(7)
    # The views as they are computed, passing by the view cache.
    list_solutions = browsing.list_solutions.__wrapped__  # type: ignore[attr-defined]
    list_cases = browsing.list_cases.__wrapped__  # type: ignore[attr-defined]
    delegation = Delegation(
        name="Scale delegation", country="KR", languages=["ko", "en"], group_size=20,
        themes=["climate-adaptation", "energy", "mobility"], challenges=CHALLENGES,
    )  # fmt: skip

    async def listing() -> None:
        async with sessions() as session:
            await list_solutions(session, browsing.Filters(page=rng.randint(1, 20)), english, "en")

    def searching(queries: list[str]) -> Callable[[], Awaitable[None]]:
        async def search() -> None:
            query = rng.choice(queries)
            async with sessions() as session:
                await list_solutions(session, browsing.Filters(q=query), english, "en")
                await list_cases(session, browsing.Filters(q=query), english, "en")

        return search

    async def suggesting() -> None:
        async with sessions() as session:
            await suggestions.suggest(session, delegation, english)

    # As `serve` does once the app is built: the objects made so far are left out of full collections.
    gc.collect()
    gc.freeze()
    try:
        return {
            "list": await _timed(listing),
            "search": await _timed(searching(QUERIES)),
            "short": await _timed(searching(SHORT_QUERIES)),
            "suggestions": await _timed(suggesting),
        }
    finally:
        await engine.dispose()


def _migrate(url: str, folder: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": folder}
    subprocess.run(
        [sys.executable, "-m", "services.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,national")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    from services.editing.importing import read_catalogue_files

    demo = read_catalogue_files(sorted((ROOT / "data" / "demo").glob("*.toml")))
    sizes = _sizes(len(demo.solutions), len(demo.cases), len(demo.organisations), args.sizes.split(","))
    results: dict[tuple[str, str], dict[str, float]] = {}
    print(f"{'database':<11}{'size':<10}{'solutions':>10}{'import s':>10}{'list p95':>10}{'search p95':>12}"
          f"{'short p95':>11}{'suggest p95':>13}  (ms)")  # fmt: skip
    for backend in args.backends.split(","):
        for size, extra in sizes.items():
            with temporary_folder() as folder:
                name = f"catalogue_scale_{os.getpid()}"
                url = _database(backend, folder, name)
                try:
                    _migrate(url, folder)
                    stored, seconds = asyncio.run(_fill(url, extra))
                    measured = asyncio.run(_measure(url))
                finally:
                    _drop(backend, name)
            results[backend, size] = measured
            print(f"{backend:<11}{size:<10}{stored:>10}{seconds:>10.1f}{measured['list']:>10.1f}"
                  f"{measured['search']:>12.1f}{measured['short']:>11.1f}{measured['suggestions']:>13.1f}",
                  flush=True)  # fmt: skip
    for backend in args.backends.split(","):
        if (backend, "10x") in results and (backend, "100x") in results:
            small, large = results[backend, "10x"], results[backend, "100x"]
            growth = ", ".join(
                f"{what} {large[what] / small[what]:.2f}x" for what in ("list", "search", "short", "suggestions")
            )
            print(f"{backend}: growing the catalogue 10x (10x to 100x the demo) raises p95 by {growth}")


if __name__ == "__main__":
    main()
