"""Read every row of every table and report where a piece of personal data is still in clear."""

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from storage import Store


def _as_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def where_found(store: Store, needles: list[str]) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every cell that holds one of `needles`."""
    found: set[tuple[str, str, str]] = set()
    async with store.unit() as uow:
        connection = await uow.session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(select(table))).mappings():
                for column, value in row.items():
                    text = _as_text(value) if value is not None else ""
                    found |= {(table.name, column, n) for n in needles if n in text}
    return found
