"""collection: invitations' recipients, scheduled sends, email states, tracking; closures; Notify receipts

Revision ID: 0010_i17b
Revises: 0009
Create Date: 2026-12-03 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_i17b'
down_revision = '0009'
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


def downgrade() -> None:
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
