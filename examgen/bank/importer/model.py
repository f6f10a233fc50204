"""The data of a bank import: source lines, the ledger of every character, parsed questions.

Nothing here reads files. Every stage after the readers works on :class:`Line` objects and
refers to their text by :class:`Piece` (line index, start, end), so that each character of
the input can be accounted for: placed in a question, consumed as structure (a number, a
label, a heading), or listed in the report as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# --- What the readers produce -----------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    """One line of a document as read: a text line, a paragraph line, or a cell line."""

    text: str
    #: Where it is, for the report: ``a.txt:12``, ``b.docx:段12``, ``c.xlsx!题库!B5``.
    where: str
    #: The line, paragraph or row number.
    number: int


@dataclass(frozen=True)
class SourceTable:
    """One sheet of a spreadsheet (or a csv file): rows of cells, each cell a SourceLine or None."""

    name: str
    rows: tuple[tuple[SourceLine | None, ...], ...]


@dataclass(frozen=True)
class SourceDocument:
    """A file as read: its lines (text, md, docx) or its tables (xlsx, csv)."""

    path: str
    #: The file name, used as a question's ``source``.
    name: str
    kind: str  # "text", "markdown", "docx" or "table"
    lines: tuple[SourceLine, ...] = ()
    tables: tuple[SourceTable, ...] = ()

    @property
    def unit(self) -> str:
        """Return what a number in a location counts (行, 段, 单元格)."""
        return {"text": "行", "markdown": "行", "docx": "段", "table": "单元格"}[self.kind]


# --- What the normaliser produces ------------------------------------------------------


@dataclass(frozen=True)
class Annotation:
    """Text the normaliser removed from a line: pinyin such as ``(yè)``, or Markdown markup."""

    where: str
    text: str
    kind: str = "pinyin"  # or "markdown"


@dataclass(frozen=True)
class Line:
    """A normalised line: the text the parser works on and a simplified twin for matching."""

    text: str
    #: ``text`` converted character by character to simplified Chinese (same length), so
    #: markers and type words are found in traditional documents too.
    shadow: str
    where: str
    number: int = 0
    #: What normalisation removed from the raw line (kept for the report and the ledger).
    removed: tuple[Annotation, ...] = ()
    raw: str = ""


# --- The ledger ------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """The text ``lines[line].text[start:end]``."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Stretch:
    """A run of input text that is not in the bank, and why: listed in the report."""

    reason: str
    where: str
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        """Return the stretch's text, one line per input line."""
        return join_pieces(self.pieces)


def join_pieces(pieces: tuple[Piece, ...] | list[Piece]) -> str:
    """Return the text of ``pieces``: pieces of one line joined directly, lines by newlines."""
    parts: list[str] = []
    previous = None
    for piece in pieces:
        if previous is not None and piece.line != previous:
            parts.append("\n")
        parts.append(piece.text)
        previous = piece.line
    return "".join(parts)


# --- What the parser produces ----------------------------------------------------------


@dataclass(frozen=True)
class ParsedSection:
    """A section heading (``五、实训操作题(共50分,每道题10分。)``) and the rule it states."""

    title: str
    where: str
    #: The heading's name without its numeral and rule: 服务意识, 案例分析题.
    name: str = ""
    type: str | None = None
    #: The words the type was recognised from, e.g. 实训操作.
    type_word: str = ""
    per_question: Decimal | None = None
    total: Decimal | None = None
    count: int | None = None
    #: Index of an earlier section with the same heading in the same file.
    repeat_of: int | None = None


@dataclass(frozen=True)
class ParsedKeyPoint:
    """One key point of an answer, and its points when the document gives them."""

    pieces: tuple[Piece, ...]
    points: Decimal | None = None

    @property
    def text(self) -> str:
        """Return the key point's text on one line."""
        return "".join(p.text for p in self.pieces).strip()


@dataclass(frozen=True)
class ParsedQuestion:
    """A question found in a document, as pieces of its lines; not yet a bank question."""

    file: str
    where: str
    stem: tuple[Piece, ...] = ()
    question: tuple[Piece, ...] = ()
    key_points: tuple[ParsedKeyPoint, ...] = ()
    analysis: tuple[Piece, ...] = ()
    #: Markers, labels and point notes of this question (consumed, not placed).
    markers: tuple[Piece, ...] = ()
    section: int | None = None
    number: int = 0
    label: str = ""
    points: Decimal | None = None
    #: "marked" (答：…), "implicit" (text after the question mark), "" (no answer).
    answer: str = ""
    notes: tuple[str, ...] = ()
    # Fields a spreadsheet may give directly.
    id: str = ""
    type: str | None = None
    topic: str = ""
    difficulty: int | None = None
    tags: tuple[str, ...] = ()
    source: str = ""
    #: From an exported bank sheet: take every field as written, nothing to review.
    verbatim: bool = False
    #: Cells of a spreadsheet row consumed as metadata (id, type, points, …).
    metadata: tuple[Piece, ...] = ()
    #: A choice question's options A, B, … (labels and answers are in ``markers``).
    options: tuple[tuple[Piece, ...], ...] = ()
    #: An objective answer found in the document: ``B``, ``ACD``, ``true`` or ``false``.
    choice: str = ""

    def all_pieces(self) -> tuple[Piece, ...]:
        """Return every piece of the question, placed or consumed, in line order."""
        pieces = [
            *self.stem,
            *self.question,
            *(p for kp in self.key_points for p in kp.pieces),
            *self.analysis,
            *(p for option in self.options for p in option),
            *self.markers,
            *self.metadata,
        ]
        return tuple(sorted(pieces, key=lambda p: (p.line, p.start)))


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the parser made of one file, with every character accounted for."""

    path: str
    name: str
    unit: str
    lines: tuple[Line, ...]
    sections: tuple[ParsedSection, ...] = ()
    questions: tuple[ParsedQuestion, ...] = ()
    skipped: tuple[Stretch, ...] = ()
    #: Structure that is not part of any question: section headings, table headers.
    consumed: tuple[Piece, ...] = ()
    #: A type the document's title or name suggests (e.g. 面试题 in the title).
    title_type: str | None = None
    notes: tuple[str, ...] = field(default=())
