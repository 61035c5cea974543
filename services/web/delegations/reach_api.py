"""The reach API: how many delegation packs an organisation's solutions went into, and for which countries."""

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import Provide
from litestar.params import FromPath, QueryParameter

from services.delegations import reach
from services.delegations.reach import Reach
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.locale import reader_locale
from services.web.problems import problem_spec

ReachLang = Annotated[str, QueryParameter(description="Language of the titles and country names.", max_length=35)]


class ReachApi(Controller):
    """Beside the catalogue's organisation routes, on a path of its own."""

    path = "/api/v1/organisations"
    tags = ["reach"]  # noqa: RUF012 - Litestar's declarative form
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form
    security = SIGNED_IN

    @get(
        "/{slug:str}/reach",
        summary="Where an organisation's solutions went",
        responses={
            401: problem_spec("No session and no API token."),
            403: problem_spec("Translators do not see where entries went."),
            404: problem_spec("No such organisation, or one an editor does not work for."),
        },
    )
    async def reach(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], lang: ReachLang = "en"
    ) -> Response[Reach]:
        """How many delegation packs hold the organisation's solutions and cases, and the visitors' countries.

        A pack counts once per delegation when one of its renders finished; nothing about the
        delegations themselves is shown.
        """
        locale, _ = reader_locale(lang, None)
        found = await reach.organisation_reach(db_session, actor, slug, locale, now())
        return Response(found, headers={"Cache-Control": "no-store"})
