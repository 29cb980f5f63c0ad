"""Every kind of question gets a headline that matches what is shown beneath it, in both languages."""

from __future__ import annotations

import pytest

from feedback import presenting, questionnaires
from feedback.results.compute import OptionResult, QuestionResult

VICTIMS = questionnaires.get("adult-victims")
SERVICE_USERS = questionnaires.get("adult-service-user")


def single(n, positive=None):
    return QuestionResult("q", "single", False, n=n, positive_percent=positive,
                          distribution=(OptionResult("female", n, 100 if n else None),))


@pytest.mark.parametrize("lang, question, result, expected", [
    ("en", VICTIMS.question("about_gender"), single(1), "1 person answered"),
    ("en", VICTIMS.question("about_gender"), single(1208), "1,208 people answered"),
    ("cy", VICTIMS.question("about_gender"), single(1), "1 person wedi ateb"),
    ("cy", VICTIMS.question("about_gender"), single(1208), "1,208 o bobl wedi ateb"),
    ("en", VICTIMS.question("about_gender"), single(0), "No answers"),
    ("cy", VICTIMS.question("about_gender"), single(0), "Dim atebion"),
    ("en", VICTIMS.question("kept_up_to_date"), single(0), "No answers"),
    ("en", VICTIMS.question("kept_up_to_date"), single(48, 94), "94% yes (48 answers)"),
    ("en", SERVICE_USERS.question("help_received"),
     QuestionResult("help_received", "multiple", False, n=5, mentions=7), "7 mentions"),
    ("en", VICTIMS.question("comments"), QuestionResult("comments", "text", False, n=3), "3 comments"),
    ("en", VICTIMS.question("about_gender"), QuestionResult("about_gender", "single", True),
     "Not shown: fewer than 10 answers"),
])
def test_each_kind_of_question_has_a_headline(app, lang, question, result, expected):
    with app.test_request_context(f"/?lang={lang}"):
        assert presenting.headline(question, result, 10) == expected
