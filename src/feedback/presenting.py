"""Figures in words, as the inspectorate publishes them: "94% fully or mainly (48 answers)".

Shared by the dashboard, the Slack bot and the CLI, so every presenter words a figure the same
way; the figures themselves come only from feedback.results.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .i18n import LANGUAGES, current_language
from .questionnaires import FREE_TEXT, MULTIPLE, Question
from .results import Period, QuestionResult

# What the positive figure counts, per scale, in the words of the annual report.
POSITIVE_WORDS = {
    "fully_mainly": _l("fully or mainly"),
    "definitely_some_extent": _l("definitely"),
    "definitely_reasonable": _l("definitely"),
    "definitely_some": _l("definitely"),
}


def number(value: int, language: str | None = None) -> str:
    return format_decimal(value, locale=LANGUAGES[language or current_language()])


def percent_text(value: int) -> str:
    return _("%(percent)s%%", percent=number(value))


def positive_words(question: Question) -> str:
    words = POSITIVE_WORDS.get(question.scale.code)
    if words is not None:
        return str(words)
    # The question's own yes, which in Welsh echoes its verb: "34% oes", "86% do".
    positive = next((o for o in question.scale.options if o.positive), None)
    return str(positive.label).lower() if positive is not None else _("yes")


def beside_words(question: Question) -> str:
    beside = [o for o in question.scale.options if o.beside]
    return ", ".join(str(o.label).lower() for o in beside)


def answers_count(n: int) -> str:
    return ngettext("%(count)s answer", "%(count)s answers", n, count=number(n))


def answering_count(n: int) -> str:
    return ngettext("%(count)s person answered", "%(count)s people answered", n, count=number(n))


def headline(question: Question, result: QuestionResult, threshold: int) -> str:
    """Word one question's figure; a suppressed figure is said to be hidden, never shown."""
    if result.suppressed:
        return not_shown(threshold)
    if question.kind == FREE_TEXT:
        return ngettext("%(count)s comment", "%(count)s comments", result.n or 0, count=number(result.n or 0))
    if question.kind == MULTIPLE:
        return ngettext("%(count)s mention", "%(count)s mentions", result.mentions or 0, count=number(result.mentions or 0))
    if not result.n:
        return _("No answers")
    if result.positive_percent is None:
        # A question with no answer that counts as positive (the questions about you): the
        # table beneath shows how the answers divide; the headline says how many gave one.
        return answering_count(result.n)
    text = _(
        "%(percent)s %(words)s (%(answers)s)",
        percent=percent_text(result.positive_percent),
        words=positive_words(question),
        answers=answers_count(result.n or 0),
    )
    if result.beside_percent is not None:
        text += "; " + _(
            "a further %(percent)s %(words)s",
            percent=percent_text(result.beside_percent),
            words=beside_words(question),
        )
    return text


def not_shown(threshold: int) -> str:
    return ngettext(
        "Not shown: fewer than %(count)s answer", "Not shown: fewer than %(count)s answers", threshold,
        count=number(threshold),
    )


def change_text(change: int | None) -> str:
    """Describe a change from the previous period in percentage points."""
    if change is None:
        return _("No comparison")
    if change == 0:
        return _("No change")
    size = abs(change)
    if change > 0:
        return ngettext("Up %(count)s point", "Up %(count)s points", size, count=number(size))
    return ngettext("Down %(count)s point", "Down %(count)s points", size, count=number(size))


def period_label(period, language: str | None = None) -> str:
    """Name a period in the reader's language: "2011–12", "2011–12 Q1", "Mehefin 2011"."""
    from babel.dates import format_date

    locale = LANGUAGES[language or current_language()]
    if period.kind == "year":
        return period.label
    if period.kind == "quarter":
        year = Period.business_year(period.first_day.year if period.first_day.month >= 4 else period.first_day.year - 1)
        return _("%(year)s, quarter %(number)s", year=year.label, number=period.quarter_number)
    if period.kind == "month":
        return format_date(period.first_day, format="LLLL y", locale=locale)
    return _(
        "%(first)s to %(last)s",
        first=format_date(period.first_day, format="d MMMM y", locale=locale),
        last=format_date(period.last_day, format="d MMMM y", locale=locale),
    )


def difference_text(difference: int | None) -> str:
    """Describe a figure against the national one, in percentage points."""
    if difference is None:
        return _("No comparison")
    if difference == 0:
        return _("The same")
    size = abs(difference)
    if difference > 0:
        return ngettext("%(count)s point higher", "%(count)s points higher", size, count=number(size))
    return ngettext("%(count)s point lower", "%(count)s points lower", size, count=number(size))


EXCLUSION_WORDS = {
    "skipped": _l("Not answered"),
    "not_asked": _l("Not asked"),
    "unrecognised": _l("Answers from an older wording"),
}


def exclusion_label(question: Question, code: str) -> str:
    words = EXCLUSION_WORDS.get(code)
    if words is not None:
        return str(words)
    option = question.scale.option(code)
    return str(option.label) if option is not None else code
