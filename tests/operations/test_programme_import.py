"""Importing the programme: preview, bad rows with their reasons, nothing written until confirmed,
the same file twice changing nothing; CSV and ODS alike."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from feedback.models import AuditEvent, Inspection, Organisation
from feedback.operations import programme_import as ops
from feedback.operations.spreadsheet_files import FileProblem, read_rows
from feedback.spreadsheets import ods_file

HEADER = ",".join(ops.COLUMNS)
# Three inspections, one in Wales (a new organisation) and one of an organisation already known.
PROGRAMME = "\n".join([
    HEADER,
    ",SQS,yot-wrexham,Wrexham YOT,Tîm Troseddau Ieuenctid Wrecsam,yot,wales,,2026-05-11,2026-05-13,2026-08-01,,",
    ",OMI2,trust-london,,,,,,11/05/2026,22/05/2026,,,",
    ",THEMATIC,,,,,,,2026-09-07,2026-10-02,,Women in the justice system,Menywod yn y system gyfiawnder",
]).encode("utf-8")


def counts(db) -> tuple[int, int, int]:
    return tuple(db.execute(select(func.count()).select_from(table)).scalar_one()
                 for table in (Organisation, Inspection, AuditEvent))


def test_a_preview_says_what_would_change_and_writes_nothing(app, db, demo_data):
    before = counts(db)
    with app.app_context():
        plan = ops.preview_programme(db, "programme.csv", PROGRAMME, actor="command line")
    assert plan.ok, plan.problems
    assert plan.summary() == {"organisations_new": 1, "organisations_changed": 0, "organisations_unchanged": 1,
                              "inspections_new": 3, "inspections_changed": 0, "inspections_unchanged": 0}
    assert [o.inspection for o in plan.outcomes] == [
        "sqs-yot-wrexham-2026-05-11", "omi2-trust-london-2026-05-11", "thematic-women-in-the-justice-system-2026-09-07"]
    assert counts(db) == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(app, db, demo_data):
    with app.app_context():
        first = ops.import_programme(db, "programme.csv", PROGRAMME, actor="command line")
        after_first = counts(db)
        second = ops.import_programme(db, "programme.csv", PROGRAMME, actor="command line")
    assert first.ok and first.changes_anything
    assert not second.changes_anything and second.summary()["inspections_unchanged"] == 3
    organisations, inspections, events = counts(db)
    assert (organisations, inspections) == after_first[:2]
    assert events == after_first[2] + 1  # the second import is itself recorded, and nothing else
    wrexham = db.scalars(select(Organisation).where(Organisation.code == "yot-wrexham")).one()
    assert (wrexham.in_wales, wrexham.language_preference) == (True, "both")


def test_a_changed_row_is_shown_with_what_changes(app, db, demo_data):
    with app.app_context():
        ops.import_programme(db, "programme.csv", PROGRAMME, actor="command line")
        changed = PROGRAMME.replace(b"2026-05-13,2026-08-01", b"2026-05-14,2026-08-01")
        plan = ops.preview_programme(db, "programme.csv", changed, actor="command line")
    [row] = [o for o in plan.outcomes if o.inspection_action == "changed"]
    assert row.row == 2 and row.changes == {"fieldwork_end": ("2026-05-13", "2026-05-14")}


BAD_ROWS = [
    (",SQS,yot-nowhere,,,,,,2026-05-11,2026-05-13,,,", "organisation_code",
     "There is no organisation with this code: give its name, kind and region to add it"),
    (",SQS,yot-cardiff,,,,,,2026-05-13,2026-05-11,,,", "fieldwork_end",
     "The date fieldwork ends must be the same as or after the date it begins"),
    (",NOPE,yot-cardiff,,,,,,2026-05-11,2026-05-13,,,", "programme", "Select the inspection programme"),
    (",SQS,yot-new,New YOT,,yot,atlantis,,2026-05-11,2026-05-13,,,", "region", "Select the organisation's region"),
    (",SQS,yot-cardiff,,,,,,31/02/2026,2026-05-13,,,", "fieldwork_start", "Enter a real date, like 2026-05-11 or 11/05/2026"),
]


@pytest.mark.parametrize("line, column, message", BAD_ROWS)
def test_a_bad_row_is_reported_with_its_row_and_column_and_nothing_is_imported(app, db, demo_data, line, column, message):
    before = counts(db)
    content = PROGRAMME + b"\n" + line.encode("utf-8")
    with app.app_context():
        plan = ops.import_programme(db, "programme.csv", content, actor="command line")
        assert [(p.row, p.column, str(p.message)) for p in plan.problems] == [(5, column, message)]
    assert counts(db) == before


@pytest.mark.parametrize("name, content, message", [
    ("programme.xlsx", b"PK\x03\x04 not really", "The selected file must be a CSV or an ODS spreadsheet"),
    ("programme.csv", b"code,name\nx,y\n", "The file is missing the columns"),
    ("programme.csv", PROGRAMME.replace(b"title_cy", b"welsh_title"), "columns the import does not know: welsh_title"),
    ("programme.ods", b"PK\x03\x04broken zip", "could not be read as an ODS spreadsheet"),
    ("programme.csv", b"", "The selected file is empty"),
])
def test_a_file_that_is_not_a_programme_is_refused_whole(app, db, demo_data, name, content, message):
    before = counts(db)
    with app.app_context(), pytest.raises(FileProblem) as raised:
        ops.import_programme(db, name, content, actor="command line")
        assert message in str(raised.value)
    assert message in str(raised.value.message)
    assert counts(db) == before


def test_an_ods_file_imports_as_its_csv_does_with_date_cells_and_repeated_columns(app, db, demo_data):
    rows = [line.split(",") for line in PROGRAMME.decode("utf-8").splitlines()]
    content = ods_file([("programme", rows[0], rows[1:])])
    # LibreOffice writes dates as date cells and pads rows with repeated empty cells.
    content = _with_date_cells(content)
    assert read_rows("p.ods", content)[1][8:10] == ["2026-05-11", "2026-05-13"]
    with app.app_context():
        plan = ops.import_programme(db, "programme.ods", content, actor="command line")
    assert plan.ok and plan.summary()["inspections_new"] == 3


def _with_date_cells(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read("content.xml").decode("utf-8").replace(
        '<table:table-cell office:value-type="string"><text:p>2026-05-11</text:p></table:table-cell>',
        '<table:table-cell office:value-type="date" office:date-value="2026-05-11"><text:p>11/05/26</text:p></table:table-cell>',
        1,
    ).replace("</table:table-row>", '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>')
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == "content.xml" else source.read(item.filename))
    return output.getvalue()


def test_an_ods_with_an_entity_bomb_is_refused(app, db, demo_data):
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&b;</office:document-content>')
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", bomb)
    with app.app_context(), pytest.raises(FileProblem):
        ops.preview_programme(db, "bomb.ods", output.getvalue(), actor="command line")


def test_the_templates_import_as_they_are(app, db, demo_data):
    with app.app_context():
        for name, content in (("t.csv", ops.template_csv().encode("utf-8")), ("t.ods", ops.template_ods())):
            plan = ops.preview_programme(db, name, content, actor="command line")
            assert plan.ok and plan.summary()["inspections_new"] == 3, (name, plan.problems)
