"""Read question documents into numbered lines: .txt/.md, .docx, .xlsx/.csv.

Each reader returns a :class:`SourceDocument` whose lines (or cells) say where they came
from (``a.txt:12``, ``b.docx:段7``, ``c.xlsx!题库!B5``). The docx and xlsx readers live in
their own modules, the only ones of the importer that import python-docx and openpyxl.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from examgen.bank.importer.model import SourceDocument, SourceLine, SourceTable
from examgen.encodings import decode_chinese_text
from examgen.errors import BankImportError, Problem
from examgen.i18n import _
from examgen.inputs import read_input
from examgen.xlsxio import column_letters

#: File suffixes the importer reads, and the kind of reader for each.
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".csv": "csv",
}


def read_document(path: Path) -> SourceDocument:
    """Return the lines or tables of the document at ``path``; raise BankImportError if unreadable."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BankImportError(
            _("cannot import a {suffix} file").format(suffix=path.suffix) if path.suffix else _("cannot import a file without a suffix"),
            where=str(path),
            hint=_("import .txt, .md, .docx, .xlsx or .csv files (save .doc as .docx, .xls as .xlsx)"),
        )
    data = _read_bytes(path)
    if kind in ("text", "markdown"):
        return read_text(path, data, markdown=kind == "markdown")
    if kind == "csv":
        return read_csv(path, data)
    if kind == "docx":
        from examgen.bank.importer.docx_reader import read_docx

        return read_docx(path, data)
    from examgen.bank.importer.xlsx import read_xlsx

    return read_xlsx(path, data)


def _read_bytes(path: Path) -> bytes:
    return read_input(path, BankImportError)


def decode_text(path: Path, data: bytes) -> str:
    """Return the text of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    try:
        return decode_chinese_text(data)
    except UnicodeDecodeError as error:
        raise BankImportError(
            problems=[
                Problem(
                    str(path),
                    _("is neither UTF-8 nor GB18030 text (bad byte at offset {offset})").format(offset=error.start),
                    _("save the file as UTF-8 text"),
                )
            ]
        ) from None


def _lines(text: str) -> list[str]:
    # Only real line breaks: str.splitlines would also split at form feeds and the like,
    # which would shift line numbers away from what an editor shows.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text(path: Path, data: bytes, *, markdown: bool = False) -> SourceDocument:
    """Return a .txt or .md file as numbered lines."""
    text = decode_text(path, data)
    lines = tuple(
        SourceLine(line, f"{path.name}:{number}", number)
        for number, line in enumerate(_lines(text), start=1)
    )
    return SourceDocument(
        str(path), path.name, "markdown" if markdown else "text", lines=lines
    )


def read_csv(path: Path, data: bytes) -> SourceDocument:
    """Return a .csv file as one table; a cell's location is ``file!B5`` (column, line)."""
    text = decode_text(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[SourceLine | None, ...]] = []
    start = 1
    try:
        for record in reader:
            rows.append(
                tuple(
                    SourceLine(value, f"{path.name}!{column_letters(c)}{start}", start)
                    if value.strip()
                    else None
                    for c, value in enumerate(record)
                )
            )
            start = reader.line_num + 1
    except csv.Error as error:
        raise BankImportError(
            _("is not a valid csv file: {error}").format(error=error), where=f"{path.name}:{start}"
        ) from None
    return SourceDocument(
        str(path), path.name, "table", tables=(SourceTable(path.stem, tuple(rows)),)
    )
