"""`feedback kiosk ...`: enrol, list and revoke kiosk tablets from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from .. import kiosk
from ..clock import utcnow
from ..db import get_db
from ..i18n import format_day
from ..models import Device, Inspection
from .common import find_inspection

kiosk_group = AppGroup("kiosk", help="Kiosk tablets: enrol, list, revoke.")


def enrolment_link(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


def qr_text(link: str) -> str:
    """Draw the link's QR code with block characters, for a terminal."""
    out = io.StringIO()
    kiosk.qr_code(link).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _inspection(session, reference: str | None) -> Inspection | None:
    return None if reference is None else find_inspection(session, reference)


@kiosk_group.command("enrol")
@click.option("--questionnaire", "questionnaire_code", required=True,
              type=click.Choice([q.code for q in kiosk.kiosk_questionnaires()]))
@click.option("--site", required=True, help="Where the tablet will be, e.g. 'Cardiff probation office'.")
@click.option("--inspection", "inspection_ref", default=None, help="Inspection id or code (optional).")
@click.option("--days", type=click.IntRange(1, 90), default=kiosk.ENROLMENT_DAYS, show_default=True,
              help="Days the enrolment link works for (1 to 90).")
@click.option("--welsh-first/--english-first", default=None,
              help="Which language the start screen shows first (default: Welsh for sites in Wales).")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the QR code to this SVG file, for printing.")
def enrol(questionnaire_code: str, site: str, inspection_ref: str | None, days: int,
          welsh_first: bool | None, svg_path: Path | None) -> None:
    """Print an enrolment link, its QR code and the staff PIN for a new kiosk tablet."""
    with get_db().session() as session:
        inspection = _inspection(session, inspection_ref)
        try:
            new = kiosk.enrol(session, questionnaire_code, site, inspection=inspection,
                              welsh_first=welsh_first, days=days,
                              method=current_app.config["PASSWORD_HASH_METHOD"])
        except kiosk.KioskError as error:
            raise click.UsageError(str(error)) from None
        link = enrolment_link(new.path())
        if svg_path is not None:
            try:
                kiosk.qr_code(link).save(str(svg_path), kind="svg", scale=8, border=4, title="Kiosk enrolment")
            except OSError as error:
                # Nothing printed and nothing kept: the session rolls back.
                raise click.ClickException(f"cannot write the QR code to {svg_path}: {error.strerror}; "
                                           "no tablet was enrolled") from None
        # The tablet is saved before its link is printed: a link on the screen always works,
        # even if the output is cut short (piped into head, say).
        session.commit()
        with force_locale("en_GB"):
            expires = format_day(new.device.enrolment_expires_at, "en")
        where = f" for {inspection.display_name('en')} ({inspection.code})" if inspection else ""
        summary = (f"Device {new.device.id}: {questionnaire_code} at {new.device.site}{where}. "
                   f"Open the link on the tablet by {expires}; it works once. "
                   "Keep the PIN: it is not shown again.")
    click.echo(link)
    click.echo(qr_text(link), nl=False)
    click.echo(f"Staff PIN to leave kiosk mode: {new.pin}")
    click.echo(summary, err=True)


@kiosk_group.command("list")
def list_devices() -> None:
    """List kiosk tablets: id, state, questionnaire, site, last seen, responses received."""
    with get_db().session() as session:
        now = utcnow()
        for device, count in kiosk.list_devices(session):
            seen = device.last_seen_at.strftime("%Y-%m-%d %H:%M") if device.last_seen_at else "never"
            click.echo(
                f"{device.id}\t{kiosk.state(device, now)}\t{device.questionnaire.code}\t"
                f"{device.site}\tlast seen {seen}\t{count} responses"
            )


@kiosk_group.command("revoke")
@click.argument("device_id", type=int)
def revoke(device_id: int) -> None:
    """Stop a tablet working as a kiosk; what it still holds unsent stays on it."""
    with get_db().session() as session:
        device = session.get(Device, device_id)
        if device is None:
            raise click.UsageError(f"no device {device_id}")
        if not kiosk.revoke(session, device):
            click.echo(f"Device {device_id} was already revoked.")
            return
        click.echo(f"Revoked device {device_id} ({device.site}).")
