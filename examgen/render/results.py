"""Render the published results (成绩公示) as a Word document a 组委会 can post as it is.

Landscape A4: the contest's name and 成绩公示, who organises it, a sentence with the
number of contestants and how a score is computed, the 公示期 and whom to contact, the
ranking table (header repeated on every page, rows never split, 名次/姓名/奖项 columns
wide enough never to wrap), the award counts, a team table when contestants have units,
and the 落款 (organiser, date) with room for the seal. Nothing in it is an internal id.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from examgen.models import (
    ABSENT_TEXT,
    ContestantResult,
    ContestInfo,
    Part,
    Results,
    TeamResult,
    format_points,
)
from examgen.numbers import publish
from examgen.render.docx_base import (
    add_fixed_table,
    add_text_rows,
    cell_text,
    keep_row_together,
    open_reference,
    paragraph,
    repeat_header_row,
    save_stable,
    text_width,
)

NOTICE_TITLE = "成绩公示"
#: One character cell of the table text (五号, 10.5 pt) in EMU, and a cell's side padding.
_CHAR = Pt(10.5)
_PADDING = Pt(12)
#: Columns that must never wrap: their width is their longest text.
_NO_WRAP = ("名次", "准考证号", "姓名", "总分", "奖项", "团体成绩")


def results_docx_bytes(
    results: Results, teams: Sequence[TeamResult] = (), *, title: str, date: datetime.date,
    info: ContestInfo | None = None, method: str = "",
) -> bytes:
    """Return the .docx bytes of the 成绩公示 of ``results``, dated ``date``.

    ``title`` names the paper (or contest); ``info`` the contest, its organiser, 公示期
    and contact; ``method`` how a score was computed, as one clause (三名评委评分取平均).
    """
    info = info or ContestInfo()
    document = open_reference(None)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Pt(56)
    section.top_margin = section.bottom_margin = Pt(50)

    heading = info.name or title
    paragraph(document, heading, style="试卷标题")
    subtitle = NOTICE_TITLE if heading == title else f"{title}{NOTICE_TITLE}"
    paragraph(document, subtitle, style="试卷副标题")
    hosts = "　".join(
        text for text in (
            f"主办单位：{info.organizer}" if info.organizer else "",
            f"承办单位：{info.host}" if info.host else "",
        ) if text
    )
    if hosts:
        paragraph(document, hosts, style="表格文字")

    absent = sum(1 for row in results.rows if row.absent)
    sat = len(results.rows) - absent
    counts = f"本次共有{sat}名选手参加" + (f"，缺考{absent}人" if absent else "")
    body = paragraph(
        document,
        f"{title}评阅工作已经完成。{counts}，满分{format_points(results.maximum)}分。"
        f"{method}。现将成绩公示如下：".replace("。。", "。"),
        style="评分说明",
    )
    body.paragraph_format.first_line_indent = Pt(21)
    notice = _notice_text(info)
    if notice:
        paragraph(document, notice, style="评分说明").paragraph_format.first_line_indent = Pt(21)

    _ranking_table(document, results)
    awards = "、".join(f"{a.name}{a.count}人" for a in results.awards if a.count)
    if awards:
        paragraph(document, f"获奖情况：{awards}。", style="评分说明")
    if teams:
        paragraph(document, "团体成绩", style="试卷副标题").paragraph_format.keep_with_next = True
        _team_table(document, results, teams)

    _closing(document, info, date)
    return save_stable(document, title=f"{heading} {NOTICE_TITLE}")


def _notice_text(info: ContestInfo) -> str:
    parts = []
    if info.notice_from and info.notice_to:
        parts.append(f"公示期：{_date_text(info.notice_from)}至{_date_text(info.notice_to)}。")
    if info.contact or info.phone:
        who = info.contact or "组委会"
        phone = f"（电话：{info.phone}）" if info.phone else ""
        parts.append(f"公示期内如对成绩有异议，请以书面形式向{who}{phone}提出。")
    elif parts:
        parts.append("公示期内如对成绩有异议，请以书面形式向组委会提出。")
    return "".join(parts)


def _date_text(value: str | datetime.date) -> str:
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def _closing(document, info: ContestInfo, date: datetime.date) -> None:
    """Write the 落款: room for the seal, then organiser and date, kept together on one page."""
    lines = ["", "", info.organizer or "大赛组委会", "（盖章）", _date_text(date)]
    for index, text in enumerate(lines):
        closing = paragraph(document, text, style="评分说明")
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closing.paragraph_format.right_indent = Pt(42)
        if index < len(lines) - 1:
            closing.paragraph_format.keep_with_next = True


def _part_header(part: Part) -> str:
    if part.type:
        return f"{part.key}、{part.name}"
    if part.weight is not None:
        return f"{part.name}（{format_points(part.weight * 100)}%）"
    return part.name


def _number(value: Decimal | None, precision: int) -> str:
    if value is None:
        return "—"
    return _published_text(value, precision)


@lru_cache(maxsize=4096)
def _published_text(value: Decimal, precision: int) -> str:
    # Equal values publish alike, whatever their exponent; scores repeat across 2,000 rows.
    return format(publish(value, precision), "f")


def _row_values(row: ContestantResult, precision: int, parts: int) -> list[str]:
    contestant = row.contestant
    head = [str(row.rank) if row.rank is not None else "—", contestant.id, contestant.name, contestant.unit]
    if row.absent:
        return [*head, *["—"] * parts, ABSENT_TEXT, ""]
    return [
        *head,
        *[_number(score, precision) for score in row.part_scores],
        _number(row.total, precision),
        row.award,
    ]


def _remark(row: ContestantResult) -> str:
    if row.absent:
        return "缺考，不参加排名"
    return "成绩待复核，不参加排名" if row.excluded else ""


def _ranking_table(document, results: Results) -> None:
    remarks = any(row.excluded and not row.absent for row in results.rows)
    headers = ["名次", "准考证号", "姓名", "单位", *[_part_header(p) for p in results.parts], "总分", "奖项"]
    rows = [_row_values(row, results.precision, len(results.parts)) for row in results.rows]
    if remarks:
        headers.append("备注")
        for values, row in zip(rows, results.rows, strict=True):
            values.append(_remark(row))
    flexible = [headers.index("单位")] + ([len(headers) - 1] if remarks else [])
    _table(document, headers, rows, flexible)


def _team_table(document, results: Results, teams: Sequence[TeamResult]) -> None:
    names = {row.contestant.id: row.contestant.name for row in results.rows}
    headers = ["名次", "单位", "团体成绩", "计入成绩的选手"]
    rows = [
        [
            str(team.rank) if team.rank is not None else "—", team.unit,
            _number(team.score, results.precision), "、".join(names.get(i, i) for i in team.counted),
        ]
        for team in teams
    ]
    _table(document, headers, rows, [1, 3])


def _table(document, headers: list[str], rows: list[list[str]], flexible: list[int]) -> None:
    """Add a table whose fixed columns fit their longest text and the flexible ones share the rest."""
    available = text_width(document)
    natural = [
        max(_text_width(text) for text in [header, *(r[i] for r in rows)]) + _PADDING
        for i, header in enumerate(headers)
    ]
    widths = list(natural)
    if sum(widths) > available:
        for i, header in enumerate(headers):
            if header not in _NO_WRAP and i not in flexible:
                # Score columns: the figures never wrap; a long heading may take two lines.
                figures = max((_text_width(r[i]) for r in rows), default=0)
                widths[i] = max(figures, _text_width(header) // 2 + _CHAR) + _PADDING
    fixed = sum(w for i, w in enumerate(widths) if i not in flexible)
    rest = max(available - fixed, 0)
    wanted = sum(widths[i] for i in flexible) or 1
    for i in flexible:
        widths[i] = int(rest * widths[i] / wanted)
    table = add_fixed_table(document, 1, [int(w) for w in widths])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True)
    _row_properties(table.rows[0], header=True)
    add_text_rows(table, rows)


def _text_width(text: str) -> int:
    """Return the width of ``text`` in the table font: a Chinese character is one em, others half."""
    cells = len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))
    return int(_CHAR * cells / 2)


_WIDE = re.compile("[\u2e81-\U0010ffff]")  # characters one em wide


def _row_properties(row, *, header: bool = False) -> None:
    """Keep a row on one page; repeat a header row at the top of every page."""
    keep_row_together(row)
    if header:
        repeat_header_row(row)
