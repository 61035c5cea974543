"""A synthetic catalogue for measuring how the product grows: organisations, solutions and cases in 5 locales.

Every synthetic entry is marked as a demo entry, its slug starts with ``synthetic-`` and its
organisation is called "Synthetic …", so none can pass for a real one. It is made only by the
benchmarks; ``make run`` never seeds it.
"""

import datetime as dt
import random
from typing import Any

import msgspec
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.folding import fold
from catalogue.localised import fingerprint
from catalogue.records import CatalogueFile

#: The 5 locales every synthetic entry is written in.
LOCALES = ("da", "en", "de", "sv", "zh")

#: Words of each locale that texts are made from: nouns of the trade, so that searches find some.
_WORDS: dict[str, tuple[str, ...]] = {
    "da": (
        "skybrud", "fjernvarme", "varmepumpe", "cykelsti", "havn", "sensor", "vand", "energi", "affald",
        "belysning", "trafik", "bygning", "klimatilpasning", "regnvand", "platform", "data", "borger", "drift",
        "kommune", "kloak", "oversvømmelse", "solceller", "mobilitet", "parkering", "luftkvalitet", "støj",
    ),
    "en": (
        "cloudburst", "district heating", "heat pump", "cycle lane", "harbour", "sensor", "water", "energy",
        "waste", "lighting", "traffic", "building", "climate adaptation", "rainwater", "platform", "data",
        "citizen", "operation", "municipality", "sewer", "flooding", "solar panels", "mobility", "parking",
        "air quality", "noise",
    ),
    "de": (
        "Starkregen", "Fernwärme", "Wärmepumpe", "Radweg", "Hafen", "Sensor", "Wasser", "Energie", "Abfall",
        "Beleuchtung", "Verkehr", "Gebäude", "Klimaanpassung", "Regenwasser", "Plattform", "Daten", "Bürger",
        "Betrieb", "Gemeinde", "Kanalisation", "Hochwasser", "Solaranlage", "Mobilität", "Parken",
        "Luftqualität", "Lärm",
    ),
    "sv": (
        "skyfall", "fjärrvärme", "värmepump", "cykelbana", "hamn", "sensor", "vatten", "energi", "avfall",
        "belysning", "trafik", "byggnad", "klimatanpassning", "regnvatten", "plattform", "data", "medborgare",
        "drift", "kommun", "avlopp", "översvämning", "solceller", "mobilitet", "parkering", "luftkvalitet",
        "buller",
    ),
    "zh": (
        "暴雨", "区域供热", "热泵", "自行车道", "港口", "传感器", "水", "能源", "废物", "照明", "交通", "建筑",
        "气候适应", "雨水", "平台", "数据", "市民", "运营", "市政", "下水道", "洪水", "太阳能板", "出行", "停车",
        "空气质量", "噪音",
    ),
}  # fmt: skip
_SEPARATOR = {"zh": ""}
_CITIES = ("Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Kolding", "Horsens", "Randers", "Roskilde", "Herning")


_SYLLABLES = ("ka", "lo", "ven", "dra", "mi", "sto", "rel", "gun", "fa", "bre", "tis", "nor", "pal", "ek", "sul", "vi")
#: Words of no meaning, to fill texts the way ordinary words do: each one rare.
_FILLER = {
    locale: tuple(
        "".join(random.Random(f"{locale}-{number}").choices(_SYLLABLES, k=3))
        if locale != "zh"
        else "".join(chr(0x4E00 + random.Random(f"zh-{number}-{part}").randrange(0x51A5)) for part in range(2))
        for number in range(3_000)
    )
    for locale in LOCALES
}
#: Of the words of a text, about one in this many is a word of the trade.
_TRADE_EVERY = 12


def _sentence(rng: random.Random, locale: str, words: int) -> str:
    chosen = [
        rng.choice(_WORDS[locale]) if number == 0 or rng.randrange(_TRADE_EVERY) == 0 else rng.choice(_FILLER[locale])
        for number in range(words)
    ]
    separator = _SEPARATOR.get(locale, " ")
    text = separator.join(chosen)
    return text[0].upper() + text[1:] + ("。" if locale == "zh" else ".")


def _texts(rng: random.Random, words: int, number: int | None = None) -> dict[str, str]:
    suffix = f" {number}" if number is not None else ""
    return {locale: _sentence(rng, locale, words)[:-1] + suffix for locale in LOCALES}


def synthetic(solutions: int, cases: int, organisations: int, themes: list[str], seed: int = 2026) -> CatalogueFile:
    """``solutions``, ``cases`` and ``organisations`` made up from a fixed seed, using the given ``themes``."""
    rng = random.Random(seed)
    orgs = [
        {
            "slug": f"synthetic-organisation-{number}",
            "name": f"Synthetic Organisation {number}",
            "kind": "company",
            "helix_role": "industry",
            "city": rng.choice(_CITIES),
            "source_locale": "en",
            "description": _texts(rng, 24),
            "demo": True,
        }
        for number in range(organisations)
    ]
    made_solutions = [
        {
            "slug": f"synthetic-solution-{number}",
            "provider": orgs[number % organisations]["slug"],
            "themes": rng.sample(themes, rng.randint(1, 3)),
            "maturity": rng.choice(("pilot", "demonstrated", "commercial", "scaled")),
            "markets": rng.sample(["SE", "DE", "KR", "CN", "JP", "US", "NL"], rng.randint(0, 3)),
            "source_locale": "en",
            "title": _texts(rng, 4, number),
            "summary": _texts(rng, 18),
            "description": _texts(rng, 60),
            "benefits": _texts(rng, 16),
            "demo": True,
        }
        for number in range(solutions)
    ]
    made_cases = [
        {
            "slug": f"synthetic-case-{number}",
            "source_locale": "en",
            "title": _texts(rng, 4, number),
            "summary": _texts(rng, 18),
            "challenge": _texts(rng, 30),
            "approach": _texts(rng, 30),
            "site": _texts(rng, 3),
            "city": rng.choice(_CITIES),
            "from_year": rng.randint(2012, 2024),
            "solutions": [made_solutions[number % solutions]["slug"]],
            "partners": [{"organisation": made_solutions[number % solutions]["provider"], "role": "supplier"}],
            "demo": True,
        }
        for number in range(cases)
    ]
    data = {"organisations": orgs, "solutions": made_solutions, "cases": made_cases}
    return msgspec.convert(data, CatalogueFile)


def _text_rows(owner: int, fields: dict[str, dict[str, str]], source: str) -> list[dict[str, object]]:
    """Rows of a text table for ``fields``, as the importer stores them: approved, translations of the source."""
    rows: list[dict[str, object]] = []
    for field, texts in fields.items():
        source_print = fingerprint(texts[source])
        rows += [
            {
                "owner_id": owner, "field": field, "locale": locale, "text": text, "folded": fold(text),
                "state": "approved", "is_source": locale == source,
                "source_fingerprint": None if locale == source else source_print,
            }
            for locale, text in texts.items()
        ]  # fmt: skip
    return rows


async def add_synthetic(session: AsyncSession, data: CatalogueFile, first_id: int = 1_000_000) -> None:
    """Store the synthetic ``data`` (made by :func:`synthetic`) beside a catalogue, in bulk; the caller commits.

    Rows go in as the importer would store them, many per statement, with ids from ``first_id`` on.
    """
    themes = dict((await session.execute(select(t.Theme.slug, t.Theme.id))).tuples().all())
    orgs = {record.slug: first_id + number for number, record in enumerate(data.organisations)}
    solutions = {record.slug: first_id + number for number, record in enumerate(data.solutions)}
    cases = {record.slug: first_id + number for number, record in enumerate(data.cases)}
    now = dt.datetime.now(dt.UTC)
    stamps = {"created_at": now, "updated_at": now}

    async def put(table: Any, rows: list[dict[str, object]]) -> None:
        # One statement of many rows at a time: PostgreSQL's revision trigger runs once per statement.
        for start in range(0, len(rows), 500):
            await session.execute(insert(table).values(rows[start : start + 500]))

    await put(t.Organisation, [
        {"id": orgs[r.slug], "slug": r.slug, "name": r.name, "name_folded": fold(r.name), "kind": r.kind.value,
         "helix_role": r.helix_role.value, "country": r.country, "city": r.city, "sources": [], "is_demo": True,
         **stamps}
        for r in data.organisations
    ])  # fmt: skip
    await put(t.OrganisationText, [
        row for r in data.organisations for row in _text_rows(orgs[r.slug], {"description": r.description}, "en")
    ])  # fmt: skip
    await put(t.Solution, [
        {"id": solutions[r.slug], "slug": r.slug, "provider_id": orgs[r.provider], "maturity": r.maturity.value,
         "sdgs": [], "markets": list(r.markets), "is_published": True, "is_demo": True, "images": [], **stamps}
        for r in data.solutions
    ])  # fmt: skip
    await put(
        t.solution_theme,
        [{"solution_id": solutions[r.slug], "theme_id": themes[slug]} for r in data.solutions for slug in r.themes],
    )
    await put(t.SolutionText, [
        row for r in data.solutions for row in _text_rows(solutions[r.slug], {
            "title": r.title, "summary": r.summary, "description": r.description, "benefits": r.benefits,
        }, "en")
    ])  # fmt: skip
    await put(t.CaseResult, [
        {"id": cases[r.slug], "slug": r.slug, "city": r.city, "country": r.country, "from_year": r.from_year,
         "sources": [], "is_published": True, "is_demo": True, "images": [],
         "maintainer_id": orgs[r.partners[0].organisation], **stamps}
        for r in data.cases
    ])  # fmt: skip
    await put(
        t.case_solution,
        [{"case_id": cases[r.slug], "solution_id": solutions[slug]} for r in data.cases for slug in r.solutions],
    )
    await put(t.CasePartner, [
        {"case_id": cases[r.slug], "organisation_id": orgs[p.organisation], "role": p.role.value, "position": n}
        for r in data.cases for n, p in enumerate(r.partners)
    ])  # fmt: skip
    await put(t.CaseText, [
        row for r in data.cases for row in _text_rows(cases[r.slug], {
            "title": r.title, "summary": r.summary, "challenge": r.challenge, "approach": r.approach, "site": r.site,
        }, "en")
    ])  # fmt: skip
