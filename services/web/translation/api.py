"""The translation API: completeness per locale, translation files out and in, and the glossary."""

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import QueryParameter

from services.translation import glossary, translation_work
from services.translation.translation_files import TranslationFile, from_po, from_xliff, to_po, to_xliff
from services.translation.translation_work import Completeness, ImportResult
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.locale import named_locale, reader_locale
from services.web.problems import problem_spec, shared_problems

Format = Annotated[
    Literal["xliff", "po"], QueryParameter(name="format", description="`xliff` (XLIFF 2.0) or `po` (gettext).")
]
Target = Annotated[str, QueryParameter(description="The locale translated into, such as `de`.", max_length=35)]
TitleLang = Annotated[str, QueryParameter(description="Locale to give entry titles in.", max_length=35)]
MEDIA_TYPES = {"xliff": "application/xliff+xml", "po": "text/x-gettext-translation"}
MAX_FILE_BYTES = 5_000_000


def encode(file: TranslationFile, kind: str) -> bytes:
    return to_xliff(file) if kind == "xliff" else to_po(file)


def decode(data: bytes, kind: str) -> TranslationFile:
    return from_xliff(data) if kind == "xliff" else from_po(data)


@shared_problems(
    {
        401: problem_spec("No session and no API token."),
        403: problem_spec("The account does not translate into this locale."),
    }
)
class TranslationsApi(Controller):
    path = "/api/v1/translations"
    tags = ["translations"]  # noqa: RUF012 - Litestar's declarative form
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form
    security = SIGNED_IN

    @get("/completeness", summary="How far entries are translated")
    async def completeness(
        self, db_session: Session, actor: SignedIn, lang: TitleLang = "en"
    ) -> Response[Completeness]:
        """Per entry the account may edit and per locale, the share of texts with an approved translation."""
        report = await translation_work.completeness(db_session, actor, reader_locale(lang, None)[0])
        return Response(report, headers={"Cache-Control": "no-store"})

    @get("/export", summary="Export a translation file", media_type="application/octet-stream")
    async def export(
        self, db_session: Session, actor: SignedIn, target: Target, file_format: Format = "xliff"
    ) -> Response[bytes]:
        """Every text the account may edit, with its translation into `target`, in XLIFF 2.0 or PO."""
        target = named_locale(target, parameter="target")
        file = await translation_work.export_file(db_session, actor, target, now())
        name = f"catalogue-{file.source_locale}-{target}.{'xlf' if file_format == 'xliff' else 'po'}"
        return Response(
            encode(file, file_format),
            media_type=MEDIA_TYPES[file_format],
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )

    @post(
        "/import",
        summary="Import a translation file",
        status_code=200,
        request_max_body_size=MAX_FILE_BYTES,
        responses={
            409: problem_spec("The source changed since export, or a draft changed a text meanwhile; nothing changed."),
            422: problem_spec("The file is malformed or its source texts were edited; nothing changed."),
        },
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        actor: SignedIn,
        file_format: Format = "xliff",
    ) -> ImportResult:
        """Put the file's translations into drafts of their entries, for review."""
        file = decode(await request.body(), file_format)
        return await translation_work.import_file(db_session, actor, file, now())


@get("/api/v1/glossary", summary="The glossary of domain terms", tags=["translations"])
async def glossary_terms() -> glossary.Glossary:
    """Domain terms and their rendering in each locale; translations that leave them out are flagged."""
    return glossary.load()
