"""What the commands share: finding an inspection, and saying what was wrong with the input."""

from __future__ import annotations

from datetime import date

import click

from ..models import Inspection
from ..operations import InputProblems
from ..operations.inspections import inspection_by_reference


def find_inspection(session, reference: str) -> Inspection:
    """Find an inspection by id or code, or stop the command with a usage error."""
    inspection = inspection_by_reference(session, reference)
    if inspection is None:
        raise click.BadParameter(f"no inspection {reference!r}", param_hint="--inspection")
    return inspection


def fail(problems: InputProblems) -> None:
    """Stop the command with the domain's problems, field by field."""
    raise click.UsageError("; ".join(f"{field}: {message}" for field, message in problems.problems.items()))


def day(text: str | None) -> date | None:
    """Read a YYYY-MM-DD option ('' or None for no day), or stop the command with a usage error."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.UsageError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
