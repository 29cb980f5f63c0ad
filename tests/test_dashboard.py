"""The staff dashboard shows the results module's figures, in words, charts and tables."""

import re

import pytest

from tests.conftest import one_backend
from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, sign_in


@pytest.fixture
def staff_browser(client, runner, demo_returns):
    result = runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    browser = Browser(client)
    sign_in(browser, "analyst@justice.gov.uk")
    return browser


def row_cells(page, question_text):
    for row in page.soup.select("tr"):
        header = row.find("th")
        if header and " ".join(header.get_text(" ", strip=True).split()) == question_text:
            return [" ".join(td.get_text(" ", strip=True).split()) for td in row.find_all("td")]
    raise AssertionError(f"no row for {question_text!r}")


def test_overview_shows_the_published_figures_with_their_n(staff_browser):
    page = staff_browser.get("/staff/?period=2011-12")
    assert page.h1.startswith("Results")
    cells = row_cells(page, "Overall, how satisfied were you with the management of the inspection?")
    assert cells[0] == "94% fully or mainly (48 answers)"
    assert cells[1].startswith(("Up", "Down", "No change"))
    team = row_cells(page, "How satisfied were you with the conduct of the inspection team?")
    assert team[0] == "91% fully or mainly (47 answers)"


def test_questionnaire_page_has_a_chart_and_its_table(staff_browser):
    page = staff_browser.get("/staff/results/offender-manager?period=2011-12")
    heading = page.soup.find(id="diversity_attention")
    assert heading is not None
    figure = heading.find_next("p").get_text(" ", strip=True)
    assert figure.startswith("89% definitely") and "a further 10% reasonable attention" in figure
    chart = heading.find_next(class_="app-chart", role="img")
    title = chart.find(id=chart["aria-labelledby"])
    assert title.get_text() == heading.get_text(strip=True)
    table = heading.find_next("table")
    shares = [td.get_text(strip=True) for td in table.select("tbody td.govuk-table__cell--numeric")][1::2]
    assert shares[0] == "89%" and shares[1] == "10%"


def test_multiple_choice_is_shown_as_a_share_of_mentions(staff_browser):
    page = staff_browser.get("/staff/results/adult-service-user?period=2011-12")
    table = page.soup.find(id="help_received").find_next("table")
    rows = {r.find("th").get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")] for r in table.select("tbody tr")}
    assert rows["Accommodation"][1] == "25%"
    assert rows["Education, training or employment"][1] == "19%"


def test_a_small_group_shows_no_number_anywhere_on_the_breakdown(staff_browser):
    page = staff_browser.get("/staff/results/youth-victims/by/region?period=2012-13")
    cells = [td.get_text(" ", strip=True) for td in page.soup.select("tbody td")]
    assert cells and all(c == "Not shown" or not re.search(r"\d", c) for c in cells), cells


def test_the_dashboard_is_in_welsh_too(staff_browser):
    page = staff_browser.get("/staff/?period=2011-12&lang=cy")
    assert page.lang == "cy"
    cells = row_cells(page, "At ei gilydd, pa mor fodlon oeddech chi â'r ffordd y cafodd yr arolygiad ei reoli?")
    assert cells[0].startswith("94%")


def test_inspection_page_sets_an_inspection_beside_the_national_figure(staff_browser):
    page = staff_browser.get("/staff/inspections?q=Birmingham")
    link = page.soup.select_one("main table a")
    assert "Birmingham" in link.get_text()
    inspection = staff_browser.get(link["href"])
    assert "Birmingham" in inspection.h1
    assert inspection.soup.find("th", string="National") is not None


def test_comments_are_listed_for_staff_with_their_deletion_date(staff_browser):
    page = staff_browser.get("/staff/results/youth-victims/comments?period=2011-12")
    assert "for staff on this dashboard only" in page.main_text
    assert "deleted after" in page.main_text
    assert page.soup.select(".app-comment")


def test_a_bad_period_is_reported_not_a_server_error(staff_browser):
    page = staff_browser.get("/staff/results/young-people?period=last-tuesday")
    assert page.status == 200
    assert page.error_summary()[0][0].startswith("Enter a period from 2000 to 2099, like")


@one_backend
def test_the_dashboard_needs_signing_in(client):
    for path in ("/staff/", "/staff/results/young-people", "/staff/results/young-people/comments", "/staff/inspections"):
        assert client.get(path).status_code == 302


def test_the_questionnaire_page_links_to_its_exports_with_the_same_filters(staff_browser, client):
    page = staff_browser.get("/staff/results/post-inspection-evaluation?period=2011-12")
    links = {a.get_text(strip=True): a["href"] for a in page.soup.select("main a")}
    csv_link = links["Download the results (CSV)"]
    assert "period=2011-12" in csv_link
    assert "Download the responses (CSV)" not in links, "analysts cannot export responses"
    body = client.get(csv_link).get_data(as_text=True)
    assert "overall_management" in body and ",94," in body


def test_questions_about_you_headline_how_many_answered_not_no_answers(staff_browser):
    for lang, words in (("en", "{} people answered"), ("cy", "{} o bobl wedi ateb")):
        page = staff_browser.get(f"/staff/results/adult-victims?period=2011-12&lang={lang}")
        for code in ("about_gender", "about_age"):
            heading = page.soup.find(id=code)
            table = heading.find_next("table")
            cells = table.select("tbody td.govuk-table__cell--numeric")[0::2]  # number, share, number...
            counts = [int(td.get_text(strip=True).replace(",", "")) for td in cells]
            assert sum(counts) > 0
            assert heading.find_next("p").get_text(" ", strip=True) == words.format(sum(counts))
