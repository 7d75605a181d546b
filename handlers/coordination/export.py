"""The .xlsx a provincial office forwards: one sheet per answering department."""

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers import texts as youth_texts
from handlers.coordination import texts
from handlers.coordination.routing import routes
from handlers.coordination.sheets import sheet_title
from handlers.settings import Department, Settings
from storage import Question
from storage.clock import from_db

_WIDTHS = (6, 14, 24, 20, 80, 18, 30, 18, 17)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters openpyxl refuses


@dataclass(frozen=True)
class QuestionRow:
    """A question flattened for the digest text and the spreadsheet."""

    code: str
    unit: str
    asker: str
    text: str
    topic: str
    departments: tuple[str, ...]
    department_names: str
    status: str
    time: str
    late: bool
    needs_review: bool


def rows_for(settings: Settings, questions: Sequence[Question]) -> list[QuestionRow]:
    """Rows in question order, routed by each question's current topic."""
    routing = routes(settings)
    zone = settings.campaign.zone
    units = {u.code: u.name for u in settings.units}
    topics = {t.id: t.short for t in settings.topics}
    names = {d.code: d.name for d in settings.departments}
    rows = []
    for q in questions:
        topic = q.topic or "khac"
        departments = routing.get(topic, routing["khac"])
        status = youth_texts.STATUS.get(q.status, q.status) + (texts.XLSX_LATE if q.late else "")
        rows.append(QuestionRow(
            code=q.code or "", unit=units.get(q.unit_code or "", q.unit_code or ""),
            asker=q.asker_name or texts.XLSX_ANONYMOUS, text=q.text_raw, topic=topics.get(topic, topic),
            departments=departments, department_names=", ".join(names.get(d, d) for d in departments),
            status=status, time=from_db(q.created_at).astimezone(zone).strftime("%d/%m/%Y %H:%M"),
            late=q.late, needs_review=q.needs_review,
        ))
    return rows


def build_workbook(departments: Sequence[Department], rows: Sequence[QuestionRow]) -> bytes:
    """The .xlsx bytes: a sheet per department with the rows routed to it, numbered from 1."""
    from openpyxl import Workbook  # imported on use: staff only, kept out of the bot's resident memory
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for department, routed in zip(departments, _routed(departments, rows)):
        sheet = book.create_sheet(sheet_title(department.name, taken))
        for column, width in zip("ABCDEFGHI", _WIDTHS):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in texts.XLSX_COLUMNS:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for number, (values, plain) in enumerate(routed, 1):
            sheet.append((number, *values) if plain else _as_strings(sheet, (number, *values)))
    if not departments:
        book.create_sheet("Sheet")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_Routed = tuple[tuple[object, ...], bool]  # a row's cells after STT; whether its name and text are safe as plain str


def _routed(departments: Sequence[Department], rows: Sequence[QuestionRow]) -> list[list[_Routed]]:
    """Each department's rows as cell values; a row routed to several departments is converted once."""
    sheets: dict[str, list[_Routed]] = {d.code: [] for d in departments}
    for row in rows:
        asker, text = _ILLEGAL.sub(" ", row.asker), _ILLEGAL.sub(" ", row.text)
        values = (row.code, row.unit, asker, text, row.topic, row.department_names, row.status, row.time)
        routed = (values, not (asker.startswith("=") or text.startswith("=")))
        for code in row.departments:
            if code in sheets:
                sheets[code].append(routed)
    return [sheets[d.code] for d in departments]


def _as_strings(sheet: object, values: tuple[object, ...]) -> list[object]:
    """Youth text starting with '=' as a string cell: openpyxl would otherwise write it as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
            cell.data_type = "s"
            value = cell
        cells.append(value)
    return cells
