"""Evidence files and cached board packs in the database, so every app host shares them

Revision ID: h11_storage
Revises: h15_evidence
Create Date: 2026-11-29 04:20:00

Files already in the old local folder are moved in by ``flask import-evidence-folder`` (or on
their first download); the migration cannot know which host's disk holds them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h11_storage'
down_revision = 'h15_evidence'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_file',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('media_type', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_file')),
    )
    op.create_table(
        'cached_board_pack',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_cached_board_pack')),
    )
    with op.batch_alter_table('cached_board_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cached_board_pack_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cached_board_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cached_board_pack_created_at'))
    op.drop_table('cached_board_pack')
    op.drop_table('stored_file')
