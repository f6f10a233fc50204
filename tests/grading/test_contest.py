"""Tests of contest.yaml loading: rounds, weights, overrides, and errors naming file, line and key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examgen.grading.contest import ContestError, load_contest
from examgen.models import Award, ContestRound
from examgen.paper.rules import apply_overrides, parse_grading_rules


def write(tmp_path: Path, text: str, manifests=("theory", "practice")) -> Path:
    for name in manifests:
        folder = tmp_path / "output" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").write_text("{}", encoding="utf-8")
    path = tmp_path / "contest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
name: 2026年客户服务代表职业技能竞赛
rounds:
  - name: 理论
    manifest: output/theory/manifest.json
    weight: 30%
  - name: 实操
    manifest: output/practice/manifest.json
    weight: 0.7
tie_breakers: [实操]
awards:
  - {name: 一等奖, share: 15%}
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(ContestError) as caught:
        load_contest(path)
    return [str(p) for p in caught.value.problems]


def test_load_contest(tmp_path):
    path = write(tmp_path, GOOD)
    contest = load_contest(path)
    assert contest.name == "2026年客户服务代表职业技能竞赛"
    assert contest.rounds == (
        ContestRound("理论", str(tmp_path / "output/theory/manifest.json"), Decimal("0.3")),
        ContestRound("实操", str(tmp_path / "output/practice/manifest.json"), Decimal("0.7")),
    )
    assert contest.normalize is False
    assert contest.overrides == {
        "tie_breakers": ["实操"],
        "awards": [{"name": "一等奖", "share": 0.15}],
    }
    assert contest.path == str(path)
    rules = apply_overrides(parse_grading_rules({"policy": "median"}), contest.overrides)
    assert rules.policy == "median"
    assert rules.tie_breakers == ("实操",)
    assert rules.awards == (Award("一等奖", Decimal("0.15")),)


def test_every_problem_names_file_line_and_key(tmp_path):
    path = write(
        tmp_path,
        """\
name: 大赛
rounds:
  - name: 理论
    manifest: output/theory/manifest.json
    weight: 130%
  - name: 理论
    manifest: output/nowhere/manifest.json
    weight: heavy
    extra: 1
normalize: maybe
policy: median
awards:
  - {name: 一等奖, share: 200%}
""",
    )
    shown = str(path)
    assert problems(path) == [
        f"{shown}:5: rounds[0].weight: '130%' is not between 0 and 100% (write a share such as 30% or 0.3)",
        f"{shown}:6: rounds[1].name: round '理论' is listed twice (give each round a distinct name)",
        f"{shown}:7: rounds[1].manifest: no such file 'output/nowhere/manifest.json' "
        "(give the path of the round's manifest.json, relative to the contest file)",
        f"{shown}:8: rounds[1].weight: 'heavy' is not a share (write a share such as 30% or 0.3)",
        f"{shown}:9: rounds[1].extra: unknown key 'extra' (a round has `name`, `manifest` and `weight`)",
        f"{shown}:10: normalize: 'maybe' is not true or false (write `normalize: true` or `false`)",
        f"{shown}:11: policy: unknown key 'policy' (allowed keys: name, rounds, normalize, organizer, host, notice_from, notice_to, contact, phone, precision, "
        "tie_breakers, missing, awards, award_rounding, award_ties, teams)",
        f"{shown}:13: awards[0].share: '200%' is more than 100% "
        "(write a percentage such as 10% or a fraction such as 0.1)",
    ]


def test_weights_must_add_up_to_100_percent(tmp_path):
    path = write(tmp_path, GOOD.replace("weight: 0.7", "weight: 60%"))
    assert problems(path) == [
        f"{path}:2: rounds: weights add up to 90%, not 100% "
        "(make the weights add up to 100%, e.g. 30% and 70%)"
    ]


def test_missing_name_and_rounds(tmp_path):
    path = write(tmp_path, "normalize: true\n")
    assert problems(path) == [
        f"{path}:1: name: missing (write `name: <contest name>`)",
        f"{path}:1: rounds: missing or empty (list the rounds: `- {{name: 理论, manifest: …, weight: 30%}}`)",
    ]


def test_missing_round_fields(tmp_path):
    path = write(tmp_path, "name: 大赛\nrounds:\n  - name: 理论\n")
    assert problems(path) == [
        f"{path}:3: rounds[0].manifest: missing (write `manifest: output/<paper>/manifest.json`)",
        f"{path}:3: rounds[0].weight: missing (write a share such as 30% or 0.3)",
    ]


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "name: 大赛\nrounds: [\n  - a: b\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "- 1\n- 2\n")
    assert problems(path) == [f"{path}: must be a mapping with `name` and `rounds`"]


def test_missing_file(tmp_path):
    assert problems(tmp_path / "contest.yaml") == [
        f"{tmp_path / 'contest.yaml'}: no such file (write a contest.yaml)"
    ]
