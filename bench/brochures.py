"""Brochure rendering: our pipeline against WeasyPrint alone, cold start, cache, and the API meanwhile.

Prints, side by side in one run:
- warm render of a brochure (views, context, layout, safe rendering) against WeasyPrint rendering
  the same HTML directly, and their ratio;
- cold first render: a new process writing one brochure (interpreter, imports, database, render);
- a cached brochure download's request rate against a static file of the same size, same server;
- the catalogue API's p95 latency while brochures render against idle.

    .venv/bin/python bench/brochures.py [--renders 10] [--seconds 4]
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import ROOT, load, p95, seed, start_server, temporary_folder
from i18n.locales import CONTENT_LOCALES

SOLUTION = "cloudburst-management-plan"
API = "/api/v1/solutions?per_page=50"


def warm_renders(database_url: str, renders: int) -> tuple[float, float]:
    """Median seconds per brochure: the whole pipeline, and WeasyPrint alone on the same HTML."""
    import statistics

    from sqlalchemy.ext.asyncio import async_sessionmaker
    from weasyprint import HTML

    from catalogue.database import async_engine
    from i18n.locales import Locale
    from services.documents.rendering import OwnAssetsFetcher, render_pdf
    from services.reading.brochures import brochure_for, lay_out

    async def pipeline(locale: str) -> tuple[float, str, dict[str, bytes]]:
        engine = async_engine(database_url)
        try:
            started = time.perf_counter()
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                source = lay_out(await brochure_for(session, SOLUTION, Locale(locale), "https://catalogue.example"))
            render_pdf(source.html, source.images)
            return time.perf_counter() - started, source.html, source.images
        finally:
            await engine.dispose()

    ours, floor = [], []
    for number in range(renders + 2):
        elapsed, html, images = asyncio.run(pipeline(CONTENT_LOCALES[number % 3]))
        started = time.perf_counter()
        HTML(string=html, base_url="asset:", url_fetcher=OwnAssetsFetcher(images)).write_pdf(pdf_variant="pdf/ua-1")
        direct = time.perf_counter() - started
        if number >= 2:  # the first two warm up fonts and caches
            ours.append(elapsed)
            floor.append(direct)
    return statistics.median(ours), statistics.median(floor)


def cold_render(database_url: str, folder: str) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": folder}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "services.cli", "brochure", SOLUTION, "--lang", "ja", "--output", f"{folder}/cold.pdf"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


async def api_while_rendering(base: str, folder: str, seconds: float) -> list[float]:
    """API latencies while a second client keeps brochures rendering (the cache is emptied as it goes)."""
    documents = Path(folder) / "documents"
    stop = time.perf_counter() + seconds

    async def keep_rendering() -> int:
        count = 0
        async with httpx.AsyncClient(timeout=120) as client:
            while time.perf_counter() < stop:
                shutil.rmtree(documents, ignore_errors=True)
                locale = CONTENT_LOCALES[count % len(CONTENT_LOCALES)]
                (await client.get(f"{base}/solutions/{SOLUTION}/brochure.pdf?lang={locale}")).raise_for_status()
                count += 1
        return count

    rendering = asyncio.create_task(keep_rendering())
    latencies = await load(base + API, seconds, 4)
    print(f"  brochures rendered meanwhile: {await rendering}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=10, help="warm renders to time")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each load round")
    args = parser.parse_args()
    with temporary_folder() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        ours, floor = warm_renders(url, args.renders)
        cold = cold_render(url, folder)
        static = Path(folder) / "static"
        static.mkdir()
        base, server = start_server(url, folder, extra_static=str(static))
        try:
            brochure = f"{base}/solutions/{SOLUTION}/brochure.pdf?lang=de"
            size = len(httpx.get(brochure, timeout=120).content)
            (static / "same-size.pdf").write_bytes(os.urandom(size))
            asyncio.run(load(brochure, 1.0, 8))
            cached = asyncio.run(load(brochure, args.seconds, 8))
            plain = asyncio.run(load(f"{base}/bench/static/same-size.pdf", args.seconds, 8))
            idle = asyncio.run(load(base + API, args.seconds, 4))
            busy = asyncio.run(api_while_rendering(base, folder, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=20)

    print(f"warm render, whole pipeline:           {ours * 1000:8.1f} ms")
    print(f"warm render, WeasyPrint alone:         {floor * 1000:8.1f} ms")
    print(f"  overhead ratio (pipeline / WeasyPrint): {ours / floor:.3f}")
    print(f"cold first render (new process):       {cold * 1000:8.1f} ms")
    rate_cached, rate_static = len(cached) / args.seconds, len(plain) / args.seconds
    print(f"cached brochure download ({size:,} bytes): {rate_cached:8.1f} requests/s")
    print(f"static file of the same size:          {rate_static:8.1f} requests/s")
    print(f"  ratio (cached brochure / static file): {rate_cached / rate_static:.3f}")
    print(f"API p95 idle:                          {p95(idle):8.2f} ms")
    print(f"API p95 while brochures render:        {p95(busy):8.2f} ms")
    print(f"  ratio (rendering / idle): {p95(busy) / p95(idle):.3f}")


if __name__ == "__main__":
    main()
