"""End to end: the 40 × 3 grading fixture, graded and analysed; the files read back."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import openpyxl
import pytest
from docx import Document

from examgen.analysis.measures import cronbach_alpha, icc
from tests.grading.test_grading_e2e import (
    DATE,
    built,
    fill_sheets,
    invoke,
    make_roster,
    questions_of,
)

__all__ = ["built"]  # the module-scoped build fixture, shared with the grading test


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """Return (folder, typed marks, questions) after grading 40 contestants × 3 judges with --analyse."""
    manifest_path, manifest = built
    folder = tmp_path_factory.mktemp("analysis")
    make_roster(folder / "roster.csv")
    out = folder / "sheets"
    invoke("sheets", manifest_path, "--roster", folder / "roster.csv", "--judges", 3, "--out", out, *DATE)
    sheets = sorted(out.glob("*.xlsx"))
    questions = questions_of(manifest)
    typed = fill_sheets(sheets, questions, seed=2026)
    result = invoke("grade", manifest_path, *sheets, "--roster", folder / "roster.csv", "--out", folder,
                    "--analyse", *DATE)
    return folder, typed, questions, result, sheets


def _final(typed, contestant, label) -> Fraction:
    # Exact: a question's score is the judges' mean, never rounded before publication.
    marks = [Fraction(typed[(contestant, label, j)]) for j in (1, 2, 3)]
    return sum(marks) / 3


def test_grade_analyse_writes_workbook_report_and_item_stats(graded):
    folder, typed, questions, result, _ = graded
    for name in ("analysis.xlsx", "成绩分析报告.docx", "item-stats.json"):
        assert (folder / name).exists(), name
    assert "analysed 40 of 40 contestants" in result.stdout
    ids = sorted({key[0] for key in typed})
    labels = [q["label"] for q in questions]
    totals = {c: sum(_final(typed, c, label) for label in labels) for c in ids}

    workbook = openpyxl.load_workbook(folder / "analysis.xlsx")
    assert workbook.sheetnames == ["概况", "单位", "试题分析", "评委", "一致性", "关注"]
    items = workbook["试题分析"]
    header = [c.value for c in items[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in items.iter_rows(min_row=2, values_only=True) if r[0]}
    # P of every question, recomputed from the typed marks.
    for q in questions:
        finals = [float(_final(typed, c, q["label"])) for c in ids]
        assert rows[q["display_label"]]["难度P（得分率）"] == pytest.approx(sum(finals) / 40 / float(q["points"]))
    # α of the paper, recomputed.
    table = [[float(_final(typed, c, q["label"])) for c in ids] for q in questions]
    overview = {r[0]: r[1] for r in workbook["概况"].iter_rows(values_only=True) if r[0]}
    alpha_key = next(k for k in overview if str(k).startswith("信度"))
    assert overview[alpha_key] == pytest.approx(cronbach_alpha(table))
    assert overview["参加统计人数（成绩完整）"] == 40
    # Native charts: a bar chart on 概况 and 评委, a scatter chart on 试题分析.
    assert len(workbook["概况"]._charts) == 1 and len(items._charts) == 1 and len(workbook["评委"]._charts) == 1
    # ICC of the totals, recomputed from each judge's totals.
    agreement = {r[0]: r for r in workbook["一致性"].iter_rows(min_row=2, values_only=True) if r[0]}
    judge_totals = [[float(sum(typed[(c, label, j)] for label in labels)) for j in (1, 2, 3)] for c in ids]
    assert agreement["总分"][4] == pytest.approx(icc(judge_totals).icc2_1)

    report = Document(str(folder / "成绩分析报告.docx"))
    text = "\n".join(p.text for p in report.paragraphs)
    assert report.paragraphs[1].text == "成绩分析报告"
    mean = float(sum(totals.values())) / 40
    assert f"平均分 {mean:.2f} 分" in text
    assert "一、总体情况" in text and "五、评委评分一致性" in text
    assert len(report.inline_shapes) == 4  # histogram, box plots, judges, items

    stats = json.loads((folder / "item-stats.json").read_text(encoding="utf-8"))
    assert [q["label"] for q in stats["questions"]] == [q["display_label"] for q in questions]
    assert all(0 <= q["p"] <= 1 and not math.isnan(q["d"]) for q in stats["questions"])


def test_analyse_command_reads_the_same_sheets_and_refuses_to_overwrite(graded, built, tmp_path, runner):
    folder, _, _, _, sheets = graded
    manifest_path, _ = built
    out = tmp_path / "again"
    result = invoke("analyse", manifest_path, *sheets, "--roster", folder / "roster.csv", "--out", out, *DATE)
    assert "wrote" in result.stdout
    first = openpyxl.load_workbook(folder / "analysis.xlsx")["试题分析"]
    again = openpyxl.load_workbook(out / "analysis.xlsx")["试题分析"]
    assert [[c.value for c in r] for r in again.iter_rows()] == [[c.value for c in r] for r in first.iter_rows()]
    # Same inputs, same bytes.
    for name in ("成绩分析报告.docx", "analysis.xlsx", "item-stats.json"):
        assert (out / name).read_bytes() == (folder / name).read_bytes(), name
    from examgen.cli import main

    refused = runner.invoke(main, ["analyse", str(manifest_path), *map(str, sheets), "--roster",
                                   str(folder / "roster.csv"), "--out", str(out), *DATE])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: {out / 'analysis.xlsx'}: already exists")


def test_analyse_needs_one_manifest_and_sheets(runner, tmp_path):
    from examgen.cli import main

    result = runner.invoke(main, ["analyse", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 1
    assert "error: the command line: the analysis takes one manifest.json and its filled sheets" in result.stderr
    result = runner.invoke(main, ["analyse", str(tmp_path / "manifest.json")])
    assert result.exit_code == 1 and "error: no score sheets given" in result.stderr


def test_release_history_and_bank_stats_show_the_observed_figures(graded, built):
    folder, _, questions, _, _ = graded
    manifest_path, _ = built
    workspace = manifest_path.parent.parent.parent
    result = invoke("release", "-w", workspace, manifest_path.parent, "--stats", folder / "item-stats.json")
    assert result.stdout.startswith("recorded judged (2026-05-01): 12 questions, with observed P and D")
    history = invoke("history", "-w", workspace).stdout.splitlines()
    assert history[2].split()[:3] == ["2026-05-01", "release", "judged"] and history[2].split()[-2:] == ["40", "yes"]
    most = history.index("most used questions (of 1 released papers):")
    assert [line.split()[1:] for line in history[most + 3 : most + 13]] == [["1", "2026-05-01"]] * 10
    stats = json.loads((folder / "item-stats.json").read_text(encoding="utf-8"))
    lines = invoke("bank", "stats", "-w", workspace).stdout.splitlines()
    start = lines.index("12 questions used in released papers (history.jsonl):")
    rows = {line.split()[0]: line.split() for line in lines[start + 3 : start + 15]}
    for q in stats["questions"]:
        assert rows[q["id"]][3] == "1" and rows[q["id"]][5] == f"{q['p']:.2f}" and rows[q["id"]][6] == f"{q['d']:.2f}"


def test_history_without_releases_says_how_to_start(runner, tmp_path):
    from examgen.cli import main

    result = runner.invoke(main, ["history", "-w", str(tmp_path)])
    assert result.exit_code == 0 and "no history yet" in result.stdout


def test_without_a_cjk_font_the_report_is_written_with_a_warning(built, tmp_path, monkeypatch):
    import datetime

    from examgen.analysis import workflow
    from tests.analysis.helpers import graded as graded_results

    manifest_path, _ = built
    results = graded_results({f"C{i}": {"一.1": [i, i, i]} for i in range(6)}, [10])
    monkeypatch.setattr(workflow, "find_cjk_font", lambda: None)
    outcome = workflow.write_analysis(results, manifest_path, tmp_path, date=datetime.date(2026, 5, 1))
    assert outcome.warnings == (workflow.NO_CJK_FONT,)
    text = [p.text for p in Document(str(tmp_path / "成绩分析报告.docx")).paragraphs]
    assert "（说明：本机未找到中文字体，图中中文可能无法正常显示。）" in text


def test_grade_analyse_takes_one_manifest(runner, tmp_path):
    from examgen.cli import main

    result = runner.invoke(main, ["grade", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--analyse"])
    assert result.exit_code == 2
    assert "--analyse works on one paper: give one manifest.json" in result.output


def test_choices_come_from_the_entered_answers_of_choice_questions():
    from decimal import Decimal

    from examgen.analysis.options import choices_of
    from examgen.models import AnswerScore, Contestant, ContestantScores, ScoredQuestion, Scores

    def question(label, qid, kind, answer=""):
        return ScoredQuestion(label, qid, Decimal(2), 1, "选择题", kind, answer=answer)

    single, multiple = question("一.1", "SC-1", "single_choice", "B"), question("一.2", "MC-1", "multiple_choice", "AC")
    other_form = question("一.1", "SC-9", "single_choice", "D")  # form B puts another question at 一.1
    judged, true_false = question("二.1", "CA-1", "case_analysis"), question("三.1", "TF-1", "true_false", "true")

    def answer(cid, q, response, status="ok"):
        return AnswerScore(cid, q, (), (), None, status, "objective", response=response)

    scores = Scores("A/B", "mean", 1, (single, multiple, judged), (
        ContestantScores(Contestant("01", "甲"), (
            answer("01", single, "B"), answer("01", multiple, "A"), answer("01", judged, ""), answer("01", true_false, "true"),
        )),
        ContestantScores(Contestant("02", "乙"), (answer("02", single, ""), answer("02", multiple, "", status="missing"))),
        ContestantScores(Contestant("03", "丙"), (answer("03", other_form, "D"),)),
    ))
    choices, keys, options = choices_of(scores, {"SC-1": "ABCD", "MC-1": "ABCDE"})
    assert keys == {"一.1（SC-1）": "B", "一.2": "AC", "一.1（SC-9）": "D"}
    assert choices == {"01": {"一.1（SC-1）": "B", "一.2": "A"}, "02": {"一.1（SC-1）": ""}, "03": {"一.1（SC-9）": "D"}}
    assert options == {"一.1（SC-1）": "ABCD", "一.2": "ABCDE"}


def test_grade_analyse_refuses_an_existing_analysis_before_writing_results(graded, built, tmp_path, runner):
    from examgen.cli import main

    folder, _, _, _, sheets = graded
    manifest_path, _ = built
    (tmp_path / "analysis.xlsx").write_bytes(b"keep")
    result = runner.invoke(main, ["grade", str(manifest_path), *map(str, sheets), "--roster", str(folder / "roster.csv"),
                                  "--out", str(tmp_path), "--analyse", *DATE])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'analysis.xlsx'}: already exists; nothing was written")
    assert not (tmp_path / "results.xlsx").exists() and (tmp_path / "analysis.xlsx").read_bytes() == b"keep"
