"""Plain-text tables and paragraphs for the terminal that line up with Chinese (double-width) characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return ``rows`` under ``header`` as aligned text; numbers right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - display_width(text))
            parts.append(pad + text if numeric[i] and i else text + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


#: What a line is wrapped between: quoted code and labels, runs of ASCII, spaces, one character.
_ATOM = re.compile(r"`[^`\n]*`|“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」|[\x21-\x7e]+|\s+|.")
#: Punctuation that may not open a line (避头点), so it stays at the end of the one before.
_NO_LINE_START = frozenset("，。；：、）》」』”’！？…%,.;:)!?")
#: Punctuation that may not close a line (避尾点), so it goes to the next one.
_NO_LINE_END = frozenset("（《「『“‘(")


def wrap_line(text: str, width: int) -> list[str]:
    """Return ``text`` cut into lines of at most ``width`` columns, Chinese-aware.

    A line may break between any two Chinese characters, never inside a quoted stretch
    (`code`, “label”) or a run of ASCII, and never before closing punctuation.
    """
    lines: list[str] = []
    line, used = "", 0
    for atom in _ATOM.findall(text):
        if atom.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = display_width(atom)
        if used + size > width and line.strip() and atom[0] not in _NO_LINE_START:
            carried = ""
            while line and line[-1] in _NO_LINE_END and line[:-1].strip():
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip())
            line, used = carried, display_width(carried)
        line, used = line + atom, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines
