"""analyse_results on graded marks: distribution, items, judges, ICC, option tables."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.analysis.analyse import analyse_results, score_bands
from examgen.analysis.options import option_tables
from examgen.models import GradingRules, Threshold
from tests.analysis.helpers import graded


def _table(rng: random.Random, people: int, labels: list[str], maxima: list[int], shift=(0, 0, 0)):
    table = {}
    for i in range(people):
        strength = rng.random()
        row = {}
        for label, maximum in zip(labels, maxima, strict=True):
            base = round(strength * maximum)
            row[label] = [min(maximum, max(0, base + s)) for s in shift]
        table[f"C{i:03d}"] = row
    return table


def test_summary_counts_mean_and_pass_rate_of_a_small_paper():
    table = {
        "C1": {"一.1": [10, 10, 10], "一.2": [10, 10, 10]},
        "C2": {"一.1": [6, 6, 6], "一.2": [6, 6, 6]},
        "C3": {"一.1": [2, 2, 2], "一.2": [3, 3, 3]},
    }
    results = graded(table, [10, 10], units={"C1": "北京", "C2": "北京", "C3": "上海"})
    analysis = analyse_results(results)
    total = analysis.total
    assert (total.count, total.mean, total.highest, total.lowest, total.median) == (3, 37 / 3 * 1.0, 20, 5, 12)
    assert total.pass_mark == 12 and total.passed == 2  # 60 % of 20, reached exactly by C2
    assert [b.count for b in total.bands] == [1, 0, 0, 1, 1]
    assert [(u.unit, u.count, u.mean, u.best) for u in analysis.units] == [("北京", 2, 16, 20), ("上海", 1, 5, 5)]
    assert analysis.analysed == analysis.contestants == 3


def test_pass_mark_from_the_caller_and_band_labels_out_of_100():
    bands = score_bands([95, 89.5, 80, 60, 59.5], 100)
    assert [(b.label, b.count) for b in bands] == [
        ("90分以上", 1), ("80–89分", 2), ("70–79分", 0), ("60–69分", 1), ("60分以下", 1),
    ]
    assert [b.label for b in score_bands([], 30)][0] == "90%以上"


def test_item_difficulty_discrimination_and_flags():
    rng = random.Random(1)
    labels, maxima = ["一.1", "一.2", "一.3"], [10, 10, 10]
    table = _table(rng, 30, labels, maxima)
    for row in table.values():
        row["一.3"] = [10, 10, 10]  # everybody full marks: too easy, no discrimination
    analysis = analyse_results(graded(table, maxima))
    easy = analysis.items[2]
    assert easy.p == 1.0 and easy.d == 0.0
    assert easy.flags == ("too_easy", "weak")
    first = analysis.items[0]
    assert first.d > 0.5 and first.item_total_r > 0.5 and not first.flags
    # Two equal items and a constant one: Σ var = 2v, var(total) = 4v, α = 3/2 · (1 − 1/2).
    assert analysis.reliability[0].contestants == 30
    assert analysis.reliability[0].alpha == pytest.approx(0.75)


def test_a_judge_who_adds_two_has_severity_plus_two():
    rng = random.Random(3)
    table = _table(rng, 25, ["一.1", "一.2"], [10, 10], shift=(0, 0, 2))
    # Keep the +2 judge inside 0..10: the others never give more than 8.
    for row in table.values():
        for label in row:
            base = min(row[label][0], 8)
            row[label] = [base, base, base + 2]
    analysis = analyse_results(graded(table, [10, 10]))
    by_name = {j.judge: j for j in analysis.judges}
    assert by_name["评委3"].severity == pytest.approx(2)
    assert by_name["评委3"].severity_sd == pytest.approx(0)
    assert by_name["评委1"].severity == pytest.approx(-1)  # 0 − mean(0, 2)
    assert by_name["评委3"].by_question == pytest.approx((2, 2))
    assert any("评委3" in line and "偏宽" in line for line in analysis.attention)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 8), min_size=3, max_size=12), st.integers(0, 2))
def test_severity_property_plus_two(bases, judge):
    table = {}
    for i, base in enumerate(bases):
        marks = [base, base, base]
        marks[judge] += 2
        table[f"C{i}"] = {"一.1": marks}
    analysis = analyse_results(graded(table, [10]))
    assert analysis.judges[judge].severity == pytest.approx(2)


def test_identical_judges_have_icc_one_and_read_good():
    rng = random.Random(5)
    table = _table(rng, 20, ["一.1", "一.2"], [10, 10])
    analysis = analyse_results(graded(table, [10, 10]))
    for row in analysis.iccs:
        assert row.icc is not None and row.icc.icc2_1 == pytest.approx(1.0)
        assert row.reading == "好"
    assert [r.label for r in analysis.iccs] == ["一.1", "一.2", "总分"]


def test_disagreement_share_and_double_marking_rates():
    rules = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=Decimal(2)),
                         disagreement_threshold=Threshold(points=Decimal(2)))
    table = {f"C{i}": {"一.1": [5, 5 if i % 2 else 9]} for i in range(10)}
    results = graded(table, [10], judges=("评委1", "评委2"), rules=rules)
    analysis = analyse_results(results)
    item = analysis.items  # nobody complete: the five pending answers keep their contestants out
    assert analysis.analysed == 5 and item[0].count == 5
    assert item[0].third_rate == pytest.approx(0.5) and item[0].arbitration_rate == 0
    assert {j.judge: j.flagged_share for j in analysis.judges} == {"评委1": 0.5, "评委2": 0.5}


def test_option_table_shares_and_a_suspicious_key():
    totals = {f"C{i}": float(100 - i) for i in range(10)}  # C0 best … C9 worst; groups of 3
    picks = ["C", "C", "C", "B", "B", "B", "A", "B", "B", "D"]
    choices = {f"C{i}": {"1": pick, "2": "AB" if i < 5 else "A"} for i, pick in enumerate(picks)}
    tables = option_tables(choices, {"1": "B", "2": "AB"}, totals)
    first = {s.letter: s for s in tables[0].options}
    assert first["B"].is_key and first["B"].overall == pytest.approx(0.5)
    assert first["C"].upper == 1.0 and first["B"].upper == 0.0 and first["B"].lower == pytest.approx(2 / 3)
    assert tables[0].suspicious == ("C",)
    second = {s.letter: s for s in tables[1].options}
    assert second["A"].overall == 1.0 and second["B"].upper == 1.0 and tables[1].suspicious == ()


def test_option_tables_flag_the_item_in_the_analysis():
    rng = random.Random(9)
    table = _table(rng, 12, ["一.1"], [10])
    results = graded(table, [10])
    ranked = sorted(table, key=lambda c: -table[c]["一.1"][0])
    choices = {c: {"一.1": "A" if c in ranked[:4] else "B"} for c in table}
    analysis = analyse_results(results, choices=choices, keys={"一.1": "B"})
    assert "miskey" in analysis.items[0].flags
    assert any("请核对答案" in line for line in analysis.attention)
    assert math.isfinite(analysis.items[0].p)


def test_charts_are_drawn_without_a_cjk_font_and_without_warnings(monkeypatch):
    from examgen.analysis import charts

    rng = random.Random(4)
    analysis = analyse_results(graded(_table(rng, 12, ["一.1", "一.2"], [10, 10]), [10, 10]))
    with_font = charts.analysis_charts(analysis)
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    without = charts.analysis_charts(analysis)  # pytest turns any warning into an error
    assert [c.name for c in without] == ["histogram", "sections", "judges", "items"]
    assert all(c.png.startswith(b"\x89PNG") for c in without)
    assert [c.png for c in without] != [c.png for c in with_font]
    assert [c.png for c in charts.analysis_charts(analysis)] == [c.png for c in without]  # same bytes again


def test_two_forms_give_items_by_question_id_and_alpha_per_form():
    from dataclasses import replace

    from examgen.grading.aggregate import aggregate_marks
    from examgen.grading.rank import rank_contestants
    from examgen.models import Contestant, Mark, Marks
    from tests.analysis.helpers import questions

    rules = GradingRules(judges=2)
    rng = random.Random(8)
    per_form = []
    for letter, offset in (("A", 0), ("B", 100)):
        qs = tuple(replace(q, id=f"Q-{offset + n}") for n, q in enumerate(questions([10, 10, 10])))
        people = tuple(Contestant(f"{letter}{i:02d}", f"选手{letter}{i}") for i in range(8))
        marks = []
        for person in people:
            strength = rng.random()
            for q in qs:
                value = Decimal(round(strength * 10 + rng.choice((-1, 0, 1))) % 11)
                marks += [Mark(person.id, q.label, "甲", value), Mark(person.id, q.label, "乙", value)]
        per_form.append(aggregate_marks(Marks(letter, qs, people, tuple(marks), ("甲", "乙")), rules))
    merged = replace(per_form[0], form="A/B", contestants=per_form[0].contestants + per_form[1].contestants)
    analysis = analyse_results(rank_contestants(merged, rules))
    assert [(r.form, r.contestants, r.items) for r in analysis.reliability] == [("A", 8, 3), ("B", 8, 3)]
    assert [(i.id, i.form, i.count) for i in analysis.items] == [
        ("Q-0", "A", 8), ("Q-1", "A", 8), ("Q-2", "A", 8), ("Q-100", "B", 8), ("Q-101", "B", 8), ("Q-102", "B", 8)]
    assert analysis.total.count == 16
    assert analysis.judge_questions[:4] == ("A卷一.1", "A卷一.2", "A卷一.3", "B卷一.1")
    assert [row.label for row in analysis.iccs][-2:] == ["B卷一.3", "总分"]
