"""Tests of the blueprint's grading rules: validation, normalisation, parsing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.errors import BlueprintError
from examgen.models import Award, GradingRules, Section, TeamRules, Threshold
from examgen.paper.rules import (
    apply_overrides,
    check_overrides,
    parse_grading_rules,
    rules_to_json,
    validate_grading_rules,
)

WHERE = "templates/default.yaml"

DEFAULTS = {
    "policy": "mean",
    "aggregate_on": "total",
    "judges": 3,
    "trim_min_judges": 3,
    "threshold": "20%",
    "disagreement_threshold": "20%",
    "mark_step": 0.5,
    "precision": 2,
    "tie_breakers": [],
    "missing": "exclude",
    "absent": "exclude",
    "awards": [
        {"name": "一等奖", "share": 0.1},
        {"name": "二等奖", "share": 0.2},
        {"name": "三等奖", "share": 0.3},
    ],
    "award_rounding": "half_up",
    "award_ties": "better",
    "teams": {"aggregate": "sum", "best_k": 3, "short_units": "count"},
}


def problems_of(raw: object, **kwargs) -> list[str]:
    with pytest.raises(BlueprintError) as caught:
        validate_grading_rules(raw, WHERE, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_empty_grading_gives_every_default():
    assert validate_grading_rules({}, WHERE) == DEFAULTS
    assert validate_grading_rules(None, WHERE) == DEFAULTS
    assert parse_grading_rules({}) == GradingRules()


def test_normalised_rules_are_json_and_parse_back_through_a_manifest():
    raw = {
        "policy": "double_marking",
        "threshold": 1.5,
        "disagreement_threshold": "25%",
        "awards": [{"name": "金奖", "share": "12.5%"}, {"name": "银奖", "share": 0.25}],
        "tie_breakers": ["practical", "三", 2],
        "teams": {"aggregate": "mean", "best_k": 2},
    }
    normalised = validate_grading_rules(raw, WHERE)
    text = json.dumps(normalised, ensure_ascii=False)
    rules = parse_grading_rules(json.loads(text, parse_float=Decimal))
    assert rules == parse_grading_rules(raw)
    assert rules.judges == 2
    assert rules.threshold == Threshold(points=Decimal("1.5"))
    assert rules.disagreement_threshold == Threshold(percent=Decimal(25))
    assert rules.awards == (Award("金奖", Decimal("0.125")), Award("银奖", Decimal("0.25")))
    assert rules.tie_breakers == ("practical", "三", "2")
    assert rules.teams == TeamRules(aggregate="mean", best_k=2, short_units="count")
    assert normalised["threshold"] == 1.5
    assert normalised["disagreement_threshold"] == "25%"


def test_share_as_percent_or_fraction_is_the_same():
    a = parse_grading_rules({"awards": [{"name": "一等奖", "share": "10%"}]})
    b = parse_grading_rules({"awards": [{"name": "一等奖", "share": 0.1}]})
    c = parse_grading_rules({"awards": [{"name": "一等奖", "share": "10％"}]})
    assert a == b == c


def test_empty_awards_list_means_no_awards():
    assert parse_grading_rules({"awards": []}).awards == ()


def test_threshold_for_max():
    assert Threshold(percent=Decimal(20)).for_max(Decimal(15)) == Decimal(3)
    assert Threshold(points=Decimal(2)).for_max(Decimal(15)) == Decimal(2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"policy": "average"},
            f"{WHERE}: grading.policy: 'average' is not one of mean, median, trimmed_mean, double_marking",
        ),
        ({"polcy": "mean"}, f"{WHERE}: grading.polcy: unknown key 'polcy'"),
        ({"judges": 0}, f"{WHERE}: grading.judges: 0 is out of range"),
        ({"judges": "three"}, f"{WHERE}: grading.judges: 'three' is not a whole number"),
        (
            {"policy": "double_marking", "judges": 3},
            f"{WHERE}: grading.judges: double_marking uses exactly 2 marks per answer, not 3",
        ),
        ({"trim_min_judges": 2}, f"{WHERE}: grading.trim_min_judges: 2 is out of range"),
        (
            {"threshold": "abc"},
            f"{WHERE}: grading.threshold: 'abc' is not a number of points or a percentage",
        ),
        ({"threshold": -1}, f"{WHERE}: grading.threshold: -1 is negative"),
        (
            {"disagreement_threshold": "120%"},
            f"{WHERE}: grading.disagreement_threshold: '120%' is more than 100%",
        ),
        ({"mark_step": 0}, f"{WHERE}: grading.mark_step: 0 is not a positive number"),
        ({"precision": 7}, f"{WHERE}: grading.precision: 7 is out of range"),
        ({"precision": 1.5}, f"{WHERE}: grading.precision: 1.5 is not a whole number"),
        (
            {"tie_breakers": {"a": 1}},
            f"{WHERE}: grading.tie_breakers: a mapping is not a list of sections",
        ),
        (
            {"tie_breakers": ["practical", ""]},
            f"{WHERE}: grading.tie_breakers[1]: '' does not name a section",
        ),
        ({"missing": "drop"}, f"{WHERE}: grading.missing: 'drop' is not one of exclude, zero"),
        ({"awards": "10%"}, f"{WHERE}: grading.awards: '10%' is not a list of awards"),
        (
            {"awards": [{"name": "一等奖", "share": "10%"}, {"name": "二等奖", "share": "150%"}]},
            f"{WHERE}: grading.awards[1].share: '150%' is more than 100%",
        ),
        (
            {"awards": [{"name": "一等奖", "share": 0}]},
            f"{WHERE}: grading.awards[0].share: 0 is not more than 0",
        ),
        (
            {"awards": [{"name": "一等奖", "share": "many"}]},
            f"{WHERE}: grading.awards[0].share: 'many' is not a share",
        ),
        ({"awards": [{"share": "10%"}]}, f"{WHERE}: grading.awards[0].name: missing award name"),
        (
            {"awards": [{"name": "一等奖", "share": "10%"}, {"name": "一等奖", "share": "10%"}]},
            f"{WHERE}: grading.awards[1].name: award '一等奖' is listed twice",
        ),
        (
            {"awards": [{"name": "一等奖", "share": "10%", "count": 3}]},
            f"{WHERE}: grading.awards[0].count: unknown key 'count'",
        ),
        ({"awards": ["一等奖"]}, f"{WHERE}: grading.awards[0]: '一等奖' is not a mapping"),
        (
            {"awards": [{"name": "一等奖", "share": "60%"}, {"name": "二等奖", "share": "50%"}]},
            f"{WHERE}: grading.awards: shares add up to 110%, more than 100%",
        ),
        (
            {"award_rounding": "round"},
            f"{WHERE}: grading.award_rounding: 'round' is not one of half_up, floor, ceil",
        ),
        (
            {"award_ties": "split"},
            f"{WHERE}: grading.award_ties: 'split' is not one of better, worse",
        ),
        ({"teams": [1]}, f"{WHERE}: grading.teams: a list is not a mapping"),
        (
            {"teams": {"aggregate": "max"}},
            f"{WHERE}: grading.teams.aggregate: 'max' is not one of sum, mean",
        ),
        ({"teams": {"best_k": -1}}, f"{WHERE}: grading.teams.best_k: -1 is out of range"),
        (
            {"teams": {"short_units": "drop"}},
            f"{WHERE}: grading.teams.short_units: 'drop' is not one of count, exclude",
        ),
        ({"teams": {"size": 3}}, f"{WHERE}: grading.teams.size: unknown key 'size'"),
        ([1, 2], f"{WHERE}: grading: must be a mapping of grading rules, not a list"),
    ],
)
def test_each_problem_names_the_key(raw, expected):
    problems = problems_of(raw)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]
    assert "(" in problems[0]  # every problem says how to fix it


def test_all_problems_are_reported_at_once():
    problems = problems_of(
        {
            "policy": "x",
            "precision": -1,
            "awards": [{"name": "", "share": "10%"}, {"name": "二等奖", "share": "x"}],
            "teams": {"aggregate": "max"},
        }
    )
    assert [p.split(":")[1].strip() for p in problems] == [
        "grading.policy",
        "grading.precision",
        "grading.awards[0].name",
        "grading.awards[1].share",
        "grading.teams.aggregate",
    ]


def test_tie_breakers_are_checked_against_the_sections_when_given():
    sections = (
        Section("简答题", "short_answer", 4, Decimal(5)),
        Section("实训操作题", "practical", 2, Decimal(20)),
    )
    assert validate_grading_rules(
        {"tie_breakers": ["practical", "一", "实训操作题", 2]}, WHERE, sections
    )
    problems = problems_of({"tie_breakers": ["practical", "interview"]}, sections=sections)
    assert problems == [
        f"{WHERE}: grading.tie_breakers[1]: 'interview' names no section of this blueprint "
        "(use a section type, numeral, name or number: 一 简答题 (short_answer), "
        "二 实训操作题 (practical))"
    ]


def test_overrides_replace_only_the_given_keys():
    base = parse_grading_rules({"policy": "median", "precision": 1})
    overrides, problems = check_overrides(
        {"tie_breakers": ["实操"], "awards": [{"name": "优胜奖", "share": "50%"}]}
    )
    assert problems == []
    assert overrides == {"tie_breakers": ["实操"], "awards": [{"name": "优胜奖", "share": 0.5}]}
    rules = apply_overrides(base, overrides)
    assert rules.policy == "median" and rules.precision == 1
    assert rules.tie_breakers == ("实操",)
    assert rules.awards == (Award("优胜奖", Decimal("0.5")),)


def test_overrides_refuse_paper_keys():
    _, problems = check_overrides({"policy": "mean", "awards": [{"name": "一等奖", "share": 2}]})
    assert [p[0] for p in problems] == ["policy", "awards[0].share"]


_grading = st.fixed_dictionaries(
    {},
    optional={
        "policy": st.sampled_from(["mean", "median", "trimmed_mean", "double_marking"]),
        "precision": st.integers(0, 4),
        "threshold": st.one_of(
            st.integers(0, 10),
            st.integers(0, 100).map(lambda n: f"{n}%"),
            st.decimals("0", "10", places=2).map(float),
        ),
        "mark_step": st.sampled_from([0.25, 0.5, 1, 2]),
        "tie_breakers": st.lists(
            st.sampled_from(["practical", "三", "实训操作题", "1"]), max_size=3
        ),
        "missing": st.sampled_from(["exclude", "zero"]),
        "awards": st.lists(st.integers(1, 33), max_size=3).map(
            lambda shares: [{"name": f"奖{i}", "share": f"{s}%"} for i, s in enumerate(shares)]
        ),
        "award_rounding": st.sampled_from(["half_up", "floor", "ceil"]),
        "award_ties": st.sampled_from(["better", "worse"]),
        "teams": st.fixed_dictionaries(
            {},
            optional={
                "aggregate": st.sampled_from(["sum", "mean"]),
                "best_k": st.integers(0, 8),
                "short_units": st.sampled_from(["count", "exclude"]),
            },
        ),
    },
)


@settings(max_examples=60, deadline=None)
@given(_grading)
def test_normalising_is_idempotent_and_lossless(raw):
    normalised = validate_grading_rules(raw, WHERE)
    assert validate_grading_rules(normalised, WHERE) == normalised
    via_json = json.loads(json.dumps(normalised, ensure_ascii=False), parse_float=Decimal)
    rules = parse_grading_rules(raw)
    assert parse_grading_rules(via_json) == rules
    assert rules_to_json(rules) == normalised
