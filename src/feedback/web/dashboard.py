"""The staff dashboard: thin views over feedback.results, in English and Welsh."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import kiosk, presenting, questionnaires, results
from ..charts import BESIDE, OTHER, POSITIVE, Bar, bar_chart
from ..clock import utcnow
from ..comments import CommentSearch, find_comments
from ..db import db_session
from ..forms import EmptyForm
from ..models import Inspection, Programme, Region, Response
from ..operations import inspections as inspection_ops
from ..operations.response_rates import response_rates
from ..questionnaires import FREE_TEXT, MULTIPLE, QuestionnaireDefinition
from ..results import FilterError, Filters, Period, PeriodError, parse_period
from ..results.periods import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY, business_year_of
from ..results.trend import business_year_trend
from ..roles import VIEW_RESULTS
from .auth import staff_required

bp = Blueprint("dashboard", __name__, url_prefix="/staff")

CHANNEL_NAMES = {"web": _l("Web link"), "kiosk": _l("Kiosk"), "paper": _l("Paper")}
LANGUAGE_NAMES = {"en": _l("English"), "cy": _l("Welsh")}
# Whole phrases, not "Written in %s": Welsh mutates the language's name after "yn".
WRITTEN_IN = {"en": _l("Written in English"), "cy": _l("Written in Welsh")}
FILTER_NAMES = ("period", "programme", "region", "organisation", "inspection", "channel", "language")
BREAKDOWNS = {
    "region": _l("Region"),
    "programme": _l("Inspection programme"),
    "channel": _l("How it was answered"),
    "language": _l("Language"),
    "quarter": _l("Quarter"),
    "about_gender": _l("Sex or gender"),
    "about_ethnic_group": _l("Ethnic group"),
    "about_disability": _l("Disability"),
    "about_age": _l("Age"),
    "about_sexual_orientation": _l("Sexual orientation"),
}


def definition_or_404(code: str) -> QuestionnaireDefinition:
    definition = questionnaires.get(code)
    if definition is None:
        abort(404)
    return definition


def latest_year_with_responses() -> Period:
    latest = db_session().execute(select(func.max(Response.submitted_at))).scalar_one_or_none()
    day = (latest or utcnow()).date()
    return Period.business_year(business_year_of(day))


@dataclass
class FilterState:
    filters: Filters
    args: dict[str, str]
    errors: dict[str, str]


def read_filters(default_period: Period | None) -> FilterState:
    """Turn the query string into results filters; a bad value is reported, never a 500."""
    args = {name: request.args.get(name, "").strip() for name in FILTER_NAMES}
    errors: dict[str, str] = {}
    period = default_period
    if args["period"]:
        try:
            period = parse_period(args["period"])
        except PeriodError:
            errors["period"] = _("Enter a period from %(first)d to %(last)d, like 2011-12, 2011-12-Q1 or 2011-06",
                                 first=FIRST_SUPPORTED_DAY.year, last=LAST_SUPPORTED_DAY.year)
    args["period"] = period.code if period else ""
    try:
        filters = Filters(
            period=period,
            **{name: args[name] or None for name in FILTER_NAMES if name != "period"},
        )
    except FilterError:
        errors["filters"] = _("One of the filters is not recognised")
        filters = Filters(period=period)
    return FilterState(filters, {k: v for k, v in args.items() if v}, errors)


def year_choices(selected: str) -> list[dict]:
    this_year = business_year_of(utcnow().date())
    items = []
    for first in range(this_year, 2008, -1):
        period = Period.business_year(first)
        items.append({"value": period.code, "text": period.label, "selected": period.code == selected})
    if selected and selected not in {i["value"] for i in items}:
        items.insert(0, {"value": selected, "text": presenting.period_label(parse_period(selected)), "selected": True})
    return items


def select_items(rows, selected: str, anything: str) -> list[dict]:
    items = [{"value": "", "text": anything, "selected": not selected}]
    items += [{"value": value, "text": text, "selected": value == selected} for value, text in rows]
    return items


def filter_choices(args: dict[str, str]) -> dict[str, list[dict]]:
    dbs = db_session()
    language = presenting.current_language()
    programmes = [(p.code, p.name_cy if language == "cy" else p.name) for p in dbs.scalars(select(Programme).order_by(Programme.code))]
    regions = [(r.code, r.name_cy if language == "cy" else r.name) for r in dbs.scalars(select(Region).order_by(Region.name))]
    return {
        "period": year_choices(args.get("period", "")),
        "programme": select_items(programmes, args.get("programme", ""), _("All programmes")),
        "region": select_items(regions, args.get("region", ""), _("All regions")),
        "channel": select_items([(k, str(v)) for k, v in CHANNEL_NAMES.items()], args.get("channel", ""), _("Any way")),
        "language": select_items([(k, str(v)) for k, v in LANGUAGE_NAMES.items()], args.get("language", ""), _("Either language")),
    }


def option_label(question, code: str) -> str:
    if code == results.NOT_STATED:
        return _("Not stated")
    option = question.scale.option(code) if question is not None else None
    return str(option.label) if option is not None else code


def question_chart(chart_id: str, question, result) -> str | None:
    """Draw a question's distribution; None for free text and hidden figures."""
    if result.suppressed or question.kind == FREE_TEXT or not result.distribution:
        return None
    bars = []
    for item in result.distribution:
        option = question.scale.option(item.option)
        colour = POSITIVE if option is not None and option.positive else BESIDE if option is not None and option.beside else OTHER
        if question.kind == MULTIPLE:
            colour = POSITIVE
        value = presenting.percent_text(item.percent) if item.percent is not None else "–"
        bars.append(Bar(option_label(question, item.option), item.percent, value, colour))
    return bar_chart(chart_id, str(question.text), bars)


def trend_chart(chart_id: str, question, trend) -> str | None:
    """Draw a question's positive figure in each business year; None where there is no figure."""
    if question.kind in (FREE_TEXT, MULTIPLE) or len(trend) < 2:
        return None
    bars = []
    for year, found in trend:
        result = next((r for r in found.questions if r.code == question.code), None)
        if found.suppressed or result is None or result.suppressed:
            bars.append(Bar(year.label, None, _("Not shown")))
        elif result.positive_percent is None:
            bars.append(Bar(year.label, None, _("No answers")))
        else:
            bars.append(Bar(year.label, result.positive_percent, presenting.percent_text(result.positive_percent), POSITIVE))
    if all(bar.percent is None for bar in bars):
        return None
    title = _("%(question)s: %(words)s, by business year", question=question.text,
              words=presenting.positive_words(question))
    return bar_chart(chart_id, title, bars, small=True)


@bp.route("/")
@staff_required(VIEW_RESULTS)
def overview():
    state = read_filters(latest_year_with_responses())
    period = state.filters.period
    dbs = db_session()
    sections = []
    for definition in questionnaires.ALL:
        found = results.questionnaire_results(dbs, definition.code, state.filters, viewer="staff")
        sections.append((definition, found))
    # Responses over named invitations, beside the satisfaction figures (feedback.operations).
    rates = {row.questionnaire: row.rate for row in response_rates(
        dbs, period, programme=state.filters.programme, region=state.filters.region)} if period else {}
    return render_template(
        "dashboard/overview.html",
        sections=sections,
        rates=rates,
        late_arrival_days=kiosk.MAX_QUEUE_AGE.days,
        period=period,
        previous=period.previous() if period else None,
        state=state,
        choices=filter_choices(state.args),
    )


@bp.route("/results/<code>")
@staff_required(VIEW_RESULTS)
def questionnaire(code: str):
    definition = definition_or_404(code)
    state = read_filters(latest_year_with_responses())
    found = results.questionnaire_results(db_session(), code, state.filters, viewer="staff")
    charts = {
        q.code: question_chart(f"chart-{q.code}", definition.question(q.code), q)
        for q in found.questions
    }
    trend = business_year_trend(db_session(), code, state.filters, viewer="staff")
    trends = {q.code: trend_chart(f"trend-{q.code}", definition.question(q.code), trend) for q in found.questions}
    return render_template(
        "dashboard/questionnaire.html",
        definition=definition,
        found=found,
        charts=charts,
        trends=trends,
        state=state,
        choices=filter_choices(state.args),
        breakdowns=[(key, label) for key, label in BREAKDOWNS.items()
                    if not key.startswith("about_") or definition.question(key) is not None],
        option_label=option_label,
    )


@bp.route("/results/<code>/by/<by>")
@staff_required(VIEW_RESULTS)
def breakdown(code: str, by: str):
    definition = definition_or_404(code)
    if by not in BREAKDOWNS or (by.startswith("about_") and definition.question(by) is None):
        abort(404)
    state = read_filters(latest_year_with_responses())
    found = results.breakdown(db_session(), code, by, state.filters, viewer="staff")
    return render_template(
        "dashboard/breakdown.html",
        definition=definition,
        found=found,
        by=by,
        by_label=BREAKDOWNS[by],
        group_label=lambda key: group_label(definition, by, key),
        about_codes=[q.code for q in definition.about_you],
        state=state,
    )


def group_label(definition: QuestionnaireDefinition, by: str, key) -> str:
    if key is None:
        return _("Not recorded")
    if by.startswith("about_"):
        return option_label(definition.question(by), key)
    if by == "channel":
        return str(CHANNEL_NAMES.get(key, key))
    if by == "language":
        return str(LANGUAGE_NAMES.get(key, key))
    if by in ("quarter", "month"):
        try:
            return presenting.period_label(parse_period(key))
        except PeriodError:
            return str(key)
    dbs = db_session()
    language = presenting.current_language()
    if by == "region":
        region = dbs.get(Region, key)
        return (region.name_cy if language == "cy" else region.name) if region else str(key)
    if by == "programme":
        programme = dbs.scalars(select(Programme).where(Programme.code == key)).first()
        return (programme.name_cy if language == "cy" else programme.name) if programme else str(key)
    return str(key)


@bp.route("/inspections")
@staff_required(VIEW_RESULTS)
def inspections():
    dbs = db_session()
    args = {name: request.args.get(name, "").strip()[:100] for name in ("q", "programme", "region", "year", "status")}
    # A business year as the dashboard writes it, 2011-12; anything else filters nothing.
    year = int(args["year"][:4]) if re.fullmatch(r"\d{4}-\d{2}", args["year"]) else None
    found = inspection_ops.list_inspections(
        dbs,
        inspection_ops.InspectionFilters(programme=args["programme"], region=args["region"], year=year,
                                         status=args["status"], search=args["q"]),
        page=max(1, request.args.get("page", 1, type=int) or 1),
    )
    language = presenting.current_language()
    choices = filter_choices({"programme": args["programme"], "region": args["region"]})
    years = [Period.business_year(first) for first in inspection_ops.business_years(dbs)]
    choices["year"] = select_items([(p.code, p.label) for p in years], args["year"], _("Any year"))
    choices["status"] = select_items([(k, str(v)) for k, v in inspection_ops.STATUS_NAMES.items()],
                                     args["status"], _("Any status"))
    return render_template(
        "dashboard/inspections.html", inspections=found, search=args["q"], args={k: v for k, v in args.items() if v},
        choices=choices, status_of=inspection_ops.status_of, status_names=inspection_ops.STATUS_NAMES,
        today=utcnow().date(), language=language,
    )


@bp.route("/inspections/<code>")
@staff_required(VIEW_RESULTS)
def inspection(code: str):
    dbs = db_session()
    found = dbs.scalars(select(Inspection).where(Inspection.code == code)).first()
    if found is None:
        abort(404)
    filters = Filters(inspection=code)
    comparisons = []
    for definition in questionnaires.ALL:
        if found.programme.code not in definition.programmes:
            continue
        comparison = results.against_national(
            dbs, definition.code, filters,
            viewer="staff",
        )
        comparisons.append((definition, comparison))
    return render_template("dashboard/inspection.html", inspection=found, comparisons=comparisons,
                           status=inspection_ops.status_of(found, utcnow().date()),
                           status_names=inspection_ops.STATUS_NAMES, done=request.args.get("done", ""),
                           empty_form=EmptyForm())


@bp.route("/results/<code>/comments")
@staff_required(VIEW_RESULTS)
def comments(code: str):
    definition = definition_or_404(code)
    state = read_filters(latest_year_with_responses())
    search = CommentSearch(
        text=request.args.get("q", "").strip()[:200],
        page=max(1, request.args.get("page", 1, type=int) or 1),
    )
    page = find_comments(
        db_session(), definition, state.filters, search,
        retention=timedelta(days=current_app.config["COMMENT_RETENTION_DAYS"]),
    )
    return render_template(
        "dashboard/comments.html", definition=definition, page=page, search=search, state=state,
        language_choices=select_items([(k, str(v)) for k, v in LANGUAGE_NAMES.items()],
                                      state.args.get("language", ""), _("Either language")),
        written_in=WRITTEN_IN,
    )


def filters_url(endpoint: str, state: FilterState, **extra) -> str:
    return url_for(endpoint, **state.args, **extra)
