"""成绩分析报告.docx: the analysis written as a report an organiser can hand in.

Title, an overview paragraph with the key figures, the distribution, units, item
analysis, judge consistency, charts (PNG from :mod:`examgen.analysis.charts`) and the
list of questions and judges that need attention. Built on the reference document of
:mod:`examgen.render.docx_base`, so an office's fonts and letterhead apply.
"""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from examgen.analysis.charts import Chart
from examgen.analysis.measures import icc_reading
from examgen.analysis.model import ITEM_FLAGS, POLICY_NAMES, Analysis
from examgen.render.docx_base import (
    add_fixed_table,
    cell_text,
    open_reference,
    paragraph,
    save_stable,
    text_width,
)

REPORT_TITLE = "成绩分析报告"
_CHINESE_ORDINALS = "一二三四五六七八九十"


def alpha_reading(alpha: float) -> str:
    """Return 好 (α ≥ 0.8), 一般 (0.6–0.8) or 差 (< 0.6); 无法计算 for NaN."""
    if math.isnan(alpha):
        return "无法计算"
    return "好" if alpha >= 0.8 else "一般" if alpha >= 0.6 else "差"


def report_docx_bytes(
    analysis: Analysis, charts: Sequence[Chart], *, date: datetime.date, font_note: str = ""
) -> bytes:
    """Return 成绩分析报告.docx of ``analysis`` with its ``charts`` (same inputs, same bytes)."""
    document = open_reference(None)
    width = text_width(document)
    by_name = {c.name: c for c in charts}
    heading = _Headings(document)

    paragraph(document, analysis.title, style="试卷标题")
    paragraph(document, REPORT_TITLE, style="试卷副标题")

    heading("总体情况")
    paragraph(document, _overview(analysis), style="评分说明")
    if font_note:
        paragraph(document, font_note, style="评分说明")

    heading("成绩分布")
    rows = [["项目", "满分", "人数", "平均分", "标准差", "中位数", "最高分", "最低分", "及格率"]]
    for s in (analysis.total, *analysis.sections):
        rows.append([s.name, _g(s.maximum), str(s.count), _f(s.mean), _f(s.sd), _f(s.median), _g(s.highest),
                     _g(s.lowest), _pct(s.pass_rate)])
    _table(document, rows, width, shares=(1.6, 1, 1, 1, 1, 1, 1, 1, 1))
    total = analysis.total
    bands = [["分数段", *[b.label for b in total.bands]], ["人数", *[str(b.count) for b in total.bands]],
             ["比例", *[_pct(b.count / total.count if total.count else math.nan) for b in total.bands]]]
    _table(document, bands, width)
    for name in ("histogram", "sections"):
        if name in by_name:
            _picture(document, by_name[name])

    if analysis.units:
        heading("各单位成绩")
        rows = [["单位", "人数", "平均分", "最高分"]]
        rows += [[u.unit, str(u.count), _f(u.mean), _g(u.best)] for u in analysis.units]
        _table(document, rows, width, shares=(0.4, 0.15, 0.2, 0.2))

    heading("试题分析")
    paragraph(
        document,
        "难度 P 为平均得分率（平均分 ÷ 满分），越大越容易；区分度 D 为总分前 27% 选手与后 27% 选手"
        "在该题上的得分率之差；题总相关为该题得分与其余各题总分的相关系数。P 大于 0.9 为偏易，"
        "小于 0.2 为偏难；D 小于 0.2 为区分度弱，小于 0 为负区分。试卷信度 Cronbach α 不低于 0.8 为好，"
        "0.6～0.8 为一般，低于 0.6 为差；“删题后α”明显高于全卷 α 的试题与其他试题测的不是同一种能力。",
        style="评分说明",
    )
    double = analysis.policy == "double_marking"
    head = ["题号", "题型", "满分", "平均分", "难度P", "区分度D", "题总相关", "删题后α", "提示"]
    if double:
        head[-1:-1] = ["三评率", "仲裁率"]
    rows = [head]
    shares = [0.8, 1.7, 0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 1.8]
    if double:
        shares[-1:-1] = [0.9, 0.9]
    for item in analysis.items:
        row = [item.label, item.section_name, _g(item.points), _f(item.mean), _f(item.p), _f(item.d),
               _f(item.item_total_r), _f(item.alpha_if_deleted),
               "、".join(ITEM_FLAGS[f].split("（")[0] for f in item.flags) or "—"]
        if double:
            row[-1:-1] = [_pct(item.third_rate), _pct(item.arbitration_rate)]
        rows.append(row)
    _table(document, rows, width, shares=shares)
    if "items" in by_name:
        _picture(document, by_name["items"])
    if analysis.options:
        paragraph(document, "选择题选项分析（高分组、低分组各占 27%）：", style="评分说明")
        rows = [["题号", "答案", "选项", "全体", "高分组", "低分组"]]
        for table in analysis.options:
            for share in table.options:
                rows.append([table.label, table.key, share.letter + ("*" if share.is_key else ""),
                             _pct(share.overall), _pct(share.upper), _pct(share.lower)])
        _table(document, rows, width)

    heading("评委评分一致性")
    paragraph(
        document,
        "宽严度为评委给分与同一份答卷其他评委平均分之差的平均（分），正为偏宽，负为偏严；"
        "相关为该评委给出的选手总分与其他评委平均总分的相关系数。组内相关系数 ICC 按 Shrout 与 Fleiss（1979）"
        "计算：ICC(2,1) 表示单个评委评分的一致性，ICC(2,k) 表示 k 位评委平均分的一致性；"
        "ICC(2,1) 不低于 0.75 为好，0.5～0.75 为一般，低于 0.5 为差。",
        style="评分说明",
    )
    rows = [["评委", "评分份数", "宽严度", "标准差", "与其他评委相关", "分差过大比例"]]
    rows += [[j.judge, str(j.answers), _signed(j.severity), _f(j.severity_sd), _f(j.correlation),
              _pct(j.flagged_share)] for j in analysis.judges]
    if analysis.judges:
        _table(document, rows, width)
    if "judges" in by_name:
        _picture(document, by_name["judges"])
    rows = [["题号", "ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(2,k)", "一致性"]]
    for row in analysis.iccs:
        icc = row.icc
        rows.append([row.label, *(["—"] * 4 if icc is None else [_f(icc.icc1_1), _f(icc.icc2_1), _f(icc.icc3_1),
                                                                 _f(icc.icc2_k)]), row.reading])
    _table(document, rows, width)

    heading("需要关注的试题和评委")
    if analysis.attention:
        for line in analysis.attention:
            paragraph(document, f"● {line}", style="评分说明")
    else:
        paragraph(document, "本次竞赛没有需要特别关注的试题和评委。", style="评分说明")

    closing = paragraph(document, f"{date.year}年{date.month}月{date.day}日", style="评分说明")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return save_stable(document, title=f"{analysis.title} {REPORT_TITLE}")


class _Headings:
    """Numbered section headings 一、二、三、 in the 大题标题 style."""

    def __init__(self, document) -> None:
        self.document = document
        self.count = 0

    def __call__(self, text: str) -> None:
        self.count += 1
        paragraph(self.document, f"{_CHINESE_ORDINALS[self.count - 1]}、{text}", style="大题标题")


def _overview(analysis: Analysis) -> str:
    total = analysis.total
    parts = [
        f"本次考试（{analysis.title}）共有 {analysis.contestants} 名选手参加，"
        + (f"其中 {analysis.analysed} 名选手成绩完整，参加本分析。" if analysis.analysed != analysis.contestants
           else "全部参加本分析。"),
        f"试卷满分 {_g(total.maximum)} 分，平均分 {_f(total.mean)} 分（得分率 {_pct(total.score_rate)}），"
        f"标准差 {_f(total.sd)} 分，中位数 {_f(total.median)} 分，最高分 {_g(total.highest)} 分，"
        f"最低分 {_g(total.lowest)} 分；以 {_g(total.pass_mark)} 分为及格线，及格率 {_pct(total.pass_rate)}。",
        f"评分方式为{POLICY_NAMES.get(analysis.policy, analysis.policy)}。",
    ]
    for alpha in analysis.reliability:
        form = f"{alpha.form}卷" if len(analysis.reliability) > 1 else "试卷"
        parts.append(f"{form}信度（Cronbach α）为 {_f(alpha.alpha)}，{alpha_reading(alpha.alpha)}。")
    overall = next((r for r in analysis.iccs if r.label == "总分"), None)
    if overall is not None and overall.icc is not None:
        parts.append(
            f"评委对总分评分的一致性 ICC(2,1) 为 {_f(overall.icc.icc2_1)}（{icc_reading(overall.icc.icc2_1)}），"
            f"{overall.icc.judges} 位评委平均分的一致性 ICC(2,{overall.icc.judges}) 为 {_f(overall.icc.icc2_k)}。"
        )
    flagged = sum(1 for i in analysis.items if i.flags)
    parts.append(f"共 {len(analysis.items)} 道试题，其中 {flagged} 道需要关注（见第六部分）。"
                 if flagged else f"共 {len(analysis.items)} 道试题，难度和区分度均在正常范围。")
    return "".join(parts)


def _table(document, rows: Sequence[Sequence[str]], width: int, shares: Sequence[float] | None = None) -> None:
    columns = len(rows[0])
    shares = shares or [1 / columns] * columns
    table = add_fixed_table(document, len(rows), [int(width * s / sum(shares)) for s in shares])
    for r, values in enumerate(rows):
        for cell, text in zip(table.rows[r].cells, values, strict=True):
            cell_text(cell, text, bold=r == 0)
    paragraph(document, "", style="评分说明")


def _picture(document, chart: Chart) -> None:
    holder = paragraph(document, style="表格文字")
    holder.add_run().add_picture(io.BytesIO(chart.png), width=Cm(15))
    holder.paragraph_format.keep_with_next = True
    paragraph(document, chart.caption, style="表格文字")


def _f(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f}"


def _signed(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:+.2f}"


def _g(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:g}"


def _pct(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value * 100:.1f}%"
