"""Account for every character of an import (pure).

What counts: the non-whitespace characters of each input line as read (a text line, a
paragraph line of a .docx, a line of a spreadsheet cell). Each is exactly one of

- **removed** by normalisation: pinyin annotations (``(yè)``) and Markdown markup (``**``,
  ``#``), listed as :class:`~examgen.bank.importer.model.Annotation`;
- **placed**: in a field of an imported question (stem, question, key point text, analysis);
- **consumed**: structure that says where a question starts and what it is, never text of
  its own: section headings with their rules, question numbers, the labels 答：/解析：/问题：,
  key point numbers and 一是, point notes such as （2分）, list separators (；) ending a key
  point, lead-ins such as 要点如下：, spreadsheet header cells and metadata cells (编号,
  题型, 分值, …);
- **skipped**: listed in the report with where it is and why (noise, repeats, cut
  questions, text that belongs to no question).

Normalisation maps characters one for one (``,`` → ``，``), so counts before and after it
agree. :func:`ledger` counts, and :func:`coverage_gaps` finds any character no stage
claimed, so that even a parser mistake cannot lose text silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from examgen.bank.importer.model import ParsedDocument, ParsedQuestion, Piece, Stretch
from examgen.i18n import N_

SKIP_UNCLAIMED = N_("text not recognised")


@dataclass(frozen=True)
class Ledger:
    """The character count of one document: input = removed + placed + consumed + skipped."""

    name: str
    unit: str
    units: int
    input: int
    removed: int
    placed: int
    consumed: int
    skipped: int

    @property
    def balanced(self) -> bool:
        """Return whether every input character is accounted for."""
        return self.input == self.removed + self.placed + self.consumed + self.skipped


def count(text: str) -> int:
    """Return the number of non-whitespace characters of ``text``."""
    # str.split() cuts at exactly the characters str.isspace() calls whitespace.
    return sum(map(len, text.split()))


def placed_pieces(questions: Iterable[ParsedQuestion]) -> list[Piece]:
    """Return the pieces of ``questions`` that are in the bank (their fields)."""
    pieces: list[Piece] = []
    for q in questions:
        pieces.extend((*q.stem, *q.question, *q.analysis))
        pieces.extend(p for kp in q.key_points for p in kp.pieces)
        pieces.extend(p for option in q.options for p in option)
    return pieces


def consumed_pieces(document: ParsedDocument) -> list[Piece]:
    """Return the pieces of ``document`` consumed as structure."""
    pieces = list(document.consumed)
    for q in document.questions:
        pieces.extend((*q.markers, *q.metadata))
    return pieces


def skipped_pieces(document: ParsedDocument) -> list[Piece]:
    """Return the pieces of ``document`` listed as skipped."""
    return [p for s in document.skipped for p in s.pieces]


def coverage_gaps(document: ParsedDocument) -> list[Stretch]:
    """Return stretches of non-whitespace text that no stage placed, consumed or skipped."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for piece in (
        *placed_pieces(document.questions),
        *consumed_pieces(document),
        *skipped_pieces(document),
    ):
        if piece.end > piece.start:
            spans.setdefault(piece.line, []).append((piece.start, piece.end))
    gaps: list[Stretch] = []
    for index, line in enumerate(document.lines):
        # The runs between the claimed spans, in order (claimed spans may overlap).
        position, end_of_line = 0, len(line.text)
        for start, end in [*sorted(spans.get(index, ())), (end_of_line, end_of_line)]:
            if start > position:
                text = line.text[position:start]
                if text.strip():
                    gaps.append(Stretch(SKIP_UNCLAIMED, line.where, (Piece(index, position, start, text),)))
            position = max(position, end)
    return gaps


def overlaps(document: ParsedDocument) -> list[tuple[int, int]]:
    """Return (line, position) of characters claimed twice (a bug if any)."""
    seen: set[tuple[int, int]] = set()
    twice: list[tuple[int, int]] = []
    for piece in (
        *placed_pieces(document.questions),
        *consumed_pieces(document),
        *skipped_pieces(document),
    ):
        for i in range(piece.start, piece.end):
            if document.lines[piece.line].text[i].isspace():
                continue
            key = (piece.line, i)
            if key in seen:
                twice.append(key)
            seen.add(key)
    return twice


def _total(pieces: Sequence[Piece]) -> int:
    return sum(count(p.text) for p in pieces)


def ledger(document: ParsedDocument) -> Ledger:
    """Return the character count of a parsed (and built) document."""
    return Ledger(
        name=document.path if "!" in document.path else document.name,
        unit=document.unit,
        units=len({line.where for line in document.lines}),
        input=sum(count(line.raw) for line in document.lines),
        removed=sum(count(a.text) for line in document.lines for a in line.removed),
        placed=_total(placed_pieces(document.questions)),
        consumed=_total(consumed_pieces(document)),
        skipped=_total(skipped_pieces(document)),
    )
