"""Variants of a form (卷码 A1, A2, …) for neighbouring contestants (pure).

A variant prints the same questions as its form, each section's questions in an order of
its own, and the options of choice questions in an order of their own where the section
says ``shuffle_options: true`` (options such as 以上都对 must keep their place, so a
section that does not say so keeps the form's option order in every variant). Sections
keep their place and their numbers (一、单项选择题 is still 第1题～第20题), so a question
moves only within its section.

Answer letters stay balanced: in each choice section of a variant the right options are
dealt to the letters as evenly as the questions allow (20 single-choice questions of four
options: five answers A, five B, five C, five D, in no pattern). ``forms.max_answer_share``
is then checked on every variant's printed letters too.

Determinism: each variant draws from its own generator, seeded from (seed, form, number)
through SHA-256 and used only through ``Random.random()``, so variant A2 is the same
whether 2 or 20 variants are built, and the same seed gives the same variants everywhere.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from examgen.errors import BlueprintError, Problem, raise_if
from examgen.models import (
    CHOICE_TYPES,
    OPTION_LETTERS,
    Contestant,
    Form,
    Paper,
    PaperQuestion,
    PaperSection,
    Variant,
    format_points,
)
from examgen.paper.forms import answer_limit

#: Most variants of one form: codes run A1 … A999.
MAX_VARIANTS = 999
#: Draws tried before accepting a variant equal to an earlier one (tiny sections allow few orders).
_DISTINCT_TRIES = 20


def variant_code(letter: str, number: int) -> str:
    """Return the code of variant ``number`` of form ``letter``: ``A1``."""
    return f"{letter}{number}"


def _random(seed: int, what: str) -> random.Random:
    digest = hashlib.sha256(f"examgen-variant:{seed}:{what}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _shuffled(rng: random.Random, items: Sequence) -> list:
    """Return ``items`` in a random order (Fisher–Yates with ``Random.random`` only)."""
    pool = list(items)
    for i in range(len(pool) - 1):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool


def make_variants(paper: Paper, counts: Mapping[str, int]) -> tuple[Variant, ...]:
    """Return ``counts[letter]`` variants of each form of ``paper``, form by form.

    Raise BlueprintError when a variant's answer letters cannot keep to the blueprint's
    ``forms.max_answer_share``.
    """
    variants: list[Variant] = []
    problems: list[Problem] = []
    for form in paper.forms:
        drawn: list[Variant] = []
        for number in range(1, counts.get(form.letter, 0) + 1):
            rng = _random(paper.seed, f"{form.letter}:{number}")
            variant = _draw_variant(form, variant_code(form.letter, number), rng)
            for _ in range(_DISTINCT_TRIES):
                if all((variant.order, variant.options) != (v.order, v.options) for v in drawn):
                    break
                variant = _draw_variant(form, variant.code, rng)
            drawn.append(variant)
            problems.extend(_share_problems(paper, form, variant))
        variants.extend(drawn)
    raise_if(problems, BlueprintError)
    return tuple(variants)


def _draw_variant(form: Form, code: str, rng: random.Random) -> Variant:
    orders, options = [], []
    for section in form.sections:
        order = tuple(_shuffled(rng, [q.number for q in section.questions]))
        orders.append(order)
        shuffle = section.section.shuffle_options and section.section.type in CHOICE_TYPES
        counts = [0] * len(OPTION_LETTERS)  # right answers dealt to each printed letter
        letters = []
        for number in order:
            question = section.questions[number - 1]
            if not question.options:
                letters.append("")
            elif shuffle:
                letters.append(_balanced_letters(question, counts, rng))
            else:
                letters.append(OPTION_LETTERS[: len(question.options)])
        options.append(tuple(letters))
    return Variant(code=code, form=form.letter, order=tuple(orders), options=tuple(options))


def _balanced_letters(question: PaperQuestion, counts: list[int], rng: random.Random) -> str:
    """Return the form's letters in the variant's printed order, the right ones on the least used letters.

    ``counts`` holds how many right answers each printed letter has so far in the section.
    """
    size = len(question.options)
    form_letters = OPTION_LETTERS[:size]
    right = [c for c in form_letters if c in question.answer]
    wrong = [c for c in form_letters if c not in question.answer]
    ties = [rng.random() for _ in range(size)]
    places = sorted(range(size), key=lambda p: (counts[p], ties[p]))
    right_places = sorted(places[: len(right)])
    wrong_places = sorted(places[len(right) :])
    printed = [""] * size
    for place, letter in zip(right_places, _shuffled(rng, right), strict=True):
        printed[place] = letter
        counts[place] += 1
    for place, letter in zip(wrong_places, _shuffled(rng, wrong), strict=True):
        printed[place] = letter
    return "".join(printed)


def _share_problems(paper: Paper, form: Form, variant: Variant) -> list[Problem]:
    """Return a problem per choice section whose printed answers break ``max_answer_share``."""
    share = paper.blueprint.forms.max_answer_share
    if share is None:
        return []
    problems = []
    printed = variant_form(form, variant)
    for section in printed.sections:
        if section.section.type not in CHOICE_TYPES:
            continue
        limit = answer_limit(share, len(section.questions))
        for letter in sorted({c for q in section.questions for c in q.answer}):
            used = sum(letter in q.answer for q in section.questions)
            if used > limit:
                problems.append(Problem(
                    paper.blueprint.forms.where_of("max_answer_share") or paper.blueprint.path,
                    f"variant {variant.code} of {section.numeral}、{section.section.name}: answer {letter} "
                    f"in {used} of {len(section.questions)} questions, above forms.max_answer_share "
                    f"{format_points(share * 100)}% ({limit})",
                    "raise max_answer_share, or choose questions whose answers have fewer letters",
                ))
    return problems


def variant_form(form: Form, variant: Variant) -> Form:
    """Return ``form`` as ``variant`` prints it: questions renumbered in its order, options reordered."""
    sections = []
    for section, order, letters in zip(form.sections, variant.order, variant.options, strict=True):
        questions = tuple(
            replace(section.questions[number - 1], number=position, **_printed_options(section.questions[number - 1], printed))
            for position, (number, printed) in enumerate(zip(order, letters, strict=True), start=1)
        )
        sections.append(PaperSection(number=section.number, section=section.section, questions=questions))
    return replace(form, sections=tuple(sections), code=variant.code)


def _printed_options(question: PaperQuestion, letters: str) -> dict:
    """Return the options and answer of ``question`` printed in ``letters`` order (the form's letters)."""
    if not letters:
        return {}
    options = tuple(question.options[OPTION_LETTERS.index(c)] for c in letters)
    answer = "".join(OPTION_LETTERS[p] for p, c in enumerate(letters) if c in question.answer)
    return {"options": options, "answer": answer}


def with_variants(
    paper: Paper, *, count: int | None = None, seats: Sequence[tuple[Contestant, str]] | None = None
) -> Paper:
    """Return ``paper`` with ``count`` variants of each form, or with ``seats`` one per contestant.

    ``seats`` holds each contestant of a roster and the form they sit (:func:`seat_forms`);
    with it the variants are dealt to the contestants (:func:`assign_variants`), ``count``
    of them per form, or without ``count`` one per contestant.
    """
    if paper.blueprint.is_interview:
        raise BlueprintError(
            "variants are for written papers; an interview has a 题本 read to the contestant",
            where="--variants", hint="build the interview without --variants",
        )
    letters = [form.letter for form in paper.forms]
    if count is not None:
        counts = dict.fromkeys(letters, count)
    else:
        assert seats is not None, "variants need a count or a roster"
        counts = {letter: sum(1 for _, form in seats if form == letter) for letter in letters}
    too_many = [f"{letter} ({n})" for letter, n in counts.items() if n > MAX_VARIANTS]
    if too_many:
        raise BlueprintError(
            f"more than {MAX_VARIANTS} variants of form " + ", ".join(too_many),
            where="--variants-for" if count is None else "--variants",
            hint="give --variants N to deal N variants over the roster",
        )
    variants = make_variants(paper, counts)
    assignment = assign_variants(seats, variants, paper.seed) if seats is not None else ()
    return replace(paper, variants=variants, assignment=assignment)


def seat_forms(
    contestants: Sequence[Contestant], forms_of: Mapping[str, str], letters: Sequence[str], *, where: str
) -> tuple[tuple[Contestant, str], ...]:
    """Return each contestant with the form they sit: the roster's 卷别, or the one form built.

    Raise BlueprintError when several forms are built and the roster does not say who
    sits which, when a 卷别 is not a form built, or when a form has no contestant.
    """
    problems: list[Problem] = []
    if len(letters) > 1 and not forms_of:
        raise BlueprintError(
            f"forms {','.join(letters)} are built but the roster has no 卷别 column to say who sits which",
            where=where, hint="add a 卷别 column (A, B, …) to the roster",
        )
    seats = []
    for contestant in contestants:
        given = forms_of.get(contestant.id, "")
        if not given.strip() and len(letters) == 1:
            given = letters[0]  # one form: a blank 卷别 can only mean it
        form = given.strip().upper().removesuffix("卷")
        if form not in letters:
            problems.append(Problem(
                where, f"准考证号 {contestant.id}: 卷别 {given!r} is not a form built ({','.join(letters)})",
                "correct the 卷别 column, or build that form too",
            ))
            continue
        seats.append((contestant, form))
    for letter in letters:
        if not problems and not any(form == letter for _, form in seats):
            problems.append(Problem(where, f"no contestant of the roster sits form {letter}", "check the 卷别 column"))
    raise_if(problems, BlueprintError)
    return tuple(seats)


def assign_variants(
    seats: Sequence[tuple[Contestant, str]], variants: Sequence[Variant], seed: int
) -> tuple[tuple[Contestant, str], ...]:
    """Return each contestant with their 卷码, in roster order: the form's variants dealt in turn.

    The variants of a form are put in an order drawn from ``seed`` and dealt round-robin
    over the form's contestants in roster order, so neighbours on the roster get different
    variants and each variant goes to as many contestants as another, give or take one.
    """
    dealt: dict[str, list[str]] = {}
    for letter in dict.fromkeys(form for _, form in seats):
        codes = [v.code for v in variants if v.form == letter]
        dealt[letter] = _shuffled(_random(seed, f"{letter}:assignment"), codes)
    turn: dict[str, int] = {}
    assignment = []
    for contestant, form in seats:
        index = turn.get(form, 0)
        assignment.append((contestant, dealt[form][index % len(dealt[form])]))
        turn[form] = index + 1
    return tuple(assignment)


def variant_notes(paper: Paper) -> list[str]:
    """Return what ``build`` says about the variants it made (nothing without variants)."""
    if not paper.variants:
        return []
    lines = []
    for form in paper.forms:
        codes = [v.code for v in paper.variants_of(form.letter)]
        if codes:
            span = codes[0] if len(codes) == 1 else f"{codes[0]}–{codes[-1]}"
            lines.append(f"variants of form {form.letter}: {span} (questions in their own order within each section)")
    choice = [s for s in paper.blueprint.sections if s.type in CHOICE_TYPES]
    shuffled = [s.name for s in choice if s.shuffle_options]
    if shuffled:
        lines.append(f"options reordered, answer letters balanced, in: {'、'.join(shuffled)}")
    kept = [s.name for s in choice if not s.shuffle_options]
    if kept:
        lines.append(
            f"note: options keep the form's order in {'、'.join(kept)} "
            "(the section does not say shuffle_options: true)"
        )
    if paper.assignment:
        dealt: dict[str, int] = {}
        for _, code in paper.assignment:
            dealt[code] = dealt.get(code, 0) + 1
        spread = " ".join(f"{v.code}×{dealt.get(v.code, 0)}" for v in paper.variants if v.code in dealt)
        lines.append(f"variants dealt to {len(paper.assignment)} contestants: {spread}")
    return lines
