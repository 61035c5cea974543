"""Real processes for tests: the app served by ``services.cli serve``, and processes that keep every core busy."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from services.settings import PROJECT_ROOT

#: Seconds a served app may take to answer after it was started.
START_DEADLINE = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedApp:
    """The catalogue served as an operator runs it, in a process group of its own (its rendering processes in it)."""

    def __init__(self, url: str, data_dir: Path, **environment: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DATA_DIR": str(data_dir),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "RENDER_WORKERS": "1",
            **environment,
        }
        self.environment.pop("QUEUE_URL", None)
        self.logs = data_dir.parent
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        """Start the app and wait until it answers."""
        self.starts += 1
        with (self.logs / f"app-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", "--no-seed"],
                cwd=PROJECT_ROOT,
                env=self.environment,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        give_up = time.monotonic() + START_DEADLINE
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise AssertionError(f"the app ended at start:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the app did not answer within {START_DEADLINE} s:\n{self.log()}")

    def kill(self) -> None:
        """End the app and its rendering processes at once, as a crash or ``kill -9`` would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logs.glob("app-*.log")))

    def __enter__(self) -> "ServedApp":
        self.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self.stop()


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
