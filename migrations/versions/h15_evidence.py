"""Evidence completeness: when an answer's evidence link was given, and each submitted version's evidence figures

Revision ID: h15_evidence
Revises: g11_session_epoch
Create Date: 2026-11-29 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h15_evidence'
down_revision = 'g11_session_epoch'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_url_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('assessment_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_share', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence_claims', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence_oldest', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assessment_version_evidence_share'), ['evidence_share'], unique=False)
    # A link saved before its date was kept was given no later than its answer's last change.
    op.execute("UPDATE answer SET evidence_url_at = updated_at WHERE evidence_url <> ''")


def downgrade():
    with op.batch_alter_table('assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_version_evidence_share'))
        batch_op.drop_column('evidence_oldest')
        batch_op.drop_column('evidence_claims')
        batch_op.drop_column('evidence_share')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('evidence_url_at')
