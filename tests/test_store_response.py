"""store_response: plain SQL, one response a key, and the questionnaire version ids it remembers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, func, select

from feedback import kiosk, questionnaires
from feedback.counting import count_waiting
from feedback.models import Answer, AnswerCount, QuestionnaireVersion, Response
from feedback.questionnaire_store import current_version_id
from feedback.responses import DeviceRevoked, store_response
from tests.conftest import CHEAP_PASSWORD_HASH_METHOD

ANSWERS = {"less_likely": "yes", "life_better": "no", "easy_to_understand": "yes",
           "comments": "Diolch – the worker listened.", "about_gender": "female"}


def counts_of_responses(db) -> int | None:
    return db.execute(select(func.sum(AnswerCount.n)).where(AnswerCount.kind == "r")).scalar_one()


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_key_stores_one_response_with_its_answers_then_a_batch_counts_it(app, demo_data):
    definition = questionnaires.get("young-people")
    with app.app_context():
        first = store_response(demo_data, definition, ANSWERS, submission_key="k-1", channel="kiosk", language="cy")
        again = store_response(demo_data, definition, {"less_likely": "no"}, submission_key="k-1",
                               channel="kiosk", language="cy")
    assert first.new and not again.new and again.id == first.id and again.channel == "kiosk"
    stored = demo_data.execute(select(Answer.question_code, Answer.value, Answer.text)
                               .where(Answer.response_id == first.id).order_by(Answer.question_code)).all()
    assert [tuple(row) for row in stored] == [
        ("about_gender", "female", None), ("comments", "text", "Diolch – the worker listened."),
        ("easy_to_understand", "yes", None), ("less_likely", "yes", None), ("life_better", "no", None),
    ]
    # Stored waiting to be counted; a batch then counts it once at each of the three levels
    # (inspection month, national day and month).
    assert demo_data.get(Response, first.id).counted is False
    assert counts_of_responses(demo_data) is None
    assert count_waiting(demo_data) == 1
    demo_data.expire_all()
    assert demo_data.get(Response, first.id).counted is True
    assert (count(demo_data, Response), counts_of_responses(demo_data)) == (1, 3)
    assert count_waiting(demo_data) == 0  # nothing left: counted once


def test_a_version_stored_in_a_rolled_back_transaction_is_not_remembered(app, demo_data):
    """Remembering an id from a rolled-back transaction would point responses at nothing.

    (PostgreSQL proves it: its sequences do not go back, so the version is stored again under
    another id. SQLite would hand out the same id again.)
    """
    definition = questionnaires.get("young-people")
    demo_data.execute(delete(QuestionnaireVersion))
    demo_data.commit()
    # The application's own sessions (explicit BEGIN on SQLite, so savepoints behave).
    with app.app_context(), app.extensions["database"].session() as session:
        current_version_id(session, definition)  # stores the version, in this transaction
        session.rollback()  # which is undone
        assert count(session, QuestionnaireVersion) == 0
        stored = store_response(session, definition, ANSWERS, submission_key="k-2", channel="kiosk",
                                language="en")
    version_id = demo_data.execute(
        select(Response.questionnaire_version_id).where(Response.id == stored.id)).scalar_one()
    assert demo_data.get(QuestionnaireVersion, version_id).questionnaire.code == "young-people"


def test_a_response_from_a_revoked_device_is_not_stored(app, demo_data):
    definition = questionnaires.get("young-people")
    device = kiosk.enrol(demo_data, "young-people", "Cardiff office", method=CHEAP_PASSWORD_HASH_METHOD).device
    with app.app_context():
        sent = store_response(demo_data, definition, ANSWERS, submission_key="from-tablet", channel="kiosk",
                              language="cy", device_id=device.id)
        assert sent.new
        kiosk.revoke(demo_data, device)
        demo_data.commit()
        with pytest.raises(DeviceRevoked):
            store_response(demo_data, definition, ANSWERS, submission_key="after-revoking", channel="kiosk",
                           language="cy", device_id=device.id)
        # A key already stored is still found: the tablet's retry of an earlier response.
        again = store_response(demo_data, definition, ANSWERS, submission_key="from-tablet", channel="kiosk",
                               language="cy", device_id=device.id)
    assert (again.id, again.new) == (sent.id, False)
    assert demo_data.execute(select(Response.submission_key)).scalars().all() == ["from-tablet"]
    assert count(demo_data, Answer) == len(ANSWERS)


def test_a_response_is_found_by_the_moment_it_was_stored_at(app, demo_data):
    # SQLite keeps times as text and compares them as text: a response stored through the
    # driver must be written exactly as SQLAlchemy writes the times it looks for.
    moment = datetime(2026, 11, 26, 13, 36, 19, 59481, tzinfo=timezone.utc)
    with app.app_context():
        sent = store_response(demo_data, questionnaires.get("young-people"), ANSWERS, submission_key="at-a-moment",
                              channel="kiosk", language="en", now=moment)
    found = demo_data.execute(select(Response.id).where(Response.submitted_at == moment)).scalars().all()
    assert found == [sent.id]
    assert demo_data.execute(select(Response.id).where(Response.submitted_at > moment)).scalars().all() == []
