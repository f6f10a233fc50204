"""PNG charts of an analysis (matplotlib, no GUI): histogram, box plots, judges, items.

Chinese labels need a CJK font; :func:`find_cjk_font` looks for one among the fonts
matplotlib knows (Noto Sans CJK, Source Han Sans, SimHei, Microsoft YaHei, WenQuanYi …).
Without one the charts are still drawn, and the caller is told once.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: no display is needed or wanted

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from examgen.analysis.model import EASY_P, HARD_P, WEAK_D, Analysis  # noqa: E402

#: CJK font families, preferred first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "SimHei",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "AR PL UMing CN",
)
_DPI = 130
_BLUE = "#2f5597"
_RED = "#c00000"
_GREY = "#7f7f7f"


@dataclass(frozen=True)
class Chart:
    """One chart: a file-like name, its caption (图题) and the PNG bytes."""

    name: str
    caption: str
    png: bytes


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Return the family name of a CJK font matplotlib can use, or None when there is none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def analysis_charts(analysis: Analysis) -> tuple[Chart, ...]:
    """Return the report's charts: total histogram, section box plots, judge severity, P–D map."""
    family = find_cjk_font()
    rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "axes.unicode_minus": False,
          "svg.hashsalt": "examgen"}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if family is None:
            # Without a CJK font every Chinese glyph is missing; the caller says so once.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        charts = [_histogram(analysis)]
        if len(analysis.sections) > 0:
            charts.append(_boxes(analysis))
        if analysis.judges:
            charts.append(_severity(analysis))
        if analysis.items:
            charts.append(_item_map(analysis))
    return tuple(charts)


def _figure(width: float = 6.4, height: float = 3.4) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), dpi=_DPI)
    FigureCanvasAgg(figure)
    # Fixed margins instead of tight_layout, which draws every figure once more.
    figure.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.16)
    axes = figure.add_subplot(1, 1, 1)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No Software/date metadata: the same analysis gives the same bytes.
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None},
                   pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _histogram(analysis: Analysis) -> Chart:
    total = analysis.total
    figure, axes = _figure()
    maximum = total.maximum or 1
    edges = [maximum * i / 10 for i in range(11)]
    counts = [0] * 10
    for value in total.values:
        counts[min(9, int(value / maximum * 10))] += 1
    centres = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
    axes.bar(centres, counts, width=maximum / 10 * 0.9, color=_BLUE)
    axes.set_xticks(edges)
    axes.set_xticklabels([f"{e:g}" for e in edges])
    if total.count:
        axes.axvline(total.mean, color=_RED, linestyle="--", linewidth=1)
        axes.text(total.mean, max(counts) or 1, f" 平均 {total.mean:.1f}", color=_RED, va="top", fontsize=8)
    axes.axvline(total.pass_mark, color=_GREY, linestyle=":", linewidth=1)
    axes.set_xlabel("总分（分）")
    axes.set_ylabel("人数")
    axes.set_title("总分分布")
    return Chart("histogram", "图1  总分分布", _png(figure))


def _boxes(analysis: Analysis) -> Chart:
    figure, axes = _figure()
    data = [[v / s.maximum * 100 for v in s.values] if s.maximum else [] for s in analysis.sections]
    axes.boxplot(data, showmeans=True, widths=0.5,
                 medianprops={"color": _RED}, meanprops={"marker": "^", "markerfacecolor": _BLUE, "markeredgecolor": _BLUE})
    axes.set_xticks(range(1, len(data) + 1))
    axes.set_xticklabels([s.name for s in analysis.sections])
    axes.set_ylim(-5, 105)
    axes.set_ylabel("得分率（%）")
    axes.set_title("各题型得分率")
    return Chart("sections", "图2  各题型得分率箱线图", _png(figure))


def _severity(analysis: Analysis) -> Chart:
    figure, axes = _figure()
    judges = analysis.judges
    values = [0.0 if math.isnan(j.severity) else j.severity for j in judges]
    spread = [0.0 if math.isnan(j.severity_sd) else j.severity_sd for j in judges]
    colours = [_RED if v < 0 else _BLUE for v in values]
    axes.bar(range(len(judges)), values, yerr=spread, color=colours, capsize=3, error_kw={"linewidth": 0.8})
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xticks(range(len(judges)))
    axes.set_xticklabels([j.judge for j in judges])
    axes.set_ylabel("与其他评委平均分之差（分）")
    axes.set_title("评委宽严度（正为偏宽，负为偏严）")
    return Chart("judges", "图3  评委宽严度（误差线为标准差）", _png(figure))


def _item_map(analysis: Analysis) -> Chart:
    figure, axes = _figure(6.4, 4.0)
    items = [i for i in analysis.items if not (math.isnan(i.p) or math.isnan(i.d))]
    flagged = [bool(i.flags) for i in items]
    axes.scatter([i.p for i in items], [i.d for i in items],
                 c=[_RED if f else _BLUE for f in flagged], s=22, zorder=3)
    for item in items:
        axes.annotate(item.label, (item.p, item.d), textcoords="offset points", xytext=(4, 3), fontsize=7)
    axes.axhline(WEAK_D, color=_GREY, linestyle=":", linewidth=1)
    axes.axhline(0, color="black", linewidth=0.6)
    for bound in (HARD_P, EASY_P):
        axes.axvline(bound, color=_GREY, linestyle=":", linewidth=1)
    axes.set_xlim(0, 1.05)
    low = min([i.d for i in items] + [-0.1])
    axes.set_ylim(min(low - 0.05, -0.1), 1.05)
    axes.set_xlabel("难度 P（得分率）")
    axes.set_ylabel("区分度 D")
    axes.set_title("试题难度与区分度")
    return Chart("items", "图4  试题难度与区分度（红点为需关注的试题）", _png(figure))
