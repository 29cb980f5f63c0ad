"""Keep the stored questionnaire versions in step with the declarations."""

from __future__ import annotations

import weakref

from flask_babel import force_locale
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import questionnaires
from .clock import utcnow
from .models import Questionnaire, QuestionnaireVersion
from .questionnaires import QuestionnaireDefinition


class DefinitionChanged(RuntimeError):
    """A questionnaire's wording changed without a new version number."""


def questionnaire_row(session: Session, code: str) -> Questionnaire:
    """Return the stored questionnaire for a code, storing it and its current version if new."""
    definition = questionnaires.get(code)
    if definition is None:
        raise KeyError(code)
    return current_version(session, definition).questionnaire


# Definitions are frozen and declared once: describe each once a process, not on every response.
_DESCRIBED: dict[int, tuple[QuestionnaireDefinition, str, dict]] = {}


def _described(definition: QuestionnaireDefinition) -> tuple[str, dict]:
    """Return the definition's fingerprint and snapshot, in the source language."""
    kept = _DESCRIBED.get(id(definition))
    if kept is None or kept[0] is not definition:
        with force_locale("en_GB"):
            kept = (definition, definition.fingerprint(), definition.snapshot())
        _DESCRIBED[id(definition)] = kept
    return kept[1], kept[2]


def current_version(session: Session, definition: QuestionnaireDefinition) -> QuestionnaireVersion:
    """Return the stored row for the definition's version, creating it on first use."""
    found = session.execute(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.code == definition.code, QuestionnaireVersion.version == definition.version)
    ).scalar_one_or_none()
    fingerprint, snapshot = _described(definition)
    if found is not None:
        if found.fingerprint != fingerprint:
            raise DefinitionChanged(
                f"{definition.code} version {definition.version} was stored with other wording: "
                "raise its version number"
            )
        return found
    try:
        with session.begin_nested():
            questionnaire = session.execute(
                select(Questionnaire).where(Questionnaire.code == definition.code)
            ).scalar_one_or_none()
            if questionnaire is None:
                questionnaire = Questionnaire(code=definition.code)
                session.add(questionnaire)
                session.flush()
            version = QuestionnaireVersion(
                questionnaire=questionnaire,
                version=definition.version,
                fingerprint=fingerprint,
                definition=snapshot,
                created_at=utcnow(),
            )
            session.add(version)
            session.flush()
        return version
    except IntegrityError:
        # Another worker stored it first.
        return current_version(session, definition)


# Stored versions are never changed or deleted, so each process remembers their ids, per engine
# (every response stored needs one; a test's new database has a new engine). An id is
# remembered only once the transaction that read or stored it commits: a version stored in a
# transaction that is rolled back is gone.
_VERSION_IDS: weakref.WeakKeyDictionary[Engine, dict[tuple[str, int], int]] = weakref.WeakKeyDictionary()
_UNCOMMITTED = "feedback_version_ids"


def current_version_id(session: Session, definition: QuestionnaireDefinition) -> int:
    """The id of the stored row for the definition's version."""
    key = (definition.code, definition.version)
    known = _VERSION_IDS.get(session.get_bind(), {}).get(key)
    if known is not None:
        return known
    found = _find_version_id(session, definition)
    session.info.setdefault(_UNCOMMITTED, {})[key] = found
    return found


@event.listens_for(Session, "after_commit")
def _remember_version_ids(session: Session) -> None:
    found = session.info.pop(_UNCOMMITTED, None)
    if found:
        _VERSION_IDS.setdefault(session.get_bind(), {}).update(found)


@event.listens_for(Session, "after_soft_rollback")
def _forget_version_ids(session: Session, _previous_transaction) -> None:
    session.info.pop(_UNCOMMITTED, None)


def _find_version_id(session: Session, definition: QuestionnaireDefinition) -> int:
    found = session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.fingerprint)
        .join(Questionnaire)
        .where(Questionnaire.code == definition.code, QuestionnaireVersion.version == definition.version)
    ).first()
    if found is None or found.fingerprint != _described(definition)[0]:
        return current_version(session, definition).id  # stores it, or says what changed
    return found.id


def sync_all(session: Session) -> list[QuestionnaireVersion]:
    return [current_version(session, d) for d in questionnaires.ALL]
