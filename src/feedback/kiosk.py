"""Kiosk tablets: enrol them, bind them, authenticate them, revoke them, check their PIN.

A member of staff enrols a tablet for one questionnaire at one site (optionally for one
inspection) and gets a single-use enrolment link and a staff PIN. Opening the link on the
tablet binds it: the tablet receives a long random credential, kept on the server only as a
hash. Revoking a device makes its credential worthless at once.
"""

from __future__ import annotations

import re
import secrets
import weakref
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import segno
from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import questionnaires, responses
from .clock import as_utc, utcnow
from .models import Device, Inspection, Questionnaire, Response, StaffUser
from .questionnaire_store import questionnaire_row
from .questionnaires import QuestionnaireDefinition
from .staff import PASSWORD_METHOD, spend_a_password_check
from .tokens import hash_token, new_token, same_hash

CHANNEL = "kiosk"
ENROLMENT_DAYS = 7
PIN_DIGITS = 6
MAX_FAILED_PINS = 5
PIN_LOCKOUT = timedelta(minutes=15)
MAX_SITE_LENGTH = 200
# Record when a device was last seen at most this often: a kiosk must not write on every page.
SEEN_EVERY = timedelta(minutes=5)
# A queued response keeps the time it was finished on the tablet if it arrives within this
# long, and is no older than the tablet's enrolment; otherwise it is dated when it arrives, so
# that a late one never changes a period already reported by more than this. The dashboard
# states the rule (LATE_ARRIVALS_RULE in web.dashboard).
MAX_QUEUE_AGE = timedelta(days=7)
# Idempotency keys are UUIDs made by the tablet (crypto.randomUUID): lower-case, version 4.
IDEMPOTENCY_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class KioskError(ValueError):
    """A device cannot be enrolled or changed as asked."""


def kiosk_questionnaires() -> tuple[QuestionnaireDefinition, ...]:
    """The questionnaires that are answered on a kiosk tablet."""
    return tuple(q for q in questionnaires.ALL if CHANNEL in q.channels)


@dataclass(frozen=True)
class NewEnrolment:
    device: Device
    token: str  # shown once; only its hash is stored
    pin: str  # shown once; only its hash is stored

    def path(self) -> str:
        return enrolment_path(self.token)


def enrolment_path(token: str) -> str:
    return f"/kiosk/enrol/{token}"


def qr_code(link: str) -> segno.QRCode:
    """Return the QR code of an enrolment link, for the screen, a terminal or a print-out."""
    # Medium error correction survives a smudged or creased print-out.
    return segno.make(link, error="m", micro=False)


def new_pin() -> str:
    return f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"


def enrol(
    session: Session,
    questionnaire_code: str,
    site: str,
    inspection: Inspection | None = None,
    created_by: StaffUser | None = None,
    welsh_first: bool | None = None,
    days: int = ENROLMENT_DAYS,
    now: datetime | None = None,
    method: str = PASSWORD_METHOD,
) -> NewEnrolment:
    """Create a device waiting to be bound, and return its enrolment token and staff PIN."""
    now = now or utcnow()
    definition = questionnaires.get(questionnaire_code)
    if definition is None or CHANNEL not in definition.channels:
        codes = ", ".join(q.code for q in kiosk_questionnaires())
        raise KioskError(f"{questionnaire_code!r} is not answered on a kiosk; choose one of {codes}")
    site = " ".join((site or "").split())
    if not site:
        raise KioskError("name the site where the tablet will be, like 'Cardiff probation office'")
    if len(site) > MAX_SITE_LENGTH:
        raise KioskError(f"the site's name must be {MAX_SITE_LENGTH} characters or fewer")
    if days < 1:
        raise KioskError("the enrolment link must work for at least a day")
    if inspection is not None and not set(definition.programmes) & {inspection.programme.code}:
        raise KioskError(
            f"{questionnaire_code} is not asked in {inspection.programme.code} inspections"
        )
    if welsh_first is None:
        organisation = inspection.organisation if inspection is not None else None
        welsh_first = bool(organisation is not None and organisation.in_wales)
    token = new_token()
    pin = new_pin()
    device = Device(
        site=site,
        questionnaire=questionnaire_row(session, questionnaire_code),
        inspection=inspection,
        welsh_first=welsh_first,
        enrolment_hash=hash_token(token),
        enrolment_expires_at=now + timedelta(days=days),
        pin_hash=generate_password_hash(pin, method=method),
        failed_pins=0,
        created_by_id=created_by.id if created_by is not None else None,
        created_at=now,
    )
    session.add(device)
    session.flush()
    return NewEnrolment(device, token, pin)


def find_enrolment(session: Session, token: str | None, now: datetime | None = None) -> Device | None:
    """Return the device an enrolment link would bind, or None if it cannot be used."""
    if not token or len(token) > 100:
        return None
    device = session.execute(
        select(Device).where(Device.enrolment_hash == hash_token(token))
    ).scalar_one_or_none()
    if device is None or device.revoked_at is not None:
        return None
    if as_utc(device.enrolment_expires_at) <= (now or utcnow()):
        return None
    return device


def bind(session: Session, token: str, now: datetime | None = None) -> tuple[Device, str] | None:
    """Bind the tablet that opened an enrolment link: return the device and its new credential.

    The link works once: its hash is cleared in the same update that checks it, so two
    tablets opening it at the same moment cannot both be bound.
    """
    now = now or utcnow()
    device = find_enrolment(session, token, now)
    if device is None:
        return None
    credential = new_token()
    claimed = session.execute(
        Device.__table__.update()
        .where(Device.id == device.id, Device.enrolment_hash == hash_token(token))
        .values(
            enrolment_hash=None,
            credential_hash=hash_token(credential),
            bound_at=now,
            last_seen_at=now,
        )
    )
    if claimed.rowcount != 1:
        return None
    session.refresh(device)
    return device, credential


@dataclass(frozen=True)
class Tablet:
    """A bound device, unrevoked when it was read, as storing its responses needs it."""

    id: int
    questionnaire_code: str
    inspection_id: int | None
    last_seen_at: datetime | None
    digest: str  # of its credential
    bound_at: datetime | None = None  # when it was enrolled (its link opened)

    def unseen_for_a_while(self, now: datetime) -> bool:
        return self.last_seen_at is None or as_utc(self.last_seen_at) < now - SEEN_EVERY


_devices, _questionnaires = Device.__table__.c, Questionnaire.__table__.c
# Every kiosk request runs it: built once, in plain SQL.
_FIND_TABLET = (
    select(_devices.id, _devices.credential_hash, _devices.revoked_at, _devices.inspection_id,
           _devices.last_seen_at, _questionnaires.code, _devices.bound_at)
    .join_from(Device.__table__, Questionnaire.__table__, _devices.questionnaire_id == _questionnaires.id)
    .where(_devices.credential_hash == bindparam("digest"))
)


def find_tablet(session: Session, credential: str | None) -> Tablet | None:
    """Return the bound, unrevoked device a credential belongs to, in one small query."""
    if not credential or len(credential) > 100:
        return None
    return _read_tablet(session, hash_token(credential))


def _read_tablet(session: Session, digest: str) -> Tablet | None:
    row = session.connection().execute(_FIND_TABLET, {"digest": digest}).first()
    if row is None or row.revoked_at is not None or not same_hash(row.credential_hash, digest):
        return None
    return Tablet(row.id, row.code, row.inspection_id, row.last_seen_at, digest,
                  as_utc(row.bound_at) if row.bound_at is not None else None)


# The tablets this process has read, by database and credential digest (see sending_tablet).
_SENDERS: weakref.WeakKeyDictionary[Engine, dict[str, Tablet]] = weakref.WeakKeyDictionary()
SENDERS_KEPT = 10_000


def sending_tablet(session: Session, credential: str | None) -> Tablet | None:
    """Return the tablet a credential belongs to, for storing the responses it sends.

    A credential is bound to one device once and never moves to another, so this process
    remembers whose it is: storing a response then reads nothing first, and on SQLite holds
    the write lock for its inserts alone. Whether the device may still send is not
    remembered: the statement that stores each response checks that it is not revoked
    (responses.DeviceRevoked), so revoking a tablet stops it at once in every process.
    """
    if not credential or len(credential) > 100:
        return None
    digest = hash_token(credential)
    known = _senders(session)
    tablet = known.get(digest)
    if tablet is None:
        tablet = _read_tablet(session, digest)
        if tablet is None:
            return None
        if len(known) >= SENDERS_KEPT:
            known.clear()
        known[digest] = tablet
    return tablet


def _senders(session: Session) -> dict[str, Tablet]:
    return _SENDERS.setdefault(session.get_bind(), {})


def authenticate(session: Session, credential: str | None, now: datetime | None = None) -> Device | None:
    """Return the bound, unrevoked device a credential belongs to, noting when it was seen."""
    tablet = find_tablet(session, credential)
    if tablet is None:
        return None
    device = session.get(Device, tablet.id)
    now = now or utcnow()
    if tablet.unseen_for_a_while(now):
        device.last_seen_at = now
    return device


def revoke(session: Session, device: Device, now: datetime | None = None) -> bool:
    """Stop a device working as a kiosk; return False if it was already revoked."""
    if device.revoked_at is not None:
        return False
    device.revoked_at = now or utcnow()
    device.enrolment_hash = None
    return True


def check_pin(session: Session, device: Device, pin: str, now: datetime | None = None,
              method: str = PASSWORD_METHOD) -> tuple[bool, bool]:
    """Check the staff PIN; return (correct, locked). Five wrong in a row lock it for a while."""
    now = now or utcnow()
    pin = (pin or "").strip()
    if device.pin_locked_until is not None and as_utc(device.pin_locked_until) > now:
        spend_a_password_check(pin, method)  # the same time either way
        return False, True
    if len(pin) <= 20 and check_password_hash(device.pin_hash, pin):
        device.failed_pins = 0
        device.pin_locked_until = None
        return True, False
    device.failed_pins = (device.failed_pins or 0) + 1
    if device.failed_pins >= MAX_FAILED_PINS:
        device.failed_pins = 0
        device.pin_locked_until = now + PIN_LOCKOUT
        return False, True
    return False, False


def state(device: Device, now: datetime | None = None) -> str:
    """Describe a device in one word: waiting (to be set up), expired, active or revoked."""
    if device.revoked_at is not None:
        return "revoked"
    if device.credential_hash is not None:
        return "active"
    if as_utc(device.enrolment_expires_at) <= (now or utcnow()):
        return "expired"
    return "waiting"


def definition_of(device: Device) -> QuestionnaireDefinition:
    return questionnaires.get(device.questionnaire.code)


def list_devices(session: Session) -> list[tuple[Device, int]]:
    """Every device, newest first, with the number of responses received from it."""
    counts = (
        select(Response.device_id, func.count(Response.id).label("n"))
        .where(Response.device_id.is_not(None))
        .group_by(Response.device_id)
        .subquery()
    )
    rows = session.execute(
        select(Device, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.device_id == Device.id)
        .order_by(Device.created_at.desc(), Device.id.desc())
    ).all()
    return [(device, int(n)) for device, n in rows]


# --- responses arriving from a tablet's queue ----------------------------------------------


class RejectedResponse(ValueError):
    """A queued response that can never be stored as it stands; `field` names what is wrong."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.field = field


def store_queued(
    session: Session, tablet: Tablet, payload: Any, now: datetime | None = None
) -> responses.StoredResponse:
    """Store one response from a tablet's queue exactly once; return it (`new` if stored now).

    The tablet's idempotency key is the submission key, so a response sent again (a retry
    after a lost reply, a doubled request, a second tab syncing) finds the row stored first.
    """
    now = now or utcnow()
    if not isinstance(payload, dict):
        raise RejectedResponse("not an object")
    key = payload.get("key")
    if not isinstance(key, str) or not IDEMPOTENCY_KEY.match(key):
        raise RejectedResponse("key must be a version 4 UUID", "key")
    definition = questionnaires.get(tablet.questionnaire_code)
    if payload.get("questionnaire") != definition.code:
        raise RejectedResponse("this device does not collect that questionnaire", "questionnaire")
    # bool is an int to Python: a version sent as true is not version 1.
    version = payload.get("version")
    if isinstance(version, bool) or version != definition.version:
        raise RejectedResponse("questionnaire version no longer offered", "version")
    language = payload.get("language")
    if language not in ("en", "cy"):
        raise RejectedResponse("language must be en or cy", "language")
    raw = payload.get("answers")
    if not isinstance(raw, dict):
        raise RejectedResponse("answers must be an object", "answers")
    include_about_you = payload.get("include_about_you", False)
    if not isinstance(include_about_you, bool):
        raise RejectedResponse("include_about_you must be true or false", "include_about_you")
    if not isinstance(payload.get("finished_at", ""), str):
        raise RejectedResponse("finished_at must be a time written as text (ISO 8601)", "finished_at")
    for code, problem in responses.answer_problems(definition, raw)[:1]:
        raise RejectedResponse(f"answers.{code} {problem}", f"answers.{code}")
    answers, missing = responses.check_answers(definition, raw, include_about_you=include_about_you)
    if missing:
        raise RejectedResponse("required questions not answered: " + ", ".join(missing), "answers")
    finished = _finished_at(payload.get("finished_at"), now, tablet.bound_at)
    senders = _senders(session)
    try:
        stored = responses.store_response(
            session,
            definition,
            answers,
            submission_key=key,
            channel=CHANNEL,
            language=language,
            inspection_id=tablet.inspection_id,
            device_id=tablet.id,
            now=finished,
            on_stored=lambda _response_id: _seen(session, tablet, now),
            declined_about_you=not include_about_you,
        )
    except responses.DeviceRevoked:
        senders.pop(tablet.digest, None)
        raise
    if stored.new and tablet.unseen_for_a_while(now) and tablet.digest in senders:
        senders[tablet.digest] = replace(tablet, last_seen_at=now)
    if stored.channel != CHANNEL:
        raise RejectedResponse("key already used")
    return stored


def _seen(session: Session, tablet: Tablet, now: datetime) -> None:
    if tablet.unseen_for_a_while(now):
        session.execute(update(Device).where(Device.id == tablet.id).values(last_seen_at=now)
                        .execution_options(synchronize_session=False))


def _finished_at(value: Any, now: datetime, enrolled: datetime | None = None) -> datetime:
    """When the respondent finished, by the tablet's clock, if that is plausible (within
    MAX_QUEUE_AGE, and not before the tablet was enrolled); else now."""
    if not isinstance(value, str) or len(value) > 40:
        return now
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return now
    if moment.tzinfo is None:
        return now
    if enrolled is not None and moment < enrolled:
        return now
    if now - MAX_QUEUE_AGE <= moment <= now + timedelta(minutes=5):
        return min(moment, now)
    return now
