"""Look-ups the command-line tools share."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..models import Inspection


def find_inspection(session, reference: str) -> Inspection:
    """Find an inspection by id or code, or stop the command with a usage error."""
    query = select(Inspection).where(
        Inspection.id == int(reference) if reference.isdigit() else Inspection.code == reference
    )
    inspection = session.execute(query).scalar_one_or_none()
    if inspection is None:
        raise click.BadParameter(f"no inspection {reference!r}", param_hint="--inspection")
    return inspection
