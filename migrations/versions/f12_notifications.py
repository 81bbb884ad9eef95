"""Notifications, and the wizard page each person goes on to next

Revision ID: f12_notifications
Revises: 1472c5da6a1f
Create Date: 2026-11-29 00:28:24.653265

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f12_notifications'
down_revision = '1472c5da6a1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_notification_assessment_id_assessment')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name=op.f('uq_notification_user_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index('ix_notification_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('wizard_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_wizard_place_user_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['assessment_version.id'], name=op.f('fk_wizard_place_version_id_assessment_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wizard_place')),
    sa.UniqueConstraint('user_id', 'version_id', name=op.f('uq_wizard_place_user_id'))
    )
    with op.batch_alter_table('wizard_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wizard_place_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('wizard_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wizard_place_version_id'))

    op.drop_table('wizard_place')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_unread')
        batch_op.drop_index(batch_op.f('ix_notification_assessment_id'))

    op.drop_table('notification')
