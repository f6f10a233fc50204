"""Excel workbooks of grading: score sheets for judges, reading them back, and results.xlsx.

This is the only grading module that imports openpyxl. Reading never changes a file: it is
read into memory once and openpyxl parses the copy. Writing is deterministic: fixed
workbook properties and zip timestamps, so the same inputs give the same bytes.

A score sheet (one per judge) looks like this::

    1  title (merged)
    2  试卷 <paper> 卷别 <form> 评委 <judge> 日期 <date>
    3  hidden marker row: examgen-score-sheet, version, paper, form, judge, kind, mode
    4  note for the judge (merged)
    5  序号 准考证号 姓名 单位 | 一.1 一.2 … | 总分       (anonymised: 序号 密号 | …)
    6                  试题编号 | SA-003 …
    7                      满分 | 5 5 … | 100
    8… one row per contestant, one mark cell per question, a total formula

A follow-up sheet (三评, 仲裁) has the same layout without the total: only the answers
waiting for that mark are open, the others show ``—`` and are locked.

The importer finds the sheet by the marker row, or failing that by the header layout,
never by the sheet's name, so renamed sheets and extra sheets do no harm.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from examgen.errors import ExamgenError, Problem, SheetError, raise_if
from examgen.models import (
    FLAG_LABELS,
    MARK_KINDS,
    Contestant,
    Mark,
    Results,
    ScoredQuestion,
    Scores,
    TeamResult,
    format_points,
)
from examgen.numbers import is_multiple, to_decimal
from examgen.outputs import restamp_zip

# --- Low-level reading and writing ------------------------------------------------------

#: What an old Excel 97-2003 file (and any OLE2 compound document) starts with.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: A zip timestamp that is the same on every machine (the earliest zip allows).
#: Characters that make Excel treat typed text as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")


def file_kind(data: bytes) -> str:
    """Return ``"xlsx"``, ``"xls"``, ``"ods"``, ``"zip"`` or ``"other"`` for a file's bytes."""
    if data.startswith(_OLE2_MAGIC):
        return "xls"
    if not data.startswith(b"PK"):
        return "other"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return "ods"
    except (zipfile.BadZipFile, OSError, KeyError):
        return "other"
    return "xlsx" if "[Content_Types].xml" in names else "zip"


def read_file_bytes(path: Path, error: type[ExamgenError] = SheetError) -> bytes:
    """Return the bytes of ``path``; raise ``error`` naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", where=str(path)) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", where=str(path)) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", where=str(path)) from None


def not_xlsx_problem(kind: str) -> tuple[str, str]:
    """Return (what, hint) for a file of ``kind`` (see file_kind) that should be .xlsx."""
    if kind == "xls":
        return (
            "is an old Excel 97-2003 workbook (.xls), which examgen cannot read",
            "open it in Excel, WPS or LibreOffice and save it as Excel Workbook (.xlsx)",
        )
    if kind == "ods":
        return (
            "is an OpenDocument spreadsheet (.ods), which examgen cannot read",
            "save it as Excel Workbook (.xlsx)",
        )
    return ("is not an Excel workbook (.xlsx)", "save it as Excel Workbook (.xlsx)")


def _load(path: Path, data: bytes, *, data_only: bool) -> Workbook:
    kind = file_kind(data)
    if kind != "xlsx":
        what, hint = not_xlsx_problem(kind)
        raise SheetError(what, where=str(path), hint=hint)
    try:
        # openpyxl warns about parts it drops when reading (extensions, odd styles); the file
        # is only read, so those warnings tell the user nothing.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise SheetError(
            f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})",
            where=str(path),
            hint="open it in Excel, WPS or LibreOffice and save it again as .xlsx",
        ) from None


def normalize_text(value: str) -> str:
    """Return ``value`` with full-width forms folded (NFKC) and outer whitespace removed."""
    return unicodedata.normalize("NFKC", value).strip()


def cell_text(value: object) -> str:
    """Return a cell value as trimmed text; whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value).strip()


def cell_number(value: object) -> Decimal | None:
    """Return a cell value as a Decimal, accepting numbers stored as text (``"８"``, ``"7.5 "``)."""
    if isinstance(value, str):
        return to_decimal(normalize_text(value))
    return to_decimal(value)


def set_text(cell: Cell, value: str) -> None:
    """Write user-supplied ``value`` into ``cell`` as text, never as a formula."""
    cell.value = value
    # openpyxl turns a string starting with "=" into a formula; force it back to text.
    cell.data_type = "s"
    if value.startswith(_FORMULA_STARTS):
        # Excel keeps the text as text when someone edits the cell later.
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook, *, timestamp: datetime.datetime) -> bytes:
    """Return ``workbook`` as .xlsx bytes that depend only on its content and ``timestamp``."""
    properties = workbook.properties
    properties.created = timestamp
    properties.modified = timestamp
    properties.creator = "examgen"
    properties.lastModifiedBy = "examgen"
    for sheet in workbook.worksheets:
        _print_setup(sheet)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, unlike Workbook.save, does not stamp the current time into the file.
        ExcelWriter(workbook, archive).save()
    return restamp_zip(buffer.getvalue())


def _print_setup(ws) -> None:
    """Print a sheet on A4 landscape, one page wide, unless it was set up already."""
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        return
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def timestamp_of(date: datetime.date) -> datetime.datetime:
    """Return the workbook timestamp used for outputs dated ``date`` (midnight)."""
    return datetime.datetime(date.year, date.month, date.day)


@dataclass(frozen=True)
class TableRow:
    """One row of a table read from a csv or an .xlsx sheet, and where it came from."""

    path: str
    sheet: str  # "" for csv
    number: int  # 1-based row (csv: line)
    cells: tuple[object, ...]

    def where_of(self, column: int) -> str:
        """Return where cell ``column`` (0-based) is: ``file:line`` or ``file!Sheet!B5``."""
        if not self.sheet:
            return f"{self.path}:{self.number}"
        return f"{self.path}!{self.sheet}!{get_column_letter(column + 1)}{self.number}"


def read_xlsx_tables(path: Path, data: bytes) -> list[tuple[str, list[TableRow]]]:
    """Return every sheet of the workbook ``data`` (read from ``path``) as (name, rows)."""
    workbook = _load(path, data, data_only=True)
    tables = []
    for sheet in workbook.worksheets:
        rows = [
            TableRow(str(path), sheet.title, number, tuple(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        tables.append((sheet.title, rows))
    return tables


# --- Writing score sheets ---------------------------------------------------------------

#: The marker that identifies a score sheet, in the first cell of its hidden row.
SHEET_MARKER = "examgen-score-sheet"
SHEET_FORMAT = "1"
SHEET_TITLE = "评分"
#: What a closed cell of a follow-up sheet shows (an answer not waiting for a mark).
CLOSED_CELL = "—"
KIND_TITLES = {"regular": "评分表", "third": "三评评分表", "arbitration": "仲裁评分表"}

_HEADER_ROW = 5
_FIRST_DATA_ROW = 8
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CLOSED_FILL = PatternFill("solid", fgColor="D9D9D9")
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class SheetRow:
    """One row of a score sheet: the contestant's id (or secret code), name and unit."""

    key: str  # 准考证号, or 密号 on an anonymised sheet
    name: str = ""
    unit: str = ""


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


def _key_header(anonymized: bool) -> str:
    return "密号" if anonymized else "准考证号"


def _info_columns(anonymized: bool) -> list[tuple[str, int]]:
    """Return the columns left of the marks, with their widths."""
    if anonymized:
        return [("序号", 6), ("密号", 12)]
    return [("序号", 6), ("准考证号", 16), ("姓名", 10), ("单位", 22)]


def score_sheet_bytes(sheet: ScoreSheet, *, timestamp: datetime.datetime) -> bytes:
    """Return the .xlsx bytes of one judge's score sheet."""
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
    ws.cell(1, 1).alignment = _CENTER
    ws.merge_cells(f"A1:{last_letter}1")
    ws.row_dimensions[1].height = 28

    for index, (label, value) in enumerate(
        (("试卷", sheet.paper_id), ("卷别", sheet.form), ("评委", sheet.judge), ("日期", sheet.date))
    ):
        set_text(ws.cell(2, 1 + 2 * index), label)
        ws.cell(2, 1 + 2 * index).font = _BOLD
        set_text(ws.cell(2, 2 + 2 * index), value)

    marker = (
        SHEET_MARKER, SHEET_FORMAT, sheet.paper_id, sheet.form, sheet.judge, sheet.kind,
        "anonymized" if sheet.anonymized else "named", sheet.date,
    )
    for col, value in enumerate(marker, start=1):
        set_text(ws.cell(3, col), value)
    ws.row_dimensions[3].hidden = True

    step = format_points(sheet.mark_step)
    note = f"请在白色格内填写各题得分：0 至该题满分，按 {step} 分给分；不要改动表头、{_key_header(sheet.anonymized)}和其他格。"
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
        set_text(ws.cell(header, col), question.label)
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
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _CENTER
            cell.border = _BORDER

    first_letter = get_column_letter(first_q)
    last_q_letter = get_column_letter(total_col - 1)
    validations = {}
    for offset, question in enumerate(sheet.questions):
        maximum = format_points(question.points)
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=maximum,
            allow_blank=True, showErrorMessage=True, showInputMessage=True,
            errorTitle="分数超出范围", error=f"{question.label} 的得分应在 0 至 {maximum} 之间（按 {step} 分给分）。",
            promptTitle=question.label, prompt=f"满分 {maximum} 分",
        )
        validations[first_q + offset] = validation

    for index, row in enumerate(sheet.rows):
        r = _FIRST_DATA_ROW + index
        ws.cell(r, 1).value = index + 1
        values = [row.key] if sheet.anonymized else [row.key, row.name, row.unit]
        for col, value in enumerate(values, start=2):
            set_text(ws.cell(r, col), value)
        for offset, question in enumerate(sheet.questions):
            col = first_q + offset
            cell = ws.cell(r, col)
            is_open = sheet.open_cells is None or (row.key, question.label) in sheet.open_cells
            if is_open:
                cell.protection = _UNLOCKED
                if sheet.open_cells is not None:
                    validations[col].add(cell.coordinate)
            else:
                set_text(cell, CLOSED_CELL)
                cell.fill = _CLOSED_FILL
            cell.alignment = Alignment(horizontal="center")
        if with_total:
            total = ws.cell(r, total_col)
            total.value = f'=IF(COUNT({first_letter}{r}:{last_q_letter}{r})=0,"",SUM({first_letter}{r}:{last_q_letter}{r}))'
            total.font = _BOLD
        for col in range(1, end_col + 1):
            ws.cell(r, col).border = _BORDER

    if sheet.open_cells is None and sheet.rows:
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
    return workbook_bytes(workbook, timestamp=timestamp)


def code_table_bytes(
    contestants: Sequence[Contestant], *, paper_id: str, form: str, date: str,
    timestamp: datetime.datetime,
) -> bytes:
    """Return the .xlsx code table (密号对照表): 密号, 准考证号, 姓名, 单位, sorted by code.

    It is a valid roster, so ``examgen grade --roster`` reads it to map codes back.
    """
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
        ws.cell(2, col).font = _BOLD
        ws.cell(2, col).fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, contestant in enumerate(sorted(contestants, key=lambda c: c.code), start=3):
        for col, value in enumerate(
            (contestant.code, contestant.id, contestant.name, contestant.unit), start=1
        ):
            set_text(ws.cell(r, col), value)
    ws.freeze_panes = "A3"
    return workbook_bytes(workbook, timestamp=timestamp)


# --- Reading filled score sheets --------------------------------------------------------

#: Header cells of a score sheet that are not questions.
_NON_QUESTION_HEADERS = {"序号", "准考证号", "密号", "姓名", "单位", "总分", "合计", "备注"}
_KEY_HEADERS = ("准考证号", "密号")
_TOTAL_HEADERS = ("总分", "合计")


@dataclass(frozen=True)
class FilledSheet:
    """What one filled score sheet says: whose marks, for which form, and every mark.

    ``marks`` carry the row key as contestant_id: the secret code on an anonymised sheet.
    """

    path: str
    sheet: str
    paper_id: str  # "" when the sheet has no marker row
    form: str
    judge: str
    kind: str
    anonymized: bool
    rows: tuple[SheetRow, ...]
    #: Where each row's key is, aligned with ``rows``.
    row_cells: tuple[str, ...]
    marks: tuple[Mark, ...]
    #: Empty mark cells: (row key, question label, where).
    missing: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class _Layout:
    sheet_name: str
    header_row: int  # 1-based
    key_col: int  # 1-based
    anonymized: bool
    marker: dict[str, str]
    info: dict[str, str]  # the visible header block: 试卷, 卷别, 评委, 日期


def read_score_sheet(
    path: Path,
    forms: dict[str, tuple[ScoredQuestion, ...]],
    *,
    paper_id: str,
    mark_step: Decimal,
) -> FilledSheet:
    """Return the marks of one filled score sheet; raise SheetError listing every problem.

    ``forms`` maps each form letter of the manifest to its questions. The file is read
    once into memory and never written.
    """
    data = read_file_bytes(path)
    values_book = _load(path, data, data_only=True)
    formulas_book = _load(path, data, data_only=False)
    layout = _find_layout(path, values_book)
    ws = values_book[layout.sheet_name]
    formulas = formulas_book[layout.sheet_name]

    def where(row: int, col: int) -> str:
        return f"{path}!{ws.title}!{get_column_letter(col)}{row}"

    problems: list[Problem] = []
    marker = layout.marker
    sheet_paper = marker.get("paper", "") or layout.info.get("试卷", "")
    if sheet_paper and paper_id and sheet_paper != paper_id:
        problems.append(Problem(
            f"{path}!{ws.title}", f"the sheet is for paper '{sheet_paper}', the manifest for '{paper_id}'",
            "grade each paper with its own manifest",
        ))
    columns = _question_columns(ws, layout)
    form = marker.get("form", "") or layout.info.get("卷别", "")
    form = form.upper().removesuffix("卷")
    if not form:
        form = _guess_form(columns, forms)
    if form not in forms:
        known = ", ".join(sorted(forms))
        problems.append(Problem(
            f"{path}!{ws.title}", f"form '{form or '?'}' is not in the manifest (forms: {known})",
            "use a score sheet made by `examgen sheets` for this paper",
        ))
        raise_if(problems, SheetError)
    problems.extend(_check_questions(path, ws, layout, columns, forms[form], form))
    raise_if(problems, SheetError)

    judge = marker.get("judge", "") or layout.info.get("评委", "")
    if not judge:
        problems.append(Problem(
            where(2, 6), "the sheet names no judge (评委)", "type the judge's name next to 评委",
        ))
    kind = marker.get("kind", "regular") or "regular"
    if kind not in MARK_KINDS:
        problems.append(Problem(
            where(3, 6), f"unknown kind of sheet '{kind}'", "use a sheet made by `examgen sheets`",
        ))
    questions = {q.label: q for q in forms[form]}
    rows: list[SheetRow] = []
    row_cells: list[str] = []
    marks: list[Mark] = []
    missing: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {}
    key_label = _key_header(layout.anonymized)
    name_col = None if layout.anonymized else layout.key_col + 1
    unit_col = None if layout.anonymized else layout.key_col + 2

    for r in range(layout.header_row + 3, ws.max_row + 1):
        key = normalize_text(cell_text(ws.cell(r, layout.key_col).value))
        cells = {label: (col, ws.cell(r, col).value) for col, label in columns}
        filled = {label: v for label, (_, v) in cells.items() if cell_text(v) not in ("", CLOSED_CELL)}
        if not key:
            if filled:
                problems.append(Problem(
                    where(r, layout.key_col), f"row {r} has marks but no {key_label}",
                    f"fill in the {key_label} or clear the row",
                ))
            continue
        if key in seen:
            problems.append(Problem(
                where(r, layout.key_col),
                f"{key_label} {key} appears twice on this sheet (first at {seen[key]})",
                "keep one row per contestant",
            ))
            continue
        seen[key] = where(r, layout.key_col)
        name = cell_text(ws.cell(r, name_col).value) if name_col else ""
        unit = cell_text(ws.cell(r, unit_col).value) if unit_col else ""
        rows.append(SheetRow(key, name, unit))
        row_cells.append(where(r, layout.key_col))
        for label, (col, value) in cells.items():
            formula = formulas.cell(r, col)
            if value is None and (formula.data_type == "f" or str(formula.value or "").startswith("=")):
                problems.append(Problem(
                    where(r, col),
                    f"has the formula {getattr(formula.value, 'text', formula.value)} but no saved value",
                    "open the file in Excel, WPS or LibreOffice so it calculates, save it, "
                    "or type the mark as a number",
                ))
                continue
            text = cell_text(value)
            if text == "":
                missing.append((key, label, where(r, col)))
                continue
            if kind != "regular" and text == CLOSED_CELL:
                continue  # an answer this follow-up sheet does not ask for
            number, problem = _parse_mark(value, questions[label], mark_step, f"{label}, {key_label} {key}")
            if problem:
                problems.append(Problem(where(r, col), *problem))
            else:
                marks.append(Mark(key, label, judge, number, kind, where(r, col)))
    if not rows and not problems:
        problems.append(Problem(
            f"{path}!{ws.title}", f"the sheet has no rows with a {key_label}",
            "use the score sheet made by `examgen sheets`",
        ))
    raise_if(problems, SheetError)
    return FilledSheet(
        path=str(path), sheet=ws.title, paper_id=sheet_paper, form=form, judge=judge,
        kind=kind, anonymized=layout.anonymized, rows=tuple(rows), row_cells=tuple(row_cells),
        marks=tuple(marks), missing=tuple(missing),
    )


def _parse_mark(
    value: object, question: ScoredQuestion, step: Decimal, about: str
) -> tuple[Decimal, tuple[str, str] | None]:
    """Return (mark, None), or (0, (what, hint)) when ``value`` is no valid mark for ``question``."""
    maximum = format_points(question.points)
    fix = f"type a mark from 0 to {maximum} in steps of {format_points(step)}"
    number = cell_number(value)
    if number is None:
        return Decimal(0), (f"'{cell_text(value)}' is not a number ({about})", fix)
    shown = format_points(number)
    if number < 0:
        return Decimal(0), (f"mark {shown} is negative ({about})", fix)
    if number > question.points:
        label, _, rest = about.partition(", ")
        return Decimal(0), (f"mark {shown} is above the maximum {maximum} of {label} ({rest})", fix)
    if not is_multiple(number, step):
        return Decimal(0), (f"mark {shown} is not a multiple of {format_points(step)} ({about})", fix)
    return _plain(number), None


def sheet_paper_id(path: Path) -> str:
    """Return the paper id a score sheet names ("" when it names none)."""
    layout = _find_layout(path, _load(path, read_file_bytes(path), data_only=True))
    return layout.marker.get("paper", "") or layout.info.get("试卷", "")


def _plain(number: Decimal) -> Decimal:
    """Return ``number`` without trailing zeros or exponent: 8, 7.5 (not 8.0, 7.50, 1E+1)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _find_layout(path: Path, workbook: Workbook) -> _Layout:
    """Return the layout of the score sheet in ``workbook``, found by content, not by name."""
    found: list[_Layout] = []
    for ws in workbook.worksheets:
        layout = _sheet_layout(ws)
        if layout is not None:
            found.append(layout)
    if not found:
        raise SheetError(
            "no score sheet found (no sheet has the examgen header with 准考证号 or 密号 and "
            "question numbers)",
            where=str(path),
            hint="return the workbook made by `examgen sheets`, with its header rows kept",
        )
    with_marker = [f for f in found if f.marker]
    if len(with_marker) == 1:
        return with_marker[0]
    if len(found) > 1:
        names = ", ".join(f.sheet_name for f in found)
        raise SheetError(
            f"several sheets look like score sheets: {names}",
            where=str(path), hint="keep only one score sheet in the workbook",
        )
    return found[0]


def _sheet_layout(ws: Worksheet) -> _Layout | None:
    marker: dict[str, str] = {}
    info: dict[str, str] = {}
    max_row = min(ws.max_row, 40)
    max_col = min(ws.max_column, 60)
    for r in range(1, max_row + 1):
        first = cell_text(ws.cell(r, 1).value)
        if first == SHEET_MARKER:
            values = [cell_text(ws.cell(r, c).value) for c in range(2, 9)]
            marker = dict(zip(("format", "paper", "form", "judge", "kind", "mode", "date"), values, strict=True))
            continue
        for c in range(1, max_col + 1):
            text = normalize_text(cell_text(ws.cell(r, c).value))
            if text in ("试卷", "卷别", "评委", "日期") and text not in info:
                info[text] = normalize_text(cell_text(ws.cell(r, c + 1).value))
            if text in _KEY_HEADERS:
                # A key header with the 满分 row two rows below: the score sheet's header.
                maxima = [normalize_text(cell_text(ws.cell(r + 2, k).value)) for k in range(1, max_col + 1)]
                if "满分" in maxima:
                    return _Layout(ws.title, r, c, text == "密号", marker, info)
    return None


def _question_columns(ws: Worksheet, layout: _Layout) -> list[tuple[int, str]]:
    """Return (column, label) of every question column of the header row.

    Questions stand between the contestant columns and 总分; columns a judge added after
    the total (notes, a signature) are not questions.
    """
    columns = []
    for c in range(layout.key_col + 1, ws.max_column + 1):
        label = normalize_text(cell_text(ws.cell(layout.header_row, c).value))
        if label in _TOTAL_HEADERS:
            break
        if label and label not in _NON_QUESTION_HEADERS:
            columns.append((c, label))
    return columns


def _guess_form(columns: list[tuple[int, str]], forms: dict[str, tuple[ScoredQuestion, ...]]) -> str:
    labels = [label for _, label in columns]
    matching = [f for f, qs in sorted(forms.items()) if [q.label for q in qs] == labels]
    return matching[0] if len(matching) == 1 else (next(iter(forms)) if len(forms) == 1 else "")


def _check_questions(
    path: Path, ws: Worksheet, layout: _Layout, columns: list[tuple[int, str]],
    questions: tuple[ScoredQuestion, ...], form: str,
) -> list[Problem]:
    """Return the ways the sheet's question columns differ from the manifest's form."""
    problems: list[Problem] = []
    by_label = {q.label: q for q in questions}
    hint = "use the score sheet made by `examgen sheets` for this paper and form"
    seen: dict[str, int] = {}
    for col, label in columns:
        letter = get_column_letter(col)
        where = f"{path}!{ws.title}!{letter}{layout.header_row}"
        if label in seen:
            problems.append(Problem(where, f"question {label} has two columns", hint))
            continue
        seen[label] = col
        question = by_label.get(label)
        if question is None:
            problems.append(Problem(
                where, f"question '{label}' is not on form {form} of the manifest", hint,
            ))
            continue
        sheet_id = normalize_text(cell_text(ws.cell(layout.header_row + 1, col).value))
        if sheet_id and sheet_id != question.id:
            problems.append(Problem(
                f"{path}!{ws.title}!{letter}{layout.header_row + 1}",
                f"question {label} is {sheet_id} on this sheet but {question.id} in the manifest",
                hint,
            ))
        maximum = cell_number(ws.cell(layout.header_row + 2, col).value)
        if maximum != question.points:
            shown = cell_text(ws.cell(layout.header_row + 2, col).value) or "empty"
            problems.append(Problem(
                f"{path}!{ws.title}!{letter}{layout.header_row + 2}",
                f"the maximum of {label} is {shown} on this sheet but "
                f"{format_points(question.points)} in the manifest",
                hint,
            ))
    for question in questions:
        if question.label not in seen:
            problems.append(Problem(
                f"{path}!{ws.title}",
                f"question {question.label} ({question.id}) of form {form} has no column", hint,
            ))
    return problems


# --- results.xlsx -----------------------------------------------------------------------


def _number_format(precision: int) -> str:
    return "0." + "0" * precision if precision > 0 else "0"


def _write_table(
    ws: Worksheet, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
    *, widths: Sequence[int], number_format: str,
) -> None:
    """Write a titled table: strings as text, Decimals and ints as numbers."""
    last = get_column_letter(max(len(headers), 1))
    set_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    for col, label in enumerate(headers, start=1):
        cell = ws.cell(2, col)
        set_text(cell, label)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    for r, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col)
            if isinstance(value, str):
                set_text(cell, value)
            elif isinstance(value, Decimal):
                cell.value = value
                cell.number_format = number_format
            elif value is not None:
                cell.value = value
            cell.border = _BORDER
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"


def _flags_text(flags) -> str:
    labels: list[str] = []
    for flag in flags:
        label = FLAG_LABELS.get(flag.code, flag.code)
        text = f"{flag.question_label} {label}".strip()
        if text not in labels:
            labels.append(text)
    return "；".join(labels)


def results_xlsx_bytes(
    results: Results, teams: Sequence[TeamResult], details: Sequence[tuple[str, Scores]], *,
    title: str, date: str, timestamp: datetime.datetime,
) -> bytes:
    """Return results.xlsx: sheets 排名, 明细 and 评委 (one pair per form or round), 团体, 说明.

    ``details`` are the per-question scores to show, each with a label ("" for a single
    form, else the form or round) that names its 明细 and 评委 sheets.
    """
    workbook = Workbook()
    number_format = _number_format(results.precision)
    ranking = workbook.active
    ranking.title = "排名"
    part_headers = [_part_header(p) for p in results.parts]
    headers = ["名次", "准考证号", "姓名", "单位", *part_headers, "总分", "奖项", "备注"]
    rows = []
    for row in results.rows:
        rows.append([
            row.rank, row.contestant.id, row.contestant.name, row.contestant.unit,
            *row.part_scores, row.total, row.award,
            ("未排名；" if row.excluded else "") + _flags_text(row.flags),
        ])
    _write_table(
        ranking, f"{title} 成绩排名（{date}）", headers, rows,
        widths=[6, 16, 10, 22, *[12] * len(part_headers), 9, 9, 30], number_format=number_format,
    )

    for label, scores in details:
        _detail_sheet(workbook.create_sheet(_sheet_name("明细", label)), scores, title, number_format)
        _judges_sheet(workbook.create_sheet(_sheet_name("评委", label)), scores, title, number_format)

    team_sheet = workbook.create_sheet("团体")
    _write_table(
        team_sheet, f"{title} 团体成绩", ["名次", "单位", "成绩", "计入人数", "参赛人数", "计入选手", "备注"],
        [
            [t.rank, t.unit, t.score, len(t.counted), t.members, "、".join(t.counted), _flags_text(t.flags)]
            for t in teams
        ],
        widths=[6, 24, 10, 9, 9, 40, 24], number_format=number_format,
    )

    notes = workbook.create_sheet("说明")
    note_rows: list[list[object]] = [
        ["满分", results.maximum],
        ["保留小数位", results.precision],
        ["同分比较", "、".join(results.tie_breakers) or "无"],
    ]
    for award in results.awards:
        note_rows.append([f"{award.name}（{format_points(award.share * 100)}%）", award.count])
    _write_table(notes, f"{title} 统分说明", ["项目", "内容"], note_rows, widths=[24, 40], number_format="General")
    return workbook_bytes(workbook, timestamp=timestamp)


def _sheet_name(base: str, label: str) -> str:
    """Return a valid, short sheet name: Excel allows 31 characters and no []:*?/\\."""
    if not label:
        return base
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", label)
    return f"{base}-{cleaned}"[:31]


def _part_header(part) -> str:
    if part.type:
        return f"{part.key}、{part.name}({format_points(part.maximum)})"
    weight = f" ×{format_points(part.weight * 100)}%" if part.weight is not None else ""
    return f"{part.name}{weight}"


def _detail_sheet(ws: Worksheet, scores: Scores, title: str, number_format: str) -> None:
    headers = ["准考证号", "姓名", "单位", *[f"{q.label} {q.id}({format_points(q.points)})" for q in scores.questions], "备注"]
    rows = []
    for contestant_scores in scores.contestants:
        c = contestant_scores.contestant
        answers = {a.question.label: a for a in contestant_scores.answers}
        finals = [answers[q.label].final if q.label in answers else None for q in scores.questions]
        flags = [f for a in contestant_scores.answers for f in a.flags]
        rows.append([c.id, c.name, c.unit, *finals, _flags_text(flags)])
    _write_table(
        ws, f"{title} 卷{scores.form} 各题得分", headers, rows,
        widths=[16, 10, 22, *[11] * len(scores.questions), 30], number_format=number_format,
    )


def _judges_sheet(ws: Worksheet, scores: Scores, title: str, number_format: str) -> None:
    judges = list(scores.judges)
    # 三评 and 仲裁 exist only under double marking.
    follow_ups = ["third", "arbitration"] if scores.policy == "double_marking" else []
    headers = [
        "准考证号", "姓名", "题号", "试题编号", "满分", *judges,
        *[_KIND_HEADERS[k] for k in follow_ups], "最终得分", "计分方式", "标记",
    ]
    rows = []
    for contestant_scores in scores.contestants:
        c = contestant_scores.contestant
        for answer in contestant_scores.answers:
            regular = {m.judge: m.value for m in answer.marks if m.kind == "regular"}
            others = {m.kind: m.value for m in answer.marks if m.kind != "regular"}
            rows.append([
                c.id, c.name, answer.question.label, answer.question.id, answer.question.points,
                *[regular.get(j) for j in judges], *[others.get(k) for k in follow_ups],
                answer.final, _METHOD_LABELS.get(answer.method, answer.method), _flags_text(answer.flags),
            ])
    marks_end = 5 + len(judges) + len(follow_ups)
    _write_table(
        ws, f"{title} 卷{scores.form} 评委评分", headers, rows,
        widths=[16, 10, 7, 10, 6, *[8] * (marks_end - 5), 9, 12, 30], number_format=number_format,
    )
    # Marks are exact half points: show them as typed, not padded to the precision.
    for row in ws.iter_rows(min_row=3, min_col=5, max_col=marks_end):
        for cell in row:
            cell.number_format = "General"


_KIND_HEADERS = {"third": "三评", "arbitration": "仲裁"}
_METHOD_LABELS = {
    "mean": "平均",
    "median": "中位数",
    "trimmed_mean": "去高低后平均",
    "agreed": "双评平均",
    "third": "三评",
    "arbitration": "仲裁",
}
