"""The delegations API: advisers describe visiting groups and get ranked suggestions for them."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import File

from catalogue.delegations import DelegationRecord
from catalogue.packs import PackRecord
from i18n.locales import INTERFACE_LOCALES, Locale
from services.delegations import (
    delegations,
    pack_freshness,
    pack_jobs,
    pack_requests,
    pack_service,
    packs,
    sharing,
    suggestions,
)
from services.delegations.delegations import DelegationView
from services.delegations.packs import LanguageReadiness, PackView
from services.delegations.suggestions import Suggestions
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.locale import named_locale, reader_locale
from services.web.problems import problem_spec, shared_problems

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match", description="The delegation's ETag; 428 without it, 412 when stale.", required=False
    ),
]
ReasonLang = Annotated[str, QueryParameter(description="Language of the reasons and titles.", max_length=35)]
PackLang = Annotated[str, QueryParameter(description="The pack's language (a content locale).", max_length=35)]
NO_STORE = {"Cache-Control": "no-store"}


class LinkRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    #: Days the link works.
    days: Annotated[int, msgspec.Meta(ge=1, le=sharing.MAX_DAYS)] = 30
    #: False: the pack opens for reading in the browser and is not offered for download.
    allow_download: bool = True


class RenderRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    #: Languages to generate; each must be one of the delegation's.
    languages: Annotated[list[str], msgspec.Meta(min_length=1, max_length=5)]


@shared_problems(
    {
        401: problem_spec("No session and no API token."),
        403: problem_spec("Only export advisers and administrators work with delegations."),
        404: problem_spec("No such delegation, or one of another adviser."),
        422: problem_spec("The description breaks a rule (languages, dates, themes); each problem is listed."),
    }
)
class DelegationsApi(Controller):
    path = "/api/v1/delegations"
    tags = ["delegations"]  # noqa: RUF012 - Litestar's declarative form
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form
    security = SIGNED_IN

    @get("/", summary="Your delegations")
    async def listing(self, db_session: Session, actor: SignedIn) -> Response[list[DelegationView]]:
        """The delegations you prepare (all of them for administrators), soonest visit first."""
        return Response(await delegations.listing(db_session, actor, now()), headers=NO_STORE)

    @post("/", summary="Describe a delegation")
    async def create(
        self, db_session: Session, actor: SignedIn, data: JSONBody[DelegationRecord]
    ) -> Response[DelegationView]:
        """A new delegation, owned by you."""
        created = await delegations.create(db_session, actor, data, now())
        return Response(created, status_code=201, headers={"ETag": created.etag, **NO_STORE})

    @get("/{delegation_id:int}", summary="One delegation")
    async def one(self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int]) -> Response[DelegationView]:
        """The delegation and its ETag."""
        found = delegations.view_of(await delegations.load(db_session, actor, delegation_id, now()))
        return Response(found, headers={"ETag": found.etag, **NO_STORE})

    @put("/{delegation_id:int}", summary="Replace a delegation's description")
    async def replace(
        self,
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        data: JSONBody[DelegationRecord],
        if_match: IfMatch = None,
    ) -> Response[DelegationView]:
        """Replace the description, made to the version `If-Match` names."""
        changed = await delegations.replace(db_session, actor, delegation_id, data, if_match, now())
        return Response(changed, headers={"ETag": changed.etag, **NO_STORE})

    @delete("/{delegation_id:int}", summary="Delete a delegation", status_code=204)
    async def remove(self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int]) -> None:
        """The delegation is gone."""
        await delegations.remove(db_session, actor, delegation_id, now())

    @get("/{delegation_id:int}/suggestions", summary="Ranked suggestions for a delegation")
    async def suggested(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int], lang: ReasonLang = "en"
    ) -> Response[Suggestions]:
        """Solutions, cases and visit sites ranked for the delegation, each with the reasons it ranks."""
        delegation = await delegations.load(db_session, actor, delegation_id, now())
        return Response(await suggestions.suggest(db_session, delegation, _locale(lang)), headers=NO_STORE)

    @get("/{delegation_id:int}/pack", summary="The delegation's pack")
    async def pack(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int], lang: ReasonLang = "en"
    ) -> Response[PackView]:
        """The pack as composed so far (empty before the first save), with its ETag."""
        found = await packs.view(db_session, actor, delegation_id, _locale(lang), now())
        return Response(found, headers={"ETag": found.etag, **NO_STORE})

    @put("/{delegation_id:int}/pack", summary="Compose the delegation's pack")
    async def compose(
        self,
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        data: JSONBody[PackRecord],
        if_match: IfMatch = None,
        lang: ReasonLang = "en",
    ) -> Response[PackView]:
        """Replace the pack: at most 60 items, each once; programme days within the visit, in order."""
        saved = await packs.save(db_session, actor, delegation_id, data, if_match, _locale(lang), now())
        return Response(saved, headers={"ETag": saved.etag, **NO_STORE})

    @get(
        "/{delegation_id:int}/pack.pdf",
        summary="The pack as one PDF in one language",
        media_type="application/pdf",
        response_description="A tagged PDF (PDF/UA-1): cover, letter, contents, sections, programme, contacts.",
    )
    async def pack_pdf(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        lang: PackLang,
    ) -> File:
        """Rendered once per content and language; later downloads come from the document cache."""
        state = request.app.state
        lang = named_locale(lang)
        document = await pack_service.pack_pdf(db_session, actor, delegation_id, lang, state.press, now())
        return File(
            path=document.path,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="delegation-{delegation_id}-{lang}.pdf"',
                "ETag": f'"{document.key}"',
                "Content-Language": lang,
                "Cache-Control": "private, no-cache",
            },
        )

    @post("/{delegation_id:int}/share-links", summary="Share the pack by a link")
    async def share(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        data: JSONBody[LinkRequest],
    ) -> Response[sharing.NewLink]:
        """A link with 256 random bits that opens the pack without an account; its address is shown only here."""
        base = request.app.state.settings.base_url
        made = await sharing.create_link(db_session, actor, delegation_id, data.days, data.allow_download, base, now())
        return Response(made, status_code=201, headers=NO_STORE)

    @get("/{delegation_id:int}/share-links", summary="The pack's share links")
    async def shared(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
    ) -> Response[list[sharing.LinkInfo]]:
        """Every link made for the delegation, newest first, without their secrets."""
        return Response(await sharing.links(db_session, actor, delegation_id, now()), headers=NO_STORE)

    @delete("/{delegation_id:int}/share-links/{link_id:int}", summary="Revoke a share link", status_code=204)
    async def unshare(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int], link_id: FromPath[int]
    ) -> None:
        """The link stops working at once."""
        await sharing.revoke(db_session, actor, delegation_id, link_id, now())

    @get("/{delegation_id:int}/downloads", summary="How often the pack was opened")
    async def downloads(
        self, request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
    ) -> Response[list[sharing.DownloadCount]]:
        """Openings per language and day; nothing about who opened it."""
        counts = request.app.state.download_counts
        return Response(await sharing.downloads(db_session, actor, delegation_id, counts, now()), headers=NO_STORE)

    @get("/{delegation_id:int}/pack/readiness", summary="Whether each language of the pack is ready")
    async def readiness(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
    ) -> Response[list[LanguageReadiness]]:
        """Per language: the items without an approved translation, and the language shown instead."""
        return Response(await packs.readiness(db_session, actor, delegation_id, now()), headers=NO_STORE)

    @post(
        "/{delegation_id:int}/renders",
        summary="Generate the pack in the background",
        status_code=202,
        responses={503: problem_spec("Others are writing at this moment; try again after `Retry-After` seconds.")},
    )
    async def generate(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        data: JSONBody[RenderRequest],
    ) -> Response[list[pack_jobs.RenderView]]:
        """One job per language; a language whose job is still queued keeps it. Watch them at `GET …/renders`."""
        timeout = request.app.state.settings.render_timeout_seconds
        languages = [named_locale(language, parameter="languages") for language in data.languages]
        views, new = await pack_requests.request(db_session, actor, delegation_id, languages, now(), timeout)
        for render_id in new:
            await request.app.state.pack_jobs.submit(render_id)
        return Response(views, status_code=202, headers=NO_STORE)

    @get("/{delegation_id:int}/renders", summary="The pack's generations and their progress")
    async def generations(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int]
    ) -> Response[list[pack_jobs.RenderView]]:
        """Newest first: status, stage, progress in percent and attempts."""
        return Response(await pack_jobs.renders(db_session, actor, delegation_id, now()), headers=NO_STORE)

    @get("/{delegation_id:int}/renders/{render_id:int}", summary="One generation")
    async def generation(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int], render_id: FromPath[int]
    ) -> Response[pack_jobs.RenderView]:
        """Its status, stage and progress."""
        found = await pack_jobs.one(db_session, actor, delegation_id, render_id, now())
        return Response(pack_jobs.view_of(found), headers=NO_STORE)

    @get(
        "/{delegation_id:int}/renders/{render_id:int}/pdf",
        summary="The file a generation made",
        media_type="application/pdf",
        responses={409: problem_spec("The generation has not finished, or failed.")},
    )
    async def generated(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        render_id: FromPath[int],
    ) -> File:
        """The PDF exactly as that generation made it."""
        found = await pack_jobs.one(db_session, actor, delegation_id, render_id, now())
        path = await pack_jobs.file_of(found, request.app.state.document_cache)
        return File(
            path=path,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="delegation-{delegation_id}-{found.language}.pdf"',
                "ETag": f'"{found.document_key}"',
                "Content-Language": found.language,
                "Cache-Control": "private, no-cache",
            },
        )

    @get("/{delegation_id:int}/pack/freshness", summary="Whether the generated files are outdated")
    async def fresh(
        self, db_session: Session, actor: SignedIn, delegation_id: FromPath[int], lang: ReasonLang = "en"
    ) -> Response[list[pack_freshness.Freshness]]:
        """Per language with a file: outdated or not, and which entries changed since, field by field."""
        report = await pack_freshness.freshness(db_session, actor, delegation_id, _locale(lang), now())
        return Response(report, headers=NO_STORE)


def _locale(lang: str) -> Locale:
    return reader_locale(lang, None, INTERFACE_LOCALES)[0]
