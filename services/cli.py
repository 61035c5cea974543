"""Command line of the catalogue: ``python -m services.cli COMMAND``."""

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.database import async_engine
from i18n.locales import CONTENT_LOCALES, Locale, NotALanguageTag, UnsupportedLocale, parse_locale
from services.accounts import people
from services.documents.assets import Variant
from services.documents.cache import document_cache_for
from services.documents.pipeline import InProcess, Press, document
from services.editing.image_store import image_files_for
from services.editing.importing import data_problems, read_catalogue_files
from services.errors import InvalidCatalogueData, InvalidInput, NotFound
from services.operations import backup
from services.operations.seeding import DEMO_ACCOUNTS
from services.operations.startup import prepare_database
from services.reading.brochures import BROCHURE
from services.settings import InvalidSetting, Settings

logger = logging.getLogger("catalogue")


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


async def write_brochure(settings: Settings, slug: str, locale: Locale, variant: Variant) -> bytes:
    """The brochure of ``slug`` as PDF bytes: the stored file, rendered first in this process when there is none."""
    engine = async_engine(settings.database_url)
    try:
        cache = document_cache_for(engine, settings.data_dir / "documents", settings.document_cache_bytes)
        press = Press(cache, InProcess(), settings.base_url)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            stored = await document(session, BROCHURE, slug, locale, variant, press)
        return stored.path.read_bytes()
    finally:
        await engine.dispose()


async def share_files(settings: Settings) -> tuple[int, int] | None:
    """Copy this machine's images and documents that the shared database lacks into it: how many of each.

    ``None`` on SQLite, where the data folder is the only store.
    """
    engine = async_engine(settings.database_url)
    try:
        images = image_files_for(engine, settings.data_dir / "images")
        documents = document_cache_for(engine, settings.data_dir / "documents", settings.document_cache_bytes)
        if images.shared is None:
            return None
        return await images.share_folder(), await documents.share_folder()
    finally:
        await engine.dispose()


def _named_locale(tag: str) -> Locale:
    """``--lang``, read as every surface reads a language it names (``de-AT`` is ``de``)."""
    try:
        return parse_locale(tag)
    except (NotALanguageTag, UnsupportedLocale) as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations")
    seed_parser = commands.add_parser(
        "seed", help="migrate, then load the demo catalogue and accounts into an empty database (or add missing ones)"
    )
    seed_parser.add_argument("--data", type=Path, help="folder of catalogue TOML files (default: the demo data)")
    check_parser = commands.add_parser("check-data", help="validate catalogue TOML files without storing them")
    check_parser.add_argument("--data", type=Path)
    brochure_parser = commands.add_parser("brochure", help="write a solution's brochure to a PDF file")
    brochure_parser.add_argument("slug", help="the solution's slug")
    brochure_parser.add_argument(
        "--lang", default="en", type=_named_locale, help=f"the brochure's locale, one of {', '.join(CONTENT_LOCALES)}"
    )
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
    backing_up = (
        "write a consistent copy of the database to FILE, also while the app runs "
        "(SQLite: online backup; PostgreSQL: pg_dump, custom format)"
    )
    backup_parser = commands.add_parser("backup", help=backing_up, description=backing_up)
    backup_parser.add_argument("file", type=Path)
    restoring = (
        "replace the database's whole content with the backup in FILE (made by `backup` from a database of the same "
        "kind), all or nothing; stop the app and the render workers first, and start them again afterwards"
    )
    restore_parser = commands.add_parser("restore", help=restoring, description=restoring)
    restore_parser.add_argument("file", type=Path)
    commands.add_parser(
        "share-files",
        help="copy the images and documents of this machine's DATA_DIR that the PostgreSQL database lacks into it, "
        "so that every machine sharing the database serves them (once, when a single instance becomes several)",
    )
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the process exit status (2: the settings or the input cannot be used)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings or Settings.from_env()
        if args.command in {"serve", "render-worker"}:
            settings.check_public_url()
        return _COMMANDS[args.command](args, settings)
    except InvalidSetting as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 2
    except backup.NotABackup as error:
        print(f"nothing restored: {error}", file=sys.stderr)
        return 2
    except backup.BackupFailed as error:
        print(error, file=sys.stderr)
        return 1
    except InvalidCatalogueData as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (NotFound, InvalidInput) as error:
        print(error, file=sys.stderr)
        return 1


def _check_data(args: argparse.Namespace, settings: Settings) -> int:
    problems = data_problems(read_catalogue_files((args.data or settings.demo_data_dir).glob("*.toml")))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(settings)
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    seeded = prepare_database(
        settings, demo=args.data or settings.demo_data_dir, accounts=None if args.data else DEMO_ACCOUNTS
    )
    assert seeded is not None
    if seeded.catalogue:
        print("demo catalogue loaded")
    elif seeded.accounts:
        print(f"catalogue present: {seeded.accounts} missing demo account(s) added")
    else:
        print("catalogue not empty: nothing loaded")
    return 0


def _brochure(args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(settings)
    output = args.output or Path(f"{args.slug}-{args.lang}.pdf")
    output.write_bytes(asyncio.run(write_brochure(settings, args.slug, args.lang, args.variant)))
    print(f"wrote {output}")
    return 0


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(settings)
    password = _read_password(args.password_stdin)
    asyncio.run(create_administrator(settings, args.email, args.name, password))
    print(f"administrator {args.email} created")
    return 0


def _render_worker(_args: argparse.Namespace, settings: Settings) -> int:
    if not settings.queue_url:
        print("set QUEUE_URL (redis://… or postgresql://…) to the queue the app hands its jobs to", file=sys.stderr)
        return 2
    prepare_database(settings)
    from services.delegations.queue import work

    asyncio.run(work(settings))
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    seed = not args.no_seed
    seeded = prepare_database(
        settings, demo=settings.demo_data_dir if seed else None, accounts=DEMO_ACCOUNTS if seed else None
    )
    if seeded is not None and seeded.catalogue:
        logger.info("loaded the demo catalogue and %d demo accounts into the empty database", seeded.accounts)
    elif seeded is not None and seeded.accounts:
        logger.info("added %d missing demo accounts to the demo catalogue", seeded.accounts)
    from services.web.serving import serve

    serve(settings)
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    backup.back_up(settings.database_url, args.file)
    print(f"backed the database up to {args.file}")
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    backup.restore(settings.database_url, args.file)
    print(f"restored the database from {args.file}; the next start migrates it to the latest schema")
    return 0


def _share_files(_args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(settings)
    copied = asyncio.run(share_files(settings))
    if copied is None:
        print("nothing to share: with SQLite the files stay in DATA_DIR, on this machine only")
    else:
        print(f"copied {copied[0]} image(s) and {copied[1]} document(s) into the database")
    return 0


_COMMANDS = {
    "check-data": _check_data,
    "migrate": _migrate,
    "seed": _seed,
    "brochure": _brochure,
    "create-admin": _create_admin,
    "render-worker": _render_worker,
    "serve": _serve,
    "backup": _backup,
    "restore": _restore,
    "share-files": _share_files,
}


if __name__ == "__main__":
    sys.exit(main())
