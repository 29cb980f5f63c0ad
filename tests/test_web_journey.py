"""A respondent follows an invitation link, answers, checks and sends: in English and Welsh."""

from datetime import timedelta

from sqlalchemy import func, select

from feedback.clock import utcnow
from feedback.invitations import create_invitation
from feedback.models import Answer, Inspection, Invitation, Response
from feedback.tokens import hash_token

PIE_ANSWERS = [
    ("planning_clarity", "fully"),
    ("pre_inspection_planning", "mainly"),
    ("team_conduct", "partly"),
    ("requests_reasonable", "fully"),
    ("overall_management", "not_at_all"),
]


def make_link(db, inspection_code="omi2-2011-greater-manchester", questionnaire="post-inspection-evaluation", **kwargs):
    inspection = db.execute(select(Inspection).where(Inspection.code == inspection_code)).scalar_one()
    with db.info["app"].app_context():
        new = create_invitation(db, inspection, questionnaire, days=kwargs.pop("days", 28), **kwargs)
    db.commit()
    return new.path()


def stored_responses(db):
    db.commit()  # end the test's transaction, to read what the requests committed since
    return db.execute(select(Response)).scalars().all()


def answer_pie(browser, comment="The team were helpful."):
    for _code, value in PIE_ANSWERS:
        browser.submit({"answer": value})
    assert browser.page.soup.find("textarea", {"name": "answer"}) is not None
    return browser.submit({"answer": comment})


def test_post_inspection_evaluation_in_english_is_stored_once(browser, demo_data):
    db = demo_data
    start = browser.get(make_link(db))
    assert start.lang == "en"
    assert start.h1 == "Post-inspection evaluation"
    assert "Greater Manchester Probation Trust" in start.main_text
    first = browser.submit()
    assert first.h1 == "Post-inspection evaluation How clear were you about what you needed to do to plan for the inspection?"
    assert first.radio_labels() == ["Fully", "Mainly", "Partly", "Not at all"]
    check = answer_pie(browser)
    assert check.h1 == "Check your answers before sending them"
    rows = check.summary_rows()
    assert rows["How satisfied were you with the conduct of the inspection team?"].startswith("Partly")
    assert rows["Is there anything else you would like to tell us about the inspection?"].startswith("The team were helpful.")
    done = browser.submit(selector="main form")
    assert done.h1 == "Answers sent"

    [response] = stored_responses(db)
    assert (response.channel, response.language) == ("web", "en")
    assert response.inspection.code == "omi2-2011-greater-manchester"
    answers = {a.question_code: (a.value, a.text) for a in response.answers}
    assert answers["team_conduct"] == ("partly", None)
    assert answers["comments"] == ("text", "The team were helpful.")
    assert len(answers) == 6
    invitation = db.get(Invitation, response.invitation_id)
    assert invitation.used_at is not None


def test_the_same_journey_in_welsh_stores_language_cy(browser, demo_data):
    db = demo_data
    start = browser.get(make_link(db) + "?lang=cy")
    assert start.lang == "cy"
    assert start.h1 == "Gwerthusiad ar ôl arolygiad"
    first = browser.submit()
    assert first.lang == "cy"
    assert first.radio_labels() == ["Yn llwyr", "Yn bennaf", "Yn rhannol", "Ddim o gwbl"]
    check = answer_pie(browser, comment="Roedd y tîm yn gwrtais iawn. Diolch yn fawr — ŵ ŷ")
    assert check.h1 == "Gwiriwch eich atebion cyn eu hanfon"
    done = browser.submit()
    assert done.h1 == "Atebion wedi'u hanfon"
    [response] = stored_responses(db)
    assert response.language == "cy"
    comment = next(a.text for a in response.answers if a.question_code == "comments")
    assert comment == "Roedd y tîm yn gwrtais iawn. Diolch yn fawr — ŵ ŷ"


def test_invitations_to_organisations_in_wales_open_in_welsh(browser, demo_data):
    start = browser.get(make_link(demo_data, "omi2-2012-wales"))
    assert start.lang == "cy"
    assert "Ymddiriedolaeth Prawf Cymru" in start.main_text
    english = browser.get(make_link(demo_data, "omi2-2012-wales") + "?lang=en")
    assert english.lang == "en"
    assert "Wales Probation Trust" in english.main_text


def test_an_empty_answer_shows_the_error_summary_in_the_respondents_language(browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    page = browser.submit({})
    assert page.status == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary_title() == "There is a problem"
    assert page.error_summary() == [
        ("Select how clear you were about what you needed to do to plan for the inspection", "#answer")
    ]
    assert page.soup.find(id="answer") is not None, "the summary links to the first radio"
    assert page.inline_errors() == ["Error: Select how clear you were about what you needed to do to plan for the inspection"]

    welsh = browser.get("/survey/questions/planning_clarity?lang=cy")
    welsh = browser.submit({})
    assert welsh.title.startswith("Gwall: ")
    assert welsh.error_summary_title() == "Mae problem wedi codi"
    [(message, href)] = welsh.error_summary()
    assert href == "#answer" and message.startswith("Dewiswch")
    assert welsh.inline_errors()[0].startswith("Gwall:")
    assert stored_responses(demo_data) == []


def test_a_forged_answer_is_refused_with_the_questions_message(browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    page = browser.submit({"answer": "brilliant"})
    assert page.error_summary()[0][0].startswith("Select how clear you were")


def test_a_too_long_comment_keeps_what_was_typed(browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    for _code, value in PIE_ANSWERS:
        browser.submit({"answer": value})
    long_text = "ŵ" * 2001
    page = browser.submit({"answer": long_text})
    assert page.error_summary() == [("Your answer must be 2000 characters or fewer", "#answer")]
    assert page.soup.find("textarea", {"name": "answer"}).get_text() == long_text


def test_submitting_twice_stores_one_response(client, browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    check = answer_pie(browser)
    token = check.csrf_token()
    first = client.post("/survey/check", data={"csrf_token": token})
    second = client.post("/survey/check", data={"csrf_token": token})
    assert first.status_code == 302 and second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == "/survey/complete"
    assert len(stored_responses(demo_data)) == 1
    assert demo_data.execute(select(func.count()).select_from(Answer)).scalar_one() == 6


def test_a_post_without_its_csrf_token_is_refused_and_stores_nothing(client, browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    answer_pie(browser)
    response = client.post("/survey/check", data={})
    assert response.status_code == 400
    from tests.helpers.pages import parse

    page = parse(response)
    assert page.h1 == "Sorry, we could not accept that form"
    assert stored_responses(demo_data) == []


def test_a_used_expired_or_unknown_link_shows_the_same_page(client, browser, demo_data):
    db = demo_data
    used = make_link(db)
    browser.get(used)
    browser.submit()
    answer_pie(browser)
    browser.submit()
    expired = make_link(db)
    token = expired.rsplit("/", 1)[1]
    invitation = db.execute(select(Invitation).where(Invitation.token_hash == hash_token(token))).scalar_one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    pages = [client.get(path) for path in (used, expired, "/i/not-a-real-token")]
    assert [p.status_code for p in pages] == [404, 404, 404]
    from tests.helpers.pages import parse

    assert {parse(p).h1 for p in pages} == {"This link cannot be used"}
    # And posting to a used link stores nothing more.
    token_page = client.post(used, data={})
    assert token_page.status_code in (400, 404)
    assert len(stored_responses(db)) == 1


def test_a_single_use_link_opened_twice_stores_only_the_first(app, demo_data):
    path = make_link(demo_data)
    first, second = app.test_client(), app.test_client()
    from tests.helpers.pages import Browser

    one, two = Browser(first), Browser(second)
    for browser in (one, two):
        browser.get(path)
        browser.submit()
        answer_pie(browser)
    assert one.submit().h1 == "Answers sent"
    refused = two.submit()
    assert refused.h1 == "This link cannot be used"
    assert len(stored_responses(demo_data)) == 1


def test_a_shared_link_accepts_many_responses(app, demo_data):
    path = make_link(demo_data, "cci-2011-birmingham", "case-manager")
    from tests.helpers.pages import Browser

    for _ in range(3):
        browser = Browser(app.test_client())
        browser.get(path)
        browser.submit()
        for value in ("yes", "yes", "no"):
            browser.submit({"answer": value})
        browser.submit({"answer": ""})
        assert browser.page.h1 == "Questions about you"
        browser.submit({"answer": "no"})
        assert browser.submit().h1 == "Answers sent"
    assert len(stored_responses(demo_data)) == 3


def test_the_skip_rule_asks_what_gets_in_the_way_only_after_yes(browser, demo_data):
    browser.get(make_link(demo_data, questionnaire="offender-manager"))
    browser.submit()
    for value in ("definitely", "reasonable", "some", "", "definitely", ""):
        browser.submit({"answer": value})
    after_no = browser.submit({"answer": "no"})
    assert after_no.h1 == "Questions about you"
    browser.get("/survey/questions/obstacles?change=1")
    opened = browser.submit({"answer": "yes", "change": "1"})
    assert opened.h1.endswith("What would get in the way?")
    back_to_check = browser.submit({"answer": "Caseloads", "change": "1"})
    assert back_to_check.h1 == "Check your answers before sending them"
    browser.get("/survey/about-you")
    browser.submit({"answer": "no"})
    assert browser.submit().h1 == "Answers sent"
    [response] = stored_responses(demo_data)
    answers = {a.question_code: a.text or a.value for a in response.answers}
    assert answers["obstacles"] == "yes" and answers["obstacles_detail"] == "Caseloads"


def test_an_answer_hidden_by_a_changed_skip_rule_is_not_stored(browser, demo_data):
    browser.get(make_link(demo_data, questionnaire="offender-manager"))
    browser.submit()
    for value in ("definitely", "reasonable", "some", "", "definitely", "", "yes", "Caseloads"):
        browser.submit({"answer": value})
    browser.get("/survey/questions/obstacles?change=1")
    browser.submit({"answer": "no", "change": "1"})
    browser.get("/survey/about-you")
    browser.submit({"answer": "no"})
    browser.submit()
    [response] = stored_responses(demo_data)
    assert "obstacles_detail" not in {a.question_code for a in response.answers}


def test_switching_language_keeps_the_place_and_what_was_entered(browser, demo_data):
    browser.get(make_link(demo_data))
    browser.submit()
    browser.submit({"answer": "fully"})
    page = browser.submit({"answer": "mainly"}, button=("switch_language", "cy"))
    assert page.lang == "cy"
    assert page.h1.endswith("â'r trefniadau cynllunio cyn yr arolygiad gydag Arolygiaeth Prawf EF?")
    assert page.checked_values() == ["mainly"]
    back = browser.get("/survey/questions/planning_clarity")
    assert back.checked_values() == ["fully"]
    switch = back.soup.select_one("button[name=switch_language]")
    assert switch["value"] == "en" and switch["lang"] == "en"


def test_about_you_answers_are_stored_when_chosen(browser, demo_data):
    browser.get(make_link(demo_data, "cci-2011-birmingham", "case-manager"))
    browser.submit()
    for value in ("yes", "no", "yes", ""):
        browser.submit({"answer": value})
    browser.submit({"answer": "yes"})
    for value in ("female", "prefer_not_to_say", "no", "35_44", ""):
        browser.submit({"answer": value})
    assert browser.page.h1 == "Check your answers before sending them"
    browser.submit()
    [response] = stored_responses(demo_data)
    answers = {a.question_code: a.value for a in response.answers}
    assert answers["about_gender"] == "female"
    assert answers["about_ethnic_group"] == "prefer_not_to_say"
    assert "about_sexual_orientation" not in answers
