"""digests and alerts remember a post whose outcome is unknown

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00.000000

When Slack's reply to chat.postMessage is lost, the message may be in the channel. The claim
is kept as "unconfirmed" and the next run looks for it (by its metadata) before posting again.
digest_posts gains the claim's state and when it was taken; slack_outbox gains its state and
the message's timestamp. Existing rows need nothing: NULL means no attempt in doubt.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('digest_posts') as batch:
        batch.add_column(sa.Column('state', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('slack_outbox') as batch:
        batch.add_column(sa.Column('state', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('message_ts', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('slack_outbox') as batch:
        batch.drop_column('message_ts')
        batch.drop_column('state')
    with op.batch_alter_table('digest_posts') as batch:
        batch.drop_column('claimed_at')
        batch.drop_column('state')
