"""Objective questions in a bank: options, answers, and every rule a user can break."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examgen.bank.load import dump_bank_yaml, load_bank, parse_bank_text
from examgen.errors import BankError

SINGLE = """\
- id: SC-1
  type: single_choice
  topic: 投诉处理
  difficulty: 2
  question: 客户来电投诉时，坐席员首先应当（　　）。
  options:
    - 立即转接上级
    - 安抚情绪并耐心倾听
    - 解释公司制度
    - 请客户稍后再拨
  answer: B
  analysis: 先处理情绪，再处理事情。
"""

MULTIPLE = """\
- id: MC-1
  type: multiple_choice
  topic: 信息安全与保密
  difficulty: 3
  points: 2
  question: 办理密码重置前，可用于核实机主身份的有（　　）。
  options:
    - 服务密码
    - 身份证件号码
    - 客户自报的姓名
    - 近三个月常用联系号码
  answer: A, B, D
"""

TRUE_FALSE = """\
- id: TF-1
  type: true_false
  topic: 服务规范与礼仪
  difficulty: 1
  question: 通话结束时，应等客户先挂机。
  answer: true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "objective.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(BankError) as info:
        load_bank(path)
    return [str(p).replace(str(path), "F") for p in info.value.problems]


def test_objective_questions_load_with_options_and_normalised_answers(tmp_path):
    bank = load_bank(write(tmp_path, SINGLE + MULTIPLE + TRUE_FALSE))
    by_id = bank.by_id()
    single, multiple, judge = by_id["SC-1"], by_id["MC-1"], by_id["TF-1"]
    assert single.options[1] == "安抚情绪并耐心倾听"
    assert single.answer == "B" and single.points == Decimal(1) and single.key_points == ()
    assert multiple.answer == "ABD" and multiple.points == Decimal(2)
    assert judge.options == () and judge.answer == "true"
    assert all(q.objective for q in bank.questions)
    assert single.analysis == "先处理情绪，再处理事情。"


def test_objective_questions_round_trip_through_the_writer(tmp_path):
    questions, found = parse_bank_text(SINGLE + MULTIPLE + TRUE_FALSE, "x.yaml")
    assert found == []
    again, found = parse_bank_text(dump_bank_yaml(questions), "y.yaml")
    assert found == []
    assert again == questions


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("false", "false"), ("×", "false"), ("对", "true"), ("'F'", "false"), ("√", "true")],
)
def test_true_false_answers_are_accepted_in_common_notations(tmp_path, answer, expected):
    text = TRUE_FALSE.replace("answer: true", f"answer: {answer}")
    (question,) = load_bank(write(tmp_path, text)).questions
    assert question.answer == expected


def test_a_single_choice_answer_with_two_letters_is_refused(tmp_path):
    assert problems(tmp_path, SINGLE.replace("answer: B", "answer: BC")) == [
        "F:11: SC-1: answer 'BC' has 2 letters; a single_choice question has one right option "
        "(give one letter, or change the type to multiple_choice)"
    ]


def test_an_answer_that_is_not_among_the_options_is_refused(tmp_path):
    assert problems(tmp_path, SINGLE.replace("answer: B", "answer: E")) == [
        "F:11: SC-1: answer 'E': E is not an option (options are A–D)"
    ]


def test_a_repeated_letter_and_a_non_letter_answer_are_refused(tmp_path):
    found = problems(
        tmp_path,
        MULTIPLE.replace("answer: A, B, D", "answer: ABA")
        + TRUE_FALSE.replace("answer: true", "answer: maybe"),
    )
    assert found == [
        "F:12: MC-1: answer 'ABA' repeats A",
        "F:18: TF-1: a true_false answer is true or false (`√`/`×`, `对`/`错`), not 'maybe'",
    ]


def test_duplicate_empty_and_labelled_options_are_refused(tmp_path):
    text = SINGLE.replace("    - 解释公司制度\n", "    - 立即转接上级\n").replace(
        "    - 请客户稍后再拨\n", "    - D. 请客户稍后再拨\n"
    )
    assert problems(tmp_path, text) == [
        "F:6: SC-1: options A and C are the same text '立即转接上级'",
        "F:6: SC-1: option D starts with a label 'D.': 'D. 请客户稍后再拨' "
        "(write the option text only; examgen labels options A, B, … by their order)",
    ]


def test_too_few_options_and_missing_options_are_refused(tmp_path):
    one = SINGLE.replace(
        "    - 安抚情绪并耐心倾听\n    - 解释公司制度\n    - 请客户稍后再拨\n", ""
    ).replace("answer: B", "answer: A")
    assert problems(tmp_path, one) == ["F:6: SC-1: 1 options; a choice question has 2 to 8"]
    none = SINGLE.split("  options:")[0] + "  answer: B\n"
    assert problems(tmp_path, none) == [
        "F:1: SC-1: missing options (add `options:` with 2–8 choices, one `- text` a line)"
    ]


def test_a_missing_answer_is_refused(tmp_path):
    assert problems(tmp_path, TRUE_FALSE.replace("  answer: true\n", "")) == [
        "F:1: TF-1: missing answer (add `answer:` to the question)"
    ]


def test_options_on_a_true_false_question_and_on_an_open_question_are_refused(tmp_path):
    text = TRUE_FALSE + "  options: [对, 错]\n"
    assert problems(tmp_path, text) == [
        "F:7: TF-1: a true_false question has no options (remove `options:`)"
    ]
    open_question = """\
- id: SA-1
  type: short_answer
  topic: 投诉处理
  difficulty: 2
  points: 5
  question: 简述首问负责制。
  answer: B
  key_points:
    - {text: 负责到底。, points: 5}
"""
    assert problems(tmp_path, open_question) == [
        "F:7: SA-1: answer is only for objective questions (single_choice, multiple_choice, "
        "true_false), not short_answer (remove it, or change the type)"
    ]


def test_key_points_on_an_objective_question_are_refused(tmp_path):
    text = TRUE_FALSE + "  key_points:\n    - {text: 对, points: 1}\n"
    assert problems(tmp_path, text) == [
        "F:7: TF-1: key_points are for judge-marked questions; a true_false question is scored "
        "from `answer` (remove key_points (put the explanation in `analysis`))"
    ]


def test_a_question_that_shows_its_answer_in_brackets_is_refused(tmp_path):
    text = SINGLE.replace("首先应当（　　）。", "首先应当（B）。")
    assert problems(tmp_path, text) == [
        "F:5: SC-1: the question shows its answer in brackets '（B）' "
        "(leave the brackets empty （　　）or leave them out; the answer goes in `answer:`)"
    ]
