"""receipt counters: codes never reissued after a delete; the sent-log indexed by recipient

Revision ID: 0002
Revises: 0001

Until now a receipt code was the question's row id, and SQLite reuses the largest rowid after a
delete. Each prefix's counter starts at the highest number already given out that can still be
known: the largest code among questions and audit lines (which name codes staff touched) and, on
PostgreSQL, the question id sequence (it never goes back, and codes were ids). A code deleted from
the top of a SQLite table before this migration left no trace and cannot be protected.

Keys already stored as a bare SHA-256 (processed-update chat keys, sent-log recipients) are left
as they are: the first expire within two days (housekeeping), the others only name a job that was
sent; /xoa deletes rows under the old key as well as the new keyed one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        'receiptcounter',
        sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('prefix'),
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:  # /xoa and retention find a youth's rows
        batch_op.create_index(batch_op.f('ix_delivery_recipient'), ['recipient'], unique=False)
    seeds = _highest_numbers(op.get_bind())
    if seeds:
        op.bulk_insert(counter, [{"prefix": prefix, "last": last} for prefix, last in sorted(seeds.items())])


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_recipient'))
    op.drop_table('receiptcounter')


def _highest_numbers(connection: sa.Connection) -> dict[str, int]:
    """The highest number given under each prefix, as far as the database still shows it."""
    codes = connection.execute(sa.text("SELECT code FROM question WHERE code IS NOT NULL")).scalars().all()
    codes += connection.execute(
        sa.text("SELECT question_code FROM auditentry WHERE question_code IS NOT NULL")
    ).scalars().all()
    seeds: dict[str, int] = {}
    for code in codes:
        prefix, _, number = str(code).rpartition("-")
        if prefix and number.isdigit():
            seeds[prefix] = max(seeds.get(prefix, 0), int(number))
    if connection.dialect.name == "postgresql" and seeds:
        issued = connection.execute(sa.text(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM question_id_seq"
        )).scalar() or 0
        seeds = {prefix: max(last, int(issued)) for prefix, last in seeds.items()}
    return seeds
