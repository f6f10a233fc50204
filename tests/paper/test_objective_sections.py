"""Objective sections of a blueprint: scoring keys, and a bank that breaks their rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examgen.bank.load import load_bank
from examgen.errors import BlueprintError
from examgen.paper.assemble import assemble
from examgen.paper.blueprint import load_blueprint

BLUEPRINT = """\
title: 测试卷
total: 10
sections:
  - name: 多项选择题
    type: multiple_choice
    count: 2
    points: 2
    scoring: partial
    partial_per_option: 0.5
    min_answer_letters: 2
  - name: 单项选择题
    type: single_choice
    count: 6
    points: 1
"""

BANK = """\
- id: MC-1
  type: multiple_choice
  topic: 投诉处理
  difficulty: 2
  question: 受理投诉时应当（　　）。
  options: [耐心倾听, 准确记录, 与客户争辩, 及时致歉]
  answer: ABD
- id: MC-2
  type: multiple_choice
  topic: 投诉处理
  difficulty: 2
  question: 下列做法正确的是（　　）。
  options: [先于客户挂机, 等客户先挂机, 通话中吃东西]
  answer: B
"""


def write(tmp_path: Path, text: str, name: str = "bp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    return [str(p).replace(str(path), "F") for p in info.value.problems]


def test_scoring_keys_are_read_into_the_section(tmp_path):
    blueprint = load_blueprint(write(tmp_path, BLUEPRINT))
    multiple = blueprint.sections[0]
    assert (multiple.scoring, multiple.partial_per_option, multiple.min_answer_letters) == (
        "partial", Decimal("0.5"), 2,
    )
    assert multiple.objective and blueprint.sections[1].scoring == "all_or_nothing"


def test_bad_scoring_keys_are_refused_with_their_lines(tmp_path):
    text = BLUEPRINT.replace("partial_per_option: 0.5", "partial_per_option: 2").replace(
        "    points: 1\n", "    points: 1\n    scoring: partial\n"
    )
    assert problems_of(write(tmp_path, text)) == [
        "F:9: section 1 多项选择题: partial_per_option must be half points below the question's "
        "points, not 2",
        "F:15: section 2 单项选择题: scoring is only for multiple_choice sections, not single_choice "
        "(remove it)",
    ]
    both = BLUEPRINT.replace("partial_per_option: 0.5", "partial_per_option: 0.5\n    partial_share: 50%")
    (problem,) = problems_of(write(tmp_path, both))
    assert problem.startswith("F:8: section 1 多项选择题: `scoring: partial` needs exactly one of")
    share = BLUEPRINT.replace("partial_per_option: 0.5", "partial_share: 30%")
    assert problems_of(write(tmp_path, share)) == [
        "F:9: section 1 多项选择题: partial_share must be a share between 0 and 100% giving half "
        "points, not '30%' (e.g. `partial_share: 50%`)"
    ]


def test_a_one_letter_answer_where_the_section_forbids_it_names_the_question(tmp_path):
    blueprint = load_blueprint(write(tmp_path, BLUEPRINT))
    bank_path = write(tmp_path, BANK, "bank.yaml")
    with pytest.raises(BlueprintError) as info:
        assemble(load_bank(bank_path), blueprint, seed=1)
    assert [str(p) for p in info.value.problems] == [
        f"{bank_path}:8: MC-2: answer 'B' has 1 letter; section 一、多项选择题 "
        f"({tmp_path / 'bp.yaml'}:4) needs at least 2 (give the question more right options, "
        "make it single_choice, or exclude it from the section)"
    ]
