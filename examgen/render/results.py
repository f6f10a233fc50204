"""Render the published results (成绩公示) as a Word table: rank, contestant, scores, award."""

from __future__ import annotations

import datetime
from decimal import Decimal

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from examgen.models import ContestantResult, Part, Results, format_points
from examgen.numbers import round_half_up
from examgen.render.docx_base import (
    add_fixed_table,
    cell_text,
    open_reference,
    paragraph,
    repeat_header_row,
    save_stable,
    text_width,
)

NOTICE_TITLE = "成绩公示"
#: More score columns than this and the table goes on a landscape page.
_PORTRAIT_PARTS = 2


def results_docx_bytes(results: Results, *, title: str, date: datetime.date) -> bytes:
    """Return the .docx bytes of the 成绩公示 of ``results``, dated ``date``."""
    document = open_reference(None)
    if len(results.parts) > _PORTRAIT_PARTS:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width

    paragraph(document, title, style="试卷标题")
    paragraph(document, NOTICE_TITLE, style="试卷副标题")
    ranked = len(results.ranked)
    paragraph(
        document,
        f"现将{title}成绩公示如下（共 {len(results.rows)} 人，排名 {ranked} 人，满分 "
        f"{format_points(results.maximum)} 分）。",
        style="评分说明",
    )

    any_excluded = any(row.excluded for row in results.rows)
    headers = ["名次", "准考证号", "姓名", "单位", *[_part_header(p) for p in results.parts], "总分", "奖项"]
    if any_excluded:
        headers.append("备注")
    table = add_fixed_table(document, 1, _column_widths(document, len(results.parts), any_excluded))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True)
    repeat_header_row(table.rows[0])
    for row in results.rows:
        values = _row_values(row, results.precision)
        if any_excluded:
            values.append("成绩不完整，不参加排名" if row.excluded else "")
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell_text(cell, text)

    awards = "、".join(f"{a.name} {a.count} 人" for a in results.awards if a.count)
    if awards:
        paragraph(document, f"获奖情况：{awards}。", style="评分说明")
    paragraph(document, "公示期间如有异议，请向统分组提出。", style="评分说明")
    closing = paragraph(document, f"{date.year}年{date.month}月{date.day}日", style="评分说明")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return save_stable(document, title=f"{title} {NOTICE_TITLE}")


def _part_header(part: Part) -> str:
    if part.type:
        return f"{part.key}、{part.name}"
    if part.weight is not None:
        return f"{part.name}（{format_points(part.weight * 100)}%）"
    return part.name


def _number(value: Decimal | None, precision: int) -> str:
    if value is None:
        return "—"
    return format(round_half_up(value, precision), "f")


def _row_values(row: ContestantResult, precision: int) -> list[str]:
    contestant = row.contestant
    return [
        str(row.rank) if row.rank is not None else "—",
        contestant.id,
        contestant.name,
        contestant.unit,
        *[_number(score, precision) for score in row.part_scores],
        _number(row.total, precision),
        row.award,
    ]


def _column_widths(document, parts: int, remarks: bool) -> list[int]:
    """Return column widths (EMU): fixed shares for the named columns, the rest for scores."""
    width = text_width(document)
    # 名次, 准考证号, 姓名, 单位 … 总分, 奖项, 备注, as shares of the text width.
    head = [0.06, 0.13, 0.08, 0.16]
    tail = [0.08, 0.08] + ([0.14] if remarks else [])
    rest = max(1 - sum(head) - sum(tail), 0.12 * parts)
    shares = head + [rest / parts] * parts + tail if parts else head + tail
    total = sum(shares)
    return [int(width * share / total) for share in shares]
