"""What an edit may change in a solution or a case, and how two versions of it differ.

An edit payload holds exactly these fields. Who provides an entry, whether it is published, how an
outcome was verified and which version it is are set by the catalogue and its reviewers, never by
an edit, so they have no place here.
"""

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from catalogue.localised import LocalisedText, LocalisedValue, fingerprint, replace_source
from catalogue.records import (
    CaseRecord,
    Cost,
    CountryCode,
    Figure,
    Partner,
    Record,
    Sdg,
    ShortText,
    Slug,
    SolutionRecord,
    Texts,
    Year,
)
from catalogue.records import Outcome as OutcomeRecord
from catalogue.vocabulary import Maturity, OutcomeMethod, TranslationState, Verification

EntryKind = Literal["solution", "case"]
#: Fields an edit payload may never carry, with what sets them instead.
PROTECTED_FIELDS = {
    "slug": "the entry's address is fixed",
    "provider": "the provider is the organisation the entry belongs to",
    "maintainer": "the maintaining organisation is set by administrators",
    "source_locale": "the source language is fixed",
    "demo": "set by the catalogue",
    "published": "publishing is a review decision",
    "is_published": "publishing is a review decision",
    "status": "publishing is a review decision",
    "verification": "verification is a review decision",
    "version": "versions are numbered by the catalogue",
    "number": "versions are numbered by the catalogue",
}


class ImageRef(Record, kw_only=True, frozen=True):
    """An uploaded image shown with an entry, and its alternative text per locale."""

    #: The image's name as stored: the SHA-256 of its bytes and its extension.
    image: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}\.(jpg|png|webp)$")]
    alt: Texts


class SolutionContent(Record, kw_only=True, frozen=True, tag_field="kind", tag="solution"):
    themes: Annotated[list[Slug], Meta(min_length=1, max_length=7)]
    sdgs: Annotated[list[Sdg], Meta(max_length=17)] = []
    maturity: Maturity
    markets: Annotated[list[CountryCode], Meta(max_length=60)] = []
    title: Texts
    summary: Texts
    description: Texts
    benefits: Texts
    images: Annotated[list[ImageRef], Meta(max_length=12)] = []


class OutcomeContent(Record, kw_only=True, frozen=True):
    metric: Slug
    label: Texts
    unit: Annotated[str, Meta(min_length=1, max_length=40)]
    baseline: Figure | None = None
    result: Figure
    result_max: Figure | None = None
    annual: bool = False
    from_year: Year | None = None
    to_year: Year | None = None
    method: OutcomeMethod
    source: ShortText
    source_url: Annotated[str, Meta(pattern=r"^https://", max_length=300)] | None = None
    as_of: dt.date
    note: Texts = {}


class CaseContent(Record, kw_only=True, frozen=True, tag_field="kind", tag="case"):
    title: Texts
    summary: Texts
    challenge: Texts
    approach: Texts
    site: Texts
    city: ShortText
    country: CountryCode = "DK"
    from_year: Year
    to_year: Year | None = None
    solutions: Annotated[list[Slug], Meta(max_length=60)] = []
    partners: Annotated[list[Partner], Meta(min_length=1, max_length=40)]
    outcomes: Annotated[list[OutcomeContent], Meta(max_length=40)] = []
    cost: Cost | None = None
    sources: Annotated[list[ShortText], Meta(max_length=40)] = []
    images: Annotated[list[ImageRef], Meta(max_length=12)] = []


Content = SolutionContent | CaseContent
CONTENT_TYPES: dict[str, type[SolutionContent] | type[CaseContent]] = {
    "solution": SolutionContent,
    "case": CaseContent,
}
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "solution": ("title", "summary", "description", "benefits"),
    "case": ("title", "summary", "challenge", "approach", "site"),
}

#: Every translatable field name, outcomes' included.
_TEXT_NAMES = frozenset({*TEXT_FIELDS["solution"], *TEXT_FIELDS["case"], "label", "note"})


def protected_fields_in(payload: object) -> list[str]:
    """The protected fields an edit payload tries to set (outcomes included)."""
    if not isinstance(payload, dict):
        return []
    found = [name for name in payload if name in PROTECTED_FIELDS]
    outcomes = payload.get("outcomes")
    if isinstance(outcomes, list):
        for number, outcome in enumerate(outcomes):
            if isinstance(outcome, dict):
                found += [f"outcomes[{number}].{name}" for name in outcome if name in PROTECTED_FIELDS]
    return found


def solution_record(slug: str, provider: str, source_locale: str, content: SolutionContent) -> SolutionRecord:
    """The full record a solution's content makes, for the catalogue's validation rules."""
    fields = msgspec.structs.asdict(content)
    del fields["images"]
    return SolutionRecord(slug=slug, provider=provider, source_locale=source_locale, **fields)


def case_record(slug: str, source_locale: str, content: CaseContent) -> CaseRecord:
    """The full record a case's content makes; outcomes count as self-reported until reviewed."""
    fields = msgspec.structs.asdict(content)
    del fields["images"]
    fields["outcomes"] = [
        OutcomeRecord(verification=Verification.SELF_REPORTED, **msgspec.structs.asdict(outcome))
        for outcome in content.outcomes
    ]
    return CaseRecord(slug=slug, source_locale=source_locale, **fields)


def revise(current: LocalisedText | None, source_locale: str, texts: dict[str, str]) -> LocalisedText:
    """A field after an approved edit that gives it ``texts``.

    A new source text makes translations of the old one outdated, unless the same edit also
    changed them: those are taken as translations of the new source. Locales left out are removed.
    """
    if current is None:
        return LocalisedText.from_source(source_locale, texts)
    source_text = texts[current.source_locale]
    base = replace_source(current, source_text) if source_text != current.source_text else current
    new_print = fingerprint(source_text)
    values: dict[str, LocalisedValue] = {}
    for locale, text in texts.items():
        old = base.values.get(locale)
        if locale == current.source_locale or (old is not None and old.text == text):
            values[locale] = base.values[locale]
        else:
            values[locale] = LocalisedValue(text=text, state=TranslationState.APPROVED, source_fingerprint=new_print)
    return LocalisedText(source_locale=current.source_locale, values=values)


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One difference between two versions: a field (with its locale for texts), before and after."""

    field: str
    locale: str | None = None
    before: Any = None
    after: Any = None


def _plain(value: Any) -> Any:
    return msgspec.to_builtins(value)


def diff(before: Content | None, after: Content) -> list[Change]:
    """Field-by-field differences from ``before`` to ``after``, texts per locale, outcomes per row."""
    old = _plain(before) if before is not None else {}
    new = _plain(after)
    changes: list[Change] = []
    for field in new.keys() | old.keys():
        changes += _diff_value(field, old.get(field), new.get(field))
    return sorted(changes, key=lambda change: (_order(type(after), change.field), change.locale or ""))


def _diff_value(field: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    if field.rsplit(".", 1)[-1] in _TEXT_NAMES or field.endswith("].alt"):
        old_texts, new_texts = old or {}, new or {}
        return [
            Change(field=field, locale=locale, before=old_texts.get(locale), after=new_texts.get(locale))
            for locale in sorted(old_texts.keys() | new_texts.keys())
            if old_texts.get(locale) != new_texts.get(locale)
        ]
    if field in {"outcomes", "images"} and isinstance(old, list | None) and isinstance(new, list):
        rows = max(len(old or []), len(new))
        changes = []
        for number in range(rows):
            was = (old or [])[number] if number < len(old or []) else None
            now = new[number] if number < len(new) else None
            if was is None or now is None:
                changes.append(Change(field=f"{field}[{number + 1}]", before=was, after=now))
                continue
            for name in was.keys() | now.keys():
                changes += _diff_value(f"{field}[{number + 1}].{name}", was.get(name), now.get(name))
        return changes
    return [Change(field=field, before=old, after=new)]


def _order(kind: type[Any], field: str) -> int:
    names = list(kind.__struct_fields__)
    head = field.split("[", 1)[0].split(".", 1)[0]
    return names.index(head) if head in names else len(names)
