"""End to end with choice questions: the default (mixed) paper, 40 contestants, judges'
sheets and both answer-entry workbooks; a wrong key is planted on 一.1 (the strong
contestants all choose the same distractor), and `examgen analyse` must show it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl
import pytest

from tests.grading.test_grading_e2e import DATE, fill_sheets, invoke
from tests.grading.test_objective_e2e import built, fill_entries

__all__ = ["built"]  # the module-scoped build fixture (default paper, 40 contestants, sheets written)
COUNT = 40

LETTERS = "ABCDEFGH"
PLANTED = "一.1"


def answer_of(rng: random.Random, section: dict, question: dict, key: str) -> str:
    """Answer as a contestant as strong as the judges' marks make them; the strong choose
    一.1's second distractor, the weak its key."""
    skill = (int(key[-2:]) % 7 + 2) / 10  # the order of fill_sheets' strength
    answer = question["answer"]
    if section["type"] == "true_false":
        right = rng.random() < skill
        return "√" if (answer == "true") == right else "×"
    letters = LETTERS[: len(question["options"])]
    distractors = [x for x in letters if x not in answer]
    if question["label"] == PLANTED:
        return distractors[1] if skill >= 0.6 else answer
    return answer if rng.random() < skill else rng.choice(distractors)


@pytest.fixture(scope="module")
def mixed(built):
    """Return (manifest, record, folder, judges' sheets, entry workbooks, typed answers), all filled."""
    manifest, record, roster, folder = built
    sections = record["forms"][0]["sections"]
    judged = [{**q, "section": s["number"]} for s in sections if not s.get("objective") for q in s["questions"]]
    sheets = sorted((folder / "judges").glob("*.xlsx"))
    fill_sheets(sheets, judged, seed=7)
    entries = sorted((folder / "entry").glob("*.xlsx"))
    typed = fill_entries(entries, record, seed=3, answer_of=answer_of)
    return manifest, record, folder, sheets, entries, typed


def options_sheet(path: Path) -> dict[str, list[tuple]]:
    """Return 选项分析 of analysis.xlsx as label -> rows (选项, 全体, 高分组, 低分组, 提示)."""
    ws = openpyxl.load_workbook(path)["选项分析"]
    header = [c.value for c in ws[1]]
    assert header == ["题号", "答案", "选项", "全体", "高分组", "低分组", "提示"]
    tables: dict[str, list[tuple]] = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        tables.setdefault(row[0], []).append((row[1], *row[2:]))
    return tables


def test_analyse_reads_the_entry_workbooks_and_flags_the_wrong_key(mixed, tmp_path):
    manifest, record, folder, sheets, entries, typed = mixed
    result = invoke("analyse", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path, *DATE)
    assert f"analysed {COUNT} of {COUNT} contestants" in result.stdout

    tables = options_sheet(tmp_path / "analysis.xlsx")
    sections = record["forms"][0]["sections"]
    # The analysis names questions as the paper does (第1题); the manifest's label is the key.
    choice_labels = [
        q["display_label"] for s in sections if s["type"] in ("single_choice", "multiple_choice") for q in s["questions"]
    ]
    assert list(tables) == choice_labels  # every choice question, in paper order; no true/false

    planted = next(q for s in sections for q in s["questions"] if q["label"] == PLANTED)
    shown = planted["display_label"]
    key = planted["answer"]
    letters = LETTERS[: len(planted["options"])]
    distractor = [x for x in letters if x != key][1]
    rows = {row[1][0]: row for row in tables[shown]}
    assert list(rows) == list(letters)  # every option printed, chosen or not
    assert rows[key][0] == key and rows[key][1] == f"{key}（答案）"
    # Expected shares from what was typed, by the totals the analysis groups by: the
    # strong (skill ≥ 0.6) chose the distractor, so it takes the whole top group.
    chose = [k for (k, label), v in typed.items() if label == PLANTED and v == distractor]
    assert rows[distractor][2] == pytest.approx(len(chose) / COUNT)
    assert rows[distractor][3] == 1.0 and rows[key][3] == 0.0
    assert rows[distractor][4] == 0.0 and rows[key][4] == 1.0
    assert rows[distractor][5] == "高分组选择多于正确答案"
    assert all(row[5] in ("", None) for letter, row in rows.items() if letter != distractor)

    items = openpyxl.load_workbook(tmp_path / "analysis.xlsx")["试题分析"]
    item_rows = {row[0]: row for row in items.iter_rows(min_row=2, values_only=True) if row[0]}
    assert any("答案" in str(cell) for cell in item_rows[shown][1:] if cell)  # the miskey flag
    attention = [row[0] for row in openpyxl.load_workbook(tmp_path / "analysis.xlsx")["关注"].iter_rows(values_only=True)]
    assert any(str(line).startswith(f"{shown}（") for line in attention)

    # The totals grouped by include the objective sections: the paper's full total.
    stats = json.loads((tmp_path / "item-stats.json").read_text(encoding="utf-8"))
    by_label = {q["label"]: q for q in stats["questions"]}
    assert set(by_label) >= {q["display_label"] for s in sections for q in s["questions"]}
    assert by_label[shown]["d"] == pytest.approx(-1.0)


def test_grade_analyse_shows_the_same_option_tables(mixed, tmp_path):
    manifest, _, folder, sheets, entries, _ = mixed
    invoke("analyse", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "a", *DATE)
    invoke("grade", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "g",
           "--analyse", *DATE)
    assert options_sheet(tmp_path / "g" / "analysis.xlsx") == options_sheet(tmp_path / "a" / "analysis.xlsx")


def test_analyse_without_the_entry_workbooks_says_what_is_missing(mixed, tmp_path):
    from click.testing import CliRunner

    from examgen.cli import main

    manifest, _, folder, sheets, entries, _ = mixed
    result = CliRunner().invoke(main, ["analyse", str(manifest), *map(str, sheets), "--out", str(tmp_path), *DATE])
    assert result.exit_code == 1
    assert "no answer-entry workbook (“录入表”) was given" in result.output
    result = CliRunner().invoke(main, ["analyse", str(manifest), *map(str, [*sheets, entries[0]]), "--out", str(tmp_path), *DATE])
    assert result.exit_code == 1 and "双人录入" in result.output
    result = CliRunner().invoke(main, ["analyse", str(manifest), *map(str, [*sheets, entries[0]]), "--single-entry",
                                       "--roster", str(folder / "roster.csv"), "--out", str(tmp_path), *DATE])
    assert result.exit_code == 0, result.output
