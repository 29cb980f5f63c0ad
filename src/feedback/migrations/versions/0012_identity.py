"""staff identity: single sign-on subjects, authenticator apps, security keys, recovery codes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users') as batch:
        batch.add_column(sa.Column('sso_subject', sa.String(length=600), nullable=True))
        batch.create_unique_constraint(op.f('uq_staff_users_sso_subject'), ['sso_subject'])
    op.create_table(
        'staff_authenticator_apps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('secret_encrypted', sa.String(length=400), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_staff_authenticator_apps_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_authenticator_apps')),
        sa.UniqueConstraint('staff_user_id', name=op.f('uq_staff_authenticator_apps_staff_user_id')),
    )
    op.create_table(
        'staff_security_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('credential_id', sa.String(length=1400), nullable=False),
        sa.Column('public_key', sa.Text(), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('transports', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_staff_security_keys_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_security_keys')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_staff_security_keys_credential_id')),
    )
    op.create_index(op.f('ix_staff_security_keys_staff_user_id'), 'staff_security_keys', ['staff_user_id'])
    op.create_table(
        'staff_recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_staff_recovery_codes_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_staff_recovery_codes_code_hash')),
    )
    op.create_index(op.f('ix_staff_recovery_codes_staff_user_id'), 'staff_recovery_codes', ['staff_user_id'])
    op.create_table(
        'staff_sign_in_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('state_hash', sa.String(length=64), nullable=True),
        sa.Column('nonce', sa.String(length=100), nullable=True),
        sa.Column('code_verifier', sa.String(length=200), nullable=True),
        sa.Column('challenge', sa.String(length=200), nullable=True),
        sa.Column('next_path', sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                                name=op.f('fk_staff_sign_in_attempts_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_in_attempts')),
        sa.UniqueConstraint('state_hash', name=op.f('uq_staff_sign_in_attempts_state_hash')),
    )
    op.create_index(op.f('ix_staff_sign_in_attempts_staff_user_id'), 'staff_sign_in_attempts', ['staff_user_id'])


def downgrade() -> None:
    op.drop_table('staff_sign_in_attempts')
    op.drop_table('staff_recovery_codes')
    op.drop_table('staff_security_keys')
    op.drop_table('staff_authenticator_apps')
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_constraint(op.f('uq_staff_users_sso_subject'), type_='unique')
        batch.drop_column('sso_subject')
