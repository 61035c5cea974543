"""Serving for real: whose X-Forwarded-For is believed, and several web processes that stop on SIGTERM."""

import asyncio
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from catalogue.database import sync_engine
from services.accounts.accounts import MAX_FAILURES_PER_CLIENT
from services.web.serving import listening_socket
from tests.support.databases import EmptyDatabase
from tests.support.serving import STARTUP_LIMIT, Server, Stored, children, environment_with

pytestmark = pytest.mark.slow


def _clients_counted(url: str) -> set[str]:
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(text("SELECT client FROM login_failure")))
    finally:
        engine.dispose()


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"], ids=["no-proxy-trusted", "local-proxy-trusted"])
def test_forwarded_for_counts_only_when_it_comes_from_a_listed_proxy(
    trusted: str, backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    # Unset, not empty, when nothing is trusted: the default is what is tried.
    proxies = {"FORWARDED_ALLOW_IPS": trusted} if trusted else {}
    environment = environment_with(DATABASE_URL=url, DATA_DIR=str(tmp_path), **proxies)
    server = Server(environment, tmp_path / "serve.log", "--no-seed")
    try:
        server.wait_until_healthy()
        with httpx.Client(base_url=server.url, timeout=60) as client:

            def sign_in(n: int) -> int:
                credentials = {"email": f"nobody-{n}@example.org", "password": "not the password"}
                forwarded = {"X-Forwarded-For": f"203.0.113.{n}"}
                return client.post("/api/v1/session", json=credentials, headers=forwarded).status_code

            # Each failure names another account and another client, so only the per-client limit can be reached.
            assert [sign_in(n) for n in range(MAX_FAILURES_PER_CLIENT)] == [401] * MAX_FAILURES_PER_CLIENT
            if trusted:
                assert sign_in(MAX_FAILURES_PER_CLIENT) == 401
                assert _clients_counted(url) == {f"203.0.113.{n}" for n in range(MAX_FAILURES_PER_CLIENT + 1)}
            else:
                assert sign_in(MAX_FAILURES_PER_CLIENT) == 429  # all of them came from one address
                assert _clients_counted(url) == {"127.0.0.1"}
        assert server.stops_cleanly(), server.output()
    finally:
        server.kill()


def test_web_concurrency_serves_from_that_many_processes_and_stops_on_sigterm(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    environment = environment_with(
        DATABASE_URL=url, DATA_DIR=str(tmp_path), WEB_CONCURRENCY="2", RENDER_WORKERS="1", METRICS_TOKEN="scrape"
    )
    server = Server(environment, tmp_path / "serve.log")
    try:
        server.wait_until_healthy()
        # The first worker up answers; the second may still be starting.
        deadline = time.monotonic() + STARTUP_LIMIT
        while server.output().count("Application startup complete") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = {pid for pid, command in children(server.process.pid).items() if "spawn_main" in command}
        assert len(workers) == 2, children(server.process.pid)
        with httpx.Client(base_url=server.url, timeout=60) as client:
            answers = [client.get("/api/v1/themes", headers={"Connection": "close"}) for _ in range(10)]
        assert {answer.status_code for answer in answers} == {200}
        assert all(answer.json() for answer in answers)
        # Whichever process answers /metrics, it adds up the figures of both.
        for _ in range(4):
            scraped = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer scrape"}, timeout=60)
            assert scraped.status_code == 200
            served = re.search(r'catalogue_requests_total\{[^}]*path="/api/v1/themes"[^}]*\} (\S+)', scraped.text)
            assert served is not None and float(served.group(1)) == 10.0, scraped.text
        log = server.output()
        # Migrated and seeded once, by the parent, before the workers started; then each worker started serving.
        assert log.count("Running upgrade  -> 0001") == 1
        assert Stored(url).is_the_demo_once()
        for pid in workers:
            assert f"Started server process [{pid}]" in log
        assert log.count("Application startup complete") == 2
        assert server.stop() == 0, server.output()
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
        assert "Traceback" not in server.output(), server.output()
    finally:
        server.kill()


def test_worker_processes_accept_connections_with_nagle_off() -> None:
    # Nagle's algorithm on a kept-alive connection holds each answer's second piece until the
    # client's delayed acknowledgement: about 40 ms a request. asyncio turns it off for TCP sockets.
    config = uvicorn.Config("services.web.serving:serving_app", factory=True, host="127.0.0.1", port=0, workers=2)
    listener = listening_socket(config)
    assert listener.proto == socket.IPPROTO_TCP

    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[int] = loop.create_future()

        class Accepted(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                connection = transport.get_extra_info("socket")
                seen.set_result(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Accepted, sock=listener)
        try:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(seen, 30)
            writer.close()
            return value
        finally:
            server.close()

    assert asyncio.run(accepted_nodelay()) != 0
