"""Judges' own spreadsheets at the edge: files to cell grids, the mapping file, --explain.

.xlsx, .xls and .ods are read with python-calamine (one fast reader for all three);
.xlsx is also opened with openpyxl for its formulas, so that a mark copied from
another sheet or workbook by formula is refused. A csv may be UTF-8, GBK or UTF-16.
The layout of each grid is found by :mod:`examgen.grading.foreign_sheets` (pure);
examgen's own score sheets still go to :mod:`examgen.grading.sheet_reader`, so both
kinds can be graded together.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import python_calamine
import yaml

from examgen.encodings import decode_chinese_text
from examgen.errors import NoScoreSheetError, Problem, SheetError, raise_if
from examgen.grading.foreign_sheets import (
    MAP_HINT,
    ForeignLayout,
    Grid,
    SheetMap,
    column_letter,
    detect_layout,
    has_id_header,
    question_values,
    read_layout,
)
from examgen.grading.roster import Roster
from examgen.grading.score_sheets import SHEET_MARKER
from examgen.grading.sheet_reader import FilledSheet, read_score_sheet, sheet_paper_id
from examgen.i18n import _, listing, ngettext
from examgen.inputs import check_zip
from examgen.models import ScoredQuestion, format_points
from examgen.xlsxio import file_kind, load_workbook_bytes, not_xlsx_problem, read_file_bytes
from examgen.yamlio import LineMapping, load_yaml, yaml_error_line

#: A formula in a worksheet's XML.
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>")
#: Text files read as csv (a file of another name that is no workbook is refused).
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_SHEET_KEYS = {
    "judge", "form", "header_row", "id_column", "columns", "judge_column", "question_column",
    "score_column", "skip",
}


@dataclass(frozen=True)
class Mapping:
    """A mapping file (``--map``): for each file, and each of its sheets, what to read how."""

    path: str
    #: (file key as written, resolved path or None, file-level map, sheet name -> map)
    files: tuple[tuple[str, Path | None, SheetMap, dict[str, SheetMap]], ...] = field(default=())

    def for_sheet(self, path: Path, sheet: str) -> SheetMap:
        """Return what the mapping says about ``sheet`` of ``path`` (an empty map when nothing)."""
        resolved = path.resolve()
        for key, target, file_map, sheets in self.files:
            if target == resolved or key == str(path) or (target is None and key == path.name):
                return sheets.get(sheet) or sheets.get("*") or file_map
        return SheetMap()


def load_mapping(path: Path) -> Mapping:
    """Return the mapping file at ``path``; raise SheetError with every problem (file:line)."""
    data = read_file_bytes(path)
    try:
        raw = load_yaml(decode_chinese_text(data))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = yaml_error_line(exc) if isinstance(exc, yaml.YAMLError) else 0
        raise SheetError(_("is not a readable mapping file ({reason})").format(reason=exc.__class__.__name__),
                         where=f"{path}:{line}" if line else str(path), hint=_(MAP_HINT)) from None
    problems: list[Problem] = []
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        raise SheetError(_("has no `files:` mapping"), where=str(path), hint=_(MAP_HINT))
    result = []
    for key, entry in files.items():
        if not isinstance(entry, dict):
            problems.append(Problem(
                f"{path}:{_line(files, key)}", _("{key}: is not a mapping").format(key=key), _(MAP_HINT)))
            continue
        file_map = _sheet_map(path, str(key), entry, problems)
        sheets: dict[str, SheetMap] = {}
        sheet_entries = entry.get("sheets") or {}
        if not isinstance(sheet_entries, dict):
            problems.append(Problem(
                f"{path}:{_line(entry, 'sheets')}",
                _("{key}: `sheets` is not a mapping of sheet names").format(key=key), _(MAP_HINT)))
            sheet_entries = {}
        for name, sheet_entry in sheet_entries.items():
            if isinstance(sheet_entry, dict):
                # A sheet's lines override its file's; errors point at the sheet's lines.
                merged = LineMapping({**_plain(entry), **sheet_entry})
                merged.line, merged.key_lines = _line(sheet_entries, name), getattr(sheet_entry, "key_lines", {})
                sheets[str(name)] = _sheet_map(path, f"{key}: {name}", merged, problems)
        candidate = (path.parent / str(key)).resolve()
        target = candidate if candidate.exists() else (Path(str(key)).resolve() if Path(str(key)).exists() else None)
        result.append((str(key), target, file_map, sheets))
    raise_if(problems, SheetError)
    return Mapping(str(path), tuple(result))


def _plain(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "sheets"}


def _line(mapping: object, key: object) -> int:
    return mapping.line_of(str(key)) if isinstance(mapping, LineMapping) else 0


def _sheet_map(path: Path, about: str, entry: dict, problems: list[Problem]) -> SheetMap:
    where = f"{path}:{_line(entry, next(iter(entry), ''))}"
    for key in entry:
        if key not in _SHEET_KEYS | {"sheets"}:
            problems.append(Problem(f"{path}:{_line(entry, key)}", _("{about}: unknown key '{key}'").format(about=about, key=key),
                                    _("use {keys}").format(keys=listing(sorted(_SHEET_KEYS), code=True))))
    values = {k: ("" if v is None else v) for k, v in entry.items() if k in _SHEET_KEYS}
    for key in ("judge", "form", "id_column", "judge_column", "question_column", "score_column"):
        if str(values.get(key, "")).strip() == "?":
            problems.append(Problem(
                f"{path}:{_line(entry, key)}", _("{about}: `{key}` is still ?").format(about=about, key=key),
                _("fill it in")))
    columns = values.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(
            where, _("{about}: `columns` is not a mapping of column letter to question").format(about=about), _(MAP_HINT)))
        columns = {}
    header_row = values.get("header_row") or 0
    if not isinstance(header_row, int) or header_row < 0:
        problems.append(Problem(
            f"{path}:{_line(entry, 'header_row')}",
            _("{about}: `header_row` {value} is not a row number").format(about=about, value=repr(header_row)),
            _("give the row of the last header")))
        header_row = 0
    return SheetMap(
        judge=str(values.get("judge", "")).strip(), form=str(values.get("form", "")).strip(),
        header_row=header_row, id_column=str(values.get("id_column", "")).strip(),
        columns=tuple((str(k), str(v)) for k, v in columns.items()),
        judge_column=str(values.get("judge_column", "")).strip(),
        question_column=str(values.get("question_column", "")).strip(),
        score_column=str(values.get("score_column", "")).strip(),
        skip=bool(values.get("skip", False)),
    )


# --- files to grids ---------------------------------------------------------------------


def read_grids(path: Path, data: bytes | None = None) -> list[Grid]:
    """Return every sheet of a spreadsheet file (.xlsx, .xls, .ods, .csv) as a grid."""
    data = read_file_bytes(path) if data is None else data
    kind = file_kind(data)
    if kind in ("xlsx", "xls", "ods"):
        return _workbook_grids(path, data, kind)
    if kind == "zip" or path.suffix.lower() not in _TEXT_SUFFIXES:
        what, hint = not_xlsx_problem(kind)
        raise SheetError(what, where=str(path), hint=hint)
    return [Grid(str(path), "", _csv_rows(path, data))]


def _workbook_grids(path: Path, data: bytes, kind: str) -> list[Grid]:
    check_zip(path, data, SheetError)  # a zip bomb is refused before calamine unpacks it
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, _sheet_rows(book.get_sheet_by_name(name))) for name in book.sheet_names]
    except Exception as exc:  # calamine raises its own errors and others on a damaged file
        raise SheetError(
            _("cannot be read as a .{kind} workbook (`{reason}`)").format(kind=kind, reason=f"{type(exc).__name__}: {' '.join(str(exc).split())}"),
            where=str(path),
            hint=_("open it in Excel, WPS or LibreOffice and save it again"),
        ) from None
    # .xls formulas are not read: calamine gives their saved values only.
    formulas = _outside_formulas(path, data) if kind == "xlsx" else _ods_outside_formulas(data) if kind == "ods" else {}
    return [
        Grid(str(path), name, rows, sheets_in_book=len(sheets), outside_formulas=tuple(formulas.get(name, ())))
        for name, rows in sheets
    ]


def plain_xlsx_rows(data: bytes) -> list[tuple[str, tuple[tuple[object, ...], ...]]] | None:
    """Return each sheet of the .xlsx ``data`` as (name, rows) read by calamine, or None when in doubt.

    The rows hold the values openpyxl would read (from A1, None where empty, whole numbers
    as int), for a plain table such as a roster. None, to be read with openpyxl instead,
    when the file cannot be read, a sheet has merged cells, a value is a date, a time, an
    error or a number too long to be exact, or a part declares a DTD (which openpyxl
    refuses, entity bombs among them). Check the zip's size before.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith((".xml", ".rels")):
                    part = archive.read(info)
                    if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                        return None
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.merged_cell_ranges:
                return None
            sheets.append((name, _sheet_rows(sheet)))
    except Exception:  # a damaged file: openpyxl's reading says what is wrong
        return None
    plain = []
    for name, rows in sheets:
        kept = []
        for row in rows:
            values = []
            for value in row:
                kind = type(value)
                if kind is float:
                    if value.is_integer():
                        if abs(value) >= 1e15:
                            return None  # openpyxl keeps the digits as written; a float may not
                        value = int(value)
                elif value is not None and kind not in (str, int, bool):
                    return None
                values.append(value)
            kept.append(tuple(values))
        plain.append((name, tuple(kept)))
    return plain


def _sheet_rows(sheet: python_calamine.CalamineSheet) -> tuple[tuple[object, ...], ...]:
    """Return a sheet's rows from A1, without trailing empty cells and rows.

    Streamed, so that a stray cell at row 1,048,576 costs one pointer per empty row, not
    a row of empty cells.
    """
    start_col = sheet.start[1] if sheet.start else 0
    rows: list[tuple[object, ...]] = []
    pending = 0
    for row in sheet.iter_rows():  # rows count from row 1; columns from the first used one
        if row.count("") == len(row):
            pending += 1
            continue
        cells = [None if value == "" else value for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            pending += 1
            continue
        rows.extend([()] * pending)
        pending = 0
        rows.append((None,) * start_col + tuple(cells))
    return tuple(rows)


def _outside_formulas(path: Path, data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Return, per sheet, the cells whose formula refers to another sheet or workbook."""
    if not _may_refer_outside(data):
        return {}  # the common case, found without parsing the workbook a second time
    book = load_workbook_bytes(path, data, data_only=False)
    found: dict[str, list[tuple[int, int, str]]] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                text = str(getattr(cell.value, "text", cell.value) or "")
                if "!" in text or "[" in text:
                    found.setdefault(ws.title, []).append((cell.row - 1, cell.column - 1, text))
    return found


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
#: An OpenFormula reference to another sheet or file: [Sheet2.B2], [$Sheet2.B2], ['file:…'#$S.A1].
_ODS_OUTSIDE = re.compile(r"\[(?!\.)")


def _ods_outside_formulas(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Return, per sheet of an .ods, the cells whose formula refers to another sheet or file."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
        if b"table:formula" not in content:
            return found
        sheet, row, col = "", -1, 0
        for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if event == "start" and tag == _ODS_TABLE + "table":
                sheet, row = element.get(_ODS_TABLE + "name", ""), -1
            elif event == "start" and tag == _ODS_TABLE + "table-row":
                row, col = row + 1, 0
            elif event == "end" and tag == _ODS_TABLE + "table-row":
                row += int(element.get(_ODS_TABLE + "number-rows-repeated", "1")) - 1
                element.clear()
            elif event == "start" and tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"):
                formula = element.get(_ODS_TABLE + "formula", "")
                if formula and _ODS_OUTSIDE.search(formula.removeprefix("of:")):
                    found.setdefault(sheet, []).append((row, col, formula.removeprefix("of:")))
                col += int(element.get(_ODS_TABLE + "number-columns-repeated", "1"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return found  # calamine has read the values; a damaged part hides no formula it kept
    return found


def _may_refer_outside(data: bytes) -> bool:
    """Return whether any formula of an .xlsx mentions a sheet (!) or a workbook ([1])."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    for formula in _FORMULA.findall(archive.read(name)):
                        if b"!" in formula or b"[" in formula:
                            return True
    except (zipfile.BadZipFile, OSError):
        return True  # let openpyxl report what is wrong
    return False


def _csv_rows(path: Path, data: bytes) -> tuple[tuple[object, ...], ...]:
    try:
        text = decode_chinese_text(data)
    except UnicodeDecodeError:
        raise SheetError(_("is neither a spreadsheet nor UTF-8/GBK/UTF-16 text"), where=str(path),
                         hint=_("save it as .xlsx or as CSV UTF-8")) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return tuple(tuple(c or None for c in row) for row in csv.reader(io.StringIO(text, newline=""), dialect))
        except csv.Error as exc:
            raise SheetError(_("is not a readable CSV file: {reason}").format(reason=exc), where=str(path),
                             hint=_("save it from Excel as 'CSV UTF-8' or as .xlsx")) from None


# --- reading a file of marks ------------------------------------------------------------


def read_sheet_file(
    path: Path,
    forms: dict[str, tuple[ScoredQuestion, ...]],
    *,
    paper_id: str,
    mark_step: Decimal,
    mapping: Mapping | None = None,
    roster: Roster | None = None,
    report_blanks: bool = False,
) -> list[FilledSheet]:
    """Return the filled sheets in one file: an examgen score sheet, or a judge's own layout.

    Raise SheetError with every problem of the file, each at file!sheet!cell; with
    ``report_blanks`` an examgen sheet refused for other problems also names its blank cells.
    """
    data = read_file_bytes(path)
    grids = _table_grids(path, data)
    if file_kind(data) == "xlsx" and written_by_examgen(grids):
        try:
            return [read_score_sheet(
                path, forms, paper_id=paper_id, mark_step=mark_step, report_blanks=report_blanks, grids=grids,
            )]
        except NoScoreSheetError:
            pass
    layouts, problems = file_layouts(path, forms, mapping, grids=grids)
    sheets: list[FilledSheet] = []
    names = _roster_names(roster)
    for layout in layouts:
        read, found = read_layout(
            layout, forms[layout.form], mark_step=mark_step,
            roster_names=names[layout.anonymized] if names else None,
        )
        sheets.extend(read)
        problems.extend(found)
    if problems and roster is not None:
        # Grading checks the contestants of sheets read cleanly; here, so that one run
        # reports every problem, those of a sheet that has others.
        problems.extend(_unknown_contestants(sheets, roster))
    raise_if(problems, SheetError)
    return sheets


def sheet_paper(
    path: Path, papers: dict[str, dict[str, tuple[ScoredQuestion, ...]]], mapping: Mapping | None = None,
) -> str:
    """Return the paper a file of marks is for: the one it names, or the only one its columns fit."""
    data = read_file_bytes(path)
    if file_kind(data) == "xlsx":
        try:
            return sheet_paper_id(path)
        except NoScoreSheetError:
            pass
    # A file fits a paper when every table reads without a problem; of several, the one
    # whose questions take up the most columns (a written paper's columns include the
    # practical round's two), and a tie is refused.
    fits: dict[str, int] = {}
    for paper, forms in papers.items():
        layouts, problems = file_layouts(path, forms, mapping, data)
        if layouts and not problems:
            fits[paper] = sum(1 for layout in layouts for read in layout.columns if read.target)
    best = sorted(fits, key=lambda paper: -fits[paper])
    if len(best) == 1 or (len(best) > 1 and fits[best[0]] > fits[best[1]]):
        return best[0]
    raise SheetError(
        _("its columns fit papers {fits} ({papers})").format(fits=listing(fits), papers=listing(papers))
        if fits else _("its columns fit none of the papers ({papers})").format(papers=listing(papers)),
        where=str(path), hint=_("grade a judge's own spreadsheets with their paper's manifest alone"),
    )


def file_layouts(
    path: Path, forms: dict[str, tuple[ScoredQuestion, ...]], mapping: Mapping | None,
    data: bytes | None = None, *, grids: list[Grid] | None = None,
) -> tuple[list[ForeignLayout], list[Problem]]:
    """Return the layouts of the score tables in a file and the problems finding them."""
    grids = _table_grids(path, data) if grids is None else grids
    layouts: list[ForeignLayout] = []
    problems: list[Problem] = []
    for grid in grids:
        layout, found = detect_layout(grid, forms, mapping.for_sheet(path, grid.sheet) if mapping else SheetMap())
        problems.extend(found)
        if layout is not None and not found:
            layouts.append(layout)
    if not layouts and not problems:
        seen = _first_texts(grids)
        problems.append(Problem(
            str(path),
            _("no table of marks found: no sheet has an id column (“准考证号”, “考号”, “选手编号”, “参赛号”, "
              "“编号” or “密号”); first cells: {seen}").format(seen=seen) if seen else
            _("no table of marks found: no sheet has an id column (“准考证号”, “考号”, “选手编号”, “参赛号”, "
              "“编号” or “密号”)"),
            _("put a header row with the id column above the marks, or return the sheet made by `examgen sheets`"),
        ))
    return layouts, problems


def _unknown_contestants(sheets: list[FilledSheet], roster: Roster) -> list[Problem]:
    problems = []
    for sheet in sheets:
        known = {c.code for c in roster.contestants} if sheet.anonymized else {c.id for c in roster.contestants}
        key_name = "密号" if sheet.anonymized else "准考证号"
        for row, where in zip(sheet.rows, sheet.row_cells, strict=True):
            if row.key not in known:
                problems.append(Problem(
                    where,
                    (_("“{key_label}” {key} is not in the code table {roster}") if sheet.anonymized
                     else _("“{key_label}” {key} is not in the roster {roster}")).format(
                        key_label=key_name, key=row.key, roster=roster.path),
                    _("check the number, or add the contestant to the roster"),
                ))
    return problems


def written_by_examgen(grids: list[Grid]) -> bool:
    """Return whether a workbook looks like an examgen score sheet (its marker, or its header).

    Checked on the grids calamine read, so a judge's own workbook is not parsed by openpyxl
    twice just to learn that it is not one.
    """
    for grid in grids:
        for r in range(min(len(grid.rows), 40)):
            if grid.text(r, 0) == SHEET_MARKER:
                return True
            for c in range(min(grid.width, 60)):
                if grid.text(r, c) in ("准考证号", "密号") and any(
                    grid.text(r + 2, k) == "满分" for k in range(min(grid.width, 60))
                ):
                    return True
    return False


def _table_grids(path: Path, data: bytes | None) -> list[Grid]:
    """Return the grids of a file, each knowing how many of them hold a table of marks."""
    grids = read_grids(path, data)
    tables = sum(1 for g in grids if has_id_header(g))
    return [replace(g, sheets_in_book=tables) for g in grids]


def _roster_names(roster: Roster | None) -> dict[bool, dict[str, tuple[str, str]]] | None:
    if roster is None:
        return None
    return {
        False: {c.id: (c.name, c.unit) for c in roster.contestants},
        True: {c.code: (c.name, c.unit) for c in roster.contestants if c.code},
    }


def _first_texts(grids: list[Grid]) -> str:
    texts: list[str] = []
    for grid in grids:
        for r in range(min(len(grid.rows), 5)):
            texts.extend(t for t in (grid.text(r, c) for c in range(grid.width)) if t)
        if texts:
            break
    return listing(texts[:10])


# --- --explain --------------------------------------------------------------------------


def explain_files(
    paths: Sequence[Path], forms: dict[str, tuple[ScoredQuestion, ...]], *,
    paper_id: str, mark_step: Decimal, mapping: Mapping | None = None,
) -> str:
    """Return how each file is read, as a mapping file with comments (``?`` where unsure)."""
    lines = [
        "# " + _("How examgen reads each file of marks. Where a value is ?, examgen cannot tell:"),
        "# " + _("save this as map.yaml, replace every ?, and grade with --map map.yaml."),
        "files:",
    ]
    for path in paths:
        lines.append(f"  {_quote(str(path))}:")
        try:
            data = read_file_bytes(path)
            if file_kind(data) == "xlsx":
                try:
                    sheet = read_score_sheet(path, forms, paper_id=paper_id, mark_step=mark_step)
                    lines.append("    # " + ngettext(
                        "examgen score sheet: judge {judge}, form {form}, {count} contestant (read as written)",
                        "examgen score sheet: judge {judge}, form {form}, {count} contestants (read as written)",
                        len(sheet.rows)).format(judge=sheet.judge, form=sheet.form, count=len(sheet.rows)))
                    lines.append("    skip: false")
                    continue
                except NoScoreSheetError:
                    pass
                except SheetError as error:
                    lines.append("    # " + _("examgen score sheet with problems: {problem}").format(problem=error.problems[0]))
                    lines.append("    skip: false")
                    continue
            grids = _table_grids(path, data)
        except SheetError as error:
            lines.append("    # " + _("cannot be read: {problem}").format(problem=error.problems[0]))
            lines.append("    skip: true")
            continue
        lines.append("    sheets:")
        for grid in grids:
            sheet_map = mapping.for_sheet(path, grid.sheet) if mapping else SheetMap()
            layout, problems = detect_layout(grid, forms, sheet_map)
            lines.append(f"      {_quote(grid.sheet or '*')}:")
            lines.extend("        " + line for line in _explain_grid(grid, layout, problems, forms))
    return "\n".join(lines) + "\n"


def _explain_grid(
    grid: Grid, layout: ForeignLayout | None, problems: list[Problem],
    forms: dict[str, tuple[ScoredQuestion, ...]],
) -> list[str]:
    if layout is None and not problems:
        return ["skip: true   # " + _("no id column (“准考证号”, “考号”, …): not a table of marks")]
    out: list[str] = ["# " + _("problem: {what}").format(what=p.what) for p in problems]
    if layout is None:
        out.append('judge: "?"')
        out.append('form: "?"')
        out.append("header_row: 1   # " + _("the row of the last header, if not 1"))
        out.append('id_column: "?"')
        out.append("columns:   # " + _("headers found; map each to a question label, id or section numeral, or -"))
        for r in range(min(len(grid.rows), 12)):
            for c in range(grid.width):
                if grid.text(r, c):
                    out.append(f"  {column_letter(c)}: \"?\"   # " + _("row {row}: '{text}'").format(row=r + 1, text=grid.text(r, c)))
            if any(grid.text(r, c) for c in range(grid.width)):
                break
        return out
    if layout.judge_col is not None:
        judges = sorted({grid.text(r, layout.judge_col) for r in range(layout.header_row + 1, len(grid.rows))} - {""})
        out.append(f"judge_column: {column_letter(layout.judge_col)}   # " + _("judges: {judges}").format(judges=listing(judges)))
    else:
        out.append(f"judge: {_quote(layout.judge or '?')}   # " + (
            _("from {source}").format(source=layout.judge_source) if layout.judge_source else _("from nowhere: say who")))
    out.append(f"form: {_quote(layout.form or '?')}")
    out.append(f"header_row: {layout.header_row + 1}   # " + (
        _("long table; contestants below") if layout.shape == "long" else _("wide table; contestants below")))
    out.append(f"id_column: {column_letter(layout.id_col)}   # {layout.id_header}")
    if layout.shape == "long":
        for key, col in (("question_column", layout.question_col), ("score_column", layout.score_col)):
            if col is not None:
                out.append(f"{key}: {column_letter(col)}   # '{grid.text(layout.header_row, col)}'")
        assert layout.question_col is not None
        values = sorted({grid.text(r, layout.question_col) for r in range(layout.header_row + 1, len(grid.rows))} - {""})
        reads = question_values(layout, forms[layout.form])
        out.append("# " + _("questions: {list}").format(list=listing(
            f"'{v}' -> {reads[v].label}" if v in reads else f"'{v}' -> ?" for v in values
        )))
        return out
    for what, col in (
        ("“姓名”", layout.name_col), ("“单位”", layout.unit_col), (_("“总分” (checked against the sum)"), layout.total_col),
    ):
        if col is not None:
            out.append("# " + _("column {letter}: {what}").format(letter=column_letter(col), what=what))
    questions = {q.label: q for q in forms[layout.form]}
    out.append("columns:")
    for read in layout.columns:
        letter = column_letter(read.col)
        if read.target is None:
            value = "?" if read.why.startswith("?") else "-"
            out.append(f"  {letter}: {_quote(value)}   # " + _("'{header}': {why}").format(
                header=read.header, why=read.why.lstrip("? ")))
            continue
        target = read.target
        about = (_("section {label}, one mark for the whole section").format(label=target.label) if target.section
                 else questions[target.label].id)
        out.append(f"  {letter}: {_quote(target.label)}   # " + _("'{header}' -> {about}, max {points}").format(
            header=read.header, about=about, points=format_points(target.points)))
    rows = [(r + 1, grid.text(r, layout.id_col)) for r in range(layout.first_data_row, len(grid.rows))]
    rows = [(n, i) for n, i in rows if i and any(ch.isalnum() and ch.isascii() for ch in i)]
    if rows:
        shown = listing(_("row {row}: {id}").format(row=n, id=i) for n, i in rows[:6]) + (" …" if len(rows) > 6 else "")
        out.append("# " + ngettext(
            "{count} contestant row ({key_label}), rows {first}-{last}: {shown}",
            "{count} contestant rows ({key_label}), rows {first}-{last}: {shown}", len(rows),
        ).format(count=len(rows), key_label=layout.id_header, first=rows[0][0], last=rows[-1][0], shown=shown))
    return out


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
