"""ODS files open in a real ODS reader (odfpy, pandas' engine), whatever respondents typed."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone

import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText

from feedback import questionnaires
from feedback.responses import store_response
from feedback.spreadsheets import ods_chunks, ods_file
from tests.helpers.pages import parse

PASSWORD = "correct horse battery staple"
ADMIN = "admin@justice.gov.uk"
# Characters XML 1.0 cannot hold, as the fuzz tests send them: each makes a file that will not open.
FORBIDDEN = "\ufffe\uffff\x00\x01\x08\x0b\x0c\x1f"


def read_ods(data: bytes) -> dict[str, list[list[str]]]:
    """Open a spreadsheet with odfpy and return each sheet's rows as text."""
    document = load(io.BytesIO(data))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        sheets[table.getAttribute("name")] = [
            [extractText(cell) for cell in row.getElementsByType(TableCell)]
            for row in table.getElementsByType(TableRow)
        ]
    return sheets


def test_text_holding_characters_xml_forbids_opens_with_them_left_out():
    comment = f"before{FORBIDDEN}after & <b> \"quoted\" Cymraeg: ŵ ŷ"
    data = ods_file([(f"responses{FORBIDDEN[0]}", ["id", "comments"], [[1, comment], [2, None]])])
    sheets = read_ods(data)
    assert sheets == {"responses": [["id", "comments"], ["1", 'beforeafter & <b> "quoted" Cymraeg: ŵ ŷ'], ["2", ""]]}


def test_a_large_file_arrives_in_pieces_and_whole():
    rows = ([i, hashlib.sha256(str(i).encode()).hexdigest()] for i in range(20_000))
    chunks = list(ods_chunks([("big", ["id", "comments"], rows)]))
    assert len(chunks) > 5, "the file should be sent as it is made, not built whole first"
    table = read_ods(b"".join(chunks))["big"]
    assert len(table) == 20_001
    assert table[-1] == ["19999", hashlib.sha256(b"19999").hexdigest()]


@pytest.fixture
def admin_client(app, demo_data, runner):
    added = runner.invoke(args=["users", "add", ADMIN, "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    client = app.test_client()
    token = parse(client.get("/staff/sign-in")).csrf_token()
    response = client.post("/staff/sign-in", data={"csrf_token": token, "email": ADMIN, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_responses_ods_holding_u_fffe_opens_in_a_real_reader(app, demo_data, admin_client):
    with app.app_context():
        response = store_response(
            demo_data, questionnaires.get("post-inspection-evaluation"),
            {"planning_clarity": "fully", "comments": "Clear\ufffe plan\uffff"},
            submission_key="ods-forbidden-1", channel="web", language="en", inspection_id=None,
            now=datetime(2011, 9, 1, 12, tzinfo=timezone.utc),
        )
    download = admin_client.get("/staff/results/post-inspection-evaluation/responses.ods?period=2011-12")
    assert download.status_code == 200
    header, *rows = read_ods(download.get_data())["responses"]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id[str(response.id)]["comments"] == "Clear plan"
    assert by_id[str(response.id)]["planning_clarity"] == "fully"
