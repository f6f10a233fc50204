"""Questions are named as the paper numbers them (第3题) on score sheets and in results.

``一.1`` stays the key grading matches marks on, and sheets written before with ``一.1``
headers are still read; a manifest written before (without ``display_label``) keeps
naming its questions ``一.1``, so that its new sheets match its old ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from examgen.cli import main
from examgen.models import question_label
from examgen.paper.build import draw_paper, write_paper
from examgen.render.paper import first_numbers

DATA = Path(__file__).resolve().parent.parent / "data" / "grading"
DATE = ["--date", "2026-05-01"]
OLD_LABELS = ("一.1", "一.2", "二.1", "二.2")
NEW_LABELS = ("第1题", "第2题", "第3题", "第4题")
#: A label of the older style anywhere in a text: section numeral, dot, number.
OLD_STYLE = re.compile(r"[一二三四五六七八九十]+\.\d")


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_question_label_follows_the_papers_numbering():
    assert question_label(3) == "第3题"
    assert question_label(3, "一") == "一、第3题"


def test_a_build_records_each_questions_number_on_the_paper(workspace):
    paper = draw_paper(workspace, seed=3, forms=("A", "B"))
    written = write_paper(paper, workspace)
    record = json.loads((written.folder / "manifest.json").read_text(encoding="utf-8"))
    for form, form_record in zip(paper.forms, record["forms"], strict=True):
        questions = [q for s in form_record["sections"] for q in s["questions"]]
        assert [q["display_label"] for q in questions] == [f"第{n}题" for n in range(1, len(questions) + 1)]
        assert [q["label"] for q in questions][:1] == ["一.1"]  # the key, unchanged
        # The first question of each section carries the number the section heading gives it.
        for first, section in zip(first_numbers(form), form_record["sections"], strict=True):
            assert section["questions"][0]["display_label"] == f"第{first}题"


def _manifest(tmp_path: Path, *, national: bool) -> Path:
    """Write the fixture manifest, with the labels a build writes today when ``national``."""
    record = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    record["grading"]["aggregate_on"] = "question"  # so that an answer's marks can be flagged
    number = 0
    for section in record["forms"][0]["sections"]:
        for question in section["questions"]:
            number += 1
            if national:
                question["display_label"] = question_label(number)
    folder = tmp_path / "output" / "mini"
    folder.mkdir(parents=True)
    path = folder / "manifest.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _fill(path: Path, headers: tuple[str, ...] | None = None) -> list[str]:
    """Type marks (2026001 best) into a sheet; with ``headers``, retype the question headers first.

    Return the question headers the sheet had as written.
    """
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    written = [ws.cell(5, c).value for c in range(5, 9)]
    if headers:
        for offset, header in enumerate(headers):
            ws.cell(5, 5 + offset).value = header
    for r in range(8, ws.max_row + 1):
        key = ws.cell(r, 2).value
        if key is None:
            continue
        for c in range(5, 9):
            ws.cell(r, c).value = (5 if c < 7 else 10) - (int(key[-1]) - 1)
    wb.save(path)
    return written


def _cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell]


@pytest.mark.parametrize("older_sheets", [0, 1, 3], ids=["new-headers", "one-sheet-with-一.1", "all-with-一.1"])
def test_sheets_and_results_name_questions_as_the_paper_does_and_older_sheets_still_read(tmp_path, older_sheets):
    manifest = _manifest(tmp_path, national=True)
    invoke("sheets", manifest, "--roster", DATA / "roster.csv", *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for index, sheet in enumerate(sheets):
        written = _fill(sheet, OLD_LABELS if index < older_sheets else None)
        assert tuple(written) == NEW_LABELS
    # One judge gives 2026001 nothing for the first question: the answer is flagged 分差过大.
    wb = openpyxl.load_workbook(sheets[0])
    wb.active.cell(8, 5).value = 0
    wb.save(sheets[0])
    result = invoke("grade", manifest, *sheets, *DATE)
    assert result.stdout.splitlines()[2].split()[:5] == ["1", "2026001", "张三", "北京分公司", "28.33"]
    cells = _cells(manifest.parent / "results.xlsx")
    assert any(cell.startswith("第1题 ") and cell.endswith("（5分）") for cell in cells), cells
    assert "第4题" in cells  # the judges' marks, question by question
    assert "第1题 评分差异过大" in cells  # the flag names the question so too
    assert not [cell for cell in cells if OLD_STYLE.search(cell)]


def test_a_manifest_written_before_keeps_its_labels_on_new_sheets(tmp_path):
    manifest = _manifest(tmp_path, national=False)
    invoke("sheets", manifest, "--roster", DATA / "roster.csv", *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    assert tuple(_fill(sheets[0])) == OLD_LABELS
    for sheet in sheets[1:]:
        _fill(sheet)
    result = invoke("grade", manifest, *sheets, *DATE)
    assert result.stdout.splitlines()[2].split()[:5] == ["1", "2026001", "张三", "北京分公司", "30.00"]


def test_a_header_that_is_no_question_of_the_form_is_still_refused(tmp_path):
    manifest = _manifest(tmp_path, national=True)
    invoke("sheets", manifest, "--roster", DATA / "roster.csv", *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    _fill(sheets[0], ("第1题", "第2题", "第3题", "第9题"))
    for sheet in sheets[1:]:
        _fill(sheet)
    result = CliRunner().invoke(main, ["grade", str(manifest), *map(str, sheets), *DATE])
    assert result.exit_code == 1
    assert "question '第9题' is not on form A of the manifest" in result.output


def test_a_judges_own_spreadsheet_with_the_papers_numbers_reads_the_same_marks(tmp_path):
    """Headers copied from the paper (第21题 … after 20 choice questions) name those questions."""
    from tests.grading.test_foreign_sheets import (
        JUDGE,
        expected,
        manifest_with,
        marks_of,
        read,
        wide_rows,
        xlsx,
    )

    manifest = _manifest(tmp_path, national=True)
    record = json.loads(manifest.read_text(encoding="utf-8"))
    questions = [q for s in record["forms"][0]["sections"] for q in s["questions"]]
    for number, question in enumerate(questions, start=21):
        question["display_label"] = question_label(number)
    manifest.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    manifest_with(manifest, judges=1)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "准考证号,姓名,单位\n2026001,张三,北京分公司\n2026002,李四,上海分公司\n2026003,王五,北京分公司\n"
        "2026004,赵六,广州分公司\n2026005,钱七,上海分公司\n", encoding="utf-8",
    )
    rows = [[f"评委：{JUDGE}"], *wide_rows(["第21题", "第22题", "第23题", "第24题"], total=True)]
    path = xlsx(tmp_path / "own.xlsx", {"Sheet1": rows})
    assert marks_of(read(manifest, roster, [path])) == expected()
