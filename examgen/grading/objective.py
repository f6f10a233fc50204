"""Objective questions in grading (pure): answers as entered, double entry, scores, joining.

The contestants' answers to 单选/多选/判断 are typed into answer-entry workbooks (录入表,
:mod:`examgen.grading.entry_sheets`) by two operators independently (双人录入). This module
normalises what they typed, compares the two copies cell by cell, scores each answer by its
section's rule, and joins the objective section scores to the judges' scores, so that
totals, tie-breakers, awards and results see one paper.

Scoring rules (the blueprint's, recorded in the manifest):

- single choice and true/false: the right answer gets the full points, anything else 0;
- multiple choice ``all_or_nothing``: exactly the right letters get the full points;
- multiple choice ``partial``: exactly the right letters get the full points; fewer
  letters, all of them right, get ``partial_per_option`` per letter (never the full
  points) or the fixed ``partial_share`` of the points; any wrong letter gets 0.

A blank cell is no answer and scores 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from examgen.errors import GradingError, Problem, raise_if
from examgen.i18n import _, listing, parenthesised
from examgen.models import (
    OPTION_LETTERS,
    TRUE_FALSE_MARKS,
    AnswerScore,
    ContestantScores,
    ObjectiveQuestion,
    Scores,
)

#: What an operator may type for a true/false answer, and what it means.
TRUE_FALSE_ENTRIES: dict[str, str] = {
    "√": "true", "✓": "true", "✔": "true", "T": "true", "对": "true", "正确": "true", "Y": "true",
    "×": "false", "✗": "false", "✘": "false", "X": "false", "F": "false", "错": "false",
    "错误": "false", "N": "false",
}  # fmt: skip
#: Separators an operator may type between letters: ``A,C``, ``A C``, ``A、C``.
_SEPARATORS = str.maketrans("", "", " ,，、;；\u3000")


def normalize_response(text: str, question: ObjectiveQuestion) -> tuple[str, str]:
    """Return (answer, problem) for what was typed for ``question``; answer "" is no answer.

    Letters are case-insensitive and sorted (``ca`` → ``AC``); true/false accepts
    √/×, T/F, 对/错. ``problem`` is "" when the entry is acceptable, else says why not.
    """
    cleaned = text.strip()
    if not cleaned:
        return "", ""
    if question.type == "true_false":
        value = TRUE_FALSE_ENTRIES.get(cleaned.upper())
        if value is None:
            return "", _("{answer} is not a true/false answer (type √ or ×, T or F, “对” or “错”)").format(answer=repr(cleaned))
        return value, ""
    letters = cleaned.translate(_SEPARATORS).upper()
    bad = sorted({c for c in letters if c not in question.letters})
    if bad:
        return "", (
            _("{answer}: {bad} is not an option of question {number} (options {first}–{last})").format(
                answer=repr(cleaned), bad="".join(bad), number=question.number,
                first=question.letters[0], last=question.letters[-1])
        )
    repeated = sorted({c for c in letters if letters.count(c) > 1})
    if repeated:
        return "", _("{answer} repeats {letters}").format(answer=repr(cleaned), letters="".join(repeated))
    if question.type == "single_choice" and len(letters) > 1:
        return "", _("{answer}: question {number} is single choice, one letter").format(
            answer=repr(cleaned), number=question.number)
    return "".join(sorted(letters)), ""


def shown_response(answer: str) -> str:
    """Return an answer as people read it: letters, √ or ×, or 未答 for none."""
    return TRUE_FALSE_MARKS.get(answer, answer) or "未答"


def score_response(answer: str, question: ObjectiveQuestion) -> Decimal:
    """Return the points ``answer`` earns for ``question`` under its section's scoring rule."""
    full = question.question.points
    if not answer:
        return Decimal(0)
    if answer == question.answer:
        return full
    if question.type != "multiple_choice" or question.scoring != "partial":
        return Decimal(0)
    chosen, right = set(answer), set(question.answer)
    if not chosen < right:
        return Decimal(0)  # a wrong letter (or, impossibly, all right ones) scores nothing
    if question.partial_per_option is not None:
        # Fewer letters than the full answer never reach the full points.
        return min(question.partial_per_option * len(chosen), full - question.partial_per_option)
    return full * (question.partial_share or Decimal(0))


def score_kind(answer: str, question: ObjectiveQuestion) -> str:
    """Return 对, 错 or 部分 (partly right) for an answer, as results show it."""
    points = score_response(answer, question)
    if points == question.question.points:
        return "对"
    return "部分" if points > 0 else "错"


# --- Variants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantKey:
    """A variant (卷码 A2) as grading sees it, from the manifest: what it printed, and the way back.

    ``questions`` are its objective questions as printed (the printed label and number,
    the answer in its letters), in paper order; ``to_form`` gives, per printed label, the
    form's label of the question printed there and the form's letters in printed order
    (``CADB``: the variant's A is the form's C; "" when there are no options).
    """

    code: str
    form: str
    questions: tuple[ObjectiveQuestion, ...]
    to_form: tuple[tuple[str, str, str], ...]


def form_answer(answer: str, letters: str) -> str:
    """Return an answer given in a variant's letters in the form's letters (sorted), e.g. ``AB`` → ``AC``.

    ``letters`` are the form's letters in the variant's printed order; true/false answers
    and blanks pass unchanged.
    """
    if not letters or answer in ("", "true", "false"):
        return answer
    return "".join(sorted(letters[OPTION_LETTERS.index(c)] for c in answer))


def through_variant(answers: Mapping[str, str], variant: VariantKey) -> dict[str, str]:
    """Return a contestant's answers (printed label → letters as printed) under the form's labels and letters."""
    mapped = {}
    for printed, form_label, letters in variant.to_form:
        if printed in answers:
            mapped[form_label] = form_answer(answers[printed], letters)
    return mapped


# --- Double entry ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryCell:
    """One typed answer of an entry workbook: whose, which question, normalised, where."""

    key: str  # 准考证号
    label: str  # question label, "一.3"
    answer: str  # normalised; "" for none
    shown: str  # as typed
    where: str  # "entry-A-1.xlsx!录入!E7"


@dataclass(frozen=True)
class FilledEntry:
    """An answer-entry workbook as read: paper, form, which copy (录入1/录入2), its answers."""

    path: str
    paper_id: str
    form: str
    copy: int
    cells: tuple[EntryCell, ...]
    #: Every contestant row: (准考证号, where of its key cell), in sheet order.
    rows: tuple[tuple[str, str], ...]
    #: Papers with variants: (准考证号, 卷码 as entered, where of its cell) of every row.
    codes: tuple[tuple[str, str, str], ...] = ()


def compare_entries(first: FilledEntry, second: FilledEntry) -> list[Problem]:
    """Return every difference between two independent entries of the same answers.

    Each names the cell of both copies and both values: ``…!E7: 录入1 says AC, 录入2 says ACD``.
    """
    problems: list[Problem] = []
    a = {(c.key, c.label): c for c in first.cells}
    b = {(c.key, c.label): c for c in second.cells}
    rows_a, rows_b = dict(first.rows), dict(second.rows)
    for key, where in first.rows:
        if key not in rows_b:
            problems.append(Problem(where, _("“准考证号” {key} is in “录入{copy}” but not in “录入{other}” ({path})").format(
                key=key, copy=first.copy, other=second.copy, path=second.path)))
    for key, where in second.rows:
        if key not in rows_a:
            problems.append(Problem(where, _("“准考证号” {key} is in “录入{copy}” but not in “录入{other}” ({path})").format(
                key=key, copy=second.copy, other=first.copy, path=first.path)))
    codes_b = {key: (code, where) for key, code, where in second.codes}
    for key, code, where in first.codes:
        other_code, other_where = codes_b.get(key, (code, ""))
        if other_code != code:
            problems.append(Problem(
                where,
                _("“准考证号” {key}: “录入{copy}” says “卷码” {code}, “录入{other}” says {other_code} (at {where})").format(
                    key=key, copy=first.copy, code=code or _("(blank)"), other=second.copy,
                    other_code=other_code or _("(blank)"), where=other_where),
                _("look at the “卷码” printed on the paper and correct the copy that is wrong"),
            ))
    for slot, cell in a.items():
        other = b.get(slot)
        if other is None or other.answer == cell.answer:
            continue
        problems.append(
            Problem(
                cell.where,
                _("“录入{copy}” says {answer}, “录入{other}” says {other_answer} (at {where})").format(
                    copy=first.copy, answer=cell.shown or _("(blank)"), other=second.copy,
                    other_answer=other.shown or _("(blank)"), where=other.where),
                _("look at the answer sheet and correct the copy that is wrong"),
            )
        )
    return problems


def entry_answers(
    entries: Sequence[FilledEntry],
    *,
    single_entry: bool,
    variants: Mapping[str, Mapping[str, VariantKey]] | None = None,
) -> dict[str, dict[str, dict[str, str]]]:
    """Return form → 准考证号 → question label → answer from checked entry workbooks.

    Under double entry each form needs two copies (录入1 and 录入2) that agree in
    every cell (and 卷码); raise GradingError listing every difference. ``single_entry``
    accepts one copy per form. With ``variants`` (form → 卷码 → VariantKey) each row's
    answers, typed as its variant printed them, are mapped to the form's labels and letters.
    """
    problems: list[Problem] = []
    by_form: dict[str, list[FilledEntry]] = {}
    for entry in entries:
        by_form.setdefault(entry.form, []).append(entry)
    answers: dict[str, dict[str, dict[str, str]]] = {}
    for form, copies in sorted(by_form.items()):
        copies.sort(key=lambda e: (e.copy, e.path))
        if single_entry:
            if len(copies) > 1:
                problems.append(Problem(
                    listing(e.path for e in copies),
                    _("--single-entry takes one entry workbook for form {form}; {count} given").format(
                        form=form, count=len(copies)),
                    _("give one, or drop --single-entry to compare the two copies"),
                ))
                continue
        elif len(copies) != 2 or {e.copy for e in copies} != {1, 2}:
            names = listing(f"{e.path}{parenthesised(f'录入{e.copy}')}" for e in copies)
            problems.append(Problem(
                names,
                _("double entry (“双人录入”) needs the two copies “录入1” and “录入2” of form {form}; "
                  "given {count}").format(form=form, count=len(copies)),
                _("give both operators' workbooks, or pass --single-entry to accept one"),
            ))
            continue
        else:
            problems.extend(compare_entries(copies[0], copies[1]))
        table: dict[str, dict[str, str]] = {}
        for cell in copies[0].cells:
            table.setdefault(cell.key, {})[cell.label] = cell.answer
        for key, _where in copies[0].rows:
            table.setdefault(key, {})
        keys = (variants or {}).get(form, {})
        for key, code, _where in copies[0].codes:
            if code in keys:
                table[key] = through_variant(table[key], keys[code])
        answers[form] = table
    raise_if(problems, GradingError)
    return answers


# --- Joining -----------------------------------------------------------------------------


def join_objective(
    scores: Scores,
    questions: Sequence[ObjectiveQuestion],
    answers: Mapping[str, Mapping[str, str]],
    *,
    allow_missing: bool = False,
    where: str = "",
) -> Scores:
    """Return ``scores`` with the objective questions scored and placed in paper order.

    ``answers`` maps 准考证号 → question label → normalised answer. A contestant of
    ``scores`` without an entry row is an error (GradingError), or with
    ``allow_missing`` has no final score for those questions (成绩不完整). Entry rows of
    contestants not in ``scores`` are errors.
    """
    if not questions:
        return scores
    problems: list[Problem] = []
    known = {c.contestant.id for c in scores.contestants}
    for key in answers:
        if key not in known:
            problems.append(Problem(
                where or scores.form,
                _("“准考证号” {key} has entered answers but is not among the contestants graded").format(key=key),
                _("check the number on the entry workbook, or add the contestant's score sheets"),
            ))
    contestants = []
    for contestant_scores in scores.contestants:
        contestant = contestant_scores.contestant
        given = answers.get(contestant.id)
        if contestant_scores.absent:
            if given and any(given.values()):
                problems.append(Problem(
                    where or scores.form,
                    _("“准考证号” {contestant} is “缺考” on the score sheets but has answers entered").format(
                        contestant=f"{contestant.id} {contestant.name}".rstrip()),
                    _("clear the entered answers, or the “缺考” on the score sheets"),
                ))
            contestants.append(contestant_scores)  # 缺考: no answers to score
            continue
        if given is None and not allow_missing:
            problems.append(Problem(
                where or scores.form,
                _("“准考证号” {contestant} has no row of answers").format(
                    contestant=f"{contestant.id} {contestant.name}".rstrip()),
                _("add the row to both entry workbooks, or pass --allow-missing"),
            ))
        objective = tuple(_answer_score(contestant.id, q, given) for q in questions)
        merged = sorted(
            (*objective, *contestant_scores.answers),
            key=lambda a: a.question.section_number,
        )
        contestants.append(ContestantScores(contestant, tuple(merged)))
    raise_if(problems, GradingError)
    all_questions = sorted(
        (*(q.question for q in questions), *scores.questions), key=lambda q: q.section_number
    )
    return replace(scores, questions=tuple(all_questions), contestants=tuple(contestants))


def _answer_score(
    contestant_id: str, question: ObjectiveQuestion, given: Mapping[str, str] | None
) -> AnswerScore:
    if given is None:
        return AnswerScore(contestant_id, question.question, (), (), None, "missing", "")
    answer = given.get(question.question.label, "")
    return AnswerScore(
        contestant_id,
        question.question,
        (),
        (),
        score_response(answer, question),
        "ok",
        "objective",
        response=answer,
    )
