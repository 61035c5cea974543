"""The catalogue served by a real ``python -m services.cli serve`` process, for tests that need one."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from services.settings import PROJECT_ROOT

#: Longest a served process may take to answer its first request.
START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedApp:
    """``serve`` in a process group of its own, with ``environment`` on top of this process's own."""

    def __init__(self, database_url: str, data_dir: Path, log: Path, **environment: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(data_dir),
            "PORT": str(self.port),
            **environment,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *arguments: str) -> "ServedApp":
        """Start the process and wait until it answers ``/healthz``."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", *arguments],
                cwd=PROJECT_ROOT,
                env=self.environment,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"serve ended with {self.process.returncode}:\n{self.log.read_text()}"
                raise RuntimeError(msg)
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        msg = f"serve did not answer within {START_SECONDS} s:\n{self.log.read_text()}"
        raise RuntimeError(msg)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """End the process and everything it started."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def __enter__(self) -> "ServedApp":
        return self.start() if self.process is None else self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
