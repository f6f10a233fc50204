"""Judges' own spreadsheets: find how a grid of cells holds marks, and read them. Pure.

A scoring office receives marks in sheets examgen did not write: the committee's 评分表,
a summary a chief judge typed, one workbook with a sheet per judge, a csv. This module
works on a :class:`Grid` (the cell values of one sheet, read at the edge by
``foreign_reader``) and never guesses silently: :func:`detect_layout` returns how it
reads the grid (a :class:`ForeignLayout`, which ``--explain`` prints) or the ambiguities
it cannot settle, each naming the headers found and the mapping-file line that settles
it; :func:`read_layout` turns a layout into the same :class:`FilledSheet` an examgen
score sheet gives, with the same checks.

Two shapes are understood:

- wide: one row per contestant, one column per question (or per section, where the
  blueprint allows section marks), below title rows, over one or two header rows;
- long: one row per mark, with columns 准考证号 / 评委 / 题号 / 得分 in any order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from examgen.errors import Problem
from examgen.grading.roster import HEADER_ALIASES
from examgen.grading.score_sheets import SheetRow
from examgen.grading.sheet_reader import FilledSheet, parse_mark
from examgen.i18n import N_, _, listing
from examgen.models import GradingRules, Mark, ScoredQuestion, chinese_numeral, format_points
from examgen.xlsxio import cell_number, cell_text, normalize_text
from examgen.xlsxio import column_letters as column_letter  # 0-based: 0 -> A

#: Headers of an id column, exact after normalising (a roster's id names and 密号).
ID_HEADERS = tuple(h for h in HEADER_ALIASES["id"] if h not in ("id", "no")) + ("密号", "密码号")
_NAME_HEADERS = ("姓名", "选手姓名", "考生姓名", "名字", "选手")
_UNIT_HEADERS = ("单位", "工作单位", "所在单位", "参赛单位", "单位名称", "代表队", "参赛队", "部门")
_TOTAL_HEADERS = ("总分", "合计", "总成绩", "得分合计", "总计", "合计得分")
_IGNORED_HEADERS = ("序号", "备注", "说明", "签名", "评委签名", "卷别", "座位号", "性别", "联系电话")
#: Long form: the column of the question and of the mark.
_QUESTION_HEADERS = ("题号", "试题", "题目", "小题", "试题号", "题目编号", "试题编号", "题")
_SCORE_HEADERS = ("得分", "分数", "成绩", "评分", "分值", "打分", "给分")
_JUDGE_HEADERS = ("评委", "评分人", "阅卷人", "评委姓名", "裁判", "评分教师")
#: Rows just below a header that describe the columns rather than contestants.
_META_ROWS = ("满分", "分值", "试题编号", "题目编号", "满分值")
_MAXIMA_WORDS = ("满分", "分值", "满分值")
#: What a judge types for an absent contestant; read like an empty cell (no mark).
ABSENT_WORDS = ("缺考", "缺席", "弃考", "未参加")
#: Sheet names office software gives by default: they name no judge.
_GENERIC_NAME = re.compile(
    r"^(sheet\d*|工作表\d*|评分表?\d*|成绩表?\d*|打分表?|得分表?|汇总表?|总表|数据|marks?|scores?|"
    r"评分汇总|成绩汇总|登分表|统分表|csv)$",
    re.IGNORECASE,
)
#: Words around a judge's name in a sheet or file name: 张三评分表, 评分表-李四.
_NAME_NOISE = re.compile(r"(评分表|评分|成绩表|成绩|打分表|得分表|登分表|的|[-_ ()（）\[\]【】.])")
#: A cell naming the judge: 评委：张三, 评分人 李四.
_JUDGE_CELL = re.compile(r"^(?:评委签名|评委|评分人|阅卷人|评分教师|裁判)(?:姓名)?(?:[:：\s]+(.*))?$")
_FORM_CELL = re.compile(r"^(?:卷别|卷型)[:：\s]*([A-Za-z]?)\s*卷?$|^([A-Za-z])卷$")
#: "(5分)", "（满分10分）", "5分" after a header.
_POINTS = re.compile(r"[(\[【]?\s*(?:满分)?\s*(\d+(?:\.\d+)?)\s*分\s*[)\]】]?$")
_NUMERALS = "一二三四五六七八九十"
_SECTION_NUMBER = re.compile(rf"^\(?([{_NUMERALS}]+)[)、.\-\s]?\(?(\d+)\)?$")
_PLAIN_NUMBER = re.compile(r"^(?:第|题|q|no\.?|#)?(\d+)(?:题|小题)?$", re.IGNORECASE)
_SECTION_ONLY = re.compile(rf"^(?:第|项目|模块)?\(?([{_NUMERALS}]+)\)?(?:大题|部分|项目|模块)?[、.:：\s]?(.*)$")
_TYPE_NAMES = {
    "short_answer": ("简答题", "简答"),
    "case_analysis": ("案例分析题", "案例分析", "案例题"),
    "practical": ("实训操作题", "实训操作", "实操", "实操题", "操作题", "实训"),
    "interview": ("面试题", "面试", "情景题", "情景模拟"),
}
MAP_HINT = N_(
    "run the same command with --explain > map.yaml, complete the lines marked ?, "
    "then grade with --map map.yaml"
)


@dataclass(frozen=True)
class Grid:
    """The cell values of one sheet as read from a file: rows of values, 0-based."""

    path: str
    sheet: str  # "" for a csv file
    rows: tuple[tuple[object, ...], ...]
    #: Sheets of the workbook with a table of marks (1 for csv): the file name can name
    #: the judge only when there is one.
    sheets_in_book: int = 1
    #: (row, col, formula) of cells whose formula refers to another sheet or file.
    outside_formulas: tuple[tuple[int, int, str], ...] = ()

    def value(self, row: int, col: int) -> object:
        """Return the value at (row, col), None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def text(self, row: int, col: int) -> str:
        """Return the value at (row, col) as normalised text."""
        return normalize_text(cell_text(self.value(row, col)))

    def where(self, row: int | None = None, col: int | None = None) -> str:
        """Return ``file!sheet!C5`` (csv: ``file!C5``); the sheet alone without a cell."""
        base = f"{self.path}!{self.sheet}" if self.sheet else self.path
        if row is None or col is None:
            return base
        return f"{base}!{column_letter(col)}{row + 1}"

    @cached_property
    def width(self) -> int:
        """Return the number of columns of the widest row."""
        return max(map(len, self.rows), default=0)


@dataclass(frozen=True)
class SheetMap:
    """What a mapping file (``--map``) says about one sheet; empty fields are detected."""

    judge: str = ""
    form: str = ""
    header_row: int = 0  # 1-based: the last header row; contestants start below it
    id_column: str = ""  # a column letter
    #: Wide: column letter -> question label, question id, section numeral, or "-" to ignore.
    columns: tuple[tuple[str, str], ...] = ()
    #: Long form: column letters of the judge, the question and the mark.
    judge_column: str = ""
    question_column: str = ""
    score_column: str = ""
    skip: bool = False


@dataclass(frozen=True)
class Target:
    """What a column holds: a question's marks, or a whole section's (one mark per section)."""

    label: str  # question label "一.1", or section numeral "三"
    points: Decimal
    section: bool = False

    def question(self, section_of: ScoredQuestion) -> ScoredQuestion:
        """Return the ScoredQuestion a mark for this target is checked against."""
        if not self.section:
            return section_of
        return replace(section_of, label=self.label, id=section_of.section_name, points=self.points)


@dataclass(frozen=True)
class ColumnRead:
    """How one column is read: its header and what it holds (None: ignored, with why)."""

    col: int
    header: str
    target: Target | None
    why: str = ""  # for an ignored column, or how the header was understood


@dataclass(frozen=True)
class ForeignLayout:
    """How a grid holds marks; ``--explain`` prints it and a mapping file can replace it."""

    grid: Grid
    shape: str  # "wide" or "long"
    header_row: int  # 0-based: the last header row
    id_col: int
    id_header: str
    anonymized: bool
    form: str
    judge: str  # "" on a long sheet with a judge column
    judge_source: str
    name_col: int | None = None
    unit_col: int | None = None
    total_col: int | None = None
    #: Wide: the question (or section) columns and the ignored ones.
    columns: tuple[ColumnRead, ...] = ()
    #: Long: the columns of the judge, the question and the mark.
    judge_col: int | None = None
    question_col: int | None = None
    score_col: int | None = None
    #: The 满分 row under the header, if any (checked against the manifest).
    maxima_row: int | None = None
    #: 0-based row where contestants may start (below the header and its 满分 rows).
    first_data_row: int = 0
    notes: tuple[str, ...] = field(default=())


# --- small helpers ----------------------------------------------------------------------


def column_index(letter: str) -> int | None:
    """Return the 0-based column of a letter (A -> 0), None when it is not one."""
    letter = letter.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", letter):
        return None
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


def header_key(value: object) -> str:
    """Return a header as compared: NFKC, no whitespace, lower case."""
    text = unicodedata.normalize("NFKC", cell_text(value)).lower()
    return re.sub(r"\s+", "", text)


def _strip_points(text: str) -> tuple[str, Decimal | None]:
    match = _POINTS.search(text)
    if match and match.start() > 0:
        return text[: match.start()].rstrip("(（[【 "), Decimal(match.group(1))
    return text, None


def _section_of(question: ScoredQuestion) -> str:
    return question.label.partition(".")[0] or chinese_numeral(question.section_number)


def sections_of(questions: tuple[ScoredQuestion, ...]) -> dict[str, list[ScoredQuestion]]:
    """Return section numeral -> its questions, in paper order."""
    sections: dict[str, list[ScoredQuestion]] = {}
    for q in questions:
        sections.setdefault(_section_of(q), []).append(q)
    return sections


def section_marks_allowed(rules: GradingRules) -> bool:
    """Return whether one mark per section may stand for its questions' marks.

    A section mark is the sum of its questions' marks, so only a rule that aggregates
    judges' sums (mean, or any policy applied to section or total sums) gives the same
    result either way; double marking and per-question medians need the questions.
    """
    if rules.policy == "double_marking":
        return False
    # aggregate_on arrives with the rules of issue 9; before it, median and trimmed mean
    # apply question by question.
    return rules.policy == "mean" or getattr(rules, "aggregate_on", "question") in ("section", "total")


def _section_target(text: str, sections: dict[str, list[ScoredQuestion]]) -> str | None:
    """Return the numeral of the section a header names (一, 一、简答题, 实操), or None."""
    if not text:
        return None
    match = _SECTION_ONLY.match(text)
    if match and match.group(1) in sections:
        rest = match.group(2)
        if not rest or _names_section(rest, sections[match.group(1)][0]):
            return match.group(1)
        return None
    found = [s for s, qs in sections.items() if _names_section(text, qs[0])]
    return found[0] if len(found) == 1 else None


def _names_section(text: str, question: ScoredQuestion) -> bool:
    text = _strip_points(re.sub(r"[(\[【].*$", "", text))[0]
    names = {question.section_name, question.section_name.removesuffix("题"), *_TYPE_NAMES.get(question.section_type, ())}
    return text in {header_key(n) for n in names if n}


# --- header parsing ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """What a question header says: a question id, section + number, a plain number, a section."""

    kind: str  # "id", "label", "number", "section", ""
    value: str
    points: Decimal | None


def _parse_header(text: str, questions: tuple[ScoredQuestion, ...], context: str | None) -> _Header:
    """Return what a column header (with the section above it, if any) says."""
    key = header_key(text)
    key, points = _strip_points(key)
    if not key:
        return _Header("", "", points)
    sections = sections_of(questions)
    by_id = {q.id.lower(): q for q in questions}
    if key in by_id:
        return _Header("id", by_id[key].label, points)
    labels = {q.label.lower(): q.label for q in questions}
    if key in labels:
        return _Header("label", labels[key], points)
    shown = {header_key(q.display_label): q.label for q in questions if q.display_label}
    if key in shown:  # as the paper and examgen's sheets name it: 第21题
        return _Header("label", shown[key], points)
    match = _SECTION_NUMBER.match(key)
    if match:
        return _Header("label", f"{match.group(1)}.{int(match.group(2))}", points)
    match = _PLAIN_NUMBER.match(key)
    if match:
        number = int(match.group(1))
        if context:
            return _Header("label", f"{context}.{number}", points)
        return _Header("number", str(number), points)
    section = _section_target(key, sections)
    if section:
        return _Header("section", section, points)
    return _Header("", "", points)


def _resolve(
    headers: list[tuple[int, str, _Header]], questions: tuple[ScoredQuestion, ...],
) -> tuple[list[ColumnRead], list[tuple[int, str, str]]]:
    """Return the column reads of question headers, and (col, header, what) for ambiguities.

    A plain number (1, 第1题, Q1) counts questions in paper order when the numbers are
    exactly 1..N for the N questions; otherwise it must fit one question only.
    """
    by_label = {q.label: q for q in questions}
    sections = sections_of(questions)
    plain = [int(h.value) for _, _, h in headers if h.kind == "number"]
    global_numbering = sorted(plain) == list(range(1, len(questions) + 1))
    reads: list[ColumnRead] = []
    ambiguous: list[tuple[int, str, str]] = []
    for col, text, header in headers:
        if header.kind == "section":
            qs = sections[header.value]
            points = sum((q.points for q in qs), Decimal(0))
            reads.append(ColumnRead(col, text, Target(header.value, points, section=True), "section"))
            continue
        if header.kind == "number":
            number = int(header.value)
            candidates = set()
            if 1 <= number <= len(questions):
                candidates.add(questions[number - 1].label)
            if not global_numbering:
                candidates.update(f"{s}.{number}" for s in sections if f"{s}.{number}" in by_label)
            if len(candidates) != 1:
                order = [q.label for q in questions]
                shown = listing(sorted(candidates, key=order.index))
                ambiguous.append((col, text, (
                    _("header '{header}' fits {shown}") if shown else _("header '{header}' fits no question")
                ).format(header=text, shown=shown)))
                continue
            label = candidates.pop()
        else:
            label = header.value
        question = by_label.get(label)
        if question is None:
            ambiguous.append((col, text, _("header '{header}' names {label}, which is not on the paper").format(
                header=text, label=label)))
            continue
        reads.append(ColumnRead(col, text, Target(label, question.points), header.kind))
    return reads, ambiguous


# --- finding the layout -----------------------------------------------------------------


def has_id_header(grid: Grid) -> bool:
    """Return whether ``grid`` has an id column header (准考证号, 考号 …) near its top."""
    return _find_header_row(grid, SheetMap()) is not None


def _find_header_row(grid: Grid, mapping: SheetMap) -> tuple[int, list[int]] | None:
    """Return (row, id columns) of the first row with an id header, within the first 30 rows."""
    if mapping.header_row and mapping.id_column:
        col = column_index(mapping.id_column)
        return (mapping.header_row - 1, [col]) if col is not None else None
    ids = {header_key(h) for h in ID_HEADERS}
    for r in range(min(len(grid.rows), 30)):
        cols = [c for c in range(len(grid.rows[r])) if _strip_points(header_key(grid.value(r, c)))[0] in ids]
        if cols:
            if mapping.id_column and column_index(mapping.id_column) is not None:
                cols = [column_index(mapping.id_column)]  # type: ignore[list-item]
            return r, cols
    return None


def _find_col(grid: Grid, row: int, names: tuple[str, ...], taken: set[int]) -> int | None:
    keys = {header_key(n) for n in names}
    for c in range(grid.width):
        if c not in taken and _strip_points(header_key(grid.value(row, c)))[0] in keys:
            return c
    return None


def _judge_in_cells(grid: Grid, rows: range) -> list[tuple[str, str]]:
    """Return (judge, where) for each cell in ``rows`` that names the judge (评委：张三)."""
    found = []
    for r in rows:
        for c in range(len(grid.rows[r]) if r < len(grid.rows) else 0):
            match = _JUDGE_CELL.match(grid.text(r, c))
            if not match:
                continue
            # "评委：张三  日期：5月1日" in one cell: the name ends at the next space or label.
            name = re.split(r"\s+|日期|时间|签名", (match.group(1) or "").strip(" _"))[0]
            if not name:
                name = next((grid.text(r, k) for k in range(c + 1, min(c + 4, grid.width)) if grid.text(r, k)), "")
            if name and not _JUDGE_CELL.match(name) and not re.match(r"日期|时间", name):
                found.append((name, grid.where(r, c)))
    return found


def _name_from(text: str) -> str:
    """Return the judge a sheet or file name gives ("" for Sheet1, 评分表, scores)."""
    text = normalize_text(text)
    if not text or _GENERIC_NAME.match(text):
        return ""
    name = _NAME_NOISE.sub("", text)
    return "" if not name or _GENERIC_NAME.match(name) else name


def file_judge(path: str) -> str:
    """Return the judge a file name gives: 张三.xlsx, 评委2.csv, judge-3.ods ("" for scores.xlsx)."""
    stem = re.split(r"[\\/]", path)[-1].rsplit(".", 1)[0]
    name = _name_from(stem)
    # A file name is a judge only when it looks like one: a short Chinese name, or says 评委.
    if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) or re.search(r"评委|judge", name, re.IGNORECASE):
        return name
    return ""


def _choose_judge(grid: Grid, mapping: SheetMap, cells: list[tuple[str, str]]) -> tuple[str, str, str]:
    """Return (judge, source, ambiguity): from the mapping, a cell, the sheet name, the file name."""
    if mapping.judge:
        return mapping.judge, _("the mapping file"), ""
    names = sorted({n for n, _ in cells})
    if len(names) == 1:
        return names[0], _("cell {cell}").format(cell=cells[0][1].rsplit("!", 1)[-1]), ""
    if len(names) > 1:
        places = listing(f"{n} ({w.rsplit('!', 1)[-1]})" for n, w in cells)
        return "", "", _("several cells name a judge: {places}").format(places=places)
    sheet_name = _name_from(grid.sheet)
    if sheet_name:
        return sheet_name, _("the sheet name"), ""
    if grid.sheets_in_book == 1:
        name = file_judge(grid.path)
        if name:
            return name, _("the file name"), ""
    return "", "", _("no cell (“评委：…”), sheet name or file name says who the judge is")


def _choose_form(
    grid: Grid, mapping: SheetMap, forms: dict[str, tuple[ScoredQuestion, ...]], top: int,
    fits: list[str],
) -> tuple[str, str]:
    """Return (form, ambiguity)."""
    if mapping.form:
        letter = mapping.form.upper().removesuffix("卷")
        return (letter, "") if letter in forms else (
            "", _("the mapping names form {form}, not in the manifest").format(form=mapping.form))
    if len(forms) == 1:
        return next(iter(forms)), ""
    for r in range(top):
        for c in range(grid.width):
            match = _FORM_CELL.match(grid.text(r, c))
            if match:
                letter = (match.group(1) or match.group(2) or grid.text(r, c + 1).removesuffix("卷")).upper()
                if letter in forms:
                    return letter, ""
    if len(fits) == 1:
        return fits[0], ""
    return "", _("the columns fit forms {fits} of the manifest ({forms})").format(
        fits=listing(fits) or _("none"), forms=listing(forms))


def detect_layout(
    grid: Grid, forms: dict[str, tuple[ScoredQuestion, ...]], mapping: SheetMap = SheetMap(),
) -> tuple[ForeignLayout | None, list[Problem]]:
    """Return how ``grid`` holds marks and the ambiguities found; (None, []) for no score table.

    A grid without any id header (准考证号, 考号, 选手编号, 参赛号, 编号, 密号 …) is no
    score table: a notes sheet beside the judges' sheets.
    """
    found = _find_header_row(grid, mapping)
    if found is None or mapping.skip:
        return None, []
    row, id_cols = found
    problems: list[Problem] = []
    where = grid.where()
    if len(id_cols) > 1:
        shown = listing(f"{column_letter(c)} '{grid.text(row, c)}'" for c in id_cols)
        problems.append(Problem(
            where, _("two id columns: {shown}").format(shown=shown),
            _("say which in the mapping (`id_column`); {map_hint}").format(map_hint=_(MAP_HINT)),
        ))
        return None, problems
    id_col = id_cols[0]
    id_header = grid.text(row, id_col)
    taken = {id_col}
    judge_col = column_index(mapping.judge_column) if mapping.judge_column else _find_col(grid, row, _JUDGE_HEADERS, taken)
    question_col = column_index(mapping.question_column) if mapping.question_column else _find_col(grid, row, _QUESTION_HEADERS, taken)
    score_col = column_index(mapping.score_column) if mapping.score_column else _find_col(grid, row, _SCORE_HEADERS, taken)
    cells = _judge_in_cells(grid, range(0, row))
    if question_col is not None and score_col is not None and not mapping.columns:
        return _long_layout(grid, forms, mapping, row, id_col, id_header, judge_col, question_col, score_col, cells)

    taken.update(c for c in (judge_col,) if c is not None)
    name_col = _find_col(grid, row, _NAME_HEADERS, taken)
    unit_col = _find_col(grid, row, _UNIT_HEADERS, taken)
    total_col = _find_col(grid, row, _TOTAL_HEADERS, taken)
    taken.update(c for c in (name_col, unit_col, total_col) if c is not None)

    # Two header rows: numbers under section names (merged cells hold the section once).
    second = row + 1
    second_texts = [grid.text(second, c) for c in range(grid.width) if c not in taken]
    # Two header rows only when the first names sections, or a row of marks whose 准考证号
    # is missing would be taken for headers.
    names_sections = any(
        _section_target(header_key(grid.text(row, c)), sections_of(qs))
        for c in range(grid.width) if c not in taken for qs in forms.values()
    )
    two_rows = (
        not mapping.header_row and not grid.text(second, id_col) and any(second_texts)
        and not any(t in _META_ROWS for t in second_texts) and names_sections
    )
    last_header = mapping.header_row - 1 if mapping.header_row else (second if two_rows else row)
    top_row = row if two_rows else row - 1
    # Rows under the header that describe the columns (试题编号, 满分), as on examgen's
    # own sheet saved in another format: the 满分 row is checked against the manifest.
    maxima_row = None
    meta = last_header + 1
    while _is_meta_row(grid, meta, id_col):
        if any(grid.text(meta, c) in _MAXIMA_WORDS for c in range(grid.width)):
            maxima_row = meta
        meta += 1

    fits: list[str] = []
    per_form: dict[str, tuple[list[ColumnRead], list[tuple[int, str, str]]]] = {}
    for letter, questions in forms.items():
        reads, ambiguous = _wide_columns(grid, mapping, questions, taken, last_header, top_row)
        per_form[letter] = (reads, ambiguous)
        labels = {r.target.label for r in reads if r.target}
        if not ambiguous and reads and _covers(labels, questions):
            fits.append(letter)
    form, form_problem = _choose_form(grid, mapping, forms, row, fits)
    if form_problem:
        problems.append(Problem(
            where, form_problem,
            _("say which with “卷别” on the sheet or `form:` in the mapping; {map_hint}").format(map_hint=_(MAP_HINT)),
        ))
        return None, problems
    reads, ambiguous = per_form[form]
    resolved = {r.col for r in reads}
    reads = sorted(reads + [ColumnRead(c, t, None, "? " + w) for c, t, w in ambiguous if c not in resolved],
                   key=lambda r: r.col)
    for col, _text, what in ambiguous:
        problems.append(Problem(
            grid.where(last_header, col), what,
            _("map the column to a question; {map_hint}").format(map_hint=_(MAP_HINT)),
        ))
    judge, source, judge_problem = _choose_judge(grid, mapping, cells + _footer_judges(grid, last_header, id_col))
    if judge_col is not None and not mapping.judge:
        judge, source, judge_problem = "", _("the “评委” column"), ""
    if judge_problem:
        problems.append(Problem(
            where, judge_problem,
            _("type “评委：<name>” above the table, or give `judge:` in the mapping; {map_hint}").format(
                map_hint=_(MAP_HINT)),
        ))
    layout = ForeignLayout(
        grid=grid, shape="wide", header_row=last_header, id_col=id_col, id_header=id_header,
        anonymized=header_key(id_header) in ("密号", "密码号"), form=form, judge=judge,
        judge_source=source, name_col=name_col, unit_col=unit_col, total_col=total_col,
        columns=tuple(reads), maxima_row=maxima_row, first_data_row=meta,
        judge_col=judge_col if not mapping.judge else None,
    )
    if not ambiguous:  # a column still to be mapped would be reported twice
        problems.extend(_column_problems(layout, forms[form]))
    return layout, problems


def _is_meta_row(grid: Grid, row: int, id_col: int) -> bool:
    """Return whether ``row`` describes the columns (试题编号 …, 满分 …) rather than a contestant."""
    if row >= len(grid.rows) or _is_contestant_id(grid.text(row, id_col)):
        return False
    return any(grid.text(row, c) in _META_ROWS for c in range(grid.width))


def _covers(labels: set[str], questions: tuple[ScoredQuestion, ...]) -> bool:
    for section, qs in sections_of(questions).items():
        if section not in labels and not all(q.label in labels for q in qs):
            return False
    return True


def _footer_judges(grid: Grid, last_header: int, id_col: int) -> list[tuple[str, str]]:
    """Return judges named below the table (评委签名：张三), in rows that hold no contestant."""
    rows = [
        r for r in range(last_header + 1, len(grid.rows))
        if grid.rows[r] and not _is_contestant_id(grid.text(r, id_col))
    ]
    return [found for r in rows for found in _judge_in_cells(grid, range(r, r + 1))]


def _wide_columns(
    grid: Grid, mapping: SheetMap, questions: tuple[ScoredQuestion, ...], taken: set[int],
    last_header: int, top_row: int,
) -> tuple[list[ColumnRead], list[tuple[int, str, str]]]:
    """Return how each column right of the contestant columns is read, for one form."""
    if mapping.columns:
        return _mapped_columns(grid, mapping, questions, last_header)
    sections = sections_of(questions)
    headers: list[tuple[int, str, _Header]] = []
    ignored: list[ColumnRead] = []
    not_questions = {header_key(h) for h in _IGNORED_HEADERS + _TOTAL_HEADERS + _NAME_HEADERS + _UNIT_HEADERS}
    context = ""
    for c in range(grid.width):
        # The row above the question headers may name sections over them (merged cells
        # hold the name once, in their first column); it holds until the next name.
        above = grid.text(top_row, c) if 0 <= top_row < last_header else ""
        if c in taken:
            context = ""
            continue
        if above:
            context = above
        section = _section_target(header_key(context), sections) if context else None
        text = grid.text(last_header, c)
        if not text:
            if above and section:
                # A section's name over one column with nothing below: the section's mark.
                headers.append((c, above, _Header("section", section, _strip_points(header_key(above))[1])))
            continue
        if _strip_points(header_key(text))[0] in not_questions:
            ignored.append(ColumnRead(c, text, None, _("not a question")))
            continue
        header = _parse_header(text, questions, section)
        if not header.kind:
            ignored.append(ColumnRead(c, text, None, _("not a question header")))
            continue
        headers.append((c, f"{context} {text}" if section else text, header))
    reads, ambiguous = _resolve(headers, questions)
    points_problems = [(c, t, h) for c, t, h in headers if h.points is not None]
    for col, text, header in points_problems:
        read = next((r for r in reads if r.col == col and r.target), None)
        if read and read.target and header.points != read.target.points:
            ambiguous.append((col, text, _(
                "header '{header}' says {points} points but {label} is worth {manifest_points} in the manifest"
            ).format(header=text, points=format_points(header.points), label=read.target.label,
                     manifest_points=format_points(read.target.points))))
    return sorted(reads + ignored, key=lambda r: r.col), ambiguous


def _mapped_columns(
    grid: Grid, mapping: SheetMap, questions: tuple[ScoredQuestion, ...], last_header: int,
) -> tuple[list[ColumnRead], list[tuple[int, str, str]]]:
    """Return the columns exactly as the mapping file gives them."""
    by_label = {q.label: q for q in questions}
    by_id = {q.id: q for q in questions}
    sections = sections_of(questions)
    reads: list[ColumnRead] = []
    bad: list[tuple[int, str, str]] = []
    for letter, target in mapping.columns:
        col = column_index(letter)
        if col is None:
            bad.append((0, letter, _("'{letter}' in the mapping is not a column letter").format(letter=letter)))
            continue
        header = grid.text(last_header, col)
        target = normalize_text(target)
        if target in ("-", "", "?"):
            if target == "?":
                bad.append((col, header, _("column {letter} ('{header}') is still marked ? in the mapping").format(
                    letter=letter, header=header)))
            else:
                reads.append(ColumnRead(col, header, None, _("ignored by the mapping")))
            continue
        question = by_label.get(target) or by_id.get(target)
        if question is not None:
            reads.append(ColumnRead(col, header, Target(question.label, question.points), "mapping"))
        elif target in sections:
            points = sum((q.points for q in sections[target]), Decimal(0))
            reads.append(ColumnRead(col, header, Target(target, points, section=True), "mapping"))
        else:
            bad.append((col, header, _(
                "the mapping sends column {letter} to '{target}', which is no question or section of the paper"
            ).format(letter=letter, target=target)))
    return reads, bad


def _column_problems(layout: ForeignLayout, questions: tuple[ScoredQuestion, ...]) -> list[Problem]:
    """Return questions with two columns or none, and section/question overlaps."""
    grid = layout.grid
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for read in layout.columns:
        if read.target is None:
            continue
        label = read.target.label
        if label in seen:
            problems.append(Problem(
                grid.where(layout.header_row, read.col),
                _("{label} has two columns ({first} and {second})").format(
                    label=label, first=column_letter(seen[label]), second=column_letter(read.col)),
                _("keep one column per question; {map_hint}").format(map_hint=_(MAP_HINT)),
            ))
        seen.setdefault(label, read.col)
    found = listing(f"{column_letter(r.col)} '{r.header}'" for r in layout.columns) or _("none")
    for section, qs in sections_of(questions).items():
        has_section = section in seen
        present = [q for q in qs if q.label in seen]
        if has_section and present:
            problems.append(Problem(
                grid.where(),
                _("section {section} has a column of its own and columns for {labels}").format(
                    section=section, labels=listing(q.label for q in present)),
                _("keep either the section's total or its questions"),
            ))
        elif not has_section:
            for q in qs:
                if q.label not in seen:
                    problems.append(Problem(
                        grid.where(),
                        _("question {label} ({id}, {points} points) of form {form} has no column "
                          "(headers found: {found})").format(
                            label=q.label, id=q.id, points=format_points(q.points), form=layout.form, found=found),
                        _("add the column or map a column to it; {map_hint}").format(map_hint=_(MAP_HINT)),
                    ))
    return problems


def _long_layout(
    grid: Grid, forms: dict[str, tuple[ScoredQuestion, ...]], mapping: SheetMap, row: int,
    id_col: int, id_header: str, judge_col: int | None, question_col: int, score_col: int,
    cells: list[tuple[str, str]],
) -> tuple[ForeignLayout | None, list[Problem]]:
    problems: list[Problem] = []
    values = {grid.text(r, question_col) for r in range(row + 1, len(grid.rows))} - {""}
    fits = []
    for letter, questions in forms.items():
        reads, ambiguous = _resolve(
            [(question_col, v, _parse_header(v, questions, None)) for v in sorted(values)], questions,
        )
        if not ambiguous and _covers({r.target.label for r in reads if r.target}, questions):
            fits.append(letter)
    form, form_problem = _choose_form(grid, mapping, forms, row, fits)
    if form_problem:
        problems.append(Problem(
            grid.where(), form_problem,
            _("say which with `form:` in the mapping; {map_hint}").format(map_hint=_(MAP_HINT)),
        ))
        return None, problems
    judge, source = "", _("the “评委” column")
    if judge_col is None:
        judge, source, judge_problem = _choose_judge(grid, mapping, cells)
        if judge_problem:
            problems.append(Problem(
                grid.where(), judge_problem,
                _("add a “评委” column or give `judge:` in the mapping; {map_hint}").format(map_hint=_(MAP_HINT)),
            ))
    layout = ForeignLayout(
        grid=grid, shape="long", header_row=row, id_col=id_col, id_header=id_header,
        anonymized=header_key(id_header) in ("密号", "密码号"), form=form, judge=judge,
        judge_source=source, judge_col=judge_col, question_col=question_col, score_col=score_col,
    )
    return layout, problems


# --- reading the marks ------------------------------------------------------------------


def _is_contestant_id(text: str) -> bool:
    """Return whether a cell in the id column holds an id, not a note (合计, 评委签名：)."""
    return bool(re.search(r"[0-9A-Za-z]", text))


def read_layout(
    layout: ForeignLayout, questions: tuple[ScoredQuestion, ...], *, mark_step: Decimal,
    roster_names: dict[str, tuple[str, str]] | None = None,
) -> tuple[list[FilledSheet], list[Problem]]:
    """Return the filled sheets (one per judge) a layout reads, and every problem found.

    ``roster_names`` (key -> (name, unit)) cross-checks the sheet's 姓名 and 单位.
    """
    if layout.shape == "long":
        return _read_long(layout, questions, mark_step)
    grid = layout.grid
    problems: list[Problem] = []
    first_question = {q.label: q for q in questions}
    section_first = {s: qs[0] for s, qs in sections_of(questions).items()}
    targets = [(r.col, r.target) for r in layout.columns if r.target is not None]
    by_judge: dict[str, _JudgeRows] = {}
    key_label = "密号" if layout.anonymized else "准考证号"
    if layout.maxima_row is not None:
        problems.extend(_maxima_problems(layout))
    for r in range(max(layout.first_data_row, layout.header_row + 1), len(grid.rows)):
        if not grid.rows[r]:
            continue  # an empty row (the reader drops empty cells at the end of a row)
        key = grid.text(r, layout.id_col)
        filled = [(c, grid.value(r, c)) for c, _ in targets if cell_text(grid.value(r, c))]
        if not key or not _is_contestant_id(key):
            if filled and any(cell_number(v) is not None for _, v in filled):
                problems.append(Problem(
                    grid.where(r, layout.id_col),
                    _("row {row} has marks but no “{key_label}”").format(row=r + 1, key_label=layout.id_header),
                    _("fill in the “{key_label}” or clear the row").format(key_label=layout.id_header),
                ))
            continue
        # A summary with a 评委 column holds every judge's rows: one sheet per judge.
        judge = grid.text(r, layout.judge_col) if layout.judge_col is not None else layout.judge
        if not judge:
            problems.append(Problem(
                grid.where(r, layout.judge_col or 0), _("row {row} names no judge").format(row=r + 1),
                _("fill in the “评委”"),
            ))
            continue
        bucket = by_judge.setdefault(judge, _JudgeRows())
        where = grid.where(r, layout.id_col)
        if key in bucket.seen:
            problems.append(Problem(
                where,
                _("“{key_label}” {key} appears twice on this sheet for judge {judge} (first at {first})").format(
                    key_label=key_label, key=key, judge=judge, first=bucket.seen[key])
                if layout.judge_col is not None else
                _("“{key_label}” {key} appears twice on this sheet (first at {first})").format(
                    key_label=key_label, key=key, first=bucket.seen[key]),
                _("keep one row per contestant"),
            ))
            continue
        bucket.seen[key] = where
        name = cell_text(grid.value(r, layout.name_col)) if layout.name_col is not None else ""
        unit = cell_text(grid.value(r, layout.unit_col)) if layout.unit_col is not None else ""
        if roster_names is not None and key in roster_names:
            problems.extend(_roster_check(grid, r, layout, key, name, unit, roster_names[key]))
        bucket.rows.append(SheetRow(key, name, unit))
        bucket.row_cells.append(where)
        absent = [c for c, _ in targets if grid.text(r, c) in ABSENT_WORDS]
        if absent:
            marked = [c for c, _ in targets if grid.text(r, c) and c not in absent]
            if marked:
                problems.append(Problem(
                    grid.where(r, absent[0]),
                    _("“{key_label}” {key} is “{absent}” here but has marks in the same row ({cells})").format(
                        key_label=key_label, key=key, absent=grid.text(r, absent[0]),
                        cells=listing(f"{column_letter(c)}{r + 1}" for c in marked)),
                    _("clear the marks if the contestant was absent, or replace “{absent}” by a mark").format(
                        absent="缺考"),
                ))
            else:
                bucket.absent.append((key, grid.where(r, absent[0])))
                bucket.missing.extend((key, t.label, grid.where(r, c)) for c, t in targets)
            continue
        row_sum = Decimal(0)
        complete = True
        for col, target in targets:
            cell = grid.where(r, col)
            base = first_question.get(target.label) or section_first[target.label]
            question = target.question(base)
            value, problem = _cell_mark(grid, r, col, question, mark_step, (key_label, key))
            if problem:
                problems.append(Problem(cell, *problem))
                complete = False
            elif value is None:
                bucket.missing.append((key, target.label, cell))
                complete = False
            else:
                bucket.marks.append(Mark(key, target.label, judge, value, "regular", cell))
                row_sum += value
        if layout.total_col is not None and complete:
            total = cell_number(grid.value(r, layout.total_col))
            if total is not None and total != row_sum:
                problems.append(Problem(
                    grid.where(r, layout.total_col),
                    _("“总分” is {total} but the marks of “{key_label}” {key} add up to {sum}").format(
                        total=format_points(total), key_label=key_label, key=key, sum=format_points(row_sum)),
                    _("correct the mark or the total (or delete the “总分” column)"),
                ))
    if not by_judge and not problems:
        problems.append(Problem(
            grid.where(), _("no rows with a “{key_label}” below the header").format(key_label=layout.id_header),
            _("put one row per contestant below the header"),
        ))
    sheets = [
        _with_absent(FilledSheet(
            path=grid.path, sheet=grid.sheet if layout.judge_col is None else f"{grid.sheet}[{judge}]",
            paper_id="", form=layout.form, judge=judge, kind="regular", anonymized=layout.anonymized,
            rows=tuple(b.rows), row_cells=tuple(b.row_cells), marks=tuple(b.marks), missing=tuple(b.missing),
        ), b.absent)
        for judge, b in by_judge.items()
    ]
    return sheets, problems


def _with_absent(sheet: FilledSheet, absent: list[tuple[str, str]]) -> FilledSheet:
    """Return ``sheet`` with its 缺考 rows recorded as absent, where FilledSheet knows absence.

    Until it does (issue 9 adds ``absent``), an absent contestant's cells stay missing
    marks, as on examgen's own sheets; once it does, they are absent and not missing.
    """
    if not absent or "absent" not in FilledSheet.__dataclass_fields__:
        return sheet
    keys = {key for key, _ in absent}
    missing = tuple(m for m in sheet.missing if m[0] not in keys)
    return replace(sheet, missing=missing, absent=tuple(absent))  # type: ignore[call-arg]


@dataclass
class _JudgeRows:
    """What one judge's rows of a table say, while it is read."""

    rows: list[SheetRow] = field(default_factory=list)
    row_cells: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    absent: list[tuple[str, str]] = field(default_factory=list)


def _cell_mark(
    grid: Grid, row: int, col: int, question: ScoredQuestion, step: Decimal, key: tuple[str, str],
) -> tuple[Decimal | None, tuple[str, str] | None]:
    """Return (mark, None), (None, None) for no mark (empty, 缺考), or (None, problem)."""
    for r, c, formula in grid.outside_formulas:
        if (r, c) == (row, col):
            return None, (_("has the formula {formula}, which refers outside this sheet").format(formula=formula),
                          _("type the mark as a number (copy, paste as values)"))
    value = grid.value(row, col)
    text = normalize_text(cell_text(value))
    if text == "" or text in ABSENT_WORDS:
        return None, None
    number, problem = parse_mark(value, question, step, key)
    return (None, problem) if problem else (number, None)


def _roster_check(
    grid: Grid, row: int, layout: ForeignLayout, key: str, name: str, unit: str,
    expected: tuple[str, str],
) -> list[Problem]:
    problems = []
    for col, given, want, what in ((layout.name_col, name, expected[0], "姓名"), (layout.unit_col, unit, expected[1], "单位")):
        if col is not None and given and want and normalize_text(given) != normalize_text(want):
            problems.append(Problem(
                grid.where(row, col),
                _("“{field}” of {key} is '{given}' here but '{want}' in the roster").format(
                    field=what, key=key, given=given, want=want),
                _("check the “准考证号” of this row and the roster"),
            ))
    return problems


def _maxima_problems(layout: ForeignLayout) -> list[Problem]:
    grid, row = layout.grid, layout.maxima_row
    assert row is not None
    problems = []
    for read in layout.columns:
        if read.target is None:
            continue
        shown = grid.text(row, read.col)
        number = cell_number(grid.value(row, read.col))
        if shown and number != read.target.points:
            problems.append(Problem(
                grid.where(row, read.col),
                _("the maximum of {label} is {shown} on this sheet but {points} in the manifest").format(
                    label=read.target.label, shown=shown, points=format_points(read.target.points)),
                _("check the column's question, or map it; {map_hint}").format(map_hint=_(MAP_HINT)),
            ))
    return problems


def question_values(layout: ForeignLayout, questions: tuple[ScoredQuestion, ...]) -> dict[str, Target]:
    """Return what each value of a long table's question column (题号) stands for."""
    return _question_values(layout, questions)[0]


def _question_values(
    layout: ForeignLayout, questions: tuple[ScoredQuestion, ...],
) -> tuple[dict[str, Target], list[str]]:
    grid, col = layout.grid, layout.question_col
    assert col is not None
    values = sorted({grid.text(r, col) for r in range(layout.header_row + 1, len(grid.rows))} - {""})
    reads, ambiguous = _resolve([(col, v, _parse_header(v, questions, None)) for v in values], questions)
    return {r.header: r.target for r in reads if r.target}, [what for _, _, what in ambiguous]


def _read_long(
    layout: ForeignLayout, questions: tuple[ScoredQuestion, ...], mark_step: Decimal,
) -> tuple[list[FilledSheet], list[Problem]]:
    """Return one filled sheet per judge of a long table (准考证号 / 评委 / 题号 / 得分)."""
    grid = layout.grid
    assert layout.question_col is not None and layout.score_col is not None
    problems: list[Problem] = []
    target_of, ambiguous = _question_values(layout, questions)
    for what in ambiguous:
        problems.append(Problem(grid.where(), what, _("write the question's label (“一.1”) or id in the “题号” column")))
    first_question = {q.label: q for q in questions}
    section_first = {s: qs[0] for s, qs in sections_of(questions).items()}
    key_label = "密号" if layout.anonymized else "准考证号"
    by_judge: dict[str, dict] = defaultdict(lambda: {"rows": {}, "marks": [], "seen": {}})
    for r in range(layout.header_row + 1, len(grid.rows)):
        key = grid.text(r, layout.id_col)
        if not key or not _is_contestant_id(key):
            continue
        judge = grid.text(r, layout.judge_col) if layout.judge_col is not None else layout.judge
        if not judge:
            problems.append(Problem(
                grid.where(r, layout.judge_col or 0), _("row {row} names no judge").format(row=r + 1),
                _("fill in the “评委”"),
            ))
            continue
        qtext = grid.text(r, layout.question_col)
        target = target_of.get(qtext)
        if target is None:
            if qtext == "":
                problems.append(Problem(
                    grid.where(r, layout.question_col), _("row {row} names no question").format(row=r + 1),
                    _("fill in the “题号”"),
                ))
            continue
        slot = by_judge[judge]
        slot["rows"].setdefault(key, grid.where(r, layout.id_col))
        if (key, target.label) in slot["seen"]:
            problems.append(Problem(
                grid.where(r, layout.score_col),
                _("judge {judge} gives “{key_label}” {key} a second mark for {label} (first at {first})").format(
                    judge=judge, key_label=key_label, key=key, label=target.label,
                    first=slot["seen"][(key, target.label)]),
                _("keep one mark per judge, contestant and question"),
            ))
            continue
        slot["seen"][(key, target.label)] = grid.where(r, layout.score_col)
        base = first_question.get(target.label) or section_first[target.label]
        value, problem = _cell_mark(grid, r, layout.score_col, target.question(base), mark_step, (key_label, key))
        if problem:
            problems.append(Problem(grid.where(r, layout.score_col), *problem))
        elif value is not None:
            slot["marks"].append(Mark(key, target.label, judge, value, "regular", grid.where(r, layout.score_col)))
    labels = sorted({t.label for t in target_of.values()}, key=lambda label: [t.label for t in target_of.values()].index(label))
    sheets = []
    for judge, slot in by_judge.items():
        keys = list(slot["rows"])
        given = {(m.contestant_id, m.question_label) for m in slot["marks"]}
        missing = tuple(
            (k, label, slot["rows"][k]) for k in keys for label in labels if (k, label) not in given
        )
        sheets.append(FilledSheet(
            path=grid.path, sheet=f"{grid.sheet}[{judge}]" if grid.sheet else f"[{judge}]", paper_id="",
            form=layout.form, judge=judge, kind="regular", anonymized=layout.anonymized,
            rows=tuple(SheetRow(k) for k in keys), row_cells=tuple(slot["rows"][k] for k in keys),
            marks=tuple(slot["marks"]), missing=missing,
        ))
    if not sheets and not problems:
        problems.append(Problem(grid.where(), _("no rows with marks below the header"), _("one row per mark")))
    return sheets, problems


# --- marks per section ------------------------------------------------------------------


def fold_section_marks(
    forms: dict[str, tuple[ScoredQuestion, ...]], filled: list[FilledSheet], rules: GradingRules,
) -> tuple[dict[str, tuple[ScoredQuestion, ...]], list[FilledSheet], list[Problem]]:
    """Return the forms and sheets with sections marked as a whole on any sheet folded.

    When one judge gives a section one mark (实操 评分表 with one total per 项目), every
    judge's marks of that section become one mark, the sum of its questions' marks, and
    the section stands as one question; the blueprint must allow it
    (:func:`section_marks_allowed`).
    """
    problems: list[Problem] = []
    new_forms = dict(forms)
    result = list(filled)
    for letter, questions in forms.items():
        sections = sections_of(questions)
        sheets = [i for i, s in enumerate(filled) if s.form == letter]
        folded = {m.question_label for i in sheets for m in filled[i].marks if m.question_label in sections}
        folded |= {label for i in sheets for _, label, _ in filled[i].missing if label in sections}
        if not folded:
            continue
        if not section_marks_allowed(rules):
            for i in sheets:
                if any(m.question_label in sections for m in filled[i].marks):
                    problems.append(Problem(
                        f"{filled[i].path}!{filled[i].sheet}" if filled[i].sheet else filled[i].path,
                        _("gives one mark per section ({sections}), but the policy `{policy}` needs a mark per question").format(
                            sections=listing(sorted(folded)), policy=rules.policy),
                        _("mark each question, or use a blueprint whose grading allows section marks"),
                    ))
            continue
        new_questions: list[ScoredQuestion] = []
        for section, qs in sections.items():
            if section in folded:
                points = sum((q.points for q in qs), Decimal(0))
                new_questions.append(replace(qs[0], label=section, id=qs[0].section_name, points=points))
            else:
                new_questions.extend(qs)
        new_forms[letter] = tuple(new_questions)
        for i in sheets:
            result[i] = _fold_sheet(filled[i], {s: sections[s] for s in folded})
    return new_forms, result, problems


def _fold_sheet(sheet: FilledSheet, sections: dict[str, list[ScoredQuestion]]) -> FilledSheet:
    section_of = {q.label: s for s, qs in sections.items() for q in qs}
    marks: list[Mark] = []
    sums: dict[tuple[str, str], list[Mark]] = defaultdict(list)
    for mark in sheet.marks:
        section = section_of.get(mark.question_label)
        if section is None:
            marks.append(mark)
        else:
            sums[(mark.contestant_id, section)].append(mark)
    missing = [m for m in sheet.missing if m[1] not in section_of]
    gaps = {(k, section_of[label]): where for k, label, where in sheet.missing if label in section_of}
    for (key, section), parts in sums.items():
        if (key, section) in gaps:
            continue
        total = sum((m.value for m in parts), Decimal(0))
        marks.append(Mark(key, section, parts[0].judge, total, parts[0].kind, parts[0].where))
    for (key, section), where in gaps.items():
        missing.append((key, section, where))
    return replace(sheet, marks=tuple(marks), missing=tuple(missing))
