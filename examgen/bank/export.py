"""Write a bank as a spreadsheet: one row per question, one column per field.

The columns are :data:`examgen.bank.importer.table.EXPORT_COLUMNS`; key points are one
cell, one point per line written ``text（2分）``, tags one per line. Reading the workbook
back with ``examgen bank import`` gives the same bank. The bytes depend only on the bank.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from examgen.bank.importer.table import EXPORT_COLUMNS
from examgen.bank.load import load_bank
from examgen.models import OPTION_LETTERS, QUESTION_TYPES, TRUE_FALSE_MARKS, Question, format_points
from examgen.outputs import refuse_existing, write_outputs
from examgen.xlsxio import set_text, workbook_bytes

#: The timestamp written into every exported workbook, so the bytes never depend on the clock.
EXPORT_TIMESTAMP = datetime.datetime(2000, 1, 1)
EXPORT_SHEET = "题库"
_WIDTHS = {"编号": 10, "题型": 12, "主题": 14, "难度": 6, "分值": 6, "材料": 50, "问题": 40,
           "答案要点": 60, "解析": 40, "来源": 14, "标签": 14,
           "选项": 40, "答案": 8}



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
        "\n".join(f"{OPTION_LETTERS[i]}．{text}" for i, text in enumerate(question.options)),
        TRUE_FALSE_MARKS.get(question.answer, question.answer),
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


def export_bank_xlsx(source: Path | Sequence[Path], target: Path, *, force: bool = False) -> int:
    """Write the bank (a folder of bank files, or the files given) to ``target`` as .xlsx.

    Return the number of questions written. Refuse to overwrite ``target`` without ``force``.
    """
    refuse_existing([target], force=force)
    bank = load_bank(source if isinstance(source, Path) else list(source))
    write_outputs([(target, bank_xlsx_bytes(bank.questions))], force=force,
                  inputs=[Path(f) for f in bank.files])
    return len(bank.questions)
