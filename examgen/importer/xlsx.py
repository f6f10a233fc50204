"""Read question spreadsheets and write a bank as a spreadsheet (the importer's openpyxl part).

The export has one row per question and one column per field (see
:data:`examgen.importer.table.EXPORT_COLUMNS`); key points are one cell, one point per line
written ``text（2分）``, tags one per line. Reading it back with ``examgen bank import``
gives the same bank. The bytes depend only on the bank.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from examgen.errors import BankImportError, SheetError
from examgen.importer.model import SourceDocument, SourceLine, SourceTable
from examgen.importer.table import EXPORT_COLUMNS
from examgen.models import QUESTION_TYPES, Question, format_points
from examgen.sheets import cell_text, read_xlsx_tables, set_text, workbook_bytes

#: The timestamp written into every exported workbook, so the bytes never depend on the clock.
EXPORT_TIMESTAMP = datetime.datetime(2000, 1, 1)
EXPORT_SHEET = "题库"
_WIDTHS = {"编号": 10, "题型": 12, "主题": 14, "难度": 6, "分值": 6, "材料": 50, "问题": 40,
           "答案要点": 60, "解析": 40, "来源": 14, "标签": 14}


def read_xlsx(path: Path, data: bytes) -> SourceDocument:
    """Return every sheet of an .xlsx workbook as a table of cells (``c.xlsx!题库!B5``)."""
    try:
        tables = read_xlsx_tables(path, data)
    except SheetError as error:
        raise BankImportError(problems=error.problems) from None
    result: list[SourceTable] = []
    for name, rows in tables:
        cells_rows = []
        for row in rows:
            cells = []
            for c, value in enumerate(row.cells):
                text = value if isinstance(value, str) else cell_text(value)
                if not text.strip():
                    cells.append(None)
                    continue
                where = row.where_of(c).replace(str(path), path.name, 1)
                cells.append(SourceLine(text, where, row.number))
            cells_rows.append(tuple(cells))
        result.append(SourceTable(name, tuple(cells_rows)))
    return SourceDocument(str(path), path.name, "table", tables=tuple(result))


def export_row(question: Question) -> list[str | int | object]:
    """Return the cells of one question in an exported sheet, in EXPORT_COLUMNS order."""
    key_points = "\n".join(f"{kp.text}（{format_points(kp.points)}分）" for kp in question.key_points)
    points = question.points
    return [
        question.id,
        QUESTION_TYPES.get(question.type, question.type),
        question.topic,
        question.difficulty,
        int(points) if points == points.to_integral_value() else points,
        question.stem,
        question.question,
        key_points,
        question.analysis,
        question.source,
        "\n".join(question.tags),
    ]


def bank_xlsx_bytes(questions: Iterable[Question]) -> bytes:
    """Return a workbook with one row per question, every field a column; same bank, same bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = EXPORT_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, (_, header) in enumerate(EXPORT_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=c)
        set_text(cell, header)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(header, 12)
    for r, question in enumerate(questions, start=2):
        for c, value in enumerate(export_row(question), start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                if value:
                    set_text(cell, value)
            else:
                cell.value = value
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook, timestamp=EXPORT_TIMESTAMP)
