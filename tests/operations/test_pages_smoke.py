"""Every operations page renders in English and Welsh, keeping the page invariants."""

import pytest

PAGES = [
    "/staff/organisations/", "/staff/organisations/new", "/staff/organisations/trust-wales",
    "/staff/organisations/trust-wales/edit", "/staff/organisations/trust-wales/retire",
    "/staff/inspections", "/staff/inspections/new", "/staff/programme/import",
    "/staff/accounts/", "/staff/accounts/invite", "/staff/audit/",
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_operations_pages_keep_the_invariants(admin_browser, language):
    for path in PAGES:
        page = admin_browser.get(f"{path}?lang={language}")
        assert page.status == 200, path
        assert page.lang == language, path
