"""Read a roster (参赛名单) of contestants from .xlsx or .csv.

A roster has a header row with 准考证号 (or 考号, 工号, 座位号 …), 姓名 and optionally
单位, 密号 (a code table written by ``examgen sheets --anonymize`` is a roster too) and 卷别.
Header names are matched loosely, the header row may sit below a title, and a csv may be
UTF-8 (with or without BOM), GBK/GB18030 as Chinese Excel saves it, or UTF-16.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from examgen.encodings import bad_character, decode_chinese_text
from examgen.errors import Problem, SheetError, raise_if
from examgen.i18n import _, listing
from examgen.inputs import check_zip
from examgen.models import Contestant
from examgen.xlsxio import (
    MAX_TABLE_CELLS,
    TableRow,
    cell_text,
    file_kind,
    normalize_text,
    not_xlsx_problem,
    read_file_bytes,
    read_xlsx_tables,
)

#: Header names for each field, most specific first. A header matches when, normalised, it
#: equals one of these (best) or contains one.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "准考证号", "准考证号码", "准考证", "考号", "考生号", "考生编号", "参赛证号", "参赛号",
        "参赛编号", "选手编号", "选手号", "工号", "员工号", "员工编号", "座位号", "学号", "编号",
        "id", "no",
    ),
    "name": ("姓名", "选手姓名", "考生姓名", "参赛选手", "名字", "选手", "name"),
    "unit": (
        "单位", "工作单位", "所在单位", "参赛单位", "单位名称", "代表队", "参赛队", "队伍", "团队",
        "部门", "班组", "公司", "unit", "team",
    ),
    "code": ("密号", "密码号", "code"),
    "form": ("卷别", "卷型", "试卷类型", "form"),
    "absent": ("缺考", "是否缺考", "考试状态", "参赛状态", "状态", "absent"),
}
_FIELD_NAMES = {
    "id": "准考证号", "name": "姓名", "unit": "单位", "code": "密号", "form": "卷别", "absent": "缺考",
}
#: What a roster's 缺考 / 状态 column says for a contestant who did not sit the paper.
_ABSENT_VALUES = {"缺考", "是", "y", "yes", "1", "√", "✓", "true"}
#: How far down a header row is looked for (a title and notes may stand above it).
_HEADER_SEARCH_ROWS = 20
#: An id Excel has turned into a number and shortened: 1.23457E+17.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class Roster:
    """The contestants of a roster file, in file order, and the form of each when given."""

    path: str
    contestants: tuple[Contestant, ...]
    #: (contestant id, form letter) for each contestant, when the roster has a 卷别 column.
    forms: tuple[tuple[str, str], ...] = ()
    #: Ids of contestants the roster marks 缺考 (a 缺考 or 状态 column).
    absent: tuple[str, ...] = ()

    @property
    def has_codes(self) -> bool:
        """Return whether the roster carries secret codes (密号), i.e. it is a code table."""
        return any(c.code for c in self.contestants)

    def by_id(self) -> dict[str, Contestant]:
        """Return the contestants keyed by id."""
        return {c.id: c for c in self.contestants}

    def by_code(self) -> dict[str, Contestant]:
        """Return the contestants keyed by secret code (only those that have one)."""
        return {c.code: c for c in self.contestants if c.code}

    def form_of(self) -> dict[str, str]:
        """Return the form letter of each contestant id, when the roster says."""
        return dict(self.forms)


def normalize_id(value: object) -> str:
    """Return a contestant id or code as text: full-width digits folded, no ``.0``, trimmed."""
    return normalize_text(cell_text(value))


def read_roster(path: Path) -> Roster:
    """Return the roster at ``path`` (.xlsx or .csv); raise SheetError listing every problem."""
    data = read_file_bytes(path)
    kind = file_kind(data)
    if kind == "xlsx":
        tables = _xlsx_tables(path, data)
    elif kind in ("xls", "encrypted", "ods", "zip"):
        what, hint = not_xlsx_problem(kind, csv=True)
        raise SheetError(what, where=str(path), hint=hint)
    else:
        tables = [("", _csv_rows(path, data))]

    for sheet_name, rows in tables:
        header = _find_header(rows)
        if header is not None:
            return _read_rows(path, sheet_name, rows, header)
    seen = _headers_seen(tables)
    raise SheetError(
        _("no header row with “准考证号” and “姓名” found (first rows: {seen})").format(seen=seen)
        if seen else _("no header row with “准考证号” and “姓名” found (the file is empty)"),
        where=str(path),
        hint=_("put a header row with “准考证号” (or “考号”/“工号”/“座位号”), “姓名” and “单位” above the names"),
    )


def _xlsx_tables(path: Path, data: bytes) -> list[tuple[str, list[TableRow]]]:
    """Return the sheets of the roster workbook ``data`` as read_xlsx_tables reads them.

    Read by calamine when it is a plain table (about 20 times faster, and openpyxl is not
    imported); by openpyxl when it has merged cells, dates or anything calamine may read
    otherwise.
    """
    from examgen.grading.foreign_reader import plain_xlsx_rows  # it imports this module

    check_zip(path, data, SheetError)
    sheets = plain_xlsx_rows(data)
    if sheets is None:
        return read_xlsx_tables(path, data, fill_merged=True)
    tables = []
    for name, rows in sheets:
        columns = max(map(len, rows), default=0)
        if len(rows) * columns > MAX_TABLE_CELLS:
            return read_xlsx_tables(path, data, fill_merged=True)  # which says what is wrong
        tables.append((name, [
            TableRow(str(path), name, number, cells + (None,) * (columns - len(cells)))
            for number, cells in enumerate(rows, start=1)
        ]))
    return tables


def _csv_rows(path: Path, data: bytes) -> list[TableRow]:
    text = _decode_csv(path, data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [
            TableRow(str(path), "", number, tuple(cell or None for cell in row))
            for number, row in enumerate(reader, start=1)
        ]
    except csv.Error as exc:
        raise SheetError(
            _("is not a readable CSV file: {reason}").format(reason=exc), where=str(path),
            hint=_("save it from Excel as 'CSV UTF-8' or as .xlsx"),
        ) from None


def _decode_csv(path: Path, data: bytes) -> str:
    try:
        return decode_chinese_text(data)
    except UnicodeDecodeError:
        raise SheetError(
            _("is neither UTF-8 nor GBK/GB18030 text"),
            where=str(path),
            hint=_("save it from Excel as 'CSV UTF-8' or as .xlsx"),
        ) from None


def _normalize_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", cell_text(value)).lower()
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)  # "(必填)", "【选填】"
    return re.sub(r"[\s*:：_\-/]", "", text)


def _match_columns(cells: tuple[object, ...]) -> dict[str, int]:
    """Return field -> column index for a header row: exact names first, then containing ones."""
    headers = [_normalize_header(c) for c in cells]
    taken: set[int] = set()
    columns: dict[str, int] = {}
    for exact in (True, False):
        for field, aliases in HEADER_ALIASES.items():
            if field in columns:
                continue
            for alias in aliases:
                found = [
                    i for i, h in enumerate(headers)
                    if i not in taken and h and (h == alias if exact else alias in h)
                ]
                if found:
                    columns[field] = found[0]
                    taken.add(found[0])
                    break
    return columns


def _find_header(rows: list[TableRow]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns = _match_columns(row.cells)
        if "id" in columns and ("name" in columns or "code" in columns):
            return index, columns
    return None


def _headers_seen(tables: list[tuple[str, list[TableRow]]]) -> str:
    for _sheet, rows in tables:
        for row in rows[:3]:
            texts = [cell_text(c) for c in row.cells if cell_text(c)]
            if texts:
                return listing(texts[:8])
    return ""


def _read_rows(
    path: Path, sheet_name: str, rows: list[TableRow], header: tuple[int, dict[str, int]]
) -> Roster:
    header_index, columns = header
    problems: list[Problem] = []
    contestants: list[Contestant] = []
    forms: list[tuple[str, str]] = []
    absent: list[str] = []
    first_seen: dict[str, str] = {}
    first_code: dict[str, str] = {}

    def value(row: TableRow, field: str) -> object:
        col = columns.get(field)
        return row.cells[col] if col is not None and col < len(row.cells) else None

    for row in rows[header_index + 1 :]:
        where_of = row.where_of
        raw_id = value(row, "id")
        ident = normalize_id(raw_id)
        name = cell_text(value(row, "name")).strip("\u3000 \t")
        unit = cell_text(value(row, "unit")).strip("\u3000 \t")
        code = normalize_id(value(row, "code"))
        form = normalize_text(cell_text(value(row, "form"))).upper().removesuffix("卷")
        if not any(cell_text(c) for c in row.cells):
            continue  # blank line
        if not ident:
            problems.append(Problem(
                where_of(columns["id"]),
                _("no “准考证号” for {name}").format(name=name or code) if name or code
                else _("no “准考证号” for this row"),
                _("fill in the id, or delete the row"),
            ))
            continue
        if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) and len(ident) > 15:
            problems.append(Problem(
                where_of(columns["id"]),
                _("“准考证号” {id} is stored as a number of more than 15 digits, which Excel "
                  "does not keep exactly").format(id=ident),
                _("format the column as text and type the ids again"),
            ))
            continue
        bad = [(field, b) for field, text in (("id", ident), ("name", name), ("unit", unit), ("code", code))
               if (b := bad_character(text))]
        if bad:
            field, char = bad[0]
            problems.append(Problem(
                where_of(columns[field]), _("holds the control character {char}").format(char=char),
                _("delete it (retype the cell)"),
            ))
            continue
        if _SCIENTIFIC.match(ident):
            problems.append(Problem(
                where_of(columns["id"]),
                _("“准考证号” {id} looks like a long number Excel shortened").format(id=ident),
                _("format the column as text and type the ids again"),
            ))
            continue
        if "name" in columns and not name:
            problems.append(Problem(
                where_of(columns["name"]), _("“准考证号” {id} has no “姓名”").format(id=ident),
                _("fill in the name"),
            ))
        if ident in first_seen:
            problems.append(Problem(
                where_of(columns["id"]),
                _("“准考证号” {id} appears twice (first at {first})").format(id=ident, first=first_seen[ident]),
                _("each contestant must be listed once"),
            ))
            continue
        first_seen[ident] = where_of(columns["id"])
        if "code" in columns:
            if not code:
                problems.append(Problem(
                    where_of(columns["code"]), _("“准考证号” {id} has no “密号”").format(id=ident),
                    _("a code table needs a code for every contestant"),
                ))
            elif code in first_code:
                problems.append(Problem(
                    where_of(columns["code"]),
                    _("“密号” {code} appears twice (first at {first})").format(code=code, first=first_code[code]),
                    _("each secret code must be unique"),
                ))
            else:
                first_code[code] = where_of(columns["code"])
        contestants.append(Contestant(id=ident, name=name, unit=unit, code=code))
        if normalize_text(cell_text(value(row, "absent"))).lower() in _ABSENT_VALUES:
            absent.append(ident)
        if form:
            forms.append((ident, form))
    if not contestants and not problems:
        problems.append(Problem(
            f"{path}" + (f"!{sheet_name}" if sheet_name else ""),
            _("the roster lists no contestants"), _("add one row per contestant below the header"),
        ))
    raise_if(problems, SheetError)
    return Roster(str(path), tuple(contestants), tuple(forms), tuple(absent))
