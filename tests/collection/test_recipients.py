"""Reading recipients: each line checked, every problem given its reason, names with commas kept."""

from __future__ import annotations

from feedback.operations.recipients import (
    check_rows,
    parse_recipients,
    pasted_rows,
    uploaded_rows,
)


def test_lines_read_back_as_written(app):
    with app.test_request_context():
        recipients, problems = parse_recipients('"Jones, Ann", Ann@Example.GOV.UK, Cymraeg\nBryn, bryn@example.gov.uk',
                                                default_language="both")
        assert not problems
        assert [(r.name, r.email, r.language) for r in recipients] == [
            ("Jones, Ann", "Ann@example.gov.uk", "cy"), ("Bryn", "bryn@example.gov.uk", "both")]
        again, _ = check_rows(pasted_rows("\n".join(r.line() for r in recipients)), "en")
        assert again == recipients


def test_problems_name_their_lines(app):
    with app.test_request_context():
        _, problems = parse_recipients("Ann, ann@example.gov.uk\n\n, x@example.gov.uk\nCath, ann@EXAMPLE.gov.uk",
                                       "en", already_invited={"x@example.gov.uk"})
        assert [(p.line, p.reason) for p in problems] == [
            (3, "Enter the person's name"), (4, "This email address is also on line 1")]
        assert uploaded_rows(b"\xff\xfe\x00bad") is None
