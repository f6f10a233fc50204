"""Blueprints: refused before anything is drawn when they do not add up or are malformed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examgen.errors import BlueprintError
from examgen.paper.blueprint import load_blueprint
from tests.conftest import REPO

BLUEPRINT = """\
title: 测试卷
total: 100
sections:
  - name: 简答题
    type: short_answer
    count: 4
    points: 5
  - name: 案例分析题
    type: case_analysis
    count: 3
    points: 10
  - name: 实训操作题
    type: practical
    count: 5
    points: 10
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    return [str(p) for p in info.value.problems]


def test_the_shipped_blueprints_load():
    default = load_blueprint(REPO / "templates" / "default.yaml")
    assert [(s.name, s.count, s.points) for s in default.sections] == [
        ("单项选择题", 20, Decimal("0.5")),
        ("多项选择题", 10, Decimal(1)),
        ("判断题", 20, Decimal("0.5")),
        ("案例分析题", 2, Decimal(10)),
        ("实训操作题", 5, Decimal(10)),
    ]
    assert default.total == 100
    multiple = default.sections[1]
    assert (multiple.scoring, multiple.partial_share, multiple.min_answer_letters) == ("partial", Decimal("0.5"), 2)
    judged = load_blueprint(REPO / "templates" / "judged.yaml")
    assert [(s.name, s.count, s.points) for s in judged.sections] == [
        ("简答题", 4, Decimal(5)),
        ("案例分析题", 3, Decimal(10)),
        ("实训操作题", 5, Decimal(10)),
    ]
    assert not any(s.objective for s in judged.sections) and judged.total == 100
    assert load_blueprint(REPO / "templates" / "interview.yaml").total == 100


def test_sections_that_do_not_add_up_to_the_total_are_refused(tmp_path):
    path = write(tmp_path, BLUEPRINT.replace("total: 100", "total: 90"))
    assert problems_of(path) == [
        f"{path}:2: sections add up to 100 (简答题 4×5 + 案例分析题 3×10 + 实训操作题 5×10), "
        "but total is 90 (change a section's count or points, or the total)"
    ]


def test_section_problems_are_all_listed_with_lines(tmp_path):
    text = BLUEPRINT.replace("count: 4", "count: zero").replace("points: 10\n  - name: 实训", "points: -1\n  - name: 实训")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert found[0] == f"{path}:6: section 1 简答题: count must be a whole number of questions, not 'zero'"
    assert found[1].startswith(f"{path}:11: section 2 案例分析题: points per question must be a positive number")


def test_bad_difficulty_range_and_unknown_keys(tmp_path):
    text = BLUEPRINT.replace("    points: 5\n", "    points: 5\n    difficulty: [4, 2]\n    colour: red\n")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert f"{path}:8: section 1 简答题: difficulty must be a range [low, high] within 1–5, not [4, 2]" in found
    assert any(p.startswith(f"{path}:9: section 1 简答题: unknown field 'colour'") for p in found)


def test_missing_title_and_sections(tmp_path):
    path = write(tmp_path, "total: 10\n")
    found = problems_of(path)
    assert found == [
        f"{path}:1: missing title (add `title: …` (the paper's heading))",
        f"{path}:1: a blueprint needs a list of sections",
    ]


def test_a_missing_blueprint_file_is_named(tmp_path):
    assert problems_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}: blueprint not found (name one with --blueprint templates/NAME.yaml)"
    ]
