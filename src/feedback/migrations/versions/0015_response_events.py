"""response events: storing a response notes it, for what acts on it later (alerts)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'response_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE',
                                name=op.f('fk_response_events_response_id_responses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_events')),
    )


def downgrade() -> None:
    op.drop_table('response_events')
