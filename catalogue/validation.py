"""Rules a set of catalogue records must satisfy beyond the shape of each record."""

from collections.abc import Iterable

from babel.numbers import UnknownCurrencyError, get_currency_name

from catalogue.cvr import is_valid_cvr
from catalogue.records import CaseRecord, CatalogueFile, Record, SolutionRecord, Texts
from catalogue.vocabulary import UNITS
from i18n.locales import CONTENT_LOCALES


def _known_currency(code: str) -> bool:
    try:
        get_currency_name(code, locale="en")
    except UnknownCurrencyError:
        return False
    return code.isupper()


def _text_problems(where: str, field: str, texts: Texts, source_locale: str, *, required: bool = True) -> list[str]:
    problems = [
        f"{where}: {field} has unsupported locale {locale!r}" for locale in texts if locale not in CONTENT_LOCALES
    ]
    if (required or texts) and not texts.get(source_locale, "").strip():
        problems.append(f"{where}: {field} has no text in its source locale {source_locale!r}")
    return problems


def _localised_problems(where: str, record: Record, fields: Iterable[str], source_locale: str) -> list[str]:
    problems: list[str] = []
    if source_locale not in CONTENT_LOCALES:
        problems.append(f"{where}: unsupported source locale {source_locale!r}")
    for field in fields:
        problems += _text_problems(where, field, getattr(record, field), source_locale)
    return problems


def _duplicates(kind: str, slugs: list[str]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for slug in slugs:
        if slug in seen:
            problems.append(f"{kind} {slug!r} appears twice")
        seen.add(slug)
    return problems


def case_problems(case: CaseRecord, organisations: set[str], solutions: set[str]) -> list[str]:
    """What is wrong with one case, given the organisations and solutions it may name."""
    where = f"case {case.slug!r}"
    fields = ("title", "summary", "challenge", "approach", "site")
    problems = _localised_problems(where, case, fields, case.source_locale)
    problems += [f"{where}: unknown solution {slug!r}" for slug in case.solutions if slug not in solutions]
    problems += [
        f"{where}: unknown partner {partner.organisation!r}"
        for partner in case.partners
        if partner.organisation not in organisations
    ]
    if case.to_year is not None and case.to_year < case.from_year:
        problems.append(f"{where}: to_year {case.to_year} is before from_year {case.from_year}")
    for number, outcome in enumerate(case.outcomes, start=1):
        at = f"{where} outcome {number}"
        problems += _text_problems(at, "label", outcome.label, case.source_locale)
        problems += _text_problems(at, "note", outcome.note, case.source_locale, required=False)
        if outcome.unit not in UNITS and not _known_currency(outcome.unit):
            problems.append(f"{at}: unknown unit {outcome.unit!r}")
        if outcome.result_max is not None and outcome.result_max < outcome.result:
            problems.append(f"{at}: result_max is below result")
    if case.cost and case.cost.investment and not _known_currency(case.cost.investment.currency):
        problems.append(f"{where}: unknown currency {case.cost.investment.currency!r}")
    return problems


def solution_problems(solution: SolutionRecord, themes: set[str], organisations: set[str]) -> list[str]:
    """What is wrong with one solution, given the themes and organisations it may name."""
    where = f"solution {solution.slug!r}"
    fields = ("title", "summary", "description", "benefits")
    problems = _localised_problems(where, solution, fields, solution.source_locale)
    if solution.provider not in organisations:
        problems.append(f"{where}: unknown provider {solution.provider!r}")
    problems += [f"{where}: unknown theme {slug!r}" for slug in solution.themes if slug not in themes]
    return problems


def catalogue_problems(data: CatalogueFile, known: CatalogueFile | None = None) -> list[str]:
    """Everything wrong with ``data``, read together with the already stored ``known`` records.

    An empty list means the records may be stored.
    """
    known = known or CatalogueFile()
    problems = (
        _duplicates("theme", [t.slug for t in (*known.themes, *data.themes)])
        + _duplicates("organisation", [o.slug for o in (*known.organisations, *data.organisations)])
        + _duplicates("solution", [s.slug for s in (*known.solutions, *data.solutions)])
        + _duplicates("case", [c.slug for c in (*known.cases, *data.cases)])
        + _duplicates("visit site", [v.slug for v in (*known.visit_sites, *data.visit_sites)])
    )
    themes = {t.slug for t in (*known.themes, *data.themes)}
    organisations = {o.slug for o in (*known.organisations, *data.organisations)}
    solutions = {s.slug for s in (*known.solutions, *data.solutions)}
    cases = {c.slug for c in (*known.cases, *data.cases)}
    for theme in data.themes:
        problems += _localised_problems(f"theme {theme.slug!r}", theme, ("label", "description"), theme.source_locale)
    for org in data.organisations:
        where = f"organisation {org.slug!r}"
        problems += _localised_problems(where, org, ("description",), org.source_locale)
        if org.cvr is not None and (org.country != "DK" or not is_valid_cvr(org.cvr)):
            problems.append(f"{where}: {org.cvr!r} is not a valid Danish CVR number")
    for solution in data.solutions:
        problems += solution_problems(solution, themes, organisations)
    for case in data.cases:
        problems += case_problems(case, organisations, solutions)
    for rate in data.exchange_rates:
        where = f"exchange rate {rate.base}/{rate.quote} of {rate.as_of}"
        problems += [
            f"{where}: unknown currency {code!r}" for code in (rate.base, rate.quote) if not _known_currency(code)
        ]
        if rate.base == rate.quote:
            problems.append(f"{where}: a currency against itself")
    for site in data.visit_sites:
        where = f"visit site {site.slug!r}"
        problems += _localised_problems(where, site, ("name", "description", "how_to_visit"), site.source_locale)
        if site.host not in organisations:
            problems.append(f"{where}: unknown host {site.host!r}")
        problems += [f"{where}: unknown case {slug!r}" for slug in site.cases if slug not in cases]
        problems += [
            f"{where}: unsupported tour language {t!r}" for t in site.tour_languages if t not in CONTENT_LOCALES
        ]
    return problems
