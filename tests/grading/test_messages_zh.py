"""Grading and analysis speak Chinese by default: a typical problem of each module, read in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from examgen.analysis.workflow import run_analysis
from examgen.cli import main
from examgen.errors import ExamgenError, GradingError, SheetError
from examgen.grading.aggregate import aggregate_marks
from examgen.grading.contest import ContestError, load_contest
from examgen.grading.entry_sheets import read_entry_workbook
from examgen.grading.foreign_reader import load_mapping
from examgen.grading.foreign_sheets import Grid, SheetMap, detect_layout
from examgen.grading.objective import EntryCell, FilledEntry, compare_entries, normalize_response
from examgen.grading.rank import rank_contestants
from examgen.grading.roster import read_roster
from examgen.grading.sheet_reader import parse_mark
from examgen.grading.workflow import _score_warnings, load_grading_paper
from examgen.i18n import set_language
from examgen.models import (
    Contestant,
    GradingRules,
    Mark,
    Marks,
    ObjectiveQuestion,
    ScoredQuestion,
    Threshold,
)
from tests.language import english_words

DATA = Path(__file__).resolve().parent.parent / "data" / "grading"
D = Decimal
Q1 = ScoredQuestion("一.1", "SA-001", D(10), 1, "简答题", "short_answer")
ALICE = Contestant("2026001", "张三", "一分公司")
DOUBLE = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=D(2)))


@pytest.fixture
def chinese():
    set_language("zh")
    try:
        yield
    finally:
        set_language(None)


def marks(*given: tuple[str, int], kind: str = "regular") -> Marks:
    built = tuple(Mark(ALICE.id, Q1.label, judge, D(value), kind, f"{judge}.xlsx!评分!D8") for judge, value in given)
    return Marks("A", (Q1,), (ALICE,), built, tuple(judge for judge, _ in given))


def refusals(path: Path, text: str, read, error: type[ExamgenError]) -> list[str]:
    """Return the problems ``read`` finds in a file holding ``text``, as printed."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as caught:
        read(path)
    return [str(p) for p in caught.value.problems]


def test_roster_problems_read_in_chinese(chinese, tmp_path):
    path = tmp_path / "roster.csv"
    assert refusals(path, "准考证号,姓名\n1,甲\n1,乙\n2,\n", read_roster, SheetError) == [
        f"{path}:3：准考证号 1 出现两次（第一次在 {path}:2）（每名选手只能列出一次）",
        f"{path}:4：准考证号 2 没有姓名（请填写姓名）",
    ]


def test_a_bad_mark_reads_in_chinese(chinese):
    _, problem = parse_mark(6, ScoredQuestion("一.1", "SA-001", D(5), 1, "简答题", "short_answer"),
                            D("0.5"), ("准考证号", "2026001"))
    assert problem == ("评分 6 超过 一.1 的满分 5（准考证号 2026001）", "请填写 0 至 5 之间、以 0.5 为单位的分数")


def test_a_judges_own_table_with_two_judges_named_reads_in_chinese(chinese):
    forms = load_grading_paper(DATA / "manifest.json").forms
    grid = Grid("g.csv", "", (("评委：甲", "评委：乙"), ("考号", "一.1", "一.2", "二.1", "二.2"), ("2026001", 1, 2, 3, 4)))
    _layout, problems = detect_layout(grid, forms, SheetMap())
    text = str(problems[0])
    assert text.startswith("g.csv：多个单元格写有评委：甲 (A1)、乙 (B1)（请在表格上方写“评委：<姓名>”，或在映射文件中写 `judge:`；")
    assert "请用同一命令加 --explain > map.yaml 运行" in text


def test_a_wrong_mapping_file_reads_in_chinese(chinese, tmp_path):
    path = tmp_path / "map.yaml"
    assert refusals(path, "files:\n  a.xlsx:\n    judge: '?'\n", load_mapping, SheetError) == [
        f"{path}:3：a.xlsx：`judge` 仍为“?”（请填写）",
    ]


def test_entry_problems_read_in_chinese(chinese, tmp_path):
    single = ScoredQuestion("一.1", "SC-001", D(2), 1, "单项选择题", "single_choice")
    question = ObjectiveQuestion(single, 3, "ABCD", "B")
    assert normalize_response("E", question) == ("", "'E'：E 不是第3题的选项（选项为 A–D）")
    assert normalize_response("AB", question)[1] == "'AB'：第3题是单选题，只能填一个字母"
    first = FilledEntry("e1.xlsx", "P", "A", 1, (EntryCell("2026001", "一.1", "A", "A", "e1.xlsx!录入!E8"),), (("2026001", "e1.xlsx!录入!B8"),))
    second = FilledEntry("e2.xlsx", "P", "A", 2, (EntryCell("2026001", "一.1", "AC", "AC", "e2.xlsx!录入!E8"),), (("2026001", "e2.xlsx!录入!B8"),))
    [problem] = compare_entries(first, second)
    assert str(problem) == "e1.xlsx!录入!E8：“录入1”为 A，“录入2”为 AC（见 e2.xlsx!录入!E8）（请查看答题卡，更正录错的一份）"
    path = tmp_path / "entry.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SheetError) as caught:
        read_entry_workbook(path, {"A": (question,)}, paper_id="P")
    assert str(caught.value).startswith(f"{path}：未找到答题录入表")


def test_aggregation_problems_and_flags_read_in_chinese(chinese):
    with pytest.raises(GradingError) as caught:
        aggregate_marks(marks(("J1", 11), ("J2", 5), ("J3", 5)), GradingRules())
    assert str(caught.value) == "J1.xlsx!评分!D8：评分 11 不在 0 至 10 之间（请更正评分）"
    scores = aggregate_marks(marks(("J1", 2), ("J2", 8)), DOUBLE)
    assert [p.reason for p in scores.pending] == ["一.1：评分 2, 8 相差 6，超过 2：需要三评"]


def test_the_issues_mixed_warning_is_one_language_in_each(chinese):
    scores = aggregate_marks(marks(("J1", 2), ("J2", 8)), DOUBLE)
    assert _score_warnings(scores, "A卷") == [
        "A卷：1 份作答待三评；请用 `examgen sheets --pending` 生成其评分表",
        "A卷：1 份作答被标记为“评分差异过大”（`disagreement`）",
    ]
    set_language("en")
    assert _score_warnings(scores, "") == [
        "1 answer waits for third marking (“三评”); make their sheet with `examgen sheets --pending`",
        "1 answer flagged as “评分差异过大” (`disagreement`)",
    ]


def test_ranking_problems_read_in_chinese(chinese):
    scores = aggregate_marks(marks(("J1", 5), ("J2", 5), ("J3", 5)), GradingRules())
    with pytest.raises(GradingError) as caught:
        rank_contestants(scores, GradingRules(tie_breakers=("九",)))
    assert str(caught.value).startswith("grading.tie_breakers[0]：'九' 不对应本排名的任何部分（请指定以下之一：")


def test_contest_problems_read_in_chinese(chinese, tmp_path):
    path = tmp_path / "contest.yaml"
    assert refusals(path, "name: 大赛\nrounds:\n  - name: 理论\n", load_contest, ContestError) == [
        f"{path}:3: rounds[0].manifest：缺失（请写 `manifest: output/<paper>/manifest.json`）",
        f"{path}:3: rounds[0].weight：缺失（请写比例，如 30% 或 0.3）",
    ]


def test_analysis_refusal_reads_in_chinese(chinese):
    with pytest.raises(ExamgenError) as caught:
        run_analysis([DATA / "manifest.json"], date=datetime.date(2026, 5, 1))
    assert str(caught.value) == "未给出评分表（请在试卷清单后列出已填写的 .xlsx 评分表（及答题录入表））"


def test_grade_refusal_is_chinese_by_default_on_the_command_line(runner, tmp_path):
    result = runner.invoke(main, ["grade", str(DATA / "manifest.json")], env={"EXAMGEN_LANG": "zh"})
    assert result.exit_code == 1
    # The "error:" prefix is the CLI's; the message itself is the grading workflow's.
    message = result.stderr.strip().removeprefix("错误：").removeprefix("error: ")
    assert message == "未给出评分表（请在试卷清单后列出已填写的 .xlsx 评分表）"
    assert not english_words(message)
