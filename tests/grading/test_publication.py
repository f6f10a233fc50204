"""Results a scoring office can sign: one test per defect of issue 9, and the properties.

Defects: rounding at the wrong level, where the policy applies (aggregate_on), missing
judges accepted silently, provisional results published, absence (缺考).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.errors import BlueprintError
from examgen.grading.aggregate import aggregate_marks
from examgen.grading.rank import rank_contestants
from examgen.models import Contestant, GradingRules, Mark, Marks, ScoredQuestion
from examgen.numbers import publish
from examgen.paper.rules import validate_grading_rules
from tests.grading.test_grading_cli import DATE, ROSTER, full, invoke, paper, set_marks

D = Decimal
QUESTIONS = (
    ScoredQuestion("一.1", "SA-001", D(5), 1, "简答题", "short_answer"),
    ScoredQuestion("一.2", "SA-002", D(5), 1, "简答题", "short_answer"),
    ScoredQuestion("二.1", "PR-001", D(10), 2, "实训操作题", "practical"),
)
ALICE = Contestant("2026001", "张三", "一分公司")


def sheets_of(manifest: Path) -> list[Path]:
    return sorted((manifest.parent / "sheets").glob("*.xlsx"))


def filled_paper(runner, tmp_path: Path) -> tuple[Path, list[Path]]:
    """Return the fixture paper and its three judges' sheets, every mark filled in."""
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    for path in sheets_of(manifest):
        set_marks(path, {}, full)
    return manifest, sheets_of(manifest)


# --- 1. rounding at the wrong level -------------------------------------------------------


def test_defect_rounding_at_the_wrong_level_totals_are_exact_and_rounded_once(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    marks = {"一.1": (4, 4, 4.5), "一.2": (4, 4, 4.5), "二.1": (8, 8, 7), "二.2": (10, 10, 10)}
    for judge, path in enumerate(sheets_of(manifest)):
        set_marks(path, {("2026001", label): values[judge] for label, values in marks.items()}, full)
    result = invoke(runner, "grade", manifest, *sheets_of(manifest), *DATE)
    assert result.exit_code == 0, result.output
    ranking = openpyxl.load_workbook(manifest.parent / "results.xlsx")["排名"]
    row = next(r for r in ranking.iter_rows(min_row=3, values_only=True) if r[1] == "2026001")
    # Judges' totals 26.5, 26.5, 25: their mean is exactly 26.00. Rounding each question
    # first (4.17 + 4.17 + 7.67 + 10) would have published 26.01.
    assert row[6] == 26
    assert row[4:6] == (8.33, 17.67)  # sections: exact, rounded once each
    detail = openpyxl.load_workbook(manifest.parent / "results.xlsx")["说明"]
    notes = {r[0]: r[1] for r in detail.iter_rows(min_row=3, values_only=True)}
    assert "一次四舍五入" in notes["舍入"] and "精确值" in notes["各题得分"]


# --- 2. where the policy applies -----------------------------------------------------------


def five_judges(values: dict[str, tuple]) -> Marks:
    judges = tuple(f"评委{i}" for i in range(1, 6))
    marks = tuple(
        Mark(ALICE.id, label, judge, D(str(v)))
        for label, row in values.items() for judge, v in zip(judges, row, strict=True)
    )
    return Marks("A", QUESTIONS, (ALICE,), marks, judges)


def test_defect_where_the_policy_applies_trimmed_mean_drops_the_highest_and_lowest_judge_total():
    # Judge totals: 13, 16, 15, 20, 12 -> drop 20 and 12 -> (13 + 16 + 15) / 3 = 14.67.
    marks = five_judges({"一.1": (4, 5, 4, 5, 1), "一.2": (4, 5, 4, 5, 2), "二.1": (5, 6, 7, 10, 9)})
    rules = GradingRules(policy="trimmed_mean", judges=5)
    row = rank_contestants(aggregate_marks(marks, rules), rules).rows[0]
    assert row.total == D("14.67")
    # Sections are the same three judges' section totals, averaged: they add up to the total.
    assert row.part_scores == (D("8.67"), D("6.00"))
    # Question by question (the old way), or section by section, gives another number.
    for level in ("question", "section"):
        other = GradingRules(policy="trimmed_mean", judges=5, aggregate_on=level)
        assert rank_contestants(aggregate_marks(marks, other), other).rows[0].total == D("16.00"), level


def test_defect_where_the_policy_applies_median_of_judge_totals():
    marks = five_judges({"一.1": (4, 5, 4, 5, 1), "一.2": (4, 5, 4, 5, 2), "二.1": (5, 6, 7, 10, 9)})
    rules = GradingRules(policy="median", judges=5)
    assert rank_contestants(aggregate_marks(marks, rules), rules).rows[0].total == D(15)  # the middle total


def test_aggregate_on_is_refused_under_double_marking():
    with pytest.raises(BlueprintError) as caught:
        validate_grading_rules({"policy": "double_marking", "aggregate_on": "total"}, "t.yaml:3")
    assert str(caught.value.problems[0]) == (
        "t.yaml:3: grading.aggregate_on: double_marking compares two marks per answer, so it applies "
        "per question, not per total (remove aggregate_on or set it to question)"
    )


# --- 3. missing judges ----------------------------------------------------------------------


def test_defect_missing_judges_are_refused_naming_the_judge(runner, tmp_path):
    manifest = paper(tmp_path)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    first, second, third = sheets_of(manifest)
    for path in (first, third):
        set_marks(path, {}, full)
    result = invoke(runner, "grade", manifest, first, third, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {manifest}: form A has the sheets of 2 judges (评委1, 评委3); the grading rules (`mean`) "
        "need 3; missing: 评委2 (give every judge's sheet, or pass --provisional for a draft (“草稿”) ranking)"
    ]
    assert not list(manifest.parent.glob("results*"))
    result = invoke(runner, "grade", manifest, first, third, "--provisional", *DATE)
    assert result.exit_code == 3
    assert [p.name for p in manifest.parent.glob("results*")] == ["results-草稿（未经复核）.xlsx"]


def test_defect_missing_judges_under_trimmed_mean_one_of_five(runner, tmp_path):
    manifest = paper(tmp_path, policy="trimmed_mean", judges=5)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sheets_of(manifest)
    assert len(sheets) == 5
    set_marks(sheets[0], {}, full)
    result = invoke(runner, "grade", manifest, sheets[0], *DATE)
    assert result.exit_code == 1
    assert "need 5; missing: 评委2, 评委3, 评委4, 评委5" in result.stderr


# --- 4. provisional results ----------------------------------------------------------------


def test_defect_provisional_results_are_a_draft_and_never_a_notice(runner, tmp_path):
    manifest = paper(tmp_path, policy="double_marking", threshold=1)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    first, second = sheets_of(manifest)
    set_marks(first, {}, full)
    set_marks(second, {("2026002", "二.1"): 2}, full)  # 三评 needed for one answer
    result = invoke(runner, "grade", manifest, first, second, *DATE)
    assert result.exit_code == 3
    assert "pending: 2026002 李四 二.1：待三评" in result.stderr
    assert not (manifest.parent / "results.docx").exists()
    draft = manifest.parent / "results-草稿（未经复核）.xlsx"
    wb = openpyxl.load_workbook(draft)
    assert "待办" in wb.sheetnames
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith("草稿（未经复核）"), ws.title
        assert ws.oddHeader.center.text == "草稿（未经复核）"
    todo = [r[1] for r in wb["待办"].iter_rows(min_row=3, values_only=True)]
    assert len(todo) == 1 and todo[0].startswith("2026002 李四 二.1：待三评")


# --- 5. absence ------------------------------------------------------------------------------


def test_defect_absence_is_listed_as_absent_not_ranked_not_in_quotas(runner, tmp_path):
    manifest = paper(tmp_path, awards=[{"name": "一等奖", "share": "25%"}])
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    for path in sheets_of(manifest):
        set_marks(path, {("2026003", "一.1"): "缺考"}, lambda key, label: None if key == "2026003" else full(key, label))
    result = invoke(runner, "grade", manifest, *sheets_of(manifest), *DATE)
    assert result.exit_code == 0, result.output
    assert "4 of 5 contestants ranked" in result.stdout
    ranking = openpyxl.load_workbook(manifest.parent / "results.xlsx")["排名"]
    rows = {r[1]: r for r in ranking.iter_rows(min_row=3, values_only=True)}
    assert rows["2026003"][0] is None and rows["2026003"][6] == "缺考" and rows["2026003"][8] == "缺考"
    # 25% of the 4 who sat, not of 5: one 一等奖.
    assert [r[7] for r in rows.values()].count("一等奖") == 1
    notice = docx.Document(manifest.parent / "results.docx")
    cells = [[c.text for c in row.cells] for row in notice.tables[0].rows]
    absent = next(row for row in cells if row[1] == "2026003")
    assert absent[6] == "缺考" and "0.00" not in absent and "成绩不完整" not in " ".join(absent)


def test_defect_absence_on_some_sheets_and_marks_on_others_names_the_cells(runner, tmp_path):
    manifest, sheets = filled_paper(runner, tmp_path)
    set_marks(sheets[1], {("2026003", label): None for label in ("一.2", "二.1", "二.2")} | {("2026003", "一.1"): "缺考"})
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {sheets[1]}!评分!E10: “准考证号” 2026003 is “缺考” at {sheets[1]}!评分!E10 but has marks at "
        f"{sheets[0]}!评分!E10, {sheets[2]}!评分!E10 (a contestant is either absent on every sheet or "
        "marked on every sheet: clear the marks or the “缺考”)"
    )


def test_roster_marks_absence_and_the_sheets_print_it(runner, tmp_path):
    manifest = paper(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.read_text(encoding="utf-8-sig").replace("2026004,赵六,广州分公司", "2026004,赵六,广州分公司,缺考")
                      .replace("准考证号,姓名,单位", "准考证号,姓名,单位,状态"), encoding="utf-8")
    invoke(runner, "sheets", manifest, "--roster", roster, *DATE)
    ws = openpyxl.load_workbook(sheets_of(manifest)[0]).active
    assert [ws.cell(11, c).value for c in range(5, 9)] == ["缺考"] * 4 and ws["E11"].protection.locked
    for path in sheets_of(manifest):
        set_marks(path, {}, lambda key, label: None if key == "2026004" else full(key, label))
    result = invoke(runner, "grade", manifest, *sheets_of(manifest), "--roster", roster, *DATE)
    assert result.exit_code == 0, result.output
    assert "4 of 5 contestants ranked" in result.stdout


# --- the 成绩公示 ---------------------------------------------------------------------------


def test_notice_states_the_contest_the_method_the_notice_period_and_the_closing(runner, tmp_path):
    manifest = paper(tmp_path)
    record = json.loads(manifest.read_text(encoding="utf-8"))
    record["contest"] = {
        "name": "2026年客服技能大赛", "organizer": "某某市总工会", "host": "某某通信公司",
        "notice_from": "2026-05-08", "notice_to": "2026-05-14", "contact": "王老师", "phone": "010-12345678",
    }
    manifest.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    for path in sheets_of(manifest):
        set_marks(path, {}, full)
    assert invoke(runner, "grade", manifest, *sheets_of(manifest), *DATE).exit_code == 0
    notice = docx.Document(manifest.parent / "results.docx")
    texts = [p.text for p in notice.paragraphs]
    assert texts[:3] == ["2026年客服技能大赛", "测试竞赛理论试卷成绩公示", "主办单位：某某市总工会　承办单位：某某通信公司"]
    assert "本次共有5名选手参加" in texts[3] and "三名评委独立评分，选手成绩取各评委所评总分的平均分" in texts[3]
    assert texts[4] == (
        "公示期：2026年5月8日至2026年5月14日。公示期内如对成绩有异议，请以书面形式向王老师（电话：010-12345678）提出。"
    )
    assert [t for t in texts if t][-3:] == ["某某市总工会", "（盖章）", "2026年5月1日"]
    section = notice.sections[0]
    assert section.page_width > section.page_height  # landscape
    header = notice.tables[0].rows[0]._tr
    assert header.find(".//{*}tblHeader") is not None
    assert all(row._tr.find(".//{*}cantSplit") is not None for row in notice.tables[0].rows)
    assert len(notice.tables) == 2  # ranking and teams
    body = "".join(texts) + "".join(c.text for t in notice.tables for r in t.rows for c in r.cells)
    assert "mini" not in body  # no internal id


# --- properties -----------------------------------------------------------------------------

half = st.integers(0, 10).map(lambda n: D(n) / 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(half, half, half.map(lambda v: v * 2)), min_size=1, max_size=7),
    st.sampled_from(["mean", "median", "trimmed_mean"]),
    st.sampled_from(["total", "section", "question"]),
    st.randoms(use_true_random=False),
)
def test_the_total_never_depends_on_the_order_of_judges_or_sheets(rows, policy, level, rnd):
    judges = tuple(f"评委{i}" for i in range(1, len(rows) + 1))
    marks = [
        Mark(ALICE.id, q.label, judge, value)
        for judge, row in zip(judges, rows, strict=True) for q, value in zip(QUESTIONS, row, strict=True)
    ]
    rules = GradingRules(policy=policy, judges=len(rows), aggregate_on=level)
    first = rank_contestants(aggregate_marks(Marks("A", QUESTIONS, (ALICE,), tuple(marks), judges), rules), rules)
    shuffled_judges = list(judges)
    rnd.shuffle(shuffled_judges)
    rnd.shuffle(marks)
    again = rank_contestants(
        aggregate_marks(Marks("A", QUESTIONS, (ALICE,), tuple(marks), tuple(shuffled_judges)), rules), rules
    )
    assert (again.rows[0].total, again.rows[0].part_scores) == (first.rows[0].total, first.rows[0].part_scores)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(half, half, half.map(lambda v: v * 2)), min_size=1, max_size=7), st.integers(0, 3))
def test_rounding_happens_once_the_total_is_the_rounded_exact_mean(rows, precision):
    judges = tuple(f"评委{i}" for i in range(1, len(rows) + 1))
    marks = tuple(
        Mark(ALICE.id, q.label, judge, value)
        for judge, row in zip(judges, rows, strict=True) for q, value in zip(QUESTIONS, row, strict=True)
    )
    rules = GradingRules(judges=len(rows), precision=precision)
    result = rank_contestants(aggregate_marks(Marks("A", QUESTIONS, (ALICE,), marks, judges), rules), rules)
    exact = Fraction(sum(sum(row) for row in rows)) / len(rows)
    assert result.rows[0].total == publish(exact, precision)


def test_publish_rounds_half_up_on_the_exact_fraction():
    assert publish(Fraction(8501, 100) - Fraction(1, 200), 2) == D("85.01")  # 85.005 exactly: up
    assert publish(Fraction(85005, 1000) - Fraction(1, 10**9), 2) == D("85.00")
    assert publish(Fraction(1, 3), 2) == D("0.33") and publish(Fraction(-5, 2), 0) == D(-3)


def test_the_readme_worked_example_of_5_judges():
    questions = (
        ScoredQuestion("一.1", "SA-001", D(20), 1, "简答题", "short_answer"),
        ScoredQuestion("二.1", "CA-001", D(30), 2, "案例分析题", "case_analysis"),
        ScoredQuestion("三.1", "PR-001", D(50), 3, "实训操作题", "practical"),
    )
    table = {"一.1": (16, 18, 17, 15, 17.5), "二.1": (25, 27, 26.5, 22, 27), "三.1": (45, 46, 45, 42, 45.5)}
    judges = tuple(f"评委{i}" for i in range(1, 6))
    marks = Marks("A", questions, (ALICE,), tuple(
        Mark(ALICE.id, label, judge, D(str(v))) for label, row in table.items()
        for judge, v in zip(judges, row, strict=True)
    ), judges)
    trimmed = GradingRules(policy="trimmed_mean", judges=5)
    row = rank_contestants(aggregate_marks(marks, trimmed), trimmed).rows[0]
    assert (row.total, row.part_scores) == (D("88.17"), (D("16.83"), D("26.17"), D("45.17")))
    mean = GradingRules(judges=5)
    assert rank_contestants(aggregate_marks(marks, mean), mean).rows[0].total == D("86.90")


def test_every_problem_of_every_sheet_in_one_pass_blank_cells_too(runner, tmp_path):
    manifest, sheets = filled_paper(runner, tmp_path)
    # One sheet: a bad mark AND a blank cell; another: a blank cell only.
    set_marks(sheets[0], {("2026001", "一.1"): 6, ("2026002", "二.2"): None})
    set_marks(sheets[2], {("2026004", "一.2"): None})
    result = invoke(runner, "grade", manifest, *sheets, *DATE)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {sheets[0]}!评分!E8: mark 6 is above the maximum 5 of 一.1 (“准考证号” 2026001) "
        "(type a mark from 0 to 5 in steps of 0.5)",
        f"error: {sheets[0]}!评分!H9: no mark for 二.2 (“准考证号” 2026002) (fill in the mark, or pass --provisional)",
        f"error: {sheets[2]}!评分!F11: no mark for 一.2 (“准考证号” 2026004) (fill in the mark, or pass --provisional)",
        "3 problems found; nothing was written.",
    ]
