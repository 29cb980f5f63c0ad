"""running the year from the staff pages: retired organisations, closed inspections,
staff invitations and programme uploads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'staff_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['invited_by_id'], ['staff_users.id'],
                                name=op.f('fk_staff_invitations_invited_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitations')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invitations_token_hash')),
    )
    op.create_index(op.f('ix_staff_invitations_email'), 'staff_invitations', ['email'], unique=False)
    op.create_table(
        'programme_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_programme_uploads_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_uploads')),
        sa.UniqueConstraint('key', name=op.f('uq_programme_uploads_key')),
    )
    op.create_index(op.f('ix_programme_uploads_created_at'), 'programme_uploads', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_programme_uploads_created_at'), table_name='programme_uploads')
    op.drop_table('programme_uploads')
    op.drop_index(op.f('ix_staff_invitations_email'), table_name='staff_invitations')
    op.drop_table('staff_invitations')
    with op.batch_alter_table('inspections') as batch:
        batch.drop_column('closed_at')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('retired_at')
