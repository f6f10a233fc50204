"""Shared .xlsx helpers."""

import datetime

from openpyxl import Workbook

from examgen.xlsxio import BORDER, HEADER_FILL, formula_cells, set_text, workbook_bytes

STAMP = datetime.datetime(2026, 5, 1)


def _book(formula: str | None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws["A1"] = 7.5
    ws["A1"].fill = HEADER_FILL  # styles write <fill> and <font>: not formulas
    ws["A1"].border = BORDER
    set_text(ws["A2"], "=not a formula, typed text")
    if formula:
        ws["B1"] = formula
    return workbook_bytes(workbook, timestamp=STAMP)


def test_formula_cells_finds_the_formulas_and_nothing_else():
    assert formula_cells(_book("=SUM(A1:A1)")) == {(1, 2)}
    assert formula_cells(_book("='[other.xlsx]Sheet1'!A1")) == {(1, 2)}
    assert formula_cells(_book(None)) == set()


def test_formula_cells_gives_up_on_a_formula_cell_without_reference():
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_book("=SUM(A1:A1)")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, part.replace(b' r="B1"', b"") if "worksheets" in info.filename else part)
    assert formula_cells(out.getvalue()) is None
