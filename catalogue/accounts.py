"""Database tables of accounts: users, their sessions and tokens, failed logins and the audit log.

These tables sit outside the catalogue: changing them never raises the catalogue revision.
"""

import datetime as dt
from typing import Any

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

#: Marks a table whose changes leave the catalogue revision alone.
OUTSIDE_CATALOGUE = {"outside_catalogue": True}


class UserAccount(BigIntAuditBase):
    __tablename__ = "user_account"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}  # noqa: RUF012 - SQLAlchemy's declarative form
    #: Stored lower-cased, so that one address is one account.
    email: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    #: The organisation an editor works for; ``None`` for every other role.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    #: The content locales a translator works in.
    locales: Mapped[list[str]] = mapped_column(JsonB, default=list)
    #: Argon2id hash; ``None`` until the invitation is accepted.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    interface_locale: Mapped[str | None] = mapped_column(String(8))


class LoginSession(BigIntBase):
    """A signed-in browser; the cookie holds a secret whose digest is stored here."""

    __tablename__ = "login_session"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}  # noqa: RUF012
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class OneTimeToken(BigIntBase):
    """A single-use, expiring link: an invitation or a password reset."""

    __tablename__ = "one_time_token"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}  # noqa: RUF012
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ApiToken(BigIntBase):
    """A personal token for integrations; it acts with its owner's permissions."""

    __tablename__ = "api_token"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}  # noqa: RUF012
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class LoginFailure(BigIntBase):
    """A failed login, kept for a while to slow down guessing per account and per client."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_account_at", "account", "at"),
        Index("ix_login_failure_client_at", "client", "at"),
        {"info": OUTSIDE_CATALOGUE},
    )
    account: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class AuditEvent(BigIntBase):
    """Something an account did or was refused: who, what, on which entry, when."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"), {"info": OUTSIDE_CATALOGUE})
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)


class UploadedImage(BigIntBase):
    """An image someone uploaded, re-encoded and stored under the digest of its bytes."""

    __tablename__ = "uploaded_image"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}  # noqa: RUF012
    #: ``<sha256>.<extension>``: the file's name in the image folder.
    name: Mapped[str] = mapped_column(String(72), unique=True)
    media_type: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
