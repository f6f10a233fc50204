"""The import report, for the exam officer who reviews an import (pure; Chinese labels).

It says what was found (per file, per section and type), what still needs a person (no
answer, points missing, topic unknown, validation problems), what was seen twice, and
every stretch of text that was not imported, with its line or paragraph number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from examgen.bank.importer.build import BuildResult, Imported, NearDuplicate, Repeat, SectionCount
from examgen.bank.importer.ledger import Ledger
from examgen.bank.importer.model import Annotation, Stretch
from examgen.errors import Problem
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
    return tuple(r for r in review if not r.startswith(("主题未指定", "难度未指定")))


def _note(item: Imported, what: Sequence[str]) -> QuestionNote:
    text = item.question.question or item.question.stem
    return QuestionNote(item.question.id, _where(item), _short(text), _specific(what))


def _where(item: Imported) -> str:
    parsed = item.parsed
    return f"{parsed.where}（第{parsed.number}题）" if parsed.number else parsed.where


def _short(text: str, size: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _type_name(qtype: str | None) -> str:
    if qtype is None:
        return "题型未知"
    name = QUESTION_TYPES.get(qtype)
    return f"{name}（{qtype}）" if name else qtype


def format_report(report: ImportReport, *, written: bool, full: bool = False) -> str:
    """Return the report as text for the terminal or a file; ``full`` shows long skipped text whole."""
    shown = (lambda text: _shown(text, None)) if full else _shown
    out: list[str] = []
    add = out.append
    verb = "已写入" if written else "试运行，未写入"
    add(f"导入报告：共导入 {report.questions} 题（{verb} {report.out}）")
    add("")
    add("文件：")
    for ledger in report.ledgers:
        state = "字数核对一致" if ledger.balanced else "字数核对不一致（请报告此问题）"
        add(
            f"  {ledger.name}：{ledger.units} {ledger.unit}，{ledger.input} 字 = 导入 {ledger.placed}"
            f" + 题号/标记 {ledger.consumed} + 跳过 {ledger.skipped} + 注音/排版符号 {ledger.removed}"
            f"（{state}）"
        )
    add("")
    add("按部分统计：")
    if not report.sections:
        add("  （没有部分标题）")
    for section in report.sections:
        rule = f"，每题{format_points(section.per_question)}分" if section.per_question else ""
        if section.repeat_of:
            add(f"  {section.where} {section.title}：与 {section.repeat_of} 的部分重复，其中重复的题只导入一次")
            continue
        if section.type is None and not section.per_question and section.where == section.file:
            add(f"  {section.file} {section.title}：{section.count} 题")
            continue
        line = f"  {section.where} {section.title} → {_type_name(section.type)}{rule}：{section.count} 题"
        if section.announced is not None and section.announced != section.count:
            line += f"（标题说共 {section.announced} 题，请核对）"
        add(line)
    add("")
    add("按题型统计：" + ("；".join(f"{_type_name(t)} {n} 题" for t, n in report.by_type) or "无"))
    if report.notes:
        add("")
        add("请注意：")
        for note in report.notes:
            add(f"  - {note}")
    _list(out, "没有答案的题目", [f"{n.id}（{n.where}）{n.text}" for n in report.no_answer])
    _list(
        out,
        "需要人工处理的题目",
        [f"{n.id}（{n.where}）{n.text}：{'；'.join(n.what)}" for n in report.review],
    )
    _list(
        out,
        "重复（只导入一次）",
        [f"{r.where} 与 {r.first}{'（' + r.id + '）' if r.id else ''} 相同：{r.text}" for r in report.repeats],
    )
    _list(
        out,
        "疑似重复（请人工比较）",
        [
            f"{d.first}（{d.first_where}）与 {d.second}（{d.second_where}）"
            + ("题目相同、答案不同" if d.same_question else f"相似度 {int(d.ratio * 100)}%")
            for d in report.near_duplicates
        ],
    )
    _list(out, "截断的题目（未导入）", [f"{s.where}：{shown(s.text)}" for s in report.cut])
    _list(
        out,
        "跳过的文本（未导入）",
        [f"{s.where} [{s.reason}]：{shown(s.text)}" for s in report.skipped],
    )
    if report.removed:
        examples = "、".join(sorted({a.text for a in report.removed})[:20])
        add("")
        add(f"删去的拼音注音和排版符号：{len(report.removed)} 处（如 {examples}）")
    add("")
    if report.validation:
        add(f"校验：写出的题库还有 {len(report.validation)} 个问题需要人工处理：")
        for problem in report.validation:
            add(f"  {problem}")
    else:
        add("校验：通过（examgen bank validate 不会报错）")
    return "\n".join(out) + "\n"


def _list(out: list[str], title: str, rows: Sequence[str]) -> None:
    if not rows:
        return
    out.append("")
    out.append(f"{title}（{len(rows)}）：")
    out.extend(f"  {row}" for row in rows)


def _shown(text: str, size: int | None = SHOWN) -> str:
    text = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    if size is None or len(text) <= size:
        return text
    return text[: size - 1] + f"…（共 {len(text)} 字，见 --report 文件）"
