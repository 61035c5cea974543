"""Running the command line in real processes: a clean environment, free ports, servers waited for and stopped;
and what a database holds once they have started."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from catalogue.database import sync_engine
from services.accounts import people
from services.editing.importing import read_catalogue_files
from services.operations.seeding import DEMO_ACCOUNTS
from services.settings import PROJECT_ROOT, VARIABLES
from tests.support.databases import DEMO_DATA

#: How a server told to stop with SIGTERM ends once it has shut down: uvicorn raises the signal again after a
#: graceful shutdown, so that whoever started it sees what ended it.
STOPPED = (0, -signal.SIGTERM)
#: Longest wait for a process to start serving or to stop; generous, for a machine with every core busy.
STARTUP_LIMIT = 180.0
#: The demo catalogue and the addresses of the demo accounts, as a seed loads them.
DEMO_CATALOGUE = read_catalogue_files(DEMO_DATA.glob("*.toml"))
DEMO_EMAILS = [account.email for account in people.read_demo_accounts(DEMO_ACCOUNTS)]


def environment_with(**variables: str) -> dict[str, str]:
    """This process's environment without any catalogue setting, plus ``variables``."""
    environment = {name: value for name, value in os.environ.items() if name not in {v.name for v in VARIABLES}}
    return environment | variables


def children(parent: int) -> dict[int, str]:
    """The running processes whose parent is ``parent``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        # The parent's id is the second field after the command name, which is in parentheses and may hold spaces.
        if int(status.rsplit(")", 1)[1].split()[1]) == parent:
            found[int(entry.name)] = command
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Command:
    """``python -m services.cli ARGUMENTS`` in a process group of its own, its output in a log file."""

    def __init__(self, arguments: list[str], environment: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", *arguments],
                cwd=PROJECT_ROOT,
                env=environment,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait(self, limit: float = STARTUP_LIMIT) -> int:
        return self.process.wait(limit)

    def stop(self, limit: float = 60) -> int:
        """SIGTERM, then the status it ended with."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(limit)

    def stops_cleanly(self) -> bool:
        """Whether SIGTERM ends it after a graceful shutdown."""
        return self.stop() in STOPPED and "Application shutdown complete" in self.output()

    def kill(self) -> None:
        """End the whole process group, whatever state it is in."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


class Server(Command):
    """``serve`` on a port of its own."""

    def __init__(self, environment: dict[str, str], log: Path, *arguments: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", *arguments], environment | {"HOST": "127.0.0.1", "PORT": str(self.port)}, log)

    def wait_until_healthy(self, limit: float = STARTUP_LIMIT) -> None:
        """Return once ``/healthz`` answers 200; fail with the log when the process ends or ``limit`` passes."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"serve ended with {self.process.returncode}:\n{self.output()}"
                raise AssertionError(msg)
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        msg = f"serve did not answer within {limit} s:\n{self.output()}"
        raise AssertionError(msg)


class ServedApp:
    """The catalogue served without a queue, as one machine runs it: started again on the same port and data."""

    def __init__(self, url: str, data_dir: Path, **variables: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = environment_with(DATABASE_URL=url, DATA_DIR=str(data_dir), RENDER_WORKERS="1", **variables)
        self.logs = data_dir.parent
        self.server: Server | None = None
        self.starts = 0

    def start(self) -> None:
        """Start the app and wait until it answers."""
        self.starts += 1
        log = self.logs / f"app-{self.starts}.log"
        self.server = Server(self.environment, log, "--no-seed", port=self.port)
        self.server.wait_until_healthy()

    def kill(self) -> None:
        """End the app and its rendering processes at once, as a crash or ``kill -9`` would."""
        assert self.server is not None
        self.server.kill()

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logs.glob("app-*.log")))

    def __enter__(self) -> "ServedApp":
        self.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        if self.server is not None:
            self.server.kill()


@contextmanager
def busy_cores(count: int | None = None) -> Iterator[list[subprocess.Popen[Any]]]:
    """Processes that spin on every core (or ``count`` of them) for as long as the block runs."""
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
        for _ in range(count or os.cpu_count() or 2)
    ]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait(10)


class Stored:
    """What a database holds: organisation and solution slugs, account addresses, each with how often."""

    def __init__(self, url: str) -> None:
        engine = sync_engine(url)
        try:
            with engine.connect() as connection:
                self.organisations = Counter(connection.scalars(text("SELECT slug FROM organisation")))
                self.solutions = Counter(connection.scalars(text("SELECT slug FROM solution")))
                self.accounts = Counter(connection.scalars(text("SELECT email FROM user_account")))
        finally:
            engine.dispose()

    def is_the_demo_once(self) -> bool:
        return (
            self.organisations == Counter(record.slug for record in DEMO_CATALOGUE.organisations)
            and self.solutions == Counter(record.slug for record in DEMO_CATALOGUE.solutions)
            and self.accounts == Counter(DEMO_EMAILS)
        )
