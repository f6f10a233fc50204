"""Turn spreadsheet tables (.xlsx sheets, .csv) into parsed questions (pure).

A sheet with a header row (题目 / 答案 / 分值 …, in any order) gives one question per row.
A sheet written by ``examgen bank export`` (its exact header) is taken as written, so that
export → edit → import gives the same bank back. A sheet without a header is read as text,
cell by cell, row by row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from examgen.bank.importer import markers as mk
from examgen.bank.importer import objective as ob
from examgen.bank.importer.model import (
    Line,
    ParsedDocument,
    ParsedKeyPoint,
    ParsedQuestion,
    Piece,
    SourceDocument,
    SourceLine,
    SourceTable,
    Stretch,
)
from examgen.bank.importer.normalise import normalise_line, simplified_shadow, verbatim_line
from examgen.bank.importer.parser import (
    AnswerItem,
    KeyPointNumbers,
    parse_document,
    split_answer,
    split_piece,
    split_stem,
    take_pattern,
)
from examgen.i18n import N_, _
from examgen.models import OPTION_LETTERS, QUESTION_TYPES

#: The columns of an exported bank sheet: field and header, in this order.
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("type", "题型"),
    ("topic", "主题"),
    ("difficulty", "难度"),
    ("points", "分值"),
    ("stem", "材料"),
    ("question", "问题"),
    ("key_points", "答案要点"),
    ("analysis", "解析"),
    ("source", "来源"),
    ("tags", "标签"),
    # Objective questions: one option per line (``A．…``), and the answer (``ACD``, ``√``).
    ("options", "选项"),
    ("answer", "答案"),
)
#: Columns an export made before objective questions had (it still reads back).
EXPORT_COLUMNS_BEFORE_OBJECTIVE = len(EXPORT_COLUMNS) - 2
#: The label of an exported option line: ``A．``.
EXPORT_OPTION_LABEL = re.compile(r"^([A-H])．")
#: A key point in an exported sheet: its text, then its points: ``text（2分）``.
EXPORT_KEY_POINT = re.compile(r"（(\d+(?:\.\d+)?)分）\s*$")

#: Header words of other people's sheets, by field.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "试题编号", "题目编号", "id"),
    "number": ("序号", "题号", "no", "no."),
    "type": ("题型", "类型", "题目类型", "试题类型", "type"),
    "topic": ("主题", "知识点", "考点", "模块", "分类", "类别", "topic"),
    "difficulty": ("难度", "难度系数", "难易程度", "difficulty"),
    "points": ("分值", "分数", "满分", "本题分值", "points", "score"),
    "stem": ("材料", "案例", "背景", "案例材料", "背景材料", "情景", "情境", "stem"),
    "question": ("题目", "问题", "试题", "题干", "题目内容", "问题内容", "面试题", "question"),
    "key_points": (
        "答案",
        "参考答案",
        "答案要点",
        "评分要点",
        "要点",
        "答题要点",
        "参考答案要点",
        "key_points",
        "answer",
    ),
    "analysis": ("解析", "答案解析", "试题解析", "说明", "analysis"),
    "source": ("来源", "出处", "source"),
    "tags": ("标签", "关键词", "tags"),
}
_TYPE_NAMES = {name: qtype for qtype, name in QUESTION_TYPES.items()}
#: The header of an option column: 选项A, A, A选项.
_OPTION_HEADER = re.compile(r"^(?:选项)?([a-h])(?:选项)?$")

SKIP_TITLE = N_("title above the header row")
SKIP_COLUMN = N_("column not recognised ({header})")
SKIP_NO_QUESTION = N_("this row has no question")


def parse_table_document(document: SourceDocument) -> list[ParsedDocument]:
    """Return one parsed document per table (sheet) of a spreadsheet document."""
    results: list[ParsedDocument] = []
    for table in document.tables:
        name = document.name if len(document.tables) == 1 else f"{document.name}!{table.name}"
        header_row, columns, verbatim = _find_header(table)
        if header_row is None:
            results.append(_parse_as_text(document, table, name))
        else:
            results.append(_parse_rows(document, table, name, header_row, columns, verbatim))
    return results


def _header_key(text: str) -> str:
    return re.sub(r"[\s*：:（）()]", "", simplified_shadow(text)).lower()


def _find_header(table: SourceTable) -> tuple[int | None, dict[int, str], bool]:
    """Return (row index, column → field, is an exported sheet) of the header row, if any."""
    export = [header for _, header in EXPORT_COLUMNS]
    words = {w.lower(): f for f, names in HEADER_WORDS.items() for w in names}
    for index, row in enumerate(table.rows[:15]):
        texts = [cell.text.strip() if cell else "" for cell in row]
        while texts and not texts[-1]:
            texts.pop()
        if texts and len(texts) >= EXPORT_COLUMNS_BEFORE_OBJECTIVE and texts == export[: len(texts)]:
            return index, {c: f for c, (f, _) in enumerate(EXPORT_COLUMNS[: len(texts)])}, True
        columns: dict[int, str] = {}
        for c, text in enumerate(texts):
            found = words.get(_header_key(text)) if text else None
            option = _OPTION_HEADER.match(_header_key(text)) if text else None
            if option:
                found = f"option_{option.group(1).upper()}"
            if found and found not in columns.values():
                columns[c] = found
        if "question" in columns.values() and len(columns) >= 2:
            return index, columns, False
    return None, {}, False


def _cell_lines(cell: SourceLine, verbatim: bool) -> list[Line]:
    parts = cell.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    make = verbatim_line if verbatim else normalise_line
    return [make(SourceLine(part, cell.where, cell.number)) for part in parts]


def _parse_as_text(document: SourceDocument, table: SourceTable, name: str) -> ParsedDocument:
    cells = [cell for row in table.rows for cell in row if cell is not None]
    lines: list[Line] = []
    for cell in cells:
        lines.extend(_cell_lines(cell, verbatim=False))
    parsed = parse_document(document.path, document.name, document.unit, lines)
    return replace(parsed, path=name)


class _Rows:
    """Collects the lines of a sheet and what each cell became."""

    def __init__(self, verbatim: bool) -> None:
        self.verbatim = verbatim
        self.lines: list[Line] = []
        self.skipped: list[Stretch] = []
        self.consumed: list[Piece] = []

    def add(self, cell: SourceLine) -> list[Piece]:
        """Return the pieces (one per non-blank line) of a cell, its lines added to the sheet."""
        pieces: list[Piece] = []
        for line in _cell_lines(cell, self.verbatim):
            self.lines.append(line)
            index = len(self.lines) - 1
            if line.text.strip():
                pieces.append(Piece(index, 0, len(line.text), line.text))
        return pieces

    def skip(self, reason: str, pieces: list[Piece], where: str) -> None:
        if pieces:
            self.skipped.append(Stretch(reason, where, tuple(pieces)))


def _parse_rows(
    document: SourceDocument,
    table: SourceTable,
    name: str,
    header_row: int,
    columns: dict[int, str],
    verbatim: bool,
) -> ParsedDocument:
    rows = _Rows(verbatim)
    questions: list[ParsedQuestion] = []
    for index, row in enumerate(table.rows):
        cells = {c: cell for c, cell in enumerate(row) if cell is not None and cell.text.strip()}
        if not cells:
            continue
        if index < header_row:
            for cell in cells.values():
                rows.skip(SKIP_TITLE, rows.add(cell), cell.where)
            continue
        if index == header_row:
            # Header cells are structure, known or not; an unknown column's cells are skipped.
            for cell in cells.values():
                rows.consumed.extend(rows.add(cell))
            continue
        fields: dict[str, list[Piece]] = {}
        where = next(iter(cells.values())).where
        for c, cell in sorted(cells.items()):
            pieces = rows.add(cell)
            if c not in columns:
                header = table.rows[header_row][c]
                label = header.text.strip() if header else _("column {number}").format(number=c + 1)
                rows.skip(_(SKIP_COLUMN).format(header=label), pieces, cell.where)
                continue
            fields[columns[c]] = pieces
        question = _row_question(document.name, where, fields, rows.lines, verbatim)
        if question is None:
            everything = sorted((p for ps in fields.values() for p in ps), key=lambda p: p.line)
            rows.skip(SKIP_NO_QUESTION, everything, where)
        else:
            questions.append(question)
    return ParsedDocument(
        path=name,
        name=document.name,
        unit=document.unit,
        lines=tuple(rows.lines),
        questions=tuple(questions),
        skipped=tuple(rows.skipped),
        consumed=tuple(rows.consumed),
    )


def _joined(pieces: Sequence[Piece]) -> str:
    return "\n".join(p.text for p in pieces).strip()


def _row_question(
    file: str, where: str, fields: dict[str, list[Piece]], lines: list[Line], verbatim: bool
) -> ParsedQuestion | None:
    question = list(fields.get("question", []))
    stem = list(fields.get("stem", []))
    if not question and not stem:
        return None
    metadata: list[Piece] = []
    markers: list[Piece] = []
    for key in ("id", "number", "type", "topic", "difficulty", "points", "source", "tags"):
        metadata.extend(fields.get(key, []))
    points = _number(_joined(fields.get("points", [])))
    difficulty_value = _number(_joined(fields.get("difficulty", [])))
    difficulty = int(difficulty_value) if difficulty_value is not None and difficulty_value == int(difficulty_value) else None
    type_text = _joined(fields.get("type", []))
    if verbatim:
        qtype = _TYPE_NAMES.get(type_text, type_text) or None
        key_points = _export_key_points(fields.get("key_points", []), lines, markers)
        options = []
        for piece in fields.get("options", []):
            label = EXPORT_OPTION_LABEL.match(piece.text)
            if label:  # the label A． is structure, the rest the option
                found, piece = split_piece(piece, 0, label.end())[1:]
                markers.append(found)
            if piece.text.strip():
                options.append((piece,))
        answer_pieces = fields.get("answer", [])
        choice = ob.answer_in_text(_joined(answer_pieces))
        markers.extend(answer_pieces)
        return ParsedQuestion(
            file=file,
            where=where,
            stem=tuple(stem),
            question=tuple(question),
            key_points=tuple(key_points),
            analysis=tuple(fields.get("analysis", [])),
            markers=tuple(markers),
            points=points,
            answer="marked" if key_points or choice else "",
            options=tuple(options),
            choice=choice,
            id=_joined(fields.get("id", [])),
            type=qtype,
            topic=_joined(fields.get("topic", [])),
            difficulty=difficulty,
            tags=tuple(p.text.strip() for p in fields.get("tags", [])),
            source=_joined(fields.get("source", [])),
            verbatim=True,
            metadata=tuple(metadata),
        )
    # Someone else's sheet: numbers, labels and point notes inside cells are markers.
    question, found = _leading_marker(question, lines)
    markers.extend(found)
    if not question:
        stem, found = _leading_marker(stem, lines)
        markers.extend(found)
    for region in (question, stem):
        if points is None:
            kept, found, value = take_pattern(region, lines, mk.QUESTION_POINTS)
            region[:] = kept
            markers.extend(found)
            points = value
    if "stem" not in fields:
        stem, question = split_stem(question, None, lines)
    answer, found = _leading_label(fields.get("key_points", []), lines)
    markers.extend(found)
    options = tuple(
        tuple(fields[f"option_{letter}"]) for letter in OPTION_LETTERS if fields.get(f"option_{letter}")
    )
    choice = ob.answer_in_text(_joined(answer)) if answer else ""
    if choice and (options or choice in ("true", "false")):
        # 答案 B (or 错) beside option columns: an objective answer, not a key point.
        markers.extend(answer)
        answer = []
    else:
        choice = ""
    key_points, lead_in, kp_markers = split_answer(_answer_items(answer, lines), lines)
    markers.extend(kp_markers)
    analysis = [*lead_in, *fields.get("analysis", [])]
    qtype = None
    if type_text:
        qtype = _TYPE_NAMES.get(type_text) or (type_text if type_text in QUESTION_TYPES else None)
        qtype = qtype or mk.type_from_words(simplified_shadow(type_text))[0]
    tags = tuple(t.strip() for p in fields.get("tags", []) for t in re.split(r"[、，,；;]", p.text) if t.strip())
    return ParsedQuestion(
        file=file,
        where=where,
        stem=tuple(stem),
        question=tuple(question),
        key_points=tuple(key_points),
        analysis=tuple(analysis),
        markers=tuple(markers),
        points=points,
        answer="marked" if key_points or choice else "",
        type=qtype,
        options=options,
        choice=choice,
        topic=_joined(fields.get("topic", [])),
        difficulty=difficulty if difficulty is not None and 1 <= difficulty <= 5 else None,
        tags=tags,
        metadata=tuple(metadata),
    )


def _number(text: str) -> Decimal | None:
    text = text.strip()
    text = re.sub(r"\s*分$", "", text)
    return mk.decimal_number(text) if text else None


def _export_key_points(
    pieces: Sequence[Piece], lines: list[Line], markers: list[Piece]
) -> list[ParsedKeyPoint]:
    """Return the key points of an exported cell: one per line, ``text（2分）``."""
    key_points: list[ParsedKeyPoint] = []
    for piece in pieces:
        match = EXPORT_KEY_POINT.search(piece.text)
        if match is None:
            key_points.append(ParsedKeyPoint((piece,), None))
            continue
        text = Piece(piece.line, piece.start, piece.start + match.start(), piece.text[: match.start()])
        note = Piece(piece.line, piece.start + match.start(), piece.end, piece.text[match.start() :])
        markers.append(note)
        key_points.append(ParsedKeyPoint((text,), Decimal(match.group(1))))
    return key_points


def _leading_marker(pieces: list[Piece], lines: list[Line]) -> tuple[list[Piece], list[Piece]]:
    """Return a cell's pieces without the question number it starts with (``1、``), and the number."""
    if not pieces:
        return pieces, []
    first = pieces[0]
    shadow = lines[first.line].shadow
    start = len(shadow) - len(shadow.lstrip())
    marker = mk.marker_at(shadow, start) if start < len(shadow) else None
    if marker is None or marker.kind not in ("num", "ask"):
        return pieces, []
    found = Piece(first.line, first.start, marker.end, first.text[: marker.end])
    rest = Piece(first.line, marker.end, first.end, first.text[marker.end :])
    return ([rest] if rest.text.strip() else []) + pieces[1:], [found]


def _leading_label(pieces: Sequence[Piece], lines: list[Line]) -> tuple[list[Piece], list[Piece]]:
    """Return an answer cell without a leading 答： / 参考答案：, and the label."""
    pieces = list(pieces)
    if not pieces:
        return pieces, []
    first = pieces[0]
    shadow = lines[first.line].shadow
    start = len(shadow) - len(shadow.lstrip())
    marker = mk.marker_at(shadow, start) if start < len(shadow) else None
    if marker is None or marker.kind != "answer":
        return pieces, []
    found = Piece(first.line, first.start, marker.end, first.text[: marker.end])
    rest = Piece(first.line, marker.end, first.end, first.text[marker.end :])
    return ([rest] if rest.text.strip() else []) + pieces[1:], [found]


def _answer_items(pieces: Sequence[Piece], lines: list[Line]) -> list[AnswerItem]:
    """Return an answer cell as items, its numbered sub-items decided as key points or text."""
    numbers = KeyPointNumbers()
    items: list[AnswerItem] = []
    for piece in pieces:
        shadow = lines[piece.line].shadow[piece.start : piece.end]
        position = 0
        for marker in mk.find_markers(shadow):
            if marker.kind != "num" or not numbers.accepts(marker.style, marker.number):
                continue
            if marker.start > position:
                items.append(AnswerItem("text", _sub(piece, position, marker.start)))
            numbers.take(marker.style, marker.number)
            items.append(AnswerItem("kp", _sub(piece, marker.start, marker.end)))
            position = marker.end
        if position < len(piece.text):
            items.append(AnswerItem("text", _sub(piece, position, len(piece.text))))
    return items


def _sub(piece: Piece, start: int, end: int) -> Piece:
    return Piece(piece.line, piece.start + start, piece.start + end, piece.text[start:end])
