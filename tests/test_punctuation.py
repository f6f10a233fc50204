"""Every Chinese text examgen writes into a document or sheet uses full-width punctuation.

Builds the written paper and the interview kit, writes and fills score sheets, grades them,
then reads back every paragraph, table cell, header and footer of the .docx files and every
string cell of the .xlsx files.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from examgen.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Half-width ，：；（） in Chinese text; a colon between digits (10:30) is a time.
HALF_WIDTH = re.compile(r"[,;()]|(?<!\d):|:(?!\d)")
#: What is not Chinese text: a formula, and the hidden marker row a sheet is recognised by.
NOT_TEXT = re.compile(r"^=|^examgen-score-sheet$")


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def docx_texts(path: Path) -> list[str]:
    """Return every paragraph of the body, the tables, the headers and the footers."""
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return texts


def xlsx_texts(path: Path) -> list[str]:
    """Return every string cell of every sheet (the hidden marker row excepted)."""
    workbook = openpyxl.load_workbook(path)
    texts = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not ws.row_dimensions[cell.row].hidden:
                    texts.append(cell.value)
    return texts


def half_width_in(texts: list[str]) -> list[str]:
    """Return the Chinese texts that hold half-width punctuation."""
    return [t for t in texts if CJK.search(t) and not NOT_TEXT.search(t) and HALF_WIDTH.search(t)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> list[Path]:
    ws = tmp_path_factory.mktemp("punctuation") / "ws"
    invoke("init", ws)
    invoke("build", "-w", ws, "--seed", 42)
    invoke("build", "-w", ws, "--seed", 42, "--blueprint", ws / "templates" / "judged.yaml")
    invoke("build", "-w", ws, "--seed", 42, "--blueprint", ws / "templates" / "interview.yaml")
    roster = ws / "roster.csv"
    roster.write_text("准考证号,姓名,单位\n2026001,张三,城东营业部\n2026002,李四,城西营业部\n", encoding="utf-8")
    # The mixed default paper: judges' sheets and the answer-entry workbooks are checked as
    # written; the judge-marked paper is filled and graded so the results are checked too.
    invoke("sheets", ws / "output" / "default" / "manifest.json", "--roster", roster, "--date", "2026-05-01")
    invoke("sheets", ws / "output" / "default" / "manifest.json", "--roster", roster, "--entry", "--date", "2026-05-01")
    manifest = ws / "output" / "judged" / "manifest.json"
    invoke("sheets", manifest, "--roster", roster, "--date", "2026-05-01")
    invoke("sheets", ws / "output" / "interview" / "manifest.json", "--roster", roster, "--date", "2026-05-01")
    sheets = sorted((ws / "output" / "judged" / "sheets").glob("*.xlsx"))
    for number, path in enumerate(sheets):
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["评分"]
        for r in range(8, sheet.max_row + 1):
            for c in range(5, sheet.max_column):
                if sheet.cell(5, c).value and sheet.cell(7, c).value:
                    sheet.cell(r, c).value = (r + c + number) % 5
        workbook.save(path)
    invoke("grade", manifest, *sheets, "--date", "2026-05-01")
    return sorted(p for p in (ws / "output").rglob("*") if p.suffix in (".docx", ".xlsx"))


def test_every_generated_document_and_sheet_is_checked(outputs):
    names = {p.name for p in outputs}
    assert {"paper-A.docx", "key-A.docx", "interview-book-A.docx", "interview-form-A.docx"} <= names
    assert {"results.xlsx", "results.docx", "A-judge-1.xlsx", "entry-A-1.xlsx"} <= names


def test_chinese_text_in_documents_uses_full_width_punctuation(outputs):
    problems = {p.name: half_width_in(docx_texts(p)) for p in outputs if p.suffix == ".docx"}
    assert {name: found for name, found in problems.items() if found} == {}


def test_chinese_text_in_sheets_uses_full_width_punctuation(outputs):
    problems = {p.name: half_width_in(xlsx_texts(p)) for p in outputs if p.suffix == ".xlsx"}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_check_finds_half_width_punctuation():
    assert half_width_in(["一、简答题(共4题,每题5分)", "一.1 SA-001(5)", "注意:", "10:30 开始", "=SUM(E8:F8)"]) == [
        "一、简答题(共4题,每题5分)", "一.1 SA-001(5)", "注意:",
    ]  # fmt: skip
