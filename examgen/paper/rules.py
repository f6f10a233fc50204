"""Grading rules of a blueprint: aggregation policy, rounding, ranking, awards, teams.

The blueprint's ``grading:`` mapping, every key optional (an empty mapping gives the
defaults shown)::

    grading:
      policy: mean              # mean | median | trimmed_mean | double_marking (双评)
      aggregate_on: total       # what the policy applies to: total (each judge's total,
                                # as competition rules mean it; default), section (each
                                # judge's section total) or question (each answer);
                                # double_marking is always per question (高考-style)
      judges: 3                 # marks expected per answer = judges (one sheet each);
                                # 2 under double_marking, and only 2 is allowed there
      trim_min_judges: 3        # trimmed_mean: drop one highest and one lowest mark
                                # (去掉一个最高分和一个最低分) when there are at least this
                                # many marks (3 or more); fewer marks: plain mean
      threshold: 20%            # double_marking: two marks agree when at most this far
                                # apart; points (2, 1.5) or a share of the question's
                                # maximum ("20%")
      disagreement_threshold: 20%   # every policy: flag an answer whose marks are further
                                # apart than this (分差过大); points or "N%" as above
      mark_step: 0.5            # marks are multiples of this (score sheets check it)
      precision: 2              # decimals published, 0..4; totals are exact until
                                # published, then rounded once, half up (四舍五入)
      tie_breakers: [practical, 三]   # compared after the total, in order, higher first;
                                # a section by type, numeral (三), name (实训操作题) or
                                # number (3); a type used by several sections sums them
      missing: exclude          # contestants with missing or pending marks: exclude
                                # (listed, flagged, no rank or award) | zero (missing
                                # answers count 0; ranked, flagged) — either way the
                                # results stay a draft (草稿) until every mark is in
      absent: exclude           # 缺考 (typed by a judge or in the roster): listed as 缺考,
                                # not ranked, not counted in award quotas
      awards:                   # shares of the ranked contestants, per award, best
        - {name: 一等奖, share: 10%}   # first; boundaries are cumulative: 一等奖 is the
        - {name: 二等奖, share: 20%}   # top 10%, 二等奖 down to 30%, 三等奖 down to 60%
        - {name: 三等奖, share: 30%}   # (share as "10%" or 0.1; shares sum to <= 100%;
                                # awards: [] gives no awards)
      award_rounding: half_up   # half_up | floor | ceil, applied to each cumulative
                                # boundary (contestants × cumulative share)
      award_ties: better        # contestants tied across a boundary all get the better
                                # award (better) or all the worse one (worse: none after
                                # the last award)
      teams:                    # team standings by unit (单位)
        aggregate: sum          # sum | mean of the best_k members' totals
        best_k: 3               # 0 = every ranked member counts
        short_units: count      # unit with fewer than best_k ranked members: count (with
                                # the members it has, flagged) | exclude (no rank, flagged)

:func:`validate_grading_rules` checks that mapping and returns it normalised with
every default filled (numbers as JSON numbers, thresholds as a number or "N%"); the
manifest stores that. :func:`parse_grading_rules` turns it (or a raw mapping) into a
:class:`~examgen.models.GradingRules`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from examgen.errors import BlueprintError, Problem
from examgen.i18n import _, code_name, colon, listing, parenthesised
from examgen.models import (
    ABSENT_RULES,
    AGGREGATE_ON,
    AWARD_ROUNDINGS,
    AWARD_TIES,
    POLICIES,
    Award,
    ContestInfo,
    GradingRules,
    Part,
    Section,
    TeamRules,
    Threshold,
    chinese_numeral,
    format_points,
)
from examgen.numbers import json_number, to_decimal

#: Keys of ``grading:`` in the order the normalised mapping lists them.
GRADING_KEYS = (
    "policy",
    "aggregate_on",
    "judges",
    "trim_min_judges",
    "threshold",
    "disagreement_threshold",
    "mark_step",
    "precision",
    "tie_breakers",
    "missing",
    "absent",
    "awards",
    "award_rounding",
    "award_ties",
    "teams",
)

#: Keys a contest (contest.yaml) may override for its combined ranking.
OVERRIDE_KEYS = (
    "precision",
    "tie_breakers",
    "missing",
    "awards",
    "award_rounding",
    "award_ties",
    "teams",
)

MISSING_POLICIES = ("exclude", "zero")
TEAM_AGGREGATES = ("sum", "mean")
SHORT_UNITS = ("count", "exclude")
MAX_PRECISION = 4
MAX_JUDGES = 50

_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]\s*$")

#: A problem before it is given a file: (key path, what, hint).
KeyProblem = tuple[str, str, str]


def validate_grading_rules(raw: object, where: str, sections: Sequence[Section] = ()) -> dict:
    """Return the blueprint's ``grading`` mapping checked, normalised and with defaults filled.

    Raise :class:`~examgen.errors.BlueprintError` listing every problem, each named
    ``<where>: grading.<key path>``. With ``sections`` (the blueprint's, in paper
    order), also check that every tie-breaker names one of them.
    """
    values, problems = _check(raw, GRADING_KEYS, "grading", fill_defaults=True)
    if sections and not problems:
        parts = _section_parts(sections)
        for index, ref in enumerate(values["tie_breakers"]):
            if not match_parts(ref, parts):
                problems.append(
                    (
                        f"grading.tie_breakers[{index}]",
                        _("{value!r} names no section of this blueprint").format(value=ref),
                        _("use a section type, numeral, name or number: {sections}").format(sections=describe_parts(parts)),
                    )
                )
    _raise(problems, where)
    return _to_json(values)


def parse_grading_rules(raw: object, where: str = "manifest.json") -> GradingRules:
    """Return the grading rules of a (normalised or raw) ``grading`` mapping.

    Raise :class:`~examgen.errors.BlueprintError` with every problem, as
    :func:`validate_grading_rules` does.
    """
    values, problems = _check(raw, GRADING_KEYS, "grading", fill_defaults=True)
    _raise(problems, where)
    return _to_rules(values, GradingRules())


def check_overrides(raw: object, prefix: str = "") -> tuple[dict, list[KeyProblem]]:
    """Return the ranking keys of a contest (precision, tie_breakers, awards, …) normalised.

    Return the problems instead of raising, as (key path, what, hint), so that the
    contest loader can add the line of each key.
    """
    values, problems = _check(raw, OVERRIDE_KEYS, prefix, fill_defaults=False)
    return (_to_json(values) if not problems else {}), problems


def apply_overrides(base: GradingRules, overrides: Mapping[str, object]) -> GradingRules:
    """Return ``base`` with the keys given in ``overrides`` (as from :func:`check_overrides`)."""
    values, problems = _check(overrides, OVERRIDE_KEYS, "", fill_defaults=False)
    _raise(problems, "overrides")
    return _to_rules(values, base)


def match_parts(ref: str, parts: Sequence[Part]) -> tuple[int, ...]:
    """Return the indices of ``parts`` a tie-breaker names, by key, name, type or number.

    A key (numeral ``三`` or round name), a name or a number names one part; a type
    (``practical``) names every part of that type.
    """
    for attribute in ("key", "name"):
        found = tuple(i for i, p in enumerate(parts) if getattr(p, attribute) == ref)
        if found:
            return found[:1]
    found = tuple(i for i, p in enumerate(parts) if p.type and p.type == ref)
    if found:
        return found
    return tuple(i for i, p in enumerate(parts) if str(p.number) == ref)[:1]


def describe_parts(parts: Sequence[Part]) -> str:
    """Return the parts as a tie-breaker may name them: ``一 简答题 (short_answer), …``."""
    texts = []
    for part in parts:
        text = part.key if part.key == part.name else f"{part.key} {part.name}"
        texts.append(f"{text}{parenthesised(part.type)}" if part.type else text)
    return listing(texts)


# --- checking ------------------------------------------------------------------------------


def _section_parts(sections: Sequence[Section]) -> list[Part]:
    return [
        Part(number=i, key=chinese_numeral(i), name=s.name, type=s.type, maximum=s.total)
        for i, s in enumerate(sections, start=1)
    ]


def _raise(problems: list[KeyProblem], where: str) -> None:
    if problems:
        raise BlueprintError(
            problems=[
                Problem(f"{where}{colon()}{_key(path)}" if where and path else where or _key(path), what, hint)
                for path, what, hint in problems
            ]
        )


def _key(path: str) -> str:
    """Return a key path as a reader sees it: in code marks amid Chinese, as it is in English."""
    return code_name(path) if path else path


def _join(prefix: str, key: str) -> str:
    if not prefix:
        return key
    return f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"


def _check(
    raw: object, allowed: Sequence[str], prefix: str, *, fill_defaults: bool
) -> tuple[dict, list[KeyProblem]]:
    """Return the checked values (Decimals, tuples, dataclasses) and the problems found."""
    problems: list[KeyProblem] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(
            (prefix, _("must be a mapping of grading rules, not {value}").format(value=_show(raw)), _("see docs/grading-rules.md"))
        )
        return {}, problems
    for key in raw:
        if key not in allowed:
            problems.append(
                (
                    _join(prefix, str(key)),
                    _("unknown key {key!r}").format(key=str(key)),
                    _("allowed keys: {keys}").format(keys=listing(allowed, code=True)),
                )
            )
    values: dict = {}

    def add(key: str, value: object) -> None:
        if value is not _INVALID:
            values[key] = value

    def given(key: str) -> bool:
        return key in allowed and key in raw and raw[key] is not None

    path = lambda key: _join(prefix, key)  # noqa: E731 - a short local helper

    if given("policy") or (fill_defaults and "policy" in allowed):
        add("policy", _choice(raw.get("policy"), POLICIES, "mean", path("policy"), problems))
    policy = values.get("policy", "mean")
    double = policy == "double_marking"
    if given("aggregate_on") or (fill_defaults and "aggregate_on" in allowed):
        level = _choice(
            raw.get("aggregate_on"), AGGREGATE_ON, "question" if double else "total",
            path("aggregate_on"), problems,
        )
        if double and level not in (_INVALID, "question"):
            problems.append(
                (
                    path("aggregate_on"),
                    _("double_marking compares two marks per answer, so it applies per "
                      "question, not per {level}").format(level=level),
                    _("remove aggregate_on or set it to question"),
                )
            )
            level = _INVALID
        add("aggregate_on", level)
    if given("judges") or (fill_defaults and "judges" in allowed):
        judges = _integer(
            raw.get("judges"), 2 if double else 3, 1, MAX_JUDGES, path("judges"), problems
        )
        if double and judges not in (_INVALID, 2):
            problems.append(
                (
                    path("judges"),
                    _("double_marking uses exactly 2 marks per answer, not {judges}").format(judges=judges),
                    _("remove judges or set it to 2; third marks and arbitration come on follow-up sheets"),
                )
            )
            judges = _INVALID
        add("judges", judges)
    if given("trim_min_judges") or (fill_defaults and "trim_min_judges" in allowed):
        add(
            "trim_min_judges",
            _integer(
                raw.get("trim_min_judges"), 3, 3, MAX_JUDGES, path("trim_min_judges"), problems
            ),
        )
    for key in ("threshold", "disagreement_threshold"):
        if given(key) or (fill_defaults and key in allowed):
            add(key, _threshold(raw.get(key), path(key), problems))
    if given("mark_step") or (fill_defaults and "mark_step" in allowed):
        add("mark_step", _mark_step(raw.get("mark_step"), path("mark_step"), problems))
    if given("precision") or (fill_defaults and "precision" in allowed):
        add(
            "precision",
            _integer(raw.get("precision"), 2, 0, MAX_PRECISION, path("precision"), problems),
        )
    if given("tie_breakers") or (fill_defaults and "tie_breakers" in allowed):
        add("tie_breakers", _tie_breakers(raw.get("tie_breakers"), path("tie_breakers"), problems))
    if given("missing") or (fill_defaults and "missing" in allowed):
        add(
            "missing",
            _choice(raw.get("missing"), MISSING_POLICIES, "exclude", path("missing"), problems),
        )
    if given("absent") or (fill_defaults and "absent" in allowed):
        add("absent", _choice(raw.get("absent"), ABSENT_RULES, "exclude", path("absent"), problems))
    if "awards" in allowed and "awards" in raw:
        add("awards", _awards(raw["awards"], path("awards"), problems))
    elif fill_defaults and "awards" in allowed:
        values["awards"] = GradingRules().awards
    if given("award_rounding") or (fill_defaults and "award_rounding" in allowed):
        add(
            "award_rounding",
            _choice(
                raw.get("award_rounding"),
                AWARD_ROUNDINGS,
                "half_up",
                path("award_rounding"),
                problems,
            ),
        )
    if given("award_ties") or (fill_defaults and "award_ties" in allowed):
        add(
            "award_ties",
            _choice(raw.get("award_ties"), AWARD_TIES, "better", path("award_ties"), problems),
        )
    if given("teams") or (fill_defaults and "teams" in allowed):
        add("teams", _teams(raw.get("teams"), path("teams"), problems))
    return values, problems


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: object = _Invalid()


def _show(value: object) -> str:
    if isinstance(value, Mapping):
        return _("a mapping")
    if isinstance(value, list | tuple):
        return _("a list")
    return repr(value)


def _choice(
    value: object, choices: Sequence[str], default: str, path: str, problems: list
) -> object:
    if value is None:
        return default
    if isinstance(value, str) and value.strip() in choices:
        return value.strip()
    problems.append(
        (
            path,
            _("{value} is not one of {choices}").format(value=_show(value), choices=listing(choices, code=True)),
            _("write one of: {choices}").format(choices=listing(choices, code=True)),
        )
    )
    return _INVALID


def _integer(value: object, default: int, low: int, high: int, path: str, problems: list) -> object:
    if value is None:
        return default
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        problems.append(
            (
                path,
                _("{value} is not a whole number").format(value=_show(value)),
                _("write a whole number from {low} to {high}").format(low=low, high=high),
            )
        )
        return _INVALID
    if not low <= number <= high:
        problems.append(
            (
                path, _("{value} is out of range").format(value=_show(value)),
                _("write a whole number from {low} to {high}").format(low=low, high=high),
            )
        )
        return _INVALID
    return int(number)


def _percent(value: object) -> Decimal | None:
    if isinstance(value, str):
        found = _PERCENT.match(value)
        if found:
            return Decimal(found.group(1))
    return None


def percent_or_fraction(value: object) -> Decimal | None:
    """Return ``"50%"`` or ``0.5`` as the fraction 0.5; None when it is neither."""
    percent = _percent(value)
    if percent is not None:
        return percent / 100
    return None if isinstance(value, str) else to_decimal(value)


def _threshold(value: object, path: str, problems: list) -> object:
    if value is None:
        return Threshold(percent=Decimal(20))
    percent = _percent(value)
    if percent is not None:
        if percent > 100:
            problems.append(
                (
                    path,
                    _("{value} is more than 100%").format(value=_show(value)),
                    _("write a share such as 20%, or points such as 2"),
                )
            )
            return _INVALID
        return Threshold(percent=percent)
    points = to_decimal(value)
    if points is None:
        problems.append(
            (
                path,
                _("{value} is not a number of points or a percentage").format(value=_show(value)),
                _("write points such as 2 or 1.5, or a share of the maximum such as 20%"),
            )
        )
        return _INVALID
    if points < 0:
        problems.append(
            (
                path,
                _("{value} is negative").format(value=_show(value)),
                _("write points such as 2 or 1.5, or a share of the maximum such as 20%"),
            )
        )
        return _INVALID
    return Threshold(points=points)


def _mark_step(value: object, path: str, problems: list) -> object:
    if value is None:
        return Decimal("0.5")
    step = to_decimal(value)
    if step is None or step <= 0:
        problems.append(
            (
                path,
                _("{value} is not a positive number").format(value=_show(value)),
                _("write the smallest mark step, such as 0.5 or 1"),
            )
        )
        return _INVALID
    return step


def _tie_breakers(value: object, path: str, problems: list) -> object:
    if value is None:
        return ()
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list | tuple):
        problems.append(
            (
                path, _("{value} is not a list of sections").format(value=_show(value)),
                _("write e.g. `[practical, 三]`"),
            )
        )
        return _INVALID
    refs: list[str] = []
    ok = True
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
            problems.append(
                (
                    f"{path}[{index}]",
                    _("{value} does not name a section").format(value=_show(item)),
                    _("use a section type (practical), numeral (“三”), name or number"),
                )
            )
            ok = False
            continue
        refs.append(str(item).strip())
    return tuple(refs) if ok else _INVALID


def _share(value: object, path: str, problems: list) -> object:
    share = percent_or_fraction(value)
    if share is None:
        problems.append(
            (
                path,
                _("{value} is not a share").format(value=_show(value)),
                _("write a percentage such as 10% or a fraction such as 0.1"),
            )
        )
        return _INVALID
    if share <= 0:
        problems.append(
            (
                path,
                _("{value} is not more than 0").format(value=_show(value)),
                _("write a percentage such as 10% or a fraction such as 0.1"),
            )
        )
        return _INVALID
    if share > 1:
        problems.append(
            (
                path,
                _("{value} is more than 100%").format(value=_show(value)),
                _("write a percentage such as 10% or a fraction such as 0.1"),
            )
        )
        return _INVALID
    return share


def _awards(value: object, path: str, problems: list) -> object:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        problems.append(
            (
                path,
                _("{value} is not a list of awards").format(value=_show(value)),
                _("write e.g. `[{name: 一等奖, share: 10%}]`"),
            )
        )
        return _INVALID
    awards: list[Award] = []
    names: set[str] = set()
    ok = True
    for index, item in enumerate(value):
        here = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(
                (here, _("{value} is not a mapping").format(value=_show(item)), _("write `{name: 一等奖, share: 10%}`"))
            )
            ok = False
            continue
        for key in item:
            if key not in ("name", "share"):
                problems.append(
                    (f"{here}.{key}", _("unknown key {key!r}").format(key=str(key)), _("an award has `name` and `share`"))
                )
                ok = False
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            what = _("missing award name") if name is None else _("{value} is not an award name").format(value=_show(name))
            problems.append((f"{here}.name", what, _("write a name such as “一等奖”")))
            ok = False
            name = None
        elif name.strip() in names:
            problems.append(
                (f"{here}.name", _("award {name!r} is listed twice").format(name=name.strip()), _("give each award once"))
            )
            ok = False
        else:
            names.add(name.strip())
        share = _share(item.get("share"), f"{here}.share", problems)
        if share is _INVALID:
            ok = False
        elif name is not None:
            awards.append(Award(name.strip(), share))
    if ok:
        total = sum((a.share for a in awards), Decimal(0))
        if total > 1:
            problems.append(
                (
                    path,
                    _("shares add up to {share}%, more than 100%").format(share=format_points(total * 100)),
                    _("lower the shares"),
                )
            )
            ok = False
    return tuple(awards) if ok else _INVALID


def _teams(value: object, path: str, problems: list) -> object:
    if value is None:
        return TeamRules()
    if not isinstance(value, Mapping):
        problems.append(
            (path, _("{value} is not a mapping").format(value=_show(value)), _("write `{aggregate: sum, best_k: 3}`"))
        )
        return _INVALID
    before = len(problems)
    for key in value:
        if key not in ("aggregate", "best_k", "short_units"):
            problems.append(
                (
                    f"{path}.{key}",
                    _("unknown key {key!r}").format(key=str(key)),
                    _("allowed keys: {keys}").format(keys=listing(("aggregate", "best_k", "short_units"), code=True)),
                )
            )
    aggregate = _choice(
        value.get("aggregate"), TEAM_AGGREGATES, "sum", f"{path}.aggregate", problems
    )
    best_k = _integer(value.get("best_k"), 3, 0, 1000, f"{path}.best_k", problems)
    short = _choice(value.get("short_units"), SHORT_UNITS, "count", f"{path}.short_units", problems)
    if len(problems) > before:
        return _INVALID
    return TeamRules(aggregate=aggregate, best_k=best_k, short_units=short)


# --- converting ----------------------------------------------------------------------------


def _threshold_json(threshold: Threshold) -> object:
    if threshold.percent is not None:
        return f"{format_points(threshold.percent)}%"
    return json_number(threshold.points if threshold.points is not None else Decimal(0))


def _to_json(values: Mapping[str, object]) -> dict:
    """Return checked values as a JSON-able mapping in GRADING_KEYS order."""
    result: dict = {}
    for key in GRADING_KEYS:
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, Threshold):
            result[key] = _threshold_json(value)
        elif isinstance(value, Decimal):
            result[key] = json_number(value)
        elif key == "awards":
            result[key] = [{"name": a.name, "share": json_number(a.share)} for a in value]
        elif key == "tie_breakers":
            result[key] = list(value)
        elif isinstance(value, TeamRules):
            result[key] = {
                "aggregate": value.aggregate,
                "best_k": value.best_k,
                "short_units": value.short_units,
            }
        else:
            result[key] = value
    return result


def _to_rules(values: Mapping[str, object], base: GradingRules) -> GradingRules:
    return replace(base, **{k: v for k, v in values.items() if k in GRADING_KEYS})


def rules_to_json(rules: GradingRules) -> dict:
    """Return grading rules as the normalised JSON-able mapping the manifest stores."""
    return _to_json({key: getattr(rules, key) for key in GRADING_KEYS})


# --- the contest block -----------------------------------------------------------------------

#: Keys of a blueprint's ``contest:`` block (and of contest.yaml, beside its rounds): who runs
#: the contest and how results are published.
CONTEST_INFO_KEYS = ("name", "organizer", "host", "notice_from", "notice_to", "contact", "phone")


def check_contest_info(raw: object, prefix: str, keys: Sequence[str] = CONTEST_INFO_KEYS) -> tuple[dict, list[KeyProblem]]:
    """Return the contest block (texts, dates as YYYY-MM-DD) normalised, and its problems.

    ``notice_from`` and ``notice_to`` (公示期) are dates, the first not after the last.
    """
    problems: list[KeyProblem] = []
    if raw is None:
        return {}, problems
    if not isinstance(raw, Mapping):
        return {}, [(prefix, _("must be a mapping (name:, organizer:, …), not {value}").format(value=_show(raw)), "")]
    values: dict = {}
    for key in keys:
        value = raw.get(key)
        if value is None:
            continue
        here = _join(prefix, key)
        if key.startswith("notice_"):
            text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
            try:
                values[key] = datetime.date.fromisoformat(text).isoformat()
            except ValueError:
                problems.append((here, _("{value} is not a date").format(value=_show(value)), _("write a date as 2026-05-08")))
        elif isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            values[key] = str(value).strip()
        else:
            problems.append((here, _("{value} is not a text").format(value=_show(value)), _("write `{key}: …`").format(key=key)))
    if values.get("notice_from", "") > values.get("notice_to", "9") :
        problems.append((
            _join(prefix, "notice_to"),
            _("the “公示期” ends ({end}) before it starts ({start})").format(
                end=values["notice_to"], start=values["notice_from"]
            ),
            _("swap the dates"),
        ))
    return values, problems


def contest_info(values: Mapping[str, object]) -> ContestInfo:
    """Return the ContestInfo of a normalised contest block (as from :func:`check_contest_info`)."""
    return ContestInfo(**{k: str(v) for k, v in values.items() if k in CONTEST_INFO_KEYS})
