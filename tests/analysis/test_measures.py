"""The statistics against published and hand-worked values, and their properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.analysis.measures import (
    alpha_if_deleted,
    cronbach_alpha,
    discrimination,
    extreme_groups,
    group_size,
    icc,
    icc_reading,
    pearson,
    quartiles,
)

#: Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_icc_matches_shrout_and_fleiss_table_4():
    result = icc(SHROUT_FLEISS)
    # Published to two decimals: ICC(1,1)=.17, (2,1)=.29, (3,1)=.71, (1,4)=.44, (2,4)=.62, (3,4)=.91.
    assert round(result.icc1_1, 2) == 0.17
    assert round(result.icc2_1, 2) == 0.29
    assert round(result.icc3_1, 2) == 0.71
    assert round(result.icc1_k, 2) == 0.44
    assert round(result.icc2_k, 2) == 0.62
    assert round(result.icc3_k, 2) == 0.91
    assert (result.targets, result.judges) == (6, 4)


def test_cronbach_alpha_of_the_shrout_fleiss_table_is_their_icc_3_k():
    # α of the judges taken as items equals ICC(3,k), published as .91.
    items = [list(column) for column in zip(*SHROUT_FLEISS, strict=True)]
    assert round(cronbach_alpha(items), 2) == 0.91
    assert cronbach_alpha(items) == pytest.approx(icc(SHROUT_FLEISS).icc3_k)


def test_cronbach_alpha_of_a_hand_worked_table():
    # Item variances 5/3, 2, 19/12 (sum 5.25); totals 4, 7, 9, 13 with variance 14.25:
    # α = 3/2 · (1 − 5.25/14.25) = 18/19.
    items = [[1, 2, 3, 4], [2, 2, 3, 5], [1, 3, 3, 4]]
    assert cronbach_alpha(items) == pytest.approx(18 / 19)
    # Without item 1: items 2 and 3, variances 2 and 19/12, covariance 4/3 → α = 2·(1 − 43/12 / (43/12 + 8/3)).
    assert alpha_if_deleted(items)[0] == pytest.approx(2 * (1 - (43 / 12) / (43 / 12 + 8 / 3)))


def test_difficulty_and_discrimination_on_a_hand_worked_table():
    # Ten contestants, one 10-point question. 27% of 10 is 2.7 → groups of 3.
    totals = [95, 90, 85, 80, 75, 70, 65, 60, 55, 50]
    item = [9, 10, 8, 7, 6, 6, 5, 4, 3, 2]
    rates = [x / 10 for x in item]
    upper, lower = extreme_groups(totals)
    assert upper == [0, 1, 2] and sorted(lower) == [7, 8, 9]
    assert sum(item) / len(item) / 10 == pytest.approx(0.6)  # P
    assert discrimination(rates, totals) == pytest.approx(0.9 - 0.3)  # D


def test_group_size_is_27_percent_half_up_and_never_empty():
    assert [group_size(n) for n in (1, 2, 3, 10, 40, 100, 2000)] == [1, 1, 1, 3, 11, 27, 540]


def test_constant_data_gives_nan_not_an_error():
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))
    assert math.isnan(cronbach_alpha([[2, 2, 2], [3, 3, 3]]))
    assert math.isnan(icc([[1, 1], [1, 1]]).icc2_1)
    assert icc_reading(math.nan) == "无法计算"


def test_icc_refuses_ragged_tables():
    with pytest.raises(ValueError):
        icc([[1, 2], [3]])


def test_quartiles_interpolate_like_excel():
    assert quartiles([1, 2, 3, 4, 5]) == (2, 4)
    assert quartiles([1, 2, 3, 4]) == (1.75, 3.25)


@pytest.mark.parametrize(("value", "reading"), [(0.9, "好"), (0.75, "好"), (0.6, "一般"), (0.49, "差"), (-0.2, "差")])
def test_icc_readings(value, reading):
    assert icc_reading(value) == reading


_marks = st.integers(min_value=0, max_value=10)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_marks, min_size=4, max_size=4), min_size=3, max_size=12))
def test_alpha_never_exceeds_one(rows):
    items = [list(col) for col in zip(*rows, strict=True)]
    alpha = cronbach_alpha(items)
    assert math.isnan(alpha) or alpha <= 1 + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(_marks, min_size=3, max_size=15).filter(lambda xs: len(set(xs)) > 1), st.integers(2, 5))
def test_identical_judges_have_icc_one(scores, judges):
    result = icc([[s] * judges for s in scores])
    for value in (result.icc1_1, result.icc2_1, result.icc3_1, result.icc2_k):
        assert value == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_marks, min_size=3, max_size=3), min_size=3, max_size=10))
def test_iccs_are_at_most_one_and_average_measures_at_least_single(rows):
    result = icc(rows)
    for value in (result.icc1_1, result.icc2_1, result.icc3_1):
        assert math.isnan(value) or value <= 1 + 1e-9
    if not math.isnan(result.icc2_1) and result.icc2_1 > 0:
        assert result.icc2_k >= result.icc2_1 - 1e-9
