"""Pages for editing entries per language beside their source, and for reviewing what editors submit.

They work without JavaScript: every action is a form that names the version it was made to, so a
conflicting save is shown to the editor with what they typed kept, never lost.
"""

import functools
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Redirect

from catalogue.content import TEXT_FIELDS, CaseContent, Content, EntryKind, ImageRef, SolutionContent
from catalogue.records import is_slug
from catalogue.vocabulary import UNITS, Maturity, OutcomeMethod, VersionStatus
from i18n.catalogues import translations
from i18n.locales import Locale, display_name
from services.accounts import people
from services.accounts.accounts import Actor
from services.delegations import reach
from services.editing import editing, image_store, review, saving
from services.editing import permissions as may
from services.editing.images import RefusedImage
from services.errors import Conflict, Forbidden, InvalidCatalogueData, InvalidInput, PreconditionFailed
from services.reading import browsing
from services.translation import glossary, translation_requests, translation_work
from services.translation import permissions as translation_permissions
from services.translation.translation_files import InvalidTranslationFile
from services.web.auth import now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.editing import images_api
from services.web.editing.outcome_form import (
    Figures,
    new_outcome,
    new_outcome_typed,
    number_locale_of,
    outcome_rows,
    shown_value,
    typed_outcome,
)
from services.web.locale import named_locale
from services.web.page_rendering import content_locale, page_locale, signed_in_page
from services.web.translation.api import decode

_KINDS: dict[str, EntryKind] = {"solutions": "solution", "cases": "case"}
SIGNED_IN = {"actor": Provide(provide_signed_in)}
#: Fields shown as several lines.
_LONG = frozenset({"description", "benefits", "challenge", "approach", "summary"})


def _kind(segment: str) -> EntryKind:
    from services.errors import NotFound

    if segment not in _KINDS:
        raise NotFound("kind of entry", segment)
    return _KINDS[segment]


async def _requested(db_session: Session, actor: Actor, locale: Locale) -> list[translation_requests.RequestView]:
    """The translation requests ``actor`` sees that are not fulfilled yet."""
    return [
        found for found in await translation_requests.open_requests(db_session, actor, locale) if not found.fulfilled
    ]


async def _workspace(
    request: Request[Any, Any, Any],
    db_session: Session,
    actor: Actor,
    status: int = 200,
    problems: list[str] | None = None,
) -> Response[str]:
    locale = content_locale(request)
    entries = await review.entries_for(db_session, actor, locale)
    queue = await review.review_queue(db_session, actor, now()) if may.reviews(actor) else []
    return signed_in_page(
        request,
        "workspace.html",
        status=status,
        actor=actor,
        reviews=may.reviews(actor),
        entries=entries,
        queue=queue,
        titles={(entry.kind, entry.slug): entry.title for entry in entries},
        themes=await browsing.list_themes(db_session, locale),
        maturities=[m.value for m in Maturity],
        organisations=await people.organisation_names(db_session) if may.reviews(actor) else [],
        reach=await reach.own_reach(db_session, actor, locale),
        requests=await _requested(db_session, actor, locale) if may.shapes_entries(actor) else [],
        problems=problems or [],
    )


@get("/workspace", include_in_schema=False, dependencies=SIGNED_IN)
async def workspace(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[str]:
    return await _workspace(request, db_session, actor)


@post("/workspace/solutions", include_in_schema=False, dependencies=SIGNED_IN)
async def add_solution(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[Any]:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    source = form.get("source_locale", "da")
    texts = {name: {source: text} if (text := form.get(name, "").strip()) else {} for name in TEXT_FIELDS["solution"]}
    themes = [key.removeprefix("theme.") for key in form if key.startswith("theme.")]
    slug = form.get("slug", "").strip().lower()
    try:
        if not is_slug(slug):
            raise InvalidInput("slug", "use lower-case letters, digits and hyphens, such as rain-garden-kit")
        content = msgspec.convert({"themes": themes, "maturity": form.get("maturity", ""), **texts}, SolutionContent)
        owner = form.get("organisation") or None
        await editing.create_entry(
            db_session, actor, "solution", slug, content, now(), source_locale=source, organisation=owner
        )
    except (msgspec.ValidationError, InvalidInput, InvalidCatalogueData, Conflict, Forbidden) as error:
        problems = error.problems if isinstance(error, InvalidCatalogueData) else [str(error)]
        return await _workspace(request, db_session, actor, status=422, problems=problems)
    return Redirect(f"/edit/solutions/{slug}?locale={source}", status_code=303)


def _fields(kind: EntryKind, content: Content, source: str, locale: str, typed: Content | None) -> list[dict[str, Any]]:
    rows = []
    for field in TEXT_FIELDS[kind]:
        texts: dict[str, str] = getattr(content, field)
        mine: dict[str, str] = getattr(typed or content, field)
        rows.append(
            {
                "name": field,
                "source": texts.get(source, ""),
                "value": mine.get(locale, ""),
                "saved": texts.get(locale, ""),
                "long": field in _LONG,
            }
        )
    return rows


async def _edit_page(
    request: Request[Any, Any, Any],
    db_session: Session,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    locale: str,
    *,
    typed: Content | None = None,
    problem: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
    posted: dict[str, str] | None = None,
    number_locale: str | None = None,
) -> Response[str]:
    """The edit form; after a refused save, ``posted`` holds what was typed, shown again as it was."""
    number_locale = number_locale or page_locale(request)[0]
    copy = await editing.working_copy(db_session, actor, kind, slug)
    source = copy.source_locale
    locales = may.editable_locales(actor, source)
    if locale not in locales:
        locale = locales[0] if source not in locales else source
    locale = Locale(locale)  # one of the content locales by now
    content = copy.content
    themes = await browsing.list_themes(db_session, content_locale(request))
    rows = _fields(kind, content, source, locale, typed)
    terms = glossary.load()
    used = {} if locale == source else {
        (use.source_term, use.target_term): use
        for row in rows for use in glossary.terms_in(row["source"], source, locale, terms)
    }  # fmt: skip
    texts = {row["name"]: (row["source"], row["value"]) for row in rows}
    text_states = await translation_work.states(db_session, actor, kind, slug, locale)
    findings = [] if locale == source else glossary.check(texts, source, locale, terms)
    return signed_in_page(
        request,
        "edit_entry.html",
        status=status,
        copy=copy,
        kind=kind,
        segment="solutions" if kind == "solution" else "cases",
        target=locale,
        source=source,
        locales=[(code, display_name(code)) for code in locales],
        fields=rows,
        terms=list(used.values()),
        states=text_states,
        findings=findings,
        outcomes=outcome_rows(typed or content, source, locale, number_locale, posted),
        new_outcome=new_outcome_typed(posted),
        number_locale=number_locale,
        methods=[m.value for m in OutcomeMethod],
        units=sorted(UNITS),
        images=[
            {
                "number": n,
                "url": f"/images/{ref.image}",
                "source_alt": ref.alt.get(source, ""),
                "alt": ref.alt.get(locale, ""),
                "remove": bool(posted and posted.get(f"image.{n}.remove")),
            }
            for n, ref in enumerate((typed or content).images)
        ],
        uploads=may.shapes_entries(actor) and locale == source,
        discardable=may.shapes_entries(actor) and copy.status is not VersionStatus.PUBLISHED,
        structure=may.shapes_entries(actor) and locale == source,
        content=typed or content,
        maturities=[m.value for m in Maturity],
        themes=themes,
        problem=problem,
        problems=problems or [],
    )


@get("/edit/{segment:str}/{slug:str}", include_in_schema=False, dependencies=SIGNED_IN)
async def edit_form(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[str]:
    locale = request.query_params.get("locale") or ""
    return await _edit_page(request, db_session, actor, _kind(segment), slug, locale)


def _with_text(texts: dict[str, str], locale: str, value: str) -> dict[str, str]:
    """``texts`` with ``value`` in ``locale``; an empty value removes that locale's text."""
    changed = dict(texts)
    value = value.replace("\r\n", "\n").strip()
    if value:
        changed[locale] = value
    else:
        changed.pop(locale, None)
    return changed


def _typed(kind: EntryKind, content: Content, locale: str, figures: Figures, structure: bool) -> Content:
    """``content`` with what the form changed: texts in ``locale``, and structure when it was shown.

    Figures the form's locale cannot read are left as they were and listed in ``figures.refusals``.
    """
    form = figures.form
    changes: dict[str, Any] = {
        field: _with_text(getattr(content, field), locale, form.get(f"text.{field}", "")) for field in TEXT_FIELDS[kind]
    }
    if isinstance(content, SolutionContent) and structure:
        if form.get("maturity") in {m.value for m in Maturity}:
            changes["maturity"] = Maturity(form["maturity"])
        changes["themes"] = [key.removeprefix("theme.") for key in form if key.startswith("theme.")]
    changes["images"] = [
        msgspec.structs.replace(ref, alt=_with_text(ref.alt, locale, form.get(f"image.{number}.alt", "")))
        for number, ref in enumerate(content.images)
        if not (structure and form.get(f"image.{number}.remove"))
    ]
    if isinstance(content, CaseContent):
        changes["outcomes"] = [
            typed_outcome(
                outcome,
                number,
                _with_text(outcome.label, locale, form.get(f"outcome.{number}.label", "")),
                figures,
                structure=structure,
            )
            for number, outcome in enumerate(content.outcomes)
            if not (structure and form.get(f"outcome.{number}.remove"))
        ]
        if structure and form.get("new.metric", "").strip() and (added := new_outcome(locale, figures)):
            changes["outcomes"].append(added)
    return msgspec.structs.replace(content, **changes)


@post("/edit/{segment:str}/{slug:str}", include_in_schema=False, dependencies=SIGNED_IN)
async def save_form(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[Any]:
    kind = _kind(segment)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    locale = named_locale(form.get("locale", ""), parameter="locale")
    copy = await editing.working_copy(db_session, actor, kind, slug)
    structure = may.shapes_entries(actor) and locale == copy.source_locale
    reader_locale = page_locale(request)[0]
    number_locale = number_locale_of(form, reader_locale)
    figures = Figures(form, number_locale, translations(reader_locale).gettext)
    try:
        typed = _typed(kind, copy.content, locale, figures, structure)
    except InvalidInput as error:
        figures.refusals.append(str(error))
    if figures.refusals:
        # Shown again in its rows as they were, none removed or added, so that each field keeps what was typed.
        kept = {key: value for key, value in form.items() if not key.endswith(".remove") and not key.startswith("new.")}
        shown = _typed(kind, copy.content, locale, Figures(kept, number_locale, figures.gettext), structure)
        return await _edit_page(
            request, db_session, actor, kind, slug, locale, typed=shown, problem="invalid", problems=figures.refusals,
            status=422, posted=form, number_locale=number_locale,
        )  # fmt: skip
    etag = form.get("etag", "")
    confirmations = [key.removeprefix("confirm.") for key in form if key.startswith("confirm.")]
    try:
        await saving.save_edit(
            db_session, actor, kind, slug, locale, typed, etag, now(),
            submit=form.get("action") == "submit", confirmations=confirmations,
        )  # fmt: skip
    except PreconditionFailed:
        return await _edit_page(
            request, db_session, actor, kind, slug, locale, typed=typed, problem="conflict", status=409
        )
    except (InvalidCatalogueData, InvalidInput, Forbidden, Conflict) as error:
        problems = error.problems if isinstance(error, InvalidCatalogueData) else [str(error)]
        return await _edit_page(
            request,
            db_session,
            actor,
            kind,
            slug,
            locale,
            typed=typed,
            problem="invalid",
            problems=problems,
            status=422,
        )
    done = "submitted" if form.get("action") == "submit" else "saved"
    return Redirect(f"/edit/{segment}/{slug}?locale={locale}&done={done}", status_code=303)


@get("/review/{segment:str}/{slug:str}", include_in_schema=False, dependencies=SIGNED_IN)
async def review_page(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[str]:
    kind = _kind(segment)
    found = await review.review(db_session, actor, kind, slug)
    history = await review.history(db_session, actor, kind, slug)
    return signed_in_page(
        request, "review.html", review=found, history=history, segment=segment, slug=slug, actor=actor,
        reviews=may.reviews(actor), submitted=found.copy.status is VersionStatus.SUBMITTED,
        shown=functools.partial(shown_value, locale=page_locale(request)[0]),
    )  # fmt: skip


@post("/review/{segment:str}/{slug:str}", include_in_schema=False, dependencies=SIGNED_IN)
async def decide(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[Any]:
    kind = _kind(segment)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    comment = form.get("comment", "").strip()[:4000]
    etag = form.get("etag", "")
    if form.get("decision") == "approve":
        await review.approve(db_session, actor, kind, slug, etag, now(), comment or None)
    elif form.get("decision") == "return":
        if not comment:
            raise InvalidInput("comment", "say what the editors should change")
        await review.return_draft(db_session, actor, kind, slug, etag, comment, now())
    else:
        raise InvalidInput("decision", "approve or return")
    return Redirect("/workspace", status_code=303)


EDITING_PAGES = [workspace, add_solution, edit_form, save_form, review_page, decide]


@get("/translations", include_in_schema=False, dependencies=SIGNED_IN)
async def translations_page(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[str]:
    locale = content_locale(request)
    report = await translation_work.completeness(db_session, actor, locale)
    targets = translation_permissions.target_locales(actor, report.locales)
    return signed_in_page(
        request, "translations.html", report=report, targets=targets, actor=actor,
        imported=request.query_params.get("imported"), problems=[],
        requests=await _requested(db_session, actor, locale),
    )  # fmt: skip


@post("/translations/import", include_in_schema=False, dependencies=SIGNED_IN, request_max_body_size=5_000_000)
async def import_translations(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[Any]:
    form = await request.form()
    upload = form.get("file")
    problems: list[str] = []
    if not isinstance(upload, UploadFile):
        problems = ["choose a file"]
    else:
        data = await upload.read()
        kind = "po" if data.lstrip().startswith((b"#", b"msgid", b"msgctxt")) else "xliff"
        try:
            result = await translation_work.import_file(db_session, actor, decode(data, kind), now())
        except InvalidTranslationFile as error:
            problems = error.problems
        except InvalidCatalogueData as error:
            problems = error.problems
        except (Conflict, Forbidden, InvalidInput, PreconditionFailed) as error:
            problems = [str(error)]
        else:
            return Redirect(f"/translations?imported={result.changed}", status_code=303)
    locale = content_locale(request)
    report = await translation_work.completeness(db_session, actor, locale)
    targets = translation_permissions.target_locales(actor, report.locales)
    return signed_in_page(
        request, "translations.html", status=422, report=report, targets=targets, actor=actor,
        imported=None, problems=problems, requests=await _requested(db_session, actor, locale),
    )  # fmt: skip


@post(
    "/edit/{segment:str}/{slug:str}/images",
    include_in_schema=False,
    dependencies=SIGNED_IN,
    request_max_body_size=images_api.MAX_UPLOAD_BYTES,
)
async def add_image(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[Any]:
    kind = _kind(segment)
    form = await request.form()
    upload, alt = form.get("file"), form.get("alt")
    locale = str(form.get("locale", ""))
    copy = await editing.working_copy(db_session, actor, kind, slug)
    problem = None
    if not isinstance(upload, UploadFile):
        problem = "choose an image file"
    elif not isinstance(alt, str) or not alt.strip():
        problem = "describe the image for readers who cannot see it"
    if problem is not None:
        return await _edit_page(
            request, db_session, actor, kind, slug, locale, problem="invalid", problems=[problem], status=422
        )
    assert isinstance(upload, UploadFile) and isinstance(alt, str)
    try:
        image = await image_store.store_image(
            db_session, actor, await upload.read(), images_api.image_files(request), now()
        )
        content = copy.content
        added = ImageRef(image=image.name, alt={copy.source_locale: alt.strip()[:500]})
        content = msgspec.structs.replace(content, images=[*content.images, added])
        await editing.save_draft(db_session, actor, kind, slug, content, str(form.get("etag", "")), now())
    except RefusedImage as error:
        return await _edit_page(
            request, db_session, actor, kind, slug, locale, problem="invalid", problems=[str(error)], status=422
        )
    except PreconditionFailed:
        return await _edit_page(request, db_session, actor, kind, slug, locale, problem="conflict", status=409)
    return Redirect(f"/edit/{segment}/{slug}?locale={locale}&done=saved", status_code=303)


@post("/edit/{segment:str}/{slug:str}/discard", include_in_schema=False, dependencies=SIGNED_IN)
async def discard_draft(
    request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, segment: FromPath[str], slug: FromPath[str]
) -> Response[Any]:
    form = await request.form()
    etag, locale = str(form.get("etag", "")), str(form.get("locale", ""))
    try:
        await editing.withdraw(db_session, actor, _kind(segment), slug, etag, now())
    except PreconditionFailed:
        return await _edit_page(
            request, db_session, actor, _kind(segment), slug, locale, problem="conflict", status=409
        )
    return Redirect(f"/edit/{segment}/{slug}?locale={locale}&done=discarded", status_code=303)


EDITING_PAGES += [translations_page, import_translations, add_image, discard_draft]
