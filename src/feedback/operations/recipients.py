"""Recipients pasted (one a line: "Name, email, language") or uploaded as CSV, checked before any email."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _

MAX_RECIPIENTS = 500
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320

# Deliberately plain: one @, something either side, a dot in the domain, no spaces or separators.
_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+")

# What people write for each language, in either language.
_LANGUAGES = {
    "en": "en", "english": "en", "saesneg": "en",
    "cy": "cy", "welsh": "cy", "cymraeg": "cy",
    "both": "both", "english and welsh": "both", "welsh and english": "both",
    "cymraeg a saesneg": "both", "saesneg a chymraeg": "both", "y ddwy": "both", "dwy": "both",
}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str  # en, cy or both

    def line(self) -> str:
        """The recipient as a pasted line reads back: a name with a comma in it is quoted."""
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([self.name, self.email, self.language])
        return out.getvalue()


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    reason: str


def language_code(text: str) -> str | None:
    return _LANGUAGES.get(" ".join(text.strip().lower().split()))


def normalise_email(text: str) -> str:
    local, _at, domain = text.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def check_rows(rows: list[tuple[int, list[str], str]], default_language: str,
               already_invited: set[str] = frozenset()) -> tuple[list[Recipient], list[Problem]]:
    """Check each row (line number, cells, original text); return the good recipients and the problems."""
    recipients: list[Recipient] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, cells, original in rows:
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) < 2 or len(cells) > 3:
            problems.append(Problem(number, original, _(
                "Write the name, the email address and, if you like, the language, separated by commas")))
            continue
        name, email = cells[0], cells[1]
        language = language_code(cells[2]) if len(cells) == 3 else default_language
        if not name:
            problems.append(Problem(number, original, _("Enter the person's name")))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(Problem(number, original, _("The name must be %(max)d characters or fewer",
                                                        max=MAX_NAME_LENGTH)))
        elif len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
            problems.append(Problem(number, original, _(
                "Enter an email address in the correct format, like name@example.gov.uk")))
        elif language is None:
            problems.append(Problem(number, original, _("Write the language as English, Welsh or both")))
        elif normalise_email(email).lower() in seen:
            problems.append(Problem(number, original, _("This email address is also on line %(line)d",
                                                        line=seen[normalise_email(email).lower()])))
        elif normalise_email(email).lower() in already_invited:
            problems.append(Problem(number, original, _(
                "This person already has an invitation to this questionnaire for this inspection")))
        else:
            seen[normalise_email(email).lower()] = number
            recipients.append(Recipient(name, normalise_email(email), language))
            continue
        seen.setdefault(normalise_email(email).lower(), number)
    if len(recipients) > MAX_RECIPIENTS:
        problems.append(Problem(0, "", _("Invite up to %(max)d people at a time", max=MAX_RECIPIENTS)))
    return recipients, problems


def pasted_rows(text: str) -> list[tuple[int, list[str], str]]:
    return [(number, next(csv.reader([line], skipinitialspace=True), []), line.strip())
            for number, line in enumerate((text or "").splitlines(), start=1)]


def uploaded_rows(data: bytes) -> list[tuple[int, list[str], str]] | None:
    """Read a CSV file's rows (a first row of headings is skipped); None if it is not a text CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number == 1 and cells and cells[0].strip().lower() in ("name", "enw"):
            continue
        rows.append((number, cells, ", ".join(cells)))
    return rows


def parse_recipients(text: str, default_language: str,
                     already_invited: set[str] = frozenset()) -> tuple[list[Recipient], list[Problem]]:
    """Read pasted lines "Name, email, language" (language optional: English, Welsh or both)."""
    return check_rows(pasted_rows(text), default_language, already_invited)
