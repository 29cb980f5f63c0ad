"""Running a business year: organisations, inspections, the programme import, staff accounts,
invitations and their tracking, the audit log. Plain domain functions; the staff pages and the
CLI are thin callers of them."""

from __future__ import annotations


class InputProblems(ValueError):
    """What is wrong with what was asked, field by field, in words a member of staff can act on.

    Messages are lazily translated, so a page shows them in its language and the CLI in English.
    """

    def __init__(self, problems: dict[str, object]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))
        self.problems = problems
