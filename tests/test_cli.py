"""The operators' commands print what a person needs and change the store as they say."""

import json

from sqlalchemy import func, select

from feedback.models import Inspection, Invitation, Organisation
from feedback.tokens import hash_token
from tests.conftest import one_backend


def test_demo_loads_the_annual_report_once_and_prints_working_links(runner, client, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded 90 organisations and 97 inspections" in first.output
    links = [line.strip() for line in first.output.splitlines() if line.strip().startswith("http://localhost/i/")]
    assert len(links) == 4
    for link in links:
        assert client.get(link.removeprefix("http://localhost"), follow_redirects=True).status_code == 200
    second = runner.invoke(args=["demo", "--no-links"])
    assert "already loaded" in second.output
    assert db.execute(select(func.count()).select_from(Inspection)).scalar_one() == 97
    wales = db.execute(select(Organisation).where(Organisation.code == "trust-wales")).scalar_one()
    assert wales.in_wales and wales.language_preference == "both"


def test_invite_prints_a_link_whose_token_is_stored_only_as_a_hash(runner, demo_data):
    result = runner.invoke(args=["invite", "--inspection", "cci-2011-birmingham", "--questionnaire", "case-manager", "--expires", "10"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    demo_data.commit()
    invitation = demo_data.execute(select(Invitation)).scalar_one()
    assert invitation.token_hash == hash_token(token)
    assert token not in (invitation.token_hash,)
    assert invitation.mode == "shared"
    assert "shared by everyone interviewed" in result.stderr


def test_invite_refuses_a_kiosk_questionnaire_and_an_unknown_inspection(runner, demo_data):
    kiosk = runner.invoke(args=["invite", "--inspection", "cci-2011-birmingham", "--questionnaire", "young-people"])
    assert kiosk.exit_code != 0
    unknown = runner.invoke(args=["invite", "--inspection", "nowhere", "--questionnaire", "case-manager"])
    assert unknown.exit_code != 0 and "no inspection 'nowhere'" in unknown.output


@one_backend
def test_questionnaires_lists_every_question_as_json(runner):
    result = runner.invoke(args=["questionnaires", "--json"])
    data = json.loads(result.output)
    assert len(data) == 9
    pie = data[0]
    assert pie["code"] == "post-inspection-evaluation"
    assert [q["code"] for q in pie["questions"]][:5] == [
        "planning_clarity", "pre_inspection_planning", "team_conduct", "requests_reasonable", "overall_management",
    ]
    fully = pie["questions"][0]["options"][0]
    assert fully == {"code": "fully", "label": "Fully", "positive": True, "beside": False, "excluded": False}
