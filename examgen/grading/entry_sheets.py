"""Answer-entry workbooks (客观题答案录入表): writing them, and reading them back.

For the objective sections of a form, one row per contestant and one column per
question. Two operators each fill their own copy (录入1, 录入2) from the answer sheets;
``examgen grade`` compares the copies cell by cell before scoring
(:func:`examgen.grading.objective.entry_answers`). The layout::

    1  title (merged)
    2  试卷 <paper> 卷别 <form> 录入 <1|2> 日期 <date>
    3  hidden marker row: examgen-entry-sheet, version, paper, form, copy
    4  note for the operator (merged)
    5  序号 准考证号 姓名 单位 | 1 2 3 …        (paper numbers of the questions)
    6                    题型 | 单选 多选 判断 …
    7                    选项 | A–D A–E √/× …
    8… one row per contestant, one answer cell per question

Each answer column validates what is typed: option letters of that question only (any
order for multiple choice), √/×/T/F/对/错 for true/false; blank is no answer. The reader
validates again, since a paste bypasses a spreadsheet's validation.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from examgen.errors import Problem, SheetError, raise_if
from examgen.grading.objective import EntryCell, FilledEntry, VariantKey, normalize_response
from examgen.grading.score_sheets import SheetRow
from examgen.i18n import _, listing
from examgen.inputs import check_zip
from examgen.models import ObjectiveQuestion
from examgen.xlsxio import (
    cell_text,
    file_kind,
    get_column_letter,
    load_workbook_bytes,
    normalize_text,
    read_file_bytes,
    set_text,
    workbook_bytes,
)

ENTRY_MARKER = "examgen-entry-sheet"
ENTRY_FORMAT = "1"
ENTRY_TITLE = "录入"
ENTRY_COPIES = (1, 2)
TYPE_SHORT = {"single_choice": "单选", "multiple_choice": "多选", "true_false": "判断"}
TRUE_FALSE_LIST = "√,×,T,F,对,错"
NOTE = (
    "每格填写考生所选选项的字母（多选题字母顺序不限，如 ACD），判断题填 √ 或 ×（也可填 T/F、对/错），"
    "未作答的留空。两名录入员各自独立录入一份，不要互相复制。"
)
_INFO = (("序号", 6), ("准考证号", 14), ("姓名", 10), ("单位", 16))
#: Forms with variants: the column of the 卷码 printed on each paper, after 单位.
CODE_HEADER = "卷码"
_CODE_INFO = (*_INFO, (CODE_HEADER, 8))
CODE_NOTE = (
    "本卷有多种卷码（{codes}）：先按试卷标封处印的卷码填“卷码”列{prefilled}，"
    "再按试卷上的题号逐题录入（各卷码题序、选项顺序不同，由系统换算）。"
)
#: Longest inline list of a data validation (Excel's limit is 255 characters).
_LIST_LIMIT = 250
_HEADER_ROW = 5
_FIRST_DATA_ROW = 8


@dataclass(frozen=True)
class EntrySheet:
    """What one answer-entry workbook shows; :func:`entry_workbook_bytes` writes it."""

    paper_id: str
    title: str
    form: str
    copy: int
    date: str
    questions: tuple[ObjectiveQuestion, ...]
    rows: tuple[SheetRow, ...]
    #: A form with variants: the valid 卷码, and each row's 卷码 filled in from the
    #: assignment ("" to be typed from the paper). Columns then are the printed numbers.
    codes: tuple[str, ...] = ()
    prefilled: tuple[str, ...] = ()


def entry_file_name(form: str, copy: int) -> str:
    """Return the file name of a form's entry copy: ``entry-A-1.xlsx``."""
    return f"entry-{form}-{copy}.xlsx"


def options_text(question: ObjectiveQuestion) -> str:
    """Return what a column accepts, for its header: ``A–D`` or ``√/×``."""
    if question.type == "true_false":
        return "√/×"
    return f"{question.letters[0]}–{question.letters[-1]}"


def validation_formula(question: ObjectiveQuestion, cell: str) -> str:
    """Return the custom validation formula of a choice column, relative to its first ``cell``.

    Removing each option letter must leave nothing (so only the question's letters pass,
    in any order); single choice also needs exactly one letter.
    """
    stripped = f"UPPER({cell})"
    for letter in question.letters:
        stripped = f'SUBSTITUTE({stripped},"{letter}","")'
    only_letters = f"LEN({stripped})=0"
    if question.type == "single_choice":
        return f"AND(LEN({cell})=1,{only_letters})"
    return only_letters


def entry_workbook_bytes(sheet: EntrySheet, *, timestamp: datetime.datetime) -> bytes:
    """Return the .xlsx bytes of one answer-entry workbook."""
    # openpyxl loads only to write workbooks: grading examgen's score sheets does without it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from examgen.xlsxio import BOLD, BORDER, CENTER, HEADER_FILL

    unlocked = Protection(locked=False)
    workbook = Workbook()
    ws = workbook.active
    ws.title = ENTRY_TITLE
    info = _CODE_INFO if sheet.codes else _INFO
    first_q = len(info) + 1
    last_col = max(first_q + len(sheet.questions) - 1, 8)
    last_letter = get_column_letter(last_col)

    set_text(ws.cell(1, 1), f"{sheet.title} 客观题答案录入表（录入{sheet.copy}）")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(f"A1:{last_letter}1")
    for index, (label, value) in enumerate(
        (("试卷", sheet.paper_id), ("卷别", sheet.form), ("录入", str(sheet.copy)), ("日期", sheet.date))
    ):
        set_text(ws.cell(2, 1 + 2 * index), label)
        ws.cell(2, 1 + 2 * index).font = BOLD
        set_text(ws.cell(2, 2 + 2 * index), value)
    marker = (ENTRY_MARKER, ENTRY_FORMAT, sheet.paper_id, sheet.form, str(sheet.copy), sheet.date)
    for col, value in enumerate(marker, start=1):
        set_text(ws.cell(3, col), value)
    ws.row_dimensions[3].hidden = True
    note = NOTE
    if sheet.codes:
        prefilled = "（已按卷码分配表预填，请逐份与试卷核对，不一致的以试卷为准改正）" if any(sheet.prefilled) else ""
        note = CODE_NOTE.format(codes=_codes_text(sheet.codes), prefilled=prefilled) + NOTE
    set_text(ws.cell(4, 1), note)
    ws.cell(4, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A4:{last_letter}4")
    ws.row_dimensions[4].height = 48 if sheet.codes else 32

    for col, (label, width) in enumerate(info, start=1):
        set_text(ws.cell(_HEADER_ROW, col), label)
        ws.column_dimensions[get_column_letter(col)].width = width
    set_text(ws.cell(_HEADER_ROW + 1, len(info)), "题型")
    set_text(ws.cell(_HEADER_ROW + 2, len(info)), "选项")
    last_row = _FIRST_DATA_ROW + max(len(sheet.rows), 1) - 1
    if sheet.codes:
        _add_code_validation(workbook, ws, sheet.codes, f"E{_FIRST_DATA_ROW}:E{last_row}")
    for offset, question in enumerate(sheet.questions):
        col = first_q + offset
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 6
        set_text(ws.cell(_HEADER_ROW, col), str(question.number))
        set_text(ws.cell(_HEADER_ROW + 1, col), TYPE_SHORT.get(question.type, question.type))
        set_text(ws.cell(_HEADER_ROW + 2, col), options_text(question))
        first_cell = f"{letter}{_FIRST_DATA_ROW}"
        if question.type == "true_false":
            validation = DataValidation(type="list", formula1=f'"{TRUE_FALSE_LIST}"', allow_blank=True)
        else:
            validation = DataValidation(
                type="custom", formula1=validation_formula(question, first_cell), allow_blank=True
            )
        validation.errorStyle = "stop"
        validation.showErrorMessage = True
        validation.errorTitle = "不是本题的选项"
        validation.error = f"第{question.number}题只能填写 {options_text(question)}，未作答留空。"
        validation.add(f"{first_cell}:{letter}{last_row}")
        ws.add_data_validation(validation)
    for row in range(_HEADER_ROW, _HEADER_ROW + 3):
        for col in range(1, first_q + len(sheet.questions)):
            cell = ws.cell(row, col)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = CENTER
            cell.border = BORDER
    for index, entry in enumerate(sheet.rows, start=1):
        row = _FIRST_DATA_ROW + index - 1
        ws.cell(row, 1).value = index
        set_text(ws.cell(row, 2), entry.key)
        set_text(ws.cell(row, 3), entry.name)
        set_text(ws.cell(row, 4), entry.unit)
        if sheet.codes:
            set_text(ws.cell(row, 5), sheet.prefilled[index - 1] if sheet.prefilled else "")
        for col in range(1, first_q + len(sheet.questions)):
            cell = ws.cell(row, col)
            cell.border = BORDER
            if col >= first_q or (sheet.codes and col == first_q - 1):
                cell.number_format = "@"  # T, F and letters stay text
                cell.alignment = CENTER
                cell.protection = unlocked
    ws.freeze_panes = ws.cell(_FIRST_DATA_ROW, first_q)
    ws.protection.sheet = True  # headers locked, answer cells open; no password
    return workbook_bytes(workbook, timestamp=timestamp)


def _codes_text(codes: tuple[str, ...]) -> str:
    return "、".join(codes) if len(codes) <= 6 else f"{codes[0]}～{codes[-1]}"


def _add_code_validation(workbook, ws, codes: tuple[str, ...], cells: str) -> None:
    """Let the 卷码 cells accept only the form's codes: a drop-down list, kept on a hidden sheet when long."""
    inline = ",".join(codes)
    if len(inline) <= _LIST_LIMIT:
        formula = f'"{inline}"'
    else:
        listing = workbook.create_sheet("卷码表")
        for row, code in enumerate(codes, start=1):
            set_text(listing.cell(row, 1), code)
        listing.sheet_state = "hidden"
        formula = f"'卷码表'!$A$1:$A${len(codes)}"
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.errorStyle = "stop"
    validation.showErrorMessage = True
    validation.errorTitle = "不是本卷的卷码"
    validation.error = f"卷码只能是 {_codes_text(codes)}，按试卷标封处印的卷码填写。"
    validation.add(cells)
    ws.add_data_validation(validation)


def is_entry_workbook(path: Path) -> bool:
    """Return whether ``path`` is an answer-entry workbook (by its marker, not its name)."""
    try:
        data = read_file_bytes(path)
    except SheetError:
        return False
    if not _may_hold_marker(data):
        return False
    try:
        # Read only as far as row 3 of each sheet: a judge's sheet of 2,000 rows is not loaded.
        book = load_workbook_bytes(path, data, data_only=True, read_only=True)
    except SheetError:
        return False
    try:
        return any(cell_text(ws.cell(3, 1).value) == ENTRY_MARKER for ws in book.worksheets)
    except Exception:  # a damaged sheet part: not an entry workbook; its reader says what is wrong
        return False
    finally:
        book.close()


def _may_hold_marker(data: bytes) -> bool:
    """Return False when no part of the .xlsx ``data`` holds the entry marker's text.

    A cheap first look (no openpyxl): a score sheet or a judge's own workbook is no entry
    workbook. True when in doubt (not an .xlsx, a damaged or oversized zip): openpyxl decides.
    """
    if file_kind(data) != "xlsx":
        return True
    marker = ENTRY_MARKER.encode()
    try:
        check_zip(Path("-"), data, SheetError)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(
                marker in archive.read(info) for info in archive.infolist() if info.filename.lower().endswith(".xml")
            )
    except Exception:  # any damage: let the full reading say what it is
        return True


def entry_paper_id(path: Path) -> str:
    """Return the paper id an answer-entry workbook names ("" when it is none)."""
    book = load_workbook_bytes(path, read_file_bytes(path), data_only=True)
    for ws in book.worksheets:
        if cell_text(ws.cell(3, 1).value) == ENTRY_MARKER:
            return cell_text(ws.cell(3, 3).value)
    return ""


def read_entry_workbook(
    path: Path,
    forms: dict[str, tuple[ObjectiveQuestion, ...]],
    *,
    paper_id: str,
    variants: Mapping[str, Mapping[str, VariantKey]] | None = None,
) -> FilledEntry:
    """Return the answers typed into one entry workbook; raise SheetError listing every problem.

    ``forms`` maps each form letter to its objective questions (from the manifest);
    ``variants`` each form with variants to its 卷码. A row's answers are then checked
    against the questions its 卷码 printed, and kept as typed (printed labels and letters).
    """
    book = load_workbook_bytes(path, read_file_bytes(path), data_only=True)
    sheets = [ws for ws in book.worksheets if cell_text(ws.cell(3, 1).value) == ENTRY_MARKER]
    if len(sheets) != 1:
        raise SheetError(
            _("no answer-entry sheet found (its hidden row 3 starts with `examgen-entry-sheet`)")
            if not sheets else _("several answer-entry sheets in one workbook"),
            where=str(path),
            hint=_("return the workbook made by `examgen sheets --entry`, header rows kept"),
        )
    ws = sheets[0]
    marker = [cell_text(ws.cell(3, c).value) for c in range(1, 7)]
    sheet_paper, form, copy_text = marker[2], marker[3], marker[4]
    here = f"{path}!{ws.title}"
    if sheet_paper != paper_id:
        raise SheetError(
            _("the entry workbook is for paper '{sheet_paper}', the manifest for '{paper_id}'").format(
                sheet_paper=sheet_paper, paper_id=paper_id),
            where=here, hint=_("give the entry workbooks of this paper"),
        )
    if form not in forms:
        raise SheetError(
            _("the entry workbook is for form {form}, which the manifest does not have").format(form=repr(form)),
            where=here, hint=_("forms: {forms}").format(forms=listing(forms)),
        )
    if copy_text not in ("1", "2"):
        raise SheetError(_("copy {copy} is not “录入1” or “录入2”").format(copy=repr(copy_text)), where=f"{here}!E3")
    questions = forms[form]
    problems: list[Problem] = []
    keys = (variants or {}).get(form, {})
    has_codes = cell_text(ws.cell(_HEADER_ROW, len(_CODE_INFO)).value).strip() == CODE_HEADER
    if has_codes != bool(keys):
        raise SheetError(
            _("the paper has variants (“卷码” {codes}) but the workbook has no “卷码” column").format(
                codes=_codes_text(tuple(keys)))
            if keys else _("the workbook has a “卷码” column but the paper has no variants"),
            where=here, hint=_("write the entry workbooks of this manifest again with `examgen sheets --entry`"),
        )
    first_q = len(_CODE_INFO if has_codes else _INFO) + 1

    def where(row: int, col: int) -> str:
        return f"{here}!{get_column_letter(col)}{row}"

    for offset, question in enumerate(questions):
        header = cell_text(ws.cell(_HEADER_ROW, first_q + offset).value)
        if header != str(question.number):
            problems.append(Problem(
                where(_HEADER_ROW, first_q + offset),
                _("column shows question {header}, the manifest has {number} here").format(
                    header=header or _("(blank)"), number=question.number),
                _("do not insert, delete or move answer columns"),
            ))
    raise_if(problems, SheetError)

    cells: list[EntryCell] = []
    rows: list[tuple[str, str]] = []
    codes: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {}
    # Only rows that hold something: a stray cell at row 1,048,576 must not cost a million.
    used_rows = sorted({r for (r, _), cell in ws._cells.items() if cell.value is not None})
    for row in (r for r in used_rows if r >= _FIRST_DATA_ROW):
        key = cell_text(ws.cell(row, 2).value).strip()
        typed = [cell_text(ws.cell(row, first_q + i).value) for i in range(len(questions))]
        if not key:
            if any(t.strip() for t in typed):
                problems.append(Problem(where(row, 2), _("answers without a “准考证号”"), _("fill in the “准考证号”")))
            continue
        if key in seen:
            problems.append(Problem(
                where(row, 2), _("“准考证号” {key} has a second row (first at {first})").format(key=key, first=seen[key])))
            continue
        seen[key] = where(row, 2)
        rows.append((key, where(row, 2)))
        printed = questions
        if has_codes:
            code = normalize_text(cell_text(ws.cell(row, first_q - 1).value)).strip().upper()
            codes.append((key, code, where(row, first_q - 1)))
            if code in keys:
                printed = keys[code].questions
            elif code or any(t.strip() for t in typed):
                problems.append(Problem(
                    where(row, first_q - 1),
                    (_("“准考证号” {key}: “卷码” {code} is not a variant of form {form} ({codes})") if code
                     else _("“准考证号” {key}: “卷码” is blank ({codes})")).format(
                        key=key, code=repr(code), form=form, codes=_codes_text(tuple(keys))),
                    _("type the “卷码” printed beside the “准考证号” on the contestant's paper"),
                ))
                continue
        for offset, (question, text) in enumerate(zip(printed, typed, strict=True)):
            answer, problem = normalize_response(text, question)
            at = where(row, first_q + offset)
            if problem:
                problems.append(Problem(at, _("“准考证号” {key}: {problem}").format(key=key, problem=problem)))
                continue
            cells.append(EntryCell(key, question.question.label, answer, text.strip(), at))
    raise_if(problems, SheetError)
    return FilledEntry(str(path), sheet_paper, form, int(copy_text), tuple(cells), tuple(rows), tuple(codes))
