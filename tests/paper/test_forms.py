"""Parallel forms: the forms: block, the solver's rules, infeasibility messages, the report."""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import combinations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen.bank.load import load_bank
from examgen.cli import main
from examgen.errors import BlueprintError
from examgen.models import Bank, Blueprint, FormRules, KeyPoint, Question, Section, SharedCap
from examgen.paper.assemble import assemble
from examgen.paper.blueprint import load_blueprint
from examgen.paper.build import draw_paper, write_paper
from examgen.paper.forms import answer_limit, form_comparison
from tests.conftest import REPO

TOPICS = ("投诉处理", "倾听与提问", "业务咨询", "欠费催缴")


def question(qid: str, qtype: str = "short_answer", topic: str = "投诉处理", difficulty: int = 3, answer: str = "") -> Question:
    options = ("甲", "乙", "丙", "丁") if qtype in ("single_choice", "multiple_choice") else ()
    return Question(
        id=qid, type=qtype, topic=topic, difficulty=difficulty, points=Decimal(5),
        stem="", question=f"题目{qid}", key_points=(KeyPoint("要点", Decimal(5)),),
        options=options, answer=answer,
    )  # fmt: skip


def make_bank(questions) -> Bank:
    return Bank(questions=tuple(sorted(questions, key=lambda q: q.id)), fingerprint="test")


def make_blueprint(sections, rules: FormRules | None = None) -> Blueprint:
    rules = rules or FormRules()
    total = sum((s.total for s in sections), Decimal(0))
    return Blueprint(name="t", title="测试", total=total, sections=tuple(sections), forms=rules, path="t.yaml")


def section(count: int, qtype: str = "short_answer", name: str = "简答题") -> Section:
    return Section(name=name, type=qtype, count=count, points=Decimal(5))


def per_form(paper, index: int = 0) -> dict[str, list[Question]]:
    return {f.letter: [q.question for q in f.sections[index].questions] for f in paper.forms}


# --- The forms: block -------------------------------------------------------------------


def write_blueprint(tmp_path, forms_block: str):
    text = (REPO / "templates" / "default.yaml").read_text(encoding="utf-8")
    text = text.split("\nforms:")[0] + "\n" + forms_block
    path = tmp_path / "bp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_forms_block_is_read_with_every_rule(tmp_path):
    path = write_blueprint(
        tmp_path,
        "forms:\n  max_shared: 10%\n  sections:\n    案例分析题: {max_shared: 0}\n"
        "  difficulty_tolerance: 0.25\n  topic_tolerance: 1\n  max_answer_share: 40%\n"
        "  exclude_together:\n    - [CA-001, CA-002]\n",
    )
    rules = load_blueprint(path).forms
    assert rules.max_shared == SharedCap(share=Decimal("0.1"))
    assert rules.section_max_shared == (("案例分析题", SharedCap(count=0)),)
    assert rules.difficulty_tolerance == Decimal("0.25")
    assert rules.topic_tolerance == 1
    assert rules.max_answer_share == Decimal("0.4")
    assert rules.exclude_together == (("CA-001", "CA-002"),)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("forms:\n  max_shared: -1\n", "forms.max_shared must be a whole number of questions"),
        ("forms:\n  max_shared: lots\n", "forms.max_shared must be a whole number of questions"),
        ("forms:\n  difficulty_tolerance: high\n", "forms.difficulty_tolerance must be a number ≥ 0"),
        ("forms:\n  topic_tolerance: 0.5\n", "forms.topic_tolerance must be a whole number ≥ 0"),
        ("forms:\n  max_answer_share: 140%\n", "forms.max_answer_share must be a share between 0 and 100%"),
        ("forms:\n  exclude_together: [CA-001]\n", "forms.exclude_together must be a list of groups"),
        ("forms:\n  sections:\n    论述题: {max_shared: 0}\n", "forms.sections: no section named '论述题'"),
        ("forms:\n  overlap: 0\n", "forms: unknown field 'overlap'"),
        ("forms: [A, B]\n", "forms must be a mapping"),
    ],
)
def test_forms_block_errors_name_the_line(tmp_path, block, expected):
    path = write_blueprint(tmp_path, block)
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    message = str(info.value)
    assert expected in message
    line = len(path.read_text(encoding="utf-8").split("\nforms:")[0].splitlines()) + 1
    assert f"{path}:{line}" in message or f"{path}:{line + 1}" in message or f"{path}:{line + 2}" in message


# --- The sample workspace ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_bank(REPO / "banks"), load_blueprint(REPO / "templates" / "default.yaml")


def test_default_workspace_builds_two_disjoint_balanced_forms(sample):
    bank, blueprint = sample
    paper = assemble(bank, blueprint, seed=42, forms=("A", "B"))
    a, b = ({q.question.id for q in f.questions()} for f in paper.forms)
    assert not a & b
    rules = blueprint.forms
    for index, sec in enumerate(blueprint.sections):
        forms = per_form(paper, index)
        means = [Decimal(sum(q.difficulty for q in qs)) / len(qs) for qs in forms.values()]
        assert max(means) - min(means) <= rules.difficulty_tolerance, sec.name
        for topic in {q.topic for qs in forms.values() for q in qs}:
            counts = [sum(q.topic == topic for q in qs) for qs in forms.values()]
            assert max(counts) - min(counts) <= rules.topic_tolerance, (sec.name, topic)
    assert paper.assembly.startswith("HiGHS ")


def test_same_seed_same_forms_other_seed_other_forms(sample):
    bank, blueprint = sample
    first = assemble(bank, blueprint, seed=7, forms=("A", "B"))
    again = assemble(bank, blueprint, seed=7, forms=("A", "B"))
    other = assemble(bank, blueprint, seed=8, forms=("A", "B"))
    ids = lambda p: [[q.question.id for q in f.questions()] for f in p.forms]  # noqa: E731
    assert ids(first) == ids(again)
    assert ids(first) != ids(other)


def test_same_seed_gives_the_same_manifest_and_records_the_solver(workspace):
    manifests = []
    for name in ("one", "two"):
        paper = draw_paper(workspace, seed=5, forms=("A", "B"))
        written = write_paper(paper, workspace, out=workspace / name)
        manifest = next(p for p in written.files if p.name == "manifest.json")
        manifests.append(manifest.read_bytes())
    assert manifests[0] == manifests[1]
    assert json.loads(manifests[0])["assembly"].startswith("HiGHS ")


def test_build_prints_the_comparison_table(workspace, runner, monkeypatch):
    monkeypatch.chdir(workspace)
    result = runner.invoke(main, ["build", "--seed", "3", "--forms", "A,B"], env={"EXAMGEN_LANG": "zh"})
    assert result.exit_code == 0, result.output
    assert "HiGHS" in result.output
    assert "平均难度" in result.output and "与他卷共用" in result.output
    assert "四、案例分析题" in result.output and "一、单项选择题" in result.output


# --- Rules hold, or the message names the rule -----------------------------------------------


def test_exclude_together_keeps_enemies_apart():
    questions = [question(f"Q{i:02d}", difficulty=1 + i % 5) for i in range(12)]
    rules = FormRules(exclude_together=(("Q00", "Q01", "Q02"),), max_shared=SharedCap(count=0))
    paper = assemble(make_bank(questions), make_blueprint([section(4)], rules), seed=1, forms=("A", "B"))
    for form in paper.forms:
        ids = {q.question.id for q in form.questions()}
        assert len(ids & {"Q00", "Q01", "Q02"}) <= 1


def test_exclude_together_with_an_unknown_id_is_refused():
    questions = [question(f"Q{i:02d}") for i in range(8)]
    rules = FormRules(exclude_together=(("Q00", "ZZ-9"),), where=(("exclude_together", "t.yaml:9"),))
    with pytest.raises(BlueprintError, match=r"t.yaml:9: forms.exclude_together names a question not in the bank: ZZ-9"):
        assemble(make_bank(questions), make_blueprint([section(2)], rules), seed=1, forms=("A", "B"))


def test_too_few_questions_for_disjoint_forms_names_section_and_figures():
    questions = [question(f"CA-{i:03d}", qtype="case_analysis", topic=TOPICS[i % 2]) for i in range(5)]
    rules = FormRules(max_shared=SharedCap(count=0), where=(("max_shared", "t.yaml:4"),))
    blueprint = make_blueprint([section(3, "case_analysis", "案例分析题")], rules)
    with pytest.raises(BlueprintError) as info:
        assemble(make_bank(questions), blueprint, seed=1, forms=("A", "B"))
    assert (
        "t.yaml:4: forms A,B of 一、案例分析题 need 6 questions that no two forms share; "
        "the bank has 5 case_analysis (案例分析题) questions for it with topics 倾听与提问、投诉处理"
    ) in str(info.value)


def test_impossible_difficulty_balance_names_the_rule():
    # Six questions for two disjoint forms of three: one form must take the hard one.
    questions = [question(f"Q{i}", difficulty=d) for i, d in enumerate([1, 1, 1, 1, 1, 5])]
    rules = FormRules(
        max_shared=SharedCap(count=0),
        difficulty_tolerance=Decimal("0.25"),
        where=(("difficulty_tolerance", "t.yaml:6"),),
    )
    with pytest.raises(BlueprintError) as info:
        assemble(make_bank(questions), make_blueprint([section(3)], rules), seed=1, forms=("A", "B"))
    message = str(info.value)
    assert "t.yaml:6: forms A,B cannot meet forms.difficulty_tolerance together with the other rules" in message
    assert "difficulties 1×5 5×1" in message


def test_answer_share_limits_one_letter_per_form():
    answers = "CCCCCCCCAB" + "ABCDABCDAB"
    questions = [question(f"S{i:02d}", "single_choice", answer=a) for i, a in enumerate(answers)]
    rules = FormRules(max_answer_share=Decimal("0.4"))
    paper = assemble(make_bank(questions), make_blueprint([section(5, "single_choice", "单项选择题")], rules), seed=2)
    chosen = [q.question.answer for q in paper.forms[0].questions()]
    assert max(chosen.count(a) for a in "ABCD") <= answer_limit(Decimal("0.4"), 5) == 2


def test_comparison_table_reports_shared_questions_and_answer_spread():
    questions = [question(f"S{i:02d}", "single_choice", answer="ABCD"[i % 4], difficulty=1 + i % 3) for i in range(16)]
    rules = FormRules(max_shared=SharedCap(count=1))
    paper = assemble(make_bank(questions), make_blueprint([section(4, "single_choice", "单项选择题")], rules), seed=4, forms=("A", "B"))
    header, rows = form_comparison(paper)
    assert header[:3] == ["Section", "Form", "Mean difficulty"]
    assert [r[1] for r in rows] == ["A", "B"]
    shared = len({q.question.id for q in paper.forms[0].questions()} & {q.question.id for q in paper.forms[1].questions()})
    assert all(r[4] == str(shared) for r in rows) and shared <= 1
    for form, row in zip(paper.forms, rows, strict=True):
        letters = [q.question.answer for q in form.questions()]
        assert row[5] == " ".join(f"{a}{letters.count(a)}" for a in sorted(set(letters)))


# --- Random feasible banks: a solution is always found and every rule holds --------------------


@st.composite
def feasible_cases(draw):
    """A bank with a planted solution: every slot has one twin per form (same difficulty/topic)."""
    forms = draw(st.integers(2, 3))
    counts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    questions, sections = [], []
    types = ("short_answer", "case_analysis")
    for s, count in enumerate(counts):
        qtype = types[s]
        for slot in range(count):
            difficulty = draw(st.integers(1, 5))
            topic = draw(st.sampled_from(TOPICS))
            for f in range(forms):
                questions.append(question(f"{qtype[:2].upper()}-{slot}{f}", qtype, topic, difficulty))
        for extra in range(draw(st.integers(0, 4))):
            questions.append(question(f"{qtype[:2].upper()}-X{extra}", qtype, draw(st.sampled_from(TOPICS)), draw(st.integers(1, 5))))
        sections.append(section(count, qtype, ("简答题", "案例分析题")[s]))
    rules = FormRules(
        max_shared=SharedCap(count=0),
        difficulty_tolerance=Decimal(draw(st.sampled_from(["0", "0.25", "0.5"]))),
        topic_tolerance=draw(st.integers(0, 1)),
    )
    return make_bank(questions), make_blueprint(sections, rules), "ABC"[:forms], draw(st.integers(0, 10**6))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_cases())
def test_random_feasible_banks_always_get_forms_that_keep_every_rule(case):
    bank, blueprint, letters, seed = case
    paper = assemble(bank, blueprint, seed=seed, forms=tuple(letters))
    rules = blueprint.forms
    for f, g in combinations(paper.forms, 2):
        assert not {q.question.id for q in f.questions()} & {q.question.id for q in g.questions()}
    for index, sec in enumerate(blueprint.sections):
        forms = per_form(paper, index)
        assert all(len(qs) == sec.count for qs in forms.values())
        sums = [sum(q.difficulty for q in qs) for qs in forms.values()]
        assert max(sums) - min(sums) <= rules.difficulty_tolerance * sec.count
        for topic in TOPICS:
            counts = [sum(q.topic == topic for q in qs) for qs in forms.values()]
            assert max(counts) - min(counts) <= rules.topic_tolerance


def test_blueprint_yaml_in_the_repository_parses_its_forms_block():
    raw = yaml.safe_load((REPO / "templates" / "default.yaml").read_text(encoding="utf-8"))
    assert raw["forms"]["max_shared"] == 0
