"""The ``forms:`` block of a blueprint: how parallel forms may overlap and must balance.

```yaml
forms:
  max_shared: 0              # any two forms share at most N questions (or a share: 10%)
  sections:                  # per-section caps, by section name
    单项选择题: {max_shared: 2}
  difficulty_tolerance: 0.25 # per section, the forms' mean difficulties differ by at most this
  topic_tolerance: 1         # per section and topic, the forms' counts differ by at most this
  max_answer_share: 40%      # objective sections: no answer takes more than 40% of a section
  exclude_together:          # questions that give each other away: never on the same form
    - [CA-003, CA-011]
```

Every key is optional; an absent block sets no rule, and the forms are then drawn as far
apart as the bank allows. Parsing is pure: a mapping with line numbers in, FormRules out.
"""

from __future__ import annotations

from decimal import Decimal

from examgen.errors import Problem
from examgen.i18n import _, listing, ngettext
from examgen.models import FormRules, Section, SharedCap
from examgen.numbers import to_decimal
from examgen.yamlio import LineMapping

FORM_KEYS = (
    "max_shared", "sections", "difficulty_tolerance", "topic_tolerance", "max_answer_share",
    "exclude_together",
)  # fmt: skip


def parse_form_rules(
    raw: object, where: str, path: str, sections: tuple[Section, ...], problems: list[Problem]
) -> FormRules:
    """Return the FormRules of a ``forms:`` block; append every problem found to ``problems``."""
    if raw is None:
        return FormRules()
    if not isinstance(raw, LineMapping):
        problems.append(Problem(where, _("forms must be a mapping (max_shared:, difficulty_tolerance:, …)")))
        return FormRules()

    def at(key: str) -> str:
        return f"{path}:{raw.key_lines.get(key, raw.line)}"

    for key in raw:
        if key not in FORM_KEYS:
            problems.append(Problem(
                at(key), _("forms: unknown field {key!r}").format(key=key), _("known: {keys}").format(keys=listing(FORM_KEYS, code=True))
            ))
    max_shared = _shared_cap(raw.get("max_shared"), at("max_shared"), "forms.max_shared", problems)
    section_caps = _section_caps(raw.get("sections"), at("sections"), path, sections, problems)

    tolerance = raw.get("difficulty_tolerance")
    difficulty = None
    if tolerance is not None:
        difficulty = to_decimal(tolerance)
        if difficulty is None or difficulty < 0 or isinstance(tolerance, bool):
            problems.append(
                Problem(
                    at("difficulty_tolerance"),
                    _("forms.difficulty_tolerance must be a number ≥ 0 (e.g. 0.25), not {value!r}").format(value=tolerance),
                )
            )
            difficulty = None
    topics = raw.get("topic_tolerance")
    if topics is not None and (not isinstance(topics, int) or isinstance(topics, bool) or topics < 0):
        problems.append(
            Problem(
                at("topic_tolerance"),
                _("forms.topic_tolerance must be a whole number ≥ 0 (e.g. 1), not {value!r}").format(value=topics),
            )
        )
        topics = None
    answer_share = None
    if raw.get("max_answer_share") is not None:
        answer_share = _share(raw.get("max_answer_share"))
        if answer_share is None or not 0 < answer_share <= 1:
            problems.append(
                Problem(
                    at("max_answer_share"),
                    _("forms.max_answer_share must be a share between 0 and 100% (e.g. 40%), not {value!r}").format(
                        value=raw.get("max_answer_share")
                    ),
                )
            )
            answer_share = None
    groups = _groups(raw.get("exclude_together"), at("exclude_together"), problems)
    places = [("forms", where)] + [(key, at(key)) for key in raw]
    return FormRules(
        max_shared=max_shared,
        section_max_shared=section_caps,
        difficulty_tolerance=difficulty,
        topic_tolerance=topics,
        max_answer_share=answer_share,
        exclude_together=groups,
        where=tuple(places),
    )


def _share(value: object) -> Decimal | None:
    """Return ``40%`` or ``0.4`` as Decimal("0.4"); None if it is not a number."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        number = to_decimal(value.strip()[:-1])
        return None if number is None else number / 100
    if isinstance(value, bool):
        return None
    return to_decimal(value)


def _shared_cap(value: object, where: str, label: str, problems: list[Problem]) -> SharedCap | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 0:
            return SharedCap(count=value)
    elif isinstance(value, str) and value.strip().endswith(("%", "％")):
        share = _share(value)
        if share is not None and 0 <= share <= 1:
            return SharedCap(share=share)
    problems.append(
        Problem(
            where,
            _("{key} must be a whole number of questions (0 = no question shared) or a share such as 20%, "
              "not {value!r}").format(key=label, value=value),
        )
    )
    return None


def _section_caps(
    raw: object, where: str, path: str, sections: tuple[Section, ...], problems: list[Problem]
) -> tuple[tuple[str, SharedCap], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, LineMapping):
        problems.append(Problem(
            where, _("forms.sections must map section names to rules, e.g. `案例分析题: {max_shared: 0}`")
        ))
        return ()
    names = [s.name for s in sections]
    caps = []
    for name, rule in raw.items():
        here = f"{path}:{raw.key_lines.get(name, raw.line)}"
        if name not in names:
            problems.append(
                Problem(
                    here, _("forms.sections: no section named {name!r}").format(name=name),
                    _("sections: {names}").format(names=listing(names)),
                )
            )
            continue
        if not isinstance(rule, LineMapping) or set(rule) - {"max_shared"} or "max_shared" not in rule:
            problems.append(Problem(here, _("forms.sections.{name} must be `{{max_shared: N}}`").format(name=name)))
            continue
        cap = _shared_cap(rule.get("max_shared"), here, f"forms.sections.{name}.max_shared", problems)
        if cap is not None:
            caps.append((str(name), cap))
    return tuple(caps)


def _groups(raw: object, where: str, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(group, list) and len(group) >= 2 and all(isinstance(i, str) for i in group) for group in raw
    ):
        problems.append(
            Problem(where, _("forms.exclude_together must be a list of groups of two or more ids, e.g. `[[CA-003, CA-011]]`"))
        )
        return ()
    return tuple(tuple(sorted(set(group))) for group in raw)


def check_known_ids(rules: FormRules, known: set[str]) -> list[Problem]:
    """Return a problem for each id in ``exclude_together`` that no bank question has."""
    unknown = sorted({i for group in rules.exclude_together for i in group} - known)
    if not unknown:
        return []
    return [
        Problem(
            rules.where_of("exclude_together"),
            ngettext(
                "forms.exclude_together names a question not in the bank: {ids}",
                "forms.exclude_together names questions not in the bank: {ids}",
                len(unknown),
            ).format(ids=listing(unknown)),
            _("correct the ids or remove them"),
        )
    ]
