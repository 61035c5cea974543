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

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """Settings from ``DATABASE_URL``, ``HOST``, ``PORT``, ``DATA_DIR`` and ``DEBUG``."""
        data_dir = Path(env.get("DATA_DIR") or PROJECT_ROOT / "var").resolve()
        default_url = f"sqlite:///{data_dir / 'catalogue.sqlite3'}"
        try:
            port = int(env.get("PORT") or 8000)
        except ValueError as error:
            msg = f"PORT must be a number, not {env['PORT']!r}"
            raise ValueError(msg) from error
        return cls(
            database_url=env.get("DATABASE_URL") or default_url,
            host=env.get("HOST") or "127.0.0.1",
            port=port,
            data_dir=data_dir,
            debug=(env.get("DEBUG") or "").lower() in {"1", "true", "yes"},
        )
