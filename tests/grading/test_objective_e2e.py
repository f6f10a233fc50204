"""End to end with objective questions: build the default paper, enter 40 contestants'
answers twice (双人录入), mark the rest as 3 judges, grade, and check every total.

The expected totals are computed here from what was typed, with the scoring rules
written out again independently of examgen.grading.objective.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from examgen.cli import main
from tests.grading.test_grading_e2e import DATE, fill_sheets, make_roster

LETTERS = "ABCDEFGH"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def invoke(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("objective-e2e") / "contest"
    invoke("init", workspace)
    invoke("build", "-w", workspace, "--seed", 42)
    manifest = workspace / "output" / "default" / "manifest.json"
    record = json.loads(manifest.read_text(encoding="utf-8"), parse_float=Decimal)
    folder = workspace / "work"
    roster = make_roster(folder / "roster.csv") if folder.mkdir() is None else None
    invoke("sheets", manifest, "--roster", folder / "roster.csv", "--judges", 3, "--out", folder / "judges", *DATE)
    invoke("sheets", manifest, "--roster", folder / "roster.csv", "--entry", "--out", folder / "entry", *DATE)
    return manifest, record, roster, folder


def sections_of(record: dict) -> list[dict]:
    return record["forms"][0]["sections"]


def random_answer(rng: random.Random, section: dict, question: dict, skill: float) -> str:
    """Return what a contestant of ``skill`` (0–1) writes: right, partly right, wrong or nothing."""
    answer = question["answer"]
    roll = rng.random()
    if roll < 0.05:
        return ""
    if section["type"] == "true_false":
        right = roll < skill
        return ("√" if (answer == "true") == right else "×") if rng.random() < 0.7 else ("T" if (answer == "true") == right else "F")
    letters = LETTERS[: len(question["options"])]
    if roll < skill:
        chosen = answer
    elif section["type"] == "multiple_choice" and roll < skill + 0.2:
        chosen = answer[: rng.randint(1, len(answer) - 1)]  # fewer letters, all right
    else:
        chosen = "".join(rng.sample(letters, 1 if section["type"] == "single_choice" else 2))
    shuffled = "".join(rng.sample(chosen, len(chosen)))
    return shuffled.lower() if rng.random() < 0.1 else shuffled


def fill_entries(
    paths: list[Path], record: dict, seed: int, answer_of=None, *, questions_of=None, first_column: int = 5
) -> dict[tuple[str, str], str]:
    """Type the same answers into both copies; return them by (id, label) as typed.

    ``answer_of(rng, section, question, 准考证号)`` chooses an answer (default: at random,
    by a skill of the contestant's own). ``questions_of(sheet, row)`` gives a row's
    (section, question) in column order (default: the form's objective questions), typed
    from ``first_column`` on.
    """
    rng = random.Random(seed)
    questions = [(s, q) for s in sections_of(record) if s.get("objective") for q in s["questions"]]
    typed: dict[tuple[str, str], str] = {}
    for path in paths:
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        for r in range(8, ws.max_row + 1):
            key = ws.cell(r, 2).value
            skill = 0.35 + (int(key[-2:]) % 9) / 15
            for offset, (section, question) in enumerate(questions_of(ws, r) if questions_of else questions):
                slot = (key, question["label"])
                if slot not in typed:
                    typed[slot] = (
                        answer_of(rng, section, question, key) if answer_of
                        else random_answer(rng, section, question, skill)
                    )
                ws.cell(r, first_column + offset).value = typed[slot] or None
        wb.save(path)
    return typed


def expected_points(section: dict, question: dict, typed: str) -> Decimal:
    """Score one typed answer by the section's rule, written out again for the test."""
    full = Decimal(question["points"])
    text = typed.strip().upper()
    if not text:
        return Decimal(0)
    if section["type"] == "true_false":
        said = "true" if text in ("√", "T") else "false"
        return full if said == question["answer"] else Decimal(0)
    chosen = set(text)
    right = set(question["answer"])
    if chosen == right:
        return full
    if section["type"] == "multiple_choice" and section["scoring"] == "partial" and chosen < right:
        return full * Decimal(str(section["partial_share"]))
    return Decimal(0)


def _rounded(value: Fraction, quantum: Decimal) -> Decimal:
    """Round an exact fraction half up, by hand: enough exact digits, then quantize."""
    whole, rest = divmod(value.numerator * 10**8, value.denominator)
    return (Decimal(whole).scaleb(-8) + (Decimal("1e-9") if rest else 0)).quantize(quantum, rounding=ROUND_HALF_UP)


def test_objective_answers_and_judges_marks_make_the_totals(built, tmp_path):
    manifest, record, roster, folder = built
    entries = sorted((folder / "entry").glob("*.xlsx"))
    sheets = sorted((folder / "judges").glob("*.xlsx"))
    assert [p.name for p in entries] == ["entry-A-1.xlsx", "entry-A-2.xlsx"]
    typed = fill_entries(entries, record, seed=11)
    judged = [
        {**q, "section": s["number"]} for s in sections_of(record) if not s.get("objective") for q in s["questions"]
    ]
    marks = fill_sheets(sheets, judged, seed=2026)

    result = invoke("grade", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path, *DATE)
    assert "40 of 40 contestants ranked" in result.stdout

    precision = Decimal(1).scaleb(-int(record["grading"]["precision"]))
    expected: dict[str, Decimal] = {}
    by_section: dict[str, list[Decimal]] = {}
    for contestant_id, _, _ in roster:
        # Exact until published: objective points plus the judges' section totals / 3, each
        # section and the total rounded once.
        parts = []
        for section in sections_of(record):
            part = Fraction(0)
            for q in section["questions"]:
                if section.get("objective"):
                    part += Fraction(expected_points(section, q, typed[(contestant_id, q["label"])]))
                else:
                    part += Fraction(sum(marks[(contestant_id, q["label"], j)] for j in (1, 2, 3))) / 3
            parts.append(part)
        expected[contestant_id] = _rounded(sum(parts, Fraction(0)), precision)
        by_section[contestant_id] = [_rounded(part, precision) for part in parts]

    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    ranking = book["排名"]
    header = [c.value for c in ranking[2]]
    assert header[4:9] == ["一、单项选择题（10分）", "二、多项选择题（10分）", "三、判断题（10分）", "四、案例分析题（20分）", "五、实训操作题（50分）"]
    actual, actual_parts = {}, {}
    for row in ranking.iter_rows(min_row=3, values_only=True):
        actual[row[1]] = Decimal(str(row[header.index("总分")]))
        actual_parts[row[1]] = [Decimal(str(v)) for v in row[4:9]]
    assert actual == expected
    assert actual_parts == by_section
    partial = [k for k, v in typed.items() if k[1].startswith("二.") and v and 0 < expected_points(
        sections_of(record)[1], next(q for q in sections_of(record)[1]["questions"] if q["label"] == k[1]), v
    ) < 1]
    assert partial, "the data should contain partly right multiple-choice answers"

    # Each contestant's answers, marked right or wrong, with the right answers in the header.
    sheet = book["客观题"]
    head = [c.value for c in sheet[2]]
    first = sections_of(record)[0]["questions"][0]
    assert head[2].startswith(f"{first['display_label']}（{first['answer']}）")
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "2026001")
    typed_first = typed[("2026001", first["label"])]
    want = "对" if typed_first.upper() == first["answer"] else "错"
    assert row[2] == f"{typed_first.upper() or '未答'} {want}"


def test_a_cell_that_differs_between_the_two_entries_is_named_and_nothing_is_written(built, tmp_path):
    manifest, record, _, folder = built
    copies = [tmp_path / "entry-A-1.xlsx", tmp_path / "entry-A-2.xlsx"]
    for source, target in zip(sorted((folder / "entry").glob("*.xlsx")), copies, strict=True):
        target.write_bytes(source.read_bytes())
    fill_entries(copies, record, seed=5)
    # Question 21 (二.1, multiple choice) of the second contestant: the operators disagree.
    for path, value in zip(copies, ("AC", "ACD"), strict=True):
        wb = openpyxl.load_workbook(path)
        wb.active["Y9"].value = value
        wb.save(path)
    sheets = sorted((folder / "judges").glob("*.xlsx"))
    judged = [{**q} for s in sections_of(record) if not s.get("objective") for q in s["questions"]]
    fill_sheets(sheets, judged, seed=1)
    result = run("grade", manifest, *sheets, *copies, "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 1
    assert (
        f"error: {copies[0]}!录入!Y9: “录入1” says AC, “录入2” says ACD (at {copies[1]}!录入!Y9)"
        in result.output
    )
    assert not (tmp_path / "out").exists()
    # One copy is accepted only when asked for.
    single = run("grade", manifest, *sheets, copies[0], "--out", tmp_path / "out", *DATE)
    assert single.exit_code == 1 and "double entry (“双人录入”) needs the two copies" in single.output
    ok = run("grade", manifest, *sheets, copies[0], "--single-entry", "--out", tmp_path / "out", *DATE)
    assert ok.exit_code == 0, ok.output


def quiz_workspace(tmp_path: Path, options: str = "") -> Path:
    """Return a new workspace with templates/quiz.yaml: 单选 6×1 (with ``options``), 判断 8×0.5."""
    workspace = tmp_path / "ws"
    invoke("init", workspace)
    (workspace / "templates" / "quiz.yaml").write_text(
        "title: 知识竞赛\ntotal: 10\nsections:\n"
        f"  - {{name: 单项选择题, type: single_choice, count: 6, points: 1{options}}}\n"
        "  - {name: 判断题, type: true_false, count: 8, points: 0.5}\n",
        encoding="utf-8",
    )
    return workspace


def ranking_totals(results: Path) -> dict[str, Decimal]:
    """Return each contestant's published 总分 from the 排名 sheet of results.xlsx."""
    ranking = openpyxl.load_workbook(results)["排名"]
    header = [c.value for c in ranking[2]]
    return {row[1]: Decimal(str(row[header.index("总分")])) for row in ranking.iter_rows(min_row=3, values_only=True)}


def test_a_paper_of_objective_questions_only_is_graded_from_the_entries(tmp_path):
    workspace = quiz_workspace(tmp_path)
    invoke("build", "-w", workspace, "--seed", 3, "--blueprint", workspace / "templates" / "quiz.yaml")
    manifest = workspace / "output" / "quiz" / "manifest.json"
    record = json.loads(manifest.read_text(encoding="utf-8"), parse_float=Decimal)
    roster = make_roster(tmp_path / "roster.csv", count=6)
    judges = run("sheets", manifest, "--roster", tmp_path / "roster.csv", "--out", tmp_path / "judges", *DATE)
    assert judges.exit_code == 1
    assert judges.output == (
        f"error: {manifest}: form A has only objective questions: nothing for judges to mark "
        "(write the answer-entry workbooks with --entry)\n"
    )
    invoke("sheets", manifest, "--roster", tmp_path / "roster.csv", "--entry", "--out", tmp_path / "entry", *DATE)
    entries = sorted((tmp_path / "entry").glob("*.xlsx"))
    typed = fill_entries(entries, record, seed=3)
    invoke("grade", manifest, *entries, "--roster", tmp_path / "roster.csv", "--out", tmp_path, *DATE)
    totals = ranking_totals(tmp_path / "results.xlsx")
    expected = {
        cid: sum(
            (expected_points(s, q, typed[(cid, q["label"])]) for s in sections_of(record) for q in s["questions"]),
            Decimal(0),
        )
        for cid, _, _ in roster
    }
    assert totals == expected


def test_missing_entry_workbooks_and_missing_rows_are_refused(built, tmp_path):
    manifest, record, _, folder = built
    sheets = sorted((folder / "judges").glob("*.xlsx"))
    judged = [{**q} for s in sections_of(record) if not s.get("objective") for q in s["questions"]]
    fill_sheets(sheets, judged, seed=4)
    result = run("grade", manifest, *sheets, "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"error: {manifest}: the paper has objective questions but no answer-entry workbook (“录入表”) was given"
    )
    copy = tmp_path / "entry-A-1.xlsx"
    copy.write_bytes(sorted((folder / "entry").glob("*.xlsx"))[0].read_bytes())
    wb = openpyxl.load_workbook(copy)
    wb.active.delete_rows(10)  # the third contestant's row
    wb.save(copy)
    result = run("grade", manifest, *sheets, copy, "--single-entry", "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 1
    assert result.output == (
        f"error: {manifest}, form A: “准考证号” 2026003 李选手3 has no row of answers "
        "(add the row to both entry workbooks, or pass --allow-missing)\n"
    )
