"""publication of answered questions: the youth's consent and a coordinator's approved public text

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: SQLite would copy and drop `question`, which the answer, correction
# and digest rows reference (foreign keys are on), and adding nullable or defaulted columns needs no copy.
def upgrade() -> None:
    # Existing questions were asked before the choice existed: not consented (silence is not consent).
    op.add_column('question', sa.Column('public_ok', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('question', sa.Column('public_ok_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('question', sa.Column('public_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('question', sa.Column('public_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    for column in ('public_at', 'public_text', 'public_ok_at', 'public_ok'):
        op.drop_column('question', column)  # SQLite 3.35+ drops a column in place
