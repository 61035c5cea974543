"""Command line of the catalogue: ``python -m services.cli COMMAND``."""

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations
from catalogue.database import async_engine, is_sqlite
from catalogue.validation import catalogue_problems
from i18n.locales import CONTENT_LOCALES
from services import people
from services.documents.rendering import Variant, render_pdf
from services.documents.service import brochure_for, lay_out
from services.errors import InvalidCatalogueData, InvalidInput, NotFound
from services.importing import import_catalogue, is_empty, read_catalogue_files
from services.settings import PROJECT_ROOT, Settings

logger = logging.getLogger("catalogue")
#: Demo accounts, one per role, loaded with the demo catalogue.
DEMO_ACCOUNTS = PROJECT_ROOT / "data" / "demo-accounts.toml"


def _prepare(settings: Settings) -> None:
    if is_sqlite(settings.database_url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.database_url)


async def seed(settings: Settings, data_dir: Path, *, only_if_empty: bool, accounts: Path | None = None) -> bool:
    """Load the catalogue files in ``data_dir`` (and the demo ``accounts``); returns whether anything was loaded."""
    data = read_catalogue_files(data_dir.glob("*.toml"))
    engine = async_engine(settings.database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            if only_if_empty and not await is_empty(session):
                return False
            await import_catalogue(session, data)
            if accounts is not None:
                await people.seed_demo_accounts(session, accounts)
            return True
    finally:
        await engine.dispose()


async def create_administrator(settings: Settings, email: str, name: str, password: str) -> None:
    engine = async_engine(settings.database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await people.create_administrator(session, email, name, password)
    finally:
        await engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        msg = "the two passwords differ"
        raise InvalidInput("password", msg)
    return first


async def write_brochure(settings: Settings, slug: str, locale: str, variant: Variant) -> bytes:
    """The brochure of ``slug`` as PDF bytes, rendered in this process."""
    engine = async_engine(settings.database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            source = lay_out(await brochure_for(session, slug, locale, settings.base_url))
    finally:
        await engine.dispose()
    return render_pdf(source.html, source.images, variant)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations")
    seed_parser = commands.add_parser("seed", help="migrate, then load the demo catalogue into an empty database")
    seed_parser.add_argument("--data", type=Path, help="folder of catalogue TOML files (default: the demo data)")
    check_parser = commands.add_parser("check-data", help="validate catalogue TOML files without storing them")
    check_parser.add_argument("--data", type=Path)
    brochure_parser = commands.add_parser("brochure", help="write a solution's brochure to a PDF file")
    brochure_parser.add_argument("slug", help="the solution's slug")
    brochure_parser.add_argument("--lang", default="en", choices=CONTENT_LOCALES, help="the brochure's locale")
    brochure_parser.add_argument("--variant", default="pdfua", choices=["pdfua", "pdfa"])
    brochure_parser.add_argument("--output", type=Path, help="file to write (default: SLUG-LANG.pdf)")
    admin_parser = commands.add_parser("create-admin", help="create an administrator account that can sign in")
    admin_parser.add_argument("email")
    admin_parser.add_argument("--name", default="Administrator", help="the name shown for the account")
    admin_parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    serve_parser = commands.add_parser("serve", help="migrate, seed an empty database and serve the catalogue")
    serve_parser.add_argument("--no-seed", action="store_true", help="do not load the demo catalogue")
    commands.add_parser(
        "render-worker", help="generate packs from the shared queue named by QUEUE_URL (Redis or PostgreSQL)"
    )
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the process exit status."""
    args = _parser().parse_args(argv)
    settings = settings or Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    data_dir = getattr(args, "data", None) or settings.demo_data_dir
    try:
        if args.command == "check-data":
            problems = catalogue_problems(read_catalogue_files(data_dir.glob("*.toml")))
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
        _prepare(settings)
        if args.command == "brochure":
            output = args.output or Path(f"{args.slug}-{args.lang}.pdf")
            output.write_bytes(asyncio.run(write_brochure(settings, args.slug, args.lang, args.variant)))
            print(f"wrote {output}")
        elif args.command == "create-admin":
            password = _read_password(args.password_stdin)
            asyncio.run(create_administrator(settings, args.email, args.name, password))
            print(f"administrator {args.email} created")
        elif args.command == "seed":
            demo = None if args.data else DEMO_ACCOUNTS
            loaded = asyncio.run(seed(settings, data_dir, only_if_empty=True, accounts=demo))
            print("demo catalogue loaded" if loaded else "catalogue not empty: nothing loaded")
        elif args.command == "render-worker":
            if not settings.queue_url:
                print(
                    "set QUEUE_URL (redis://… or postgresql://…) to the queue the app hands its jobs to",
                    file=sys.stderr,
                )
                return 2
            from services.documents.queue import work

            asyncio.run(work(settings))
        elif args.command == "serve":
            if not args.no_seed and asyncio.run(seed(settings, data_dir, only_if_empty=True, accounts=DEMO_ACCOUNTS)):
                logger.info("loaded the demo catalogue into the empty database")
            return _serve(settings)
    except InvalidCatalogueData as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (NotFound, InvalidInput) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _serve(settings: Settings) -> int:
    import uvicorn

    from services.web.app import create_app

    logger.info("serving the catalogue on http://%s:%s", settings.host, settings.port)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
