"""several campaigns: local campaigns created at run time, and each youth, question and grant's campaign

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIMARY = 'tinh'  # storage.models.PRIMARY_CAMPAIGN when this was written: every existing row is the province's


# Plain ALTER TABLE with server defaults: every existing youth, question and code stays as it was,
# in the province's campaign; no table is copied (answers, corrections and sent-log rows keep their ids).
def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    for table in ('youth', 'question'):
        op.add_column(table, sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                       server_default=PRIMARY))
        op.create_index(op.f(f'ix_{table}_campaign'), table, ['campaign'], unique=False)
    op.add_column('rolegrant', sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('rolegrant', 'campaign')
    for table in ('question', 'youth'):
        op.drop_index(op.f(f'ix_{table}_campaign'), table_name=table)
        op.drop_column(table, 'campaign')
    op.drop_table('campaign')
