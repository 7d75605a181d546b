"""files kept for staff whose channel cannot carry them, served by a signed link until they expire

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_file',
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('mime_type', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_file_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_file_expires_at'))
    op.drop_table('staff_file')
