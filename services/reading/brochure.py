"""The brochure of one solution: a pure function from catalogue views to a localised document.

Everything the template shows arrives here already translated and formatted for the reader's
locale; the template only lays it out.
"""

from collections.abc import Callable
from io import BytesIO

import msgspec
import segno
from markupsafe import Markup

from catalogue import views as v
from i18n import formatting, labels
from i18n.currencies import reader_currency
from i18n.locales import Locale
from services.documents.charts import baseline_result_chart
from services.reading.exchange import convert

#: Most case results a brochure shows.
MAX_CASES = 3
#: Most outcomes shown for one case.
MAX_OUTCOMES = 4

Gettext = Callable[[str], str]


class Shown(msgspec.Struct, frozen=True):
    """A text as printed, with the language it is written in and that language's direction."""

    text: str
    locale: str
    direction: str


class ShownOutcome(msgspec.Struct, frozen=True):
    label: Shown
    value: str
    note: int
    chart: str | None = None
    chart_alt: str = ""
    before: str = ""
    after: str = ""


class ShownLine(msgspec.Struct, frozen=True):
    """One line of text with the number of its source footnote, if it states a figure."""

    text: str
    note: int | None = None


class ShownCost(msgspec.Struct, frozen=True):
    lines: list[ShownLine]


class Source(msgspec.Struct, frozen=True):
    """A numbered footnote: where printed figures come from and as of when."""

    text: str
    url: str | None = None


class ShownCase(msgspec.Struct, frozen=True):
    title: Shown
    summary: Shown
    place: str
    period: str
    demo: bool
    outcomes: list[ShownOutcome]
    cost: ShownCost | None


class Brochure(msgspec.Struct, frozen=True):
    """Everything a brochure template needs, and the images it refers to."""

    locale: Locale
    direction: str
    title: Shown
    summary: Shown
    description: Shown
    benefits: list[str]
    benefits_locale: str
    benefits_direction: str
    provider_name: str
    demo: bool
    themes: str
    maturity: str
    markets: str
    keywords: list[str]
    cases: list[ShownCase]
    case_count: str
    contact_lines: list[str]
    contact_email: str | None
    website: str | None
    live_url: str
    qr: str
    sources: list[Source]
    language_notes: list[str]
    page_number_css: str
    images: dict[str, bytes]
    #: The strongest figure, shown large on the cover.
    key_figure: ShownOutcome | None = None


def css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element."""
    escaped = "".join(f"\\{ord(char):X} " if char in '\\"<>\n\r' else char for char in text)
    return f'"{escaped}"'


def shown(text: v.Text) -> Shown:
    return Shown(text=text.text, locale=text.locale, direction=formatting.direction(text.locale))


def _place(case: v.CaseDetail, locale: Locale) -> str:
    """Site, city and country, separated as the locale separates the parts of an address."""
    separator = "، " if formatting.direction(locale) == "rtl" else "，" if locale in {"zh", "ja"} else ", "
    return separator.join([case.site.text, case.city, formatting.country(case.country, locale)])


def _strongest(cases: list[v.CaseDetail]) -> list[v.CaseDetail]:
    """Cases with the most comparable (baseline and result) outcomes first, real ones before demo ones."""

    def strength(case: v.CaseDetail) -> tuple[bool, int, int]:
        comparable = sum(outcome.baseline is not None for outcome in case.outcomes)
        return (case.demo, -comparable, -len(case.outcomes))

    return sorted((case for case in cases if case.outcomes), key=strength)[:MAX_CASES]


class _Footnotes:
    """Numbers each distinct source once, in order of first use."""

    def __init__(self, _: Gettext, locale: Locale) -> None:
        self._ = _
        self.locale = locale
        self.numbers: dict[tuple[str, str | None], int] = {}
        self.sources: list[Source] = []

    def number(self, source: str, as_of: object, detail: str = "", url: str | None = None) -> int:
        date = formatting.date(as_of, self.locale)  # type: ignore[arg-type]
        text = self._("%(source)s, as of %(date)s") % {"source": source, "date": date}
        if detail:
            text = f"{text} ({detail})"
        key = (text, url)
        if key not in self.numbers:
            self.sources.append(Source(text=text, url=url))
            self.numbers[key] = len(self.sources)
        return self.numbers[key]


def _outcome(
    outcome: v.OutcomeView, locale: Locale, _: Gettext, notes: _Footnotes, images: dict[str, bytes], name: str
) -> ShownOutcome:
    value = formatting.quantity_range(outcome.result, outcome.result_max, outcome.unit, locale)
    if outcome.annual:
        value = _("%(value)s per year") % {"value": value}
    detail = f"{_(labels.OUTCOME_METHODS[outcome.method])}; {_(labels.VERIFICATIONS[outcome.verification])}"
    note = notes.number(outcome.source, outcome.as_of, detail, outcome.source_url)
    if outcome.baseline is None:
        return ShownOutcome(label=shown(outcome.label), value=value, note=note)
    before = formatting.quantity(outcome.baseline, outcome.unit, locale)
    after = formatting.quantity(outcome.result, outcome.unit, locale)
    images[name] = baseline_result_chart(outcome.baseline, outcome.result, rtl=formatting.direction(locale) == "rtl")
    alt = _("%(label)s: from %(before)s to %(after)s") % {"label": outcome.label.text, "before": before, "after": after}
    return ShownOutcome(
        label=shown(outcome.label),
        value=value,
        note=note,
        chart=f"generated:{name}",
        chart_alt=alt,
        before=before,
        after=after,
    )


def _investment(
    money: v.Money, note: int, locale: Locale, rates: list[v.ExchangeRateView], _: Gettext, notes: _Footnotes
) -> list[ShownLine]:
    """The amount in its own currency and, where a stored rate allows, in the reader's, with the rate's date."""
    own = formatting.money(money.amount, money.currency, locale)
    lines = [ShownLine(text=_("Investment: %(amount)s") % {"amount": own}, note=note)]
    converted = convert(money.amount, money.currency, reader_currency(locale), rates)
    if converted is not None:
        amount, rate = converted
        text = _("%(amount)s (about %(converted)s at the rate of %(date)s)") % {
            "amount": own,
            "converted": formatting.money(amount, reader_currency(locale), locale),
            "date": formatting.date(rate.as_of, locale),
        }
        lines.append(ShownLine(text=text, note=notes.number(rate.source, rate.as_of)))
    return lines


def _cost(
    cost: v.CostView | None, locale: Locale, rates: list[v.ExchangeRateView], _: Gettext, notes: _Footnotes
) -> ShownCost | None:
    if cost is None:
        return None
    note = notes.number(cost.source, cost.as_of)
    lines = _investment(cost.investment, note, locale, rates, _, notes) if cost.investment else []
    if cost.funding_model:
        lines.append(ShownLine(text=_(labels.FUNDING_MODELS[cost.funding_model])))
    if cost.payback_years:
        payback = formatting.quantity(cost.payback_years, "year", locale)
        lines.append(ShownLine(text=_("Payback: %(years)s") % {"years": payback}, note=note))
    return ShownCost(lines=lines) if lines else None


def _language_notes(texts: list[v.Text], locale: Locale, _: Gettext) -> list[str]:
    """Notes saying which texts are translations, and which are not yet in the reader's language."""
    notes = []
    translated_from = sorted({text.source for text in texts if text.locale == locale and text.source != locale})
    notes += [
        _("Translated from %(language)s.") % {"language": formatting.language(code, locale)} for code in translated_from
    ]
    fallbacks = sorted({text.locale for text in texts if text.fallback})
    notes += [
        _("Some texts are not yet available in %(language)s and are shown in %(original)s.")
        % {"language": formatting.language(locale, locale), "original": formatting.language(code, locale)}
        for code in fallbacks
    ]
    return notes


def page_numbers_css(_: Gettext) -> str:
    before, _sep, rest = _("Page %(page)s of %(pages)s").partition("%(page)s")
    between, _sep, after = rest.partition("%(pages)s")
    return f"{css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(after)}"


def _qr_code(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, dark="#1b1f24", xmldecl=False)
    return buffer.getvalue()


def _shown_case(
    case: v.CaseDetail,
    locale: Locale,
    rates: list[v.ExchangeRateView],
    _: Gettext,
    notes: _Footnotes,
    images: dict[str, bytes],
    chart_prefix: str,
) -> ShownCase:
    """A case as printed: its first outcomes (charts named ``chart_prefix`` and a number) and its cost."""
    outcomes = [
        _outcome(outcome, locale, _, notes, images, f"{chart_prefix}{number}.svg")
        for number, outcome in enumerate(case.outcomes[:MAX_OUTCOMES], start=1)
    ]
    return ShownCase(
        title=shown(case.title),
        summary=shown(case.summary),
        place=_place(case, locale),
        period=formatting.years(case.from_year, case.to_year),
        demo=case.demo,
        outcomes=outcomes,
        cost=_cost(case.cost, locale, rates, _, notes),
    )


def build_brochure(
    solution: v.SolutionDetail,
    cases: list[v.CaseDetail],
    provider: v.OrganisationDetail,
    themes: dict[str, v.ThemeView],
    locale: Locale,
    live_url: str,
    rates: list[v.ExchangeRateView],
    _: Gettext,
) -> Brochure:
    """The brochure of ``solution`` for readers of ``locale``; ``live_url`` is its page online.

    ``_`` translates the document's own wording into ``locale``.
    """
    notes = _Footnotes(_, locale)
    images: dict[str, bytes] = {"qr.svg": _qr_code(live_url)}
    shown_cases = [
        _shown_case(case, locale, rates, _, notes, images, f"chart-{number}-")
        for number, case in enumerate(_strongest(cases), start=1)
    ]
    theme_names = [themes[slug].label.text for slug in solution.themes if slug in themes]
    contact = provider.contact
    contact_lines = [line for line in (contact.name, contact.phone) if line] if contact else []
    texts = [solution.title, solution.summary, solution.description]
    texts += [text for case in _strongest(cases) for text in (case.title, case.summary)]
    return Brochure(
        locale=locale,
        direction=formatting.direction(locale),
        title=shown(solution.title),
        summary=shown(solution.summary),
        description=shown(solution.description),
        benefits=list(solution.benefits.items),
        benefits_locale=solution.benefits.locale,
        benefits_direction=formatting.direction(solution.benefits.locale),
        provider_name=provider.name,
        demo=solution.demo,
        themes=formatting.listing(theme_names, locale),
        maturity=_(labels.MATURITIES[solution.maturity]),
        markets=formatting.countries(solution.markets, locale),
        keywords=theme_names,
        cases=shown_cases,
        case_count=formatting.number(len(shown_cases), locale),
        contact_lines=contact_lines,
        contact_email=contact.email if contact else None,
        website=provider.website,
        live_url=live_url,
        qr="generated:qr.svg",
        sources=notes.sources,
        language_notes=_language_notes(texts, locale, _),
        page_number_css=Markup(page_numbers_css(_)),  # noqa: S704 - built from CSS-escaped strings only
        images=images,
        key_figure=shown_cases[0].outcomes[0] if shown_cases and shown_cases[0].outcomes else None,
    )


class CaseSection(msgspec.Struct, frozen=True):
    """One case result shown on its own (in a pack), with its own footnotes and charts."""

    case: ShownCase
    sources: list[Source]
    images: dict[str, bytes]
    language_notes: list[str]


def build_case_section(
    case: v.CaseDetail, locale: Locale, rates: list[v.ExchangeRateView], _: Gettext, image_prefix: str = ""
) -> CaseSection:
    """The case as a brochure shows it, for readers of ``locale``; chart names start with ``image_prefix``."""
    notes = _Footnotes(_, locale)
    images: dict[str, bytes] = {}
    shown_case = _shown_case(case, locale, rates, _, notes, images, f"{image_prefix}chart-")
    notes_shown = _language_notes([case.title, case.summary], locale, _)
    return CaseSection(case=shown_case, sources=notes.sources, images=images, language_notes=notes_shown)


def with_image_prefix(brochure: Brochure, prefix: str) -> Brochure:
    """The brochure with its generated images renamed to start with ``prefix``, so several fit in one document."""

    def renamed(reference: str | None) -> str | None:
        return reference.replace("generated:", f"generated:{prefix}", 1) if reference else reference

    def outcome(shown: ShownOutcome) -> ShownOutcome:
        return msgspec.structs.replace(shown, chart=renamed(shown.chart))

    cases = [
        msgspec.structs.replace(case, outcomes=[outcome(item) for item in case.outcomes]) for case in brochure.cases
    ]
    return msgspec.structs.replace(
        brochure,
        cases=cases,
        qr=renamed(brochure.qr) or brochure.qr,
        key_figure=outcome(brochure.key_figure) if brochure.key_figure else None,
        images={f"{prefix}{name}": data for name, data in brochure.images.items()},
    )
