"""Objective scoring rules, answer normalisation, entry workbooks and double entry."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from examgen.errors import GradingError, SheetError
from examgen.grading.entry_sheets import EntrySheet, entry_workbook_bytes, read_entry_workbook
from examgen.grading.objective import (
    compare_entries,
    entry_answers,
    normalize_response,
    score_response,
)
from examgen.grading.score_sheets import SheetRow
from examgen.models import ObjectiveQuestion, ScoredQuestion

WHEN = datetime.datetime(2026, 5, 1)


def question(qtype="multiple_choice", answer="ACD", letters="ABCDE", points="2", number=21, **rules):
    scored = ScoredQuestion("二.1", "MC-001", Decimal(points), 2, "多项选择题", qtype, answer)
    return ObjectiveQuestion(scored, number, letters if qtype != "true_false" else "", answer, **rules)


def test_single_choice_and_true_false_score_full_or_nothing():
    single = question("single_choice", "B", "ABCD", "1")
    assert [score_response(a, single) for a in ("B", "C", "")] == [Decimal(1), 0, 0]
    judge = question("true_false", "false", points="0.5")
    assert score_response("false", judge) == Decimal("0.5") and score_response("true", judge) == 0


def test_all_or_nothing_gives_nothing_for_fewer_letters():
    q = question()
    assert [score_response(a, q) for a in ("ACD", "AC", "ACDE", "B")] == [Decimal(2), 0, 0, 0]


def test_partial_per_option_and_fixed_share():
    per_option = question(scoring="partial", partial_per_option=Decimal("0.5"))
    assert [score_response(a, per_option) for a in ("ACD", "AC", "D", "ABD")] == [
        Decimal(2), Decimal(1), Decimal("0.5"), 0,
    ]
    share = question(scoring="partial", partial_share=Decimal("0.5"))
    assert [score_response(a, share) for a in ("ACD", "AC", "D", "AE")] == [Decimal(2), 1, 1, 0]


answers = st.text(alphabet="ABCDE", min_size=1, max_size=5).map(lambda s: "".join(sorted(set(s))))


@given(
    right=answers,
    chosen=st.one_of(st.just(""), answers),
    per_option=st.sampled_from([None, Decimal("0.5"), Decimal(1)]),
    points=st.sampled_from([Decimal(1), Decimal(2), Decimal(3)]),
)
def test_partial_credit_is_never_above_full_never_negative_full_when_right_zero_when_wrong(
    right, chosen, per_option, points
):
    if per_option is not None and per_option >= points:
        per_option = None
    rules = {"partial_per_option": per_option} if per_option else {"partial_share": Decimal("0.5")}
    q = question(answer=right, points=str(points), scoring="partial", **rules)
    score = score_response(chosen, q)
    assert Decimal(0) <= score <= points
    if chosen == right:
        assert score == points
    elif set(chosen) - set(right):
        assert score == 0
    elif chosen:
        assert score < points


def test_typed_answers_are_normalised_or_refused_with_a_reason():
    q = question()
    assert normalize_response(" dc,a ", q) == ("ACD", "")
    assert normalize_response("", q) == ("", "")
    assert normalize_response("AF", q) == ("", "'AF': F is not an option of question 21 (options A–E)")
    assert normalize_response("AA", q) == ("", "'AA' repeats A")
    single = question("single_choice", "B", "ABCD")
    assert normalize_response("AB", single)[1] == "'AB': question 21 is single choice, one letter"
    judge = question("true_false", "true")
    assert [normalize_response(t, judge)[0] for t in ("√", "×", "t", "F", "对", "错")] == [
        "true", "false", "true", "false", "true", "false",
    ]
    assert normalize_response("是的", judge)[1].startswith("'是的' is not a true/false answer")


def entry_file(tmp_path, copy=1, questions=None):
    questions = questions or (
        question("single_choice", "B", "ABCD", "1", 1),
        question("multiple_choice", "ACD", "ABCD", "2", 2),
        question("true_false", "true", number=3),
    )
    questions = tuple(
        ObjectiveQuestion(
            ScoredQuestion(f"一.{q.number}", f"Q-{q.number}", q.question.points, 1, "客观", q.type, q.answer),
            q.number, q.letters, q.answer,
        )
        for q in questions
    )
    sheet = EntrySheet("default", "测试卷", "A", copy, "2026-05-01", questions,
                       (SheetRow("2026001", "张三", "北京"), SheetRow("2026002", "李四", "上海")))
    path = tmp_path / f"entry-A-{copy}.xlsx"
    path.write_bytes(entry_workbook_bytes(sheet, timestamp=WHEN))
    return path, {"A": questions}


def test_the_entry_workbook_validates_each_column_by_its_options(tmp_path):
    path, _ = entry_file(tmp_path)
    ws = openpyxl.load_workbook(path).active
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    single, multiple, judge = rules["E8:E9"], rules["F8:F9"], rules["G8:G9"]
    assert single.type == "custom" and single.errorStyle == "stop" and single.allow_blank
    assert single.formula1 == (
        'AND(LEN(E8)=1,LEN(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(UPPER(E8),"A",""),"B",""),'
        '"C",""),"D",""))=0)'
    )
    # Only A–D are removed: a typed E is left over, so the cell is refused.
    assert '"E"' not in multiple.formula1 and multiple.formula1.startswith("LEN(")
    assert judge.type == "list" and judge.formula1 == '"√,×,T,F,对,错"'
    assert [ws.cell(5, c).value for c in range(5, 8)] == ["1", "2", "3"]
    assert [ws.cell(6, c).value for c in range(5, 8)] == ["单选", "多选", "判断"]


def test_reading_an_entry_refuses_what_is_not_an_option_naming_the_cell(tmp_path):
    path, forms = entry_file(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active["E8"], wb.active["F8"], wb.active["G9"] = "E", "ca", "错"
    wb.active["B10"], wb.active["E10"] = None, "A"
    wb.save(path)
    with pytest.raises(SheetError) as info:
        read_entry_workbook(path, forms, paper_id="default")
    assert [str(p) for p in info.value.problems] == [
        f"{path}!录入!E8: 准考证号 2026001: 'E': E is not an option of question 1 (options A–D)",
        f"{path}!录入!B10: answers without a 准考证号 (fill in the 准考证号)",
    ]
    wb.active["E8"], wb.active["E10"] = "b", None
    wb.save(path)
    entry = read_entry_workbook(path, forms, paper_id="default")
    assert [(c.key, c.label, c.answer) for c in entry.cells if c.answer] == [
        ("2026001", "一.1", "B"), ("2026001", "一.2", "AC"), ("2026002", "一.3", "false"),
    ]
    with pytest.raises(SheetError) as other:
        read_entry_workbook(path, forms, paper_id="final")
    assert str(other.value.problems[0]) == (
        f"{path}!录入: the entry workbook is for paper 'default', the manifest for 'final' "
        "(give the entry workbooks of this paper)"
    )


def test_double_entry_names_every_differing_cell_and_refuses(tmp_path):
    first, forms = entry_file(tmp_path, 1)
    second, _ = entry_file(tmp_path, 2)
    for path, value in ((first, "AC"), (second, "ACD")):
        wb = openpyxl.load_workbook(path)
        wb.active["F9"] = value
        wb.save(path)
    a = read_entry_workbook(first, forms, paper_id="default")
    b = read_entry_workbook(second, forms, paper_id="default")
    assert [str(p) for p in compare_entries(a, b)] == [
        f"{first}!录入!F9: 录入1 says AC, 录入2 says ACD (at {second}!录入!F9) "
        "(look at the answer sheet and correct the copy that is wrong)"
    ]
    with pytest.raises(GradingError):
        entry_answers([a, b], single_entry=False)
    with pytest.raises(GradingError) as info:
        entry_answers([a], single_entry=False)
    assert "double entry (双人录入) needs the two copies 录入1 and 录入2 of form A; given 1" in str(
        info.value.problems[0]
    )
    assert entry_answers([a], single_entry=True)["A"]["2026002"] == {"一.1": "", "一.2": "AC", "一.3": ""}


def test_a_long_list_of_variant_codes_is_validated_from_a_hidden_sheet(tmp_path):
    from dataclasses import replace

    path, forms = entry_file(tmp_path)
    codes = tuple(f"A{i}" for i in range(1, 81))
    sheet = EntrySheet("default", "测试卷", "A", 1, "2026-05-01", forms["A"],
                       (SheetRow("2026001", "张三", "北京"), SheetRow("2026002", "李四", "上海")))
    path.write_bytes(entry_workbook_bytes(replace(sheet, codes=codes, prefilled=("A80", "")), timestamp=WHEN))
    book = openpyxl.load_workbook(path)
    ws = book["录入"]
    assert (ws["E5"].value, ws["E8"].value, ws["E9"].value, ws["F5"].value) == ("卷码", "A80", None, "1")
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "E8:E9")
    assert rule.type == "list" and rule.formula1 == "'卷码表'!$A$1:$A$80"
    assert book["卷码表"].sheet_state == "hidden" and book["卷码表"]["A80"].value == "A80"
    assert not ws["E8"].protection.locked  # a prefilled 卷码 can be corrected from the paper
