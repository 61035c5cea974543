"""Administrators' API: organisations and the theme taxonomy, changed directly (no review)."""

from typing import Any

from litestar import Controller, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from catalogue.records import OrganisationRecord, ThemeRecord
from services.editing import administration
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.problems import problem_spec

_ADMIN: dict[str, Any] = {
    "tags": ["administration"],
    "dependencies": {"actor": Provide(provide_signed_in)},
    "security": SIGNED_IN,
    "responses": {
        401: problem_spec("No session and no API token."),
        403: problem_spec("Only administrators manage organisations and themes."),
        422: problem_spec("The record breaks a catalogue rule; each problem is listed."),
    },
}


class AdministrationRoutes(Controller):
    """Writes beside the catalogue's reads: one controller per path, since paths cannot be split."""

    @post("/organisations", summary="Add an organisation", status_code=201, **_ADMIN)
    async def add_organisation(self, db_session: Session, actor: SignedIn, data: JSONBody[OrganisationRecord]) -> None:
        """Add an organisation (administrators); its CVR number is checked when it is Danish."""
        await administration.save_organisation(db_session, actor, data, now())

    @put("/organisations/{slug:str}", summary="Replace an organisation", status_code=204, **_ADMIN)
    async def replace_organisation(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], data: JSONBody[OrganisationRecord]
    ) -> None:
        """Replace an organisation's details (administrators); translations of a changed description become outdated."""
        await administration.save_organisation(db_session, actor, data, now(), slug=slug)

    @post("/themes", summary="Add a theme", status_code=201, **_ADMIN)
    async def add_theme(self, db_session: Session, actor: SignedIn, data: JSONBody[ThemeRecord]) -> None:
        """Add a theme to the taxonomy (administrators)."""
        await administration.save_theme(db_session, actor, data, now())

    @put("/themes/{slug:str}", summary="Replace a theme", status_code=204, **_ADMIN)
    async def replace_theme(
        self, db_session: Session, actor: SignedIn, slug: FromPath[str], data: JSONBody[ThemeRecord]
    ) -> None:
        """Replace a theme's label, description and position (administrators)."""
        await administration.save_theme(db_session, actor, data, now(), slug=slug)
