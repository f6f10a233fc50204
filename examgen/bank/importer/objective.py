"""Choice and true/false questions in documents: option runs and answers (pure).

Options come in the common notations ``A.`` ``A、`` ``A．`` ``A:`` ``(A)`` ``（A）``, on the
stem's line, one per line, or several per line. The answer is written after a label
(``答案：B``, ``正确答案：ABCE``, ``答案：错误``), in the stem's brackets (``（B）``), as a mark
at the end of a statement (``(√)`` ``(×)``), or in an answer key after the questions. Options
are never key points and never part of the stem; labels and answers are consumed as markers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from examgen.bank.importer.model import Line, Piece
from examgen.models import OPTION_LETTERS

#: An option label: ``(A)`` ``（A）`` or ``A.`` ``A、`` ``A．`` ``A:`` (``。`` where the
#: normaliser widened a full stop after a letter).
_LABEL = re.compile(r"[（(]\s*([A-H])\s*[)）]|(?<![A-Za-z0-9])([A-H])\s*[.．、:：。]")
#: What may come right before the first label of a run: a line start, a space, a closing
#: bracket or the end of a sentence (options glued to the stem).
_BEFORE_FIRST = set(" \t\u3000）)。？?：:")
#: An answer written as letters: ``B``, ``ACD``, ``A、C、D``.
_LETTERS = re.compile(r"^\s*([A-H](?:\s*[、,，;；]?\s*[A-H]){0,7})\s*[。.]?\s*$")
#: An answer written as a verdict.
_VERDICTS = {
    "√": "true", "✓": "true", "✔": "true", "对": "true", "正确": "true", "T": "true", "是": "true",
    "×": "false", "✗": "false", "✘": "false", "X": "false", "错": "false", "错误": "false",
    "F": "false", "否": "false",
}
_VERDICT = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, _VERDICTS), key=len, reverse=True)) + r")\s*[。.]?\s*$")
#: The stem's brackets holding the answer: ``（ B ）`` ``（ACD）`` ``(√)`` ``（×）``.
_FILLED = re.compile(r"[（(]\s*([A-H]{1,8}|[√×✓✔✗✘])\s*[)）]")
#: Words of a section heading (simplified) that name an objective type.
SINGLE_WORDS = ("单项选择", "单选")
MULTIPLE_WORDS = ("多项选择", "多选", "不定项选择")
TRUE_FALSE_WORDS = ("判断",)


@dataclass(frozen=True)
class Options:
    """The options found in a question's text: their texts, their labels, the text left."""

    kept: tuple[Piece, ...]
    options: tuple[tuple[Piece, ...], ...]
    labels: tuple[Piece, ...]


def option_start(text: str) -> bool:
    """Return whether ``text`` starts with the label of option A (a run of options follows)."""
    match = _LABEL.match(text.lstrip(" \t\u3000"))
    return bool(match) and (match.group(1) or match.group(2)) == "A"


def take_options(region: Sequence[Piece], lines: Sequence[Line]) -> Options | None:
    """Return the options A, B, … found in ``region`` after some stem text, or None.

    A run starts at label A (at a line start, after a space, a bracket or a sentence end)
    and goes on B, C, … each at a line start or after a space. It needs two options or more.
    Each option runs to the next label or the end of its line.
    """
    found: list[tuple[int, int, int, str, bool, bool]] = []  # piece, start, end, letter, spaced, opens
    for k, piece in enumerate(region):
        line = lines[piece.line].text
        for match in _LABEL.finditer(piece.text):
            at = piece.start + match.start()
            before = line[:at].rstrip(" \t\u3000")
            spaced = not before or line[at - 1] in " \t\u3000"
            opens = spaced or before[-1] in _BEFORE_FIRST
            found.append((k, match.start(), match.end(), match.group(1) or match.group(2), spaced, opens))
    labels: list[tuple[int, int, int, str]] = []
    for i, (k, start, end, letter, _, opens) in enumerate(found):
        if letter != "A" or not opens:
            continue
        run = [(k, start, end, letter)]
        for k2, start2, end2, letter2, spaced2, _ in found[i + 1 :]:
            if letter2 == OPTION_LETTERS[len(run)] and spaced2:
                run.append((k2, start2, end2, letter2))
                if len(run) == len(OPTION_LETTERS):
                    break
        if len(run) >= 2:
            labels = run
            break
    if len(labels) < 2:
        return None
    first_piece, first_start = labels[0][0], labels[0][1]
    stem_text = "".join(p.text for p in region[:first_piece]) + region[first_piece].text[:first_start]
    if not stem_text.strip():
        return None
    cut_line = region[labels[-1][0]].line
    kept: list[Piece] = []
    options: list[list[Piece]] = []
    label_pieces: list[Piece] = []
    bounds = {(k, start): (end, letter) for k, start, end, letter in labels}
    for k, piece in enumerate(region):
        starts = sorted(s for (kk, s) in bounds if kk == k)
        position = 0
        for start in starts:
            end, _ = bounds[(k, start)]
            _append(options[-1] if options else kept, piece, position, start)
            label_pieces.append(_slice(piece, start, end))
            options.append([])
            position = end
        rest_target = options[-1] if options else kept
        if options and piece.line > cut_line:
            rest_target = kept  # text on lines after the last option is not an option
        _append(rest_target, piece, position, len(piece.text))
    groups = tuple(tuple(p for p in group if p.text.strip()) for group in options)
    if any(not group for group in groups):
        return None
    return Options(tuple(p for p in kept if p.text), groups, tuple(label_pieces))


def _slice(piece: Piece, start: int, end: int) -> Piece:
    return Piece(piece.line, piece.start + start, piece.start + end, piece.text[start:end])


def _append(target: list[Piece], piece: Piece, start: int, end: int) -> None:
    if end > start:
        target.append(_slice(piece, start, end))


def answer_in_text(text: str) -> str:
    """Return ``B``/``ACD``/``true``/``false`` when ``text`` is nothing but an answer, else ""."""
    match = _LETTERS.match(text)
    if match:
        return "".join(sorted(set(re.sub(r"[^A-H]", "", match.group(1)))))
    match = _VERDICT.match(text)
    if match:
        return _VERDICTS[match.group(1)]
    return ""


def answer_in_brackets(
    region: Sequence[Piece], *, letters: bool
) -> tuple[list[Piece], Piece, str] | None:
    """Return (region without the answer, the answer piece, the answer) from the stem's brackets.

    The last bracket pair holding letters (when ``letters``) or a √/× mark is taken; the
    brackets stay in the text, empty.
    """
    for k in range(len(region) - 1, -1, -1):
        piece = region[k]
        found = [m for m in _FILLED.finditer(piece.text) if m.group(1).isalpha() == letters]
        if not found:
            continue
        match = found[-1]
        value = answer_in_text(match.group(1))
        if not value:
            continue
        # A choice stem keeps its brackets, empty, as the blank; a statement's mark goes whole.
        inner_start, inner_end = match.span(1) if letters else match.span()
        before = _slice(piece, 0, inner_start)
        answer = _slice(piece, inner_start, inner_end)
        after = _slice(piece, inner_end, len(piece.text))
        kept = [*region[:k], before, after, *region[k + 1 :]]
        return [p for p in kept if p.text], answer, value
    return None


def type_of_section(shadow: str) -> str | None:
    """Return the objective type a heading names (单项选择题 → single_choice), or None."""
    if any(w in shadow for w in MULTIPLE_WORDS):
        return "multiple_choice"
    if any(w in shadow for w in SINGLE_WORDS):
        return "single_choice"
    if any(w in shadow for w in TRUE_FALSE_WORDS):
        return "true_false"
    return None
