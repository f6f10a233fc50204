"""The `examgen sheets` and `examgen grade` commands, results.xlsx and results.docx."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from examgen.cli import main
from examgen.paper.rules import validate_grading_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "grading"
ROSTER = DATA / "roster.csv"
LABELS = ("一.1", "一.2", "二.1", "二.2")
DATE = ["--date", "2026-05-01"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def paper(tmp_path: Path, paper_id: str = "mini", title: str = "", **grading) -> Path:
    """Write the fixture manifest as ``output/<paper_id>/manifest.json`` with other grading rules."""
    record = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    record["paper_id"] = paper_id
    if title:
        record["blueprint"]["title"] = title
    if grading:
        record["grading"] = validate_grading_rules({**{"tie_breakers": ["practical"]}, **grading}, "test")
    folder = tmp_path / "output" / paper_id
    folder.mkdir(parents=True)
    path = folder / "manifest.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def set_marks(path: Path, marks: dict[tuple[str, str], object], default=None) -> None:
    """Type marks into a sheet: ``default(key, label)`` for every open cell, then ``marks``."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for r in range(8, ws.max_row + 1):
        key = ws.cell(r, 2).value
        if key is None:
            continue  # the judge's signature line
        for c in range(3, ws.max_column + 1):
            label = ws.cell(5, c).value
            if label not in LABELS or ws.cell(r, c).value == "—":
                continue
            if (key, label) in marks:
                ws.cell(r, c).value = marks[(key, label)]
            elif default is not None:
                ws.cell(r, c).value = default(key, label)
    wb.save(path)


def full(key: str, label: str) -> int:
    """Marks that make contestant 2026001 best and 2026005 worst: 一 out of 5, 二 out of 10."""
    drop = int(key[-1]) - 1
    return (5 if label.startswith("一") else 10) - drop


def test_every_command_has_help(runner):
    for command in ("sheets", "grade"):
        result = invoke(runner, command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output


def test_sheets_then_grade(runner, tmp_path):
    manifest = paper(tmp_path)
    result = invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    assert result.exit_code == 0, result.output
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    assert result.stdout.splitlines() == [f"wrote {p}" for p in sheets] + ["3 sheets for form A, 5 contestants each"]
    for path in sheets:
        set_marks(path, {}, full)
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Rank", "Exam", "number", "Name", "Unit", "Total", "Award"]
    assert lines[2].split() == ["1", "2026001", "张三", "北京分公司", "30.00", "一等奖"]
    assert "5 of 5 contestants ranked" in lines
    assert lines[-2:] == [f"wrote {manifest.parent / 'results.xlsx'}", f"wrote {manifest.parent / 'results.docx'}"]


def test_grade_refusal_prints_every_problem_and_writes_nothing(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for path in sheets:
        set_marks(path, {}, full)
    set_marks(sheets[0], {("2026001", "一.1"): 6, ("2026002", "二.2"): "x"})
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {sheets[0]}!评分!E8: mark 6 is above the maximum 5 of 一.1 (“准考证号” 2026001) "
        "(type a mark from 0 to 5 in steps of 0.5)",
        f"error: {sheets[0]}!评分!H9: 'x' is not a number (二.2, “准考证号” 2026002) "
        "(type a mark from 0 to 10 in steps of 0.5)",
        "2 problems found; nothing was written.",
    ]
    assert not (manifest.parent / "results.xlsx").exists()


def test_grade_does_not_overwrite_results_without_force(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for path in sheets:
        set_marks(path, {}, full)
    assert invoke(runner, "grade", manifest, *sheets, *DATE).exit_code == 0
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {manifest.parent / 'results.xlsx'}: already exists; nothing was written "
        "(pass --force to overwrite, or --out to write elsewhere)"
    ]
    assert invoke(runner, "grade", manifest, *sheets, *DATE, "--force").exit_code == 0


def test_usage_errors_exit_2(runner, tmp_path):
    manifest = paper(tmp_path)
    result = invoke(runner, "sheets", manifest)
    assert result.exit_code == 2 and "--roster is required" in result.stderr
    result = invoke(runner, "sheets", manifest, manifest, "--roster", ROSTER)
    assert result.exit_code == 2 and "only read with --pending" in result.stderr
    result = invoke(runner, "sheets", manifest, "--pending")
    assert result.exit_code == 2 and "--pending needs the filled sheets" in result.stderr


def test_sheets_for_a_form_the_paper_lacks(runner, tmp_path):
    manifest = paper(tmp_path)
    result = invoke(runner, "sheets", manifest, "--roster", ROSTER, "--form", "B")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {manifest}: form B is not in the manifest (forms: A) "
        "(pass one of the forms the paper was built with)"
    ]


def test_results_xlsx_content_numbers_text_and_stable_bytes(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for path in sheets:
        set_marks(path, {("2026003", "一.1"): 2}, full)  # 2026003 gets 2, 2, 2 on 一.1
    set_marks(sheets[0], {("2026004", "二.2"): "7.5"})  # 2026004 二.2: 7.5, 7, 7 -> 7.17
    out = tmp_path / "results"
    assert invoke(runner, "grade", manifest, *sheets, *DATE, "--out", out).exit_code == 0
    first = (out / "results.xlsx").read_bytes(), (out / "results.docx").read_bytes()
    assert invoke(runner, "grade", manifest, *sheets, *DATE, "--out", out, "--force").exit_code == 0
    assert ((out / "results.xlsx").read_bytes(), (out / "results.docx").read_bytes()) == first

    wb = openpyxl.load_workbook(out / "results.xlsx")
    assert wb.sheetnames == ["排名", "明细", "评委", "团体", "说明"]
    ranking = wb["排名"]
    assert [c.value for c in ranking[2]] == [
        "名次", "准考证号", "姓名", "单位", "一、简答题（10分）", "二、实训操作题（20分）", "总分", "奖项", "备注",
    ]
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=3, max_col=8)]
    assert rows == [
        [1, "2026001", "张三", "北京分公司", 10, 20, 30, "一等奖"],
        [2, "2026002", "李四", "上海分公司", 8, 18, 26, "二等奖"],
        [3, "2026003", "王五", "北京分公司", 5, 16, 21, "三等奖"],
        [4, "2026004", "赵六", "广州分公司", 4, pytest.approx(14.17), pytest.approx(18.17), None],
        [5, "2026005", '=HYPERLINK("x")', "上海分公司", 2, 12, 14, None],
    ]
    assert ranking["G3"].data_type == "n" and ranking["G3"].number_format == "0.00"
    assert ranking["C7"].data_type == "s" and ranking["C7"].value == '=HYPERLINK("x")'
    with zipfile.ZipFile(out / "results.xlsx") as archive:
        formulas = [
            f for name in archive.namelist() if name.startswith("xl/worksheets/")
            for f in re.findall(r"<f>(.*?)</f>", archive.read(name).decode())
        ]
    assert formulas == []
    assert wb.properties.created.isoformat() == "2026-05-01T00:00:00"
    assert wb.properties.modified.isoformat() == "2026-05-01T00:00:00"

    judges = wb["评委"]
    assert [c.value for c in judges[2]] == [
        "准考证号", "姓名", "题号", "试题编号", "满分", "评委1", "评委2", "评委3", "最终得分", "计分方式", "标记",
    ]
    row = next(r for r in judges.iter_rows(min_row=3, values_only=True) if r[0] == "2026004" and r[2] == "二.2")
    assert row[5:9] == (7.5, 7, 7, pytest.approx(7.17))
    detail = wb["明细"]
    assert [c.value for c in detail[2]][:4] == ["准考证号", "姓名", "单位", "一.1 SA-001（5分）"]
    teams = [[c.value for c in row] for row in wb["团体"].iter_rows(min_row=3, max_col=3)]
    assert teams[0][:2] == [1, "北京分公司"] and teams[0][2] == 51


def test_results_docx_is_a_notice_table_with_east_asian_fonts(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for path in sheets:
        set_marks(path, {}, full)
    assert invoke(runner, "grade", manifest, *sheets, "--date", "2026-05-03").exit_code == 0
    document = docx.Document(str(manifest.parent / "results.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["测试竞赛理论试卷", "成绩公示"]
    assert texts[-1] == "2026年5月3日"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["名次", "准考证号", "姓名", "单位", "一、简答题", "二、实训操作题", "总分", "奖项"]
    assert [c.text for c in table.rows[1].cells] == ["1", "2026001", "张三", "北京分公司", "10.00", "20.00", "30.00", "一等奖"]
    assert table.rows[5].cells[2].text == '=HYPERLINK("x")'
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert fonts.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert fonts.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert document.core_properties.created.year == 2026


def test_double_marking_with_third_marks_and_arbitration(runner, tmp_path):
    manifest = paper(tmp_path, policy="double_marking", threshold=2)
    result = invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    assert result.exit_code == 0
    first, second = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    set_marks(first, {}, lambda key, label: 4 if label.startswith("一") else 8)
    set_marks(second, {("2026002", "二.1"): 2, ("2026003", "二.1"): 2}, lambda key, label: 4 if label.startswith("一") else 8)

    result = invoke(runner, "grade", manifest, first, second, *DATE)
    # 三评 pending: a draft only, exit 3, no 成绩公示.
    assert result.exit_code == 3, result.output
    assert "3 of 5 contestants ranked" in result.stdout
    assert "warning: 2 answers wait for third marking (“三评”); make their sheet with `examgen sheets --pending`" in result.stderr
    assert not (manifest.parent / "results.docx").exists() and not (manifest.parent / "results.xlsx").exists()
    assert (manifest.parent / "results-草稿（未经复核）.xlsx").exists()

    result = invoke(runner, "sheets", "--pending", manifest, first, second, *DATE)
    assert result.exit_code == 0, result.output
    third = manifest.parent / "sheets" / "A-third.xlsx"
    assert result.stdout.splitlines() == [f"wrote {third}", "2 answers to mark; grade them with the other sheets"]
    ws = openpyxl.load_workbook(third).active
    assert ws["A1"].value == "测试竞赛理论试卷 三评评分表" and ws["F2"].value == "三评"
    assert [ws.cell(r, 2).value for r in (8, 9)] == ["2026002", "2026003"] and ws.max_row == 10
    assert [ws.cell(8, c).value for c in range(5, 9)] == ["—", "—", None, "—"]
    assert ws["G8"].protection.locked is False and ws["E8"].protection.locked
    set_marks(third, {("2026002", "二.1"): 7, ("2026003", "二.1"): 5})

    result = invoke(runner, "sheets", "--pending", manifest, first, second, third, *DATE)
    arbitration = manifest.parent / "sheets" / "A-arbitration.xlsx"
    assert result.stdout.splitlines() == [f"wrote {arbitration}", "1 answer to mark; grade it with the other sheets"]
    set_marks(arbitration, {("2026003", "二.1"): 6})

    result = invoke(runner, "grade", manifest, first, second, third, arbitration, *DATE, "--force")
    assert result.exit_code == 0, result.output
    assert "5 of 5 contestants ranked" in result.stdout
    wb = openpyxl.load_workbook(manifest.parent / "results.xlsx")
    totals = {row[1]: row[6] for row in wb["排名"].iter_rows(min_row=3, values_only=True)}
    assert totals == {"2026001": 24, "2026002": 23.5, "2026003": 22, "2026004": 24, "2026005": 24}
    judges = {(r[0], r[2]): r for r in wb["评委"].iter_rows(min_row=3, values_only=True)}
    assert judges[("2026003", "二.1")][5:10] == (8, 2, 5, 6, 6)
    assert judges[("2026002", "二.1")][5:11] == (8, 2, 7, None, 7.5, "三评")


def test_anonymized_round_trip_through_the_commands(runner, tmp_path):
    manifest = paper(tmp_path, judges=2)
    result = invoke(runner, "sheets", manifest, "--roster", ROSTER, "--anonymize", *DATE)
    codes = manifest.parent / "codes-A.xlsx"
    assert f"wrote {codes} (code table: keep it away from the judges)" in result.stdout
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    table = openpyxl.load_workbook(codes).active
    code_of = {table.cell(r, 2).value: table.cell(r, 1).value for r in range(3, 8)}
    for path in sheets:
        set_marks(path, {}, lambda key, label: 5 if key == code_of["2026004"] and label.startswith("一") else 1)
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: --roster: the sheets use secret codes (“密号”); the code table is needed to name the contestants "
        "(pass --roster output/<paper-id>/codes-<form>.xlsx)"
    ]
    result = invoke(runner, "grade", manifest, *sheets, "--roster", codes, *DATE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split()[:3] == ["1", "2026004", "赵六"]


def test_contest_yaml_combines_weighted_rounds(runner, tmp_path):
    theory = paper(tmp_path, "theory", "理论")
    practical = paper(tmp_path, "practical", "实操")
    sheets = []
    for manifest, judge_marks in ((theory, full), (practical, lambda key, label: int(key[-1]))):
        invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
        for path in sorted((manifest.parent / "sheets").glob("*.xlsx")):
            set_marks(path, {}, judge_marks)
            sheets.append(path)
    contest = tmp_path / "contest.yaml"
    contest.write_text(
        "name: 2026年测试竞赛\n"
        "rounds:\n"
        "  - {name: 理论, manifest: output/theory/manifest.json, weight: 30%}\n"
        "  - {name: 实操, manifest: output/practical/manifest.json, weight: 70%}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "grade", contest, *sheets, "--roster", ROSTER, *DATE)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert wb.sheetnames == ["排名", "明细-理论", "评委-理论", "明细-实操", "评委-实操", "团体", "说明"]
    rows = {r[1]: r for r in wb["排名"].iter_rows(min_row=3, values_only=True)}
    for key in ("2026001", "2026002", "2026003", "2026004", "2026005"):
        n = int(key[-1])
        theory_total = Decimal(30 - 4 * (n - 1))
        practical_total = Decimal(4 * n)
        combined = (theory_total * Decimal("0.3") + practical_total * Decimal("0.7")).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert rows[key][4:7] == (pytest.approx(float(theory_total)), pytest.approx(float(practical_total)), pytest.approx(float(combined)))


def test_several_manifests_are_rounds_of_equal_weight(runner, tmp_path):
    theory = paper(tmp_path, "theory", "理论", judges=1)
    practical = paper(tmp_path, "practical", "实操", judges=1)
    stray = paper(tmp_path, "stray", "其他", judges=1)
    sheets = []
    for manifest in (theory, practical, stray):
        invoke(runner, "sheets", manifest, "--roster", ROSTER, "--judges", "1", *DATE)
        sheet = manifest.parent / "sheets" / "A-judge-1.xlsx"
        set_marks(sheet, {}, full)
        sheets.append(sheet)
    result = invoke(runner, "grade", theory, practical, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {sheets[2]}: the sheet is for paper 'stray', which is not one of theory, practical "
        "(give the sheets of the papers being graded)"
    ]
    result = invoke(runner, "grade", theory, practical, *sheets[:2], *DATE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["1", "2026001", "张三", "北京分公司", "60.00", "一等奖"]
    assert (tmp_path / "output" / "results.xlsx").exists()


def two_form_paper(tmp_path: Path, judges: int = 2) -> Path:
    """Write a manifest with forms A and B (B draws other questions into the same sections)."""
    manifest = paper(tmp_path, judges=judges)
    record = json.loads(manifest.read_text(encoding="utf-8"))
    form_b = json.loads(json.dumps(record["forms"][0]))
    form_b["form"] = "B"
    for section in form_b["sections"]:
        for question in section["questions"]:
            question["id"] = question["id"].replace("-0", "-1")
    record["forms"].append(form_b)
    manifest.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def test_two_forms_are_marked_apart_and_ranked_together(runner, tmp_path):
    manifest = two_form_paper(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "准考证号,姓名,单位,卷别\n2026001,张三,甲,A\n2026002,李四,乙,B\n2026003,王五,甲,A卷\n2026004,赵六,乙,B\n",
        encoding="utf-8",
    )
    result = invoke(runner, "sheets", manifest, "--roster", roster, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {manifest}: the paper has forms A, B; say which one the sheets are for (pass --form A)"
    ]
    for form in ("A", "B"):
        result = invoke(runner, "sheets", manifest, "--roster", roster, "--form", form, "--judges", "2", *DATE)
        assert result.stdout.splitlines()[-1] == f"2 sheets for form {form}, 2 contestants each"
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    assert [p.name for p in sheets] == ["A-judge-1.xlsx", "A-judge-2.xlsx", "B-judge-1.xlsx", "B-judge-2.xlsx"]
    form_b = openpyxl.load_workbook(sheets[2]).active
    assert [form_b.cell(r, 2).value for r in (8, 9)] == ["2026002", "2026004"]
    assert form_b["E6"].value == "SA-101"
    for path in sheets:
        set_marks(path, {}, full)
    result = invoke(runner, "grade", manifest, *sheets, "--roster", roster, *DATE)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(manifest.parent / "results.xlsx")
    assert wb.sheetnames == ["排名", "明细-A", "评委-A", "明细-B", "评委-B", "团体", "说明"]
    ranking = [row[:2] for row in wb["排名"].iter_rows(min_row=3, values_only=True)]
    assert ranking == [(1, "2026001"), (2, "2026002"), (3, "2026003"), (4, "2026004")]
    assert wb["明细-B"]["D2"].value == "一.1 SA-101（5分）"

    # A form-B sheet relabelled as form A is caught by its question ids.
    relabelled = openpyxl.load_workbook(sheets[3])
    relabelled.active["D3"] = "A"
    relabelled.save(sheets[3])
    result = invoke(runner, "grade", manifest, *sheets, "--roster", roster, *DATE, "--force")
    assert result.exit_code == 1
    assert f"error: {sheets[3]}!评分!E6: question 一.1 is SA-101 on this sheet but SA-001 in the manifest" in result.stderr


def test_pending_sheet_of_anonymized_double_marking_keeps_the_codes(runner, tmp_path):
    manifest = paper(tmp_path, policy="double_marking", threshold=1)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, "--anonymize", "--seed", "3", *DATE)
    first, second = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    code = openpyxl.load_workbook(first).active["B9"].value
    set_marks(first, {}, lambda key, label: 3)
    set_marks(second, {(code, "一.2"): 5}, lambda key, label: 3)
    result = invoke(runner, "sheets", "--pending", manifest, first, second, *DATE)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(manifest.parent / "sheets" / "A-third.xlsx").active
    assert [ws.cell(5, c).value for c in range(1, 4)] == ["序号", "密号", "一.1"]
    assert [ws.cell(8, c).value for c in range(2, 7)] == [code, "—", None, "—", "—"]
    assert ws.max_row == 9  # one row, then the signature line


def test_a_contestant_on_the_wrong_form_is_refused(runner, tmp_path):
    manifest = two_form_paper(tmp_path, judges=1)
    plain = tmp_path / "plain.csv"
    plain.write_text("准考证号,姓名,单位\n2026001,张三,甲\n2026002,李四,乙\n", encoding="utf-8")
    with_forms = tmp_path / "forms.csv"
    with_forms.write_text("准考证号,姓名,单位,卷别\n2026001,张三,甲,A\n2026002,李四,乙,B\n", encoding="utf-8")
    invoke(runner, "sheets", manifest, "--roster", plain, "--form", "A", "--judges", "1", *DATE)
    sheet = manifest.parent / "sheets" / "A-judge-1.xlsx"
    set_marks(sheet, {}, full)
    result = invoke(runner, "grade", manifest, sheet, "--roster", with_forms, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {sheet}!评分!B9: “准考证号” 2026002 does not sit form A by the roster's “卷别” "
        "(correct the “卷别” column of the roster, or mark the contestant on the right form)"
    ]
