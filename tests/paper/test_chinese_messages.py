"""Messages of paper/ and render/ in Chinese, the users' language by default: one typical error of each module."""

from __future__ import annotations

import json
import re

import pytest

from examgen.errors import BlueprintError, ExamgenError, HistoryError, ManifestError, OutputError
from examgen.models import FormRules, SharedCap
from examgen.paper.assemble import assemble, parse_forms
from examgen.paper.blueprint import parse_blueprint
from examgen.paper.build import write_paper
from examgen.paper.form_rules import parse_form_rules
from examgen.paper.forms import form_comparison
from examgen.paper.history import history_path, history_rows, load_history
from examgen.paper.manifest import check_manifest_digest, load_manifest
from examgen.paper.rules import validate_grading_rules
from examgen.paper.workspace import init_workspace
from examgen.render.docx_base import open_reference
from examgen.yamlio import load_yaml
from tests.language import english_words, half_width_punctuation
from tests.paper.test_forms import make_bank, make_blueprint, question, section


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("EXAMGEN_LANG", "zh")


def _message(error: pytest.ExceptionInfo) -> str:
    """Return the error's text; the words of the sentences are Chinese (keys, ids and hashes are data)."""
    text = str(error.value)
    data = r"'[^']*'|\b[a-z_]+\b|[0-9a-f]{64}|grading\.\S+"
    assert not english_words(re.sub(data, " ", text)), text
    return text


def test_blueprint_problems_read_in_chinese():
    raw = load_yaml("total: 10\ncolour: red\nsections:\n  - {name: 简答题, type: short_answer, count: 0, points: 5}\n")
    with pytest.raises(BlueprintError) as info:
        parse_blueprint(raw, "bp.yaml")
    text = _message(info)
    assert "bp.yaml:2：未知字段 'colour'（可用字段：`name`、`paper_id`、`title`、" in text
    assert "bp.yaml:1：缺少试卷标题（`title`）（请添加 `title: …`（试卷标题））" in text
    assert "bp.yaml:4：第1个大题“简答题”：`count`（题数）须为整数，不能是0" in text


def test_grading_rules_problems_read_in_chinese():
    with pytest.raises(BlueprintError) as info:
        validate_grading_rules({"policy": "max", "awards": [{"name": "一等奖", "share": "120%"}]}, "bp.yaml:9")
    text = _message(info)
    assert "bp.yaml:9：`grading.policy`：'max'不是 `mean`、`median`、`trimmed_mean`、`double_marking` 之一" in text
    assert "`grading.awards[0].share`：'120%'超过 100%（请写百分比（如 10%）或小数（如 0.1））" in text
    assert not half_width_punctuation(re.sub(r"'[^']*'|\[0\]|bp\.yaml:9", "", text)), text


def test_form_rules_problems_read_in_chinese():
    problems = []
    parse_form_rules(load_yaml("max_shared: many\n"), "bp.yaml:5", "bp.yaml", (), problems)
    text = str(problems[0])
    assert text == (
        "bp.yaml:1：forms.max_shared须为整数题数（0 表示不共用试题）或 20% 这样的比例，不能是'many'"
    )


def test_a_section_the_bank_cannot_fill_reads_in_chinese():
    bank = make_bank([question(f"SA-{i:03d}", topic="投诉处理") for i in range(3)])
    with pytest.raises(BlueprintError) as info:
        assemble(bank, make_blueprint([section(4)]), seed=1)
    assert "大题“一、简答题”需要4道5分的试题；题库中有简答题（short_answer）3道" in _message(info)
    with pytest.raises(BlueprintError) as info:
        parse_forms("A,A")
    assert str(info.value) == "--forms：卷别列表'A,A'有误（请给出互不相同的单个字母，用逗号分隔，例如 `A,B`）"


def test_forms_infeasibility_and_comparison_table_read_in_chinese():
    questions = [question(f"CA-{i:03d}", qtype="case_analysis") for i in range(5)]
    rules = FormRules(max_shared=SharedCap(count=0), where=(("max_shared", "t.yaml:4"),))
    blueprint = make_blueprint([section(3, "case_analysis", "案例分析题")], rules)
    with pytest.raises(BlueprintError) as info:
        assemble(make_bank(questions), blueprint, seed=1, forms=("A", "B"))
    assert (
        "t.yaml:4：“一、案例分析题”的A,B卷共需6道互不相同的试题；"
        "题库中可供选用的案例分析题（case_analysis）共5道，涉及知识点投诉处理"
    ) in _message(info)
    paper = assemble(make_bank(questions + [question(f"CA-{i:03d}", qtype="case_analysis") for i in range(5, 8)]),
                     blueprint, seed=1, forms=("A", "B"))
    header, rows = form_comparison(paper)
    assert header == ["大题", "卷别", "平均难度", "知识点（题数）", "与他卷共用", "答案分布"]
    assert [r[1] for r in rows] == ["A", "B"]


def test_manifest_problems_read_in_chinese(tmp_path):
    with pytest.raises(ManifestError) as info:
        load_manifest(tmp_path / "manifest.json")
    assert _message(info).endswith("：找不到试卷清单（manifest.json）（请先运行 `examgen build`，或给出正确路径）")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        check_manifest_digest(tmp_path, "0" * 64)
    assert "试卷清单的 SHA-256 为" in _message(info)


def test_build_and_init_refusals_read_in_chinese(workspace, tmp_path):
    with pytest.raises(OutputError) as info:
        init_workspace(workspace)
    assert "：已存在；未写入任何文件（加 --force 覆盖示例文件，或选择一个空文件夹）" in _message(info)
    target = tmp_path / "out" / "default"
    target.mkdir(parents=True)
    for name in ("a.xlsx", "b.xlsx"):
        (target / name).write_bytes(b"")
    from examgen.paper.build import draw_paper

    paper = draw_paper(workspace, seed=1)
    with pytest.raises(OutputError) as info:
        write_paper(paper, workspace, out=tmp_path / "out", force=True)
    assert "其中有重新生成时会删除的文件（`a.xlsx`、`b.xlsx`）；未写入任何文件" in _message(info)


def test_history_reads_in_chinese(tmp_path):
    path = history_path(tmp_path)
    path.write_text(json.dumps({"kind": "release", "date": "2026-05-01", "paper_id": "p", "seed": 1}) + "\n[1]\n")
    with pytest.raises(HistoryError) as info:
        load_history(tmp_path)
    assert f"{path}:2：不是使用记录中的事件（TypeError：每行须为一个 JSON 对象）" in str(info.value)
    path.write_text(json.dumps({"kind": "release", "date": "2026-05-01", "paper_id": "p", "seed": 1}) + "\n")
    header, rows = history_rows(load_history(tmp_path))
    assert header == ["日期", "事件", "试卷", "标题", "题数", "选手数", "P/D"]
    assert rows[0][1] == "发布" and rows[0][-1] == "无"


def test_an_unreadable_reference_document_reads_in_chinese(tmp_path):
    import zipfile

    path = tmp_path / "reference.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(ExamgenError) as info:
        open_reference(path)
    assert "不是可读取的 Word .docx 文件" in str(info.value)


def test_variant_problems_read_in_chinese():
    from examgen.models import Contestant
    from examgen.paper.variants import seat_forms

    contestants = [Contestant("2026001", "张三", "北京分公司"), Contestant("2026002", "李四", "上海分公司")]
    with pytest.raises(BlueprintError) as info:
        seat_forms(contestants, {"2026001": "A", "2026002": "C"}, ["A", "B"], where="roster.csv")
    assert "roster.csv：准考证号 2026002：卷别'C'不是已生成的卷（A,B）（请更正“卷别”列，或同时生成该卷）" in _message(info)
