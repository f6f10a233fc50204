"""Turn parsed documents into bank questions: types, points, ids, repeats, near-duplicates (pure)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from rapidfuzz import fuzz

from examgen.bank.importer import markers as mk
from examgen.bank.importer.model import (
    ParsedDocument,
    ParsedKeyPoint,
    ParsedQuestion,
    ParsedSection,
    Piece,
    Stretch,
)
from examgen.bank.importer.normalise import simplified_shadow, to_simplified
from examgen.i18n import N_, _
from examgen.models import (
    CHOICE_TYPES,
    OBJECTIVE_TYPES,
    QUESTION_TYPES,
    REVIEW_TAG,
    KeyPoint,
    Origin,
    Question,
    format_points,
)
from examgen.numbers import is_multiple

HALF = Decimal("0.5")
#: Id prefixes of the sample banks, by type; other types use IMP.
ID_PREFIXES = {
    "short_answer": "SA", "case_analysis": "CA", "practical": "PR", "interview": "IV",
    "single_choice": "SC", "multiple_choice": "MC", "true_false": "TF",
}
DEFAULT_PREFIX = "IMP"
UNSORTED_TOPIC = "未分类"
DEFAULT_DIFFICULTY = 3
#: How alike two questions must be to be reported as near-duplicates.
NEAR_DUPLICATE = Decimal("0.85")

SKIP_REPEAT = N_("repeat (the same as the question at {first}), imported once")


@dataclass(frozen=True)
class ImportOptions:
    """What the command line adds to the documents: defaults and id numbering."""

    type: str | None = None
    topic: str | None = None
    id_prefix: str | None = None
    points: Decimal | None = None
    simplified: bool = False
    #: Ids already used in the workspace: new ids continue after them.
    existing_ids: frozenset[str] = frozenset()
    #: Questions already in the workspace, to report near-duplicates of them.
    existing: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Imported:
    """One imported question, where it came from, and what a person must still check."""

    question: Question
    parsed: ParsedQuestion
    review: tuple[str, ...] = ()
    #: The type word and rule it was read from, e.g. 实训操作题（每道题10分）.
    section_title: str = ""


@dataclass(frozen=True)
class Repeat:
    """A question (or section) seen a second time and imported once."""

    where: str
    first: str
    id: str
    text: str


@dataclass(frozen=True)
class NearDuplicate:
    """Two questions that differ by a few characters."""

    first: str
    first_where: str
    second: str
    second_where: str
    ratio: Decimal
    same_question: bool = False


@dataclass(frozen=True)
class SectionCount:
    """How many questions a section gave, against what its rule announced."""

    file: str
    title: str
    where: str
    type: str | None
    per_question: Decimal | None
    count: int
    announced: int | None
    repeat_of: str = ""


@dataclass
class BuildResult:
    """The questions of all documents, and what the report says about them."""

    imported: list[Imported] = field(default_factory=list)
    documents: list[ParsedDocument] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    sections: list[SectionCount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_questions(documents: Sequence[ParsedDocument], options: ImportOptions) -> BuildResult:
    """Return bank questions for the parsed ``documents``; repeats become skipped stretches."""
    result = BuildResult()
    first_of: dict[str, ParsedQuestion] = {}
    repeats: list[tuple[ParsedQuestion, ParsedQuestion]] = []
    numbering = _IdNumbering(options)
    ids: dict[int, str] = {}
    for document in documents:
        kept: list[ParsedQuestion] = []
        extra_skipped: list[Stretch] = []
        for parsed in document.questions:
            key = _exact_key(parsed)
            first = first_of.get(key)
            if first is not None:
                reason = _(SKIP_REPEAT).format(first=_label(first))
                extra_skipped.append(Stretch(reason, parsed.where, parsed.all_pieces()))
                repeats.append((parsed, first))
                continue
            first_of[key] = parsed
            kept.append(parsed)
        counts = _section_counts(document, kept)
        for parsed in kept:
            imported = _to_question(parsed, document, counts, options, numbering)
            result.imported.append(imported)
            ids[id(parsed)] = imported.question.id
        skipped = sorted(
            (*document.skipped, *extra_skipped), key=lambda s: (s.pieces[0].line, s.pieces[0].start)
        )
        result.documents.append(replace(document, skipped=tuple(skipped), questions=tuple(kept)))
        result.sections.extend(_section_summary(document, kept, counts))
    result.repeats = [
        Repeat(_label(parsed), _label(first), ids.get(id(first), ""), _short(_text(parsed.question)))
        for parsed, first in repeats
    ]
    result.near_duplicates = _near_duplicates(result.imported, options.existing)
    result.notes = _general_notes(result.imported, options)
    return result


def _label(parsed: ParsedQuestion) -> str:
    """Return where a question is, with its number: ``a.txt:12（第3题）``."""
    return _("{place} (question {number})").format(place=parsed.where, number=parsed.number) if parsed.number else parsed.where


# --- Fields --------------------------------------------------------------------------------------


def _text(pieces: Sequence[Piece]) -> str:
    """Return the text of ``pieces``: lines stripped, empty lines dropped, dialogue one turn a line."""
    lines: list[str] = []
    current: list[str] = []
    previous: int | None = None
    for piece in pieces:
        if previous is not None and piece.line != previous:
            lines.append("".join(current))
            current = []
        current.append(piece.text)
        previous = piece.line
    if current:
        lines.append("".join(current))
    result: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        shadow = simplified_shadow(line)
        cuts = [m.start() for m in mk.TURN_START.finditer(shadow) if m.start() > 0]
        start = 0
        for cut in cuts:
            result.append(line[start:cut].strip())
            start = cut
        result.append(line[start:].strip())
    return "\n".join(r for r in result if r)


def _verbatim_text(pieces: Sequence[Piece]) -> str:
    """Return the text of a cell's pieces as written, blank lines kept."""
    parts: list[str] = []
    previous: int | None = None
    for piece in pieces:
        if previous is not None:
            parts.append("\n" * max(piece.line - previous, 0) if piece.line != previous else "")
        parts.append(piece.text)
        previous = piece.line
    return "".join(parts).strip()


def key_point_text(kp: ParsedKeyPoint) -> str:
    """Return a key point's text on one line (the bank writes key points as one-line scalars)."""
    parts = [p.text.strip() for p in kp.pieces if p.text.strip()]
    text = ""
    for part in parts:
        if text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            text += " "
        text += part
    return text


def _short(text: str, size: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _exact_key(parsed: ParsedQuestion) -> str:
    """Return what makes two questions the same: all their text, whitespace and script aside."""
    text = "|".join(
        [
            _text(parsed.stem),
            _text(parsed.question),
            *(key_point_text(kp) for kp in parsed.key_points),
            _text(parsed.analysis),
        ]
    )
    key = re.sub(r"\s+", "", simplified_shadow(text))
    # A bank sheet may hold the same text twice under two ids: both are questions of the bank.
    return f"{parsed.id}#{key}" if parsed.verbatim else key


# --- Types, points, ids -------------------------------------------------------------------------


def resolve_type(value: str) -> str | None:
    """Return the question type a user means by ``value`` (``case_analysis`` or 案例分析), or None."""
    value = value.strip()
    if value in QUESTION_TYPES:
        return value
    for qtype, name in QUESTION_TYPES.items():
        if value == name:
            return qtype
    found, _ = mk.type_from_words(simplified_shadow(value))
    return found


def _section_counts(document: ParsedDocument, kept: Sequence[ParsedQuestion]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for parsed in kept:
        index = _section_index(document, parsed)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    return counts


def _section_index(document: ParsedDocument, parsed: ParsedQuestion) -> int | None:
    index = parsed.section
    if index is None:
        return None
    repeat = document.sections[index].repeat_of
    return repeat if repeat is not None else index


def _section_points(section: ParsedSection, count: int) -> Decimal | None:
    if section.per_question is not None:
        return section.per_question
    if section.total is not None and count:
        per = section.total / count
        if is_multiple(per, HALF):
            return per
    return None


class _IdNumbering:
    """Ids ``<prefix>-001…`` per prefix, continuing after the workspace's highest."""

    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self.next: dict[str, int] = {}
        self.used = set(options.existing_ids)

    def new(self, qtype: str) -> str:
        prefix = self.options.id_prefix or ID_PREFIXES.get(qtype, DEFAULT_PREFIX)
        if prefix not in self.next:
            pattern = re.compile(rf"{re.escape(prefix)}-(\d+)")
            highest = max(
                (int(m.group(1)) for i in self.used if (m := pattern.fullmatch(i))), default=0
            )
            self.next[prefix] = highest + 1
        while True:
            candidate = f"{prefix}-{self.next[prefix]:03d}"
            self.next[prefix] += 1
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


def split_points(total: Decimal, given: Sequence[Decimal | None]) -> tuple[list[Decimal], str]:
    """Return points for each key point: given ones kept, the rest share what is left in half points.

    The second value says what is wrong ("" when the points add up to ``total``).
    """
    known = sum((g for g in given if g is not None), Decimal(0))
    open_count = sum(1 for g in given if g is None)
    if open_count == 0:
        if known != total:
            return [g for g in given if g is not None], (
                _("the key points add up to {known} points, the question is worth {total}").format(
                    known=format_points(known), total=format_points(total))
            )
        return [g for g in given if g is not None], ""
    rest = total - known
    if rest <= 0 or not is_multiple(rest, HALF):
        return [g if g is not None else Decimal(0) for g in given], (
            _("the key points' points cannot be shared out: the question is worth {total}, {known} are marked").format(
                total=format_points(total), known=format_points(known))
        )
    halves = int(rest / HALF)
    base, extra = divmod(halves, open_count)
    shares: list[Decimal] = []
    for k in range(open_count):
        shares.append(Decimal(base + (1 if k < extra else 0)) * HALF)
    problem = ""
    if base == 0:
        problem = _("more key points than half points: {count} key points share {rest} points, some get 0").format(
            count=open_count, rest=format_points(rest))
    it = iter(shares)
    return [g if g is not None else next(it) for g in given], problem


def _to_question(
    parsed: ParsedQuestion,
    document: ParsedDocument,
    counts: dict[int, int],
    options: ImportOptions,
    numbering: _IdNumbering,
) -> Imported:
    review: list[str] = []
    index = _section_index(document, parsed)
    section = document.sections[index] if index is not None else None
    # -- type
    if parsed.verbatim and parsed.type:
        qtype = parsed.type
    else:
        qtype = (
            (section.type if section else None)
            or parsed.type
            or options.type
            or document.title_type
            or mk.type_from_words(simplified_shadow(document.name))[0]
        )
        found = _objective_kind(parsed)
        if found and qtype in CHOICE_TYPES and found in CHOICE_TYPES:
            if qtype == "single_choice" and found == "multiple_choice":
                review.append(_("the answer of a single choice question has several letters ({answer}); imported as multiple choice").format(
                    answer=parsed.choice))
                qtype = found
        elif found and qtype != found:
            qtype = found
        if qtype is None:
            qtype = "short_answer"
            review.append(_("type not recognised; imported as a short answer question (give it with --type)"))
    if qtype in OBJECTIVE_TYPES:
        return _objective_question(parsed, document, section, counts, index, qtype, options, numbering, review)
    # -- points
    points = parsed.points
    given = [kp.points for kp in parsed.key_points]
    if points is None and section is not None:
        points = _section_points(section, counts.get(index, 0) if index is not None else 0)
    if points is None and given and all(g is not None for g in given):
        points = sum((g for g in given if g is not None), Decimal(0))
    if points is None and options.points is not None:
        points = options.points
    key_points: list[KeyPoint] = []
    texts = [key_point_text(kp) for kp in parsed.key_points]
    if options.simplified:
        texts = [to_simplified(t) for t in texts]
    if points is None:
        review.append(_("points missing: neither the document nor the section gives them; fill in `points` (or import with --points)"))
        points = Decimal(0)
        key_points = [KeyPoint(t, g if g is not None else Decimal(0)) for t, g in zip(texts, given, strict=True)]
    elif parsed.key_points:
        shares, problem = split_points(points, given)
        if problem:
            review.append(problem)
        key_points = [KeyPoint(t, s) for t, s in zip(texts, shares, strict=True)]
    if not parsed.key_points:
        review.append(_("no answer (key points): write the `key_points`"))
    # -- text
    if parsed.verbatim:
        stem, question, analysis = (
            _verbatim_text(parsed.stem),
            _verbatim_text(parsed.question),
            _verbatim_text(parsed.analysis),
        )
    else:
        stem, question, analysis = _text(parsed.stem), _text(parsed.question), _text(parsed.analysis)
    if options.simplified:
        stem, question, analysis = to_simplified(stem), to_simplified(question), to_simplified(analysis)
    if not question:
        review.append(_("the question asked (`question`) was not found; take it out of the scenario"))
    if qtype == "interview" and not analysis:
        review.append(_("an interview question needs an `analysis`; write it"))
    qid, topic, source, tags = _metadata(parsed, qtype, options, section, document, numbering, review)
    difficulty = parsed.difficulty or DEFAULT_DIFFICULTY
    line_number = document.lines[parsed.all_pieces()[0].line].number if parsed.all_pieces() else 0
    question_obj = Question(
        id=qid,
        type=qtype,
        topic=topic,
        difficulty=difficulty,
        points=points,
        stem=stem,
        question=question,
        key_points=tuple(key_points),
        analysis=analysis,
        source=source,
        tags=tuple(tags),
        origin=Origin(document.name, line_number),
    )
    title = section.title if section else ""
    return Imported(question_obj, parsed, tuple(review), title)


def _objective_kind(parsed: ParsedQuestion) -> str | None:
    """Return the objective type the document shows: options (one letter or more), or a verdict."""
    if parsed.options:
        return "multiple_choice" if len(parsed.choice) > 1 else "single_choice"
    if parsed.choice in ("true", "false"):
        return "true_false"
    return None


def _objective_question(
    parsed: ParsedQuestion,
    document: ParsedDocument,
    section: ParsedSection | None,
    counts: dict[int, int],
    index: int | None,
    qtype: str,
    options: ImportOptions,
    numbering: _IdNumbering,
    review: list[str],
) -> Imported:
    """Return a choice or true/false question: options and answer, no key points."""
    points = parsed.points
    if points is None and section is not None:
        points = _section_points(section, counts.get(index, 0) if index is not None else 0)
    points = points or options.points or Decimal(1)
    texts = tuple(_text(option) for option in parsed.options)
    stem, question, analysis = _text(parsed.stem), _text(parsed.question), _text(parsed.analysis)
    if options.simplified:
        texts = tuple(to_simplified(t) for t in texts)
        stem, question, analysis = to_simplified(stem), to_simplified(question), to_simplified(analysis)
    if qtype in CHOICE_TYPES and not texts:
        review.append(_("no options (A, B, C…) found; write the `options`"))
    if not parsed.choice:
        review.append(_("no answer found; fill in the `answer`"))
    qid, topic, source, tags = _metadata(parsed, qtype, options, section, document, numbering, review)
    line_number = document.lines[parsed.all_pieces()[0].line].number if parsed.all_pieces() else 0
    question_obj = Question(
        id=qid,
        type=qtype,
        topic=topic,
        difficulty=parsed.difficulty or DEFAULT_DIFFICULTY,
        points=points,
        stem=stem,
        question=question,
        key_points=(),
        analysis=analysis,
        source=source,
        tags=tags,
        origin=Origin(document.name, line_number),
        options=texts if qtype in CHOICE_TYPES else (),
        answer=parsed.choice,
    )
    return Imported(question_obj, parsed, tuple(review), section.title if section else "")


def _section_topic(section: ParsedSection | None) -> str:
    """Return the topic a section heading names (一、投诉处理), or "" when it names a type."""
    if section is None or section.type is not None or not section.name:
        return ""
    if mk.is_typed_heading(simplified_shadow(section.name)):
        return ""
    return section.name


# --- Report material -----------------------------------------------------------------------------


def _section_summary(
    document: ParsedDocument, kept: Sequence[ParsedQuestion], counts: dict[int, int]
) -> list[SectionCount]:
    rows: list[SectionCount] = []
    for index, section in enumerate(document.sections):
        repeat = ""
        if section.repeat_of is not None:
            repeat = document.sections[section.repeat_of].where
        rows.append(
            SectionCount(
                file=document.name,
                title=section.title,
                where=section.where,
                type=section.type,
                per_question=section.per_question,
                count=counts.get(index, 0) if section.repeat_of is None else 0,
                announced=section.count
                or (
                    int(section.total / section.per_question)
                    if section.total and section.per_question
                    and is_multiple(section.total / section.per_question, Decimal(1))
                    else None
                ),
                repeat_of=repeat,
            )
        )
    if any(p.section is None for p in kept):
        rows.append(
            SectionCount(
                file=document.name,
                title=_("(no section heading)"),
                where=document.name,
                type=None,
                per_question=None,
                count=sum(1 for p in kept if p.section is None),
                announced=None,
            )
        )
    return rows


def _comparable(question: Question) -> str:
    text = simplified_shadow(question.stem + question.question)
    return re.sub(r"[\s\W_]+", "", text)


def _grams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


#: Rarest 3-character runs of a question used to find its candidates, and how many
#: questions a run may appear in and still count: runs found in many questions say nothing.
_SIGNATURE_GRAMS = 16
_COMMON_GRAM = 100


def _near_duplicates(
    imported: Sequence[Imported], existing: Sequence[Question]
) -> list[NearDuplicate]:
    """Return, for each imported question, the most similar earlier (or existing) question.

    Candidates share one of their rarest 3-character runs, so each question is compared
    with a few others, not the whole bank: the work grows linearly with the bank. The
    similarity is rapidfuzz's normalised Indel similarity (``fuzz.ratio``), in C.
    """
    entries = [(q, str(q.origin), _comparable(q)) for q in existing]
    entries += [(i.question, _label(i.parsed), _comparable(i.question)) for i in imported]
    first_new = len(existing)
    grams = [_grams(text) for _, _, text in entries]
    frequency: Counter[str] = Counter()
    for gram_set in grams:
        frequency.update(gram_set)
    index: dict[str, list[int]] = {}
    found: list[NearDuplicate] = []
    cutoff = float(NEAR_DUPLICATE) * 100
    for a, (question, where, text) in enumerate(entries):
        signature = sorted((frequency[g], g) for g in grams[a] if frequency[g] <= _COMMON_GRAM)
        shared: Counter[int] = Counter()
        for _frequency, gram in signature[:_SIGNATURE_GRAMS]:
            bucket = index.setdefault(gram, [])
            shared.update(bucket)
            bucket.append(a)
        if a < first_new or not text:
            continue
        best: tuple[Decimal, int] | None = None
        for b, _shared in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            score = fuzz.ratio(text, entries[b][2], score_cutoff=cutoff)
            ratio = Decimal(str(round(score / 100, 2)))
            if score and ratio >= NEAR_DUPLICATE and (best is None or ratio > best[0]):
                best = (ratio, b)
        if best is not None:
            ratio, b = best
            other_question, other_where, other_text = entries[b]
            found.append(
                NearDuplicate(
                    first=other_question.id,
                    first_where=other_where,
                    second=question.id,
                    second_where=where,
                    ratio=ratio,
                    same_question=text == other_text,
                )
            )
    return found


def _general_notes(imported: Sequence[Imported], options: ImportOptions) -> list[str]:
    notes: list[str] = []
    loose = [i for i in imported if not i.parsed.verbatim]
    if not loose:
        return notes
    if loose and all(i.question.topic == UNSORTED_TOPIC for i in loose):
        notes.append(
            _("every question's topic is set to “{topic}” for now: change each to a topic of the bank, "
              "or import again with --topic").format(topic=UNSORTED_TOPIC)
        )
    if all(i.parsed.difficulty is None for i in loose):
        notes.append(_("every question's difficulty is set to {difficulty} for now: check each").format(
            difficulty=DEFAULT_DIFFICULTY))
    notes.append(_("the questions a person must check carry the tag “{tag}”; remove it once checked").format(tag=REVIEW_TAG))
    return notes


def topic_unset_note() -> str:
    """Return the review note of a question whose topic no one gave."""
    return _("topic not given, set to “{topic}” for now").format(topic=UNSORTED_TOPIC)


def difficulty_unset_note() -> str:
    """Return the review note of a question whose difficulty no one gave."""
    return _("difficulty not given, set to {difficulty} for now").format(difficulty=DEFAULT_DIFFICULTY)


def _metadata(parsed, qtype: str, options, section, document, numbering, review: list[str]):
    """Return (id, topic, source, tags) of a parsed question; note what a reviewer must fill in.

    A sheet examgen exported (``verbatim``) is taken as written, id and source included;
    anything else gets a new id, the section's topic, and the 导入待审 tag when
    ``review`` (which this extends) holds anything.
    """
    if parsed.verbatim:
        topic = parsed.topic or options.topic or UNSORTED_TOPIC
        return parsed.id or numbering.new(qtype), topic, parsed.source, tuple(parsed.tags)
    topic = options.topic or parsed.topic or _section_topic(section) or UNSORTED_TOPIC
    if topic == UNSORTED_TOPIC:
        review.append(topic_unset_note())
    if parsed.difficulty is None:
        review.append(difficulty_unset_note())
    tags = tuple(parsed.tags)
    if review and REVIEW_TAG not in tags:
        tags = (*tags, REVIEW_TAG)
    return numbering.new(qtype), topic, parsed.source or document.name, tags
