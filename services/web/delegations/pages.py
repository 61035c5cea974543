"""The pack builder: pages where an export adviser describes a delegation and composes, generates and shares its pack.

Every page works without JavaScript. Each change to the pack is a form that names the pack's
version; a change made to an older version is refused with the page shown again, nothing lost.
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import msgspec
from babel import Locale
from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks
from litestar.params import FromPath
from litestar.response import Redirect

from catalogue.delegations import DelegationRecord
from catalogue.packs import MAX_ITEMS, PackContact, PackItem, PackRecord, ProgrammeDay, Visit, item_key
from i18n.locales import CONTENT_LOCALES, display_name
from services.accounts import people
from services.accounts.accounts import Actor
from services.delegations import (
    building,
    delegations,
    pack_freshness,
    pack_jobs,
    pack_requests,
    packs,
    sharing,
    suggestions,
)
from services.errors import InvalidCatalogueData, InvalidInput, PreconditionFailed
from services.reading import browsing
from services.web.auth import now
from services.web.dependencies import Session, SignedIn
from services.web.editing.pages import SIGNED_IN
from services.web.page_rendering import PAGE_POLICY, content_locale, page_locale, signed_in_page

Form = dict[str, str]


async def _form(request: Request[Any, Any, Any]) -> tuple[Form, list[str]]:
    """The form's single values, and the names of its ticked boxes."""
    data = await request.form()
    values = {key: value for key, value in data.items() if isinstance(value, str)}
    return values, list(data.keys())


def _countries(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).territories
    return sorted(
        ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ"),
        key=lambda pair: pair[1],
    )


def _problems(error: Exception) -> list[str]:
    if isinstance(error, InvalidCatalogueData):
        return error.problems
    if isinstance(error, msgspec.ValidationError):
        return [str(error)]
    if isinstance(error, PreconditionFailed):
        return []  # the page says so in the reader's language
    return [str(error)]


# Delegations


@get("/delegations", include_in_schema=False, dependencies=SIGNED_IN)
async def delegation_list(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[str]:
    found = await delegations.listing(db_session, actor, now())
    return signed_in_page(request, "delegations.html", delegations=found)


async def _delegation_form(
    request: Request[Any, Any, Any],
    db_session: Session,
    values: dict[str, Any],
    action: str,
    status: int = 200,
    problems: list[str] | None = None,
) -> Response[str]:
    locale = page_locale(request)[0]
    return signed_in_page(
        request,
        "delegation_form.html",
        status=status,
        values=values,
        action=action,
        countries=_countries(locale),
        content_languages=[(code, display_name(code)) for code in CONTENT_LOCALES],
        themes=await browsing.list_themes(db_session, content_locale(request)),
        problems=problems or [],
        conflict=status == 412,
    )


_EMPTY = {"name": "", "country": "", "city": "", "organisations": "", "languages": ["en"], "starts_on": "",
          "ends_on": "", "group_size": "", "themes": [], "challenges": "", "notes": "", "etag": ""}  # fmt: skip


@get("/delegations/new", include_in_schema=False, dependencies=SIGNED_IN)
async def new_delegation(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[str]:
    await delegations.listing(db_session, actor, now())  # advisers and administrators only
    return await _delegation_form(request, db_session, dict(_EMPTY), "/delegations")


def _typed(form: Form, ticked: list[str]) -> dict[str, Any]:
    return {
        **{key: form.get(key, "").strip() for key in ("name", "country", "city", "starts_on", "ends_on")},
        "organisations": form.get("organisations", ""),
        "group_size": form.get("group_size", "").strip(),
        "languages": _languages(form.get("main_language", ""), ticked),
        "themes": [key.removeprefix("theme.") for key in ticked if key.startswith("theme.")],
        "challenges": form.get("challenges", "").strip(),
        "notes": form.get("notes", "").strip(),
        "etag": form.get("version", ""),
    }


def _languages(main: str, ticked: list[str]) -> list[str]:
    """The ticked languages with the main one first (ticked or not)."""
    chosen = [key.removeprefix("language.") for key in ticked if key.startswith("language.")]
    return list(dict.fromkeys([main, *chosen])) if main else chosen


def _record(typed: dict[str, Any]) -> DelegationRecord:
    size = typed["group_size"]
    return msgspec.convert(
        {
            **{key: typed[key] for key in ("name", "country", "starts_on", "ends_on", "languages", "themes")},
            "city": typed["city"] or None,
            "organisations": [line.strip() for line in typed["organisations"].splitlines() if line.strip()],
            "group_size": _whole(size) if _whole(size) is not None else size,
            "challenges": typed["challenges"],
            "notes": typed["notes"],
        },
        DelegationRecord,
        strict=False,
    )


@post("/delegations", include_in_schema=False, dependencies=SIGNED_IN)
async def create_delegation(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[Any]:
    typed = _typed(*await _form(request))
    try:
        created = await delegations.create(db_session, actor, _record(typed), now())
    except (msgspec.ValidationError, InvalidCatalogueData, InvalidInput) as error:
        return await _delegation_form(request, db_session, typed, "/delegations", 422, _problems(error))
    return Redirect(f"/delegations/{created.id}", status_code=303)


def _values_of(found: delegations.DelegationView) -> dict[str, Any]:
    return {
        **msgspec.to_builtins(found),
        "city": found.city or "",
        "organisations": "\n".join(found.organisations),
        "group_size": str(found.group_size),
    }


@get("/delegations/{delegation_id:int}/edit", include_in_schema=False, dependencies=SIGNED_IN)
async def edit_delegation(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[str]:
    found = delegations.view_of(await delegations.load(db_session, actor, delegation_id, now()))
    return await _delegation_form(request, db_session, _values_of(found), f"/delegations/{delegation_id}/edit")


@post("/delegations/{delegation_id:int}/edit", include_in_schema=False, dependencies=SIGNED_IN)
async def change_delegation(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[Any]:
    typed = _typed(*await _form(request))
    action = f"/delegations/{delegation_id}/edit"
    try:
        await delegations.replace(db_session, actor, delegation_id, _record(typed), typed["etag"], now())
    except (msgspec.ValidationError, InvalidCatalogueData, InvalidInput, PreconditionFailed) as error:
        current = delegations.view_of(await delegations.load(db_session, actor, delegation_id, now()))
        status = 412 if isinstance(error, PreconditionFailed) else 422
        return await _delegation_form(
            request, db_session, {**typed, "etag": current.etag}, action, status, _problems(error)
        )
    return Redirect(f"/delegations/{delegation_id}", status_code=303)


# The builder


async def _builder(
    request: Request[Any, Any, Any],
    db_session: Session,
    actor: Actor,
    delegation_id: int,
    status: int = 200,
    problems: list[str] | None = None,
) -> Response[str]:
    locale = content_locale(request)
    delegation = await delegations.load(db_session, actor, delegation_id, now())
    pack = await packs.view(db_session, actor, delegation_id, locale, now())
    suggested = await suggestions.suggest(db_session, delegation, locale)
    chosen = {(item.kind, item.slug) for item in pack.items}
    sites = await packs.visit_site_names(db_session, locale)
    return signed_in_page(
        request,
        "builder.html",
        status=status,
        delegation=delegations.view_of(delegation),
        pack=pack,
        suggested=suggested,
        chosen=chosen,
        readiness=await packs.readiness(db_session, actor, delegation_id, now()),
        freshness={entry.language: entry for entry in await pack_freshness.freshness(
            db_session, actor, delegation_id, locale, now())},
        sites=sites,
        problems=problems or [],
        conflict=status == 412,
        max_items=MAX_ITEMS,
    )  # fmt: skip


@get("/delegations/{delegation_id:int}", include_in_schema=False, dependencies=SIGNED_IN)
async def builder(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[str]:
    return await _builder(request, db_session, actor, delegation_id)


def _moved(items: list[PackItem], position: int, step: int) -> list[PackItem]:
    target = position + step
    if not (0 <= position < len(items) and 0 <= target < len(items)):
        return items
    moved = list(items)
    moved[position], moved[target] = moved[target], moved[position]
    return moved


def _whole(value: str) -> int | None:
    """``value`` as a small whole number written in ASCII digits, else ``None``."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def _number(form: Form, name: str) -> int:
    value = _whole(form.get(name, ""))
    if value is None:
        raise InvalidInput(name, "a whole number is needed")
    return value


def _choice(key: str) -> tuple[str, str]:
    """The language and item (``kind:slug``) a readiness field ``choice.LANG.KIND:SLUG`` is about."""
    parts = key.split(".", 2)
    if len(parts) != 3 or ":" not in parts[2]:
        raise InvalidInput(key, "not a readiness choice")
    return parts[1], parts[2]


def _items_change(form: Form, record: PackRecord) -> PackRecord:
    action = form.get("action", "")
    items = list(record.items)
    if action == "add":
        items.append(msgspec.convert({"kind": form.get("kind", ""), "slug": form.get("slug", "")}, PackItem))
    elif action in ("up", "down", "remove"):
        position = _number(form, "position")
        if action == "remove":
            gone = items.pop(position) if position < len(items) else None
            left = {
                code: [key for key in keys if gone is None or key != item_key(gone)]
                for code, keys in record.left_out.items()
            }
            return msgspec.structs.replace(record, items=items, left_out={k: v for k, v in left.items() if v})
        items = _moved(items, position, -1 if action == "up" else 1)
    else:
        raise InvalidInput("action", "use add, remove, up or down")
    return msgspec.structs.replace(record, items=items)


def _letter_change(form: Form, record: PackRecord) -> PackRecord:
    letters = {
        key.removeprefix("letter."): text.strip().replace("\r\n", "\n")
        for key, text in form.items()
        if key.startswith("letter.")
    }
    return msgspec.structs.replace(record, letter={code: text for code, text in letters.items() if text})


def _programme_change(form: Form, record: PackRecord) -> PackRecord:
    days = {day.date: list(day.visits) for day in record.programme}
    if form.get("action") == "remove":
        day, stop = msgspec.convert(form.get("date", ""), dt.date, strict=False), _number(form, "position")
        if day in days and stop < len(days[day]):
            days[day].pop(stop)
    else:
        on = msgspec.convert(form.get("date", ""), dt.date, strict=False)
        visit = msgspec.convert(
            {
                "starts_at": form.get("starts_at", ""),
                "ends_at": form.get("ends_at") or None,
                "visit_site": form.get("visit_site") or None,
                "title": form.get("title", "").strip() or None,
                "host": form.get("host", "").strip() or None,
            },
            Visit,
        )
        days[on] = sorted([*days.get(on, []), visit], key=lambda stop: stop.starts_at)
    programme = [ProgrammeDay(date=day, visits=visits) for day, visits in sorted(days.items()) if visits]
    return msgspec.structs.replace(record, programme=programme)


def _contacts_change(form: Form, record: PackRecord) -> PackRecord:
    contacts = list(record.contacts)
    if form.get("action") == "remove":
        position = _number(form, "position")
        if position < len(contacts):
            contacts.pop(position)
    else:
        fields = {
            name: form.get(name, "").strip() or None for name in ("name", "role", "organisation", "email", "phone")
        }
        contacts.append(msgspec.convert(fields, PackContact))
    return msgspec.structs.replace(record, contacts=contacts)


def _readiness_change(form: Form, record: PackRecord) -> PackRecord:
    left_out = {code: set(keys) for code, keys in record.left_out.items()}
    for key, choice in form.items():
        if not key.startswith("choice."):
            continue
        code, item = _choice(key)
        chosen = left_out.setdefault(code, set())
        if choice == "leave_out":
            chosen.add(item)
        else:
            # Until a requested translation arrives, the fallback text stands in.
            chosen.discard(item)
    return msgspec.structs.replace(
        record, left_out={code: sorted(keys) for code, keys in sorted(left_out.items()) if keys}
    )


_CHANGES: dict[str, Callable[[Form, PackRecord], PackRecord]] = {
    "items": _items_change,
    "letter": _letter_change,
    "programme": _programme_change,
    "contacts": _contacts_change,
    "readiness": _readiness_change,
}


@post("/delegations/{delegation_id:int}/pack/{part:str}", include_in_schema=False, dependencies=SIGNED_IN)
async def change_pack(
    request: Request[Any, Any, Any],
    db_session: Session,
    actor: SignedIn,
    delegation_id: FromPath[int],
    part: FromPath[str],
) -> Response[Any]:
    form, _ = await _form(request)
    change = _CHANGES.get(part)
    locale = content_locale(request)
    try:
        if change is None:
            raise InvalidInput("part", "no such part of a pack")
        mails = await building.change_part(
            db_session, actor, delegation_id, functools.partial(change, form), form.get("version", ""), now(),
            locale=locale, wanted=_wanted(form) if part == "readiness" else (),
            base_url=request.app.state.settings.base_url, page_locale=page_locale(request)[0],
        )  # fmt: skip
    except (msgspec.ValidationError, InvalidCatalogueData, InvalidInput, PreconditionFailed) as error:
        status = 412 if isinstance(error, PreconditionFailed) else 422
        return await _builder(request, db_session, actor, delegation_id, status, _problems(error))
    mailer = request.app.state.mailer
    tasks = BackgroundTasks([BackgroundTask(people.send_quietly, mailer, mail) for mail in mails])
    return Redirect(f"/delegations/{delegation_id}#{part}", status_code=303, background=tasks)


def _wanted(form: Form) -> tuple[tuple[str, str, str], ...]:
    """The translations (language, kind, slug) the readiness form asks for."""
    wanted = []
    for key, choice in form.items():
        if key.startswith("choice.") and choice == "request":
            language, item = _choice(key)
            kind, _, slug = item.partition(":")
            wanted.append((language, kind, slug))
    return tuple(wanted)


# Generating and sharing


async def _generations(
    request: Request[Any, Any, Any],
    db_session: Session,
    actor: Actor,
    delegation_id: int,
    status: int = 200,
    problems: list[str] | None = None,
) -> Response[str]:
    delegation = await delegations.load(db_session, actor, delegation_id, now())
    found = await pack_jobs.renders(db_session, actor, delegation_id, now())
    unfinished = any(job.status in pack_jobs.UNFINISHED for job in found)
    response = signed_in_page(
        request,
        "generations.html",
        status=status,
        delegation=delegations.view_of(delegation),
        renders=found,
        unfinished=unfinished,
        freshness={entry.language: entry for entry in await pack_freshness.freshness(
            db_session, actor, delegation_id, content_locale(request), now())},
        links=await sharing.links(db_session, actor, delegation_id, now()),
        downloads=await sharing.downloads(db_session, actor, delegation_id, request.app.state.download_counts, now()),
        problems=problems or [],
        max_days=sharing.MAX_DAYS,
    )  # fmt: skip
    if unfinished:
        # The page's one script follows the progress through the API.
        response.headers["Content-Security-Policy"] = f"{PAGE_POLICY}; script-src 'self'; connect-src 'self'"
    return response


@get("/delegations/{delegation_id:int}/generations", include_in_schema=False, dependencies=SIGNED_IN)
async def generations(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[str]:
    return await _generations(request, db_session, actor, delegation_id)


@post("/delegations/{delegation_id:int}/generate", include_in_schema=False, dependencies=SIGNED_IN)
async def generate(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[Any]:
    _, ticked = await _form(request)
    languages = [key.removeprefix("language.") for key in ticked if key.startswith("language.")]
    timeout = request.app.state.settings.render_timeout_seconds
    try:
        _, new = await pack_requests.request(db_session, actor, delegation_id, languages, now(), timeout)
    except InvalidInput as error:
        return await _builder(request, db_session, actor, delegation_id, 422, _problems(error))
    for render_id in new:
        await request.app.state.pack_jobs.submit(render_id)
    return Redirect(f"/delegations/{delegation_id}/generations", status_code=303)


@post("/delegations/{delegation_id:int}/share", include_in_schema=False, dependencies=SIGNED_IN)
async def share(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
) -> Response[str]:
    form, ticked = await _form(request)
    days = form.get("days", "30")
    try:
        count = _whole(days)
        if count is None:
            raise InvalidInput("days", f"give a number of days from 1 to {sharing.MAX_DAYS}")
        made = await sharing.create_link(
            db_session, actor, delegation_id, count, "view_only" not in ticked,
            request.app.state.settings.base_url, now(),
        )  # fmt: skip
    except InvalidInput as error:
        return await _generations(request, db_session, actor, delegation_id, 422, problems=_problems(error))
    delegation = delegations.view_of(await delegations.load(db_session, actor, delegation_id, now()))
    return signed_in_page(request, "share_made.html", status=201, delegation=delegation, new_link=made.url)


@post("/delegations/{delegation_id:int}/share/{link_id:int}/revoke", include_in_schema=False, dependencies=SIGNED_IN)
async def revoke(
    db_session: Session, actor: SignedIn, delegation_id: FromPath[int], link_id: FromPath[int]
) -> Redirect:
    await sharing.revoke(db_session, actor, delegation_id, link_id, now())
    return Redirect(f"/delegations/{delegation_id}/generations#sharing", status_code=303)


DELEGATION_PAGES = [
    delegation_list,
    new_delegation,
    create_delegation,
    edit_delegation,
    change_delegation,
    builder,
    change_pack,
    generations,
    generate,
    share,
    revoke,
]
