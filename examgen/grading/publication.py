"""What the published results say about how they were reached, in Chinese (pure).

The 成绩公示 states in one sentence how a score was computed; the 说明 sheet of
results.xlsx states every rule (policy, judges, rounding, tie-breakers, awards, 缺考) with
the tool version and the manifest's hash, so that a reader can check the ranking by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from examgen import __version__
from examgen.models import (
    GradingRules,
    Results,
    chinese_numeral,
    format_points,
)

#: What a draft (provisional results) is called on every sheet and in its file name.
DRAFT_MARK = "草稿（未经复核）"

_POLICY_TEXT = {
    "mean": "平均分",
    "median": "中位数",
    "trimmed_mean": "去掉一个最高分和一个最低分后的平均分",
}
_LEVEL_TEXT = {"total": "所评总分", "section": "所评各大题得分", "question": "所评每题得分"}
_LEVEL_SHORT = {"total": "按总分", "section": "按大题", "question": "按题"}
_ROUNDING_TEXT = {"half_up": "四舍五入", "floor": "舍去小数", "ceil": "进一"}


def count_text(count: int) -> str:
    """Return a small count as written before a measure word: 两名, 三名, 12名."""
    if count == 2:
        return "两"
    return chinese_numeral(count) if 1 <= count <= 10 else str(count)


def method_text(rules: GradingRules, judges: int) -> str:
    """Return how a score is computed: ``三名评委独立评分，选手成绩取各评委所评总分的平均分``."""
    if rules.policy == "double_marking":
        return (
            f"每题由两名评委独立评分（双评），两评分差不超过{_threshold(rules)}时取两评平均分；"
            "超过时由第三名评委评分（三评），取三评与较近一评的平均分；仍超过时由仲裁评分为准"
        )
    policy = rules.policy
    if policy == "trimmed_mean" and judges < max(rules.trim_min_judges, 3):
        policy = "mean"
    level = rules.aggregate_on
    sum_of = "" if level == "total" else "之和"
    return f"{count_text(judges)}名评委独立评分，选手成绩取各评委{_LEVEL_TEXT[level]}的{_POLICY_TEXT[policy]}{sum_of}"


def rounding_text(precision: int) -> str:
    """Return the rounding rule: 成绩由精确值计算，公布时四舍五入保留两位小数."""
    places = f"保留{count_text(precision)}位小数" if precision else "取整数"
    return f"成绩由精确值计算，公布时一次四舍五入，{places}"


def tie_text(tie_breakers: Sequence[str]) -> str:
    """Return the tie rule: 总分相同时依次比较实训操作题、案例分析题得分，高者在前；仍相同者名次并列."""
    if not tie_breakers:
        return "总分相同者名次并列"
    return f"总分相同时依次比较{'、'.join(tie_breakers)}得分，高者在前；仍相同者名次并列"


def award_text(rules: GradingRules) -> str:
    """Return the award rule: shares, how counts are rounded, and ties at a boundary."""
    if not rules.awards:
        return "不设奖项"
    shares = "、".join(f"{a.name}{format_points(a.share * 100)}%" for a in rules.awards)
    ties = "均获较高奖项" if rules.award_ties == "better" else "均获较低奖项"
    return (
        f"{shares}，按参加排名的人数计算（缺考者不计），人数{_ROUNDING_TEXT[rules.award_rounding]}；"
        f"获奖线上成绩并列者{ties}"
    )


def notes_rows(
    rules: GradingRules, results: Results, *, judges: int, manifests: Sequence[tuple[str, str]],
    date: str, draft: bool, method: str = "",
) -> list[tuple[str, str]]:
    """Return the 说明 sheet's rows (项目, 内容): every rule a reader needs to check the ranking.

    ``method`` replaces the policy's sentence (a combined ranking of weighted rounds).
    """
    absent = sum(1 for row in results.rows if row.absent)
    rows = [
        ("状态", f"{DRAFT_MARK}：尚有待评或缺评，不得公布" if draft else "正式成绩"),
        ("评分方式", method or method_text(rules, judges)),
        ("评委人数", str(judges)),
        ("计分方式", "按题（双评）" if rules.policy == "double_marking" else _LEVEL_SHORT[rules.aggregate_on]),
        ("舍入", rounding_text(results.precision)),
        (
            "各题得分",
            "明细、评委表中的各题得分为显示而四舍五入；总分和各大题得分由未舍入的精确值计算后一次舍入，"
            "故可能与所列分数之和相差末位",
        ),
        ("名次", tie_text(results.tie_breakers)),
        ("奖项", award_text(rules)),
        ("缺考", f"缺考者列出但不排名、不计入获奖人数（{absent}人）"),
        ("满分", format_points(results.maximum)),
    ]
    for award in results.awards:
        rows.append((f"{award.name}人数", f"{award.count}（按比例 {award.nominal}）"))
    rows.append(("生成工具", f"examgen {__version__}"))
    for name, digest in manifests:
        rows.append((f"试卷清单 {name}".strip(), f"manifest.json sha256 {digest}"))
    rows.append(("日期", date))
    return rows


def _threshold(rules: GradingRules) -> str:
    threshold = rules.threshold
    if threshold.percent is not None:
        return f"该题分值的{format_points(threshold.percent)}%"
    return f"{format_points(threshold.points or 0)}分"
