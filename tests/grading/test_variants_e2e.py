"""End to end with variants (卷码): build 3 variants dealt over a roster, enter the answers
as each contestant's paper printed them, mark the rest as 3 judges, grade, check totals.

The expected points are computed here from the answers as printed on each variant's paper
(the manifest's printed answers), independently of how grading maps them back to the form.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from examgen.bank.load import load_bank
from tests.grading.test_grading_e2e import DATE, fill_sheets, make_roster
from tests.grading.test_objective_e2e import (
    _rounded,
    expected_points,
    fill_entries,
    invoke,
    quiz_workspace,
    ranking_totals,
    run,
)

CODES = ("A1", "A2", "A3")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("variants-e2e") / "contest"
    invoke("init", workspace)
    folder = workspace / "work"
    folder.mkdir()
    roster = make_roster(folder / "roster.csv", count=12)
    result = invoke("build", "--lang", "en", "-w", workspace, "--seed", 42, "--variants", 3, "--variants-for", folder / "roster.csv")
    assert "variants dealt to 12 contestants: A1×4 A2×4 A3×4" in result.output, result.output
    out = workspace / "output" / "default"
    manifest = out / "manifest.json"
    record = json.loads(manifest.read_text(encoding="utf-8"), parse_float=Decimal)
    invoke("sheets", manifest, "--roster", folder / "roster.csv", "--judges", 3, "--out", folder / "judges", *DATE)
    invoke("sheets", manifest, "--roster", folder / "roster.csv", "--entry", "--out", folder / "entry", *DATE)
    return workspace, out, manifest, record, roster, folder


def variant_of(record: dict, code: str) -> dict:
    return next(v for v in record["forms"][0]["variants"] if v["code"] == code)


def printed_questions(record: dict, code: str) -> list[tuple[dict, dict]]:
    """Return (form section, printed question with its options and answer as printed) in paper order."""
    form_sections = record["forms"][0]["sections"]
    result = []
    for section, printed in zip(form_sections, variant_of(record, code)["sections"], strict=True):
        by_number = {q["number"]: q for q in section["questions"]}
        for question in printed["questions"]:
            base = by_number[question["form_number"]]
            options = [base["options"]["ABCDEFGH".index(c)] for c in question.get("options", "")]
            result.append((section, {**base, **question, "options": options or base.get("options", [])}))
    return result


def copy_entries(folder: Path, target: Path) -> list[Path]:
    target.mkdir(exist_ok=True)
    copies = []
    for source in sorted((folder / "entry").glob("*.xlsx")):
        copies.append(target / source.name)
        copies[-1].write_bytes(source.read_bytes())
    return copies


def fill_variant_entries(paths: list[Path], record: dict, seed: int) -> dict[tuple[str, str], str]:
    """Type into both copies, for each row, answers to the questions of its 卷码 as printed."""

    def questions_of(ws, row: int) -> list[tuple[dict, dict]]:
        code = unicodedata.normalize("NFKC", ws.cell(row, 5).value).strip().upper()
        objective = [(s, q) for s, q in printed_questions(record, code) if s.get("objective")]
        assert [ws.cell(5, 6 + i).value for i in range(len(objective))] == [str(i + 1) for i in range(len(objective))]
        return objective

    return fill_entries(paths, record, seed, questions_of=questions_of, first_column=6)


def test_the_assignment_deals_the_variants_in_turn_and_is_recorded(built):
    _, out, _, record, roster, folder = built
    dealt = [(c["id"], c["code"]) for c in record["variant_assignment"]["contestants"]]
    assert [key for key, _ in dealt] == [key for key, _, _ in roster]
    codes = [code for _, code in dealt]
    assert all(a != b for a, b in zip(codes, codes[1:], strict=False)), "neighbours sit different variants"
    assert sorted(codes) == sorted(CODES * 4)
    table = openpyxl.load_workbook(out / "variants.xlsx").active
    rows = [[c.value for c in row] for row in table.iter_rows(min_row=3)]
    assert [(r[1], r[5]) for r in rows] == dealt
    assert rows[0][2:5] == [roster[0][1], roster[0][2], "A"]
    # The entry workbooks come with each row's 卷码 filled in from the assignment.
    entry = openpyxl.load_workbook(folder / "entry" / "entry-A-1.xlsx").active
    assert entry["E5"].value == "卷码"
    assert [(entry.cell(r, 2).value, entry.cell(r, 5).value) for r in range(8, 20)] == dealt
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["key-A.docx", "manifest.json", "variants.xlsx"] + [f"{k}-{c}.docx" for c in CODES for k in ("paper", "key")]
    )
    result = invoke("verify", out)
    assert "all 8 documents match the manifest" in result.output


def test_answers_entered_as_each_variant_printed_them_make_the_totals(built, tmp_path):
    _, _, manifest, record, roster, folder = built
    entries = copy_entries(folder, tmp_path / "entry")
    typed = fill_variant_entries(entries, record, seed=7)
    judged = [q for s in record["forms"][0]["sections"] if not s.get("objective") for q in s["questions"]]
    sheets = []
    for source in sorted((folder / "judges").glob("*.xlsx")):
        sheets.append(tmp_path / source.name)
        sheets[-1].write_bytes(source.read_bytes())
    marks = fill_sheets(sheets, judged, seed=3)
    invoke("grade", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "out", *DATE)

    code_of = {c["id"]: c["code"] for c in record["variant_assignment"]["contestants"]}
    expected = {}
    for key, _, _ in roster:
        total = Fraction(0)
        for section, question in printed_questions(record, code_of[key]):
            if section.get("objective"):
                total += Fraction(expected_points(section, question, typed[(key, question["label"])]))
        for question in judged:
            total += Fraction(sum(marks[(key, question["label"], j)] for j in (1, 2, 3))) / 3
        expected[key] = _rounded(total, Decimal("0.01"))
    assert ranking_totals(tmp_path / "out" / "results.xlsx") == expected
    # Answers were typed in different letters for the same question: the mapping mattered.
    assert len({variant_of(record, c)["sections"][0]["questions"][0]["id"] for c in CODES}) > 1


def test_the_variant_documents_print_the_code_and_the_order_the_manifest_records(built):
    workspace, out, _, record, _, _ = built
    bank = load_bank(workspace / "banks").by_id()
    for code in ("A2",):
        paper = Document(out / f"paper-{code}.docx")
        assert f"卷码 {code}" in paper.sections[0].header.paragraphs[0].text
        seal = [c.text for c in paper.tables[0].rows[0].cells]
        assert seal[2:6] == ["准考证号", "", "卷码", code]
        texts = [p.text for p in paper.paragraphs]
        questions = [p.text for p in paper.paragraphs if p.style.name == "试题"]
        printed = printed_questions(record, code)
        first_section = [q for s, q in printed if s["number"] == 1]
        for number, question in enumerate(first_section, start=1):
            # Numbered in printed order: question N is the one the manifest prints N-th.
            line = questions[number - 1]
            assert line.startswith(f"{number}．{bank[question['id']].question[:6]}")
            options = texts[texts.index(line) + 1]
            assert options.split("\t")[0] == f"A．{question['options'][0]}"
        key = Document(out / f"key-{code}.docx")
        grid = key.tables[1]  # after the 题号对照表
        row_answers = [c.text for c in grid.rows[1].cells[1:]]
        assert row_answers == [q["answer"] for q in first_section[:10]]
        # The letter the key gives points at the option the bank calls right.
        form_options = {q["id"]: q for s in record["forms"][0]["sections"] for q in s["questions"]}
        for question in first_section:
            base = form_options[question["id"]]
            right_text = base["options"]["ABCDEFGH".index(base["answer"])]
            assert question["options"]["ABCDEFGH".index(question["answer"])] == right_text
        assert [c.text for c in grid.rows[2].cells[1:]] == [str(q["form_number"]) for q in first_section[:10]]
        # The 题号对照表 sends each judge-marked question to its score-sheet column.
        table = key.tables[0]
        assert [c.text for c in table.rows[0].cells] == ["本卷题号", "试题编号", "A卷题号", "评分表列"]
        rows = [[c.text for c in row.cells] for row in table.rows[1:]]
        judged = [(s, q) for s, q in printed if not s.get("objective")]
        assert [r[1] for r in rows] == [q["id"] for _, q in judged]
        assert [r[3] for r in rows] == [f"第{r[2]}题" for r in rows]  # the score sheet's column header


def test_the_same_seed_builds_the_same_variants_byte_for_byte(built, tmp_path):
    workspace, out, _, _, _, folder = built
    invoke(
        "build", "-w", workspace, "--seed", 42, "--variants", 3, "--variants-for", folder / "roster.csv",
        "--out", tmp_path,
    )
    again = tmp_path / "default"
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in out.iterdir())
    for path in out.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def _set(path: Path, cell: str, value: str | None) -> None:
    wb = openpyxl.load_workbook(path)
    wb.active[cell].value = value
    wb.save(path)


def test_a_blank_or_unknown_code_and_codes_that_differ_are_named(built, tmp_path):
    _, _, manifest, record, _, folder = built
    entries = copy_entries(folder, tmp_path / "entry")
    fill_variant_entries(entries, record, seed=1)
    _set(entries[0], "E8", None)
    _set(entries[1], "E8", None)
    _set(entries[0], "E9", "A7")
    _set(entries[1], "E9", "A7")
    result = run("grade", manifest, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 1
    first = entries[0]
    assert (
        f"error: {first}!录入!E8: “准考证号” 2026001: “卷码” is blank (A1、A2、A3) (type the “卷码” printed "
        "beside the “准考证号” on the contestant's paper)"
    ) in result.output, result.output
    assert f"error: {first}!录入!E9: “准考证号” 2026002: “卷码” 'A7' is not a variant of form A (A1、A2、A3)" in result.output
    assert not (tmp_path / "out").exists()


def test_two_copies_that_differ_in_a_code_are_named(built, tmp_path):
    _, _, manifest, record, _, folder = built
    entries = copy_entries(folder, tmp_path / "entry")
    fill_variant_entries(entries, record, seed=1)
    dealt = record["variant_assignment"]["contestants"][2]["code"]
    other = "A1" if dealt != "A1" else "A2"
    _set(entries[1], "E10", other)
    result = run("grade", manifest, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 1
    assert (
        f"error: {entries[0]}!录入!E10: “准考证号” 2026003: “录入1” says “卷码” {dealt}, “录入2” says {other} "
        f"(at {entries[1]}!录入!E10) (look at the “卷码” printed on the paper and correct the copy that is wrong)"
    ) in result.output, result.output


def test_a_code_other_than_the_one_dealt_is_scored_as_entered_with_a_warning(built, tmp_path):
    _, _, manifest, record, roster, folder = built
    entries = copy_entries(folder, tmp_path / "entry")
    dealt = record["variant_assignment"]["contestants"][0]["code"]
    other = "A2" if dealt != "A2" else "A3"
    for path in entries:
        _set(path, "E8", other)
    fill_variant_entries(entries, record, seed=2)
    judged = [q for s in record["forms"][0]["sections"] if not s.get("objective") for q in s["questions"]]
    sheets = []
    for source in sorted((folder / "judges").glob("*.xlsx")):
        sheets.append(tmp_path / source.name)
        sheets[-1].write_bytes(source.read_bytes())
    fill_sheets(sheets, judged, seed=4)
    result = run("grade", manifest, *sheets, *entries, "--roster", folder / "roster.csv", "--out", tmp_path / "out", *DATE)
    assert result.exit_code == 0, result.output
    assert (
        f"{entries[0]}!录入!E8: “准考证号” 2026001 sat {other} by the entry workbook, but {dealt} was dealt at build"
        in result.output
    )


def test_build_refuses_variants_it_cannot_deal_and_rebuilds_its_own_files(built, tmp_path):
    workspace, out, _, _, _, folder = built
    result = run("build", "-w", workspace, "--seed", 1, "--forms", "A,B", "--variants-for", folder / "roster.csv", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        f"error: {folder / 'roster.csv'}: forms A,B are built but the roster has no “卷别” column to say who "
        "sits which (add a “卷别” column (A, B, …) to the roster)"
    )
    interview = workspace / "templates" / "interview.yaml"
    result = run("build", "-w", workspace, "--blueprint", interview, "--variants", 2, "--out", tmp_path)
    assert result.exit_code == 1
    assert "error: --variants: variants are for written papers" in result.output
    assert run("build", "-w", workspace, "--variants", 0, "--out", tmp_path).exit_code == 2
    assert not any(tmp_path.iterdir())
    # --force replaces a build with variants (variants.xlsx is the build's own file).
    invoke("build", "-w", workspace, "--seed", 5, "--variants", 2, "--variants-for", folder / "roster.csv", "--out", tmp_path)
    invoke("build", "-w", workspace, "--seed", 5, "--out", tmp_path, "--force")
    assert sorted(p.name for p in (tmp_path / "default").iterdir()) == ["key-A.docx", "manifest.json", "paper-A.docx"]


def test_codes_typed_from_the_papers_of_a_quiz_without_a_roster_at_build(tmp_path):
    workspace = quiz_workspace(tmp_path, ", shuffle_options: true")
    invoke("build", "-w", workspace, "--seed", 3, "--blueprint", workspace / "templates" / "quiz.yaml", "--variants", 2)
    manifest = workspace / "output" / "quiz" / "manifest.json"
    record = json.loads(manifest.read_text(encoding="utf-8"), parse_float=Decimal)
    assert "variant_assignment" not in record
    roster = make_roster(tmp_path / "roster.csv", count=4)
    invoke("sheets", manifest, "--roster", tmp_path / "roster.csv", "--entry", "--out", tmp_path / "entry", *DATE)
    entries = sorted((tmp_path / "entry").glob("*.xlsx"))
    sheet = openpyxl.load_workbook(entries[0]).active
    assert [sheet.cell(r, 5).value for r in range(8, 12)] == [None] * 4
    validation = next(v for v in sheet.data_validations.dataValidation if str(v.sqref) == "E8:E11")
    assert validation.formula1 == '"A1,A2"'
    codes = {key: ("a1", "A2 ", "Ａ２", "A1")[i] for i, (key, _, _) in enumerate(roster)}  # as operators type
    for path in entries:
        wb = openpyxl.load_workbook(path)
        for r in range(8, 12):
            wb.active.cell(r, 5).value = codes[wb.active.cell(r, 2).value]
        wb.save(path)
    typed = fill_variant_entries(entries, record, seed=9)
    invoke("grade", manifest, *entries, "--roster", tmp_path / "roster.csv", "--out", tmp_path / "out", *DATE)
    totals = ranking_totals(tmp_path / "out" / "results.xlsx")
    expected = {}
    for key, _, _ in roster:
        code = "A1" if codes[key] in ("a1", "A1") else "A2"
        expected[key] = sum(
            (expected_points(s, q, typed[(key, q["label"])]) for s, q in printed_questions(record, code)),
            Decimal(0),
        )
    assert totals == expected
