"""Files every instance of the catalogue reads: generated documents and uploaded images, kept by content.

Only used with PostgreSQL, where several machines share one database; with SQLite the data folder
is the only copy. A row is written once and never changed, apart from when it was last used.
"""

import datetime as dt

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.accounts import OUTSIDE_CATALOGUE


class StoredFile(BigIntBase):
    """One file's bytes under the name its content gives it: a document key, or an image's digest and extension."""

    __tablename__ = "stored_file"
    __table_args__ = (
        UniqueConstraint("kind", "name", name="uq_stored_file_kind_name"),
        Index("ix_stored_file_kind_used_at", "kind", "used_at"),
        {"info": OUTSIDE_CATALOGUE},
    )
    #: ``document`` or ``image``.
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    #: SHA-256 of ``data``: checked on every read, and compared when two writers store one name.
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    #: When a machine last fetched the file (or stored it); the least recently used documents go first.
    used_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
