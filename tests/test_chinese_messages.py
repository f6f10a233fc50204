"""The messages of the shared modules, the bank and the CLI read in Chinese by default."""

from __future__ import annotations

import pytest
import yaml

from examgen.bank.importer.readers import read_document
from examgen.bank.load import parse_bank_text
from examgen.errors import ExamgenError, OutputError
from examgen.inputs import read_input
from examgen.outputs import refuse_existing
from examgen.textable import display_width, wrap_line
from examgen.xlsxio import not_xlsx_problem
from examgen.yamlio import load_yaml, yaml_problem
from tests.language import english_words

pytestmark = pytest.mark.usefixtures("chinese_messages")


def test_a_missing_input_is_named_in_chinese(tmp_path):
    with pytest.raises(ExamgenError) as info:
        read_input(tmp_path / "gone.yaml")
    assert str(info.value) == f"{tmp_path / 'gone.yaml'}：文件不存在"


def test_refusing_to_overwrite_says_how_to_force_in_chinese(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"")
    with pytest.raises(OutputError) as info:
        refuse_existing([tmp_path / "a.xlsx"], force=False)
    assert str(info.value) == f"{tmp_path / 'a.xlsx'}：已存在；未写入任何文件（加 --force 覆盖，或用 --out 写到别处）"


def test_a_bank_problem_reads_in_chinese_with_the_yaml_key_as_code():
    text = "- id: X-1\n  type: short_answer\n  topic: 投诉处理\n  difficulty: 9\n  points: 5\n  question: 问？\n"
    text += "  key_points:\n    - {text: 要点, points: 5}\n"
    _, problems = parse_bank_text(text, "b.yaml")
    assert [str(p) for p in problems] == ["b.yaml:4：X-1：难度（`difficulty`）必须是1～5的整数，而不是 `9`"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", "键 'a' 重复（首次出现在第1行）；请只保留一个"),
        ("a: b: c\n", "此处不能出现 `key: value`（含有 ': ' 的文字须加引号）"),
        ("a: 'open\n", "文件提前结束（引号或括号未闭合？）"),
        ("a:\n\t- b\n", "字符 '\\t' 不能作为值的开头（是否用了制表符缩进？或文字以符号开头？）"),
    ],
)
def test_pyyaml_problems_are_told_in_examgen_words(text, expected):
    with pytest.raises(yaml.YAMLError) as info:
        load_yaml(text)
    assert yaml_problem(info.value) == expected
    assert not english_words(expected)


def test_an_old_excel_file_is_explained_in_chinese():
    what, hint = not_xlsx_problem("xls")
    assert what == "是旧版 Excel 97-2003 工作簿（.xls），examgen 无法读取"
    assert hint == "请用 Excel、WPS 或 LibreOffice 打开，另存为 Excel 工作簿（.xlsx）"


def test_the_importer_refuses_a_pdf_in_chinese(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ExamgenError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{path}：无法导入 `.pdf` 文件（请导入 .txt、.md、.docx")


def test_cli_reports_in_chinese(runner, workspace):
    from examgen.cli import main

    result = runner.invoke(main, ["bank", "validate", "-w", str(workspace)])
    assert result.output.startswith("通过：7个文件中共有试题") and result.output.endswith("道，没有问题\n")
    missing = runner.invoke(main, ["bank", "validate", "-w", str(workspace / "nowhere")])
    assert missing.exit_code == 1
    assert missing.stderr == f"错误：{workspace / 'nowhere' / 'banks'}：文件不存在\n"


def test_chinese_help_wraps_between_characters_never_inside_code():
    text = "所在部分标题未注明题型时试题的题型（`short_answer`、`case_analysis`、`practical`、`interview`）。"
    lines = wrap_line(text, 40)
    assert "".join(lines) == text
    assert all(display_width(line) <= 40 for line in lines[:-1])
    assert all(line.count("`") % 2 == 0 for line in lines)
    assert not any(line.startswith(("，", "。", "、", "）")) or line.endswith("（") for line in lines)


def test_a_spreadsheet_that_may_also_be_csv_offers_csv_in_one_sentence():
    _, hint = not_xlsx_problem("ods", csv=True)
    assert hint == "请另存为 Excel 工作簿（.xlsx）或 CSV 文件"
