"""Assembly: deterministic, within the section rules, refused when the bank is too small."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.bank.load import load_bank
from examgen.errors import BlueprintError
from examgen.models import Blueprint, KeyPoint, Section
from examgen.paper.assemble import assemble, parse_forms, rescale_key_points
from examgen.paper.blueprint import load_blueprint
from tests.conftest import REPO


@pytest.fixture(scope="module")
def bank():
    return load_bank(REPO / "banks")


@pytest.fixture(scope="module")
def default():
    return load_blueprint(REPO / "templates" / "default.yaml")


def ids(paper, letter="A"):
    form = next(f for f in paper.forms if f.letter == letter)
    return [q.question.id for q in form.questions()]


def section(**kw) -> Section:
    base = {"name": "简答题", "type": "short_answer", "count": 2, "points": Decimal(5)}
    return Section(**{**base, **kw})


def blueprint(*sections: Section) -> Blueprint:
    total = sum((s.total for s in sections), Decimal(0))
    return Blueprint(name="t", title="t", total=total, sections=sections, path="t.yaml")


def test_same_seed_gives_the_same_paper_and_another_seed_another(bank, default):
    first = ids(assemble(bank, default, seed=42))
    assert first == ids(assemble(bank, default, seed=42))
    assert first != ids(assemble(bank, default, seed=43))


def test_the_draw_for_a_seed_is_pinned(small_bank):
    # Guards determinism across machines and Python versions: only Random.random() is used,
    # seeded through SHA-256. If this changes, every published seed rebuilds another paper.
    small = load_bank(small_bank)
    bp = blueprint(section(count=3), section(name="实训", type="practical", count=2, points=Decimal(10)))
    assert {seed: ids(assemble(small, bp, seed=seed)) for seed in (1, 42)} == PINNED


def test_sections_follow_their_rules_and_no_question_appears_twice(bank, default):
    paper = assemble(bank, default, seed=7)
    (form,) = paper.forms
    assert [(s.section.type, len(s.questions)) for s in form.sections] == [
        ("single_choice", 20),
        ("multiple_choice", 10),
        ("true_false", 20),
        ("case_analysis", 2),
        ("practical", 5),
    ]
    drawn = ids(paper)
    assert len(drawn) == len(set(drawn)) == 57
    for s in form.sections:
        assert [q.number for q in s.questions] == list(range(1, len(s.questions) + 1))
        for q in s.questions:
            assert q.question.type == s.section.type
            assert q.points == s.section.points
            if q.question.objective:
                assert q.key_points == () and q.answer
            else:
                assert sum(kp.points for kp in q.key_points) == q.points


def test_topic_and_difficulty_filters_are_respected(bank):
    rule = section(type="case_analysis", count=3, points=Decimal(10), topics=("投诉处理", "客户挽留"), difficulty=(2, 4))
    for seed in range(20):
        form = assemble(bank, blueprint(rule), seed=seed).forms[0]
        for q in form.questions():
            assert q.question.topic in ("投诉处理", "客户挽留")
            assert 2 <= q.question.difficulty <= 4


def test_two_sections_of_one_type_never_share_a_question(bank):
    bp = blueprint(section(count=10), section(name="又一节", count=10))
    for seed in range(10):
        drawn = ids(assemble(bank, bp, seed=seed))
        assert len(set(drawn)) == 20


def test_a_section_the_bank_cannot_fill_is_refused_with_what_it_needed_and_had(bank):
    rule = section(type="interview", count=3, points=Decimal(20), topics=("业务咨询",), origin=_origin(12))
    with pytest.raises(BlueprintError) as info:
        assemble(bank, blueprint(section(count=1), rule), seed=1)
    assert str(info.value) == (
        "t.yaml:12: section 二、简答题 needs 3 questions of 20 points; the bank has 18 interview "
        "(面试/情景题) questions, 1 of them with topics 业务咨询 "
        "(add questions to the bank, widen the section's filters, or lower its count)"
    )


def test_every_impossible_section_is_reported_at_once(bank):
    too_many = section(count=500)
    unknown = section(type="essay", count=1)
    with pytest.raises(BlueprintError) as info:
        assemble(bank, blueprint(too_many, unknown), seed=1)
    assert len(info.value.problems) == 2


def test_forms_are_chosen_together_and_reproducibly(bank, default):
    # Forms are chosen as one problem (overlap and balance rules), so A of A,B need not be
    # the A drawn alone; the same seed still gives the same forms.
    both = assemble(bank, default, seed=5, forms=("A", "B"))
    again = assemble(bank, default, seed=5, forms=("A", "B"))
    assert [ids(both, x) for x in "AB"] == [ids(again, x) for x in "AB"]
    assert not set(ids(both, "A")) & set(ids(both, "B"))


def test_form_list_parsing():
    assert parse_forms("a, B") == ("A", "B")
    for bad in ("", "A,A", "AB", "I"):
        with pytest.raises(BlueprintError):
            parse_forms(bad)


def test_a_question_used_at_other_points_is_rescaled_exactly(bank):
    rule = section(type="practical", count=32, points=Decimal(10))
    form = assemble(bank, blueprint(rule), seed=3).forms[0]
    rescaled = [q for q in form.questions() if q.question.points != q.points]
    assert rescaled, "the sample bank has practical questions written for 8 and 15 points"
    for q in rescaled:
        assert sum(kp.points for kp in q.key_points) == Decimal(10)
        assert [kp.text for kp in q.key_points] == [kp.text for kp in q.question.key_points]


def test_rescale_largest_remainder_example():
    points = [KeyPoint("a", Decimal(3)), KeyPoint("b", Decimal(3)), KeyPoint("c", Decimal(4))]
    result = rescale_key_points(points, Decimal(10), Decimal(8))
    # exact shares 2.4, 2.4, 3.2 in half points: 4.8, 4.8, 6.4 units → 4, 4, 6 and 2 left for a, b.
    assert [kp.points for kp in result] == [Decimal("2.5"), Decimal("2.5"), Decimal(3)]


half_points = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 2)


@settings(max_examples=200, deadline=None)
@given(st.lists(half_points, min_size=1, max_size=8), st.integers(min_value=1, max_value=60))
def test_rescaled_key_points_sum_exactly_in_half_points(weights, target_units):
    points = [KeyPoint(str(i), w) for i, w in enumerate(weights)]
    written = sum(weights, Decimal(0))
    target = Decimal(target_units) / 2
    result = rescale_key_points(points, written, target)
    assert sum(kp.points for kp in result) == target
    assert all((kp.points * 2) == (kp.points * 2).to_integral_value() for kp in result)
    # Each point is within one half point of its exact share.
    for kp, original in zip(result, points, strict=True):
        assert abs(kp.points - original.points * target / written) < Decimal("0.5")


def _origin(line):
    from examgen.models import Origin

    return Origin("t.yaml", line)


PINNED = {
    1: ["T-SA-1", "T-SA-2", "T-SA-3", "T-PR-2", "T-PR-1"],
    42: ["T-SA-3", "T-SA-2", "T-SA-1", "T-PR-2", "T-PR-1"],
}
