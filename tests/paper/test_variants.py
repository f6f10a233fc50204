"""Variants of a form (卷码): what they print, how they are dealt, and scoring through them."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen.bank.load import load_bank
from examgen.errors import BlueprintError
from examgen.grading.objective import form_answer, score_response, through_variant
from examgen.grading.workflow import load_grading_paper
from examgen.models import OPTION_LETTERS, Contestant
from examgen.paper.assemble import assemble
from examgen.paper.blueprint import load_blueprint
from examgen.paper.manifest import dump_manifest, manifest_record
from examgen.paper.variants import (
    assign_variants,
    make_variants,
    seat_forms,
    variant_form,
    variant_notes,
    with_variants,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def paper():
    bank = load_bank(REPO / "banks")
    return assemble(bank, load_blueprint(REPO / "templates" / "default.yaml"), seed=42)


def _documents(paper) -> dict:
    names = {f.letter: {"key": (f"key-{f.letter}.docx", "0" * 64)} for f in paper.forms}
    names.update({v.code: {"paper": (f"paper-{v.code}.docx", "0" * 64)} for v in paper.variants})
    return names


def test_a_variant_prints_the_forms_questions_each_section_in_its_own_order(paper):
    variants = make_variants(paper, {"A": 3})
    form = paper.forms[0]
    assert [v.code for v in variants] == ["A1", "A2", "A3"]
    for variant in variants:
        printed = variant_form(form, variant)
        assert printed.code == variant.code
        for base, shown in zip(form.sections, printed.sections, strict=True):
            assert [q.number for q in shown.questions] == list(range(1, len(base.questions) + 1))
            assert sorted(q.question.id for q in shown.questions) == sorted(q.question.id for q in base.questions)
    orders = {v.order for v in variants}
    assert len(orders) == 3


def test_reordered_options_keep_the_right_option_right(paper):
    form = paper.forms[0]
    for variant in make_variants(paper, {"A": 4}):
        by_id = {q.question.id: q for q in form.questions()}
        for question in variant_form(form, variant).questions():
            base = by_id[question.question.id]
            if not base.options:
                assert question.answer == base.answer
                continue
            assert sorted(question.options) == sorted(base.options)
            right = {base.options[OPTION_LETTERS.index(c)] for c in base.answer}
            assert {question.options[OPTION_LETTERS.index(c)] for c in question.answer} == right


def test_answer_letters_are_dealt_evenly_in_each_choice_section(paper):
    for variant in make_variants(paper, {"A": 5}):
        printed = variant_form(paper.forms[0], variant)
        single = printed.sections[0]
        assert single.section.type == "single_choice"
        counts = Counter(q.answer for q in single.questions)
        sizes = {len(q.options) for q in single.questions}
        if sizes == {4}:
            assert sorted(counts.values()) == [5, 5, 5, 5], counts
        multiple = Counter(c for q in printed.sections[1].questions for c in q.answer)
        assert max(multiple.values()) - min(multiple.values()) <= 1, multiple


def test_a_variant_is_the_same_however_many_are_built_and_another_seed_differs(paper):
    two = make_variants(paper, {"A": 2})
    five = make_variants(paper, {"A": 5})
    assert five[:2] == two
    assert make_variants(replace(paper, seed=43), {"A": 2}) != two


def test_a_section_without_shuffle_options_keeps_the_forms_letters(paper):
    sections = tuple(replace(s, shuffle_options=False) for s in paper.blueprint.sections)
    blueprint = replace(paper.blueprint, sections=sections)
    plain = assemble(load_bank(REPO / "banks"), blueprint, seed=42)
    variant = make_variants(plain, {"A": 1})[0]
    assert variant.order != tuple(tuple(range(1, len(s) + 1)) for s in variant.order)
    assert all(
        letters == OPTION_LETTERS[: len(letters)] for section in variant.options for letters in section
    )
    notes = variant_notes(replace(plain, variants=(variant,)))
    assert "note: options keep the form's order in 单项选择题、多项选择题 (the section does not say shuffle_options: true)" in notes


def _contestants(count: int) -> list[Contestant]:
    return [Contestant(f"2026{i:03d}", f"选手{i}") for i in range(1, count + 1)]


def test_variants_are_dealt_in_turn_over_the_roster(paper):
    variants = make_variants(paper, {"A": 4})
    seats = seat_forms(_contestants(10), {}, ["A"], where="roster.csv")
    dealt = assign_variants(seats, variants, seed=42)
    codes = [code for _, code in dealt]
    assert [c.id for c, _ in dealt] == [c.id for c in _contestants(10)]
    assert all(a != b for a, b in zip(codes, codes[1:], strict=False))
    assert sorted(Counter(codes).values()) == [2, 2, 3, 3]
    assert assign_variants(seats, variants, seed=42) == dealt
    assert codes[:4] == codes[4:8]  # round-robin: the same turn again


def test_one_variant_per_contestant_without_a_count(paper):
    seats = seat_forms(_contestants(6), {}, ["A"], where="roster.csv")
    built = with_variants(paper, seats=seats)
    assert [v.code for v in built.variants] == [f"A{i}" for i in range(1, 7)]
    assert sorted(code for _, code in built.assignment) == sorted(v.code for v in built.variants)


def test_seats_need_a_form_for_every_contestant():
    people = _contestants(3)
    one_form = seat_forms(people, {"2026001": "", "2026002": "a卷"}, ["A"], where="roster.csv")
    assert [form for _, form in one_form] == ["A", "A", "A"]
    with pytest.raises(BlueprintError) as error:
        seat_forms(people, {}, ["A", "B"], where="roster.csv")
    assert str(error.value.problems[0]) == (
        "roster.csv: forms A,B are built but the roster has no 卷别 column to say who sits which "
        "(add a 卷别 column (A, B, …) to the roster)"
    )
    with pytest.raises(BlueprintError) as error:
        seat_forms(people, {"2026001": "A", "2026002": "C", "2026003": "A卷"}, ["A", "B"], where="roster.csv")
    assert [str(p) for p in error.value.problems] == [
        "roster.csv: 准考证号 2026002: 卷别 'C' is not a form built (A,B) (correct the 卷别 column, or build that form too)",
    ]
    with pytest.raises(BlueprintError) as error:
        seat_forms(people, dict.fromkeys(("2026001", "2026002", "2026003"), "A"), ["A", "B"], where="roster.csv")
    assert str(error.value.problems[0]) == "roster.csv: no contestant of the roster sits form B (check the 卷别 column)"


def test_an_interview_has_no_variants(paper):
    interview = load_blueprint(REPO / "templates" / "interview.yaml")
    drawn = assemble(load_bank(REPO / "banks"), interview, seed=1)
    with pytest.raises(BlueprintError) as error:
        with_variants(drawn, count=2)
    assert "variants are for written papers" in str(error.value)


def test_a_variant_that_breaks_max_answer_share_is_refused(paper):
    rules = replace(paper.blueprint.forms, max_answer_share=Decimal("0.3"), where=(("max_answer_share", "default.yaml:80"),))
    strict = replace(paper, blueprint=replace(paper.blueprint, forms=rules))
    with pytest.raises(BlueprintError) as error:
        make_variants(strict, {"A": 1})
    first = str(error.value.problems[0])
    assert first.startswith("default.yaml:80: variant A1 of 二、多项选择题: answer ")
    assert "of 10 questions, above forms.max_answer_share 30% (3)" in first


# --- Scoring through a variant --------------------------------------------------------------


@st.composite
def _answers(draw, questions):
    typed = {}
    for question in questions:
        if question.type == "true_false":
            typed[question.question.label] = draw(st.sampled_from(["", "true", "false"]))
        else:
            letters = draw(st.sets(st.sampled_from(question.letters), max_size=len(question.letters)))
            if question.type == "single_choice":
                letters = set(sorted(letters)[:1])
            typed[question.question.label] = "".join(sorted(letters))
    return typed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**9), data=st.data())
def test_scoring_answers_through_a_variant_equals_scoring_them_on_the_form(paper, seed, data):
    """Any answers to any variant score as the same options chosen on the form."""
    varied = replace(paper, seed=seed)
    varied = replace(varied, variants=make_variants(varied, {"A": 1}))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.json"
        path.write_bytes(dump_manifest(manifest_record(varied, _documents(varied))))
        grading = load_grading_paper(path)
    key = grading.variants["A"]["A1"]
    form_questions = {q.question.label: q for q in grading.objective["A"]}
    typed = data.draw(_answers(key.questions))
    mapped = through_variant(typed, key)
    assert sorted(mapped) == sorted(form_questions)
    on_variant = sum(score_response(typed[q.question.label], q) for q in key.questions)
    on_form = sum(score_response(mapped[label], q) for label, q in form_questions.items())
    assert on_variant == on_form
    # The same options, by their text: the letters chosen on the variant name the options
    # that the mapped letters name on the form.
    printed = {q.question.id: q for q in variant_form(varied.forms[0], varied.variants[0]).questions()}
    form_by_id = {q.question.id: q for q in varied.forms[0].questions()}
    for question in key.questions:
        answer = typed[question.question.label]
        if question.type == "true_false" or not answer:
            continue
        chosen = {printed[question.question.id].options[OPTION_LETTERS.index(c)] for c in answer}
        form_label = next(f for p, f, _ in key.to_form if p == question.question.label)
        base = form_by_id[form_questions[form_label].question.id]
        assert {base.options[OPTION_LETTERS.index(c)] for c in mapped[form_label]} == chosen


@given(
    size=st.integers(2, 8), data=st.data(),
    scoring=st.sampled_from(["all_or_nothing", "per_option", "share"]),
)
def test_a_permutation_of_the_options_never_changes_a_score(size, data, scoring):
    """form_answer inverts any reordering: right letters stay right, partly right stays partly right."""
    from examgen.models import ObjectiveQuestion, ScoredQuestion

    letters = OPTION_LETTERS[:size]
    order = "".join(data.draw(st.permutations(letters)))
    answer = "".join(sorted(data.draw(st.sets(st.sampled_from(letters), min_size=1))))
    printed_answer = "".join(OPTION_LETTERS[p] for p, c in enumerate(order) if c in answer)
    typed = "".join(sorted(data.draw(st.sets(st.sampled_from(letters)))))
    scored = ScoredQuestion("一.1", "MC-1", Decimal(2), 1, "多项选择题", "multiple_choice")
    extra = {"scoring": "all_or_nothing"}
    if scoring == "per_option":
        extra = {"scoring": "partial", "partial_per_option": Decimal("0.5")}
    elif scoring == "share":
        extra = {"scoring": "partial", "partial_share": Decimal("0.5")}
    form_q = ObjectiveQuestion(scored, 1, letters, answer, **extra)
    printed_q = replace(form_q, answer=printed_answer)
    assert form_answer(printed_answer, order) == answer
    assert score_response(typed, printed_q) == score_response(form_answer(typed, order), form_q)


def test_a_manifest_variant_that_does_not_match_its_form_is_refused(paper, tmp_path):
    from examgen.errors import ManifestError

    varied = replace(paper, variants=make_variants(paper, {"A": 1}))
    record = manifest_record(varied, _documents(varied))
    question = record["forms"][0]["variants"][0]["sections"][0]["questions"][0]
    question["answer"] = next(c for c in "ABCD" if c != question["answer"])
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ManifestError) as error:
        load_grading_paper(path)
    assert f"variant A1 question 一.1 does not match {question['form_label']} of the form" in str(error.value)
