"""Load and validate question banks (``banks/*.yaml``), and write them back.

Every problem names its file and line (``banks/case.yaml:42: CA-007: key points sum
to 12, question is worth 10``) and all problems of all files are reported at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from examgen.errors import BankError, Problem, raise_if
from examgen.i18n import _, colon, listing
from examgen.inputs import read_input
from examgen.models import (
    CHOICE_TYPES,
    MIN_OPTIONS,
    OBJECTIVE_TYPES,
    OPTION_LETTERS,
    QUESTION_TYPES,
    TOPICS,
    Bank,
    KeyPoint,
    Origin,
    Question,
    format_points,
)
from examgen.numbers import is_multiple, to_decimal
from examgen.yamlio import LineMapping, UnsafeYamlError, load_yaml, yaml_error_line, yaml_problem

HALF = Decimal("0.5")
REQUIRED = ("id", "type", "topic", "difficulty", "points", "question", "key_points")
#: Objective questions are scored from ``answer``; ``points`` defaults to 1.
REQUIRED_OBJECTIVE = ("id", "type", "topic", "difficulty", "question", "answer")
KNOWN_KEYS = (*REQUIRED, "stem", "analysis", "source", "tags", "options", "answer")
OBJECTIVE_DEFAULT_POINTS = Decimal(1)

#: How a true/false answer may be written in a bank (YAML true/false arrive as bools).
TRUE_FALSE_ANSWERS: dict[str, str] = {
    "true": "true", "false": "false", "t": "true", "f": "false", "yes": "true", "no": "false",
    "√": "true", "×": "false", "x": "false", "对": "true", "错": "false",
    "正确": "true", "错误": "false", "是": "true", "否": "false",
}
#: Separators tolerated between answer letters: ``A,C,D``, ``A、C``, ``A C``.
ANSWER_SEPARATORS = str.maketrans("", "", " ,，、;；")
#: An option written with its own label: ``A. 文本``, ``B、文本``, ``(C)文本``.
OPTION_LABEL_PREFIX = re.compile(r"^\s*[(（]?([A-Ha-h])\s*[)）.．、:：]")
#: Brackets that already hold an answer in the question text: ``（B）``, ``（√）``.
FILLED_BRACKETS = re.compile(r"[(（]\s*([A-H]{1,8}|[√×])\s*[)）]")


def bank_files(source: Path | Iterable[Path]) -> list[Path]:
    """Return the bank files of a folder (``*.yaml``, ``*.yml``, sorted) or the files given."""
    if isinstance(source, Path):
        if source.is_dir():
            return sorted([*source.glob("*.yaml"), *source.glob("*.yml")])
        return [source]
    return sorted(source)


def load_bank(source: Path | Iterable[Path], *, extra_types: Iterable[str] = ()) -> Bank:
    """Return the bank read from a folder of YAML files (or the files given), validated.

    Raise BankError listing every problem of every file, each with file and line.
    """
    files = bank_files(source)
    if not files:
        where = str(source) if isinstance(source, Path) else "banks"
        raise BankError(
            _("no bank files (*.yaml) found"),
            where=where,
            hint=_("put question banks in banks/, or run `examgen init DIR` for a sample workspace"),
        )
    questions: list[Question] = []
    problems: list[Problem] = []
    digest = hashlib.sha256()
    for path in files:
        try:
            data = read_input(path, BankError)
        except BankError as error:
            problems.extend(error.problems)
            continue
        # The fingerprint covers names and bytes, so renaming or editing a file changes it.
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        file_questions, file_problems = parse_bank_text(data, str(path), extra_types=extra_types)
        questions.extend(file_questions)
        problems.extend(file_problems)
    problems.extend(_duplicate_ids(questions))
    raise_if(problems, BankError)
    questions.sort(key=lambda q: q.id)
    return Bank(
        questions=tuple(questions),
        fingerprint="sha256:" + digest.hexdigest(),
        files=tuple(str(p) for p in files),
    )


def parse_bank_text(
    data: bytes | str, path: str, *, extra_types: Iterable[str] = ()
) -> tuple[list[Question], list[Problem]]:
    """Return the questions of one bank file and the problems found in it (pure)."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        return [], [
            Problem(path, _("not UTF-8 text (byte {offset})").format(offset=error.start), _("save the file as UTF-8"))
        ]
    try:
        items = load_yaml(text)
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        where = f"{path}:{line}" if line else path
        return [], [
            Problem(
                where,
                _("not valid YAML: {problem}").format(problem=yaml_problem(error)),
                "" if isinstance(error, UnsafeYamlError)
                else _("check indentation and quote text that contains ': ' or starts with a symbol"),
            )
        ]
    return check_bank_items(items, path, extra_types=extra_types)


def check_bank_items(
    items: object, path: str, *, extra_types: Iterable[str] = ()
) -> tuple[list[Question], list[Problem]]:
    """Return the questions of a bank file read as ``items`` and the problems found (pure)."""
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], [Problem(f"{path}:1", _("a bank file must be a list of questions (- id: …)"))]
    types = set(QUESTION_TYPES) | set(extra_types)
    questions: list[Question] = []
    problems: list[Problem] = []
    for index, item in enumerate(items, start=1):
        question, item_problems = _parse_question(item, path, index, types)
        problems.extend(item_problems)
        if question is not None:
            questions.append(question)
    problems.sort(key=_line_of)
    return questions, problems


def _line_of(problem: Problem) -> int:
    line = problem.where.rpartition(":")[2]
    return int(line) if line.isdigit() else 0


def _parse_question(
    item: object, path: str, index: int, types: set[str]
) -> tuple[Question | None, list[Problem]]:
    if not isinstance(item, LineMapping):
        return None, [Problem(f"{path}", _("item {index} is not a question mapping (id:, type:, …)").format(index=index))]
    line = item.line
    qid = str(item.get("id") or "").strip()
    label = qid or _("question {index}").format(index=index)
    problems: list[Problem] = []

    def at(key: str) -> str:
        return f"{path}:{item.key_lines.get(key, line)}"

    def add(key: str, what: str, hint: str = "") -> None:
        problems.append(Problem(at(key), f"{label}{colon()}{what}", hint))

    qtype = str(item.get("type") or "")
    objective = qtype in OBJECTIVE_TYPES
    for key in REQUIRED_OBJECTIVE if objective else REQUIRED:
        if key not in item or item[key] in (None, "", []):
            add(key, _("missing {key}").format(key=key), _("add `{key}:` to the question").format(key=key))
    for key in item:
        if key not in KNOWN_KEYS:
            add(key, _("unknown field {key!r}").format(key=key), _("known fields: {keys}").format(keys=listing(f"`{k}`" for k in KNOWN_KEYS)))

    if qtype and qtype not in types:
        add("type", _("unknown type {type!r}").format(type=qtype), _("use one of: {types}").format(types=listing(f"`{t}`" for t in sorted(types))))

    difficulty = item.get("difficulty")
    if difficulty is not None and (
        not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5
    ):
        add("difficulty", _("difficulty must be a whole number 1–5, not {value!r}").format(value=difficulty))

    points = _points(item.get("points"))
    if objective and item.get("points") is None:
        points = OBJECTIVE_DEFAULT_POINTS
    if item.get("points") is not None and points is None:
        add("points", _("points must be a positive number in half points, not {value!r}").format(value=item.get("points")))

    for key in ("stem", "question", "analysis", "source", "topic"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            add(key, _("{key} must be text, not {kind}").format(key=key, kind=type(value).__name__))

    key_points: list[KeyPoint] = []
    raw_points = item.get("key_points")
    if raw_points is not None and not isinstance(raw_points, list):
        add("key_points", _("key_points must be a list of `- text: … points: …`"))
    elif raw_points and not objective:
        for n, raw in enumerate(raw_points, start=1):
            kp_line = raw.line if isinstance(raw, LineMapping) else item.key_lines.get("key_points", line)
            where = f"{path}:{kp_line}"
            if not isinstance(raw, dict):
                problems.append(Problem(where, f"{label}{colon()}" + _("key point {number} must have text: and points:").format(number=n)))
                continue
            text = raw.get("text")
            kp_points = _points(raw.get("points"))
            if not isinstance(text, str) or not text.strip():
                problems.append(Problem(where, f"{label}{colon()}" + _("key point {number} has empty text").format(number=n)))
            if kp_points is None:
                problems.append(
                    Problem(
                        where,
                        f"{label}{colon()}"
                        + _("key point {number} points must be a positive number in half points, not {value!r}").format(
                            number=n, value=raw.get("points")),
                    )
                )
            if isinstance(text, str) and kp_points is not None:
                key_points.append(KeyPoint(text.strip(), kp_points))
        total = sum((kp.points for kp in key_points), Decimal(0))
        if points is not None and len(key_points) == len(raw_points) and total != points:
            add(
                "key_points",
                _("key points sum to {total}, question is worth {points}").format(
                    total=format_points(total), points=format_points(points)),
                _("make the key points add up to the question's points"),
            )

    options, answer = _objective_fields(item, qtype, add)

    tags = item.get("tags") or []
    if not isinstance(tags, list):
        add("tags", _("`tags` must be a list, e.g. `[话费, 安抚]`"))
        tags = []

    for key in ("question", "stem", "topic"):
        value = item.get(key)
        if isinstance(value, str) and value and not value.strip():
            add(key, _("{key} is blank").format(key=key))

    if problems:
        return None, problems
    return (
        Question(
            id=qid,
            type=qtype,
            topic=str(item["topic"]).strip(),
            difficulty=int(difficulty),  # type: ignore[arg-type]
            points=points,  # type: ignore[arg-type]
            stem=_text(item.get("stem")),
            question=_text(item.get("question")),
            key_points=tuple(key_points),
            analysis=_text(item.get("analysis")),
            source=_text(item.get("source")),
            tags=tuple(str(t) for t in tags),
            origin=Origin(path, line),
            options=options,
            answer=answer,
        ),
        [],
    )


def _objective_fields(item: LineMapping, qtype: str, add) -> tuple[tuple[str, ...], str]:
    """Return a question's options and normalised answer, reporting every rule it breaks."""
    objective = qtype in OBJECTIVE_TYPES
    if not objective:
        if qtype in QUESTION_TYPES:
            for key in ("options", "answer"):
                if item.get(key) not in (None, "", []):
                    add(
                        key,
                        _("{key} is only for objective questions ({types}), not {type}").format(
                            key=key, types=listing(OBJECTIVE_TYPES, code=True), type=qtype),
                        _("remove it, or change the type"),
                    )
        return (), ""
    if item.get("key_points") not in (None, []):
        add(
            "key_points",
            _("key_points are for judge-marked questions; a {type} question is scored from `answer`").format(type=qtype),
            _("remove key_points (put the explanation in `analysis`)"),
        )
    question = item.get("question")
    if isinstance(question, str) and (filled := FILLED_BRACKETS.search(question)):
        add(
            "question",
            _("the question shows its answer in brackets {brackets!r}").format(brackets=filled.group(0)),
            _("leave the brackets empty （　　）or leave them out; the answer goes in `answer:`"),
        )
    options = _options(item, qtype, add)
    raw = item.get("answer")
    if raw in (None, "", []):
        return options, ""
    if qtype == "true_false":
        return options, _true_false_answer(raw, add)
    return options, _choice_answer(raw, qtype, options, add)


def _options(item: LineMapping, qtype: str, add) -> tuple[str, ...]:
    raw = item.get("options")
    if qtype not in CHOICE_TYPES:
        if raw not in (None, []):
            add("options", _("a true_false question has no options"), _("remove `options:`"))
        return ()
    if raw in (None, []):
        add("options", _("missing options"), _("add `options:` with 2–8 choices, one `- text` a line"))
        return ()
    if not isinstance(raw, list):
        add("options", _("options must be a list, one `- text` a line"))
        return ()
    if not MIN_OPTIONS <= len(raw) <= len(OPTION_LETTERS):
        add(
            "options",
            _("{count} options; a choice question has {least} to {most}").format(
                count=len(raw), least=MIN_OPTIONS, most=len(OPTION_LETTERS)),
        )
    options: list[str] = []
    seen: dict[str, str] = {}
    for letter, value in zip(OPTION_LETTERS, raw, strict=False):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            add("options", _("option {letter} must be text, not {kind}").format(letter=letter, kind=type(value).__name__))
            options.append("")
            continue
        text = " ".join(str(value).split())
        if not text:
            add("options", _("option {letter} is empty").format(letter=letter))
        elif prefix := OPTION_LABEL_PREFIX.match(text):
            add(
                "options",
                _("option {letter} starts with a label {label!r}: {text!r}").format(
                    letter=letter, label=prefix.group(0).strip(), text=text),
                _("write the option text only; examgen labels options A, B, … by their order"),
            )
        elif text in seen:
            add("options", _("options {first} and {letter} are the same text {text!r}").format(
                first=seen[text], letter=letter, text=text))
        else:
            seen[text] = letter
        options.append(text)
    return tuple(options)


def _choice_answer(raw: object, qtype: str, options: tuple[str, ...], add) -> str:
    if isinstance(raw, list):
        text = "".join(str(v) for v in raw)
    elif isinstance(raw, str):
        text = raw
    else:
        add("answer", _("answer must be option letters such as B or ACD, not {value!r}").format(value=raw))
        return ""
    letters = text.translate(ANSWER_SEPARATORS).upper()
    labels = OPTION_LETTERS[: len(options)]
    if not letters or not letters.isalpha() or not letters.isascii():
        add("answer", _("answer must be option letters such as B or ACD, not {value!r}").format(value=raw))
        return ""
    bad = [c for c in letters if c not in labels]
    if bad and labels:
        add(
            "answer",
            _("answer {answer!r}: {letters} is not an option (options are {first}–{last})").format(
                answer=text, letters=listing(bad), first=labels[0], last=labels[-1]),
        )
    repeated = sorted({c for c in letters if letters.count(c) > 1})
    if repeated:
        add("answer", _("answer {answer!r} repeats {letters}").format(answer=text, letters=listing(repeated)))
    if qtype == "single_choice" and len(set(letters)) > 1:
        add(
            "answer",
            _("answer {answer!r} has {count} letters; a single_choice question has one right option").format(
                answer=text, count=len(set(letters))),
            _("give one letter, or change the type to multiple_choice"),
        )
    return "".join(sorted(set(letters)))


def _true_false_answer(raw: object, add) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    answer = TRUE_FALSE_ANSWERS.get(str(raw).strip().lower())
    if answer is None:
        add("answer", _("a true_false answer is true or false (`√`/`×`, `对`/`错`), not {value!r}").format(value=raw))
        return ""
    return answer


def _duplicate_ids(questions: list[Question]) -> list[Problem]:
    first: dict[str, Question] = {}
    problems = []
    for q in questions:
        if q.id in first:
            problems.append(
                Problem(
                    str(q.origin),
                    f"{q.id}{colon()}" + _("duplicate id, already used at {place}").format(place=first[q.id].origin),
                    _("give every question its own id"),
                )
            )
        else:
            first[q.id] = q
    return problems


def _points(value: object) -> Decimal | None:
    if type(value) is int:  # nearly every value: a few distinct ones, worked out once
        return _whole_points(value)
    return _checked_points(value)


@lru_cache(maxsize=64)
def _whole_points(value: int) -> Decimal | None:
    return _checked_points(value)


def _checked_points(value: object) -> Decimal | None:
    number = to_decimal(value) if not isinstance(value, str) else None
    if number is None or number <= 0 or not is_multiple(number, HALF):
        return None
    return number


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


# --- Writing ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Dump multi-line text as block scalars and keep Chinese readable."""

    def ignore_aliases(self, data: object) -> bool:
        # A bank file is edited by hand: never `&id001` anchors, even for shared values.
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format_points(value))


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(Decimal, _decimal_representer)


def question_record(question: Question) -> dict:
    """Return a question as the mapping written in a bank file, keys in the format's order."""
    record: dict = {
        "id": question.id,
        "type": question.type,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "points": question.points,
        "stem": question.stem,
        "question": question.question,
    }
    if question.options:
        record["options"] = list(question.options)
    if question.objective:
        record["answer"] = question.answer == "true" if question.type == "true_false" else question.answer
        if not question.stem:
            del record["stem"]
    else:
        record["key_points"] = [{"text": kp.text, "points": kp.points} for kp in question.key_points]
    if question.analysis:
        record["analysis"] = question.analysis
    if question.source:
        record["source"] = question.source
    if question.tags:
        record["tags"] = list(question.tags)
    return record


def dump_bank_yaml(questions: Iterable[Question]) -> str:
    """Return the text of a bank file holding ``questions``, in the canonical layout."""
    return dump_bank_items(questions)[0]


def dump_bank_items(questions: Iterable[Question], *, first_line: int = 1) -> tuple[str, list | None]:
    """Return dump_bank_yaml's text and the items load_yaml reads from it (lines from ``first_line``).

    The items are None when a question holds text the fast writer leaves to PyYAML;
    :func:`parse_bank_text` reads the text then.
    """
    from examgen.bank.bank_yaml import bank_yaml_items  # only imports write banks

    records = [question_record(q) for q in questions]
    # The same bytes as pyyaml_records_text with a blank line between questions (which
    # makes long banks readable in an editor), without PyYAML's event machinery.
    return bank_yaml_items(records, pyyaml_records_text, first_line=first_line, gap="\n")


def pyyaml_records_text(records: list[dict]) -> str:
    """Return question records as PyYAML's pure-Python dumper writes them (the reference)."""
    return yaml.dump(
        records,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


# --- Summaries -------------------------------------------------------------------------


def crosstab(bank: Bank, by: str) -> tuple[list[str], list[list[object]]]:
    """Return a table of question counts: one row per type, one column per ``by`` value.

    ``by`` is ``"topic"`` or ``"difficulty"``. The last row and column are totals.
    """
    types = sorted({q.type for q in bank.questions}, key=_type_order)
    values = sorted({getattr(q, by) for q in bank.questions}, key=_topic_order if by == "topic" else None)
    counts: dict[tuple[str, object], int] = {}
    for q in bank.questions:
        key = (q.type, getattr(q, by))
        counts[key] = counts.get(key, 0) + 1
    header = [_("type"), *[str(v) for v in values], _("total")]
    rows: list[list[object]] = []
    for t in types:
        row = [counts.get((t, v), 0) for v in values]
        rows.append([f"{t} {QUESTION_TYPES.get(t, '')}".strip(), *row, sum(row)])
    column_totals = [sum(counts.get((t, v), 0) for t in types) for v in values]
    rows.append([_("total"), *column_totals, len(bank.questions)])
    return header, rows


def _type_order(qtype: str) -> tuple[int, str]:
    order = list(QUESTION_TYPES)
    return (order.index(qtype) if qtype in order else len(order), qtype)


def _topic_order(topic: str) -> tuple[int, str]:
    return (TOPICS.index(topic) if topic in TOPICS else len(TOPICS), topic)
