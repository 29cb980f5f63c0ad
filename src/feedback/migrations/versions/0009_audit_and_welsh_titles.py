"""the audit log, and Welsh titles for thematic inspections

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('title_cy', sa.String(length=400), nullable=True))
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=320), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('subject_type', sa.String(length=60), nullable=True),
        sa.Column('subject_id', sa.String(length=120), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_audit_events_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index(op.f('ix_audit_events_at'), 'audit_events', ['at'], unique=False)
    op.create_index(op.f('ix_audit_events_action'), 'audit_events', ['action'], unique=False)
    op.create_index(op.f('ix_audit_events_staff_user_id'), 'audit_events', ['staff_user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_events_staff_user_id'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_action'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_at'), table_name='audit_events')
    op.drop_table('audit_events')
    with op.batch_alter_table('inspections') as batch:
        batch.drop_column('title_cy')
