"""analysis.xlsx: the analysis as tables, with native Excel charts (openpyxl.chart).

Sheets: 概况 (key figures, 分数段 with a histogram, sections), 单位, 试题分析 (with a
difficulty–discrimination chart), 选项分析 (choice questions, when there are any),
评委 (severity with a bar chart, judge × question deviations), 一致性 (ICCs) and 关注.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from examgen.analysis.measures import ICC_READINGS
from examgen.analysis.model import ITEM_FLAGS, POLICY_NAMES, Analysis, Summary
from examgen.xlsxio import BOLD, BORDER, CENTER, HEADER_FILL, set_text, workbook_bytes


def analysis_xlsx_bytes(analysis: Analysis, *, date: str, timestamp: datetime.datetime) -> bytes:
    """Return analysis.xlsx of ``analysis`` as bytes (the same analysis gives the same bytes)."""
    workbook = Workbook()
    _overview(workbook.active, analysis, date)
    _units(workbook.create_sheet("单位"), analysis)
    _items(workbook.create_sheet("试题分析"), analysis)
    if analysis.options:
        _options(workbook.create_sheet("选项分析"), analysis)
    _judges(workbook.create_sheet("评委"), analysis)
    _agreement(workbook.create_sheet("一致性"), analysis)
    _attention(workbook.create_sheet("关注"), analysis)
    return workbook_bytes(workbook, timestamp=timestamp)


def _value(cell, value: object, number_format: str = "0.00") -> None:
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, float) and math.isnan(value):
        set_text(cell, "—")
    elif value is not None:
        cell.value = value
        if isinstance(value, float):
            cell.number_format = number_format
    cell.border = BORDER


def _table(
    ws: Worksheet, row: int, headers: Sequence[str], rows: Sequence[Sequence[object]],
    *, formats: Sequence[str] | None = None, title: str = "",
) -> int:
    """Write a table with a bold header at ``row`` (after an optional title); return the next free row."""
    if title:
        set_text(ws.cell(row, 1), title)
        ws.cell(row, 1).font = Font(bold=True, size=12)
        row += 1
    ws.row_dimensions[row].height = 30  # room for two-line headers
    for col, label in enumerate(headers, start=1):
        cell = ws.cell(row, col)
        set_text(cell, label)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
    for r, values in enumerate(rows, start=row + 1):
        for col, value in enumerate(values, start=1):
            _value(ws.cell(r, col), value, (formats[col - 1] if formats else "0.00") or "0.00")
    return row + len(rows) + 2


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _summary_row(summary: Summary) -> list[object]:
    return [
        summary.name, summary.maximum, summary.count, summary.mean, summary.sd, summary.median,
        summary.highest, summary.lowest, summary.score_rate, summary.pass_rate,
    ]


_SUMMARY_HEADERS = ["项目", "满分", "人数", "平均分", "标准差", "中位数", "最高分", "最低分", "得分率", "及格率"]
_SUMMARY_FORMATS = ["", "0.##", "0", "0.00", "0.00", "0.00", "0.##", "0.##", "0.0%", "0.0%"]


def _overview(ws: Worksheet, analysis: Analysis, date: str) -> None:
    ws.title = "概况"
    set_text(ws.cell(1, 1), f"{analysis.title} 成绩分析")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    facts = [
        ("试卷", analysis.paper_id),
        ("日期", date),
        ("参赛人数", analysis.contestants),
        ("参加统计人数（成绩完整）", analysis.analysed),
        ("评分方式", POLICY_NAMES.get(analysis.policy, analysis.policy)),
        ("及格线", f"{analysis.total.pass_mark:g}分"),
    ]
    for alpha in analysis.reliability:
        facts.append((f"信度 Cronbach α（{alpha.form}卷，{alpha.contestants}人）", alpha.alpha))
    for r, (label, value) in enumerate(facts, start=3):
        set_text(ws.cell(r, 1), label)
        ws.cell(r, 1).font = BOLD
        _value(ws.cell(r, 2), value, "0.000")
    row = 3 + len(facts) + 1
    row = _table(ws, row, _SUMMARY_HEADERS, [_summary_row(analysis.total)] + [_summary_row(s) for s in analysis.sections],
                 formats=_SUMMARY_FORMATS, title="分数统计")
    band_start = row + 1
    bands = [[b.label, b.count, b.count / analysis.total.count if analysis.total.count else math.nan]
             for b in analysis.total.bands]
    row = _table(ws, row, ["分数段", "人数", "比例"], bands, formats=["", "0", "0.0%"], title="总分分数段")
    chart = BarChart()
    chart.type = "col"
    chart.title = "总分分数段人数"
    chart.y_axis.title = "人数"
    chart.legend = None
    data = Reference(ws, min_col=2, min_row=band_start, max_row=band_start + len(bands))
    labels = Reference(ws, min_col=1, min_row=band_start + 1, max_row=band_start + len(bands))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.height, chart.width = 7, 14
    _show_axes(chart)
    ws.add_chart(chart, f"E{band_start - 1}")
    _widths(ws, [30, 14, 8, 10, 10, 10, 10, 10, 10, 10])


def _show_axes(chart) -> None:
    """Draw both axes: openpyxl leaves them to the reader's default, and recent Excel hides them."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # category labels below the bars, also below negative ones


def _units(ws: Worksheet, analysis: Analysis) -> None:
    rows = [[u.unit, u.count, u.mean, u.best] for u in analysis.units]
    _table(ws, 1, ["单位", "人数", "平均分", "最高分"], rows, formats=["", "0", "0.00", "0.##"])
    _widths(ws, [24, 8, 10, 10])
    ws.freeze_panes = "A2"


def _items(ws: Worksheet, analysis: Analysis) -> None:
    double = analysis.policy == "double_marking"
    headers = ["题号", "试题编号", "卷别", "题型", "满分", "人数", "平均分", "标准差", "难度P（得分率）",
               "区分度D", "高分组得分率", "低分组得分率", "题总相关（校正）", "删除该题后α", "提示"]
    formats = ["", "", "", "", "0.##", "0", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.000", ""]
    if double:
        headers += ["三评率", "仲裁率"]
        formats += ["0.0%", "0.0%"]
    rows = []
    for item in analysis.items:
        row = [item.label, item.id, item.form, item.section_name, item.points, item.count, item.mean, item.sd,
               item.p, item.d, item.upper_rate, item.lower_rate, item.item_total_r, item.alpha_if_deleted,
               "；".join(ITEM_FLAGS[f] for f in item.flags)]
        if double:
            row += [item.third_rate, item.arbitration_rate]
        rows.append(row)
    _table(ws, 1, headers, rows, formats=formats)
    ws.freeze_panes = "C2"
    _widths(ws, [8, 12, 6, 12, 6, 6, 8, 8, 10, 9, 10, 10, 10, 10, 36, 8, 8])
    if rows:
        chart = ScatterChart()
        chart.title = "难度与区分度"
        chart.style = 13
        chart.x_axis.title = "难度P（得分率）"
        chart.y_axis.title = "区分度D"
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, 1
        finite = [i.d for i in analysis.items if not math.isnan(i.d)]
        chart.y_axis.scaling.min = min([-0.2, *finite])
        chart.y_axis.scaling.max = 1
        chart.legend = None
        xs = Reference(ws, min_col=9, min_row=2, max_row=len(rows) + 1)
        ys = Reference(ws, min_col=10, min_row=2, max_row=len(rows) + 1)
        series = Series(ys, xs, title="试题")
        series.marker.symbol = "circle"
        series.marker.size = 7
        series.marker.graphicalProperties.solidFill = "2F5597"
        series.marker.graphicalProperties.line.solidFill = "2F5597"
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
        chart.height, chart.width = 8, 14
        _show_axes(chart)
        ws.add_chart(chart, f"B{len(rows) + 4}")


def _options(ws: Worksheet, analysis: Analysis) -> None:
    rows = []
    for table in analysis.options:
        for share in table.options:
            rows.append([table.label, table.key, share.letter + ("（答案）" if share.is_key else ""),
                         share.overall, share.upper, share.lower,
                         "高分组选择多于正确答案" if share.letter in table.suspicious else ""])
    _table(ws, 1, ["题号", "答案", "选项", "全体", "高分组", "低分组", "提示"], rows,
           formats=["", "", "", "0.0%", "0.0%", "0.0%", ""])
    _widths(ws, [8, 8, 12, 10, 10, 10, 28])


def _judges(ws: Worksheet, analysis: Analysis) -> None:
    rows = [[j.judge, j.answers, j.severity, j.severity_sd, j.correlation, j.flagged_share,
             "偏宽" if j.severity > 0.05 else "偏严" if j.severity < -0.05 else "适中"]
            for j in analysis.judges]
    after = _table(ws, 1, ["评委", "评分份数", "宽严度（分）", "宽严度标准差", "与其他评委相关", "分差过大比例", "倾向"],
                   rows, formats=["", "0", "+0.00;-0.00;0.00", "0.00", "0.00", "0.0%", ""])
    set_text(ws.cell(after - 1, 1), "宽严度：该评委给分与同一答卷其他评委平均分之差的平均，正为偏宽，负为偏严。")
    if rows:
        chart = BarChart()
        chart.type = "col"
        chart.title = "评委宽严度（分）"
        chart.legend = None
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
        chart.height, chart.width = 7, 14
        _show_axes(chart)
        ws.add_chart(chart, "I1")
    grid_row = max(after + 1, 17)
    headers = ["评委", *analysis.judge_questions]
    grid = [[j.judge, *j.by_question] for j in analysis.judges]
    _table(ws, grid_row, headers, grid, formats=["", *["+0.00;-0.00;0.00"] * len(analysis.judge_questions)],
           title="评委 × 试题：平均偏差（分）")
    _widths(ws, [12, 10, 12, 12, 14, 12, 8] + [8] * max(0, len(headers) - 7))


def _agreement(ws: Worksheet, analysis: Analysis) -> None:
    rows = []
    for row in analysis.iccs:
        icc = row.icc
        if icc is None:
            rows.append([row.label, None, None, math.nan, math.nan, math.nan, math.nan, row.reading])
        else:
            rows.append([row.label, icc.targets, icc.judges, icc.icc1_1, icc.icc2_1, icc.icc3_1, icc.icc2_k, row.reading])
    after = _table(ws, 1, ["题号", "人数", "评委数", "ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(2,k)", "一致性"], rows,
                   formats=["", "0", "0", "0.00", "0.00", "0.00", "0.00", ""])
    bounds = "；".join(
        f"{label}：ICC(2,1) ≥ {bound:g}" if bound > -1 else f"{label}：ICC(2,1) < 0.5"
        for bound, label in ICC_READINGS
    )
    set_text(ws.cell(after - 1, 1), f"判读（Koo & Li 2016）：{bounds}。ICC(2,k) 为 k 位评委平均分的信度。")
    _widths(ws, [10, 8, 8, 10, 10, 10, 10, 10])


def _attention(ws: Worksheet, analysis: Analysis) -> None:
    lines = analysis.attention or ("没有需要特别关注的试题和评委。",)
    _table(ws, 1, ["需要关注"], [[line] for line in lines])
    _widths(ws, [100])
