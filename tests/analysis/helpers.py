"""Graded results built from marks, through grading's own aggregation and ranking."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from examgen.grading.aggregate import aggregate_marks
from examgen.grading.rank import rank_contestants
from examgen.models import Contestant, GradingRules, Mark, Marks, Results, ScoredQuestion


def questions(points: Sequence[int], sections: Sequence[int] | None = None) -> tuple[ScoredQuestion, ...]:
    """Return questions 一.1, 一.2, … worth ``points`` (section numbers from ``sections``)."""
    sections = sections or [1] * len(points)
    names = {1: "简答题", 2: "案例分析题", 3: "实训操作题"}
    numerals = "一二三"
    return tuple(
        ScoredQuestion(
            label=f"{numerals[s - 1]}.{i}", id=f"Q-{i:03d}", points=Decimal(p),
            section_number=s, section_name=names[s], section_type="short_answer",
        )
        for i, (p, s) in enumerate(zip(points, sections, strict=True), start=1)
    )


def graded(
    table: dict[str, dict[str, Sequence[float]]],
    points: Sequence[int],
    *,
    judges: Sequence[str] = ("评委1", "评委2", "评委3"),
    units: dict[str, str] | None = None,
    sections: Sequence[int] | None = None,
    rules: GradingRules | None = None,
) -> Results:
    """Return ranked results of contestant -> label -> one mark per judge."""
    qs = questions(points, sections)
    contestants = tuple(Contestant(c, f"选手{c}", (units or {}).get(c, "")) for c in table)
    marks = tuple(
        Mark(c, label, judge, Decimal(str(value)))
        for c, by_label in table.items()
        for label, values in by_label.items()
        for judge, value in zip(judges, values, strict=True)
    )
    rules = rules or GradingRules(judges=len(judges))
    scores = aggregate_marks(Marks("A", qs, contestants, marks, tuple(judges)), rules)
    return rank_contestants(scores, rules)
