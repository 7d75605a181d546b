"""digest marks per question instead of a last-id watermark

Each coordinator's digest used to move a mark to the highest question id it read, so on PostgreSQL
a question whose transaction committed after a later id was skipped by every digest. Now a row per
(coordinator pseudonym, question) records what each coordinator has received; a digest brings the
questions in scope without a row. The old marks name coordinators by address and are dropped: the
first digest after the upgrade brings each coordinator everything in their scope once.

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table('digestmark')
    op.create_table('digestedquestion',
    sa.Column('coordinator', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('digested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coordinator', 'question_id')
    )
    with op.batch_alter_table('digestedquestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digestedquestion_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('digestedquestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digestedquestion_question_id'))
    op.drop_table('digestedquestion')
    op.create_table('digestmark',
    sa.Column('coordinator', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('last_question_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('coordinator')
    )
