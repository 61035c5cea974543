"""Settings of a running catalogue, read from the environment once.

Each variable is optional: unset (or empty), its field keeps the default written on the field,
the only place a default is stated. A value the catalogue cannot use is refused by name.
"""

import ipaddress
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import msgspec
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class InvalidSetting(ValueError):
    """A variable of the environment holds a value the catalogue cannot run with; the message names it."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    #: Default (from the environment): a SQLite file in ``data_dir``.
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
    #: Bytes of whole public answers kept in memory per process while the catalogue is unchanged; 0: none.
    answer_cache_bytes: int = 64 * 1024 * 1024
    #: Processes that render documents.
    render_workers: int = 2
    #: Documents a reader asked for that may wait for a rendering process; beyond that: 503 with Retry-After.
    render_queue_limit: int = 16
    #: Bytes of rendered documents kept; the least recently used go first.
    document_cache_bytes: int = 2_000_000_000
    #: Mail server for invitations and password resets (``smtp://``, ``smtp+starttls://`` or ``smtps://``,
    #: with ``user:password@`` when it needs them); empty: links are written to the log.
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
    #: Bearer token Prometheus sends to read ``/metrics``; empty: the endpoint is off.
    metrics_token: str = ""
    #: Proxies whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed (addresses or networks, ``*``: any);
    #: default: none, so that failed logins are counted against the address that really connected.
    forwarded_allow_ips: tuple[str, ...] = ()
    #: Processes serving web requests.
    web_concurrency: int = 1

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
        """Settings from the variables in ``VARIABLES`` (and ``DEBUG``); raises :class:`InvalidSetting` naming a
        variable whose value cannot be used."""
        values: dict[str, Any] = {}
        for variable in VARIABLES:
            text = env.get(variable.name, "").strip()
            if not text:
                continue
            try:
                values[variable.field] = variable.read(text)
            except ValueError as error:
                raise InvalidSetting(variable.name, f"{text!r} is not usable: {error}") from None
        data_dir: Path = values.get("data_dir", _default_of(cls, "data_dir"))
        values.setdefault("database_url", f"sqlite:///{data_dir / 'catalogue.sqlite3'}")
        return cls(**values)

    def check_public_url(self) -> None:
        """Refuse a shared queue without ``PUBLIC_URL``: workers write links into documents, and the address the
        app happens to listen on (a loopback address, often) is not one readers can follow."""
        if self.queue_url and not self.public_url:
            msg = (
                "must be set when QUEUE_URL is: documents carry links to the catalogue, and "
                f"{self.base_url} is only where this process listens (e.g. PUBLIC_URL=https://catalogue.example.org)"
            )
            raise InvalidSetting("PUBLIC_URL", msg)


def _default_of(struct: type[msgspec.Struct], name: str) -> Any:
    [field] = [field for field in msgspec.structs.fields(struct) if field.name == name]
    return field.default


def _whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    expected = f"expected a whole number from {minimum}" + (f" to {maximum}" if maximum is not None else " up")

    def read(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise ValueError(expected) from None
        if number < minimum or (maximum is not None and number > maximum):
            raise ValueError(expected)
        return number

    return read


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(text: str) -> bool:
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    msg = "expected one of " + ", ".join(sorted(_TRUE | _FALSE))
    raise ValueError(msg)


def _text(text: str) -> str:
    return text


def _database_url(text: str) -> str:
    msg = "expected sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        raise ValueError(msg) from None
    if backend not in {"sqlite", "postgresql", "postgres"}:
        raise ValueError(msg)
    return text


def _address(schemes: set[str], example: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.hostname:
            msg = f"expected an address like {example}"
            raise ValueError(msg)
        return text

    return read


def _directory(text: str) -> Path:
    return Path(text).resolve()


def _proxies(text: str) -> tuple[str, ...]:
    """Addresses or networks separated by commas, or ``*`` for any."""
    proxies = tuple(item.strip() for item in text.split(",") if item.strip())
    for proxy in proxies:
        if proxy != "*":
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                msg = f"expected IP addresses or networks (like 10.0.0.0/8) separated by commas, or *; not {proxy!r}"
                raise ValueError(msg) from None
    return proxies


class Variable(NamedTuple):
    """An environment variable, the settings field it sets and how its text is read."""

    name: str
    field: str
    read: Callable[[str], Any]


VARIABLES = (
    Variable("DATABASE_URL", "database_url", _database_url),
    Variable("HOST", "host", _text),
    Variable("PORT", "port", _whole(1, 65535)),
    Variable("PUBLIC_URL", "public_url", _address({"http", "https"}, "https://catalogue.example.org")),
    Variable("DATA_DIR", "data_dir", _directory),
    Variable("VIEW_CACHE_ENTRIES", "view_cache_entries", _whole(0)),
    Variable("ANSWER_CACHE_BYTES", "answer_cache_bytes", _whole(0)),
    Variable("RENDER_WORKERS", "render_workers", _whole(1)),
    Variable("RENDER_QUEUE_LIMIT", "render_queue_limit", _whole(0)),
    Variable("DOCUMENT_CACHE_BYTES", "document_cache_bytes", _whole(0)),
    Variable("SMTP_URL", "smtp_url", _address({"smtp", "smtp+starttls", "smtps"}, "smtp://mail.example.org:25")),
    Variable("MAIL_FROM", "mail_from", _text),
    Variable("COOKIE_SECURE", "cookie_secure", _flag),
    Variable(
        "QUEUE_URL",
        "queue_url",
        _address({"redis", "rediss", "postgresql", "postgres"}, "redis://127.0.0.1:6379/0"),
    ),
    Variable("QUEUE_NAME", "queue_name", _text),
    Variable("RENDER_HEARTBEAT_SECONDS", "render_heartbeat_seconds", _whole(1)),
    Variable("RENDER_TIMEOUT_SECONDS", "render_timeout_seconds", _whole(1)),
    Variable("FORWARDED_ALLOW_IPS", "forwarded_allow_ips", _proxies),
    Variable("WEB_CONCURRENCY", "web_concurrency", _whole(1)),
    Variable("METRICS_TOKEN", "metrics_token", _text),
    Variable("DEBUG", "debug", _flag),
)
