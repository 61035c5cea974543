"""Settings from the environment: every variable optional with its documented default, each one read alone,
unusable values refused by name, a shared queue refused without a public address, and README in step."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from services.settings import PROJECT_ROOT, VARIABLES, InvalidSetting, Settings
from tests.support.serving import environment_with

#: What README's configuration table promises when nothing is set.
DOCUMENTED = Settings(
    database_url=f"sqlite:///{PROJECT_ROOT / 'var' / 'catalogue.sqlite3'}",
    host="127.0.0.1",
    port=8000,
    data_dir=PROJECT_ROOT / "var",
    public_url="",
    view_cache_entries=2048,
    answer_cache_bytes=67_108_864,
    render_workers=2,
    document_cache_bytes=2_000_000_000,
    smtp_url="",
    mail_from="Smart Denmark catalogue <no-reply@localhost>",
    cookie_secure=None,
    queue_url="",
    queue_name="pack-renders",
    render_heartbeat_seconds=5,
    render_timeout_seconds=900,
    forwarded_allow_ips=(),
    web_concurrency=1,
    debug=False,
)

#: Each variable alone, and the fields it changes from the documented defaults.
ALONE: list[tuple[str, str, dict[str, Any]]] = [
    ("DATABASE_URL", "postgresql://app@db.example:5432/catalogue",
     {"database_url": "postgresql://app@db.example:5432/catalogue"}),
    ("HOST", "0.0.0.0", {"host": "0.0.0.0"}),
    ("PORT", "9000", {"port": 9000}),
    ("PUBLIC_URL", "https://catalogue.example.org/", {"public_url": "https://catalogue.example.org/"}),
    ("DATA_DIR", "/srv/catalogue",
     {"data_dir": Path("/srv/catalogue"), "database_url": "sqlite:////srv/catalogue/catalogue.sqlite3"}),
    ("VIEW_CACHE_ENTRIES", "0", {"view_cache_entries": 0}),
    ("ANSWER_CACHE_BYTES", "0", {"answer_cache_bytes": 0}),
    ("RENDER_WORKERS", "4", {"render_workers": 4}),
    ("RENDER_QUEUE_LIMIT", "3", {"render_queue_limit": 3}),
    ("DOCUMENT_CACHE_BYTES", "5000000", {"document_cache_bytes": 5_000_000}),
    ("SMTP_URL", "smtp+starttls://user:secret@mail.example.org:587",
     {"smtp_url": "smtp+starttls://user:secret@mail.example.org:587"}),
    ("MAIL_FROM", "Catalogue <catalogue@example.org>", {"mail_from": "Catalogue <catalogue@example.org>"}),
    ("COOKIE_SECURE", "off", {"cookie_secure": False}),
    ("QUEUE_URL", "redis://127.0.0.1:6379/0", {"queue_url": "redis://127.0.0.1:6379/0"}),
    ("QUEUE_NAME", "brochures", {"queue_name": "brochures"}),
    ("RENDER_HEARTBEAT_SECONDS", "20", {"render_heartbeat_seconds": 20}),
    ("RENDER_TIMEOUT_SECONDS", "60", {"render_timeout_seconds": 60}),
    ("FORWARDED_ALLOW_IPS", "10.0.0.1, 192.168.0.0/16,::1",
     {"forwarded_allow_ips": ("10.0.0.1", "192.168.0.0/16", "::1")}),
    ("WEB_CONCURRENCY", "3", {"web_concurrency": 3}),
    ("METRICS_TOKEN", "a-long-secret", {"metrics_token": "a-long-secret"}),
    ("DEBUG", "true", {"debug": True}),
]  # fmt: skip


def test_nothing_set_gives_the_documented_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == DOCUMENTED
    assert (settings.base_url, settings.secure_cookies) == ("http://127.0.0.1:8000", False)


def test_empty_variables_count_as_unset() -> None:
    assert Settings.from_env({variable.name: "" for variable in VARIABLES}) == DOCUMENTED


@pytest.mark.parametrize(("variable", "value", "changes"), ALONE, ids=[case[0] for case in ALONE])
def test_each_variable_alone_changes_only_its_own_settings(variable: str, value: str, changes: dict[str, Any]) -> None:
    assert Settings.from_env({variable: value}) == msgspec.structs.replace(DOCUMENTED, **changes)


def test_every_variable_is_tried_alone() -> None:
    assert [case[0] for case in ALONE] == [variable.name for variable in VARIABLES]


def test_a_queue_or_a_mail_server_alone_takes_the_default_name_and_sender() -> None:
    settings = Settings.from_env({"QUEUE_URL": "redis://127.0.0.1:6379/0", "SMTP_URL": "smtp://127.0.0.1:25"})
    assert settings.queue_name == "pack-renders"
    assert settings.mail_from == "Smart Denmark catalogue <no-reply@localhost>"


def test_the_public_address_decides_links_and_cookies() -> None:
    settings = Settings.from_env({"PUBLIC_URL": "https://catalogue.example.org/"})
    assert (settings.base_url, settings.secure_cookies) == ("https://catalogue.example.org", True)
    assert Settings.from_env({"HOST": "10.1.2.3", "PORT": "8080"}).base_url == "http://10.1.2.3:8080"


BAD = [
    ("DATABASE_URL", "mysql://app@db.example/catalogue"),
    ("DATABASE_URL", "catalogue.sqlite3"),
    ("PORT", "eighty"),
    ("PORT", "0"),
    ("PORT", "70000"),
    ("PUBLIC_URL", "catalogue.example.org"),
    ("PUBLIC_URL", "ftp://catalogue.example.org"),
    ("VIEW_CACHE_ENTRIES", "-1"),
    ("ANSWER_CACHE_BYTES", "-1"),
    ("RENDER_WORKERS", "0"),
    ("DOCUMENT_CACHE_BYTES", "2GB"),
    ("SMTP_URL", "mail.example.org"),
    ("COOKIE_SECURE", "maybe"),
    ("QUEUE_URL", "amqp://127.0.0.1:5672"),
    ("RENDER_HEARTBEAT_SECONDS", "0"),
    ("RENDER_TIMEOUT_SECONDS", "1.5"),
    ("FORWARDED_ALLOW_IPS", "10.0.0.0/8, proxy.example.org"),
    ("WEB_CONCURRENCY", "0"),
    ("RENDER_QUEUE_LIMIT", "-1"),
    ("DEBUG", "verbose"),
]


@pytest.mark.parametrize(("variable", "value"), BAD, ids=[f"{name}={value}" for name, value in BAD])
def test_an_unusable_value_is_refused_by_name(variable: str, value: str) -> None:
    with pytest.raises(InvalidSetting) as refused:
        Settings.from_env({variable: value})
    assert refused.value.variable == variable
    assert str(refused.value).startswith(f"{variable}: {value!r} is not usable: expected ")


def test_a_shared_queue_needs_the_public_address() -> None:
    with pytest.raises(InvalidSetting, match=r"^PUBLIC_URL: must be set when QUEUE_URL is") as refused:
        Settings.from_env({"QUEUE_URL": "redis://127.0.0.1:6379/0"}).check_public_url()
    assert refused.value.variable == "PUBLIC_URL"
    Settings.from_env({"QUEUE_URL": "redis://127.0.0.1:6379/0", "PUBLIC_URL": "https://c.example"}).check_public_url()
    Settings.from_env({}).check_public_url()


@pytest.mark.parametrize("command", ["serve", "render-worker"])
def test_serving_or_working_from_a_shared_queue_without_a_public_address_does_not_start(
    command: str, tmp_path: Path
) -> None:
    environment = environment_with(DATA_DIR=str(tmp_path), QUEUE_URL="redis://127.0.0.1:6379/0")
    ended = subprocess.run(
        [sys.executable, "-m", "services.cli", command],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ended.returncode == 2, ended.stderr
    assert ended.stderr.startswith("cannot start: PUBLIC_URL: must be set when QUEUE_URL is")
    assert "Traceback" not in ended.stderr
    assert not (tmp_path / "catalogue.sqlite3").exists()  # refused before touching the database


def test_a_command_with_an_unusable_setting_does_not_start(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-m", "services.cli", "migrate"],
        cwd=PROJECT_ROOT,
        env=environment_with(DATA_DIR=str(tmp_path), PORT="eighty"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (ended.returncode, ended.stderr.strip()) == (
        2,
        "cannot start: PORT: 'eighty' is not usable: expected a whole number from 1 to 65535",
    )


def _readme_table() -> dict[str, str]:
    """README's configuration table: each variable and the default it states."""
    section = (PROJECT_ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for row in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| ([^|]+) \|", section, flags=re.MULTILINE):
        names = re.findall(r"`([A-Z_]+)`", row[0])
        defaults = [part.strip() for part in row[1].split(",")] if len(names) > 1 else [row[1].strip()]
        table.update(zip(names, defaults, strict=True))
    return table


def test_readme_lists_every_variable_with_the_default_it_has() -> None:
    table = _readme_table()
    assert set(table) == {variable.name for variable in VARIABLES} | {"TEST_POSTGRES_URL"}
    # Defaults derived from other variables are described in words there.
    derived = {"DATABASE_URL", "DATA_DIR", "PUBLIC_URL", "COOKIE_SECURE", "TEST_POSTGRES_URL"}
    for variable in VARIABLES:
        if variable.name in derived:
            continue
        default = getattr(DOCUMENTED, variable.field)
        stated = table[variable.name]
        if default in ("", ()):
            assert stated == "empty", variable.name
        elif isinstance(default, bool):
            assert stated == ("on" if default else "off"), variable.name
        else:
            assert stated == f"`{default}`", variable.name
