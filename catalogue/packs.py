"""A delegation's pack: the chosen entries in order, the letter, the programme and the contacts."""

import datetime as dt
from typing import Annotated, Any, Literal

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from msgspec import Meta
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.accounts import OUTSIDE_CATALOGUE
from catalogue.records import PLAIN_TEXT_PATTERN, LocaleCode, Record, ShortText, Slug

#: Most entries one pack may hold.
MAX_ITEMS = 60
ItemKind = Literal["solution", "case", "visit_site"]
Time = Annotated[str, Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Letter = Annotated[str, Meta(min_length=1, max_length=8000, pattern=PLAIN_TEXT_PATTERN)]


class Pack(BigIntAuditBase):
    """The pack of one delegation, stored as the adviser composed it."""

    __tablename__ = "pack"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"), unique=True)
    #: The pack's composition as JSON (see :class:`PackRecord`).
    composition: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    lock: Mapped[int] = mapped_column(Integer, default=1)


class PackItem(Record, kw_only=True, frozen=True):
    kind: ItemKind
    slug: Slug


class Visit(Record, kw_only=True, frozen=True):
    """One stop of the programme: a visit site (or a free-text stop such as a dinner) at a time."""

    starts_at: Time
    ends_at: Time | None = None
    visit_site: Slug | None = None
    title: ShortText | None = None
    #: Who receives the group, when known.
    host: ShortText | None = None


class ProgrammeDay(Record, kw_only=True, frozen=True):
    date: dt.date
    visits: Annotated[list[Visit], Meta(max_length=12)] = []


class PackContact(Record, kw_only=True, frozen=True):
    name: ShortText
    role: ShortText | None = None
    organisation: ShortText | None = None
    email: Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)] | None = None
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9 ()-]{6,20}$", max_length=20)] | None = None


class PackRecord(Record, kw_only=True, frozen=True):
    """What an adviser puts in a pack."""

    items: Annotated[list[PackItem], Meta(max_length=MAX_ITEMS)] = []
    #: The cover letter per language; languages without one get the localised template.
    letter: dict[LocaleCode, Letter] = {}
    programme: Annotated[list[ProgrammeDay], Meta(max_length=31)] = []
    contacts: Annotated[list[PackContact], Meta(max_length=20)] = []
    #: Per language, the items (``kind:slug``) left out of that language's document for want of a translation.
    left_out: dict[LocaleCode, Annotated[list[str], Meta(max_length=MAX_ITEMS)]] = {}


def item_key(item: PackItem) -> str:
    return f"{item.kind}:{item.slug}"


def kept_in(record: PackRecord, language: str) -> list[PackItem]:
    """The items ``language``'s document shows: all but those left out of it."""
    left_out = set(record.left_out.get(language, []))
    return [item for item in record.items if item_key(item) not in left_out]


def pack_problems(
    record: PackRecord, starts_on: dt.date, ends_on: dt.date, languages: list[str], known: dict[str, set[str]]
) -> list[str]:
    """What is wrong with a pack beyond the shape of its fields; ``known`` holds the published slugs per kind."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(record.items, start=1):
        if (item.kind, item.slug) in seen:
            problems.append(f"items[{number}]: {item.kind} {item.slug!r} is in the pack twice")
        seen.add((item.kind, item.slug))
        if item.slug not in known[item.kind]:
            problems.append(f"items[{number}]: no published {item.kind.replace('_', ' ')} {item.slug!r}")
    problems += [
        f"letter: {code!r} is not one of the delegation's languages" for code in record.letter if code not in languages
    ]
    keys = {item_key(item) for item in record.items}
    for code, left in record.left_out.items():
        if code not in languages:
            problems.append(f"left_out: {code!r} is not one of the delegation's languages")
        problems += [f"left_out[{code!r}]: {key!r} is not in the pack" for key in left if key not in keys]
    return problems + _programme_problems(record, starts_on, ends_on, known)


def _programme_problems(
    record: PackRecord, starts_on: dt.date, ends_on: dt.date, known: dict[str, set[str]]
) -> list[str]:
    problems = []
    previous: dt.date | None = None
    for number, day in enumerate(record.programme, start=1):
        if not starts_on <= day.date <= ends_on:
            problems.append(f"programme[{number}]: {day.date} is outside the visit ({starts_on} to {ends_on})")
        if previous is not None and day.date <= previous:
            problems.append(f"programme[{number}]: days must be in order, each once")
        previous = day.date
        last = ""
        for stop, visit in enumerate(day.visits, start=1):
            where = f"programme[{number}].visits[{stop}]"
            if visit.starts_at < last:
                problems.append(f"{where}: visits must be in order of time")
            last = visit.starts_at
            if visit.ends_at is not None and visit.ends_at <= visit.starts_at:
                problems.append(f"{where}: ends before it starts")
            if visit.visit_site is None and visit.title is None:
                problems.append(f"{where}: name a visit site or give the stop a title")
            if visit.visit_site is not None and visit.visit_site not in known["visit_site"]:
                problems.append(f"{where}: no visit site {visit.visit_site!r}")
    return problems


class ShareLink(BigIntBase):
    """A link that lets a delegation open its pack without an account; only the secret's digest is kept."""

    __tablename__ = "share_link"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    #: False: the pack opens in the browser for reading, and is not offered for download.
    allow_download: Mapped[bool] = mapped_column(Boolean, default=True)


class PackDownload(BigIntBase):
    """How often a pack was opened in one language on one day; nothing about who opened it."""

    __tablename__ = "pack_download"
    __table_args__ = (
        UniqueConstraint("delegation_id", "language", "day", name="uq_pack_download_delegation_language_day"),
        {"info": OUTSIDE_CATALOGUE},
    )
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    day: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)


class JobRunner(BigIntBase):
    """A process that runs pack generations: the app (without a shared queue) or a queue worker.

    Whether it still runs is not stored: it holds a lock for as long as it lives, which the
    database server or the operating system drops the moment it ends, however it ends.
    """

    __tablename__ = "job_runner"
    # Never reused, so that a lock named by the number of a runner that died is never held again.
    __table_args__ = {"info": OUTSIDE_CATALOGUE, "sqlite_autoincrement": True}
    #: ``app`` or ``worker``.
    kind: Mapped[str] = mapped_column(String(10))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class PackRender(BigIntBase):
    """One generation of a pack in one language: its progress, and once done the file and what went into it."""

    __tablename__ = "pack_render"
    __table_args__ = (
        Index("ix_pack_render_delegation_language", "delegation_id", "language"),
        Index("ix_pack_render_status", "status"),
        # At most one job per pack and language waits to start: a second request joins it.
        Index(
            "uq_pack_render_queued",
            "delegation_id",
            "language",
            unique=True,
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
        {"info": OUTSIDE_CATALOGUE},
    )
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    #: queued, running, done or failed.
    status: Mapped[str] = mapped_column(String(10))
    #: What the job is doing: waiting, loading, rendering, storing or finished.
    stage: Mapped[str] = mapped_column(String(10))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    #: When its runner last recorded its progress (or when it was queued).
    touched_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    #: While running: the runner whose attempt it is, the attempt being number ``attempts``.
    runner_id: Mapped[int | None] = mapped_column(ForeignKey("job_runner.id"))
    #: The document cache key of the finished file.
    document_key: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(200))
    #: The versions of the delegation, the pack and each entry the file is made from (recorded when an attempt starts).
    versions: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
