"""Draw a paper from a bank under a blueprint: ``assemble(bank, blueprint, seed=…)`` (pure).

Determinism: candidates are taken in sorted id order, each form has its own generator
seeded from (seed, form letter) through SHA-256, and only ``Random.random()`` is used,
the one method Python promises to keep stable across versions. So the same bank,
blueprint and seed give the same paper on every machine.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from examgen.errors import BlueprintError, Problem, raise_if
from examgen.i18n import _, ngettext
from examgen.models import (
    OPTION_LETTERS,
    QUESTION_TYPES,
    REVIEW_TAG,
    Bank,
    Blueprint,
    Form,
    KeyPoint,
    Paper,
    PaperQuestion,
    PaperSection,
    Question,
    Section,
    chinese_numeral,
    format_points,
)
from examgen.paper.form_rules import check_known_ids

FORM_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_seed() -> int:
    """Return a fresh seed from the OS, for a paper that cannot be predicted from the bank."""
    return secrets.randbelow(10**9)


def parse_forms(text: str) -> tuple[str, ...]:
    """Return the form letters of ``A,B`` as ("A", "B"); raise BlueprintError if malformed."""
    letters = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    bad = [x for x in letters if len(x) != 1 or x not in FORM_LETTERS]
    if not letters or bad or len(set(letters)) != len(letters):
        raise BlueprintError(
            _("bad form list {value!r}").format(value=text),
            where="--forms",
            hint=_("give distinct single letters separated by commas, e.g. A,B"),
        )
    return letters


def assemble(
    bank: Bank,
    blueprint: Blueprint,
    *,
    seed: int,
    forms: Sequence[str] = ("A",),
    difficulty: Mapping[str, int] | None = None,
) -> Paper:
    """Return the paper drawn from ``bank`` under ``blueprint`` with ``seed``, one form per letter.

    ``difficulty`` (question id -> 1..5) replaces the bank's difficulty in the sections'
    filters for the questions it names (observed difficulty, ``difficulty_by: observed``).
    Raise BlueprintError naming each section the bank cannot satisfy, what it
    needed and what the bank had.
    """
    check_answer_letters(bank, blueprint)
    check_feasible(bank, blueprint, difficulty)
    if len(forms) > 1 or blueprint.forms.bind_one_form():
        return _assemble_with_solver(bank, blueprint, seed, forms, difficulty)
    drawn = tuple(_assemble_form(bank, blueprint, seed, letter, difficulty) for letter in forms)
    return Paper(blueprint=blueprint, seed=seed, bank_fingerprint=bank.fingerprint, forms=drawn)


def _assemble_with_solver(
    bank: Bank, blueprint: Blueprint, seed: int, forms: Sequence[str], difficulty: Mapping[str, int] | None
) -> Paper:
    """Return forms chosen together under the blueprint's form rules (see paper/forms.py)."""
    from examgen.paper.forms import select_forms  # the solver loads only when forms need it

    raise_if(check_known_ids(blueprint.forms, {q.id for q in bank.questions}), BlueprintError)
    ordered = sorted(bank.questions, key=lambda q: q.id)
    originals = {q.id: q for q in ordered}
    # The balance rules see the difficulty the filters see (observed, where the history has it).
    pools = [
        [replace(q, difficulty=difficulty.get(q.id, q.difficulty)) if difficulty else q for q in eligible(ordered, section, difficulty)]
        for section in blueprint.sections
    ]
    selection = select_forms(
        pools, blueprint.sections, blueprint.forms, forms, seed, where=blueprint.path or blueprint.name
    )
    drawn = []
    for letter in forms:
        rng = _form_random(seed, letter)
        sections = []
        for index, (section, chosen) in enumerate(zip(blueprint.sections, selection.chosen[letter], strict=True), start=1):
            # The solver picks the set; the order on the paper is drawn from the seed.
            ordered_chosen = _draw(rng, [originals[q.id] for q in chosen], len(chosen))
            placed = _placed(ordered_chosen, section, seed, letter)
            sections.append(PaperSection(number=index, section=section, questions=placed))
        drawn.append(Form(letter=letter, sections=tuple(sections)))
    return Paper(
        blueprint=blueprint, seed=seed, bank_fingerprint=bank.fingerprint, forms=tuple(drawn),
        assembly=selection.solver,
    )


def _placed(chosen: Sequence[Question], section: Section, seed: int, letter: str) -> tuple[PaperQuestion, ...]:
    """Return ``chosen`` numbered from 1 at the section's points, key points rescaled, options placed."""
    return tuple(
        PaperQuestion(
            number=n,
            question=q,
            points=section.points,
            key_points=rescale_key_points(q.key_points, q.points, section.points),
            **_paper_options(q, section, seed, letter),
        )
        for n, q in enumerate(chosen, start=1)
    )


def check_feasible(bank: Bank, blueprint: Blueprint, difficulty: Mapping[str, int] | None = None) -> None:
    """Raise BlueprintError, for all sections at once, if the bank cannot fill the blueprint."""
    problems: list[Problem] = []
    used: set[str] = set()
    ordered = sorted(bank.questions, key=lambda q: q.id)
    for index, section in enumerate(blueprint.sections, start=1):
        pool = eligible(ordered, section, difficulty)
        available = [q for q in pool if q.id not in used]
        if len(available) < section.count:
            problems.append(_shortage(blueprint, index, section, ordered, pool, available))
        # Sections later in the paper cannot reuse what earlier ones need, so reserve greedily
        # the questions only this section can take first; a simple, predictable approximation.
        used.update(q.id for q in available[: section.count])
    raise_if(problems, BlueprintError)


def check_answer_letters(bank: Bank, blueprint: Blueprint) -> None:
    """Raise BlueprintError naming every question a multiple-choice section forbids.

    A section with ``min_answer_letters: 2`` refuses a bank whose multiple-choice
    questions it could draw have a one-letter answer; each is named with its file:line.
    """
    problems: list[Problem] = []
    ordered = sorted(bank.questions, key=lambda q: q.id)
    reported: set[str] = set()
    for index, section in enumerate(blueprint.sections, start=1):
        if section.type != "multiple_choice" or section.min_answer_letters <= 1:
            continue
        heading = f"{chinese_numeral(index)}、{section.name}"
        for q in eligible(ordered, section):
            if len(q.answer) < section.min_answer_letters and q.id not in reported:
                reported.add(q.id)
                problems.append(
                    Problem(
                        str(q.origin),
                        ngettext(
                            "{id}: answer {answer!r} has {count} letter; section {heading} ({where}) "
                            "needs at least {least}",
                            "{id}: answer {answer!r} has {count} letters; section {heading} ({where}) "
                            "needs at least {least}",
                            len(q.answer),
                        ).format(
                            id=q.id, answer=q.answer, count=len(q.answer), heading=heading,
                            where=f"{blueprint.path or blueprint.name}:{section.origin.line}",
                            least=section.min_answer_letters,
                        ),
                        _("give the question more right options, make it single_choice, "
                          "or exclude it from the section"),
                    )
                )
    raise_if(problems, BlueprintError)


def unreviewed(bank: Bank, blueprint: Blueprint) -> list[Problem]:
    """Return a problem for each question tagged 导入待审 that a section of ``blueprint`` may draw."""
    problems: list[Problem] = []
    ordered = sorted(bank.questions, key=lambda q: q.id)
    for index, section in enumerate(blueprint.sections, start=1):
        heading = f"{chinese_numeral(index)}、{section.name}"
        for q in eligible(ordered, section):
            if REVIEW_TAG in q.tags:
                where = f"{q.origin.path}:{q.origin.line}" if q.origin.line else q.origin.path
                problems.append(Problem(
                    where,
                    _("{id} is tagged “{tag}” (imported, not reviewed) and section {heading} may draw it").format(
                        id=q.id, tag=REVIEW_TAG, heading=heading
                    ),
                    _("check the question and remove the tag “{tag}”, or build with --allow-unreviewed").format(tag=REVIEW_TAG),
                ))
    return problems


def eligible(
    questions: Sequence[Question], section: Section, difficulty: Mapping[str, int] | None = None
) -> list[Question]:
    """Return the questions a section may draw: its type, topics and difficulty range.

    ``difficulty`` overrides the bank's difficulty of the questions it names.
    """
    low, high = section.difficulty
    level = difficulty or {}
    return [
        q
        for q in questions
        if q.type == section.type
        and (not section.topics or q.topic in section.topics)
        and low <= level.get(q.id, q.difficulty) <= high
        and q.id not in section.exclude
    ]


def _shortage(
    blueprint: Blueprint,
    index: int,
    section: Section,
    ordered: Sequence[Question],
    pool: list[Question],
    available: list[Question],
) -> Problem:
    heading = f"{chinese_numeral(index)}、{section.name}"
    of_type = [q for q in ordered if q.type == section.type]
    filters = []
    if section.topics:
        filters.append(_("topics {topics}").format(topics="/".join(section.topics)))
    if section.difficulty != (1, 5):
        filters.append(_("difficulty {low}–{high}").format(low=section.difficulty[0], high=section.difficulty[1]))
    type_name = QUESTION_TYPES.get(section.type, section.type)
    had = ngettext(
        "the bank has {count} {type} ({type_name}) question",
        "the bank has {count} {type} ({type_name}) questions",
        len(of_type),
    ).format(count=len(of_type), type=section.type, type_name=type_name)
    if filters:
        both = _("{first} and {second}").format(first=filters[0], second=filters[1]) if len(filters) == 2 else filters[0]
        had += _(", {count} of them with {filters}").format(count=len(pool), filters=both)
    if len(available) < len(pool):
        had += _(", {count} already taken by earlier sections").format(count=len(pool) - len(available))
    return Problem(
        f"{blueprint.path or blueprint.name}:{section.origin.line}" if section.origin.line else blueprint.path,
        ngettext(
            "section {heading} needs {count} question of {points} points; {had}",
            "section {heading} needs {count} questions of {points} points; {had}",
            section.count,
        ).format(heading=heading, count=section.count, points=format_points(section.points), had=had),
        _("add questions to the bank, widen the section's filters, or lower its count"),
    )


def _form_random(seed: int, letter: str) -> random.Random:
    digest = hashlib.sha256(f"examgen:{seed}:{letter}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _draw(rng: random.Random, candidates: list[Question], count: int) -> list[Question]:
    """Return ``count`` of ``candidates`` in drawn order (a partial Fisher–Yates shuffle)."""
    pool = list(candidates)
    for i in range(count):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


def _assemble_form(
    bank: Bank, blueprint: Blueprint, seed: int, letter: str, difficulty: Mapping[str, int] | None = None
) -> Form:
    rng = _form_random(seed, letter)
    ordered = sorted(bank.questions, key=lambda q: q.id)
    used: set[str] = set()
    sections = []
    for index, section in enumerate(blueprint.sections, start=1):
        candidates = [q for q in eligible(ordered, section, difficulty) if q.id not in used]
        if len(candidates) < section.count:
            # check_feasible reserves greedily; a draw can still starve a later section.
            raise BlueprintError(
                problems=[_shortage(blueprint, index, section, ordered, eligible(ordered, section, difficulty), candidates)]
            )
        chosen = _draw(rng, candidates, section.count)
        used.update(q.id for q in chosen)
        sections.append(PaperSection(number=index, section=section, questions=_placed(chosen, section, seed, letter)))
    return Form(letter=letter, sections=tuple(sections))


def _paper_options(question: Question, section: Section, seed: int, letter: str) -> dict:
    """Return a question's options in paper order and its answer in those letters.

    Shuffling draws from a generator of its own per (seed, form, question), so turning
    it on never changes which questions are drawn.
    """
    if not question.objective:
        return {}
    options, answer = question.options, question.answer
    if section.shuffle_options and options:
        rng = _form_random(seed, f"{letter}:options:{question.id}")
        order = _draw(rng, list(range(len(options))), len(options))
        options = tuple(question.options[i] for i in order)
        right = {OPTION_LETTERS.index(c) for c in question.answer}
        answer = "".join(OPTION_LETTERS[n] for n, i in enumerate(order) if i in right)
    return {"options": options, "answer": answer}


def rescale_key_points(
    key_points: Sequence[KeyPoint], written: Decimal, target: Decimal, *, step: Decimal = Decimal("0.5")
) -> tuple[KeyPoint, ...]:
    """Return key points rescaled from ``written`` to ``target`` points, in steps of ``step``.

    Largest remainder: each point gets the whole steps of its exact share, and the steps
    left over go to the largest fractional remainders (earlier points first on ties),
    so the result sums exactly to ``target``.
    """
    if written == target:
        return tuple(key_points)
    units_total = Fraction(target) / Fraction(step)
    if units_total.denominator != 1:
        raise ValueError(f"target {target} is not a multiple of {step}")
    exact = [Fraction(kp.points) * units_total / Fraction(written) for kp in key_points]
    floors = [int(share) for share in exact]
    left = int(units_total) - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return tuple(
        KeyPoint(kp.text, Decimal(units) * step) for kp, units in zip(key_points, floors, strict=True)
    )
