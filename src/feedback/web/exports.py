"""Staff exports: results for any member of staff, responses for admins; each one logged."""

from __future__ import annotations

from typing import Iterator

from flask import Blueprint, Response, abort, request, stream_with_context
from werkzeug.datastructures import MultiDict

from .. import exports, questionnaires
from ..clock import utcnow
from ..db import db_session, get_db
from ..questionnaires import QuestionnaireDefinition
from ..results import FilterError, Filters, PeriodError
from ..results.lookup import find_results, parse_equality, read_filters
from ..results.query import load_scope
from ..roles import EXPORT_RESPONSES, VIEW_RESULTS
from ..spreadsheets import csv_rows, ods_chunks, ods_file
from .auth import current_staff, staff_required

bp = Blueprint("exports", __name__, url_prefix="/staff")

FILTER_PARAMS = ("period", "programme", "region", "organisation", "inspection", "channel", "language")
CSV_TYPE = "text/csv; charset=utf-8"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
CHUNK_CHARACTERS = 64 * 1024


def query_filters(args: MultiDict) -> tuple[Filters, str | None]:
    """Read the results filters and `by` from a query string; PeriodError or FilterError if bad.

    The parameters are the dashboard's and the API's: period, programme, region,
    organisation, inspection, channel, language, equality=QUESTION=VALUE (repeatable), by.
    """
    values = {name: (args.get(name) or "").strip() or None for name in FILTER_PARAMS}
    equality = parse_equality(args.getlist("equality"))
    by = (args.get("by") or "").strip() or None
    return read_filters(**values, equality=equality), by


def in_chunks(lines: Iterator[str], size: int = CHUNK_CHARACTERS) -> Iterator[str]:
    """Yield the first line (the header) at once, then lines gathered into chunks of ~`size`.

    The download starts straight away, and a large file is not a write per line.
    """
    yield next(lines, "")
    gathered: list[str] = []
    length = 0
    for line in lines:
        gathered.append(line)
        length += len(line)
        if length >= size:
            yield "".join(gathered)
            gathered, length = [], 0
    if gathered:
        yield "".join(gathered)


def _definition(code: str) -> QuestionnaireDefinition:
    definition = questionnaires.get(code)
    if definition is None:
        abort(404)
    return definition


def _filters() -> tuple[Filters, str | None]:
    try:
        return query_filters(request.args)
    except (PeriodError, FilterError) as error:
        abort(400, description=str(error))


def _attachment(response: Response, name: str) -> Response:
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def _log(kind: str, code: str, fmt: str, filters: Filters, rows: int, by: str | None = None) -> None:
    """Write the log row before the file leaves: an export that fails half way is still logged."""
    dbs = db_session()
    exports.log_export(dbs, current_staff().id, kind, code, fmt, filters, rows, utcnow(), by)
    dbs.commit()


@bp.get("/results/<code>/export.<any(csv, ods):fmt>")
@staff_required(VIEW_RESULTS)
def results_export(code: str, fmt: str):
    """Download a questionnaire's figures, as the dashboard shows them, as CSV or ODS."""
    definition = _definition(code)
    filters, by = _filters()
    try:
        found = find_results(db_session(), code, filters, by, viewer="staff")
    except FilterError as error:
        abort(400, description=str(error))
    rows = list(exports.results_rows(definition, found))
    _log("results", code, fmt, filters, len(rows), by)
    name = exports.file_name(code, filters, "results", fmt, by)
    if fmt == "ods":
        content = ods_file([("results", exports.RESULTS_HEADER, rows)])
        return _attachment(Response(content, mimetype=ODS_TYPE), name)
    return _attachment(Response(csv_rows(exports.RESULTS_HEADER, rows), content_type=CSV_TYPE), name)


@bp.get("/results/<code>/responses.<any(csv, ods):fmt>")
@staff_required(EXPORT_RESPONSES)
def responses_export(code: str, fmt: str):
    """Download every selected response, one a row (admins only); CSV is streamed."""
    definition = _definition(code)
    filters, by = _filters()
    if by:
        abort(400, description="a responses export lists responses: it has no breakdown (by)")
    dbs = db_session()
    scope = load_scope(dbs, definition)
    total, up_to_id = exports.count_responses(dbs, scope, filters)
    columns = exports.response_columns(dbs, definition)
    header = exports.responses_header(columns)
    _log("responses", code, fmt, filters, total)
    name = exports.file_name(code, filters, "responses", fmt)
    database = get_db()

    def rows(session):
        return exports.response_rows(session, scope, columns, filters, up_to_id)

    if fmt == "ods":
        def chunks():
            # A session of its own: the request's is closed once this view returns.
            with database.read_session() as session:
                yield from ods_chunks([("responses", header, rows(session))])

        return _attachment(Response(stream_with_context(chunks()), mimetype=ODS_TYPE), name)

    def lines():
        with database.read_session() as session:
            yield from in_chunks(csv_rows(header, rows(session)))

    return _attachment(Response(stream_with_context(lines()), content_type=CSV_TYPE), name)
