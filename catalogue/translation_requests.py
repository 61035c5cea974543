"""Database table of translation requests: an adviser asks for an entry in a delegation's language."""

import datetime as dt

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.accounts import OUTSIDE_CATALOGUE


class TranslationRequest(BigIntBase):
    """A request to translate a solution or a case into one language, by the first day it is needed.

    There is one request per entry and language: whether it is fulfilled follows from the entry's
    texts when it is read, so a translation that later becomes outdated opens it again.
    """

    __tablename__ = "translation_request"
    __table_args__ = (
        CheckConstraint("(solution_id IS NULL) <> (case_id IS NULL)", name="one_entry"),
        Index("uq_translation_request_solution_language", "solution_id", "language", unique=True),
        Index("uq_translation_request_case_language", "case_id", "language", unique=True),
        {"info": OUTSIDE_CATALOGUE},
    )
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_result.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    #: The delegation it was asked for; kept when the delegation goes, since the translation is still wanted.
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id", ondelete="SET NULL"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    #: The delegation's first day.
    needed_by: Mapped[dt.date] = mapped_column(Date)
