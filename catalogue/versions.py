"""Database table of entry versions: drafts in review and every published version, with who and when."""

import datetime as dt

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.accounts import OUTSIDE_CATALOGUE

_OPEN = "status IN ('draft', 'submitted', 'returned')"


class EntryVersion(BigIntBase):
    """One version of a solution or a case, numbered per entry.

    At most one version per entry is open (draft, submitted or returned); the published one stays
    live in the catalogue tables until an adviser approves the open one.
    """

    __tablename__ = "entry_version"
    __table_args__ = (
        CheckConstraint("(solution_id IS NULL) <> (case_id IS NULL)", name="one_entry"),
        Index("uq_entry_version_solution_number", "solution_id", "number", unique=True),
        Index("uq_entry_version_case_number", "case_id", "number", unique=True),
        Index(
            "uq_entry_version_open_solution",
            "solution_id",
            unique=True,
            sqlite_where=text(f"solution_id IS NOT NULL AND {_OPEN}"),
            postgresql_where=text(f"solution_id IS NOT NULL AND {_OPEN}"),
        ),
        Index(
            "uq_entry_version_open_case",
            "case_id",
            unique=True,
            sqlite_where=text(f"case_id IS NOT NULL AND {_OPEN}"),
            postgresql_where=text(f"case_id IS NOT NULL AND {_OPEN}"),
        ),
        Index("ix_entry_version_status", "status"),
        {"info": OUTSIDE_CATALOGUE},
    )
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_result.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    #: The entry's editable content as JSON (see :mod:`catalogue.content`).
    content: Mapped[str] = mapped_column(Text)
    #: The published version this one was started from.
    based_on: Mapped[int | None] = mapped_column(Integer)
    #: Raised by every save of an open version; with the id it forms the version's ETag.
    lock: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: For a restored version: the number it restored.
    restored_from: Mapped[int | None] = mapped_column(Integer)
