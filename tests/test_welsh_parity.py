"""Welsh never second, and the rough edges a respondent or analyst meets (issue 16)."""

from __future__ import annotations

import re

import pytest

from tests.helpers.pages import Browser, parse
from tests.test_staff import PASSWORD, sign_in
from tests.test_web_journey import answer_pie, make_link


@pytest.fixture
def staff(client, runner, demo_returns):
    result = runner.invoke(args=["users", "add", "admin@justice.gov.uk", "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    browser = Browser(client)
    sign_in(browser, "admin@justice.gov.uk")
    return browser


def text_of(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


# --- The respondent's journey --------------------------------------------------------------

def offender_manager_to_about_you(browser, db, language: str = "en"):
    page = browser.get(make_link(db, "omi2-2011-greater-manchester", "offender-manager") + f"?lang={language}")
    page = browser.submit()
    answers = {"discussion_manner": "definitely", "diversity_attention": "definitely",
               "good_practice_feedback": "definitely", "praised_work": "", "improvement_ideas": "definitely",
               "do_differently": "", "obstacles": "yes", "obstacles_detail": ""}
    captions = []
    while browser.page.soup.select_one("input[name=answer], textarea[name=answer]") is not None \
            and browser.page.response.request.path.startswith("/survey/questions/"):
        code = browser.page.response.request.path.rsplit("/", 1)[1]
        caption = browser.page.soup.select_one("h1 .govuk-caption-l, legend .govuk-caption-l, label .govuk-caption-l")
        captions.append(text_of(caption) if caption else "")
        page = browser.submit({"answer": answers[code]})
    return page, captions


def test_question_pages_do_not_count_questions_that_a_follow_up_can_add(browser, demo_data):
    about_you, captions = offender_manager_to_about_you(browser, demo_data)
    assert len(captions) == 8  # "obstacles: yes" opened the follow-up question
    assert set(captions) == {"Questionnaire for offender managers interviewed during the inspection"}, captions
    assert not any(re.search(r"\d+ of \d+", c) for c in captions)


def test_questions_about_you_names_the_topics_the_questionnaire_asks(browser, demo_data):
    page, _ = offender_manager_to_about_you(browser, demo_data)
    assert page.h1 == "Questions about you"
    topics = [text_of(li) for li in page.soup.select("#about-you-topics li")]
    assert topics == ["your sex or gender", "your ethnic group", "whether you have a disability", "your age",
                      "your sexual orientation"]


def test_welsh_about_you_answers_echo_hoffech_chi(browser, demo_data):
    page, _ = offender_manager_to_about_you(browser, demo_data, language="cy")
    assert page.lang == "cy"
    assert page.radio_labels() == ["Hoffwn ateb y cwestiynau amdanaf i", "Na hoffwn, hepgor y cwestiynau hyn"]
    assert "rwyf" not in page.main_text


def check_rows(page) -> list[tuple[str, str]]:
    rows = []
    for row in page.soup.select(".govuk-summary-list__row"):
        rows.append((text_of(row.select_one(".govuk-summary-list__key")),
                     text_of(row.select_one(".govuk-summary-list__value"))))
    return rows


def test_check_page_puts_questions_about_you_before_its_answers_and_says_when_none_were_given(browser, demo_data):
    offender_manager_to_about_you(browser, demo_data)
    browser.submit({"answer": "yes"})
    for _ in range(5):
        browser.submit({})  # every "About you" question left unanswered
    check = browser.page
    assert check.h1 == "Check your answers before sending them"
    keys = [key for key, _ in check_rows(check)]
    assert keys.index("Questions about you") < keys.index("What is your sex or gender?")
    assert keys.index("Questions about you") > keys.index("What would get in the way?")
    assert dict(check_rows(check))["Questions about you"] == "Not answered"

    browser.get("/survey/about-you?change=1")
    check = browser.submit({"answer": "no"})
    rows = dict(check_rows(check))
    assert rows["Questions about you"] == "Skipped"
    assert "What is your sex or gender?" not in rows


# --- Welsh wording ---------------------------------------------------------------------------

def test_each_yes_or_no_error_echoes_its_question_in_welsh(app):
    from flask_babel import force_locale

    from feedback import questionnaires

    young = questionnaires.get("young-people")
    with app.test_request_context(), force_locale("cy"):
        errors = {q.code: str(q.error) for q in young.questions if q.error is not None}
    assert errors == {
        "less_likely": "Dewiswch ‘Ydw’ neu ‘Nac ydw’",
        "life_better": "Dewiswch ‘Ydy’ neu ‘Nac ydy’",
        "easy_to_understand": "Dewiswch ‘Do’ neu ‘Naddo’",
    }


def test_the_welsh_catalogue_keeps_one_register():
    from pathlib import Path

    catalogue = (Path(__file__).parents[1] / "translations/cy/LC_MESSAGES/messages.po").read_text()
    live = "\n".join(line for line in catalogue.splitlines() if not line.startswith("#~"))
    words = re.sub(r'"\n"', "", live)
    assert not re.search(r"\b(rwyf|rydym|Rwyf|Rydym|gennyf)\b", words)


def test_the_invitation_emails_say_ein_he_bost():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs/notify-templates.md").read_text()
    assert "ein e-bost" not in text and "ein he-bost" in text
    assert "rydym" not in text


# --- Staff pages -----------------------------------------------------------------------------

def test_results_name_the_exclusions_only_when_there_are_some(staff):
    page = staff.get("/staff/results/post-inspection-evaluation?period=2011-12")
    left_out = {}
    for heading in page.soup.select("main h2[id]"):
        note = None
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            if "Not counted in the figure:" in text_of(sibling):
                note = text_of(sibling)
        left_out[heading["id"]] = note
    assert left_out["planning_clarity"] is None
    assert left_out["team_conduct"] == "Not counted in the figure: Not answered 1"
    assert all(note is None or re.search(r"\d", note) for note in left_out.values())


def test_counts_in_headings_are_grouped_like_counts_in_lines(staff):
    page = staff.get("/staff/results/young-people?period=2011-12")
    assert "2,189 responses" in page.main_text
    overview = staff.get("/staff/?period=2011-12")
    assert "2,189 responses" in overview.main_text and "2189 responses" not in overview.main_text


def test_digest_counts_are_grouped(app, demo_returns):
    from feedback.slack import digest

    class Found:
        suppressed = False
        responses = 2189

    with app.test_request_context():
        assert digest.responses_text(Found()) == "2,189 responses"


def test_welsh_summaries_use_the_questions_own_yes(staff):
    page = staff.get("/staff/results/offender-manager?period=2011-12&lang=cy")
    heading = page.soup.find(id="obstacles")
    figure = text_of(heading.find_next_sibling("p"))
    assert re.match(r"34% oes \(", figure), figure
    assert " ie " not in figure


def test_comments_carry_their_language_and_can_be_filtered_by_it(staff, demo_data, browser):
    # One comment written in Welsh, through a Welsh journey.
    start = browser.get(make_link(demo_data, "omi2-2012-wales") + "?lang=cy")
    assert start.lang == "cy"
    browser.submit()
    answer_pie(browser, comment="Roedd y tîm yn gymwynasgar iawn.")
    browser.submit()
    page = staff.get("/staff/results/post-inspection-evaluation/comments")
    marked = {text_of(p): p.get("lang") for p in page.soup.select(".app-comment p.app-preserve-lines")}
    assert marked["Roedd y tîm yn gymwynasgar iawn."] == "cy"
    assert set(marked.values()) == {"en", "cy"} or set(marked.values()) == {"cy"}
    welsh = staff.get("/staff/results/post-inspection-evaluation/comments?language=cy")
    texts = [text_of(p) for p in welsh.soup.select(".app-comment p.app-preserve-lines")]
    assert texts == ["Roedd y tîm yn gymwynasgar iawn."]
    assert welsh.soup.select_one("select#language option[selected]")["value"] == "cy"


def test_thematic_titles_are_in_welsh_and_english_names_are_marked(staff):
    def links(query: str) -> dict:
        # The list is in pages of 50: each name is looked for through the list's own search.
        page = staff.get(f"/staff/inspections?lang=cy&q={query}")
        assert page.lang == "cy"
        return {text_of(a): a for a in page.soup.select("main table a")}

    thematic = links("Diogelu")  # found by its Welsh title
    assert "Arolygiad ar y cyd o Fyrddau Lleol Diogelu Plant yng Nghymru" in thematic
    assert "Joint Inspection of Local Safeguarding Children Boards in Wales" not in thematic
    trusts = links("Probation")
    english = [name for name in trusts if "Probation Trust" in name]
    assert english, "expected English trust names"
    for name in english:
        assert trusts[name].find("span", lang="en") is not None, name
    assert "Ymddiriedolaeth Prawf Cymru" in links("Cymru")


def test_cymraeg_in_english_hint_text_is_marked_welsh(staff):
    page = staff.get("/staff/kiosks/new")
    marked = [span for span in page.soup.select("main span[lang=cy]") if text_of(span) == "Cymraeg"]
    assert len(marked) == 2  # the hint and the checkbox's label


def test_the_form_expired_page_after_cookies_are_lost_keeps_the_journeys_language(browser, demo_data, client):
    start = browser.get(make_link(demo_data, "omi2-2012-wales"))
    assert start.lang == "cy"  # a Welsh organisation's link opens in Welsh, from the session alone
    question = browser.submit()
    assert question.lang == "cy" and question.response.request.path.startswith("/survey/questions/")
    client._cookies.clear()  # the browser loses its cookies mid-journey
    expired = browser.submit({"answer": "fully"})
    assert expired.status == 400
    assert expired.lang == "cy"
    assert expired.h1 == "Mae'n ddrwg gennym, doedd dim modd derbyn y ffurflen honno"
    # With no form to go by, the browser's preference decides.
    response = client.post("/survey/check", headers={"Accept-Language": "cy"})
    assert parse(response).lang == "cy"


def test_people_who_declined_questions_about_you_are_counted_as_not_asked(browser, demo_data, app):
    from feedback import results
    from feedback.db import get_db

    def respond(include: str):
        offender_manager_to_about_you(browser, demo_data)
        browser.submit({"answer": include})
        while browser.page.response.request.path != "/survey/check":
            browser.submit({})  # every "About you" question left blank
        browser.submit()
        assert browser.page.response.request.path == "/survey/complete"

    respond("no")
    respond("yes")
    with app.app_context(), get_db().read_session() as session:
        found = results.questionnaire_results(session, "offender-manager", viewer="staff", threshold=1)
    gender = next(q for q in found.questions if q.code == "about_gender")
    assert dict(gender.exclusions)["not_asked"] == 1  # declined the section
    assert dict(gender.exclusions)["skipped"] == 1  # offered it, left the question blank


def test_inspections_are_found_by_their_welsh_title(staff):
    page = staff.get("/staff/inspections?lang=cy&q=Byrddau+Lleol")
    assert [text_of(a) for a in page.soup.select("main table a")] == []  # mutated in the title: "Fyrddau"
    page = staff.get("/staff/inspections?lang=cy&q=Fyrddau+Lleol")
    assert [text_of(a) for a in page.soup.select("main table a")] == [
        "Arolygiad ar y cyd o Fyrddau Lleol Diogelu Plant yng Nghymru"]
