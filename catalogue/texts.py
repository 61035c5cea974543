"""Moving localised fields between their table rows and :class:`LocalisedText`."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from catalogue.folding import fold
from catalogue.localised import LocalisedText, LocalisedValue
from catalogue.tables import TextRow
from catalogue.vocabulary import TranslationState

RowT = TypeVar("RowT", bound=TextRow)


class HasTexts(Protocol):
    """An entry with localised fields."""

    @property
    def texts(self) -> Sequence[TextRow]: ...


class EditableTexts(Protocol):
    """An entry whose localised fields can be replaced."""

    texts: list[Any]


#: One stored value of a localised field as plain columns: field, locale, text, state, whether it is
#: the source, and the fingerprint of the source it was translated from.
TextColumns = tuple[str, str, str, str, bool, str | None]


def fields_of(rows: Iterable[TextRow]) -> dict[str, LocalisedText]:
    """Every localised field stored in ``rows``, by field name."""
    return fields_from(
        (row.field, row.locale, row.text, row.state, row.is_source, row.source_fingerprint) for row in rows
    )


def fields_from(columns: Iterable[TextColumns]) -> dict[str, LocalisedText]:
    """Every localised field in ``columns`` (as :data:`TextColumns`), by field name."""
    values: dict[str, dict[str, LocalisedValue]] = defaultdict(dict)
    sources: dict[str, str] = {}
    for field, locale, text, state, is_source, source_fingerprint in columns:
        values[field][locale] = LocalisedValue(
            text=text, state=TranslationState(state), source_fingerprint=source_fingerprint
        )
        if is_source:
            sources[field] = locale
    return {field: LocalisedText(source_locale=sources[field], values=by_locale) for field, by_locale in values.items()}


def field_of(owner: HasTexts, field: str) -> LocalisedText | None:
    """One localised field of ``owner``, or ``None`` when it has no text at all."""
    return fields_of(row for row in owner.texts if row.field == field).get(field)


def rows_for(row_class: type[RowT], field: str, text: LocalisedText) -> list[RowT]:
    """New table rows holding ``text`` as the field ``field``."""
    return [
        row_class(
            field=field,
            locale=locale,
            text=value.text,
            folded=fold(value.text),
            state=value.state.value,
            is_source=locale == text.source_locale,
            source_fingerprint=value.source_fingerprint,
        )
        for locale, value in text.values.items()
        if value.state is not TranslationState.MISSING
    ]


def store_field(owner: EditableTexts, row_class: type[TextRow], field: str, text: LocalisedText) -> None:
    """Replace the rows of ``field`` on ``owner`` with ``text``, updating rows in place where they exist."""
    existing = {row.locale: row for row in owner.texts if row.field == field}
    wanted = {row.locale: row for row in rows_for(row_class, field, text)}
    for locale, row in existing.items():
        if locale not in wanted:
            owner.texts.remove(row)
    for locale, new in wanted.items():
        current = existing.get(locale)
        if current is None:
            owner.texts.append(new)
            continue
        current.text, current.folded, current.state = new.text, new.folded, new.state
        current.is_source, current.source_fingerprint = new.is_source, new.source_fingerprint
