"""From counts to figures: positive and beside percentages, n, exclusions, mentions, suppression."""

import json

from feedback import questionnaires
from feedback.results.compute import (
    Counts,
    StoredVersions,
    compare,
    publish,
    raw_question,
    with_previous,
)

OM = questionnaires.get("offender-manager")
ASU = questionnaires.get("adult-service-user")
VICTIMS = questionnaires.get("adult-victims")


def om_counts(extra=None) -> Counts:
    values = {
        ("diversity_attention", "definitely"): 15,
        ("diversity_attention", "reasonable"): 4,
        ("diversity_attention", "insufficient"): 1,
        ("obstacles", "yes"): 6,
        ("obstacles", "no"): 13,
        ("obstacles_detail", "text"): 4,
        ("praised_work", "text"): 11,
        ("about_gender", "female"): 5,
        ("about_gender", "prefer_not_to_say"): 2,
    }
    values.update(extra or {})
    return Counts(responses_by_version={1: 20}, values=values)


def published(definition, counts, threshold=10, versions=None):
    return publish(definition, {None: counts}, threshold, {None: {}}, versions)[None]


def test_definitely_scale_reports_the_top_box_and_the_next_beside_it():
    result = published(OM, om_counts()).question("diversity_attention")
    assert (result.n, result.positive_percent, result.beside_percent) == (20, 75, 20)
    assert result.positive_options == ("definitely",)
    assert result.beside_options == ("reasonable",)
    assert [(o.option, o.count, o.percent) for o in result.distribution] == [
        ("definitely", 15, 75), ("reasonable", 4, 20), ("insufficient", 1, 5)]
    assert dict(result.exclusions) == {"skipped": 0, "not_asked": 0}


def test_skips_and_skip_rules_are_out_of_n():
    results = published(OM, om_counts(), threshold=1)
    obstacles = results.question("obstacles")
    assert (obstacles.n, obstacles.positive_percent) == (19, 32)  # 6/19 = 31.6
    assert dict(obstacles.exclusions) == {"skipped": 1, "not_asked": 0}
    detail = results.question("obstacles_detail")  # asked only of the 6 who said yes
    assert detail.kind == "text" and detail.n == 4 and detail.positive_percent is None
    assert dict(detail.exclusions) == {"skipped": 2, "not_asked": 14}
    never = results.question("improvement_ideas")
    assert (never.n, never.positive_percent) == (0, None)
    assert dict(never.exclusions) == {"skipped": 20, "not_asked": 0}


def test_prefer_not_to_say_and_dont_know_are_out_of_n():
    gender = published(OM, om_counts(), threshold=1).question("about_gender")
    assert gender.n == 5 and gender.positive_percent is None
    assert dict(gender.exclusions) == {"prefer_not_to_say": 2, "skipped": 13, "not_asked": 0}
    counts = Counts({1: 12}, {("events_informed", "yes"): 5, ("events_informed", "no"): 1,
                              ("events_informed", "dont_know"): 6})
    events = published(VICTIMS, counts, threshold=1).question("events_informed")
    assert (events.n, events.positive_percent) == (6, 83)
    assert dict(events.exclusions) == {"dont_know": 6, "skipped": 6 - 6, "not_asked": 0}


def test_every_response_is_either_in_n_or_in_an_exclusion():
    results = published(OM, om_counts(), threshold=1)
    for question in results.questions:
        if question.kind == "single":
            assert question.n + sum(dict(question.exclusions).values()) == results.responses


def test_multiple_choice_is_a_share_of_all_mentions():
    counts = Counts({1: 5}, {("help_received", "accommodation"): 3, ("help_received", "ete"): 2,
                             ("help_received", "other"): 1}, respondents={"help_received": 4})
    help_received = published(ASU, counts, threshold=1).question("help_received")
    assert (help_received.n, help_received.mentions) == (4, 6)
    assert help_received.option("accommodation").percent == 50
    assert help_received.option("ete").percent == 33
    assert help_received.option("other").percent == 17
    assert help_received.option("money").count == 0
    assert help_received.positive_percent is None
    assert dict(help_received.exclusions) == {"skipped": 1, "not_asked": 0}


def test_free_text_is_a_count_never_the_text():
    praised = published(OM, om_counts(), threshold=1).question("praised_work")
    data = praised.to_dict()
    assert data["n"] == 11 and data["distribution"] == [] and data["positive_percent"] is None
    assert "text" not in json.dumps(data).replace('"text"', "")  # kind "text" is the only mention


def test_below_the_threshold_nothing_but_the_flag_is_shown():
    results = published(OM, om_counts(), threshold=10)
    gender = results.question("about_gender")  # n = 5
    assert gender.suppressed
    data = gender.to_dict()
    assert data["n"] is None and data["positive_percent"] is None
    assert data["distribution"] == [] and data["exclusions"] == {}
    assert not results.question("diversity_attention").suppressed
    assert results.responses == 20


def test_too_few_responses_hides_everything():
    counts = Counts({1: 9}, {("obstacles", "yes"): 9})
    results = published(OM, counts, threshold=10)
    assert results.suppressed and results.responses is None
    assert all(q.suppressed for q in results.questions)


def test_answers_of_an_older_version_keep_the_meaning_they_had():
    snapshot_v1 = {"questions": [
        {"code": "diversity_attention", "options": [
            {"code": "definitely", "positive": True}, {"code": "adequate", "beside": True},
            {"code": "insufficient"}, {"code": "unsure", "excluded": True}]},
    ], "about_you": []}
    snapshot_v2 = {"questions": [{"code": q.code, "options": []} for q in OM.questions], "about_you": []}
    versions = StoredVersions.from_snapshots(OM, [(1, snapshot_v1), (2, snapshot_v2)])
    counts = Counts({1: 10, 2: 10}, {
        ("diversity_attention", "definitely"): 12, ("diversity_attention", "adequate"): 3,
        ("diversity_attention", "reasonable"): 2, ("diversity_attention", "unsure"): 2,
        ("diversity_attention", "mystery"): 1,
        ("obstacles", "yes"): 10,
    })
    results = published(OM, counts, threshold=1, versions=versions)
    diversity = results.question("diversity_attention")
    assert diversity.n == 17
    assert diversity.beside_percent == 29  # reasonable + adequate: 5/17
    assert dict(diversity.exclusions) == {"unsure": 2, "unrecognised": 1, "skipped": 0, "not_asked": 0}
    # Version 1 never asked about obstacles.
    assert dict(results.question("obstacles").exclusions) == {"skipped": 0, "not_asked": 10}


def test_changes_are_in_percentage_points_and_none_when_suppressed():
    now = published(OM, om_counts(), threshold=10)
    before = published(OM, om_counts({("diversity_attention", "definitely"): 11}), threshold=10)
    changes = compare(now, before)
    assert changes["diversity_attention"] == 75 - 69  # 11/16
    assert changes["about_gender"] is None  # suppressed
    assert changes["praised_work"] is None  # free text has no percentage
    joined = with_previous(now, before)
    assert joined.question("diversity_attention").previous_percent == 69
    assert joined.question("diversity_attention").change_points == 6
    assert joined.to_dict()["previous"]["responses"] == 20


def test_to_dict_is_json():
    data = published(OM, om_counts()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert [q["code"] for q in data["questions"]] == [q.code for q in OM.all_questions]


def test_raw_question_with_a_skip_rule_on_missing_answers():
    detail = raw_question(OM, OM.question("obstacles_detail"), Counts({1: 3}, {}))
    assert detail.n == 0 and dict(detail.exclusions) == {"skipped": 0, "not_asked": 3}
