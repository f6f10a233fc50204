"""Score sheets for judges: the layout, and writing one workbook per judge.

This is the only grading module that imports openpyxl. Reading never changes a file: it is
read into memory once and openpyxl parses the copy. Writing is deterministic: fixed
workbook properties and zip timestamps, so the same inputs give the same bytes.

A score sheet (one per judge) looks like this::

    1  paper title and 评分表 (merged)
    2            卷别 <form> 评委 <judge> 日期 <date>
    3  hidden marker row: examgen-score-sheet, version, paper, form, judge, kind, mode
    4  note for the judge (merged)
    5  序号 准考证号 姓名 单位 | 第21题 第22题 … | 总分   (anonymised: 序号 密号 | …)
    6                  试题编号 | SA-003 …
    7                      满分 | 5 5 … | 100
    8… one row per contestant, one mark cell per question, a total formula
       then 评委签名 / 日期 lines for the judge to sign the printed sheet

Mark cells are white and open; every other cell is grey and locked. Each mark cell
validates range AND step with a custom rule Excel, WPS and LibreOffice all enforce
(``=OR(G8="缺考",AND(ISNUMBER(G8),G8>=0,G8<=10,MOD(G8*2,1)=0))``): a judge types a mark
or 缺考 for an absent contestant. A contestant the roster marks 缺考 has 缺考 printed.

A follow-up sheet (三评, 仲裁) has the same layout without the total: only the answers
waiting for that mark are open, the others show ``—`` and are locked.

The importer finds the sheet by the marker row, or failing that by the header layout,
never by the sheet's name, so renamed sheets and extra sheets do no harm.
"""


from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from examgen.models import (
    ABSENT_TEXT,
    Contestant,
    ScoredQuestion,
    format_points,
)
from examgen.xlsxio import get_column_letter, set_header, set_text, workbook_bytes

#: The marker that identifies a score sheet, in the first cell of its hidden row.
SHEET_MARKER = "examgen-score-sheet"
SHEET_FORMAT = "1"
SHEET_TITLE = "评分"
#: What a closed cell of a follow-up sheet shows (an answer not waiting for a mark).
CLOSED_CELL = "—"
#: What the judge's signature line starts with; a reader stops at it.
SIGNATURE_LABEL = "评委签名："
KIND_TITLES = {"regular": "评分表", "third": "三评评分表", "arbitration": "仲裁评分表"}

_HEADER_ROW = 5
_FIRST_DATA_ROW = 8


@dataclass(frozen=True)
class SheetRow:
    """One row of a score sheet: the contestant's id (or secret code), name and unit."""

    key: str  # 准考证号, or 密号 on an anonymised sheet
    name: str = ""
    unit: str = ""
    #: The roster marks the contestant 缺考: the row is printed 缺考 and locked.
    absent: bool = False


@dataclass(frozen=True)
class ScoreSheet:
    """What one judge's score sheet shows; :func:`score_sheet_bytes` writes it."""

    paper_id: str
    title: str
    form: str
    judge: str
    date: str
    questions: tuple[ScoredQuestion, ...]
    rows: tuple[SheetRow, ...]
    anonymized: bool = False
    kind: str = "regular"  # a MARK_KINDS value: follow-up sheets are "third" / "arbitration"
    mark_step: Decimal = Decimal("0.5")
    #: Follow-up sheets only: the (row key, question label) cells to be marked; the others
    #: are closed. None opens every cell.
    open_cells: frozenset[tuple[str, str]] | None = None


def mark_rule(cell: str, maximum: Decimal, step: Decimal) -> str:
    """Return the validation formula of a mark cell: 缺考, or a number in 0..maximum in steps.

    ``=OR(G8="缺考",AND(ISNUMBER(G8),G8>=0,G8<=10,MOD(G8*2,1)=0))`` for half points.
    """
    per_point = Decimal(1) / step
    if per_point == per_point.to_integral_value():
        on_step = f"MOD({cell}*{format_points(per_point)},1)=0"
    else:
        on_step = f"MOD({cell},{format_points(step)})=0"
    return (
        f'OR({cell}="{ABSENT_TEXT}",AND(ISNUMBER({cell}),{cell}>=0,'
        f"{cell}<={format_points(maximum)},{on_step}))"
    )


def key_header(anonymized: bool) -> str:
    return "密号" if anonymized else "准考证号"


def _info_columns(anonymized: bool) -> list[tuple[str, int]]:
    """Return the columns left of the marks, with their widths."""
    if anonymized:
        return [("序号", 6), ("密号", 12)]
    return [("序号", 6), ("准考证号", 16), ("姓名", 10), ("单位", 22)]


def score_sheet_bytes(sheet: ScoreSheet, *, timestamp: datetime.datetime) -> bytes:
    """Return the .xlsx bytes of one judge's score sheet."""
    # openpyxl loads only to write sheets: reading them (grading) does without it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from examgen.xlsxio import BOLD, BORDER, CENTER, HEADER_FILL

    closed_fill = PatternFill("solid", fgColor="D9D9D9")
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    open_fill = PatternFill("solid", fgColor="FFFFFF")
    unlocked = Protection(locked=False)
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    info = _info_columns(sheet.anonymized)
    first_q = len(info) + 1
    total_col = first_q + len(sheet.questions)
    # A follow-up sheet (三评/仲裁) holds a few answers; a total of them would mislead.
    with_total = sheet.kind == "regular"
    end_col = total_col if with_total else total_col - 1
    last_col = max(end_col, 8)
    last_letter = get_column_letter(last_col)

    title = f"{sheet.title} {KIND_TITLES.get(sheet.kind, '评分表')}".strip()
    set_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(f"A1:{last_letter}1")
    ws.row_dimensions[1].height = 28

    # The paper is named by its title (row 1); its id is only in the hidden marker row.
    for index, (label, value) in enumerate(
        (("卷别", sheet.form), ("评委", sheet.judge), ("日期", sheet.date)), start=1
    ):
        set_text(ws.cell(2, 1 + 2 * index), label)
        ws.cell(2, 1 + 2 * index).font = BOLD
        set_text(ws.cell(2, 2 + 2 * index), value)

    marker = (
        SHEET_MARKER, SHEET_FORMAT, sheet.paper_id, sheet.form, sheet.judge, sheet.kind,
        "anonymized" if sheet.anonymized else "named", sheet.date,
    )
    for col, value in enumerate(marker, start=1):
        set_text(ws.cell(3, col), value)
    ws.row_dimensions[3].hidden = True

    step = format_points(sheet.mark_step)
    note = (
        f"请在白色格内填写各题得分：0 至该题满分，按 {step} 分给分；考生缺考时填“{ABSENT_TEXT}”。"
        f"灰色格不可改动（表头、{key_header(sheet.anonymized)}等）。"
    )
    if sheet.kind != "regular":
        note += f"只评未标“{CLOSED_CELL}”的格。"
    set_text(ws.cell(4, 1), note)
    ws.cell(4, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(f"A4:{last_letter}4")
    ws.row_dimensions[4].height = 30

    header, ids, maxima = _HEADER_ROW, _HEADER_ROW + 1, _HEADER_ROW + 2
    for col, (label, width) in enumerate(info, start=1):
        set_text(ws.cell(header, col), label)
        ws.column_dimensions[get_column_letter(col)].width = width
    set_text(ws.cell(ids, first_q - 1), "试题编号")
    set_text(ws.cell(maxima, first_q - 1), "满分")
    for offset, question in enumerate(sheet.questions):
        col = first_q + offset
        set_text(ws.cell(header, col), question.shown_label)
        set_text(ws.cell(ids, col), question.id)
        ws.cell(maxima, col).value = question.points
        ws.column_dimensions[get_column_letter(col)].width = 9
    if with_total:
        set_text(ws.cell(header, total_col), "总分")
        ws.cell(maxima, total_col).value = sum((q.points for q in sheet.questions), Decimal(0))
        ws.column_dimensions[get_column_letter(total_col)].width = 9
    for row in (header, ids, maxima):
        for col in range(1, end_col + 1):
            cell = ws.cell(row, col)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = CENTER
            cell.border = BORDER

    first_letter = get_column_letter(first_q)
    last_q_letter = get_column_letter(total_col - 1)
    validations = {}
    for offset, question in enumerate(sheet.questions):
        maximum = format_points(question.points)
        col = first_q + offset
        # The rule names the first cell of the range it is given; spreadsheets shift it.
        validation = DataValidation(
            type="custom", formula1=mark_rule(f"{get_column_letter(col)}{_FIRST_DATA_ROW}", question.points, sheet.mark_step),
            allow_blank=True, showErrorMessage=True, showInputMessage=True,
            errorTitle="分数不符合要求",
            error=f"{question.shown_label} 的得分应在 0 至 {maximum} 之间，按 {step} 分给分；缺考填“{ABSENT_TEXT}”。",
            promptTitle=question.shown_label, prompt=f"满分 {maximum} 分，按 {step} 分给分",
        )
        validations[col] = validation

    for index, row in enumerate(sheet.rows):
        r = _FIRST_DATA_ROW + index
        ws.cell(r, 1).value = index + 1
        values = [row.key] if sheet.anonymized else [row.key, row.name, row.unit]
        for col, value in enumerate(values, start=2):
            set_text(ws.cell(r, col), value)
        for col in range(1, first_q):
            ws.cell(r, col).fill = locked_fill
        for offset, question in enumerate(sheet.questions):
            col = first_q + offset
            cell = ws.cell(r, col)
            is_open = sheet.open_cells is None or (row.key, question.label) in sheet.open_cells
            if row.absent:
                set_text(cell, ABSENT_TEXT)
                cell.fill = closed_fill
            elif is_open:
                cell.protection = unlocked
                cell.fill = open_fill
            else:
                set_text(cell, CLOSED_CELL)
                cell.fill = closed_fill
            cell.alignment = Alignment(horizontal="center")
        if with_total:
            total = ws.cell(r, total_col)
            total.value = f'=IF(COUNT({first_letter}{r}:{last_q_letter}{r})=0,"",SUM({first_letter}{r}:{last_q_letter}{r}))'
            total.font = BOLD
            total.fill = locked_fill
        for col in range(1, end_col + 1):
            ws.cell(r, col).border = BORDER

    # The judge signs the printed sheet: the marks are theirs.
    # One cell whose text runs over the empty cells beside it; reading stops at it.
    sign_row = _FIRST_DATA_ROW + len(sheet.rows)
    set_text(ws.cell(sign_row, 1), f"{SIGNATURE_LABEL}＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日")
    ws.cell(sign_row, 1).font = BOLD
    ws.row_dimensions[sign_row].height = 40
    ws.cell(sign_row, 1).alignment = Alignment(vertical="bottom")

    # Whole columns, so that the rule's first cell is the range's first cell; closed cells
    # are locked anyway.
    if sheet.rows:
        last_row = _FIRST_DATA_ROW + len(sheet.rows) - 1
        for col, validation in validations.items():
            letter = get_column_letter(col)
            validation.add(f"{letter}{_FIRST_DATA_ROW}:{letter}{last_row}")
    for validation in validations.values():
        # An empty range (a closed column of a follow-up sheet) would make Excel repair the file.
        if validation.sqref.ranges:
            ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(_FIRST_DATA_ROW, first_q).coordinate
    ws.protection.sheet = True
    # Judges may still resize columns and rows; only content is protected.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{maxima}"
    if any(q.section_type == "interview" and q.key_points for q in sheet.questions):
        _key_points_sheet(workbook.create_sheet(KEY_POINTS_TITLE), sheet)
    return workbook_bytes(workbook, timestamp=timestamp)


#: The sheet of an interview's score workbook that lists each question's key points.
KEY_POINTS_TITLE = "评分要点"


def _key_points_sheet(ws, sheet: ScoreSheet) -> None:
    """Fill the 评分要点 sheet: question, id, each key point and its points, for reference.

    An interview judge marks what is heard against these points; the sheet is read-only
    and the importer never reads it (it looks for the marker row of the 评分 sheet).
    """
    from openpyxl.styles import Alignment, Font

    from examgen.xlsxio import BOLD, BORDER

    set_text(ws.cell(1, 1), f"{sheet.title} 评分要点（{sheet.form}卷）".strip())
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    for col, (label, width) in enumerate((("题号", 9), ("试题编号", 11), ("评分要点", 70), ("分值", 8)), start=1):
        set_header(ws.cell(2, col), label)
        ws.column_dimensions[get_column_letter(col)].width = width
    row = 3
    for question in sheet.questions:
        for number, point in enumerate(question.key_points, start=1):
            set_text(ws.cell(row, 1), question.shown_label if number == 1 else "")
            set_text(ws.cell(row, 2), question.id if number == 1 else "")
            set_text(ws.cell(row, 3), f"（{number}）{point.text.strip()}")
            ws.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="center")
            ws.cell(row, 4).value = point.points
            for col in range(1, 5):
                ws.cell(row, col).border = BORDER
            row += 1
        set_text(ws.cell(row, 3), "本题满分")
        ws.cell(row, 3).font = BOLD
        ws.cell(row, 4).value = question.points
        ws.cell(row, 4).font = BOLD
        for col in range(1, 5):
            ws.cell(row, col).border = BORDER
        row += 1
    ws.freeze_panes = "A3"
    ws.protection.sheet = True


def code_table_bytes(
    contestants: Sequence[Contestant], *, paper_id: str, form: str, date: str,
    timestamp: datetime.datetime,
) -> bytes:
    """Return the .xlsx code table (密号对照表): 密号, 准考证号, 姓名, 单位, sorted by code.

    It is a valid roster, so ``examgen grade --roster`` reads it to map codes back.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from examgen.xlsxio import BOLD, HEADER_FILL

    workbook = Workbook()
    ws = workbook.active
    ws.title = "密号对照表"
    set_text(ws.cell(1, 1), f"密号对照表 试卷 {paper_id} 卷别 {form} 日期 {date}（保密）")
    ws.cell(1, 1).font = Font(bold=True, size=12)
    ws.merge_cells("A1:D1")
    for col, (label, width) in enumerate(
        (("密号", 12), ("准考证号", 16), ("姓名", 10), ("单位", 22)), start=1
    ):
        set_text(ws.cell(2, col), label)
        ws.cell(2, col).font = BOLD
        ws.cell(2, col).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, contestant in enumerate(sorted(contestants, key=lambda c: c.code), start=3):
        for col, value in enumerate(
            (contestant.code, contestant.id, contestant.name, contestant.unit), start=1
        ):
            set_text(ws.cell(r, col), value)
    ws.freeze_panes = "A3"
    return workbook_bytes(workbook, timestamp=timestamp)


