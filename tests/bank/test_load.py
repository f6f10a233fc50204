"""Bank loading: every kind of problem is reported with file and line, all at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examgen.bank.load import crosstab, dump_bank_yaml, load_bank, parse_bank_text
from examgen.errors import BankError
from examgen.models import QUESTION_TYPES, TOPICS
from tests.conftest import REPO

GOOD = """\
- id: X-1
  type: short_answer
  topic: 投诉处理
  difficulty: 2
  points: 5
  stem: ""
  question: 简述首问负责制。
  key_points:
    - text: 第一位受理人负责到底。
      points: 3
    - text: 不推诿。
      points: 2
"""


def write(tmp_path: Path, text: str, name: str = "b.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(path)
    return [str(p) for p in info.value.problems]


def test_a_good_file_loads_with_decimal_points(tmp_path):
    bank = load_bank(write(tmp_path, GOOD))
    (question,) = bank.questions
    assert question.id == "X-1"
    assert question.points == Decimal(5)
    assert [kp.points for kp in question.key_points] == [Decimal(3), Decimal(2)]
    assert question.origin.line == 1
    assert bank.fingerprint.startswith("sha256:")


def test_key_points_that_do_not_add_up_name_file_line_and_both_sums(tmp_path):
    path = write(tmp_path, GOOD.replace("points: 2\n", "points: 4\n"))
    assert problems_of(path) == [
        f"{path}:8: X-1: key points sum to 7, question is worth 5 "
        "(make the key points add up to the question's points)"
    ]


def test_unknown_type_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("short_answer", "essay"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2: X-1: unknown type 'essay'")
    assert "short_answer" in problem


def test_empty_question_text_and_empty_key_point_text_are_refused(tmp_path):
    text = GOOD.replace("question: 简述首问负责制。", 'question: ""').replace("不推诿。", '""')
    path = write(tmp_path, text)
    found = problems_of(path)
    assert f"{path}:7: X-1: missing question (add `question:` to the question)" in found
    assert f"{path}:11: X-1: key point 2 has empty text" in found


def test_difficulty_out_of_range_and_bad_points(tmp_path):
    text = GOOD.replace("difficulty: 2", "difficulty: 9").replace("points: 5", "points: 5.3")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert f"{path}:4: X-1: difficulty must be a whole number 1–5, not 9" in found
    assert any(p.startswith(f"{path}:5: X-1: points must be a positive number in half points") for p in found)


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'b.yaml'}:1: X-1: duplicate id, already used at {tmp_path / 'a.yaml'}:1")


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    write(tmp_path, GOOD.replace("difficulty: 2", "difficulty: 0"), "a.yaml")
    write(tmp_path, GOOD.replace("X-1", "X-2").replace("投诉处理", '""'), "b.yaml")
    write(tmp_path, "- id: [unclosed\n", "c.yaml")
    found = problems_of(tmp_path)
    assert len(found) == 3
    assert found[0].startswith(f"{tmp_path / 'a.yaml'}:4: X-1: difficulty")
    assert found[1].startswith(f"{tmp_path / 'b.yaml'}:3: X-2: missing topic")
    assert found[2].startswith(f"{tmp_path / 'c.yaml'}:2: not valid YAML")


def test_missing_fields_and_unknown_fields(tmp_path):
    path = write(tmp_path, "- id: Y-1\n  type: practical\n  colour: red\n")
    found = problems_of(path)
    for key in ("topic", "difficulty", "points", "question", "key_points"):
        assert any(f"Y-1: missing {key}" in p for p in found), key
    assert any(p.startswith(f"{path}:3: Y-1: unknown field 'colour'") for p in found)


def test_a_file_that_is_not_a_list_is_refused(tmp_path):
    path = write(tmp_path, "id: X-1\n")
    assert problems_of(path) == [f"{path}:1: a bank file must be a list of questions (- id: …)"]


def test_an_empty_folder_says_where_to_put_banks(tmp_path):
    (tmp_path / "banks").mkdir()
    (problem,) = problems_of(tmp_path / "banks")
    assert "no bank files (*.yaml) found" in problem


def test_dump_then_parse_gives_the_same_questions():
    bank = load_bank(REPO / "banks")
    text = dump_bank_yaml(bank.questions)
    again, problems = parse_bank_text(text, "dumped.yaml")
    assert problems == []
    assert tuple(sorted(again, key=lambda q: q.id)) == bank.questions


def test_the_sample_bank_meets_the_issue_minimums():
    bank = load_bank(REPO / "banks")
    by_type = {t: [q for q in bank.questions if q.type == t] for t in QUESTION_TYPES}
    assert len(bank.questions) >= 100
    assert len(by_type["case_analysis"]) >= 30
    assert len(by_type["practical"]) >= 30
    assert len(by_type["short_answer"]) >= 25
    assert len(by_type["interview"]) >= 15
    assert len({q.topic for q in bank.questions}) >= 10
    assert {q.difficulty for q in bank.questions} == {1, 2, 3, 4, 5}
    assert all(q.analysis for q in by_type["interview"])
    assert {q.topic for q in bank.questions} <= set(TOPICS)
    for q in bank.questions:
        if not q.objective:
            assert sum(kp.points for kp in q.key_points) == q.points, q.id


def test_the_sample_bank_has_the_objective_minimums_spread_over_topics_and_difficulties():
    bank = load_bank(REPO / "banks")
    for qtype, minimum in (("single_choice", 120), ("multiple_choice", 80), ("true_false", 80)):
        questions = [q for q in bank.questions if q.type == qtype]
        assert len(questions) >= minimum, qtype
        assert {q.topic for q in questions} == set(TOPICS), qtype
        assert {q.difficulty for q in questions} == {1, 2, 3, 4, 5}, qtype
    for q in bank.questions:
        # No "all/none of the above" padding: every option stands on its own when shuffled.
        assert not any(o.startswith(("以上", "都对", "都不对", "全部正确")) for o in q.options), q.id
        if q.type == "multiple_choice":
            assert 2 <= len(q.answer) <= len(q.options), q.id
    singles = [q.answer for q in bank.questions if q.type == "single_choice"]
    # Right answers are spread over the letters, so guessing one letter does not pay.
    assert max(singles.count(c) for c in "ABCD") <= len(singles) // 3


def test_crosstab_counts_add_up():
    bank = load_bank(REPO / "banks")
    header, rows = crosstab(bank, "difficulty")
    assert header == ["type", "1", "2", "3", "4", "5", "total"]
    assert rows[-1][-1] == len(bank.questions)
    assert sum(row[-1] for row in rows[:-1]) == len(bank.questions)


def test_dump_never_writes_yaml_anchors_for_shared_values():
    from examgen.models import KeyPoint, Question

    five = Decimal(5)
    questions = [
        Question(f"Q-{i}", "short_answer", "投诉处理", 1, five, "", "问？", (KeyPoint("要点", five),))
        for i in range(2)
    ]
    text = dump_bank_yaml(questions)
    assert "&id" not in text and "*id" not in text
    assert parse_bank_text(text, "x.yaml") == (questions, [])
