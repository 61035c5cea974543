"""The outcome rows of the edit form, their figures shown and read in the form's locale.

A figure is shown as the form's locale writes it (Danish "1.250", never "1250.0") and read back in
that same locale, which the form states in a hidden field: the page a figure was typed on decides
what it means, not a language chosen since in another tab. A figure that cannot be read, or could
be read two ways, is refused with a message naming the field, and the form keeps what was typed.
"""

from collections.abc import Callable
from typing import Any

import msgspec

from catalogue.content import CaseContent, Content, OutcomeContent
from i18n.formatting import UnreadableNumber, number_entry, parse_number
from i18n.labels import N_
from i18n.locales import INTERFACE_LOCALES
from services.errors import InvalidInput

#: The hidden field in which the form states the locale its figures are written in.
NUMBER_LOCALE = "number_locale"
#: A number whose form shows both marks of a locale, for the example in a refusal.
_EXAMPLE = 1250.5
_NO_NUMBER = N_("%(field)s: give a number.")
_UNREADABLE = N_("%(field)s: “%(value)s” cannot be read as a number on this page; write it like %(example)s.")


def number_locale_of(form: dict[str, str], page_locale: str) -> str:
    """The locale the posted form's figures were written in: the one it states, else the page's."""
    stated = form.get(NUMBER_LOCALE, "")
    return stated if stated in INTERFACE_LOCALES else page_locale


class Figures:
    """Reads the figures of one posted form, keeping a message for each it has to refuse."""

    def __init__(self, form: dict[str, str], locale: str, gettext: Callable[[str], str]) -> None:
        self.form, self.locale, self.gettext = form, locale, gettext
        self.refusals: list[str] = []

    def read(self, name: str, label: str, default: float | None, *, optional: bool = False) -> float | None:
        """The figure in field ``name``; ``default`` when the form has no such field or it was refused."""
        raw = self.form.get(name)
        if raw is None:
            return default
        if not raw.strip():
            if optional:
                return None
            self.refusals.append(self.gettext(_NO_NUMBER) % {"field": label})
            return default
        try:
            return parse_number(raw, self.locale)
        except UnreadableNumber:
            example = number_entry(_EXAMPLE, self.locale)
            self.refusals.append(self.gettext(_UNREADABLE) % {"field": label, "value": raw.strip(), "example": example})
            return default


def typed_outcome(
    outcome: OutcomeContent, number: int, label: dict[str, str], figures: Figures, *, structure: bool
) -> OutcomeContent:
    """``outcome`` (row ``number``) with ``label`` as typed and, when the form showed them, its figures and source."""
    form, _ = figures.form, figures.gettext
    updated = msgspec.structs.replace(outcome, label=label)
    if not structure:
        return updated
    shown = number + 1
    result = figures.read(
        f"outcome.{number}.result", _("Result of outcome %(number)s") % {"number": shown}, outcome.result
    )
    baseline = figures.read(
        f"outcome.{number}.baseline",
        _("Baseline of outcome %(number)s") % {"number": shown},
        outcome.baseline,
        optional=True,
    )
    return msgspec.structs.replace(
        updated,
        result=outcome.result if result is None else result,
        baseline=baseline,
        source=form.get(f"outcome.{number}.source", outcome.source).strip() or outcome.source,
    )


def new_outcome(locale: str, figures: Figures) -> OutcomeContent | None:
    """The outcome row added on the form, checked against its declared constraints.

    ``None`` once any figure of the form was refused: the save is refused anyway, and the row is shown again as typed.
    """
    form, _ = figures.form, figures.gettext
    result = figures.read("new.result", _("Result of the new outcome"), None)
    baseline = figures.read("new.baseline", _("Baseline of the new outcome"), None, optional=True)
    if figures.refusals:
        return None
    fields: dict[str, Any] = {
        "metric": form.get("new.metric", "").strip(),
        "label": {locale: form.get("new.label", "").strip()} if form.get("new.label", "").strip() else {},
        "unit": form.get("new.unit", "").strip(),
        "result": result,
        "baseline": baseline,
        "method": form.get("new.method", ""),
        "source": form.get("new.source", "").strip(),
        "source_url": form.get("new.source_url", "").strip() or None,
        "as_of": form.get("new.as_of", ""),
    }
    try:
        return msgspec.convert(fields, OutcomeContent)
    except msgspec.ValidationError as error:
        raise InvalidInput("new outcome", str(error)) from error


def outcome_rows(
    content: Content, source: str, locale: str, number_locale: str, posted: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The outcome rows the form shows: figures written in ``number_locale``, or as typed when ``posted``."""
    if not isinstance(content, CaseContent):
        return []
    rows = []
    for number, outcome in enumerate(content.outcomes):
        name = f"outcome.{number}"
        result = number_entry(outcome.result, number_locale)
        baseline = "" if outcome.baseline is None else number_entry(outcome.baseline, number_locale)
        rows.append(
            {
                "number": number,
                "source_label": outcome.label.get(source, ""),
                "label": outcome.label.get(locale, ""),
                "result": posted.get(f"{name}.result", result) if posted else result,
                "baseline": posted.get(f"{name}.baseline", baseline) if posted else baseline,
                "unit": outcome.unit,
                "as_of": outcome.as_of.isoformat(),
                "source": posted.get(f"{name}.source", outcome.source) if posted else outcome.source,
                "remove": bool(posted and posted.get(f"{name}.remove")),
            }
        )
    return rows


def new_outcome_typed(posted: dict[str, str] | None) -> dict[str, str]:
    """What was typed into the new outcome's fields (``metric``, ``result``, ...), to show again."""
    return {key.removeprefix("new."): value for key, value in (posted or {}).items() if key.startswith("new.")}


def shown_value(value: Any, locale: str) -> Any:
    """A value of a review's change as a reader of ``locale`` reads it: figures in the locale's way."""
    if isinstance(value, float):
        return number_entry(value, locale)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown_value(item, locale)}" for key, item in value.items() if item not in (None, {}))
    return value
