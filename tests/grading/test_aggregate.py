"""Tests of mark aggregation: policies, double marking, rounding, flags, missing marks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.errors import GradingError
from examgen.grading.aggregate import aggregate_marks, mean, median, nearer_mark, trimmed_mean
from examgen.models import (
    Contestant,
    GradingRules,
    Mark,
    Marks,
    ScoredQuestion,
    Threshold,
)
from examgen.numbers import publish, round_half_up
from examgen.paper.rules import parse_grading_rules

D = Decimal
Q1 = ScoredQuestion("一.1", "SA-001", D(10), 1, "简答题", "short_answer")
Q2 = ScoredQuestion("二.1", "PR-001", D(20), 2, "实训操作题", "practical")
ALICE = Contestant("2026001", "张三", "一分公司")
BOB = Contestant("2026002", "李四", "二分公司")


def marks_of(
    *marks: tuple, judges=("J1", "J2", "J3"), questions=(Q1,), contestants=(ALICE,)
) -> Marks:
    """Return Marks from (judge, value[, kind[, contestant, label]]) tuples."""
    built = []
    defaults = ("regular", ALICE.id, Q1.label)
    for item in marks:
        judge, value, kind, cid, label = (*item, *defaults[len(item) - 2 :])
        built.append(
            Mark(cid, label, judge, D(str(value)), kind, where=f"sheet-{judge}.xlsx!评分!D2")
        )
    return Marks("A", questions, contestants, tuple(built), judges)


def one(marks: Marks, rules: GradingRules):
    return aggregate_marks(marks, rules).answer(ALICE.id, Q1.label)


def shown(answer, places: int = 2) -> Decimal:
    """Return an answer's exact score as published: rounded once, half up."""
    return publish(answer.final, places)


DOUBLE = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=D(2)))


# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.675", 2, "2.68"),
        ("0.125", 2, "0.13"),
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("2.665", 2, "2.67"),
    ],
)
def test_rounding_is_half_up_never_bankers(value, places, expected):
    assert round_half_up(D(value), places) == D(expected)
    rules = GradingRules(judges=1, precision=places)
    assert shown(one(marks_of(("J1", value), judges=("J1",)), rules), places) == D(expected)


def test_mean_of_two_marks_rounds_half_up_at_zero_places():
    rules = GradingRules(judges=2, precision=0)
    answer = one(marks_of(("J1", 2), ("J2", 3), judges=("J1", "J2")), rules)
    assert (answer.final, shown(answer, 0)) == (Fraction(5, 2), D(3))


def test_no_float_artefacts():
    rules = GradingRules(judges=2, precision=4)
    answer = one(marks_of(("J1", "0.1"), ("J2", "0.2"), judges=("J1", "J2")), rules)
    assert answer.final == Fraction(3, 20)
    assert str(shown(answer, 4)) == "0.1500"


def test_repeating_mean_is_rounded_to_precision():
    answer = one(marks_of(("J1", 7.5), ("J2", 8), ("J3", 8)), GradingRules(precision=2))
    assert answer.final == Fraction(47, 6)  # exact, never rounded before publication
    assert shown(answer) == D("7.83")


# --- mean, median, trimmed mean -------------------------------------------------------------


def test_mean_uses_every_regular_mark():
    answer = one(marks_of(("J1", 6), ("J2", 7), ("J3", 9.5)), GradingRules())
    assert (answer.final, answer.status, answer.method) == (D("7.5"), "ok", "mean")
    assert [m.judge for m in answer.used] == ["J1", "J2", "J3"]


def test_median_odd_and_even():
    assert one(marks_of(("J1", 2), ("J2", 9), ("J3", 5)), GradingRules(policy="median")).final == D(
        5
    )
    four = marks_of(("J1", 2), ("J2", 9), ("J3", 5), ("J4", 6), judges=("J1", "J2", "J3", "J4"))
    assert one(four, GradingRules(policy="median")).final == D("5.5")


def test_trimmed_mean_drops_one_highest_and_one_lowest():
    five = marks_of(
        ("J1", 2), ("J2", 9), ("J3", 5), ("J4", 6), ("J5", 6), judges=("J1", "J2", "J3", "J4", "J5")
    )
    answer = one(five, GradingRules(policy="trimmed_mean", trim_min_judges=5))
    assert answer.final == Fraction(17, 3)
    assert answer.method == "trimmed_mean"
    assert sorted(m.judge for m in answer.used) == ["J3", "J4", "J5"]


def test_trimmed_mean_below_min_judges_is_the_mean():
    answer = one(
        marks_of(("J1", 2), ("J2", 9), ("J3", 5)),
        GradingRules(policy="trimmed_mean", trim_min_judges=4),
    )
    assert (answer.final, answer.method) == (Fraction(16, 3), "mean")


def test_trimmed_mean_drops_only_one_of_equal_extremes():
    answer = one(
        marks_of(("J1", 9), ("J2", 9), ("J3", 5), ("J4", 5), judges=("J1", "J2", "J3", "J4")),
        GradingRules(policy="trimmed_mean"),
    )
    assert answer.final == D(7)
    # Which 9 and which 5 are dropped is not said by the order of the judges: equal
    # marks share the weight (1/4 each), so all four count.
    assert len(answer.used) == 4


marks_strategy = st.lists(st.integers(0, 40).map(lambda n: D(n) / 2), min_size=1, max_size=9)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 40).map(lambda n: D(n) / 2), st.integers(1, 9), st.integers(3, 9))
def test_trimmed_mean_of_equal_marks_is_that_mark(value, count, min_count):
    assert trimmed_mean([value] * count, min_count) == value


@settings(max_examples=80, deadline=None)
@given(marks_strategy)
def test_mean_median_and_trimmed_mean_lie_within_the_marks(values):
    for result in (mean(values), median(values), trimmed_mean(values, 3)):
        assert min(values) <= result <= max(values)


@settings(max_examples=60, deadline=None)
@given(marks_strategy, st.sampled_from(["mean", "median", "trimmed_mean"]), st.integers(0, 3))
def test_aggregated_final_is_the_policy_value_rounded_half_up(values, policy, precision):
    judges = tuple(f"J{i}" for i in range(len(values)))
    rules = GradingRules(policy=policy, judges=len(values), precision=precision)
    marks = Marks(
        "A",
        (Q2,),
        (ALICE,),
        tuple(Mark(ALICE.id, Q2.label, j, v) for j, v in zip(judges, values, strict=True)),
        judges,
    )
    function = {"mean": mean, "median": median, "trimmed_mean": lambda v: trimmed_mean(v, 3)}[
        policy
    ]
    answer = aggregate_marks(marks, rules).answer(ALICE.id, Q2.label)
    assert answer.final == function(values)
    assert shown(answer, precision).as_tuple().exponent == -precision


# --- double marking -------------------------------------------------------------------------


def test_double_marking_two_marks_within_threshold_take_their_mean():
    answer = one(marks_of(("J1", 6), ("J2", 8), judges=("J1", "J2")), DOUBLE)
    assert (answer.final, answer.status, answer.method) == (D(7), "ok", "agreed")


def test_double_marking_gap_equal_to_threshold_still_agrees():
    answer = one(marks_of(("J1", 6), ("J2", 8), judges=("J1", "J2")), DOUBLE)
    assert answer.status == "ok"
    answer = one(marks_of(("J1", 6), ("J2", 8.5), judges=("J1", "J2")), DOUBLE)
    assert answer.status == "third_needed"


def test_double_marking_too_far_apart_needs_a_third_mark_and_is_listed():
    scores = aggregate_marks(marks_of(("J1", 3), ("J2", 8), judges=("J1", "J2")), DOUBLE)
    answer = scores.answer(ALICE.id, Q1.label)
    assert (answer.final, answer.status, answer.method) == (None, "third_needed", "")
    [pending] = scores.pending
    assert pending.contestant == ALICE
    assert pending.question == Q1
    assert pending.needed == "third"
    assert [m.value for m in pending.marks] == [D(3), D(8)]
    assert pending.reason == "一.1: marks 3, 8 differ by 5, more than 2: a third mark is needed"
    assert scores.missing == ()


def test_double_marking_third_mark_with_the_nearer_mark():
    answer = one(marks_of(("J1", 3), ("J2", 8), ("J3", 7, "third"), judges=("J1", "J2")), DOUBLE)
    assert (answer.final, answer.status, answer.method) == (D("7.5"), "ok", "third")
    assert [(m.judge, m.value) for m in answer.used] == [("J2", D(8)), ("J3", D(7))]


def test_double_marking_third_mark_equally_near_both_takes_the_higher():
    rules = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=D(3)))
    answer = one(marks_of(("J1", 2), ("J2", 8), ("J3", 5, "third"), judges=("J1", "J2")), rules)
    assert (answer.final, answer.method) == (D("6.5"), "third")
    assert [m.judge for m in answer.used] == ["J2", "J3"]


def test_double_marking_third_mark_still_too_far_needs_arbitration():
    scores = aggregate_marks(
        marks_of(("J1", 1), ("J2", 9), ("J3", 5, "third"), judges=("J1", "J2")), DOUBLE
    )
    answer = scores.answer(ALICE.id, Q1.label)
    assert (answer.final, answer.status) == (None, "arbitration_needed")
    [pending] = scores.pending
    assert pending.needed == "arbitration"
    assert [m.value for m in pending.marks] == [D(1), D(9), D(5)]
    assert "arbitration is needed" in pending.reason


def test_double_marking_arbitration_mark_is_final():
    answer = one(
        marks_of(
            ("J1", 1),
            ("J2", 9),
            ("J3", 5, "third"),
            ("CHIEF", 6, "arbitration"),
            judges=("J1", "J2"),
        ),
        DOUBLE,
    )
    assert (answer.final, answer.status, answer.method) == (D(6), "ok", "arbitration")
    assert [m.judge for m in answer.used] == ["CHIEF"]
    assert not [f for f in answer.flags if f.code == "arbitration_unrequested"]


def test_double_marking_arbitration_without_a_third_mark_is_final():
    answer = one(
        marks_of(("J1", 1), ("J2", 9), ("CHIEF", 4, "arbitration"), judges=("J1", "J2")), DOUBLE
    )
    assert (answer.final, answer.method) == (D(4), "arbitration")


def test_double_marking_unrequested_arbitration_is_used_and_flagged():
    answer = one(
        marks_of(("J1", 6), ("J2", 7), ("CHIEF", 9, "arbitration"), judges=("J1", "J2")), DOUBLE
    )
    assert (answer.final, answer.method) == (D(9), "arbitration")
    assert [f.code for f in answer.flags] == ["arbitration_unrequested"]


def test_double_marking_unneeded_third_mark_is_ignored_and_flagged():
    answer = one(marks_of(("J1", 6), ("J2", 7), ("J3", 1, "third"), judges=("J1", "J2")), DOUBLE)
    assert (answer.final, answer.method) == (D("6.5"), "agreed")
    assert "third_ignored" in [f.code for f in answer.flags]


def test_double_marking_threshold_as_share_of_the_maximum():
    rules = GradingRules(policy="double_marking", judges=2, threshold=Threshold(percent=D(10)))
    q2 = [("J1", 10, "regular", ALICE.id, Q2.label), ("J2", 12, "regular", ALICE.id, Q2.label)]
    scores = aggregate_marks(
        marks_of(("J1", 5), ("J2", 7), *q2, judges=("J1", "J2"), questions=(Q1, Q2)), rules
    )
    assert scores.answer(ALICE.id, Q1.label).status == "third_needed"  # 2 > 10% of 10
    assert scores.answer(ALICE.id, Q2.label).final == D(11)  # 2 <= 10% of 20


def test_double_marking_with_one_mark_is_missing():
    scores = aggregate_marks(marks_of(("J1", 5), judges=("J1", "J2")), DOUBLE)
    assert scores.answer(ALICE.id, Q1.label).status == "missing"
    assert [p.needed for p in scores.missing] == ["marks"]
    assert scores.pending == ()


def _expected_double(a: D, b: D, c: D | None, arb: D | None, t: D) -> tuple[str, D | None]:
    """The double-marking cases, written out independently of the implementation."""
    if arb is not None:
        return "arbitration", arb
    if abs(a - b) <= t:
        return "agreed", (a + b) / 2
    if c is None:
        return "third_needed", None
    if abs(c - a) < abs(c - b):
        near = a
    elif abs(c - b) < abs(c - a):
        near = b
    else:
        near = max(a, b)
    if abs(c - near) <= t:
        return "third", (c + near) / 2
    return "arbitration_needed", None


half_points = st.integers(0, 20).map(lambda n: D(n) / 2)


@settings(max_examples=200, deadline=None)
@given(
    half_points,
    half_points,
    st.none() | half_points,
    st.none() | half_points,
    st.integers(0, 8).map(lambda n: D(n) / 2),
)
def test_double_marking_follows_its_cases_exactly(a, b, c, arb, t):
    marks = [("J1", a), ("J2", b)]
    if c is not None:
        marks.append(("J3", c, "third"))
    if arb is not None:
        marks.append(("CHIEF", arb, "arbitration"))
    rules = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=t))
    answer = one(marks_of(*marks, judges=("J1", "J2")), rules)
    method, value = _expected_double(a, b, c, arb, t)
    if value is None:
        assert (answer.status, answer.final) == (method, None)
    else:
        assert (answer.status, answer.method, answer.final) == (
            "ok",
            method,
            value,
        )


@settings(max_examples=60, deadline=None)
@given(half_points, half_points, half_points)
def test_nearer_mark_is_one_of_the_two_and_not_further(a, b, c):
    near = nearer_mark(a, b, c)
    assert near in (a, b)
    assert abs(c - near) <= min(abs(c - a), abs(c - b))


# --- disagreement and missing marks ---------------------------------------------------------


def test_disagreement_is_flagged_under_every_policy():
    rules = GradingRules(disagreement_threshold=Threshold(points=D(2)))
    answer = one(marks_of(("J1", 5), ("J2", 6), ("J3", 7.5)), rules)
    [flag] = answer.flags
    assert flag.code == "disagreement"
    assert flag.question_label == "一.1"
    assert flag.message == "一.1: marks 5, 6, 7.5 differ by 2.5, more than 2"
    assert shown(answer) == D("6.17")
    calm = one(marks_of(("J1", 5), ("J2", 6), ("J3", 7)), rules)
    assert calm.flags == ()


def test_disagreement_threshold_as_share_names_the_points():
    answer = one(marks_of(("J1", 1), ("J2", 6), ("J3", 7)), GradingRules())
    assert answer.flags[0].message == "一.1: marks 1, 6, 7 differ by 6, more than 2 (20% of 10)"


def test_disagreement_under_double_marking_counts_the_third_mark():
    rules = GradingRules(
        policy="double_marking",
        judges=2,
        threshold=Threshold(points=D(3)),
        disagreement_threshold=Threshold(points=D(3)),
    )
    answer = one(marks_of(("J1", 4), ("J2", 7), ("J3", 8.5, "third"), judges=("J1", "J2")), rules)
    assert answer.method == "agreed"
    assert [f.code for f in answer.flags] == ["disagreement", "third_ignored"]


def test_missing_marks_are_represented_not_raised():
    marks = Marks(
        "A",
        (Q1, Q2),
        (ALICE, BOB),
        (
            Mark(ALICE.id, Q1.label, "J1", D(5)),
            Mark(ALICE.id, Q1.label, "J2", D(6)),
            Mark(ALICE.id, Q2.label, "J1", D(15)),
            Mark(ALICE.id, Q2.label, "J2", D(16)),
            Mark(BOB.id, Q1.label, "J1", D(5)),
        ),
        ("J1", "J2"),
    )
    scores = aggregate_marks(marks, GradingRules())
    assert scores.answer(ALICE.id, Q1.label).final == D("5.5")
    bob_q1 = scores.answer(BOB.id, Q1.label)
    assert (bob_q1.final, bob_q1.status) == (None, "missing")
    assert bob_q1.flags[0].message == "一.1: 1 of 2 marks (5)"
    assert scores.answer(BOB.id, Q2.label).flags[0].message == "二.1: 0 of 2 marks"
    assert [(p.contestant.id, p.question.label, p.needed) for p in scores.missing] == [
        (BOB.id, "一.1", "marks"),
        (BOB.id, "二.1", "marks"),
    ]
    assert [c.complete for c in scores.contestants] == [True, False]


def test_expected_marks_default_to_rules_judges_without_a_judge_list():
    marks = Marks(
        "A",
        (Q1,),
        (ALICE,),
        (Mark(ALICE.id, Q1.label, "J1", D(5)), Mark(ALICE.id, Q1.label, "J2", D(6))),
    )
    assert (
        aggregate_marks(marks, GradingRules(judges=3)).answer(ALICE.id, Q1.label).status
        == "missing"
    )
    assert aggregate_marks(marks, GradingRules(judges=2)).answer(ALICE.id, Q1.label).final == D(
        "5.5"
    )


def test_marks_are_ordered_by_judge_list_not_input_order():
    marks = marks_of(("J3", 7), ("J1", 5), ("J2", 6))
    assert [m.judge for m in one(marks, GradingRules()).marks] == ["J1", "J2", "J3"]


# --- marks that cannot be placed ------------------------------------------------------------


def test_every_misplaced_mark_is_reported_at_once():
    marks = marks_of(
        ("J1", 5),
        ("J1", 6),
        ("J2", 11),
        ("J3", 5, "regular", "9999", Q1.label),
        ("J3", 5, "regular", ALICE.id, "九.9"),
        ("J3", 5, "third"),
        ("J3", 5, "extra"),
    )
    with pytest.raises(GradingError) as caught:
        aggregate_marks(marks, GradingRules())
    assert [str(p) for p in caught.value.problems] == [
        "sheet-J2.xlsx!评分!D2: mark 11 is outside 0..10 (correct the mark)",
        "sheet-J3.xlsx!评分!D2: mark for unknown contestant '9999' (check the roster)",
        "sheet-J3.xlsx!评分!D2: mark for unknown question '九.9' (check the manifest)",
        "sheet-J3.xlsx!评分!D2: `third` mark under policy `mean` (third marks and arbitration exist only under `double_marking`)",
        "sheet-J3.xlsx!评分!D2: unknown kind of mark 'extra' (use one of regular, third, arbitration)",
        "sheet-J1.xlsx!评分!D2: judge 'J1' gave a second `regular` mark for 2026001 一.1 "
        "(first at sheet-J1.xlsx!评分!D2) (keep one mark per judge)",
    ]


def test_double_marking_refuses_extra_marks():
    marks = marks_of(
        ("J1", 5), ("J2", 6), ("J3", 6), ("J4", 5, "third"), ("J5", 5, "third"), ("J1", 5, "third")
    )
    with pytest.raises(GradingError) as caught:
        aggregate_marks(marks, DOUBLE)
    texts = [p.what for p in caught.value.problems]
    assert "3 `regular` marks for 2026001 一.1; double marking allows 2" in texts
    assert "3 `third` marks for 2026001 一.1; double marking allows 1" in texts
    assert "judge 'J1' gave the third mark for 2026001 一.1 after one of the first two" in texts


def test_negative_mark_is_refused():
    with pytest.raises(GradingError, match="mark -1 is outside 0..10"):
        aggregate_marks(marks_of(("J1", -1), ("J2", 5), ("J3", 5)), GradingRules())


def test_rules_from_the_blueprint_drive_aggregation():
    rules = parse_grading_rules({"policy": "double_marking", "threshold": 1, "precision": 1})
    answer = one(marks_of(("J1", 6), ("J2", 6.5), judges=("J1", "J2")), rules)
    assert shown(answer, rules.precision) == D("6.3")


def test_contestant_listed_twice_is_refused():
    marks = Marks("A", (Q1, Q1), (ALICE, ALICE), (), ("J1",))
    with pytest.raises(GradingError) as caught:
        aggregate_marks(marks, GradingRules())
    assert [str(p) for p in caught.value.problems] == [
        "form A: question labels listed twice: 一.1",
        "form A: contestants listed twice: 2026001",
    ]
