"""Every operations page renders in English and Welsh, keeping the page invariants, and the
Welsh pages carry no English phrase of the catalogue (outside what is marked lang="en")."""

import pytest

from tests.test_welsh import assert_no_english

PAGES = [
    "/staff/organisations/", "/staff/organisations/new", "/staff/organisations/trust-wales",
    "/staff/organisations/trust-wales/edit", "/staff/organisations/trust-wales/retire",
    "/staff/inspections", "/staff/inspections/new", "/staff/inspections/thematic-2011-lscbs-in-wales",
    "/staff/inspections/thematic-2011-lscbs-in-wales/edit", "/staff/inspections/thematic-2011-lscbs-in-wales/close",
    "/staff/programme/import", "/staff/accounts/", "/staff/accounts/invite", "/staff/accounts/1/role",
    "/staff/accounts/1/deactivate", "/staff/audit/",
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_operations_pages_keep_the_invariants(admin_browser, language):
    for path in PAGES:
        page = admin_browser.get(f"{path}?lang={language}")
        assert page.status == 200, path
        assert page.lang == language, path
        if language == "cy":
            assert_no_english(page)


def test_welsh_error_pages_of_the_forms_carry_no_english(admin_browser):
    for path in ("/staff/organisations/new", "/staff/inspections/new", "/staff/accounts/invite"):
        admin_browser.get(f"{path}?lang=cy")
        page = admin_browser.submit({})
        assert page.error_summary_title() == "Mae problem wedi codi", path
        assert_no_english(page)
