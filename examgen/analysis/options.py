"""Option tables of choice questions (pure): who chose which option, overall and by group.

The input is deliberately simple so that any reader of answer-entry workbooks can feed
it: for each contestant, the letters chosen per question label (``"B"``, ``"ACD"`` for a
multiple choice, ``""`` for no answer). A multiple-choice answer counts once for each
letter it holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from examgen.analysis.measures import extreme_groups
from examgen.analysis.model import OptionShare, OptionTable
from examgen.models import Scores

#: Contestant id -> question label -> the option letters the contestant chose.
Choices = Mapping[str, Mapping[str, str]]


def option_tables(
    choices: Choices,
    keys: Mapping[str, str],
    totals: Mapping[str, float],
    *,
    options: Mapping[str, Sequence[str]] | None = None,
) -> tuple[OptionTable, ...]:
    """Return one option table per question of ``keys`` (label -> key letters), in its order.

    Groups are the upper and lower 27 % by ``totals``; contestants without a total are
    left out. ``options`` lists each question's letters (default: the letters of its key
    and of every answer given). A distractor is suspicious when the upper group chose it
    more often than the key (for a multiple choice: than the least chosen key letter).
    """
    people = sorted(c for c in choices if c in totals)
    ordered_totals = [float(totals[c]) for c in people]
    upper_idx, lower_idx = extreme_groups(ordered_totals) if people else ([], [])
    upper = [people[i] for i in upper_idx]
    lower = [people[i] for i in lower_idx]
    tables = []
    for label, key in keys.items():
        key_letters = _letters(key)
        letters = list(options[label]) if options and label in options else sorted(
            set(key_letters) | {x for c in people for x in _letters(choices[c].get(label, ""))}
        )
        shares = tuple(
            OptionShare(
                letter=letter,
                is_key=letter in key_letters,
                overall=_share(choices, people, label, letter),
                upper=_share(choices, upper, label, letter),
                lower=_share(choices, lower, label, letter),
            )
            for letter in letters
        )
        key_upper = [s.upper for s in shares if s.is_key]
        bar = min(key_upper) if key_upper else 0.0
        suspicious = tuple(s.letter for s in shares if not s.is_key and s.upper > bar)
        tables.append(OptionTable(label=label, key="".join(sorted(key_letters)), options=shares, suspicious=suspicious))
    return tuple(tables)


#: The section types whose answers are option letters (true/false has no option table).
CHOICE_TYPES = ("single_choice", "multiple_choice")


def choices_of(
    scores: Scores, letters: Mapping[str, str]
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str]]:
    """Return (choices, keys, options) of the choice questions answered in graded ``scores``.

    Answers are the letters entered from the answer-entry workbooks, as printed on the
    paper (``AnswerScore.response``); keys are the questions' answers; ``letters`` maps
    question id -> its option letters on the paper. A question is named by its label,
    or by label and id when forms put different questions under one label.
    """
    ids_of_label: dict[str, set[str]] = {}
    for contestant in scores.contestants:
        for answer in contestant.answers:
            question = answer.question
            if question.section_type in CHOICE_TYPES and question.answer:
                ids_of_label.setdefault(question.shown_label, set()).add(question.id)

    def name(label: str, question_id: str) -> str:
        return label if len(ids_of_label[label]) == 1 else f"{label}（{question_id}）"

    choices: dict[str, dict[str, str]] = {}
    keys: dict[str, str] = {}
    options: dict[str, str] = {}
    for contestant in scores.contestants:
        for answer in contestant.answers:
            question = answer.question
            if question.shown_label not in ids_of_label or question.section_type not in CHOICE_TYPES:
                continue
            label = name(question.shown_label, question.id)
            keys.setdefault(label, question.answer)
            if question.id in letters:
                options.setdefault(label, letters[question.id])
            if answer.status == "ok":
                choices.setdefault(contestant.contestant.id, {})[label] = answer.response
    # Keys come in paper order: every contestant's answers are in paper order.
    return choices, keys, options


def _letters(answer: str) -> str:
    return "".join(sorted({ch for ch in answer.upper() if ch.isalpha()}))


def _share(choices: Choices, group: Sequence[str], label: str, letter: str) -> float:
    if not group:
        return float("nan")
    chose = sum(1 for c in group if letter in _letters(choices[c].get(label, "")))
    return chose / len(group)
