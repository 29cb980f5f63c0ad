"""collection: invitations' recipients, scheduled sends, email states, tracking; closures; Notify receipts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('invitations') as batch:
        batch.add_column(sa.Column('recipient_name', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('opens_at', STAMP, nullable=True))
        batch.add_column(sa.Column('scheduled_for', STAMP, nullable=True))
        batch.add_column(sa.Column('email_status', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('email_status_at', STAMP, nullable=True))
        batch.add_column(sa.Column('email_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('notify_reference', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('notify_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('emails_sent', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('opened_at', STAMP, nullable=True))
        batch.add_column(sa.Column('started_at', STAMP, nullable=True))
        batch.add_column(sa.Column('closed_at', STAMP, nullable=True))
    op.create_index(op.f('ix_invitations_notify_reference'), 'invitations', ['notify_reference'])
    op.create_index(op.f('ix_invitations_notify_id'), 'invitations', ['notify_id'])
    op.create_index('ix_invitations_inspection_questionnaire', 'invitations',
                    ['inspection_id', 'questionnaire_id'])
    op.create_table(
        'collection_closures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('closed_at', STAMP, nullable=False),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                                name=op.f('fk_collection_closures_inspection_id_inspections')),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'],
                                name=op.f('fk_collection_closures_questionnaire_id_questionnaires')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_closures')),
        sa.UniqueConstraint('inspection_id', 'questionnaire_id',
                            name=op.f('uq_collection_closures_inspection_id')),
    )
    op.create_table(
        'notify_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.String(length=36), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('received_at', STAMP, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_receipts')),
        sa.UniqueConstraint('notification_id', 'status', name=op.f('uq_notify_receipts_notification_id')),
    )


    op.create_table(
        'invitation_counts',
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('invited', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                                name=op.f('fk_invitation_counts_inspection_id_inspections')),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'],
                                name=op.f('fk_invitation_counts_questionnaire_id_questionnaires')),
        sa.PrimaryKeyConstraint('inspection_id', 'questionnaire_id', 'day', name=op.f('pk_invitation_counts')),
    )
    count_existing_invitations()


def count_existing_invitations() -> None:
    """Count the named invitations already made, by the UK day each was made."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(
            "INSERT INTO invitation_counts (inspection_id, questionnaire_id, day, invited, completed) "
            "SELECT inspection_id, questionnaire_id, (created_at AT TIME ZONE 'Europe/London')::date, "
            "count(*), count(used_at) FROM invitations WHERE mode = 'single' AND revoked_at IS NULL "
            "GROUP BY 1, 2, 3"
        )
        return
    from collections import Counter
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    london = ZoneInfo('Europe/London')
    counts: Counter = Counter()
    rows = bind.execute(sa.text(
        "SELECT inspection_id, questionnaire_id, created_at, used_at FROM invitations "
        "WHERE mode = 'single' AND revoked_at IS NULL"))
    for inspection_id, questionnaire_id, created_at, used_at in rows:
        moment = created_at if isinstance(created_at, datetime) else datetime.fromisoformat(str(created_at))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        key = (inspection_id, questionnaire_id, moment.astimezone(london).date())
        counts[key + ('invited',)] += 1
        counts[key + ('completed',)] += 1 if used_at is not None else 0
    keys = {k[:3] for k in counts}
    for key in sorted(keys):
        bind.execute(sa.text(
            "INSERT INTO invitation_counts (inspection_id, questionnaire_id, day, invited, completed) "
            "VALUES (:i, :q, :d, :invited, :completed)"),
            {"i": key[0], "q": key[1], "d": key[2], "invited": counts[key + ('invited',)],
             "completed": counts[key + ('completed',)]})


def downgrade() -> None:
    op.drop_table('invitation_counts')
    op.drop_table('notify_receipts')
    op.drop_table('collection_closures')
    op.drop_index('ix_invitations_inspection_questionnaire', table_name='invitations')
    op.drop_index(op.f('ix_invitations_notify_id'), table_name='invitations')
    op.drop_index(op.f('ix_invitations_notify_reference'), table_name='invitations')
    with op.batch_alter_table('invitations') as batch:
        for column in ('closed_at', 'started_at', 'opened_at', 'emails_sent', 'notify_id',
                       'notify_reference', 'email_error', 'email_status_at', 'email_status',
                       'scheduled_for', 'opens_at', 'recipient_name'):
            batch.drop_column(column)
