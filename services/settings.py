"""Settings of a running catalogue, read from the environment once."""

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    #: Where the catalogue keeps its files (the SQLite database among them).
    data_dir: Path = PROJECT_ROOT / "var"
    #: Demo catalogue files loaded into an empty database.
    demo_data_dir: Path = PROJECT_ROOT / "data" / "demo"
    debug: bool = False
    #: Address readers reach the catalogue at (canonical and alternate links); default: HOST and PORT.
    public_url: str = ""
    #: Views kept in memory per process while the catalogue is unchanged; 0 turns the cache off.
    view_cache_entries: int = 2048
    #: Processes that render documents.
    render_workers: int = 2
    #: Bytes of rendered documents kept; the least recently used go first.
    document_cache_bytes: int = 2_000_000_000
    #: Mail server for invitations and password resets (``smtp://`` or ``smtps://``, with
    #: ``user:password@`` when it needs them); empty: links are written to the log.
    smtp_url: str = ""
    mail_from: str = "Smart Denmark catalogue <no-reply@localhost>"
    #: Shared queue for pack generations (``redis://…`` or ``postgresql://…``); empty: jobs run beside the app.
    queue_url: str = ""
    queue_name: str = "pack-renders"
    #: Seconds between two looks for pack generations whose runner died (each runner also looks when it starts).
    render_heartbeat_seconds: int = 5
    #: Seconds one pack generation may take at most.
    render_timeout_seconds: int = 900
    #: Whether cookies are sent only over HTTPS; default: whether the public address is HTTPS.
    cookie_secure: bool | None = None

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.base_url.startswith("https://")

    @property
    def base_url(self) -> str:
        """The public address without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """Settings from ``DATABASE_URL``, ``HOST``, ``PORT``, ``PUBLIC_URL``, ``DATA_DIR``, ``VIEW_CACHE_ENTRIES``,
        ``RENDER_WORKERS``, ``DOCUMENT_CACHE_BYTES``, ``SMTP_URL``, ``MAIL_FROM``, ``COOKIE_SECURE``, ``QUEUE_URL``,
        ``QUEUE_NAME``, ``RENDER_HEARTBEAT_SECONDS``, ``RENDER_TIMEOUT_SECONDS`` and ``DEBUG``."""
        data_dir = Path(env.get("DATA_DIR") or PROJECT_ROOT / "var").resolve()
        default_url = f"sqlite:///{data_dir / 'catalogue.sqlite3'}"
        numbers = {}
        defaults = (
            ("PORT", 8000),
            ("VIEW_CACHE_ENTRIES", 2048),
            ("RENDER_WORKERS", 2),
            ("DOCUMENT_CACHE_BYTES", 2 * 10**9),
            ("RENDER_HEARTBEAT_SECONDS", 5),
            ("RENDER_TIMEOUT_SECONDS", 900),
        )
        for name, default in defaults:
            try:
                numbers[name] = int(env.get(name) or default)
            except ValueError as error:
                msg = f"{name} must be a whole number, not {env[name]!r}"
                raise ValueError(msg) from error
        return cls(
            database_url=env.get("DATABASE_URL") or default_url,
            host=env.get("HOST") or "127.0.0.1",
            port=numbers["PORT"],
            view_cache_entries=numbers["VIEW_CACHE_ENTRIES"],
            render_workers=numbers["RENDER_WORKERS"],
            document_cache_bytes=numbers["DOCUMENT_CACHE_BYTES"],
            data_dir=data_dir,
            debug=bool(_flag(env.get("DEBUG"))),
            public_url=env.get("PUBLIC_URL") or "",
            smtp_url=env.get("SMTP_URL") or "",
            mail_from=env.get("MAIL_FROM") or cls.mail_from,
            cookie_secure=_flag(env.get("COOKIE_SECURE")),
            queue_url=env.get("QUEUE_URL") or "",
            queue_name=env.get("QUEUE_NAME") or cls.queue_name,
            render_heartbeat_seconds=numbers["RENDER_HEARTBEAT_SECONDS"],
            render_timeout_seconds=numbers["RENDER_TIMEOUT_SECONDS"],
        )


def _flag(value: str | None) -> bool | None:
    if not value:
        return None
    return value.lower() in {"1", "true", "yes"}
