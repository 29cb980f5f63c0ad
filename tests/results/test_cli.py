"""`feedback results`: the figures on the command line, as JSON or as lines of text."""

import json

import pytest

from feedback.cli.results import results_command


@pytest.fixture
def cli(app, demo_returns, runner):
    app.cli.add_command(results_command)
    return runner


def test_results_json_gives_paragraph_1_19_with_each_n(cli):
    outcome = cli.invoke(args=["results", "--questionnaire", "post-inspection-evaluation",
                               "--period", "2011-12", "--json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["questionnaire"] == "post-inspection-evaluation"
    assert data["filters"]["period"]["label"] == "2011–12"
    assert data["responses"] == 48 and data["threshold"] == 10
    figures = {q["code"]: (q["positive_percent"], q["n"]) for q in data["questions"]}
    assert [figures[c] for c in ("planning_clarity", "pre_inspection_planning", "team_conduct",
                                 "requests_reasonable", "overall_management")] == [
        (96, 48), (98, 48), (91, 47), (98, 48), (94, 48)]
    comments = next(q for q in data["questions"] if q["code"] == "comments")
    assert comments["kind"] == "text" and comments["distribution"] == []
    assert data["previous"]["filters"]["period"]["label"] == "2010–11"


def test_results_text_says_each_figure_in_a_line(cli):
    outcome = cli.invoke(args=["results", "--questionnaire", "post-inspection-evaluation",
                               "--period", "2011–12"])
    assert outcome.exit_code == 0, outcome.output
    assert "overall_management  94% fully or mainly (n=48)" in outcome.output
    assert "team_conduct  91% fully or mainly (n=47)" in outcome.output
    managers = cli.invoke(args=["results", "--questionnaire", "offender-manager", "--period", "2011-12"])
    assert "diversity_attention  89% definitely; a further 10% reasonable (n=749)" in managers.output
    service_users = cli.invoke(args=["results", "--questionnaire", "adult-service-user", "--period", "2011-12"])
    assert "help_received  accommodation 25%, ete 19%, relationships 11%" in service_users.output


def test_a_group_of_nine_shows_no_number_on_the_command_line(cli):
    outcome = cli.invoke(args=["results", "--questionnaire", "youth-victims", "--period", "2012-13",
                               "--by", "organisation", "--json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    for results in [data["total"]] + [g["results"] for g in data["groups"]]:
        assert results["responses"] is None
        for question in results["questions"]:
            assert question["n"] is None and question["positive_percent"] is None
            assert question["distribution"] == []
    text = cli.invoke(args=["results", "--questionnaire", "youth-victims", "--period", "2012-13"])
    assert "too few responses to show" in text.output and "%" not in text.output


def test_staff_see_an_organisations_own_evaluation(cli):
    args = ["results", "--questionnaire", "post-inspection-evaluation", "--period", "2012-13",
            "--inspection", "omi2-2012-wales", "--json"]
    public = json.loads(cli.invoke(args=args).output)
    assert public["suppressed"] and public["questions"][0]["positive_percent"] is None
    staff = json.loads(cli.invoke(args=args + ["--staff"]).output)
    assert staff["threshold"] == 1 and staff["responses"] == 1
    assert staff["questions"][0]["positive_percent"] in (0, 100)


def test_filters_and_mistakes(cli):
    welsh = cli.invoke(args=["results", "--questionnaire", "young-people", "--period", "2012-13",
                             "--language", "cy", "--json"])
    assert welsh.exit_code == 0
    assert json.loads(welsh.output)["filters"]["language"] == "cy"
    bad_period = cli.invoke(args=["results", "--questionnaire", "young-people", "--period", "2011-13"])
    assert bad_period.exit_code == 2 and "2011-13" in bad_period.output
    bad_by = cli.invoke(args=["results", "--questionnaire", "young-people", "--by", "shoe_size"])
    assert bad_by.exit_code == 2 and "shoe_size" in bad_by.output
    bad_equality = cli.invoke(args=["results", "--questionnaire", "young-people", "--equality", "gender"])
    assert bad_equality.exit_code == 2
    unknown = cli.invoke(args=["results", "--questionnaire", "nothing"])
    assert unknown.exit_code == 2
