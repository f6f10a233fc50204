"""Shared .xlsx helpers."""

import datetime

from openpyxl import Workbook

from examgen.xlsxio import BORDER, HEADER_FILL, has_formulas, set_text, workbook_bytes

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


def test_has_formulas_finds_a_formula_and_nothing_else():
    assert has_formulas(_book("=SUM(A1:A1)")) is True
    assert has_formulas(_book("='[other.xlsx]Sheet1'!A1")) is True
    assert has_formulas(_book(None)) is False
