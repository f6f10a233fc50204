"""What counts as mixing languages in a line examgen prints.

A Chinese line may carry, besides Chinese: names of files and folders, options
(``--force``), code and identifiers in backticks or quotes (``max_shared``, 'A1'),
placeholders' values such as numbers and letters, and a few names that have no
Chinese form (Excel, YAML, LibreOffice …). An English line may quote Chinese (the labels
of the documents: “评委”, 「缺考」), never use it as a word of the sentence.
"""

from __future__ import annotations

import re

#: Names kept as they are in a Chinese sentence.
KEPT_NAMES = frozenset(
    """examgen Excel Word WPS LibreOffice YAML JSON CSV PDF PNG XML ZIP UTF UTF-8 GBK GB18030
    BOM DTD ID OK HiGHS ICC sha256 SHA256 xlsx xls docx txt csv yaml json md jsonl
    P D r α NaN Windows Linux macOS Python PyYAML openpyxl calamine python-docx pip
    CP-SAT rapidfuzz matplotlib MB KB GB XLSX DOCX ms
    nan inf NaN Infinity None True False true false null""".split()
)

_QUOTED = re.compile(r"`[^`]*`|“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|\"[^\"]*\"|'[^']*'|《[^》]*》")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")
#: Paths, file names, options, identifiers with _ or ., cell references, versions.
_TECHNICAL = re.compile(
    r"(?:[\w.\-]*[/\\][\w.\-/\\*…]*)"  # a path
    r"|(?:[\w\-]+\.[A-Za-z0-9]{1,5}\b)"  # a file name
    r"|(?:--?[a-z][\w-]*)"  # an option
    r"|(?:\b\w*_\w*\b)"  # snake_case identifiers
    r"|(?:\b[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?\b)"  # cells such as B7, A1:C3
    r"|(?:![A-Za-z]+\d*)"  # sheet!cell
    r"|(?:\[[\w\-]+(?:\|[\w\-]+)+\])"  # a choice metavar, [zh|en]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]+")
#: A command line shown as an example (``examgen build --seed 42``): code, whatever its words.
_COMMAND_LINE = re.compile(r"^[ \t]+examgen[ \t].*$", re.MULTILINE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Half-width punctuation a Chinese sentence must not use.
_HALF_WIDTH = re.compile(r"[,;:()?!]")


def _strip(text: str) -> str:
    text = _COMMAND_LINE.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _QUOTED.sub(" ", text)
    return _TECHNICAL.sub(" ", text)


def english_words(text: str) -> list[str]:
    """Return the English words of a Chinese line: words that are not names, code or data."""
    words = _WORD.findall(_strip(text))
    # Words with digits are data: hashes, ids (CA-012), versions.
    return [w for w in words if w not in KEPT_NAMES and not w.isupper() and not any(c.isdigit() for c in w)]


def half_width_punctuation(text: str) -> list[str]:
    """Return half-width punctuation a Chinese line uses outside code, quotes and data."""
    stripped = _strip(text)
    # "1:2" style ratios and times are data.
    stripped = re.sub(r"\d\s*[:,]\s*\d", " ", stripped)
    return _HALF_WIDTH.findall(stripped)


def chinese_words(text: str) -> list[str]:
    """Return the Chinese characters of an English line that stand outside quotes."""
    return _CJK.findall(_QUOTED.sub(" ", _PLACEHOLDER.sub(" ", text)))
