"""Load a contest of several weighted rounds from ``contest.yaml`` (I/O at the edge).

Shape::

    name: 2026年客户服务代表职业技能竞赛
    rounds:                         # in the order they appear in results
      - name: 理论
        manifest: output/theory/manifest.json    # relative to contest.yaml
        weight: 30%                 # or 0.3; the weights add up to 100%
      - name: 实操
        manifest: output/practical/manifest.json
        weight: 70%
    normalize: false                # scale each round's total to 100 before weighting
    # Who publishes the results (the 成绩公示's heading and 落款), all optional:
    organizer: 某某省通信管理局        # 主办单位
    host: 某某通信有限公司             # 承办单位
    notice_from: 2026-05-08         # 公示期
    notice_to: 2026-05-14
    contact: 王老师                  # objections to 联系人, 联系电话
    phone: 010-12345678
    # Optional overrides of the first round's grading rules for the combined ranking,
    # written as in a blueprint's grading: mapping (see examgen.paper.rules):
    tie_breakers: [实操]            # rounds by name (or number)
    missing: exclude
    precision: 2
    awards: [{name: 一等奖, share: 10%}, {name: 二等奖, share: 20%}, {name: 三等奖, share: 30%}]
    award_rounding: half_up
    award_ties: better
    teams: {aggregate: sum, best_k: 3, short_units: count}

Every problem is reported at once, as ``contest.yaml:7: rounds[1].weight: …``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import yaml

from examgen.errors import ContestError, Problem
from examgen.i18n import _, listing
from examgen.inputs import read_input
from examgen.models import Contest, ContestRound, format_points
from examgen.numbers import to_decimal
from examgen.paper.rules import (
    CONTEST_INFO_KEYS,
    OVERRIDE_KEYS,
    check_contest_info,
    check_overrides,
    contest_info,
)
from examgen.yamlio import load_yaml, yaml_problem

_TOP_KEYS = ("name", "rounds", "normalize", *CONTEST_INFO_KEYS[1:], *OVERRIDE_KEYS)
_ROUND_KEYS = ("name", "manifest", "weight")


def load_contest(path: Path) -> Contest:
    """Return the contest described by ``path``; raise ContestError with every problem."""
    shown = str(path)
    try:
        if not path.exists() and not path.is_symlink():
            raise ContestError(_("no such file"), where=shown, hint=_("write a contest.yaml"))
        text = read_input(path, ContestError).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContestError(_("cannot read: {reason}").format(reason=error), where=shown) from None
    try:
        raw = load_yaml(text)  # first: it refuses aliases and deep nesting
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise ContestError(_("not valid YAML: {problem}").format(problem=yaml_problem(error)), where=where) from None
    return parse_contest(raw, shown, base=path.parent, lines=_LineFinder(root))


def parse_contest(
    raw: object, where: str, *, base: Path | None = None, lines: _LineFinder | None = None
) -> Contest:
    """Return the contest of a parsed contest.yaml mapping; raise ContestError with every problem.

    With ``base``, manifest paths are resolved against it and must exist.
    """
    lines = lines or _LineFinder(None)
    problems: list[tuple[str, str, str]] = []
    if not isinstance(raw, Mapping):
        raise ContestError(_("must be a mapping with `name` and `rounds`"), where=where)
    for key in raw:
        if key not in _TOP_KEYS:
            problems.append(
                (str(key), _("unknown key {key}").format(key=repr(str(key))),
                 _("allowed keys: {keys}").format(keys=listing(_TOP_KEYS, code=True)))
            )

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(
            (
                "name",
                _("{value} is not a contest name").format(value=repr(name)) if name is not None else _("missing"),
                _("write `name: <contest name>`"),
            )
        )
        name = ""

    normalize = raw.get("normalize", False)
    if not isinstance(normalize, bool):
        problems.append(
            ("normalize", _("{value} is not true or false").format(value=repr(normalize)),
             _("write `normalize: true` or `false`"))
        )
        normalize = False

    rounds = _rounds(raw.get("rounds"), base, problems)

    info, info_problems = check_contest_info(raw, "", CONTEST_INFO_KEYS[1:])
    problems.extend(info_problems)
    override_raw = {k: raw[k] for k in OVERRIDE_KEYS if k in raw}
    overrides, override_problems = check_overrides(override_raw)
    problems.extend(override_problems)

    if problems:
        # Report in file order, so the list reads top to bottom like the file.
        ordered = sorted(problems, key=lambda problem: lines.line(problem[0]))
        raise ContestError(
            problems=[
                Problem(f"{lines.where(where, path)}: {path}", what, hint)
                for path, what, hint in ordered
            ]
        )
    return Contest(
        name=name.strip(), rounds=rounds, normalize=normalize, overrides=overrides, path=where,
        info=contest_info({**info, "name": name.strip()}),
    )


def _rounds(value: object, base: Path | None, problems: list) -> tuple[ContestRound, ...]:
    if not isinstance(value, list) or not value:
        problems.append(
            (
                "rounds",
                _("missing or empty") if not value else _("is not a list"),
                _("list the rounds: `- {{name: 理论, manifest: …, weight: 30%}}`").format(),
            )
        )
        return ()
    rounds: list[ContestRound] = []
    names: set[str] = set()
    ok = True
    for index, item in enumerate(value):
        here = f"rounds[{index}]"
        if not isinstance(item, Mapping):
            problems.append(
                (here, _("{value} is not a mapping").format(value=repr(item)),
                 _("write `{{name: 理论, manifest: …, weight: 30%}}`").format())
            )
            ok = False
            continue
        for key in item:
            if key not in _ROUND_KEYS:
                problems.append(
                    (
                        f"{here}.{key}",
                        _("unknown key {key}").format(key=repr(str(key))),
                        _("a round has `name`, `manifest` and `weight`"),
                    )
                )
                ok = False
        name = item.get("name")
        if not isinstance(name, str | int) or isinstance(name, bool) or not str(name).strip():
            problems.append(
                (
                    f"{here}.name",
                    _("missing") if name is None else _("{value} is not a round name").format(value=repr(name)),
                    _("write `name: 理论`"),
                )
            )
            ok = False
            name = ""
        else:
            name = str(name).strip()
            if name in names:
                problems.append(
                    (
                        f"{here}.name",
                        _("round {name} is listed twice").format(name=repr(name)),
                        _("give each round a distinct name"),
                    )
                )
                ok = False
            names.add(name)
        manifest = item.get("manifest")
        if not isinstance(manifest, str) or not manifest.strip():
            problems.append(
                (
                    f"{here}.manifest",
                    _("missing") if manifest is None else _("{value} is not a path").format(value=repr(manifest)),
                    _("write `manifest: output/<paper>/manifest.json`"),
                )
            )
            ok = False
            manifest = ""
        elif base is not None:
            resolved = base / manifest.strip()
            if not resolved.is_file():
                problems.append(
                    (
                        f"{here}.manifest",
                        _("no such file {path}").format(path=repr(manifest.strip())),
                        _("give the path of the round's manifest.json, relative to the contest file"),
                    )
                )
                ok = False
            manifest = str(resolved)
        weight = _weight(item.get("weight"), f"{here}.weight", problems)
        if weight is None:
            ok = False
        else:
            rounds.append(ContestRound(name, manifest, weight))
    if ok:
        total = sum((r.weight for r in rounds), Decimal(0))
        if total != 1:
            problems.append(
                (
                    "rounds",
                    _("weights add up to {total}%, not 100%").format(total=format_points(total * 100)),
                    _("make the weights add up to 100%, e.g. 30% and 70%"),
                )
            )
    return tuple(rounds) if ok else ()


def _weight(value: object, path: str, problems: list) -> Decimal | None:
    hint = _("write a share such as 30% or 0.3")
    if value is None:
        problems.append((path, _("missing"), hint))
        return None
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        number = to_decimal(value.strip()[:-1])
        weight = number / 100 if number is not None else None
    elif isinstance(value, str):
        weight = None
    else:
        weight = to_decimal(value)
    if weight is None:
        problems.append((path, _("{value} is not a share").format(value=repr(value)), hint))
        return None
    if not 0 < weight <= 1:
        problems.append((path, _("{value} is not between 0 and 100%").format(value=repr(value)), hint))
        return None
    return weight


class _LineFinder:
    """Find the line of a key path (``rounds[1].weight``) in a composed YAML node tree."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def where(self, where: str, path: str) -> str:
        line = self.line(path)
        return f"{where}:{line}" if line else where

    def line(self, path: str) -> int:
        node = self.root
        if node is None:
            return 0
        line = node.start_mark.line + 1
        for step in _steps(path):
            child = None
            if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
                if step < len(node.value):
                    child = node.value[step]
            elif isinstance(step, str) and isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        line = key_node.start_mark.line + 1
                        child = value_node
                        break
            if child is None:
                return line
            node = child
            if not isinstance(step, str):
                line = node.start_mark.line + 1
        return line


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        while rest:
            number, _, rest = rest.partition("]")
            if number.isdigit():
                steps.append(int(number))
            rest = rest.lstrip("[")
    return steps
