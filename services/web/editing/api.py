"""The editing API: drafts, review and versions of solutions and cases, for signed-in accounts and API tokens."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import Provide
from litestar.exceptions import SerializationException
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from catalogue.content import (
    CONTENT_TYPES,
    PROTECTED_FIELDS,
    CaseContent,
    EntryKind,
    SolutionContent,
    protected_fields_in,
)
from services.editing import editing, review
from services.editing.editing import WorkingCopy
from services.editing.review import QueueItem, Review, VersionInfo
from services.errors import InvalidInput
from services.translation import translation_work
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.locale import named_locale
from services.web.problems import problem_spec

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description="The ETag of the version the change was made to (from the draft's `ETag`). "
        "Without it the change is refused with 428; with a stale one, with 412.",
        required=False,
    ),
]


IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(name="If-None-Match", description="`*` to create a new entry at this slug.", required=False),
]
SourceLocale = Annotated[
    str, QueryParameter(description="For a new entry: the language it is written in.", max_length=35)
]
OwnerOrganisation = Annotated[
    str | None,
    QueryParameter(description="For a new entry made by an adviser: the slug of the organisation it belongs to."),
]


class Fields(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    #: Texts to confirm, as `title` or `outcome/0/label`.
    fields: Annotated[list[str], msgspec.Meta(min_length=1, max_length=200)]


class Comment(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(max_length=4000)] | None = None


_REFUSALS = {
    401: problem_spec("No session and no API token."),
    403: problem_spec("The account may see the entry but not do this; nothing was changed."),
    404: problem_spec("No such entry, or not one this account may edit."),
    409: problem_spec("The entry's state does not allow this (for example, nothing was submitted)."),
    412: problem_spec("The entry changed since the given ETag; the current one is in `ETag`."),
    422: problem_spec("The content breaks a catalogue rule; each problem is listed."),
    428: problem_spec("`If-Match` is missing; the current ETag is in `ETag`."),
}
NO_STORE = {"Cache-Control": "no-store"}


def _answer(copy: WorkingCopy, status: int = 200) -> Response[WorkingCopy]:
    return Response(copy, status_code=status, headers={"ETag": copy.etag, **NO_STORE})


async def _content(request: Request[Any, Any, Any], kind: EntryKind) -> SolutionContent | CaseContent:
    try:
        # Through the request, so that the body gets the same checks as every JSON body before decoding.
        loose = await request.json()
    except SerializationException as error:
        raise InvalidInput("body", f"not valid JSON: {error}") from error
    protected = protected_fields_in(loose)
    if protected:
        name = protected[0].rsplit(".", 1)[-1]
        raise InvalidInput(protected[0], f"cannot be set through an edit: {PROTECTED_FIELDS[name]}")
    try:
        return msgspec.convert(loose, type=CONTENT_TYPES[kind], strict=True)
    except msgspec.ValidationError as error:
        raise InvalidInput("body", str(error)) from error


@get(
    "/api/v1/review-queue",
    summary="Drafts waiting for review",
    tags=["editing"],
    dependencies={"actor": Provide(provide_signed_in)},
    responses={code: _REFUSALS[code] for code in (401, 403)},
    security=SIGNED_IN,
)
async def review_queue(db_session: Session, actor: SignedIn) -> Response[list[QueueItem]]:
    """Submitted drafts, oldest first (advisers and administrators)."""
    return Response(await review.review_queue(db_session, actor, now()), headers=NO_STORE)


class _EntryEditing(Controller):
    """Drafts, review and versions of one kind of entry."""

    kind: EntryKind
    tags = ["editing"]  # noqa: RUF012 - Litestar's declarative form
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form
    security = SIGNED_IN
    responses = _REFUSALS

    @get("/{slug:str}/draft", summary="An entry's working copy")
    async def draft(self, db_session: Session, actor: SignedIn, slug: FromPath[str]) -> Response[WorkingCopy]:
        """The open draft, or the published content when nothing is open, with the ETag to edit it by."""
        return _answer(await editing.working_copy(db_session, actor, self.kind, slug))

    @put("/{slug:str}/draft", summary="Save a draft", request_max_body_size=2_000_000)
    async def save(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        slug: FromPath[str],
        if_match: IfMatch = None,
        if_none_match: IfNoneMatch = None,
        source_locale: SourceLocale = "da",
        organisation: OwnerOrganisation = None,
    ) -> Response[WorkingCopy]:
        """Store the entry's editable content as its open draft; the published version stays live.

        With `If-None-Match: *` and a slug no entry has, a new entry is created, unpublished until an
        adviser approves its first draft.
        """
        entry_kind = self.kind
        if if_none_match == "*" and if_match is None:
            source_locale = named_locale(source_locale, parameter="source_locale")
            content = await _content(request, entry_kind)
            created = await editing.create_entry(
                db_session,
                actor,
                entry_kind,
                slug,
                content,
                now(),
                source_locale=source_locale,
                organisation=organisation,
            )
            return _answer(created, status=201)
        await editing.working_copy(db_session, actor, entry_kind, slug)
        content = await _content(request, entry_kind)
        return _answer(await editing.save_draft(db_session, actor, entry_kind, slug, content, if_match, now()))

    @delete("/{slug:str}/draft", summary="Discard the draft", status_code=200)
    async def discard(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], if_match: IfMatch = None
    ) -> Response[WorkingCopy]:
        """Withdraw the open draft; the published version is untouched and the draft stays in the history."""
        return _answer(await editing.withdraw(db_session, actor, self.kind, slug, if_match, now()))

    @post("/{slug:str}/draft/submit", summary="Submit the draft for review", status_code=200)
    async def submit(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], if_match: IfMatch = None
    ) -> Response[WorkingCopy]:
        """Send the open draft to the advisers' review queue."""
        return _answer(await editing.submit(db_session, actor, self.kind, slug, if_match, now()))

    @post("/{slug:str}/draft/approve", summary="Publish the submitted draft", status_code=200)
    async def approve(
        self,
        db_session: Session,
        actor: SignedIn,
        slug: FromPath[str],
        data: JSONBody[Comment | None] = None,
        if_match: IfMatch = None,
    ) -> Response[WorkingCopy]:
        """Make the submitted draft the published version (advisers and administrators)."""
        comment = data.comment if data else None
        return _answer(await review.approve(db_session, actor, self.kind, slug, if_match, now(), comment))

    @post("/{slug:str}/draft/return", summary="Return the draft to its editors", status_code=200)
    async def give_back(
        self,
        db_session: Session,
        actor: SignedIn,
        slug: FromPath[str],
        data: JSONBody[Comment],
        if_match: IfMatch = None,
    ) -> Response[WorkingCopy]:
        """Send the submitted draft back with a comment (advisers and administrators)."""
        if not data.comment or not data.comment.strip():
            raise InvalidInput("comment", "say what the editors should change")
        return _answer(await review.return_draft(db_session, actor, self.kind, slug, if_match, data.comment, now()))

    @get("/{slug:str}/review", summary="Differences of the draft from the published version")
    async def differences(self, db_session: Session, actor: SignedIn, slug: FromPath[str]) -> Response[Review]:
        """The working copy and every field (texts per locale, outcomes per row) it changes."""
        found = await review.review(db_session, actor, self.kind, slug)
        return Response(found, headers={"ETag": found.copy.etag, **NO_STORE})

    @get("/{slug:str}/versions", summary="Every version of an entry")
    async def versions(self, db_session: Session, actor: SignedIn, slug: FromPath[str]) -> Response[list[VersionInfo]]:
        """Versions newest first, with who made and reviewed each."""
        return Response(await review.history(db_session, actor, self.kind, slug), headers=NO_STORE)

    @post("/{slug:str}/versions/{number:int}/restore", summary="Publish an earlier version", status_code=200)
    async def restore(
        self,
        db_session: Session,
        actor: SignedIn,
        slug: FromPath[str],
        number: FromPath[int],
        if_match: IfMatch = None,
    ) -> Response[WorkingCopy]:
        """Publish an earlier version's content again as a new version (advisers and administrators)."""
        return _answer(await review.restore(db_session, actor, self.kind, slug, number, if_match, now()))

    @get("/{slug:str}/translations/{locale:str}", summary="State of each text in one locale")
    async def text_states(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], locale: FromPath[str]
    ) -> Response[dict[str, str]]:
        """Per text (`title`, `outcome/0/label`, ...): missing, draft, approved or outdated."""
        found = await translation_work.states(
            db_session, actor, self.kind, slug, named_locale(locale, parameter="locale")
        )
        return Response(found, headers=NO_STORE)

    @post("/{slug:str}/translations/{locale:str}/confirm", summary="Confirm outdated translations", status_code=200)
    async def confirm(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], locale: FromPath[str], data: JSONBody[Fields]
    ) -> list[str]:
        """Mark outdated translations as still right for the current source text; returns those confirmed."""
        target = named_locale(locale, parameter="locale")
        return await translation_work.confirm(db_session, actor, self.kind, slug, target, data.fields, now())


class SolutionEditing(_EntryEditing):
    path = "/api/v1/solutions"
    kind = "solution"


class CaseEditing(_EntryEditing):
    path = "/api/v1/cases"
    kind = "case"
