"""Read filled score sheets back: find the layout, check every cell, collect the marks.

The sheet is found by its hidden marker row, or failing that by the header layout, never
by the sheet's name, so renamed sheets and extra sheets do no harm. Every problem of a
file is reported at once with file!sheet!cell.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from examgen.encodings import clip
from examgen.errors import NoScoreSheetError, Problem, SheetError, raise_if
from examgen.grading.score_sheets import (
    CLOSED_CELL,
    SHEET_MARKER,
    SIGNATURE_LABEL,
    SheetRow,
    key_header,
)
from examgen.i18n import _, listing
from examgen.models import (
    ABSENT_TEXT,
    MARK_KINDS,
    Mark,
    ScoredQuestion,
    format_points,
)
from examgen.numbers import is_multiple
from examgen.xlsxio import (
    cell_number,
    cell_text,
    data_extent,
    formula_cells,
    get_column_letter,
    load_workbook_bytes,
    normalize_text,
    read_file_bytes,
)
from examgen.yamlio import paused_gc

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

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
    #: Rows the judge marked 缺考 (absent): (row key, where the first 缺考 is).
    absent: tuple[tuple[str, str], ...] = ()


class _GridCell:
    """A cell of a grid, read like an openpyxl cell: a value, never a formula."""

    __slots__ = ("value",)
    data_type = "n"

    def __init__(self, value: object) -> None:
        # openpyxl reads a date cell as a datetime (at midnight); so do messages.
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = datetime.datetime(value.year, value.month, value.day)
        self.value = value


_NO_CELL = _GridCell(None)


class _GridSheet:
    """A sheet read by calamine, seen through the part of openpyxl's Worksheet used here."""

    def __init__(self, grid) -> None:
        self.title = grid.sheet
        self._rows = grid.rows  # from row 1 and column A, None where empty, no trailing empties

    def cell(self, row: int, column: int) -> _GridCell:
        return _GridCell(self.value(row, column))

    def value(self, row: int, column: int) -> object:
        """Return the value of a cell (1-based), None when empty."""
        try:
            value = self._rows[row - 1][column - 1]
        except IndexError:
            return None
        if value.__class__ is datetime.date:
            # openpyxl reads a date cell as a datetime (at midnight); so do messages.
            return datetime.datetime(value.year, value.month, value.day)
        return value

    def used_rows(self) -> list[int]:
        """Return the rows (1-based) that hold something."""
        return [number for number, row in enumerate(self._rows, start=1) if row]

    def extent(self) -> tuple[int, int]:
        """Return (last row, last column) of the cells that hold something."""
        return len(self._rows), max(map(len, self._rows), default=0)


class _GridBook:
    """Sheets read by calamine, seen as an openpyxl Workbook by the functions here."""

    def __init__(self, grids: Sequence) -> None:
        self.worksheets = [_GridSheet(g) for g in grids]

    def __getitem__(self, name: str) -> _GridSheet:
        return next(ws for ws in self.worksheets if ws.title == name)


@dataclass(frozen=True)
class _Layout:
    sheet_name: str
    header_row: int  # 1-based
    key_col: int  # 1-based
    anonymized: bool
    marker: dict[str, str]
    info: dict[str, str]  # the visible header block: 试卷, 卷别, 评委, 日期


# A sheet's 24,000 marks and their places, none in a cycle: the cyclic collector's passes
# over them are skipped (what openpyxl may leave in cycles is freed after the sheet).
@paused_gc()
def read_score_sheet(
    path: Path,
    forms: dict[str, tuple[ScoredQuestion, ...]],
    *,
    paper_id: str,
    mark_step: Decimal,
    report_blanks: bool = False,
    grids: Sequence = (),
) -> FilledSheet:
    """Return the marks of one filled score sheet; raise SheetError listing every problem.

    ``forms`` maps each form letter of the manifest to its questions. The file is read
    once into memory and never written. With ``report_blanks``, a sheet refused for
    other problems also lists its blank mark cells, so that one run names them all.
    ``grids`` are the file's sheets as already read by calamine (objects with ``sheet``
    and ``rows``), used instead of a second, slower reading when the file has no formulas.
    """
    data = read_file_bytes(path)
    in_formulas = formula_cells(data) if grids else None
    if in_formulas is None:
        values_book = load_workbook_bytes(path, data, data_only=True)
        formulas_book = load_workbook_bytes(path, data, data_only=False)
    else:
        # The calamine grids hold every value; openpyxl is read only to check formulas in
        # mark cells (examgen's own 总分 formulas are not in them).
        values_book = _GridBook(grids)
        formulas_book = None
    layout = _find_layout(path, values_book)
    ws = values_book[layout.sheet_name]
    formulas = formulas_book[layout.sheet_name] if formulas_book is not None else None

    def where(row: int, col: int) -> str:
        return f"{path}!{ws.title}!{get_column_letter(col)}{row}"

    problems: list[Problem] = []
    marker = layout.marker
    # Only the hidden marker row names the paper's id; a visible 试卷 cell is a title.
    sheet_paper = marker.get("paper", "")
    if sheet_paper and paper_id and sheet_paper != paper_id:
        problems.append(Problem(
            f"{path}!{ws.title}",
            _("the sheet is for paper '{sheet_paper}', the manifest for '{paper_id}'").format(
                sheet_paper=sheet_paper, paper_id=paper_id),
            _("grade each paper with its own manifest"),
        ))
    columns = _question_columns(ws, layout)
    form = marker.get("form", "") or layout.info.get("卷别", "")
    form = form.upper().removesuffix("卷")
    if not form:
        form = _guess_form(columns, forms)
    if form not in forms:
        known = listing(sorted(forms))
        problems.append(Problem(
            f"{path}!{ws.title}",
            _("form '{form}' is not in the manifest (forms: {known})").format(form=form or "?", known=known),
            _("use a score sheet made by `examgen sheets` for this paper"),
        ))
        raise_if(problems, SheetError)
    columns = _as_labels(columns, forms[form])
    problems.extend(_check_questions(path, ws, layout, columns, forms[form], form))
    raise_if(problems, SheetError)

    judge = marker.get("judge", "") or layout.info.get("评委", "")
    if not judge:
        problems.append(Problem(
            where(2, 6), _("the sheet names no judge (“评委”)"), _("type the judge's name next to “评委”"),
        ))
    kind = marker.get("kind", "regular") or "regular"
    if kind not in MARK_KINDS:
        problems.append(Problem(
            where(3, 6), _("unknown kind of sheet '{kind}'").format(kind=kind),
            _("use a sheet made by `examgen sheets`"),
        ))
    questions = {q.label: q for q in forms[form]}
    rows: list[SheetRow] = []
    row_cells: list[str] = []
    marks: list[Mark] = []
    missing: list[tuple[str, str, str]] = []
    absent: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    known_marks: dict[tuple[type, object, str], Decimal] = {}
    key_label = key_header(layout.anonymized)
    name_col = None if layout.anonymized else layout.key_col + 1
    unit_col = None if layout.anonymized else layout.key_col + 2

    # Only the rows that hold something: a stray cell at row 1,048,576 costs one row.
    if isinstance(ws, _GridSheet):
        used_rows, value_at = ws.used_rows(), ws.value
    else:
        used_rows = sorted({r for (r, _), cell in ws._cells.items() if cell.value is not None})

        def value_at(row: int, column: int) -> object:
            return _value(ws, row, column)

    signature = normalize_text(SIGNATURE_LABEL)
    # Where each question's cells are, but for the row number.
    column_where = {col: f"{path}!{ws.title}!{get_column_letter(col)}" for col, _ in columns}
    # The rows with a formula in a question's cell (examgen's 总分 formulas are in none).
    question_cols = set(column_where)
    formula_rows = {row for row, col in in_formulas or () if col in question_cols}
    for r in (r for r in used_rows if r >= layout.header_row + 3):
        if normalize_text(cell_text(value_at(r, 1))).startswith(signature):
            break  # the judge's signature line ends the marks
        key = normalize_text(cell_text(value_at(r, layout.key_col)))
        cells = {label: (col, value_at(r, col)) for col, label in columns}
        if not key:
            if any(cell_text(v) not in ("", CLOSED_CELL) for _, v in cells.values()):
                problems.append(Problem(
                    where(r, layout.key_col),
                    _("row {row} has marks but no “{key_label}”").format(row=r, key_label=key_label),
                    _("fill in the “{key_label}” or clear the row").format(key_label=key_label),
                ))
            continue
        if key in seen:
            problems.append(Problem(
                where(r, layout.key_col),
                _("“{key_label}” {key} appears twice on this sheet (first at {first})").format(
                    key_label=key_label, key=key, first=seen[key]),
                _("keep one row per contestant"),
            ))
            continue
        seen[key] = where(r, layout.key_col)
        name = cell_text(value_at(r, name_col)) if name_col else ""
        unit = cell_text(value_at(r, unit_col)) if unit_col else ""
        rows.append(SheetRow(key, name, unit))
        row_cells.append(where(r, layout.key_col))
        # Only text can say 缺考 (numbers are read as numbers).
        absent_cols = [
            col for col, value in cells.values()
            if isinstance(value, str) and normalize_text(cell_text(value)) == ABSENT_TEXT
        ]
        if absent_cols:
            marked = [
                col for col, value in cells.values()
                if cell_text(value) not in ("", CLOSED_CELL) and col not in absent_cols
            ]
            if marked:
                problems.append(Problem(
                    where(r, absent_cols[0]),
                    _("“{key_label}” {key} is “{absent}” here but has marks in the same row ({cells})").format(
                        key_label=key_label, key=key, absent=ABSENT_TEXT,
                        cells=listing(f"{get_column_letter(c)}{r}" for c in marked)),
                    _("clear the marks if the contestant was absent, or replace “{absent}” by a mark").format(
                        absent=ABSENT_TEXT),
                ))
            else:
                absent.append((key, where(r, absent_cols[0])))
            continue
        for label, (col, value) in cells.items():
            if formulas is None and r in formula_rows and (r, col) in in_formulas:
                formulas = load_workbook_bytes(path, data, data_only=False)[layout.sheet_name]
            if formulas is None and value.__class__ in (float, int):
                # The common case, a number typed in: no formula to check, no text to read.
                seen_mark = (value.__class__, value, label)
                number = known_marks.get(seen_mark)
                if number is not None:
                    marks.append(Mark(key, label, judge, number, kind, f"{column_where[col]}{r}"))
                    continue
            formula = (formulas._cells.get((r, col)) or formulas.cell(r, col)) if formulas is not None else _NO_CELL
            formula_text = str(getattr(formula.value, "text", formula.value) or "")
            if formula.data_type == "f" and ("!" in formula_text or "[" in formula_text):
                problems.append(Problem(
                    where(r, col),
                    _("takes its mark from another sheet or workbook (`{formula}`)").format(
                        formula=clip(formula_text, 40)),
                    _("type the mark as a number"),
                ))
                continue
            if value is None and (formula.data_type == "f" or str(formula.value or "").startswith("=")):
                problems.append(Problem(
                    where(r, col),
                    _("has the formula {formula} but no saved value").format(
                        formula=getattr(formula.value, "text", formula.value)),
                    _("open the file in Excel, WPS or LibreOffice so it calculates, save it, "
                      "or type the mark as a number"),
                ))
                continue
            text = cell_text(value)
            if text == "":
                missing.append((key, label, where(r, col)))
                continue
            if kind != "regular" and text == CLOSED_CELL:
                continue  # an answer this follow-up sheet does not ask for
            # A mark already read for this question is not checked again: marks repeat
            # (0 to the maximum in half points), and one Decimal serves them all.
            seen_mark = (value.__class__, value, label) if isinstance(value, (int, float, str, Decimal)) else None
            number = known_marks.get(seen_mark) if seen_mark is not None else None
            if number is None:
                number, problem = _parse_mark(value, questions[label], mark_step, (key_label, key))
                if problem:
                    problems.append(Problem(where(r, col), *problem))
                    continue
                if seen_mark is not None:
                    known_marks[seen_mark] = number
            marks.append(Mark(key, label, judge, number, kind, where(r, col)))
    if not rows and not problems:
        problems.append(Problem(
            f"{path}!{ws.title}", _("the sheet has no rows with a “{key_label}”").format(key_label=key_label),
            _("use the score sheet made by `examgen sheets`"),
        ))
    if problems and report_blanks and kind == "regular":
        problems.extend(blank_cell_problems(missing, key_label, len(questions)))
        problems.sort(key=lambda p: _cell_order(p.where))
    raise_if(problems, SheetError)
    return FilledSheet(
        path=str(path), sheet=ws.title, paper_id=sheet_paper, form=form, judge=judge,
        kind=kind, anonymized=layout.anonymized, rows=tuple(rows), row_cells=tuple(row_cells),
        marks=tuple(marks), missing=tuple(missing), absent=tuple(absent),
    )


def _extent(ws) -> tuple[int, int]:
    """Return (last row, last column) of the cells of a sheet that hold a value."""
    return ws.extent() if isinstance(ws, _GridSheet) else data_extent(ws)


def _value(ws: Worksheet, row: int, column: int) -> object:
    """Return the value of a cell without creating it (``ws.cell`` would)."""
    cell = ws._cells.get((row, column))
    return cell.value if cell is not None else None


def blank_cell_problems(
    blanks: Sequence[tuple[str, str, str]], key_label: str, questions: int,
) -> list[Problem]:
    """Return a problem per blank mark cell (key, label, where); one per row left wholly blank."""
    by_key: dict[str, list[tuple[str, str]]] = {}
    for key, label, where in blanks:
        by_key.setdefault(key, []).append((label, where))
    problems = []
    for key, cells in by_key.items():
        if len(cells) == questions and questions > 1:
            row = cells[0][1].rsplit("!", 1)[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            problems.append(Problem(
                cells[0][1],
                _("no marks at all for “{key_label}” {key} (row {row})").format(key_label=key_label, key=key, row=row),
                _("fill in the marks, type “{absent}” if the contestant was absent, or pass --provisional").format(
                    absent=ABSENT_TEXT),
            ))
        else:
            problems.extend(
                Problem(
                    where, _("no mark for {label} (“{key_label}” {key})").format(label=label, key_label=key_label, key=key),
                    _("fill in the mark, or pass --provisional"),
                )
                for label, where in cells
            )
    return problems


def _cell_order(where: str) -> tuple[int, int]:
    """Return (row, column) of ``file!sheet!B7`` for reading problems top to bottom."""
    cell = where.rsplit("!", 1)[-1]
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters):]
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64 if "A" <= letter <= "Z" else column
    return (int(digits) if digits.isdigit() else 0, column)


def whose_mark(key_label: str, key: str) -> str:
    """Return whose mark a problem is about: “准考证号” 2026001."""
    return _("“{key_label}” {key}").format(key_label=key_label, key=key)


def _parse_mark(
    value: object, question: ScoredQuestion, step: Decimal, key: tuple[str, str]
) -> tuple[Decimal, tuple[str, str] | None]:
    """Return (mark, None), or (0, (what, hint)) when ``value`` is no valid mark for ``question``.

    ``key`` is (key label, key) of the contestant: (准考证号, 2026001).
    """
    number = cell_number(value)
    if number is not None and 0 <= number <= question.points and is_multiple(number, step):
        return _plain(number), None
    # A problem: only now are the messages put together (most cells are good marks).
    maximum = format_points(question.points)
    fix = _("type a mark from 0 to {maximum} in steps of {step}").format(maximum=maximum, step=format_points(step))
    label, whose = question.label, whose_mark(*key)
    if number is None:
        return Decimal(0), (
            _("'{value}' is not a number ({label}, {whose})").format(value=cell_text(value), label=label, whose=whose),
            fix,
        )
    shown = format_points(number)
    if number < 0:
        return Decimal(0), (_("mark {mark} is negative ({label}, {whose})").format(mark=shown, label=label, whose=whose), fix)
    if number > question.points:
        return Decimal(0), (
            _("mark {mark} is above the maximum {maximum} of {label} ({whose})").format(
                mark=shown, maximum=maximum, label=label, whose=whose),
            fix,
        )
    return Decimal(0), (
        _("mark {mark} is not a multiple of {step} ({label}, {whose})").format(
            mark=shown, step=format_points(step), label=label, whose=whose),
        fix,
    )


#: Check one mark cell against its question; judges' own sheets are checked the same way.
parse_mark = _parse_mark


def sheet_paper_id(path: Path) -> str:
    """Return the paper id a score sheet names ("" when it names none)."""
    layout = _find_layout(path, load_workbook_bytes(path, read_file_bytes(path), data_only=True))
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
        raise NoScoreSheetError(
            _("no score sheet found (no sheet has the examgen header with “准考证号” or “密号” and "
              "question numbers)"),
            where=str(path),
            hint=_("return the workbook made by `examgen sheets`, with its header rows kept"),
        )
    with_marker = [f for f in found if f.marker]
    if len(with_marker) == 1:
        return with_marker[0]
    if len(found) > 1:
        names = listing(f.sheet_name for f in found)
        raise SheetError(
            _("several sheets look like score sheets: {names}").format(names=names),
            where=str(path), hint=_("keep only one score sheet in the workbook"),
        )
    return found[0]


def _sheet_layout(ws: Worksheet) -> _Layout | None:
    marker: dict[str, str] = {}
    info: dict[str, str] = {}
    last_row, last_col = _extent(ws)
    max_row = min(last_row, 40)
    max_col = min(last_col, 60)
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
    for c in range(layout.key_col + 1, _extent(ws)[1] + 1):
        label = normalize_text(cell_text(ws.cell(layout.header_row, c).value))
        if label in _TOTAL_HEADERS:
            break
        if label and label not in _NON_QUESTION_HEADERS:
            columns.append((c, label))
    return columns


def _as_labels(columns: list[tuple[int, str]], questions: tuple[ScoredQuestion, ...]) -> list[tuple[int, str]]:
    """Return the question columns with each header read as its question's label.

    Sheets name questions as the paper does (第3题); sheets written before name them by
    the label itself (一.1): both are read.
    """
    shown = {q.display_label: q.label for q in questions if q.display_label}
    return [(col, shown.get(header, header)) for col, header in columns]


def _guess_form(columns: list[tuple[int, str]], forms: dict[str, tuple[ScoredQuestion, ...]]) -> str:
    matching = [
        f for f, qs in sorted(forms.items())
        if [q.label for q in qs] == [label for _, label in _as_labels(columns, qs)]
    ]
    return matching[0] if len(matching) == 1 else (next(iter(forms)) if len(forms) == 1 else "")


def _check_questions(
    path: Path, ws: Worksheet, layout: _Layout, columns: list[tuple[int, str]],
    questions: tuple[ScoredQuestion, ...], form: str,
) -> list[Problem]:
    """Return the ways the sheet's question columns differ from the manifest's form."""
    problems: list[Problem] = []
    by_label = {q.label: q for q in questions}
    hint = _("use the score sheet made by `examgen sheets` for this paper and form")
    seen: dict[str, int] = {}
    for col, label in columns:
        letter = get_column_letter(col)
        where = f"{path}!{ws.title}!{letter}{layout.header_row}"
        if label in seen:
            problems.append(Problem(where, _("question {label} has two columns").format(label=label), hint))
            continue
        seen[label] = col
        question = by_label.get(label)
        if question is None:
            problems.append(Problem(
                where, _("question '{label}' is not on form {form} of the manifest").format(label=label, form=form), hint,
            ))
            continue
        sheet_id = normalize_text(cell_text(ws.cell(layout.header_row + 1, col).value))
        if sheet_id and sheet_id != question.id:
            problems.append(Problem(
                f"{path}!{ws.title}!{letter}{layout.header_row + 1}",
                _("question {label} is {sheet_id} on this sheet but {id} in the manifest").format(
                    label=label, sheet_id=sheet_id, id=question.id),
                hint,
            ))
        maximum = cell_number(ws.cell(layout.header_row + 2, col).value)
        if maximum != question.points:
            shown = cell_text(ws.cell(layout.header_row + 2, col).value) or _("empty")
            problems.append(Problem(
                f"{path}!{ws.title}!{letter}{layout.header_row + 2}",
                _("the maximum of {label} is {shown} on this sheet but {points} in the manifest").format(
                    label=label, shown=shown, points=format_points(question.points)),
                hint,
            ))
    for question in questions:
        if question.label not in seen:
            problems.append(Problem(
                f"{path}!{ws.title}",
                _("question {label} ({id}) of form {form} has no column").format(
                    label=question.label, id=question.id, form=form), hint,
            ))
    return problems


