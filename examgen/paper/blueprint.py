"""Load and validate blueprints (``templates/*.yaml``): the rules a paper is drawn under."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from examgen.bank.load import HALF
from examgen.encodings import clip
from examgen.errors import BlueprintError, ExamgenError, Problem, raise_if
from examgen.i18n import _, colon, listing
from examgen.inputs import read_input
from examgen.models import (
    CHOICE_TYPES,
    OPTION_LETTERS,
    QUESTION_TYPES,
    Blueprint,
    Layout,
    Origin,
    Section,
    format_points,
)
from examgen.numbers import is_multiple, json_number, to_decimal
from examgen.outputs import is_safe_name
from examgen.paper.form_rules import parse_form_rules
from examgen.paper.rules import check_contest_info, percent_or_fraction, validate_grading_rules
from examgen.yamlio import LineMapping, load_yaml, yaml_error_line

DEFAULT_BLUEPRINT = Path("templates") / "default.yaml"
KNOWN_KEYS = (
    "name", "paper_id", "title", "subtitle", "duration", "total", "instructions",
    "layout", "sections", "grading", "contest", "difficulty_by", "analysis", "forms",
    "exclude_used", "max_uses",
)  # fmt: skip
#: Most sections a paper may have (they are numbered 一 … 九十九).
MAX_SECTIONS = 99
DIFFICULTY_SOURCES = ("author", "observed")
ANALYSIS_KEYS = ("pass_mark",)
SECTION_KEYS = (
    "name", "type", "count", "points", "topics", "difficulty", "exclude",
    "scoring", "partial_per_option", "partial_share", "min_answer_letters", "shuffle_options",
)  # fmt: skip
SCORINGS = ("all_or_nothing", "partial")
LAYOUT_KEYS = (
    "lines_per_point", "min_answer_lines", "max_answer_lines", "scoring_note", "reference_docx",
    "questions_per_page",
)  # fmt: skip


def load_blueprint(path: Path) -> Blueprint:
    """Return the blueprint at ``path``, validated; raise BlueprintError with every problem."""
    if not path.exists() and not path.is_symlink():
        raise BlueprintError(
            _("blueprint not found"),
            where=str(path),
            hint=_("name one with --blueprint templates/NAME.yaml"),
        )
    try:
        text = read_input(path, BlueprintError).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BlueprintError(
            _("not UTF-8 text (byte {byte})").format(byte=error.start), where=str(path),
            hint=_("save the file as UTF-8"),
        ) from None
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        where = f"{path}:{line}" if line else str(path)
        raise BlueprintError(
            _("not valid YAML: {problem}").format(problem=getattr(error, "problem", error)), where=where
        ) from None
    return parse_blueprint(raw, str(path), default_name=path.stem)


def parse_blueprint(raw: object, path: str, *, default_name: str = "paper") -> Blueprint:
    """Return a Blueprint from its parsed YAML mapping (pure); raise BlueprintError on problems."""
    if not isinstance(raw, LineMapping):
        raise BlueprintError(_("a blueprint must be a mapping (title:, total:, sections:, …)"), where=path)
    problems: list[Problem] = []

    def at(mapping: LineMapping, key: str) -> str:
        return f"{path}:{mapping.key_lines.get(key, mapping.line)}"

    for key in raw:
        if key not in KNOWN_KEYS:
            problems.append(Problem(
                at(raw, key), _("unknown field {key!r}").format(key=key), _("known: {keys}").format(keys=listing(KNOWN_KEYS, code=True))
            ))
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(at(raw, "title"), _("missing title"), _("add `title: …` (the paper's heading)")))
    total = to_decimal(raw.get("total"))
    if total is None or total <= 0:
        problems.append(Problem(
            at(raw, "total"), _("total must be a positive number, not {value!r}").format(value=raw.get("total"))
        ))
    duration = raw.get("duration", 0)
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        problems.append(Problem(at(raw, "duration"), _("duration must be minutes, not {value!r}").format(value=duration)))
        duration = 0
    instructions = raw.get("instructions") or []
    if not isinstance(instructions, list) or not all(isinstance(i, str) for i in instructions):
        problems.append(Problem(at(raw, "instructions"), _("instructions must be a list of lines")))
        instructions = []

    sections: list[Section] = []
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(Problem(at(raw, "sections"), _("a blueprint needs a list of sections")))
    else:
        for index, item in enumerate(raw_sections, start=1):
            section = _parse_section(item, index, path, problems)
            if section is not None:
                sections.append(section)

    if isinstance(raw_sections, list) and len(raw_sections) > MAX_SECTIONS:
        problems.append(Problem(
            at(raw, "sections"),
            _("{count} sections; a paper has at most {most}").format(count=len(raw_sections), most=MAX_SECTIONS),
            _("merge sections of the same type"),
        ))
        raise_if(problems, BlueprintError)  # the grading rules cannot number them
    if total is not None and sections and len(sections) == len(raw_sections or []):
        section_sum = sum((s.total for s in sections), Decimal(0))
        if section_sum != total:
            rules = " + ".join(f"{s.name} {s.count}×{format_points(s.points)}" for s in sections)
            problems.append(
                Problem(
                    at(raw, "total"),
                    _("sections add up to {sum} ({rules}), but total is {total}").format(
                        sum=format_points(section_sum), rules=rules, total=format_points(total)
                    ),
                    _("change a section's count or points, or the total"),
                )
            )

    layout = _parse_layout(raw.get("layout"), at(raw, "layout"), problems)
    forms = parse_form_rules(raw.get("forms"), at(raw, "forms"), path, tuple(sections), problems)
    within, max_uses = _parse_exposure(raw, at, problems)
    grading: dict = {}
    try:
        grading = validate_grading_rules(raw.get("grading"), at(raw, "grading"), tuple(sections))
    except ExamgenError as error:
        problems.extend(error.problems)
    contest, contest_problems = check_contest_info(raw.get("contest"), "contest")
    problems.extend(Problem(at(raw, "contest"), f"{key}{colon()}{what}", hint) for key, what, hint in contest_problems)
    difficulty_by = raw.get("difficulty_by", "author")
    if difficulty_by not in DIFFICULTY_SOURCES:
        problems.append(Problem(
            at(raw, "difficulty_by"),
            _("difficulty_by must be author or observed, not {value!r}").format(value=difficulty_by),
            _("observed: a question's difficulty from its results in the workspace history, when it has any"),
        ))
    analysis = _parse_analysis(raw.get("analysis"), at(raw, "analysis"), total, problems)
    raise_if(problems, BlueprintError)
    name = str(raw.get("name") or default_name)
    paper_id = str(raw.get("paper_id") or name)
    if not is_safe_name(paper_id):
        problems.append(Problem(
            at(raw, "paper_id" if "paper_id" in raw else "name"),
            _("paper_id {value!r} cannot be a folder name").format(value=clip(paper_id)),
            _("use up to 64 letters, digits, Chinese characters, - or _, e.g. `paper_id: 2026-初赛`"),
        ))
    raise_if(problems, BlueprintError)
    return Blueprint(
        name=name,
        title=title.strip(),  # type: ignore[union-attr]
        total=total,  # type: ignore[arg-type]
        sections=tuple(sections),
        subtitle=str(raw.get("subtitle") or ""),
        duration=duration,
        instructions=tuple(i.strip() for i in instructions),
        paper_id=paper_id,
        layout=layout,
        grading=grading,
        path=path,
        contest=contest,
        difficulty_by=str(difficulty_by),
        analysis=analysis,
        forms=forms,
        exclude_used_within=within,
        max_uses=max_uses,
    )


def _parse_analysis(raw: object, where: str, total: Decimal | None, problems: list[Problem]) -> dict:
    """Return the ``analysis:`` mapping normalised: ``pass_mark`` as points or "N%"."""
    if raw is None:
        return {}
    if not isinstance(raw, LineMapping):
        problems.append(Problem(where, _("analysis must be a mapping (pass_mark: 60%)")))
        return {}
    for key in raw:
        if key not in ANALYSIS_KEYS:
            problems.append(Problem(
                where, _("analysis: unknown field {key!r}").format(key=key),
                _("known: {keys}").format(keys=listing(ANALYSIS_KEYS, code=True)),
            ))
    result: dict = {}
    mark = raw.get("pass_mark")
    if mark is not None:
        text = str(mark).strip()
        percent = text.endswith(("%", "％"))
        number = to_decimal(text[:-1] if percent else mark)
        limit = Decimal(100) if percent else total
        if number is None or number < 0 or (limit is not None and number > limit):
            problems.append(Problem(
                where,
                _("analysis.pass_mark must be points within the total or a share like 60%, not {value!r}").format(value=mark),
            ))
        else:
            result["pass_mark"] = f"{format_points(number)}%" if percent else json_number(number)
    return result


def _parse_section(item: object, index: int, path: str, problems: list[Problem]) -> Section | None:
    if not isinstance(item, LineMapping):
        problems.append(Problem(
            path, _("section {number} must be a mapping (name:, type:, count:, points:)").format(number=index)
        ))
        return None
    before = len(problems)
    name = str(item.get("name") or "").strip()
    label = (_("section {number} {name}") if name else _("section {number}")).format(number=index, name=name)

    def add(key: str, what: str, hint: str = "") -> None:
        problems.append(Problem(f"{path}:{item.key_lines.get(key, item.line)}", f"{label}{colon()}{what}", hint))

    for key in item:
        if key not in SECTION_KEYS:
            add(key, _("unknown field {key!r}").format(key=key), _("known: {keys}").format(keys=listing(SECTION_KEYS, code=True)))
    if not name:
        add("name", _("missing name"), _("add `name: 简答题` (printed as the section heading)"))
    qtype = item.get("type")
    if not isinstance(qtype, str) or not qtype:
        add("type", _("missing type"), _("one of: {choices}").format(choices=listing(QUESTION_TYPES, code=True)))
    count = item.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        add("count", _("count must be a whole number of questions, not {value!r}").format(value=count))
    points = to_decimal(item.get("points"))
    if points is None or points <= 0 or not is_multiple(points, HALF):
        add("points", _("points per question must be a positive number in half points, not {value!r}").format(
            value=item.get("points")
        ))
    topics = item.get("topics") or []
    if not isinstance(topics, list):
        add("topics", _("topics must be a list, e.g. `[投诉处理, 客户挽留]`"))
        topics = []
    difficulty = item.get("difficulty", [1, 5])
    if isinstance(difficulty, int) and not isinstance(difficulty, bool):
        difficulty = [difficulty, difficulty]
    if (
        not isinstance(difficulty, list)
        or len(difficulty) != 2
        or not all(isinstance(d, int) and 1 <= d <= 5 for d in difficulty)
        or difficulty[0] > difficulty[1]
    ):
        add("difficulty", _("difficulty must be a range [low, high] within 1–5, not {value!r}").format(value=difficulty))
        difficulty = [1, 5]
    exclude = item.get("exclude") or []
    if not isinstance(exclude, list):
        add("exclude", _("exclude must be a list of question ids"))
        exclude = []
    objective = _objective_rules(item, qtype, points, add)
    if len(problems) > before:
        return None
    return Section(
        name=name,
        type=qtype,  # type: ignore[arg-type]
        count=count,  # type: ignore[arg-type]
        points=points,  # type: ignore[arg-type]
        topics=tuple(str(t) for t in topics),
        difficulty=(difficulty[0], difficulty[1]),
        exclude=tuple(str(e) for e in exclude),
        origin=Origin(path, item.line),
        **objective,
    )


def _objective_rules(item: LineMapping, qtype: object, points: Decimal | None, add) -> dict:
    """Return a section's scoring keys (multiple choice) and option shuffling, validated."""
    rules: dict = {}
    is_multiple_choice = qtype == "multiple_choice"
    for key in ("scoring", "partial_per_option", "partial_share", "min_answer_letters"):
        if key in item and not is_multiple_choice:
            add(key, _("{key} is only for multiple_choice sections, not {type}").format(key=key, type=qtype), _("remove it"))
    if "shuffle_options" in item:
        shuffle = item.get("shuffle_options")
        if qtype not in CHOICE_TYPES:
            add("shuffle_options", _("shuffle_options is only for choice sections, not {type}").format(type=qtype))
        elif not isinstance(shuffle, bool):
            add("shuffle_options", _("shuffle_options must be true or false, not {value!r}").format(value=shuffle))
        else:
            rules["shuffle_options"] = shuffle
    if not is_multiple_choice:
        return rules
    scoring = item.get("scoring", "all_or_nothing")
    if scoring not in SCORINGS:
        add("scoring", _("scoring must be one of {choices}, not {value!r}").format(choices=listing(SCORINGS, code=True), value=scoring))
        return rules
    rules["scoring"] = scoring
    letters = item.get("min_answer_letters", 1)
    if not isinstance(letters, int) or isinstance(letters, bool) or not 1 <= letters <= len(OPTION_LETTERS):
        add("min_answer_letters", _("min_answer_letters must be a whole number 1–8, not {value!r}").format(value=letters))
    else:
        rules["min_answer_letters"] = letters
    given = [k for k in ("partial_per_option", "partial_share") if k in item]
    if scoring == "all_or_nothing":
        for key in given:
            add(key, _("{key} needs `scoring: partial`").format(key=key), _("set `scoring: partial`, or remove it"))
        return rules
    if len(given) != 1:
        add(
            "scoring",
            _("`scoring: partial` needs exactly one of partial_per_option (points per right option "
              "chosen) and partial_share (a share of the question's points)"),
            _("e.g. `partial_per_option: 0.5` or `partial_share: 50%`"),
        )
        return rules
    key = given[0]
    raw = item.get(key)
    if key == "partial_per_option":
        value = to_decimal(raw)
        if value is None or value <= 0 or not is_multiple(value, HALF) or (points and value >= points):
            add(key, _("partial_per_option must be half points below the question's points, not {value!r}").format(value=raw))
        else:
            rules[key] = value
    else:
        value = percent_or_fraction(raw)
        if value is None or not 0 < value < 1 or (points and not is_multiple(points * value, HALF)):
            add(
                key,
                _("partial_share must be a share between 0 and 100% giving half points, not {value!r}").format(value=raw),
                _("e.g. `partial_share: 50%`"),
            )
        else:
            rules[key] = value
    return rules


def _parse_layout(raw: object, where: str, problems: list[Problem]) -> Layout:
    if raw is None:
        return Layout()
    if not isinstance(raw, LineMapping):
        problems.append(Problem(where, _("layout must be a mapping (lines_per_point:, scoring_note:, …)")))
        return Layout()
    for key in raw:
        if key not in LAYOUT_KEYS:
            problems.append(Problem(
                where, _("layout: unknown field {key!r}").format(key=key), _("known: {keys}").format(keys=listing(LAYOUT_KEYS, code=True))
            ))
    lines = to_decimal(raw.get("lines_per_point", 1))
    if lines is None or lines <= 0:
        problems.append(Problem(
            where, _("layout.lines_per_point must be a positive number, not {value!r}").format(value=raw.get("lines_per_point"))
        ))
        lines = Decimal(1)
    bounds = []
    for key, default in (("min_answer_lines", 3), ("max_answer_lines", 30), ("questions_per_page", 1)):
        value = raw.get(key, default)
        lowest = 1 if key == "questions_per_page" else 0
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            problems.append(Problem(where, _("layout.{key} must be a whole number of at least {lowest}, not {value!r}").format(
                key=key, lowest=lowest, value=value
            )))
            value = default
        bounds.append(value)
    return Layout(
        lines_per_point=lines,
        min_answer_lines=bounds[0],
        max_answer_lines=bounds[1],
        scoring_note=str(raw.get("scoring_note") or "").strip(),
        reference_docx=str(raw.get("reference_docx") or ""),
        questions_per_page=bounds[2],
    )


def _parse_exposure(raw: LineMapping, at, problems: list[Problem]) -> tuple[int | None, int | None]:
    """Return (within, max_uses) of ``exclude_used: {within: N}`` and ``max_uses: N``."""
    within = None
    used = raw.get("exclude_used")
    if used is not None:
        value = used.get("within") if isinstance(used, LineMapping) and set(used) == {"within"} else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(Problem(
                at(raw, "exclude_used"),
                _("exclude_used must be `{{within: N}}` with N ≥ 1 released papers, not {value!r}").format(value=used),
                _("e.g. `exclude_used: {within: 2}` leaves out the questions of the last two released papers"),
            ))
        else:
            within = value
    max_uses = raw.get("max_uses")
    if max_uses is not None and (not isinstance(max_uses, int) or isinstance(max_uses, bool) or max_uses < 1):
        problems.append(Problem(
            at(raw, "max_uses"), _("max_uses must be a whole number ≥ 1 of released papers, not {value!r}").format(value=max_uses),
            _("e.g. `max_uses: 3` leaves out questions already used in three released papers"),
        ))
        max_uses = None
    return within, max_uses
