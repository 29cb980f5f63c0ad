"""The nine questionnaires are declared once, completely and consistently."""

import pytest
from flask_babel import force_locale

from feedback import questionnaires
from feedback.questionnaires import FREE_TEXT, MULTIPLE, SINGLE
from tests.conftest import one_backend


def test_the_nine_questionnaires_of_the_annual_report_are_declared():
    assert [q.code for q in questionnaires.ALL] == [
        "post-inspection-evaluation",
        "offender-manager",
        "case-manager",
        "adult-service-user",
        "young-people",
        "youth-victims",
        "adult-victims",
        "sentencers",
        "local-assessor-training",
    ]


@pytest.mark.parametrize("definition", questionnaires.ALL, ids=lambda d: d.code)
def test_each_questionnaire_is_consistent(definition):
    codes = [q.code for q in definition.all_questions]
    assert len(codes) == len(set(codes)), "question codes repeat"
    for position, question in enumerate(definition.questions):
        if question.kind in (SINGLE, MULTIPLE):
            assert len(question.scale.options) >= 2
            option_codes = question.scale.codes
            assert len(option_codes) == len(set(option_codes))
        if question.kind == SINGLE and not question.code.startswith("about_"):
            assert any(o.positive for o in question.scale.options), f"{question.code} declares no positive answer"
        if not question.optional:
            assert question.error is not None, f"{question.code} has no error message"
        if question.asked_if is not None:
            earlier = [q.code for q in definition.questions[:position]]
            assert question.asked_if.question in earlier, "a skip rule must depend on an earlier question"
        if question.kind == FREE_TEXT:
            assert question.optional, "free text is never required"


def test_positive_answers_follow_the_report():
    pie = questionnaires.get("post-inspection-evaluation")
    scale = pie.question("overall_management").scale
    assert [o.code for o in scale.options if o.positive] == ["fully", "mainly"]
    om = questionnaires.get("offender-manager")
    diversity = om.question("diversity_attention").scale
    assert [o.code for o in diversity.options if o.positive] == ["definitely"]
    assert [o.code for o in diversity.options if o.beside] == ["reasonable"]
    victims = questionnaires.get("adult-victims").question("events_informed").scale
    assert [o.code for o in victims.options if o.excluded] == ["dont_know"]


def test_obstacles_detail_is_asked_only_after_yes():
    om = questionnaires.get("offender-manager")
    detail = om.question("obstacles_detail")
    assert detail.is_asked({"obstacles": "yes"})
    assert not detail.is_asked({"obstacles": "no"})
    assert not detail.is_asked({})
    asked = [q.code for q in om.asked_questions({"obstacles": "no"}, include_about_you=False)]
    assert "obstacles_detail" not in asked


def test_about_you_is_offered_where_it_fits():
    assert questionnaires.get("post-inspection-evaluation").about_you == ()
    adult = [q.code for q in questionnaires.get("adult-service-user").about_you]
    child = [q.code for q in questionnaires.get("young-people").about_you]
    assert "about_sexual_orientation" in adult
    assert "about_sexual_orientation" not in child
    for question in questionnaires.get("adult-service-user").about_you:
        prefer = question.scale.option("prefer_not_to_say")
        assert prefer is not None and prefer.excluded


def test_victims_and_childrens_comments_are_restricted():
    for code in ("young-people", "youth-victims", "adult-victims"):
        assert questionnaires.get(code).comments_restricted


@one_backend
def test_snapshot_and_fingerprint_are_stable(app):
    with app.app_context(), force_locale("en_GB"):
        definition = questionnaires.get("offender-manager")
        assert definition.fingerprint() == definition.fingerprint()
        snapshot = definition.snapshot()
    assert snapshot["questions"][7]["asked_if"] == {"question": "obstacles", "answers": ["yes"]}


@one_backend
def test_welsh_yes_no_labels_echo_the_verb_of_the_question(app):
    """The same stored code reads Do / Naddo, Ydw / Nac ydw or Oes / Nac oes as Welsh needs."""
    with app.test_request_context("/?lang=cy"):
        def labels(code, question):
            q = questionnaires.get(code).question(question)
            return [str(o.label) for o in q.scale.options]

        assert labels("case-manager", "good_practice_feedback") == ["Do", "Naddo"]
        assert labels("young-people", "less_likely") == ["Ydw", "Nac ydw"]
        assert labels("adult-service-user", "working_relationship") == ["Oes", "Nac oes"]
        assert labels("young-people", "life_better") == ["Ydy", "Nac ydy"]
        # The codes stored are the same whichever words are shown.
        assert questionnaires.get("young-people").question("less_likely").scale.codes == ("yes", "no")
