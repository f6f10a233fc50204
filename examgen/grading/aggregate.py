"""Aggregate judges' marks into exact scores under the blueprint's policy (pure).

Policies (``GradingRules.policy``), applied to what ``aggregate_on`` names: each judge's
``total`` for the contestant (the default, as competition rules mean 去掉一个最高分和一个
最低分), each judge's ``section`` total, or each ``question``:

- ``mean``: the mean of the judges' values.
- ``median``: the middle value; with an even number of judges, the mean of the two middle ones.
- ``trimmed_mean``: with at least ``trim_min_judges`` judges, drop one highest and one
  lowest value (去掉一个最高分和一个最低分) and take the mean of the rest; with fewer, the mean.

Each policy is a weighting of the judges (mean: 1/n each; trimmed: 0 for the highest and
lowest, 1/(n-2) for the others; median: 1 for the middle one). A judge's weight comes from
the rank of their value, and judges with equal values share their weights equally, so the
result never depends on the order of judges or sheets. An answer's score is the weighted
sum of its marks with the weights of its unit (total, section or question), so answers
add up exactly to section scores and totals: under ``aggregate_on: total`` with
``trimmed_mean``, the total is exactly the mean of the judges' totals without the highest
and the lowest, and a section is the same mean of those judges' section totals.
- ``double_marking`` (双评): two regular marks ``a`` and ``b``; with ``T`` the threshold
  for the question (points, or a share of its maximum):

  1. ``|a - b| <= T``: the final score is their mean (method ``agreed``);
  2. otherwise a third mark ``c`` is needed (三评, status ``third_needed``);
  3. with ``c``: the nearer of ``a`` and ``b`` to ``c`` — when both are equally near,
     the higher — and if ``|c - nearer| <= T`` the final is the mean of ``c`` and the
     nearer (method ``third``);
  4. otherwise arbitration is needed (仲裁, status ``arbitration_needed``), and an
     arbitration mark is final (method ``arbitration``).

  An arbitration mark is final whenever it is present; when the first two marks (or
  the third) agreed it is still used and flagged ``arbitration_unrequested``. A third
  mark given where the first two agreed is ignored and flagged ``third_ignored``.

Every answer whose marks (regular and third) are further apart than
``disagreement_threshold`` is flagged ``disagreement``, under every policy.

Missing marks are not errors: an answer with fewer regular marks than expected
(``len(Marks.judges)`` when given, else ``rules.judges``; 2 under double marking)
gets no final score, status ``missing``, and is listed in ``Scores.missing``; the other
answers of its unit get the policy applied to their own marks (a draft figure).
Contestants in ``Marks.absent`` (缺考) get no score at all, status ``absent``.

Scores are exact fractions, never rounded here: a number is rounded once, when it is
published (:func:`examgen.numbers.publish`).

Marks that cannot be placed (unknown contestant or question, unknown kind, a value
outside 0..maximum, one judge twice on one answer, more marks than a kind allows)
raise :class:`~examgen.errors.GradingError` with every such problem.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from examgen.errors import GradingError, Problem, raise_if
from examgen.i18n import _, listing
from examgen.models import (
    MARK_KINDS,
    AnswerScore,
    Contestant,
    ContestantScores,
    Flag,
    GradingRules,
    Mark,
    Marks,
    PendingAnswer,
    ScoredQuestion,
    Scores,
    Threshold,
    format_points,
)

_KIND_ORDER = {kind: index for index, kind in enumerate(MARK_KINDS)}
_ZERO = Decimal(0)


def mean(values: Sequence[Decimal | Fraction]) -> Fraction:
    """Return the exact mean of ``values`` (at least one)."""
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def median(values: Sequence[Decimal | Fraction]) -> Fraction:
    """Return the median of ``values``: the middle one, or the mean of the two middle ones."""
    ordered = sorted(Fraction(v) for v in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def trimmed_mean(values: Sequence[Decimal | Fraction], min_count: int) -> Fraction:
    """Return the mean without one highest and one lowest value when there are ``min_count`` or more."""
    ordered = sorted(Fraction(v) for v in values)
    if len(ordered) >= max(min_count, 3):
        ordered = ordered[1:-1]
    return mean(ordered)


def judge_weights(values: Sequence[Decimal | Fraction | int], policy: str, trim_min: int) -> tuple[Fraction, ...]:
    """Return each judge's weight under ``policy`` given the judges' ``values`` (in any order).

    The weighted sum of ``values`` is the policy's value (mean, median, trimmed mean).
    Weights go by rank; judges with equal values share the weights of their ranks
    equally, so the weights never depend on the order the judges are listed in.
    """
    count = len(values)
    if len({type(v) for v in values}) == 1:
        order = sorted(range(count), key=values.__getitem__)
    else:
        order = sorted(range(count), key=lambda i: Fraction(values[i]))
    # The runs of equal values, in rank order: all the weights depend on (with the policy).
    runs = []
    start = 0
    while start < count:
        end = start + 1
        while end < count and values[order[end]] == values[order[start]]:
            end += 1
        runs.append(end - start)
        start = end
    by_position = _weights_by_position(policy, count, trim_min, tuple(runs))
    weights: list[Fraction] = [by_position[0]] * count if count else []
    for position, index in enumerate(order):
        weights[index] = by_position[position]
    return tuple(weights)


@lru_cache(maxsize=1024)
def _weights_by_position(policy: str, count: int, trim_min: int, runs: tuple[int, ...]) -> tuple[Fraction, ...]:
    """Return the weight of each rank (lowest value first), equal values sharing theirs."""
    if policy == "median":
        middle = count // 2
        by_rank = [Fraction(0)] * count
        if count % 2:
            by_rank[middle] = Fraction(1)
        else:
            by_rank[middle - 1] = by_rank[middle] = Fraction(1, 2)
    elif policy == "trimmed_mean" and count >= max(trim_min, 3):
        by_rank = [Fraction(0)] + [Fraction(1, count - 2)] * (count - 2) + [Fraction(0)]
    else:
        by_rank = [Fraction(1, count)] * count
    weights = []
    start = 0
    for run in runs:
        weights.extend([sum(by_rank[start:start + run], Fraction(0)) / run] * run)
        start += run
    return tuple(weights)


def policy_method(policy: str, judges: int, trim_min: int) -> str:
    """Return how a value was reached: the policy, or ``mean`` when too few judges to trim."""
    if policy == "trimmed_mean" and judges < max(trim_min, 3):
        return "mean"
    return policy


def nearer_mark(first: Decimal, second: Decimal, third: Decimal) -> Decimal:
    """Return whichever of ``first`` and ``second`` is nearer to ``third``; the higher when equally near."""
    gap_first, gap_second = abs(third - first), abs(third - second)
    if gap_first == gap_second:
        return max(first, second)
    return first if gap_first < gap_second else second


def aggregate_marks(marks: Marks, rules: GradingRules) -> Scores:
    """Return every contestant's question scores from the judges' ``marks`` under ``rules``.

    Raise :class:`~examgen.errors.GradingError` listing every mark that cannot be placed.
    """
    questions = {q.label: q for q in marks.questions}
    contestants = {c.id: c for c in marks.contestants}
    problems = _check_structure(marks)
    judge_order = {judge: index for index, judge in enumerate(marks.judges)}
    absent = set(marks.absent)

    grouped: dict[tuple[str, str], list[Mark]] = defaultdict(list)
    points = {label: q.points for label, q in questions.items()}

    def order(m: Mark) -> tuple[int, int, str]:
        return (_KIND_ORDER[m.kind], judge_order.get(m.judge, len(judge_order)), m.judge)

    # Marks come sheet by sheet: when the whole stream is already in (kind, judge) order,
    # every answer's marks are too and need no sorting. Checked where kind or judge changes.
    in_order, last_kind, last_judge, last_order = True, None, None, None
    for mark in marks.marks:
        contestant_id, label, value = mark.contestant_id, mark.question_label, mark.value
        maximum = points.get(label)
        if (
            mark.kind == "regular" and maximum is not None and contestant_id in contestants
            and contestant_id not in absent and _ZERO <= value <= maximum
        ):
            # The common case, as _check_mark and the 缺考 test below would pass it.
            if mark.kind is not last_kind or mark.judge is not last_judge:
                last_kind, last_judge = mark.kind, mark.judge
                mark_order = order(mark)
                if last_order is not None and mark_order < last_order:
                    in_order = False
                last_order = mark_order
            grouped[(contestant_id, label)].append(mark)
            continue
        in_order = False
        problem = _check_mark(mark, questions, contestants, rules)
        if problem is None and mark.contestant_id in absent:
            problem = Problem(
                _where(mark),
                _("mark {mark} for {contestant}, who is “缺考” (absent)").format(
                    mark=format_points(mark.value), contestant=mark.contestant_id),
                _("clear the mark, or remove “缺考” if the contestant sat the paper"),
            )
        if problem:
            problems.append(problem)
            continue
        grouped[(mark.contestant_id, mark.question_label)].append(mark)
    for key in grouped:
        if not in_order:
            grouped[key].sort(key=order)
        problems.extend(_check_answer(grouped[key], rules))
    raise_if(problems, GradingError)

    if rules.policy == "double_marking":
        expected = 2
    else:
        expected = len(marks.judges) or rules.judges
    units = _units(marks.questions, "question" if rules.policy == "double_marking" else rules.aggregate_on)
    # Translated once: thousands of answers may be flagged.
    template = _("{label}: marks {marks} differ by {gap}, more than {limit}")
    limits: dict[str, tuple[Decimal, str]] = {}  # each question's limit and its text, made once
    contestant_scores: list[ContestantScores] = []
    pending: list[PendingAnswer] = []
    missing: list[PendingAnswer] = []
    for contestant in marks.contestants:
        if contestant.id in absent:
            contestant_scores.append(ContestantScores(contestant, tuple(
                AnswerScore(contestant.id, q, (), (), None, "absent", "") for q in marks.questions
            ), absent=True))
            continue
        scored: dict[str, AnswerScore] = {}
        for unit in units:
            given = {q.label: tuple(grouped.get((contestant.id, q.label), ())) for q in unit}
            if rules.policy == "double_marking":
                scored.update(
                    (q.label, _score_answer(contestant, q, given[q.label], rules, expected)) for q in unit
                )
            else:
                scored.update(_score_unit(contestant, unit, given, rules, expected, judge_order, template, limits))
        answers = []
        for question in marks.questions:
            answer = scored[question.label]
            answers.append(answer)
            if answer.status == "missing":
                missing.append(_pending(contestant, answer, "marks"))
            elif answer.status == "third_needed":
                pending.append(_pending(contestant, answer, "third"))
            elif answer.status == "arbitration_needed":
                pending.append(_pending(contestant, answer, "arbitration"))
        contestant_scores.append(ContestantScores(contestant, tuple(answers)))
    return Scores(
        form=marks.form,
        policy=rules.policy,
        precision=rules.precision,
        questions=marks.questions,
        contestants=tuple(contestant_scores),
        pending=tuple(pending),
        missing=tuple(missing),
        judges=marks.judges,
    )


def _units(questions: Sequence[ScoredQuestion], level: str) -> list[list[ScoredQuestion]]:
    """Return the questions grouped by what the policy applies to: all, by section, or each."""
    if level == "total":
        return [list(questions)] if questions else []
    if level == "section":
        sections: dict[int, list[ScoredQuestion]] = {}
        for question in questions:
            sections.setdefault(question.section_number, []).append(question)
        return list(sections.values())
    return [[question] for question in questions]


def _score_unit(
    contestant: Contestant,
    unit: Sequence[ScoredQuestion],
    given: dict[str, tuple[Mark, ...]],
    rules: GradingRules,
    expected: int,
    judge_order: dict[str, int],
    template: str = "",
    limits: dict[str, tuple[Decimal, str]] | None = None,
) -> list[tuple[str, AnswerScore]]:
    """Return the scores of one unit's answers: the judges' weights from their unit totals."""
    regular = {q.label: [m for m in given[q.label] if m.kind == "regular"] for q in unit}
    judge_sets = {frozenset(m.judge for m in regular[q.label]) for q in unit}
    judges = sorted(next(iter(judge_sets)), key=lambda j: (judge_order.get(j, len(judge_order)), j))
    whole = len(judge_sets) == 1 and len(judges) >= expected
    if not whole or len(unit) == 1:
        # Each answer on its own: a one-question unit, or a draft figure for the answers
        # that have their marks while others of the unit wait.
        return [
            (q.label, _score_answer(contestant, q, given[q.label], rules, expected)) for q in unit
        ]
    by_judge = {q.label: {m.judge: m for m in regular[q.label]} for q in unit}
    # Exact arithmetic in integers: every mark over one common denominator (2 for half
    # points), every weight over another; one Fraction per answer, equal to the sum of
    # weight × mark in Fractions.
    ratios = {q.label: [_ratio(by_judge[q.label][j].value) for j in judges] for q in unit}
    denominator = math.lcm(*(d for marks in ratios.values() for _, d in marks))
    scaled = {label: [n * (denominator // d) for n, d in marks] for label, marks in ratios.items()}
    # The judges' totals over the common denominator: integers in the same order as the totals.
    totals = [sum(scaled[q.label][i] for q in unit) for i in range(len(judges))]
    weight_list = judge_weights(totals, rules.policy, rules.trim_min_judges)
    weights = dict(zip(judges, weight_list, strict=True))
    weight_denominator = math.lcm(*(w.denominator for w in weight_list))
    weight_numerators = [w.numerator * (weight_denominator // w.denominator) for w in weight_list]
    method = policy_method(rules.policy, len(judges), rules.trim_min_judges)
    result = []
    for question in unit:
        flags = _disagreement(question, given[question.label], rules, template, limits)
        final = Fraction(
            sum(w * m for w, m in zip(weight_numerators, scaled[question.label], strict=True)),
            weight_denominator * denominator,
        )
        used = tuple(m for m in regular[question.label] if weights[m.judge])
        result.append((question.label, AnswerScore(
            contestant.id, question, given[question.label], used, final, "ok", method, tuple(flags),
        )))
    return result


def _disagreement(
    question: ScoredQuestion, given: Sequence[Mark], rules: GradingRules, template: str = "",
    limits: dict[str, tuple[Decimal, str]] | None = None,
) -> list[Flag]:
    """Return the 分差过大 flag of an answer whose marks are further apart than allowed.

    ``template`` is the flag's message already translated (once for all answers);
    ``limits`` keeps each question's limit and its text, by label, for the next answers.
    """
    label = question.shown_label  # as the paper names it (第3题)
    judged = [m for m in given if m.kind in ("regular", "third")]
    if len(judged) < 2:
        return []
    known = limits.get(question.label) if limits is not None else None
    if known is None:
        known = (
            _limit(rules.disagreement_threshold, question.points),
            _threshold_text(rules.disagreement_threshold, question.points),
        )
        if limits is not None:
            limits[question.label] = known
    limit, limit_text = known
    values = [m.value for m in judged]
    gap = max(values) - min(values)
    if gap > limit:
        return [
            Flag(
                "disagreement",
                (template or _("{label}: marks {marks} differ by {gap}, more than {limit}")).format(
                    label=label, marks=_values_text(tuple(values)), gap=_points_text(gap), limit=limit_text),
                label,
            )
        ]
    return []


def _where(mark: Mark) -> str:
    return mark.where or f"{mark.contestant_id} {mark.question_label} ({mark.judge})"


def _check_structure(marks: Marks) -> list[Problem]:
    problems = []
    labels = Counter(q.label for q in marks.questions)
    twice = sorted(label for label, count in labels.items() if count > 1)
    if twice:
        problems.append(
            Problem(_("form {form}").format(form=marks.form),
                    _("question labels listed twice: {labels}").format(labels=listing(twice)))
        )
    ids = Counter(c.id for c in marks.contestants)
    twice = sorted(i for i, count in ids.items() if count > 1)
    if twice:
        problems.append(
            Problem(_("form {form}").format(form=marks.form),
                    _("contestants listed twice: {ids}").format(ids=listing(twice)))
        )
    return problems


def _check_mark(
    mark: Mark,
    questions: dict[str, ScoredQuestion],
    contestants: dict[str, Contestant],
    rules: GradingRules,
) -> Problem | None:
    question = questions.get(mark.question_label)
    if (
        mark.kind == "regular" and question is not None and mark.contestant_id in contestants
        and _ZERO <= mark.value <= question.points
    ):
        return None  # the common case, in one test; the messages below name what is wrong
    where = _where(mark)
    if mark.contestant_id not in contestants:
        return Problem(
            where, _("mark for unknown contestant {id}").format(id=repr(mark.contestant_id)), _("check the roster")
        )
    question = questions.get(mark.question_label)
    if question is None:
        return Problem(
            where, _("mark for unknown question {label}").format(label=repr(mark.question_label)),
            _("check the manifest")
        )
    if mark.kind not in MARK_KINDS:
        return Problem(
            where, _("unknown kind of mark {kind}").format(kind=repr(mark.kind)),
            _("use one of {kinds}").format(kinds=listing(MARK_KINDS, code=True))
        )
    if mark.kind != "regular" and rules.policy != "double_marking":
        return Problem(
            where,
            _("`{kind}` mark under policy `{policy}`").format(kind=mark.kind, policy=rules.policy),
            _("third marks and arbitration exist only under `double_marking`"),
        )
    if not Decimal(0) <= mark.value <= question.points:
        return Problem(
            where,
            _("mark {mark} is outside 0..{maximum}").format(
                mark=format_points(mark.value), maximum=format_points(question.points)),
            _("correct the mark"),
        )
    return None


def _check_answer(given: list[Mark], rules: GradingRules) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], Mark] = {}
    for mark in given:
        key = (mark.kind, mark.judge)
        if key in seen:
            problems.append(
                Problem(
                    _where(mark),
                    _("judge {judge} gave a second `{kind}` mark for {contestant} {label} (first at {first})").format(
                        judge=repr(mark.judge), kind=mark.kind, contestant=mark.contestant_id,
                        label=mark.question_label, first=_where(seen[key])),
                    _("keep one mark per judge"),
                )
            )
        seen[key] = mark
    if rules.policy == "double_marking":
        limits = {"regular": 2, "third": 1, "arbitration": 1}
        for kind, limit in limits.items():
            of_kind = [m for m in given if m.kind == kind]
            if len(of_kind) > limit:
                problems.append(
                    Problem(
                        _where(of_kind[limit]),
                        _("{count} `{kind}` marks for {contestant} {label}; double marking allows {limit}").format(
                            count=len(of_kind), kind=kind, contestant=of_kind[0].contestant_id,
                            label=of_kind[0].question_label, limit=limit),
                        _("remove the extra marks"),
                    )
                )
        regular_judges = {m.judge for m in given if m.kind == "regular"}
        for mark in given:
            if mark.kind == "third" and mark.judge in regular_judges:
                problems.append(
                    Problem(
                        _where(mark),
                        _("judge {judge} gave the third mark for {contestant} {label} after one of the first two").format(
                            judge=repr(mark.judge), contestant=mark.contestant_id, label=mark.question_label),
                        _("a third mark comes from another judge"),
                    )
                )
    return problems


def _pending(contestant: Contestant, answer: AnswerScore, needed: str) -> PendingAnswer:
    reasons = [
        f.message
        for f in answer.flags
        if f.code in ("missing", "third_needed", "arbitration_needed")
    ]
    return PendingAnswer(contestant, answer.question, answer.marks, needed, _("; ").join(reasons))


def _ratio(value: Decimal) -> tuple[int, int]:
    """Return ``value`` as (numerator, denominator), remembered: marks take few values."""
    found = _RATIOS.get(value)
    if found is None:
        if len(_RATIOS) > 10_000:
            _RATIOS.clear()
        found = _RATIOS[value] = value.as_integer_ratio()
    return found


_RATIOS: dict[Decimal, tuple[int, int]] = {}


@lru_cache(maxsize=1024)
def _limit(threshold: Threshold, maximum: Decimal) -> Decimal:
    return threshold.for_max(maximum)


#: format_points, remembered: equal values are written alike (7.5, 8), and marks repeat.
_points_text = lru_cache(maxsize=4096)(format_points)


def _marks_text(marks: Sequence[Mark]) -> str:
    return _values_text(tuple(m.value for m in marks))


@lru_cache(maxsize=4096)
def _values_text(values: tuple[Decimal, ...]) -> str:
    # Remembered: thousands of flagged answers share a few patterns of marks.
    return ", ".join(_points_text(v) for v in values)


@lru_cache(maxsize=1024)
def _threshold_text(threshold: Threshold, maximum: Decimal) -> str:
    points = format_points(threshold.for_max(maximum))
    return (
        points
        if threshold.percent is None
        else _("{points} ({threshold} of {maximum})").format(points=points, threshold=threshold, maximum=format_points(maximum))
    )


def _score_answer(
    contestant: Contestant,
    question: ScoredQuestion,
    given: tuple[Mark, ...],
    rules: GradingRules,
    expected: int,
) -> AnswerScore:
    label = question.label
    flags = _disagreement(question, given, rules)

    def result(
        value: Decimal | Fraction | None, status: str, method: str, used: Sequence[Mark]
    ) -> AnswerScore:
        final = None if value is None else Fraction(value)
        return AnswerScore(
            contestant.id, question, given, tuple(used), final, status, method, tuple(flags)
        )

    if rules.policy == "double_marking":
        return _double_marking(question, given, rules, flags, result)

    regular = [m for m in given if m.kind == "regular"]
    if len(regular) < expected:
        flags.append(
            Flag(
                "missing",
                _("{label}: {count} of {expected} marks ({marks})").format(
                    label=label, count=len(regular), expected=expected, marks=_marks_text(regular))
                if regular else _("{label}: {count} of {expected} marks").format(
                    label=label, count=len(regular), expected=expected),
                label,
            )
        )
        return result(None, "missing", "", ())
    weights = judge_weights([m.value for m in regular], rules.policy, rules.trim_min_judges)
    value = sum((w * Fraction(m.value) for w, m in zip(weights, regular, strict=True)), Fraction(0))
    used = [m for w, m in zip(weights, regular, strict=True) if w]
    return result(value, "ok", policy_method(rules.policy, len(regular), rules.trim_min_judges), used)


def _double_marking(
    question: ScoredQuestion,
    given: tuple[Mark, ...],
    rules: GradingRules,
    flags: list[Flag],
    result: Callable[[Decimal | None, str, str, Sequence[Mark]], AnswerScore],
) -> AnswerScore:
    label = question.label
    regular = [m for m in given if m.kind == "regular"]
    third = next((m for m in given if m.kind == "third"), None)
    arbitration = next((m for m in given if m.kind == "arbitration"), None)
    limit = rules.threshold.for_max(question.points)
    limit_text = _threshold_text(rules.threshold, question.points)

    if len(regular) < 2:
        if arbitration is not None:
            return result(arbitration.value, "ok", "arbitration", [arbitration])
        flags.append(
            Flag(
                "missing",
                _("{label}: {count} of {expected} marks ({marks})").format(
                    label=label, count=len(regular), expected=2, marks=_marks_text(regular))
                if regular else _("{label}: {count} of {expected} marks").format(
                    label=label, count=len(regular), expected=2),
                label,
            )
        )
        return result(None, "missing", "", ())

    first, second = regular
    gap = abs(first.value - second.value)
    if gap <= limit:
        if third is not None:
            flags.append(
                Flag(
                    "third_ignored",
                    _("{label}: third mark {third} ignored: marks {marks} agree (gap {gap} <= {limit})").format(
                        label=label, third=format_points(third.value), marks=_marks_text(regular),
                        gap=format_points(gap), limit=limit_text),
                    label,
                )
            )
        if arbitration is not None:
            flags.append(_unrequested(label, arbitration))
            return result(arbitration.value, "ok", "arbitration", [arbitration])
        return result(mean([first.value, second.value]), "ok", "agreed", regular)

    if arbitration is not None:
        if third is not None and _third_resolves(first, second, third, limit):
            flags.append(_unrequested(label, arbitration))
        return result(arbitration.value, "ok", "arbitration", [arbitration])
    if third is None:
        flags.append(
            Flag(
                "third_needed",
                _("{label}: marks {marks} differ by {gap}, more than {limit}: a third mark is needed").format(
                    label=label, marks=_marks_text(regular), gap=format_points(gap), limit=limit_text),
                label,
            )
        )
        return result(None, "third_needed", "", ())

    nearer = _nearer(first, second, third)
    third_gap = abs(third.value - nearer.value)
    if third_gap <= limit:
        return result(mean([nearer.value, third.value]), "ok", "third", [nearer, third])
    flags.append(
        Flag(
            "arbitration_needed",
            _("{label}: third mark {third} and nearer mark {nearer} differ by {gap}, more than {limit}: "
              "arbitration is needed").format(
                label=label, third=format_points(third.value), nearer=format_points(nearer.value),
                gap=format_points(third_gap), limit=limit_text),
            label,
        )
    )
    return result(None, "arbitration_needed", "", ())


def _nearer(first: Mark, second: Mark, third: Mark) -> Mark:
    nearer_value = nearer_mark(first.value, second.value, third.value)
    return first if first.value == nearer_value else second


def _third_resolves(first: Mark, second: Mark, third: Mark, limit: Decimal) -> bool:
    return abs(third.value - _nearer(first, second, third).value) <= limit


def _unrequested(label: str, arbitration: Mark) -> Flag:
    return Flag(
        "arbitration_unrequested",
        _("{label}: arbitration mark {mark} used although the marks agreed").format(
            label=label, mark=format_points(arbitration.value)),
        label,
    )
