"""results.xlsx: the ranking, per-question detail, per-judge marks, teams and notes.

Every sheet opens readable: columns as wide as their header and content, the header row
frozen and repeated on every printed page, A4 landscape one page wide. Scores are the
published figures (exact values rounded once); a draft says 草稿（未经复核）in every
sheet's title and printed header, and lists what is still pending.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from examgen.grading.objective import shown_response
from examgen.grading.publication import DRAFT_MARK
from examgen.models import (
    ABSENT_TEXT,
    FLAG_LABELS,
    Results,
    Scores,
    TeamResult,
    format_points,
)
from examgen.numbers import publish
from examgen.xlsx_writer import BORDER_BOX, FILL_HEADER, FONT_BOLD, FONT_TITLE, Style, XlsxBook
from examgen.xlsxio import get_column_letter
from examgen.yamlio import paused_gc

_MAX_WIDTH = 60
_TITLE = Style(font=FONT_TITLE)
_HEADER = Style(font=FONT_BOLD, fill=FILL_HEADER, border=BORDER_BOX, horizontal="center", vertical="center", wrap=True)


def _number_format(precision: int) -> str:
    return "0." + "0" * precision if precision > 0 else "0"


def display_width(text: str) -> int:
    """Return how many character cells ``text`` takes: 2 for a Chinese character, 1 otherwise."""
    return len(text) + len(_WIDE.findall(text)) if not text.isascii() else len(text)


_WIDE = re.compile("[\u2e81-\U0010ffff]")


def _write_table(
    workbook: XlsxBook, name: str, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
    *, widths: Sequence[int], number_format: str, draft: bool = False, freeze: str = "A3",
    general_columns: range = range(0), column_alignments: Mapping[int, Style] | None = None,
) -> None:
    """Add sheet ``name`` holding a titled table: strings as text, Decimals and ints as numbers.

    Body cells in ``general_columns`` (1-based) show numbers as typed;
    ``column_alignments`` gives some columns' body cells an alignment (a Style's
    horizontal, vertical and wrap).
    """
    last = get_column_letter(max(len(headers), 1))
    if draft:
        title = f"{DRAFT_MARK} {title}"
    # Columns as wide as their header and content (as shown: Decimals rounded to the format).
    longest = max((len(values) for values in rows), default=0)
    fitted = [display_width(h) for h in headers] + [0] * max(longest - len(headers), 0)
    places = len(number_format.partition(".")[2])
    shown: dict[object, int] = {}
    texts: dict[str, int] = {}  # the width of each distinct text (names, labels, flags repeat)
    for values in rows:
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                width = texts.get(value)
                if width is None:
                    width = texts[value] = len(value) if value.isascii() else display_width(value)
            elif kind is not Decimal:
                width = display_width(str(value))
            elif number_format == "General":
                width = display_width(format(value, "f"))
            else:
                width = shown.get(value)
                if width is None:
                    width = shown[value] = display_width(format(publish(value, places), "f"))
            if width > fitted[col]:
                fitted[col] = width
    ws = workbook.add_sheet(
        name, freeze=freeze, print_title_rows="2:2", merged=f"A1:{last}1",
        odd_header=f"&C&14 &KC00000{DRAFT_MARK}" if draft else "", odd_footer="&C第 &P 页 共 &N 页",
        # A width asked for above the cap (a column of long notes) is kept as asked.
        widths=[
            min(max(width, (fitted[col] if col < len(fitted) else 0) + 2), max(width, _MAX_WIDTH))
            for col, width in enumerate(widths)
        ],
    )
    ws.append([(title, _TITLE)])
    ws.append([(label, _HEADER) for label in headers])

    # One style per kind of body cell and column.
    alignments = column_alignments or {}

    def style(format_: str, alignment: Style | None = None) -> Style:
        if alignment is None:
            return Style(border=BORDER_BOX, number_format=format_)
        return alignment._replace(border=BORDER_BOX, number_format=format_)

    columns = range(max(len(headers) + 2, longest + 1))
    # Past the header's columns every cell takes the last column's style, as before.
    plain = [style("General", alignments.get(min(col, len(headers) + 1))) for col in columns]
    numeric = [
        plain[col] if min(col, len(headers) + 1) in general_columns
        else style(number_format, alignments.get(min(col, len(headers) + 1)))
        for col in columns
    ]
    for values in rows:
        ws.append_values(values, plain, numeric)


def _flags_text(flags) -> str:
    labels: list[str] = []
    for flag in flags:
        label = FLAG_LABELS.get(flag.code, flag.code)
        text = f"{flag.question_label} {label}".strip()
        if text not in labels:
            labels.append(text)
    return "；".join(labels)


@paused_gc()  # hundreds of thousands of cells' strings and tuples, none in a cycle
def results_xlsx_bytes(
    results: Results, teams: Sequence[TeamResult], details: Sequence[tuple[str, Scores]], *,
    title: str, date: str, timestamp: datetime.datetime,
    notes: Sequence[tuple[str, str]] = (), draft: bool = False, pending: Sequence[str] = (),
) -> bytes:
    """Return results.xlsx: sheets 排名, 明细 and 评委 (one pair per form or round), 团体, 说明.

    ``details`` are the per-question scores to show, each with a label ("" for a single
    form, else the form or round) that names its 明细 and 评委 sheets. ``notes`` are the
    说明 rows. A ``draft`` is marked 草稿（未经复核）on every sheet and gets a 待办 sheet
    listing ``pending``.
    """
    workbook = XlsxBook(timestamp=timestamp)
    number_format = _number_format(results.precision)
    part_headers = [_part_header(p) for p in results.parts]
    headers = ["名次", "准考证号", "姓名", "单位", *part_headers, "总分", "奖项", "备注"]
    rows = []
    for row in results.rows:
        if row.absent:
            rows.append([
                None, row.contestant.id, row.contestant.name, row.contestant.unit,
                *[None] * len(part_headers), ABSENT_TEXT, None, _flags_text(row.flags),
            ])
            continue
        rows.append([
            row.rank, row.contestant.id, row.contestant.name, row.contestant.unit,
            *row.part_scores, row.total, row.award,
            ("未排名；" if row.excluded else "") + _flags_text(row.flags),
        ])
    _write_table(
        workbook, "排名", f"{title} 成绩排名（{date}）", headers, rows,
        widths=[6, 16, 10, 22, *[12] * len(part_headers), 9, 9, 30], number_format=number_format,
        draft=draft, freeze="E3",
    )

    for label, scores in details:
        _detail_sheet(workbook, _sheet_name("明细", label), scores, title, number_format, draft)
        _judges_sheet(workbook, _sheet_name("评委", label), scores, title, number_format, draft)
        if any(q.answer for q in scores.questions):
            _objective_sheet(workbook, _sheet_name("客观题", label), scores, title, draft)

    names = {row.contestant.id: row.contestant.name for row in results.rows}
    _write_table(
        workbook, "团体", f"{title} 团体成绩", ["名次", "单位", "成绩", "计入人数", "参赛人数", "计入选手", "备注"],
        [
            [
                t.rank, t.unit, t.score, len(t.counted), t.members,
                "、".join(f"{names.get(i, '')}（{i}）" for i in t.counted), _flags_text(t.flags),
            ]
            for t in teams
        ],
        widths=[6, 24, 10, 9, 9, 40, 24], number_format=number_format, draft=draft, freeze="C3",
    )

    if draft:
        _write_table(
            workbook, "待办", f"{title} 尚待完成的评分（{len(pending)}项）", ["序号", "待办"],
            [[i, line] for i, line in enumerate(pending, start=1)],
            widths=[6, 60], number_format="General", draft=True,
        )
    _write_table(
        workbook, "说明", f"{title} 统分说明", ["项目", "内容"], [list(row) for row in notes],
        widths=[16, 90], number_format="General", draft=draft,
        column_alignments={2: Style(vertical="top", wrap=True)},
    )
    return workbook.to_bytes()


def _sheet_name(base: str, label: str) -> str:
    """Return a valid, short sheet name: Excel allows 31 characters and no []:*?/\\."""
    if not label:
        return base
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", label)
    return f"{base}-{cleaned}"[:31]


def _part_header(part) -> str:
    if part.type:
        return f"{part.key}、{part.name}（{format_points(part.maximum)}分）"
    weight = f" ×{format_points(part.weight * 100)}%" if part.weight is not None else ""
    return f"{part.name}{weight}"


def _detail_sheet(workbook: XlsxBook, name: str, scores: Scores, title: str, number_format: str, draft: bool) -> None:
    headers = ["准考证号", "姓名", "单位", *[f"{q.shown_label} {q.id}（{format_points(q.points)}分）" for q in scores.questions], "备注"]
    rows = []
    for contestant_scores in scores.contestants:
        c = contestant_scores.contestant
        answers = {a.question.label: a for a in contestant_scores.answers}
        if contestant_scores.absent:
            rows.append([c.id, c.name, c.unit, *[None] * len(scores.questions), ABSENT_TEXT])
            continue
        finals = [
            _published(answers[q.label].final, scores.precision) if q.label in answers else None
            for q in scores.questions
        ]
        flags = [f for a in contestant_scores.answers for f in a.flags]
        rows.append([c.id, c.name, c.unit, *finals, _flags_text(flags)])
    _write_table(
        workbook, name, f"{title} 各题得分（各题为显示四舍五入，总分按精确值计算）", headers, rows,
        widths=[16, 10, 22, *[11] * len(scores.questions), 30], number_format=number_format,
        draft=draft, freeze="D3",
    )


def _published(value, precision: int) -> Decimal | None:
    return None if value is None else _published_value(value, precision)


@lru_cache(maxsize=4096)
def _published_value(value, precision: int) -> Decimal:
    # Equal exact values publish alike; a contest's scores take few distinct values.
    return publish(value, precision)


def _judges_sheet(workbook: XlsxBook, name: str, scores: Scores, title: str, number_format: str, draft: bool) -> None:
    judges = list(scores.judges)
    # 三评 and 仲裁 exist only under double marking.
    follow_ups = ["third", "arbitration"] if scores.policy == "double_marking" else []
    headers = [
        "准考证号", "姓名", "题号", "试题编号", "满分", *judges,
        *[_KIND_HEADERS[k] for k in follow_ups], "最终得分", "计分方式", "标记",
    ]
    rows = []
    for contestant_scores in scores.contestants:
        c = contestant_scores.contestant
        if contestant_scores.absent:
            continue
        for answer in contestant_scores.answers:
            if answer.method == "objective":
                continue  # no judge marks: the 客观题 sheet shows these answers
            regular = {m.judge: m.value for m in answer.marks if m.kind == "regular"}
            others = {m.kind: m.value for m in answer.marks if m.kind != "regular"}
            rows.append([
                c.id, c.name, answer.question.shown_label, answer.question.id, answer.question.points,
                *[regular.get(j) for j in judges], *[others.get(k) for k in follow_ups],
                _published(answer.final, scores.precision), _METHOD_LABELS.get(answer.method, answer.method), _flags_text(answer.flags),
            ])
    marks_end = 5 + len(judges) + len(follow_ups)
    # Marks are exact half points: show them as typed, not padded to the precision.
    _write_table(
        workbook, name, f"{title} 评委评分", headers, rows,
        widths=[16, 10, 7, 10, 6, *[8] * (marks_end - 5), 9, 12, 30], number_format=number_format,
        draft=draft, freeze="D3", general_columns=range(5, marks_end + 1),
    )


def _objective_sheet(workbook: XlsxBook, name: str, scores: Scores, title: str, draft: bool = False) -> None:
    """Write each contestant's objective answers, each marked 对, 错 or 部分 (partly right)."""
    questions = [q for q in scores.questions if q.answer]
    headers = [
        "准考证号", "姓名",
        *[f"{q.shown_label}（{shown_response(q.answer)}）" for q in questions], "答对题数", "客观题得分",
    ]  # fmt: skip
    rows = []
    for contestant_scores in scores.contestants:
        c = contestant_scores.contestant
        answers = {a.question.label: a for a in contestant_scores.answers}
        cells: list[object] = []
        right, total = 0, Fraction(0)
        for q in questions:
            answer = answers.get(q.label)
            if answer is None or answer.final is None:
                cells.append("")
                continue
            kind = "对" if answer.final == q.points else ("部分" if answer.final > 0 else "错")
            right += kind == "对"
            total += Fraction(answer.final)
            cells.append(f"{shown_response(answer.response)} {kind}")
        rows.append([c.id, c.name, *cells, right, publish(total, scores.precision)])
    _write_table(
        workbook, name, f"{title} 卷{scores.form} 客观题作答（表头括号内为标准答案）", headers, rows,
        widths=[16, 10, *[11] * len(questions), 9, 10], number_format="General", draft=draft,
    )


_KIND_HEADERS = {"third": "三评", "arbitration": "仲裁"}
_METHOD_LABELS = {
    "mean": "平均",
    "median": "中位数",
    "trimmed_mean": "去高低后平均",
    "agreed": "双评平均",
    "third": "三评",
    "arbitration": "仲裁",
    "objective": "客观题",
}

