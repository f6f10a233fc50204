"""analysis.xlsx and 成绩分析报告.docx for double marking and choice questions, read back."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
from docx import Document

from examgen.analysis.analyse import analyse_results
from examgen.analysis.charts import analysis_charts
from examgen.analysis.report import report_docx_bytes
from examgen.analysis.workbook import analysis_xlsx_bytes
from examgen.models import GradingRules, Threshold
from tests.analysis.helpers import graded

DAY = datetime.date(2026, 5, 1)


def _analysis():
    rules = GradingRules(policy="double_marking", judges=2, threshold=Threshold(points=Decimal(3)),
                         disagreement_threshold=Threshold(points=Decimal(3)))
    table = {}
    for i in range(12):
        base = i % 9
        second = base + (4 if i == 0 else 1)  # C00 needs a third mark
        table[f"C{i:02d}"] = {"一.1": [base, second], "一.2": [base + 1, base]}
    results = graded(table, [10, 10], judges=("甲", "乙"), rules=rules)
    ranked = sorted((c for c in table if c != "C00"), key=lambda c: -table[c]["一.1"][0])
    choices = {c: {"一.1": "A" if c in ranked[:3] else "C"} for c in table}
    return analyse_results(results, title="测试卷", paper_id="t", choices=choices, keys={"一.1": "C"})


def test_workbook_has_option_sheet_and_double_marking_rates():
    analysis = _analysis()
    workbook = openpyxl.load_workbook(io.BytesIO(analysis_xlsx_bytes(
        analysis, date="2026-05-01", timestamp=datetime.datetime(2026, 5, 1))))
    assert workbook.sheetnames == ["概况", "单位", "试题分析", "选项分析", "评委", "一致性", "关注"]
    items = list(workbook["试题分析"].iter_rows(values_only=True))
    header = items[0]
    assert header[-2:] == ("三评率", "仲裁率")
    first = dict(zip(header, items[1], strict=True))
    assert first["三评率"] == analysis.items[0].third_rate and first["三评率"] > 0
    assert "疑似答案有误" in first["提示"]
    options = list(workbook["选项分析"].iter_rows(values_only=True))
    assert options[0] == ("题号", "答案", "选项", "全体", "高分组", "低分组", "提示")
    by_option = {row[2]: row for row in options[1:]}
    assert by_option["A"][4] == 1.0 and by_option["A"][6] == "高分组选择多于正确答案"
    assert by_option["C（答案）"][4] == 0.0
    attention = [row[0] for row in workbook["关注"].iter_rows(min_row=2, values_only=True)]
    assert any("请核对答案" in line for line in attention)


def test_report_lists_double_marking_rates_options_and_attention():
    analysis = _analysis()
    document = Document(io.BytesIO(report_docx_bytes(analysis, analysis_charts(analysis), date=DAY)))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    items = next(t for t in tables if t[0][0] == "题号" and "难度P" in t[0])
    assert items[0][-3:-1] == ["三评率", "仲裁率"]
    assert items[1][-3] == f"{analysis.items[0].third_rate * 100:.1f}%"
    options = next(t for t in tables if t[0] == ["题号", "答案", "选项", "全体", "高分组", "低分组"])
    assert [row[:3] for row in options[1:]] == [["一.1", "C", "A"], ["一.1", "C", "C*"]]
    text = [p.text for p in document.paragraphs]
    assert "评分方式为双评（分差超限三评、仲裁）" in "".join(text)
    assert any(line.startswith("● 一.1：高分组选 A") for line in text)
    assert text[-1] == "2026年5月1日"
