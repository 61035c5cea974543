"""Delegation packs: one document against single brochures, size, memory, cache and the API meanwhile.

Prints, side by side in one run:
- a 20-solution pack against the 20 single brochures of the same solutions (views, layout, render);
- a 50-item pack (every solution, then cases) against the 20-solution pack;
- peak memory of a worker process rendering the 50-item pack;
- a cached pack download's request rate against a static file of the same size, same server;
- the generated pack downloaded through a share link, against the same static file;
- a pack generated as a background job against the same pack rendered while the request waits;
- the catalogue API's p95 latency while packs render against idle.

    .venv/bin/python bench/packs.py [--seconds 4]
"""

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import load, p95, seed, start_server, temporary_folder

ADVISER = {"email": "adviser@smartdenmark.example", "password": "demo-adviser-2026"}
DELEGATION = {
    "name": "Bench delegation", "country": "KR", "languages": ["en"], "starts_on": "2027-05-10",
    "ends_on": "2027-05-12", "group_size": 14,
}  # fmt: skip
API = "/api/v1/solutions?per_page=50"


def _pack_html(database_url: str, items: list[dict[str, str]]) -> tuple[str, dict[str, bytes], float]:
    """The pack of ``items`` laid out in English, and the seconds its views and layout took."""
    import msgspec
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from catalogue.accounts import UserAccount
    from catalogue.database import async_engine
    from catalogue.delegations import DelegationRecord
    from catalogue.packs import PackRecord
    from i18n.locales import Locale
    from services.accounts import accounts
    from services.delegations import delegations, packs
    from services.delegations.pack_service import PACK

    async def run() -> tuple[str, dict[str, bytes], float]:
        engine = async_engine(database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                user = await session.scalar(select(UserAccount).where(UserAccount.email == ADVISER["email"]))
                actor = accounts.actor_of(user)  # type: ignore[arg-type]
                now = dt.datetime.now(dt.UTC)
                made = await delegations.create(session, actor, msgspec.convert(DELEGATION, DelegationRecord), now)
                english = Locale("en")
                view = await packs.view(session, actor, made.id, english, now)
                await packs.save(
                    session, actor, made.id, msgspec.convert({"items": items}, PackRecord), view.etag, english, now
                )
                started = time.perf_counter()
                source = await PACK.source(session, made.id, Locale("en"), "https://catalogue.example")
                return source.html, source.images, time.perf_counter() - started
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _brochures(database_url: str, slugs: list[str]) -> float:
    """Seconds to make the single brochures of ``slugs``, views to PDF."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from catalogue.database import async_engine
    from i18n.locales import Locale
    from services.documents.rendering import render_pdf
    from services.reading.brochures import brochure_for, lay_out

    async def run() -> float:
        engine = async_engine(database_url)
        try:
            started = time.perf_counter()
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                for slug in slugs:
                    source = lay_out(await brochure_for(session, slug, Locale("en"), "https://catalogue.example"))
                    render_pdf(source.html, source.images)
            return time.perf_counter() - started
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _render_in_child(html: str, images: dict[str, bytes]) -> None:
    from services.documents.rendering import render_pdf

    render_pdf(html, images)


def worker_peak_mb(html: str, images: dict[str, bytes]) -> float:
    """Peak resident memory of a fresh worker process that renders ``html``."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_render_in_child, args=(html, images))
    process.start()
    process.join()
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed_pack(database_url: str, items: list[dict[str, str]]) -> float:
    from services.documents.rendering import render_pdf

    html, images, layout = _pack_html(database_url, items)
    started = time.perf_counter()
    render_pdf(html, images)
    return layout + time.perf_counter() - started


async def api_while_packs_render(base: str, folder: str, url: str, token: str, seconds: float) -> list[float]:
    documents = Path(folder) / "documents"
    stop = time.perf_counter() + seconds

    async def keep_rendering() -> int:
        count = 0
        async with httpx.AsyncClient(timeout=300, headers={"Authorization": f"Bearer {token}"}) as client:
            while time.perf_counter() < stop:
                shutil.rmtree(documents, ignore_errors=True)
                (await client.get(url)).raise_for_status()
                count += 1
        return count

    rendering = asyncio.create_task(keep_rendering())
    latencies = await load(base + API, seconds, 4)
    print(f"  packs rendered meanwhile: {await rendering}")
    return latencies


def _over_http(url: str, folder: str, twenty: list[dict[str, str]], seconds: float) -> dict[str, Any]:
    """Figures measured through a running server: downloads, background generation, API latency."""
    static = Path(folder) / "static"
    static.mkdir()
    base, server = start_server(url, folder, extra_static=str(static))
    try:
        token, pdf_url = _http_pack(base, twenty)
        headers = {"Authorization": f"Bearer {token}"}
        size = len(httpx.get(pdf_url, headers=headers, timeout=300).content)
        (static / "same-size.pdf").write_bytes(os.urandom(size))
        asyncio.run(load(pdf_url, 1.0, 8, headers))
        cached = asyncio.run(load(pdf_url, seconds, 8, headers))
        plain = asyncio.run(load(f"{base}/bench/static/same-size.pdf", seconds, 8))
        direct, queued = _direct_and_background(base, folder, pdf_url, headers)
        shared_url = _share_link(base, pdf_url, headers)
        asyncio.run(load(shared_url, 1.0, 8))
        shared = asyncio.run(load(shared_url, seconds, 8))
        idle = asyncio.run(load(base + API, seconds, 4))
        busy = asyncio.run(api_while_packs_render(base, folder, pdf_url, token, seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "size": size, "cached": cached, "plain": plain, "direct": direct, "queued": queued, "shared": shared,
        "idle": idle, "busy": busy,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    with temporary_folder() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        seed(url, folder)
        solutions = [item["slug"] for item in _published(url, "solutions")]
        cases = [item["slug"] for item in _published(url, "cases")]
        twenty = [{"kind": "solution", "slug": slug} for slug in solutions[:20]]
        fifty = [{"kind": "solution", "slug": slug} for slug in solutions][:50]
        fifty += [{"kind": "case", "slug": slug} for slug in cases][: 50 - len(fifty)]
        timed_pack(url, twenty[:2])  # warm-up: fonts and caches
        pack_20 = timed_pack(url, twenty)
        singles = _brochures(url, solutions[:20])
        pack_50 = timed_pack(url, fifty)
        html, images, _ = _pack_html(url, fifty)
        peak = worker_peak_mb(html, images)
        served = _over_http(url, folder, twenty, args.seconds)
    size, cached, plain, direct, queued, shared, idle, busy = (
        served[name] for name in ("size", "cached", "plain", "direct", "queued", "shared", "idle", "busy")
    )

    print(f"20-solution pack, views to PDF:           {pack_20:8.2f} s")
    print(f"20 single brochures, views to PDF:        {singles:8.2f} s")
    print(f"  ratio (pack / brochures): {pack_20 / singles:.3f}")
    print(f"50-item pack ({len(fifty)} items):                {pack_50:8.2f} s")
    print(f"  ratio (50-item pack / 20-solution pack): {pack_50 / pack_20:.3f}")
    print(f"worker peak memory, 50-item pack:         {peak:8.1f} MB")
    rate_cached, rate_static = len(cached) / args.seconds, len(plain) / args.seconds
    print(f"cached pack download ({size:,} bytes):  {rate_cached:8.1f} requests/s")
    print(f"static file of the same size:             {rate_static:8.1f} requests/s")
    print(f"  ratio (cached pack / static file): {rate_cached / rate_static:.3f}")
    rate_shared = len(shared) / args.seconds
    print(f"generated pack through a share link:      {rate_shared:8.1f} requests/s")
    print(f"  ratio (share link / static file): {rate_shared / rate_static:.3f}")
    print(f"20-solution pack rendered in the request: {direct:8.2f} s")
    print(f"same pack as a background job, to done:  {queued:8.2f} s")
    print(f"  ratio (background job / in the request): {queued / direct:.3f}")
    print(f"API p95 idle:                             {p95(idle):8.2f} ms")
    print(f"API p95 while packs render:               {p95(busy):8.2f} ms")
    print(f"  ratio (rendering / idle): {p95(busy) / p95(idle):.3f}")


def _direct_and_background(base: str, folder: str, pdf_url: str, headers: dict[str, str]) -> tuple[float, float]:
    """Seconds to a finished 20-solution pack: rendered while the request waits, then as a background job."""
    documents = Path(folder) / "documents"
    jobs = pdf_url.split("/pack.pdf", 1)[0] + "/renders"
    with httpx.Client(timeout=300, headers=headers) as client:
        shutil.rmtree(documents, ignore_errors=True)
        started = time.perf_counter()
        client.get(pdf_url).raise_for_status()
        direct = time.perf_counter() - started
        shutil.rmtree(documents, ignore_errors=True)
        started = time.perf_counter()
        job = client.post(jobs, json={"languages": ["en"]}).json()[0]
        while client.get(f"{jobs}/{job['id']}").json()["status"] not in ("done", "failed"):
            time.sleep(0.02)
        queued = time.perf_counter() - started
    return direct, queued


def _share_link(base: str, pdf_url: str, headers: dict[str, str]) -> str:
    """The address a delegation downloads its generated English pack at."""
    links = pdf_url.split("/pack.pdf", 1)[0] + "/share-links"
    made = httpx.post(links, json={"days": 7}, headers=headers, timeout=60).json()
    secret = str(made["url"]).rsplit("/", 1)[-1]
    return f"{base}/shared/{secret}/pack.pdf?lang=en"


def _published(database_url: str, kind: str) -> list[dict[str, Any]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    table = "solution" if kind == "solutions" else "case_result"
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT slug FROM {table} WHERE is_published ORDER BY slug"))
        found = [{"slug": row[0]} for row in rows]
    engine.dispose()
    return found


def _http_pack(base: str, items: list[dict[str, str]]) -> tuple[str, str]:
    """An API token of the demo adviser and the address of a 20-solution pack made through the API."""
    with httpx.Client(base_url=base, timeout=300) as client:
        signed = client.post("/api/v1/session", json=ADVISER).json()
        token = client.post("/api/v1/me/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": signed["csrf_token"]})
        secret = token.json()["token"]
        headers = {"Authorization": f"Bearer {secret}"}
        client.cookies.clear()
        made = client.post("/api/v1/delegations/", json=DELEGATION, headers=headers).json()
        etag = client.get(f"/api/v1/delegations/{made['id']}/pack", headers=headers).headers["etag"]
        client.put(
            f"/api/v1/delegations/{made['id']}/pack", json={"items": items}, headers={**headers, "If-Match": etag}
        )
    return secret, f"{base}/api/v1/delegations/{made['id']}/pack.pdf?lang=en"


if __name__ == "__main__":
    main()
