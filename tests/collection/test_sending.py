"""Sending written ahead: a delivery receipt that overtakes Notify's answer is not overwritten."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from feedback import audit
from feedback.clock import utcnow
from feedback.invitation_emails import EmailSettings
from feedback.models import Inspection, Invitation
from feedback.operations import invitations_sending as sending
from feedback.operations import receipts
from feedback.operations.recipients import Recipient


class ReceiptFirst:
    """A sender whose email is delivered, and its receipt taken, before Notify's answer arrives."""

    def __init__(self, sessions):
        self.sessions = sessions

    def send_email(self, to, template_id, personalisation, reference):
        with self.sessions() as other:
            assert receipts.record_receipt(other, {"id": "0b0b0b0b-0000-4000-8000-000000000001",
                                                  "reference": reference, "status": "delivered"}, utcnow()) == "applied"
        return "0b0b0b0b-0000-4000-8000-000000000001"

    def find_email(self, reference):
        return None


def test_a_receipt_before_the_answer_keeps_delivered(app, demo_data, database_url):
    db = demo_data
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    settings = EmailSettings("http://localhost", {"en": "t-en", "cy": "t-cy", "both": "t-both"},
                             {"en": "r-en", "cy": "r-cy", "both": "r-both"}, translate=lambda text, language: str(text))
    with app.test_request_context():
        inspection = db.scalars(select(Inspection).where(Inspection.code == "omi2-2011-greater-manchester")).one()
        run = sending.invite_recipients(db, inspection, "post-inspection-evaluation",
                                        [Recipient("Ann", "ann@example.gov.uk", "en")], days=28,
                                        at_publication=False, sender=ReceiptFirst(sessions), settings=settings,
                                        actor=audit.COMMAND_LINE, now=utcnow())
    assert [o.state for o in run.outcomes] == ["sending"]
    db.expire_all()
    [invitation] = db.scalars(select(Invitation)).all()
    assert invitation.email_status == "delivered"
    assert invitation.emails_sent == 1
    engine.dispose()
