"""`feedback results`: the figures the dashboard shows, on the command line.

A thin caller of feedback.results: the JSON it prints is `QuestionnaireResults.to_dict()` (or
`Breakdown.to_dict()` with --by), written by feedback.results.lookup as the JSON API writes it.
"""

from __future__ import annotations

import re

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import questionnaires
from ..results import Breakdown, FilterError, PeriodError, QuestionnaireResults, QuestionResult
from ..results.lookup import find_results, parse_equality, read_filters, results_json


def _word(code: str) -> str:
    """Say an option code in words: "not_at_all" → "not at all", "18_24" → "18–24"."""
    if re.fullmatch(r"\d+_\d+", code):
        return code.replace("_", "–")
    return code.replace("_", " ")


def _words(codes) -> str:
    return " or ".join(_word(code) for code in codes)


def describe(question: QuestionResult) -> str:
    """Say one question's figures in a line of plain English, as operators read them."""
    if question.suppressed:
        return "suppressed (too few answers to show)"
    if question.kind == "text":
        return f"{question.n} written {'answer' if question.n == 1 else 'answers'}"
    if not question.n:
        return "no answers"
    if question.kind == "multiple":
        shares = ", ".join(f"{_word(o.option)} {o.percent}%" for o in question.distribution
                           if o.count)
        return f"{shares} of {question.mentions:,} mentions (n={question.n:,})"
    if question.positive_percent is None:
        shares = ", ".join(f"{_word(o.option)} {o.percent}%" for o in question.distribution)
        return f"{shares} (n={question.n:,})"
    line = f"{question.positive_percent}% {_words(question.positive_options)}"
    if question.beside_percent is not None:
        line += f"; a further {question.beside_percent}% {_words(question.beside_options)}"
    line += f" (n={question.n:,})"
    if question.change_points is not None:
        change = question.change_points
        line += f", {change:+d} {'point' if abs(change) == 1 else 'points'} on the previous period"
    return line


def _heading(results: QuestionnaireResults, title: str) -> str:
    period = results.filters.get("period")
    when = period["label"] if period else "all time"
    if results.suppressed:
        return f"{title}, {when}: too few responses to show"
    return f"{title}, {when}: {results.responses:,} {'response' if results.responses == 1 else 'responses'}"


def _print_results(results: QuestionnaireResults, title: str, indent: str = "") -> None:
    click.echo(indent + _heading(results, title))
    for question in results.questions:
        click.echo(f"{indent}{question.code}  {describe(question)}")


def _equality(pairs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    try:
        return parse_equality(pairs)
    except FilterError as error:
        raise click.BadParameter(str(error), param_hint="--equality") from None


@click.command("results")
@with_appcontext
@click.option("--questionnaire", "code", required=True,
              type=click.Choice([q.code for q in questionnaires.ALL]), help="Questionnaire code.")
@click.option("--period", default=None,
              help="2011-12 (business year), 2011-12-Q1, 2011-06 (month) or 2011-04-01..2011-06-30.")
@click.option("--programme", default=None, help="Programme code, e.g. OMI2 or CCI.")
@click.option("--region", default=None, help="Region code, e.g. london or wales.")
@click.option("--organisation", default=None, help="Organisation code, e.g. trust-wales.")
@click.option("--inspection", default=None, help="Inspection code.")
@click.option("--channel", default=None, type=click.Choice(["web", "kiosk", "paper"]))
@click.option("--language", default=None, type=click.Choice(["en", "cy"]))
@click.option("--equality", multiple=True, metavar="QUESTION=VALUE",
              help="Only responses with this 'About you' answer, e.g. about_gender=female.")
@click.option("--by", default=None,
              help="Break down by region, programme, organisation, inspection, channel, "
                   "language, quarter, month or an 'About you' question.")
@click.option("--staff", is_flag=True,
              help="Show what staff may see (a post-inspection evaluation per inspection).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def results_command(code, period, programme, region, organisation, inspection, channel,
                    language, equality, by, staff, as_json) -> None:
    """Print the satisfaction percentages, exactly as the dashboard shows them."""
    try:
        filters = read_filters(period, programme, region, organisation, inspection, channel,
                               language, _equality(equality))
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    except FilterError as error:
        raise click.UsageError(str(error)) from None
    viewer = "staff" if staff else "public"
    with current_app.extensions["database"].session() as session:
        try:
            found = find_results(session, code, filters, by, viewer)
        except FilterError as error:
            raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(results_json(found))
        return
    if isinstance(found, Breakdown):
        _print_results(found.total, code)
        for group in found.groups:
            click.echo()
            _print_results(group.results, f"{by} {group.key if group.key is not None else '(none)'}", "  ")
        return
    _print_results(found, code)
