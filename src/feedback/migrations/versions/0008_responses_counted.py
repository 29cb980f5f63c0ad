"""responses say whether answer_counts holds them yet

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 10:00:00.000000

A response is stored with counted = false and added to answer_counts shortly afterwards, in a
batch with others (feedback.counting); results add the few not yet counted from the raw
tables. Every response already stored is in answer_counts, so the column arrives true for them
(on PostgreSQL a constant default adds the column without rewriting the table). The default
stays true in the database, so the previous release, which counts each response as it stores
it, can run beside this one during an upgrade: its rows arrive counted, as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

WAITING = 'counted IS false'


def upgrade() -> None:
    with op.batch_alter_table('responses') as batch:
        batch.add_column(sa.Column('counted', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_index('ix_responses_waiting_count', 'responses', ['questionnaire_version_id', 'submitted_at'],
                    unique=False, postgresql_where=sa.text(WAITING), sqlite_where=sa.text('counted IS 0'))


def downgrade() -> None:
    waiting = op.get_bind().execute(sa.text(f'SELECT COUNT(*) FROM responses WHERE {WAITING}')).scalar_one()
    if waiting:
        raise RuntimeError(f'{waiting} responses are not in answer_counts yet: run `feedback counts catch-up` first')
    op.drop_index('ix_responses_waiting_count', table_name='responses')
    with op.batch_alter_table('responses') as batch:
        batch.drop_column('counted')
