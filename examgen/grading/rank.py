"""Rank contestants, give awards, rank units, and combine weighted rounds (pure).

Ranking
    A contestant's total is the exact sum of their section scores (fractions), rounded
    once, half up, to the rules' precision: the published total. Each section score is
    published the same way. Ranks, ties, tie-breakers and award boundaries compare the
    published figures, so anyone can check them from the 成绩公示 (a published total may
    differ by one last digit from the sum of the published sections; it is the exact
    total rounded). Contestants are ordered by total, then by
    each tie-breaker (a section by type, numeral, name or number; for a combined
    ranking a round by name), higher first. Contestants still equal share a rank and
    the next rank skips (1, 2, 2, 4); rows of equal rank are listed by contestant id.
    Contestants with missing or pending marks are flagged ``incomplete``; under
    ``missing: exclude`` they get no rank and no award and are listed last, by id;
    under ``missing: zero`` their missing answers count 0. 缺考 contestants are listed
    after them, by id, flagged ``absent_exam``, never ranked and never in award quotas.

Awards
    Shares are per award and boundaries cumulative: with N ranked contestants and
    awards of shares s1, s2, s3, the boundary of award k is round(N × (s1 + … + sk))
    with the rules' rounding (half_up, floor or ceil), and the contestants in
    positions up to the first boundary get award 1, the next ones up to the second
    boundary award 2, and so on. When a boundary falls inside a group of tied
    contestants, the whole group gets the better award (``award_ties: better``,
    the boundary moves down) or the worse one (``worse``, the boundary moves up);
    they are flagged ``award_tie``.

Teams
    Units (单位) are scored by the sum or mean of their best ``best_k`` ranked members'
    totals (every member when ``best_k`` is 0). A unit with fewer ranked members than
    ``best_k`` is scored with the members it has and flagged ``short_team``, or left
    unranked (``short_units: exclude``). Contestants without a unit, or excluded from
    the ranking, do not count. Equal scores share a rank.

Combined rounds
    The combined total is the sum over rounds of weight × round total (with
    ``normalize``, each round total is first scaled to 100), rounded half up to the
    rules' precision, then ranked as above. A contestant absent from a round, or
    excluded from a round's ranking, is ``incomplete`` in the combined ranking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from examgen.errors import GradingError, Problem
from examgen.i18n import _, listing, ngettext
from examgen.models import (
    AwardCount,
    Contestant,
    ContestantResult,
    ContestRound,
    Flag,
    GradingRules,
    Part,
    Results,
    Scores,
    TeamResult,
    chinese_numeral,
    format_points,
)
from examgen.numbers import publish, round_half_up
from examgen.paper.rules import describe_parts, match_parts

_ROUNDINGS = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


@dataclass(frozen=True)
class _Entry:
    """A contestant before ranking: total, part scores, flags, whether excluded."""

    contestant: Contestant
    total: Decimal
    part_scores: tuple[Decimal | None, ...]
    flags: tuple[Flag, ...]
    excluded: bool
    absent: bool = False


def section_parts(scores: Scores) -> tuple[Part, ...]:
    """Return the sections of the scored questions as result parts, in paper order."""
    parts: dict[int, Part] = {}
    for question in scores.questions:
        part = parts.get(question.section_number)
        if part is None:
            parts[question.section_number] = Part(
                number=question.section_number,
                key=chinese_numeral(question.section_number),
                name=question.section_name,
                type=question.section_type,
                maximum=question.points,
            )
        else:
            parts[question.section_number] = Part(
                part.number, part.key, part.name, part.type, part.maximum + question.points
            )
    return tuple(parts[number] for number in sorted(parts))


def rank_contestants(scores: Scores, rules: GradingRules) -> Results:
    """Return the ranking of one form: totals, section scores, ranks, awards and flags.

    Raise :class:`~examgen.errors.GradingError` when a tie-breaker names no section.
    """
    parts = section_parts(scores)
    index = {part.number: i for i, part in enumerate(parts)}
    entries = []
    for contestant_scores in scores.contestants:
        if contestant_scores.absent:
            entries.append(_Entry(
                contestant_scores.contestant, Decimal(0), tuple(None for _ in parts),
                (Flag("absent_exam", _("“缺考”: not ranked, not counted in award quotas")),),
                excluded=True, absent=True,
            ))
            continue
        exact = [Fraction(0)] * len(parts)
        flags: list[Flag] = []
        for answer in contestant_scores.answers:
            flags.extend(answer.flags)
        for number, value in contestant_scores.section_scores().items():
            exact[index[number]] += value
        sums = [publish(value, rules.precision) for value in exact]
        complete = contestant_scores.complete
        if not complete:
            open_labels = [a.question.label for a in contestant_scores.answers if a.final is None]
            flags.append(
                Flag(
                    "incomplete",
                    (
                        _("no final score for {labels}; excluded from ranking and awards")
                        if rules.missing == "exclude"
                        else _("no final score for {labels}; counted as 0")
                    ).format(labels=listing(open_labels)),
                )
            )
        entries.append(
            _Entry(
                contestant_scores.contestant,
                publish(sum(exact, Fraction(0)), rules.precision),
                tuple(sums),
                tuple(flags),
                excluded=not complete and rules.missing == "exclude",
            )
        )
    maximum = sum((q.points for q in scores.questions), Decimal(0))
    return _rank(entries, parts, rules, title=scores.form, maximum=maximum, scores=scores)


def combine_rounds(
    rounds: Sequence[tuple[ContestRound, Results]],
    rules: GradingRules,
    *,
    title: str = "",
    normalize: bool = False,
) -> Results:
    """Return the combined ranking of weighted rounds (理论 30% + 实操 70%).

    Each round's total counts weight × total (scaled to 100 first with ``normalize``);
    the sum is rounded half up to ``rules.precision`` and ranked under ``rules``.
    """
    hundred = Decimal(100)
    parts = tuple(
        Part(
            number=i,
            key=contest_round.name,
            name=contest_round.name,
            type="",
            maximum=hundred if normalize else results.maximum,
            weight=contest_round.weight,
        )
        for i, (contest_round, results) in enumerate(rounds, start=1)
    )
    by_round = [{row.contestant.id: row for row in results.rows} for _, results in rounds]
    contestants: dict[str, Contestant] = {}
    for _round, results in rounds:
        for row in results.rows:
            contestants.setdefault(row.contestant.id, row.contestant)

    entries = []
    for contestant_id in sorted(contestants):
        part_scores: list[Decimal | None] = []
        flags: list[Flag] = []
        total = Fraction(0)
        complete = True
        absent_from = [
            contest_round.name
            for (contest_round, _), rows in zip(rounds, by_round, strict=True)
            if contestant_id in rows and rows[contestant_id].absent
        ]
        if absent_from:
            entries.append(_Entry(
                contestants[contestant_id], Decimal(0), tuple(None for _ in rounds),
                (Flag("absent_exam", _("“缺考” in round {rounds}: not ranked").format(rounds="、".join(absent_from))),),
                excluded=True, absent=True,
            ))
            continue
        for (contest_round, results), rows in zip(rounds, by_round, strict=True):
            row = rows.get(contestant_id)
            if row is None:
                part_scores.append(None)
                flags.append(Flag("absent", _("not in round {round}").format(round=contest_round.name)))
                complete = False
                continue
            part_scores.append(row.total)
            if row.excluded:
                flags.append(Flag("incomplete", _("incomplete in round {round}").format(round=contest_round.name)))
                complete = False
            # The round's published total, scaled and weighted exactly; rounded once below.
            score = Fraction(row.total)
            if normalize and results.maximum:
                score = score * 100 / Fraction(results.maximum)
            total += Fraction(contest_round.weight) * score
        if not complete:
            flags.append(
                Flag(
                    "incomplete",
                    _("excluded from the combined ranking")
                    if rules.missing == "exclude"
                    else _("missing rounds counted as 0"),
                )
            )
        entries.append(
            _Entry(
                contestants[contestant_id],
                publish(total, rules.precision),
                tuple(part_scores),
                tuple(flags),
                excluded=not complete and rules.missing == "exclude",
            )
        )
    maximum = sum((p.maximum * (p.weight or 0) for p in parts), Decimal(0))
    return _rank(
        entries,
        parts,
        rules,
        title=title,
        maximum=round_half_up(maximum, rules.precision),
        rounds=tuple(results for _, results in rounds),
    )


def team_standings(results: Results, rules: GradingRules) -> tuple[TeamResult, ...]:
    """Return the units' standings: the sum or mean of their best members' totals, ranked."""
    team_rules = rules.teams
    members: dict[str, list[ContestantResult]] = defaultdict(list)
    for row in results.rows:
        unit = row.contestant.unit.strip()
        if unit and not row.excluded:
            members[unit].append(row)
        elif unit:
            members.setdefault(unit, [])
    teams = []
    for unit in sorted(members):
        rows = sorted(members[unit], key=lambda r: (-r.total, r.contestant.id))
        counted = rows[: team_rules.best_k] if team_rules.best_k else rows
        flags: list[Flag] = []
        short = team_rules.best_k > 0 and len(rows) < team_rules.best_k
        if counted:
            totals = [r.total for r in counted]
            score = sum(totals, Decimal(0))
            if team_rules.aggregate == "mean":
                score = publish(Fraction(score) / len(totals), results.precision)
        else:
            score = Decimal(0)
        excluded = not counted or (short and team_rules.short_units == "exclude")
        if short:
            flags.append(
                Flag(
                    "short_team",
                    (ngettext("{count} ranked member, fewer than {best_k}; not ranked",
                              "{count} ranked members, fewer than {best_k}; not ranked", len(rows))
                     if excluded else
                     ngettext("{count} ranked member, fewer than {best_k}; scored with the members it has",
                              "{count} ranked members, fewer than {best_k}; scored with the members it has", len(rows))
                     ).format(count=len(rows), best_k=team_rules.best_k),
                )
            )
        elif not counted:
            flags.append(Flag("short_team", _("no ranked members; not ranked")))
        teams.append(
            (
                unit,
                score,
                tuple(r.contestant.id for r in counted),
                len(rows),
                tuple(flags),
                excluded,
            )
        )

    ranked = sorted((t for t in teams if not t[5]), key=lambda t: (-t[1], t[0]))
    standings: list[TeamResult] = []
    previous: Decimal | None = None
    rank = 0
    for position, (unit, score, counted_ids, count, flags, _counted) in enumerate(ranked, start=1):
        if score != previous:
            rank = position
            previous = score
        standings.append(TeamResult(unit, rank, score, counted_ids, count, flags))
    for unit, score, counted_ids, count, flags, _counted in (t for t in teams if t[5]):
        standings.append(TeamResult(unit, None, score, counted_ids, count, flags))
    return tuple(standings)


def award_boundaries(count: int, shares: Sequence[Decimal], rounding: str) -> tuple[int, ...]:
    """Return the cumulative boundary of each award for ``count`` ranked contestants.

    Award k goes to positions below boundary k and at or above boundary k - 1.
    """
    boundaries = []
    cumulative = Decimal(0)
    for share in shares:
        cumulative += share
        boundary = int((count * cumulative).quantize(Decimal(1), rounding=_ROUNDINGS[rounding]))
        boundaries.append(min(max(boundary, 0), count))
    return tuple(boundaries)


def competition_ranks(keys: Sequence[object]) -> tuple[int, ...]:
    """Return the shared ranks (1, 2, 2, 4) of ``keys`` already sorted best first."""
    ranks = []
    for position, key in enumerate(keys, start=1):
        if position > 1 and key == keys[position - 2]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position)
    return tuple(ranks)


def _tie_break_indices(parts: Sequence[Part], rules: GradingRules) -> list[tuple[int, ...]]:
    problems = []
    indices = []
    for position, ref in enumerate(rules.tie_breakers):
        found = match_parts(ref, parts)
        if not found:
            problems.append(
                Problem(
                    f"grading.tie_breakers[{position}]",
                    _("{ref} names no part of this ranking").format(ref=repr(ref)),
                    _("name one of: {parts}").format(parts=describe_parts(parts)),
                )
            )
        indices.append(found)
    if problems:
        raise GradingError(problems=problems)
    return indices


def _rank(
    entries: Sequence[_Entry],
    parts: tuple[Part, ...],
    rules: GradingRules,
    *,
    title: str,
    maximum: Decimal,
    scores: Scores | None = None,
    rounds: tuple[Results, ...] = (),
) -> Results:
    tie_breakers = _tie_break_indices(parts, rules)

    def tie_values(entry: _Entry) -> tuple[Decimal, ...]:
        return tuple(
            sum((entry.part_scores[i] or Decimal(0) for i in found), Decimal(0))
            for found in tie_breakers
        )

    ranked = sorted(
        (e for e in entries if not e.excluded),
        key=lambda e: ([-e.total, *(-v for v in tie_values(e))], e.contestant.id),
    )
    keys = [(e.total, tie_values(e)) for e in ranked]
    ranks = competition_ranks(keys)

    shares = [award.share for award in rules.awards]
    nominal = award_boundaries(len(ranked), shares, rules.award_rounding)
    boundaries, tie_notes = _resolve_ties(nominal, ranks, rules)
    awards_given = [""] * len(ranked)
    lower = 0
    for award, boundary in zip(rules.awards, boundaries, strict=True):
        for position in range(lower, boundary):
            awards_given[position] = award.name
        lower = max(lower, boundary)

    rows = []
    for position, entry in enumerate(ranked):
        flags = list(entry.flags)
        if position in tie_notes:
            flags.append(tie_notes[position])
        rows.append(
            ContestantResult(
                entry.contestant,
                ranks[position],
                entry.total,
                entry.part_scores,
                tie_values(entry),
                awards_given[position],
                False,
                tuple(flags),
            )
        )
    for entry in sorted((e for e in entries if e.excluded), key=lambda e: (e.absent, e.contestant.id)):
        rows.append(
            ContestantResult(
                entry.contestant,
                None,
                entry.total,
                entry.part_scores,
                tie_values(entry),
                "",
                True,
                entry.flags,
                absent=entry.absent,
            )
        )

    counts = []
    previous_nominal = previous_actual = 0
    for award, nominal_boundary, boundary in zip(rules.awards, nominal, boundaries, strict=True):
        counts.append(
            AwardCount(
                award.name,
                award.share,
                nominal_boundary - previous_nominal,
                boundary - previous_actual,
            )
        )
        previous_nominal, previous_actual = nominal_boundary, boundary
    return Results(
        title=title,
        parts=parts,
        rows=tuple(rows),
        maximum=maximum,
        precision=rules.precision,
        tie_breakers=rules.tie_breakers,
        awards=tuple(counts),
        scores=scores,
        rounds=rounds,
    )


def _resolve_ties(
    nominal: Sequence[int], ranks: Sequence[int], rules: GradingRules
) -> tuple[list[int], dict[int, Flag]]:
    """Return the boundaries moved out of tied groups, and a flag for each contestant moved."""
    count = len(ranks)
    boundaries: list[int] = []
    notes: dict[int, Flag] = {}
    for award_index, boundary in enumerate(nominal):
        moved = boundary
        if 0 < boundary < count and ranks[boundary - 1] == ranks[boundary]:
            start = boundary - 1
            while start > 0 and ranks[start - 1] == ranks[boundary]:
                start -= 1
            end = boundary
            while end < count and ranks[end] == ranks[boundary]:
                end += 1
            moved = end if rules.award_ties == "better" else start
            better = rules.awards[award_index].name
            if rules.award_ties == "better":
                outcome = _("all given “{award}”").format(award=better)
            elif award_index + 1 < len(rules.awards):
                outcome = _("none given “{award}”").format(award=better)
            else:
                outcome = _("none given “{award}”; no award").format(award=better)
            for position in range(start, end):
                notes[position] = Flag(
                    "award_tie",
                    _("{count} contestants tied at rank {rank} across the “{award}” boundary ({boundary} of {total}); "
                      "{outcome} (`award_ties`: {award_ties})").format(
                        count=end - start, rank=ranks[boundary], award=better, boundary=boundary, total=count,
                        outcome=outcome, award_ties=rules.award_ties),
                )
        if boundaries:
            moved = max(moved, boundaries[-1])
        boundaries.append(moved)
    return boundaries, notes


def format_share(share: Decimal) -> str:
    """Return a share as a percentage: ``10%``, ``12.5%``."""
    return f"{format_points(share * 100)}%"
