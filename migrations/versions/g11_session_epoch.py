"""A session epoch per person, so the server can end all of a person's sessions

Revision ID: g11_session_epoch
Revises: f12_notifications
Create Date: 2026-11-29 04:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g11_session_epoch'
down_revision = 'f12_notifications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
