"""Excel workbooks at the lowest level: detect, read safely, write deterministically.

Shared by the bank (import and export of question lists) and grading (rosters, score
sheets, results). Reading never changes a file: it is read into memory once and openpyxl
parses the copy. Writing is deterministic: fixed workbook properties and zip timestamps,
so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from examgen.errors import ExamgenError, SheetError
from examgen.i18n import _, colon, listing
from examgen.inputs import check_zip, read_input
from examgen.numbers import to_decimal
from examgen.outputs import restamp_zip

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

# openpyxl (which pulls in numpy and PIL) is imported where a workbook is read or written
# with it, not here: grading examgen's own sheets reads them with calamine and writes
# results.xlsx with examgen.xlsx_writer, and need not load it at all.

#: What an old Excel 97-2003 file (and any OLE2 compound document) starts with.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream name (UTF-16) inside an OLE2 file that holds an encrypted .xlsx or .docx.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
#: A zip timestamp that is the same on every machine (the earliest zip allows).
log = logging.getLogger("examgen")
#: Characters that make Excel treat typed text as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")


def file_kind(data: bytes) -> str:
    """Return ``"xlsx"``, ``"xls"``, ``"encrypted"``, ``"ods"``, ``"zip"`` or ``"other"``."""
    if data.startswith(_OLE2_MAGIC):
        # A password-protected .xlsx is an OLE2 file holding the encrypted package.
        return "encrypted" if _ENCRYPTED_PACKAGE in data else "xls"
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
    return read_input(path, error)


def not_xlsx_problem(kind: str, *, csv: bool = False) -> tuple[str, str]:
    """Return (what, hint) for a file of ``kind`` (see file_kind) that should be .xlsx.

    With ``csv``, the hint offers CSV too (for inputs such as rosters that may be either).
    """
    if kind == "xls":
        return (
            _("is an old Excel 97-2003 workbook (.xls), which examgen cannot read"),
            _("open it in Excel, WPS or LibreOffice and save it as Excel Workbook (.xlsx), or as CSV") if csv
            else _("open it in Excel, WPS or LibreOffice and save it as Excel Workbook (.xlsx)"),
        )
    if kind == "encrypted":
        return (
            _("is protected by a password (encrypted), so examgen cannot read it"),
            _("open it in Excel or WPS, remove the password (File › Info › Protect), and save it, or save it as CSV") if csv
            else _("open it in Excel or WPS, remove the password (File › Info › Protect), and save it"),
        )
    if kind == "ods":
        return (
            _("is an OpenDocument spreadsheet (.ods), which examgen cannot read"),
            _("save it as Excel Workbook (.xlsx), or as CSV") if csv else _("save it as Excel Workbook (.xlsx)"),
        )
    return (
        _("is not an Excel workbook (.xlsx)"),
        _("save it as Excel Workbook (.xlsx), or as CSV") if csv else _("save it as Excel Workbook (.xlsx)"),
    )


#: A cell's or a formula's start tag, with or without a namespace prefix (not <fill>, <col>, …).
_CELL_OR_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|f)(?=[\s/>])([^>]*)")
_CELL_REFERENCE = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?=[\s/>])")
#: A cell's start tag directly followed by a formula's (its first child, as Excel writes it).
_CELL_THEN_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?f(?=[\s/>])")


def formula_cells(data: bytes) -> set[tuple[int, int]] | None:
    """Return (row, column), 1-based, of every cell of any sheet of .xlsx ``data`` with a formula.

    None when a formula cannot be placed (a cell without its reference) or a part declares
    a DTD (openpyxl refuses those, entity bombs among them) or is not well-formed XML (a
    damaged file, which a lenient reader would read in part): read it another way.
    """
    found: set[tuple[int, int]] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(".xml"):
                continue
            part = archive.read(info)
            if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                return None
            try:
                expat.ParserCreate().Parse(part, True)
            except expat.ExpatError:
                return None
            formulas = len(_FORMULA.findall(part))
            if not formulas:
                continue
            # The usual layout, a formula first in its cell, found in one pass; anything
            # else (a formula elsewhere in a cell, or outside one) by the tag-by-tag scan.
            direct = [_CELL_REFERENCE.search(m.group(1)) for m in _CELL_THEN_FORMULA.finditer(part)]
            if len(direct) == formulas and all(direct):
                found.update((int(r.group(2)), column_index_from_string(r.group(1).decode())) for r in direct)
                continue
            cell = None
            for match in _CELL_OR_FORMULA.finditer(part):
                if match.group(1) == b"c":
                    reference = _CELL_REFERENCE.search(match.group(2))
                    cell = (int(reference.group(2)), column_index_from_string(reference.group(1).decode())) if reference else None
                elif cell is None:
                    return None
                else:
                    found.add(cell)
    return found


def load_workbook_bytes(path: Path, data: bytes, *, data_only: bool, read_only: bool = False) -> Workbook:
    """Return the workbook ``data`` read from ``path``; raise SheetError when it is no readable .xlsx.

    ``read_only`` reads cells lazily, as asked for (close the workbook after use).
    """
    kind = file_kind(data)
    if kind != "xlsx":
        what, hint = not_xlsx_problem(kind)
        raise SheetError(what, where=str(path), hint=hint)
    check_zip(path, data, SheetError)
    from openpyxl import load_workbook

    try:
        # openpyxl warns about parts it drops when reading (extensions, odd styles); the file
        # is only read, so those warnings tell the user nothing.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=data_only, read_only=read_only)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise SheetError(
            _("cannot be read as an .xlsx workbook ({error})").format(error=f"{type(exc).__name__}: {' '.join(str(exc).split())}"),
            where=str(path),
            hint=_("open it in Excel, WPS or LibreOffice and save it again as .xlsx"),
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


def set_header(cell: Cell, value: str) -> None:
    """Write a column header: text, bold, shaded, centred, boxed."""
    styles = _styles()
    set_text(cell, value)
    cell.font = styles["BOLD"]
    cell.fill = styles["HEADER_FILL"]
    cell.alignment = styles["CENTER"]
    cell.border = styles["BORDER"]


def workbook_bytes(workbook: Workbook, *, timestamp: datetime.datetime) -> bytes:
    """Return ``workbook`` as .xlsx bytes that depend only on its content and ``timestamp``."""
    properties = workbook.properties
    properties.created = timestamp
    properties.modified = timestamp
    properties.creator = "examgen"
    properties.lastModifiedBy = "examgen"
    from openpyxl.writer.excel import ExcelWriter

    for sheet in workbook.worksheets:
        print_setup(sheet)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, unlike Workbook.save, does not stamp the current time into the file.
        ExcelWriter(workbook, archive).save()
    return restamp_zip(buffer.getvalue())


def table_workbook_bytes(
    sheet_title: str,
    heading: str,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str]],
    *,
    timestamp: datetime.datetime,
) -> bytes:
    """Return an .xlsx of one table: a bold heading, then header ``columns`` (label, width) and text ``rows``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title
    set_text(ws.cell(1, 1), heading)
    ws.cell(1, 1).font = Font(bold=True, size=12)  # not merged: a roster reader reads the table as is
    for col, (label, width) in enumerate(columns, start=1):
        set_header(ws.cell(2, col), label)
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row, start=1):
            set_text(ws.cell(r, col), value)
            ws.cell(r, col).border = _styles()["BORDER"]
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    return workbook_bytes(workbook, timestamp=timestamp)


def print_setup(ws) -> None:
    """Print a sheet on A4 landscape, one page wide, unless it was set up already."""
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        return
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # Worksheet.PAPERSIZE_A4, a constant write-only sheets lack
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


def read_xlsx_tables(
    path: Path, data: bytes, *, fill_merged: bool = False
) -> list[tuple[str, list[TableRow]]]:
    """Return every sheet of the workbook ``data`` (read from ``path``) as (name, rows).

    With ``fill_merged``, every cell of a merged range holds the value of its top-left
    cell (a 单位 merged over several rows belongs to each of them); a warning says so.
    """
    workbook = load_workbook_bytes(path, data, data_only=True)
    tables = []
    for sheet in workbook.worksheets:
        cells = {key: cell.value for key, cell in sheet._cells.items() if cell.value is not None}
        if fill_merged:
            _fill_merged(path, sheet, cells)
        # Only over the cells that hold something: a lone cell at row 1,048,576 must not
        # make a million empty rows.
        rows_used = max((r for r, _ in cells), default=0)
        columns = max((c for _, c in cells), default=0)
        if rows_used * columns > MAX_TABLE_CELLS:
            raise SheetError(
                _("sheet {sheet} has data as far as {cell}, more than examgen reads ({limit:,} cells)").format(
                    sheet=sheet.title, cell=f"{get_column_letter(columns)}{max(rows_used, 1)}", limit=MAX_TABLE_CELLS),
                where=str(path),
                hint=_("delete the far-away cells (Ctrl+End shows the last one) and save"),
            )
        values: dict[int, list[object]] = {}
        for (r, c), value in cells.items():
            values.setdefault(r, [None] * columns)[c - 1] = value
        rows = [
            TableRow(str(path), sheet.title, number, tuple(values.get(number) or (None,) * columns))
            for number in range(1, rows_used + 1)
        ]
        tables.append((sheet.title, rows))
    return tables


def _fill_merged(path: Path, sheet, cells: dict[tuple[int, int], object]) -> None:
    filled = []
    for merged in sheet.merged_cells.ranges:
        top_left = cells.get((merged.min_row, merged.min_col))
        if top_left is None or merged.size["rows"] * merged.size["columns"] > MAX_TABLE_CELLS:
            continue
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                cells.setdefault((r, c), top_left)
        filled.append(merged.coord)
    if filled:
        shown = listing(filled[:5] + (["…"] if len(filled) > 5 else []))
        log.warning(
            f"{path}!{sheet.title}{colon()}"
            + _("merged cells {cells} were read as the value of their top-left cell in every row").format(cells=shown)
        )


#: Most cells (rows × columns of the data range) a table read from a sheet may span.
MAX_TABLE_CELLS = 2_000_000


def data_extent(sheet) -> tuple[int, int]:
    """Return (last row, last column) of the cells of ``sheet`` that hold a value.

    Unlike ``max_row``/``max_column`` this ignores empty formatted cells, and reading it
    creates no cells.
    """
    rows = columns = 0
    for (r, c), cell in sheet._cells.items():
        if cell.value is not None:
            rows, columns = max(rows, r), max(columns, c)
    return rows, columns



#: Cell styles shared by every workbook examgen writes with openpyxl: THIN, BORDER,
#: HEADER_FILL, BOLD, CENTER, made when first asked for (``from examgen.xlsxio import BORDER``).
_STYLES: dict[str, object] = {}


def _styles() -> dict[str, object]:
    if not _STYLES:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="808080")
        _STYLES.update(
            THIN=thin,
            BORDER=Border(left=thin, right=thin, top=thin, bottom=thin),
            HEADER_FILL=PatternFill("solid", fgColor="DDEBF7"),
            BOLD=Font(bold=True),
            CENTER=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    return _STYLES


def __getattr__(name: str) -> object:
    if name in ("THIN", "BORDER", "HEADER_FILL", "BOLD", "CENTER"):
        return _styles()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def column_letters(index: int) -> str:
    """Return the letters of 0-based column ``index`` (0 → A, 26 → AA), however far right it is."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def get_column_letter(column: int) -> str:
    """Return the letters of 1-based ``column`` (1 → A, 27 → AA), as openpyxl's function of that name."""
    if not 1 <= column <= 18278:
        raise ValueError(f"Invalid column index {column}")
    return column_letters(column - 1)


def column_index_from_string(letters: str) -> int:
    """Return the 1-based index of column ``letters`` (A → 1, AA → 27)."""
    if not 1 <= len(letters) <= 3:
        raise ValueError(f"{letters} is not a valid column name")
    index = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            raise ValueError(f"{letters} is not a valid column name")
        index = index * 26 + ord(letter) - 64
    return index

