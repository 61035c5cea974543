"""Translation requests: advisers ask for a pack's entry in a delegation language; translators and editors see them."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from catalogue.records import LocaleCode, Record, Slug
from i18n.locales import Locale
from services.accounts import people
from services.translation import translation_requests
from services.translation.translation_requests import RequestView
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.locale import reader_locale
from services.web.problems import problem_spec

TitleLang = Annotated[str, QueryParameter(description="Language to give entry titles in.", max_length=35)]
NO_STORE = {"Cache-Control": "no-store"}
_SIGNED_OUT = problem_spec("No session and no API token.")


class TranslationRequestBody(Record, kw_only=True, frozen=True):
    #: `solution` or `case`.
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[a-z_]+$")]
    slug: Slug
    #: One of the delegation's languages.
    language: LocaleCode


def _locale(lang: str) -> Locale:
    return reader_locale(lang, None)[0]


class TranslationRequestsApi(Controller):
    """Paths of their own, beside the delegations and translations APIs."""

    path = "/api/v1"
    tags = ["translation requests"]  # noqa: RUF012 - Litestar's declarative form
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form
    security = SIGNED_IN

    @post(
        "/delegations/{delegation_id:int}/pack/translation-requests",
        summary="Request a translation of a pack's entry",
        responses={
            200: ResponseSpec(
                RequestView,
                description="The entry already had a request in this language; it is returned, unchanged.",
                generate_examples=False,
            ),
            401: _SIGNED_OUT,
            403: problem_spec("Only export advisers and administrators request translations."),
            404: problem_spec("No such delegation, or one of another adviser."),
            422: problem_spec(
                "The entry is not in the pack, is not a solution or case, or the language is not the delegation's."
            ),
        },
    )
    async def request_translation(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        delegation_id: FromPath[int],
        data: JSONBody[TranslationRequestBody],
        lang: TitleLang = "en",
    ) -> Response[RequestView]:
        """Ask for the entry in a language of the delegation by its first day; translators and editors are mailed."""
        state = request.app.state
        made = await translation_requests.request_translation(
            db_session, actor, delegation_id, data.kind, data.slug, data.language, now(), _locale(lang)
        )
        if not made.created:
            return Response(made.request, status_code=200, headers=NO_STORE)
        mails = await translation_requests.notifications(db_session, made.request.id, state.settings.base_url)
        tasks = BackgroundTasks([BackgroundTask(people.send_quietly, state.mailer, mail) for mail in mails])
        return Response(made.request, status_code=201, headers=NO_STORE, background=tasks)

    @get("/translation-requests", summary="Translation requests you work on", responses={401: _SIGNED_OUT})
    async def listing(
        self, db_session: Session, actor: SignedIn, lang: TitleLang = "en"
    ) -> Response[list[RequestView]]:
        """Requests in your languages (translators), on your organisation's entries (editors), your own (advisers) or all (administrators); unfulfilled first."""  # noqa: E501
        found = await translation_requests.open_requests(db_session, actor, _locale(lang))
        return Response(found, headers=NO_STORE)
