"""Analyse graded results (pure): distribution, item analysis, judge consistency.

:func:`analyse_results` takes the :class:`~examgen.models.Results` of one paper (with its
per-answer :class:`~examgen.models.Scores`, which keep every judge's mark) and returns an
:class:`~examgen.analysis.model.Analysis`. Only contestants whose every answer has a final
score take part in the statistics; the others are counted and named in the report.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from examgen.analysis.measures import (
    alpha_if_deleted,
    cronbach_alpha,
    discrimination,
    extreme_groups,
    icc,
    icc_reading,
    mean,
    median,
    pearson,
    quartiles,
    sd,
)
from examgen.analysis.model import (
    EASY_P,
    HARD_P,
    ITEM_FLAGS,
    WEAK_D,
    Analysis,
    Band,
    IccRow,
    ItemStats,
    JudgeStats,
    OptionTable,
    Reliability,
    Summary,
    UnitSummary,
)
from examgen.analysis.options import Choices, option_tables
from examgen.models import ContestantScores, Results, ScoredQuestion

#: Default pass mark: 60 % of the maximum (及格线).
DEFAULT_PASS_SHARE = Decimal("0.6")
#: 分数段 as shares of the maximum, best first.
BAND_BOUNDS = (0.9, 0.8, 0.7, 0.6)
TOTAL_LABEL = "总分"
NO_UNIT = "（未填单位）"
#: A judge is named in the attention list at this mean deviation (points) and this multiple
#: of the judges' average absolute deviation, or with this share of marks flagged for 分差.
SEVERITY_NOTE_POINTS = 0.5
SEVERITY_NOTE_RATIO = 1.25
FLAGGED_NOTE_SHARE = 0.1


def analyse_results(
    results: Results,
    *,
    title: str = "",
    paper_id: str = "",
    pass_mark: Decimal | None = None,
    choices: Choices | None = None,
    keys: Mapping[str, str] | None = None,
    options: Mapping[str, Sequence[str]] | None = None,
) -> Analysis:
    """Return the analysis of the graded ``results`` of one paper.

    ``pass_mark`` is in points of the total (default 60 % of the maximum); sections use
    the same share of their maximum. ``choices`` and ``keys`` (question label -> key
    letters) give the option tables of choice questions; ``options`` (label -> option
    letters on the paper) lists options nobody chose too.
    """
    scores = results.scores
    if scores is None:
        raise ValueError("analyse_results needs the results of one paper (with per-answer scores)")
    maximum = float(results.maximum)
    pass_points = float(pass_mark) if pass_mark is not None else float(results.maximum * DEFAULT_PASS_SHARE)
    pass_share = pass_points / maximum if maximum else 0.0
    totals_by_id = {row.contestant.id: float(row.total) for row in results.rows if not row.excluded}
    complete = [c for c in scores.contestants if c.complete and c.contestant.id in totals_by_id]
    totals = [totals_by_id[c.contestant.id] for c in complete]

    total = summarise(TOTAL_LABEL, totals, maximum, pass_points)
    sections = _section_summaries(complete, pass_share)
    units = _unit_summaries(complete, totals)
    items, reliability = _items(complete, totals, scores.contestants, scores.policy, scores.form.split("/"))
    cube = _mark_cube(scores.contestants, scores.judges)
    if len(reliability) > 1:
        # Forms share labels (一.1 on A and on B): name the form in the judge and ICC tables.
        form_of = {item.id: item.form for item in items}
        cube = replace(cube, labels=tuple(
            f"{form_of.get(qid, '?')}卷{label}" for qid, label in zip(cube.question_ids, cube.labels, strict=True)
        ))
    judges, judge_questions = _judges(cube)
    iccs = _iccs(cube)
    tables: tuple[OptionTable, ...] = ()
    if choices and keys:
        totals_of = {c.contestant.id: t for c, t in zip(complete, totals, strict=True)}
        tables = option_tables(choices, keys, totals_of, options=options)
        suspicious = {t.label for t in tables if t.suspicious}
        items = tuple(
            ItemStats(**{**i.__dict__, "flags": (*i.flags, "miskey")}) if i.label in suspicious else i
            for i in items
        )
    return Analysis(
        title=title or results.title,
        paper_id=paper_id,
        policy=scores.policy,
        contestants=len(scores.contestants),
        analysed=len(complete),
        total=total,
        sections=sections,
        units=units,
        items=items,
        reliability=reliability,
        options=tables,
        judges=judges,
        judge_questions=judge_questions,
        iccs=iccs,
        attention=_attention(items, judges, iccs, tables),
    )


def summarise(name: str, values: Sequence[float], maximum: float, pass_mark: float) -> Summary:
    """Return the distribution of ``values`` out of ``maximum``, with its pass rate and 分数段."""
    q1, q3 = quartiles(values)
    return Summary(
        name=name,
        maximum=maximum,
        count=len(values),
        mean=mean(values),
        sd=sd(values),
        median=median(values),
        highest=max(values) if values else math.nan,
        lowest=min(values) if values else math.nan,
        q1=q1,
        q3=q3,
        pass_mark=pass_mark,
        passed=sum(1 for v in values if v >= pass_mark - 1e-9),
        bands=score_bands(values, maximum),
        values=tuple(values),
    )


def score_bands(values: Sequence[float], maximum: float) -> tuple[Band, ...]:
    """Return the 分数段 of ``values``: 90 % of the maximum and above, 80–90 %, …, below 60 %.

    Out of 100 the labels are in points (90分以上, 80–89分, …, 60分以下); otherwise in
    shares of the maximum.
    """
    bounds = [1.0, *BAND_BOUNDS, 0.0]
    hundred = abs(maximum - 100) < 1e-9
    bands = []
    for high, low in zip(bounds, bounds[1:], strict=False):
        if hundred:
            label = (
                f"{round(low * 100)}分以上" if high == 1.0
                else f"{round(high * 100)}分以下" if low == 0.0
                else f"{round(low * 100)}–{round(high * 100) - 1}分"
            )
        else:
            label = (
                f"{round(low * 100)}%以上" if high == 1.0
                else f"{round(high * 100)}%以下" if low == 0.0
                else f"{round(low * 100)}%–{round(high * 100)}%"
            )
        count = sum(
            1 for v in values
            if (v >= low * maximum - 1e-9 or low == 0.0) and (high == 1.0 or v < high * maximum - 1e-9)
        )
        bands.append(Band(label=label, low=low, high=high, count=count))
    return tuple(bands)


def _section_summaries(complete: Sequence[ContestantScores], pass_share: float) -> tuple[Summary, ...]:
    if not complete:
        return ()
    by_section: dict[int, list[float]] = defaultdict(list)
    names: dict[int, str] = {}
    maxima: dict[int, float] = {}
    for contestant in complete:
        sums: dict[int, float] = defaultdict(float)
        points: dict[int, float] = defaultdict(float)
        for answer in contestant.answers:
            q = answer.question
            sums[q.section_number] += float(answer.final)  # type: ignore[arg-type]
            points[q.section_number] += float(q.points)
            names.setdefault(q.section_number, q.section_name)
        for number, value in sums.items():
            by_section[number].append(value)
            maxima.setdefault(number, points[number])
    return tuple(
        summarise(names[n], by_section[n], maxima[n], maxima[n] * pass_share) for n in sorted(by_section)
    )


def _unit_summaries(complete: Sequence[ContestantScores], totals: Sequence[float]) -> tuple[UnitSummary, ...]:
    by_unit: dict[str, list[float]] = defaultdict(list)
    for contestant, total in zip(complete, totals, strict=True):
        by_unit[contestant.contestant.unit.strip() or NO_UNIT].append(total)
    units = [UnitSummary(unit, len(v), mean(v), max(v)) for unit, v in by_unit.items()]
    return tuple(sorted(units, key=lambda u: (-u.mean, u.unit)))


def _items(
    complete: Sequence[ContestantScores],
    totals: Sequence[float],
    everyone: Sequence[ContestantScores],
    policy: str,
    form_letters: Sequence[str],
) -> tuple[tuple[ItemStats, ...], tuple[Reliability, ...]]:
    """Return item statistics (one per question id, paper order) and α per form.

    A form is known by the questions its contestants answered; forms appear in the
    order of their first contestant, which is the order of ``form_letters``.
    """
    questions: dict[str, tuple[ScoredQuestion, str]] = {}
    values: dict[str, list[float]] = defaultdict(list)
    item_totals: dict[str, list[float]] = defaultdict(list)
    forms: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, (contestant, total) in enumerate(zip(complete, totals, strict=True)):
        ids = tuple(a.question.id for a in contestant.answers)
        forms[ids].append(index)
        for answer in contestant.answers:
            questions.setdefault(answer.question.id, (answer.question, ""))
            values[answer.question.id].append(float(answer.final))  # type: ignore[arg-type]
            item_totals[answer.question.id].append(total)

    # α and α-if-deleted per form: the contestants who answered the same questions.
    deleted: dict[str, float] = {}
    reliability = []
    groups = list(forms.items())
    for number, (ids, members) in enumerate(groups, start=1):
        table = [
            [float(complete[m].answers[position].final) for m in members]  # type: ignore[arg-type]
            for position in range(len(ids))
        ]
        form_name = form_letters[number - 1] if len(groups) == len(form_letters) else str(number)
        reliability.append(Reliability(form_name, len(members), len(ids), cronbach_alpha(table)))
        for qid, value in zip(ids, alpha_if_deleted(table), strict=True):
            deleted.setdefault(qid, value)
            questions[qid] = (questions[qid][0], form_name)

    rates = _double_marking_rates(everyone) if policy == "double_marking" else {}
    items = []
    for qid, (question, form_name) in questions.items():
        scores = values[qid]
        points = float(question.points)
        item_rates = [v / points for v in scores] if points else [0.0] * len(scores)
        item_mean = mean(scores)
        p = item_mean / points if points else math.nan
        upper, lower = extreme_groups(item_totals[qid])
        d = discrimination(item_rates, item_totals[qid])
        rest = [t - v for t, v in zip(item_totals[qid], scores, strict=True)]
        flags = []
        if p > EASY_P:
            flags.append("too_easy")
        if p < HARD_P:
            flags.append("too_hard")
        if d < 0:
            flags.append("negative")
        elif d < WEAK_D:
            flags.append("weak")
        third, arbitration = rates.get(qid, (None, None))
        items.append(ItemStats(
            label=question.shown_label, id=qid, form=form_name, section_name=question.section_name,
            section_type=question.section_type, points=points, count=len(scores), mean=item_mean,
            sd=sd(scores), p=p, d=d,
            upper_rate=mean([item_rates[i] for i in upper]) if scores else math.nan,
            lower_rate=mean([item_rates[i] for i in lower]) if scores else math.nan,
            item_total_r=pearson(scores, rest), alpha_if_deleted=deleted.get(qid, math.nan),
            flags=tuple(flags), third_rate=third, arbitration_rate=arbitration,
        ))
    return tuple(items), tuple(reliability)


def _double_marking_rates(everyone: Sequence[ContestantScores]) -> dict[str, tuple[float, float]]:
    """Return question id -> (share needing 三评, share needing 仲裁) over every answer given."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for contestant in everyone:
        for answer in contestant.answers:
            kinds = {m.kind for m in answer.marks}
            record = counts[answer.question.id]
            record[0] += 1
            if "third" in kinds or answer.status in ("third_needed", "arbitration_needed") or "arbitration" in kinds:
                record[1] += 1
            if "arbitration" in kinds or answer.status == "arbitration_needed":
                record[2] += 1
    return {qid: (third / n, arb / n) for qid, (n, third, arb) in counts.items() if n}


@dataclass(frozen=True)
class _MarkCube:
    """Every regular mark as one array: contestants × questions (by id) × judges, NaN where none.

    One array serves the judge statistics and the ICCs, so that 2,000 contestants × 5
    judges × 12 questions take a fraction of a second.
    """

    marks: np.ndarray
    #: Whether the answer carries a 分差 (disagreement) flag: contestants × questions.
    disagreement: np.ndarray
    question_ids: tuple[str, ...]
    labels: tuple[str, ...]
    judges: tuple[str, ...]


def _mark_cube(everyone: Sequence[ContestantScores], judges: Sequence[str]) -> _MarkCube:
    ids: dict[str, int] = {}
    labels: list[str] = []
    names = {j: i for i, j in enumerate(judges)}
    # Flat indices into the cube and the values, in four plain lists (no per-mark tuples).
    places: list[int] = []
    values: list[float] = []
    flagged: list[int] = []
    as_float: dict[Decimal, float] = {}  # marks repeat (0, 0.5, … 10): convert each once
    marks_seen = [(c, answer) for c, contestant in enumerate(everyone) for answer in contestant.answers]
    for _, answer in marks_seen:
        if ids.setdefault(answer.question.id, len(ids)) == len(labels):
            labels.append(answer.question.shown_label)
        for mark in answer.marks:
            names.setdefault(mark.judge, len(names))
    q_count, j_count = len(ids), len(names)
    for c, answer in marks_seen:
        base = (c * q_count + ids[answer.question.id]) * j_count
        for mark in answer.marks:
            if mark.kind == "regular":
                value = as_float.get(mark.value)
                if value is None:
                    value = as_float[mark.value] = float(mark.value)
                places.append(base + names[mark.judge])
                values.append(value)
        if answer.flags and any(f.code == "disagreement" for f in answer.flags):
            flagged.append(base // j_count)
    cube = np.full(len(everyone) * q_count * j_count, np.nan)
    cube[np.asarray(places, dtype=np.int64)] = values
    disagreement = np.zeros(len(everyone) * q_count, dtype=bool)
    disagreement[np.asarray(flagged, dtype=np.int64)] = True
    cube = cube.reshape(len(everyone), q_count, j_count)
    disagreement = disagreement.reshape(len(everyone), q_count)
    return _MarkCube(cube, disagreement, tuple(ids), tuple(labels), tuple(names))


def _judges(cube: _MarkCube) -> tuple[tuple[JudgeStats, ...], tuple[str, ...]]:
    """Return each judge's severity, correlation with the others and share of 分差 flags."""
    marks = cube.marks
    present = ~np.isnan(marks)
    count = present.sum(axis=2, keepdims=True)
    total = np.nansum(marks, axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = np.where(present & (count >= 2), (total - np.nan_to_num(marks)) / (count - 1), np.nan)
    deviation = marks - others  # NaN where the judge did not mark or nobody else did
    compared = ~np.isnan(deviation)
    result = []
    for j, judge in enumerate(cube.judges):
        marked = int(present[:, :, j].sum())
        if not marked:
            continue
        values = deviation[:, :, j][compared[:, :, j]]
        people = compared[:, :, j].any(axis=1)
        own = np.where(compared[:, :, j], marks[:, :, j], 0).sum(axis=1)[people]
        rest = np.where(compared[:, :, j], others[:, :, j], 0).sum(axis=1)[people]
        by_question = tuple(
            float(deviation[compared[:, q, j], q, j].mean()) if compared[:, q, j].any() else math.nan
            for q in range(len(cube.question_ids))
        )
        result.append(JudgeStats(
            judge=judge,
            answers=marked,
            severity=float(values.mean()) if values.size else math.nan,
            severity_sd=float(values.std(ddof=1)) if values.size > 1 else math.nan,
            correlation=pearson(own.tolist(), rest.tolist()),
            flagged_share=float((present[:, :, j] & cube.disagreement).sum()) / marked,
            by_question=by_question,
        ))
    return tuple(result), cube.labels


def _iccs(cube: _MarkCube) -> tuple[IccRow, ...]:
    """Return ICCs per question (by id, paper order) and of the judges' totals.

    A question's table holds the contestants marked by the judges who marked it most
    often (the same set for every row, as the two-way model needs). A judge's total
    counts only when that judge marked every answer of the contestant.
    """
    present = ~np.isnan(cube.marks)
    rows = [
        _icc_row(label, cube.marks[:, q, :], present[:, q, :])
        for q, label in enumerate(cube.labels)
    ]
    answered = present.any(axis=2)
    complete = (present | ~answered[:, :, None]).all(axis=1) & answered.any(axis=1)[:, None]
    totals = np.where(complete, np.nansum(cube.marks, axis=1), np.nan)
    rows.append(_icc_row(TOTAL_LABEL, totals, complete))
    return tuple(rows)


def _icc_row(label: str, ratings: np.ndarray, present: np.ndarray) -> IccRow:
    """Return the ICC row of a contestants × judges table over its most common set of judges."""
    patterns = Counter(tuple(row) for row in present.tolist() if sum(row) >= 2)
    if not patterns:
        return IccRow(label, None, icc_reading(math.nan))
    common = max(patterns.items(), key=lambda item: (item[1], sum(item[0])))[0]
    mask = np.array(common)
    chosen = (present == mask).all(axis=1)
    table = ratings[chosen][:, mask]
    if table.shape[0] < 2:
        return IccRow(label, None, icc_reading(math.nan))
    result = icc(table.tolist())
    return IccRow(label, result, icc_reading(result.icc2_1))


def _attention(items, judges, iccs, options) -> tuple[str, ...]:
    """Return plain-language lines naming the questions and judges that need a look.

    A judge is named when the mean deviation is at least 0.5 points and at least 1.25 times
    the judges' average absolute deviation (so that one biased judge stands out among
    fair ones), or when 10 % or more of the judge's marks are flagged for 分差.
    """
    lines = []
    for item in items:
        if item.flags:
            names = "、".join(ITEM_FLAGS[f].split("（")[0] for f in item.flags)
            lines.append(
                f"{item.label}（{item.id}）：{names}，得分率 {item.p:.2f}，区分度 {_show(item.d)}。"
            )
    for table in options:
        if table.suspicious:
            lines.append(
                f"{table.label}：高分组选 {'、'.join(table.suspicious)} 的比例高于正确答案 {table.key}，请核对答案。"
            )
    if judges:
        reference = mean([abs(j.severity) for j in judges if not math.isnan(j.severity)])
        for judge in judges:
            if math.isnan(judge.severity):
                continue
            size = abs(judge.severity)
            if size >= SEVERITY_NOTE_POINTS and size >= SEVERITY_NOTE_RATIO * reference:
                side = "偏宽" if judge.severity > 0 else "偏严"
                lines.append(
                    f"评委 {judge.judge}：{side}，平均比其他评委{'高' if judge.severity > 0 else '低'} "
                    f"{abs(judge.severity):.2f} 分。"
                )
            if judge.flagged_share >= FLAGGED_NOTE_SHARE:
                lines.append(f"评委 {judge.judge}：{judge.flagged_share:.0%} 的评分被标记为分差过大。")
    for row in iccs:
        if row.icc is not None and row.reading == "差":
            where = "总分" if row.label == TOTAL_LABEL else row.label
            lines.append(f"{where}：评委一致性差（ICC(2,1) = {row.icc.icc2_1:.2f}），建议复核评分标准。")
    return tuple(lines)


def _show(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}"
