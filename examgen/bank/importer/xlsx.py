"""Read question spreadsheets (.xlsx) as tables of cells for the importer.

A workbook written by :mod:`examgen.bank.export` reads back to the same bank.
"""

from __future__ import annotations

from pathlib import Path

from examgen.bank.importer.model import SourceDocument, SourceLine, SourceTable
from examgen.errors import BankImportError, SheetError
from examgen.xlsxio import cell_text, read_xlsx_tables


def read_xlsx(path: Path, data: bytes) -> SourceDocument:
    """Return every sheet of an .xlsx workbook as a table of cells (``c.xlsx!题库!B5``)."""
    try:
        tables = read_xlsx_tables(path, data)
    except SheetError as error:
        raise BankImportError(problems=error.problems) from None
    result: list[SourceTable] = []
    for name, rows in tables:
        cells_rows = []
        for row in rows:
            cells = []
            for c, value in enumerate(row.cells):
                text = value if isinstance(value, str) else cell_text(value)
                if not text.strip():
                    cells.append(None)
                    continue
                where = row.where_of(c).replace(str(path), path.name, 1)
                cells.append(SourceLine(text, where, row.number))
            cells_rows.append(tuple(cells))
        result.append(SourceTable(name, tuple(cells_rows)))
    return SourceDocument(str(path), path.name, "table", tables=tuple(result))
