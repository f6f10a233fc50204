"""The import report, for the exam officer who reviews an import (pure; in the current language).

It says what was found (per file, per section and type), what still needs a person (no
answer, points missing, topic unknown, validation problems), what was seen twice, and
every stretch of text that was not imported, with its line or paragraph number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from examgen.bank.importer.build import (
    BuildResult,
    Imported,
    NearDuplicate,
    Repeat,
    SectionCount,
    difficulty_unset_note,
    topic_unset_note,
)
from examgen.bank.importer.ledger import Ledger
from examgen.bank.importer.model import Annotation, Stretch
from examgen.errors import Problem
from examgen.i18n import _, colon, is_chinese, listing, ngettext, parenthesised
from examgen.models import QUESTION_TYPES, format_points

#: Skipped text longer than this is shown shortened; the location always says where all of it is.
SHOWN = 200


@dataclass(frozen=True)
class QuestionNote:
    """What a person must still do about one imported question."""

    id: str
    where: str
    text: str
    what: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """Everything the report shows, as data (``format_report`` makes the text)."""

    out: str
    questions: int
    ledgers: tuple[Ledger, ...]
    sections: tuple[SectionCount, ...]
    by_type: tuple[tuple[str, int], ...]
    no_answer: tuple[QuestionNote, ...]
    review: tuple[QuestionNote, ...]
    repeats: tuple[Repeat, ...]
    near_duplicates: tuple[NearDuplicate, ...]
    cut: tuple[Stretch, ...]
    skipped: tuple[Stretch, ...]
    removed: tuple[Annotation, ...]
    notes: tuple[str, ...]
    validation: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Return whether the bank written passes validation as it is."""
        return not self.validation


def make_report(
    built: BuildResult,
    ledgers: Sequence[Ledger],
    validation: Sequence[Problem],
    out: str,
    cut_reason: str,
) -> ImportReport:
    """Return the report of an import."""
    counts: dict[str, int] = {}
    for item in built.imported:
        counts[item.question.type] = counts.get(item.question.type, 0) + 1
    order = list(QUESTION_TYPES)
    by_type = tuple(
        sorted(counts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0]))
    )
    skipped: list[Stretch] = []
    cut: list[Stretch] = []
    for document in built.documents:
        for stretch in document.skipped:
            (cut if stretch.reason == cut_reason else skipped).append(stretch)
    return ImportReport(
        out=out,
        questions=len(built.imported),
        ledgers=tuple(ledgers),
        sections=tuple(built.sections),
        by_type=by_type,
        no_answer=tuple(_note(i, ()) for i in built.imported if not i.question.key_points and not i.question.answer),
        review=tuple(_note(i, i.review) for i in built.imported if _specific(i.review)),
        repeats=tuple(built.repeats),
        near_duplicates=tuple(built.near_duplicates),
        cut=tuple(cut),
        skipped=tuple(skipped),
        removed=tuple(a for d in built.documents for line in d.lines for a in line.removed),
        notes=tuple(built.notes),
        validation=tuple(validation),
    )


def _specific(review: Sequence[str]) -> tuple[str, ...]:
    """Return the review items that are about this question, not about every question."""
    general = (topic_unset_note(), difficulty_unset_note())
    return tuple(r for r in review if r not in general)


def _note(item: Imported, what: Sequence[str]) -> QuestionNote:
    text = item.question.question or item.question.stem
    return QuestionNote(item.question.id, _where(item), _short(text), _specific(what))


def _where(item: Imported) -> str:
    parsed = item.parsed
    return _("{place} (question {number})").format(place=parsed.where, number=parsed.number) if parsed.number else parsed.where


def _short(text: str, size: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _type_name(qtype: str | None) -> str:
    if qtype is None:
        return _("type unknown")
    name = QUESTION_TYPES.get(qtype)
    return f"{name}（{qtype}）" if name and is_chinese() else qtype


def _units(unit: str, count: int) -> str:
    """Return ``count`` of a document's units (lines, paragraphs, cells), in words."""
    if unit == "段":
        return ngettext("{count} paragraph", "{count} paragraphs", count).format(count=count)
    if unit == "单元格":
        return ngettext("{count} cell", "{count} cells", count).format(count=count)
    return ngettext("{count} line", "{count} lines", count).format(count=count)


def format_report(report: ImportReport, *, written: bool, full: bool = False) -> str:
    """Return the report as text for the terminal or a file; ``full`` shows long skipped text whole."""
    shown = (lambda text: _shown(text, None)) if full else _shown
    out: list[str] = []
    add = out.append
    if written:
        add(_("Import report: {count} questions imported (written to {path})").format(count=report.questions, path=report.out))
    else:
        add(_("Import report: {count} questions imported (dry run, {path} not written)").format(
            count=report.questions, path=report.out))
    add("")
    add(_("Files:"))
    for ledger in report.ledgers:
        count = _(
            "{units}, {characters} characters = {placed} imported + {consumed} numbers and labels"
            " + {skipped} skipped + {removed} pinyin and layout marks"
        ).format(
            units=_units(ledger.unit, ledger.units), characters=ledger.input, placed=ledger.placed,
            consumed=ledger.consumed, skipped=ledger.skipped, removed=ledger.removed,
        )
        state = _("the character count balances") if ledger.balanced else _(
            "the character count does not balance (please report this)")
        add(f"  {ledger.name}{colon()}{count}{parenthesised(state)}")
    add("")
    add(_("By section:"))
    if not report.sections:
        add("  " + _("(no section headings)"))
    for section in report.sections:
        if section.repeat_of:
            add("  " + _("{place} {title}: repeats the section at {first}; its repeated questions are imported once").format(
                place=section.where, title=section.title, first=section.repeat_of))
            continue
        if section.type is None and not section.per_question and section.where == section.file:
            add("  " + _("{file} {title}: {count} questions").format(file=section.file, title=section.title, count=section.count))
            continue
        if section.per_question:
            line = _("{place} {title} → {type}, {points} points each: {count} questions").format(
                place=section.where, title=section.title, type=_type_name(section.type),
                points=format_points(section.per_question), count=section.count)
        else:
            line = _("{place} {title} → {type}: {count} questions").format(
                place=section.where, title=section.title, type=_type_name(section.type), count=section.count)
        if section.announced is not None and section.announced != section.count:
            line += parenthesised(_("the heading says {count} questions; please check").format(count=section.announced))
        add("  " + line)
    add("")
    by_type = [_("{type} {count} questions").format(type=_type_name(t), count=n) for t, n in report.by_type]
    add(_("By type: {counts}").format(counts=_("; ").join(by_type) or _("none")))
    if report.notes:
        add("")
        add(_("Please note:"))
        for note in report.notes:
            add(f"  - {note}")
    _list(
        out,
        _("Questions without an answer"),
        [_("{id} ({place}) {text}").format(id=n.id, place=n.where, text=n.text) for n in report.no_answer],
    )
    _list(
        out,
        _("Questions a person must finish"),
        [
            _("{id} ({place}) {text}: {what}").format(id=n.id, place=n.where, text=n.text, what=_("; ").join(n.what))
            for n in report.review
        ],
    )
    _list(
        out,
        _("Repeats (imported once)"),
        [
            _("{place} is the same as {first}: {text}").format(
                place=r.where, first=f"{r.first}{parenthesised(r.id) if r.id else ''}", text=r.text)
            for r in report.repeats
        ],
    )
    _list(
        out,
        _("Near-duplicates (compare them)"),
        [
            _("{first} ({first_place}) and {second} ({second_place}): {how}").format(
                first=d.first, first_place=d.first_where, second=d.second, second_place=d.second_where,
                how=_("same question, different answers") if d.same_question
                else _("{percent}% alike").format(percent=int(d.ratio * 100)))
            for d in report.near_duplicates
        ],
    )
    _list(out, _("Questions cut off (not imported)"), [f"{s.where}{colon()}{shown(s.text)}" for s in report.cut])
    _list(
        out,
        _("Text skipped (not imported)"),
        [f"{s.where} [{_(s.reason)}]{colon()}{shown(s.text)}" for s in report.skipped],
    )
    if report.removed:
        examples = listing(sorted({a.text for a in report.removed})[:20])
        add("")
        add(_("Pinyin and layout marks removed: {count} (such as {examples})").format(
            count=len(report.removed), examples=examples))
    add("")
    if report.validation:
        add(_("Validation: the bank written still has {count} problems for a person to fix:").format(count=len(report.validation)))
        for problem in report.validation:
            add(f"  {problem}")
    else:
        add(_("Validation: passed (examgen bank validate finds no problem)"))
    return "\n".join(out) + "\n"


def _list(out: list[str], title: str, rows: Sequence[str]) -> None:
    if not rows:
        return
    out.append("")
    out.append(f"{title}{parenthesised(str(len(rows)))}{colon().rstrip()}")
    out.extend(f"  {row}" for row in rows)


def _shown(text: str, size: int | None = SHOWN) -> str:
    text = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    if size is None or len(text) <= size:
        return text
    return text[: size - 1] + "…" + parenthesised(_("{count} characters in all; see the --report file").format(count=len(text)))
