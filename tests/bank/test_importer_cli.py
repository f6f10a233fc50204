"""`examgen bank import` and `examgen bank export`: the commands, the files they write, the round trip."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from examgen.bank.export import bank_xlsx_bytes
from examgen.bank.importer import ImportOptions, import_documents
from examgen.bank.load import dump_bank_yaml, load_bank, parse_bank_text
from examgen.cli import main
from examgen.models import KeyPoint, Question

DATA = Path(__file__).resolve().parent.parent / "data" / "importer"


@pytest.mark.usefixtures("chinese_messages")
def test_import_writes_a_bank_that_validates(runner, workspace, tmp_path):
    source = tmp_path / "复习题.txt"
    shutil.copy(DATA / "sections.txt", source)
    result = runner.invoke(main, ["bank", "import", str(source), "-w", str(workspace), "--topic", "服务规范与礼仪"])
    assert result.exit_code == 0, result.output
    out = workspace / "banks" / "复习题.yaml"
    assert result.output.startswith(f"导入报告：共导入 13 题（已写入 {out}）\n")
    assert "校验：通过" in result.output
    # The sample banks already use SA-001…: new ids continue after them.
    sample_ids = {q.id for q in load_bank(workspace / "banks").questions if q.source != "复习题.txt"}
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 由 examgen bank import 导入自：复习题.txt\n")
    questions, problems = parse_bank_text(text, str(out))
    assert problems == []
    assert not {q.id for q in questions} & sample_ids
    assert questions[0].id == "SA-029"
    check = runner.invoke(main, ["bank", "validate", "-w", str(workspace)])
    assert check.exit_code == 0, check.output
    assert check.output.startswith("通过：")  # and in Chinese: the whole interface speaks it
    assert "试题403道" in check.output


@pytest.mark.usefixtures("chinese_messages")
def test_import_dry_run_writes_nothing(runner, workspace):
    result = runner.invoke(main, ["bank", "import", str(DATA / "cut.txt"), "-w", str(workspace), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "试运行，未写入" in result.output
    assert "截断的题目（未导入）（1）：\n  cut.txt:6：3、请演示客户要求销户时的挽留话术，要求包括了解销户原因、介" in result.output
    assert not (workspace / "banks" / "cut.yaml").exists()


def test_import_refuses_to_overwrite_without_force(runner, workspace):
    out = workspace / "banks" / "cut.yaml"
    out.write_text("[]\n", encoding="utf-8")
    result = runner.invoke(main, ["bank", "import", str(DATA / "cut.txt"), "-w", str(workspace)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {out}: already exists; nothing was written (pass --force to overwrite, or --out to write elsewhere)\n"
    )
    assert out.read_text(encoding="utf-8") == "[]\n"
    forced = runner.invoke(main, ["bank", "import", str(DATA / "cut.txt"), "-w", str(workspace), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "- id: PR-033" in out.read_text(encoding="utf-8")


@pytest.mark.usefixtures("chinese_messages")
def test_import_saves_the_full_report(runner, tmp_path):
    out = tmp_path / "bank.yaml"
    report = tmp_path / "report.txt"
    result = runner.invoke(
        main,
        ["bank", "import", str(DATA / "webpage.txt"), "-w", str(tmp_path), "--out", str(out), "--report", str(report)],
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"报告已保存到 {report}\n")
    saved = report.read_text(encoding="utf-8")
    assert "webpage.txt:5-11 [“相关文章”等推荐列表]：相关文章： / 客服代表面试自我介绍范文" in saved
    assert "需要人工处理的题目（4）" in saved  # interview questions need an analysis
    assert "IV-001（webpage.txt:3（第1题））请用一分钟说说你为什么适合做客服代表。：面试题需要解析（`analysis`），请补写" in saved


def test_import_reports_unknown_files_and_bad_options(runner, tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    result = runner.invoke(main, ["bank", "import", str(pdf), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {pdf}: cannot import a .pdf file (import .txt, .md, .docx, .xlsx or .csv files "
        "(save .doc as .docx, .xls as .xlsx))\n"
    )
    bad_type = runner.invoke(main, ["bank", "import", str(pdf), "--type", "选择题"])
    assert bad_type.exit_code == 2
    assert "unknown type '选择题'" in bad_type.output
    bad_points = runner.invoke(main, ["bank", "import", str(pdf), "--points", "2.3"])
    assert bad_points.exit_code == 2
    assert "'2.3' is not a positive number of points in half points" in bad_points.output
    bad_prefix = runner.invoke(main, ["bank", "import", str(pdf), "--id-prefix", "C-A"])
    assert bad_prefix.exit_code == 2


def test_import_accepts_chinese_type_names(runner, tmp_path):
    out = tmp_path / "b.yaml"
    result = runner.invoke(
        main,
        ["bank", "import", str(DATA / "near_a.txt"), "-w", str(tmp_path), "--type", "实训操作", "--points", "5",
         "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    (question,) = load_bank(out).questions
    assert (question.id, question.type, question.points) == ("PR-001", "practical", 5)


# --- Export -------------------------------------------------------------------------------------


def test_export_writes_one_row_per_question_and_the_same_bytes_every_time(runner, workspace, tmp_path):
    first = tmp_path / "a.xlsx"
    second = tmp_path / "b.xlsx"
    result = runner.invoke(main, ["bank", "export", "-w", str(workspace), "--xlsx", str(first)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {first} (390 questions)\n"
    runner.invoke(main, ["bank", "export", "-w", str(workspace), "--xlsx", str(second)])
    assert first.read_bytes() == second.read_bytes()
    sheet = load_workbook(first).active
    assert [c.value for c in sheet[1]] == [
        "编号", "题型", "主题", "难度", "分值", "材料", "问题", "答案要点", "解析", "来源", "标签", "选项", "答案",
    ]  # fmt: skip
    bank = load_bank(workspace / "banks")
    ca1 = bank.by_id()["CA-001"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "CA-001")
    assert row[1:5] == ("案例分析题", "投诉处理", 3, 10)
    assert row[7].splitlines()[-1] == f"{ca1.key_points[-1].text}（0.5分）"
    assert row[10] == "国际漫游\n高额账单\n安抚"
    again = runner.invoke(main, ["bank", "export", "-w", str(workspace), "--xlsx", str(first)])
    assert again.exit_code == 1
    assert again.output.startswith(f"error: {first}: already exists")


@pytest.mark.usefixtures("chinese_messages")
def test_export_then_import_gives_the_same_bank(runner, workspace, tmp_path):
    # Every question of the sample bank, objective ones with their options and answers.
    sheet = tmp_path / "review.xlsx"
    runner.invoke(main, ["bank", "export", "-w", str(workspace), "--xlsx", str(sheet)])
    out = tmp_path / "back" / "all.yaml"
    # Into another, empty workspace: ids are unique in the workspace imported into.
    result = runner.invoke(main, ["bank", "import", str(sheet), "-w", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "校验：通过" in result.output
    assert load_bank(out).questions == load_bank(workspace / "banks").questions


def test_importing_an_export_into_the_same_workspace_reports_the_id_clash(runner, workspace, tmp_path):
    sheet = tmp_path / "review.xlsx"
    exported = runner.invoke(
        main, ["bank", "export", str(workspace / "banks" / "short_answer.yaml"), "--xlsx", str(sheet)]
    )
    assert exported.output == f"wrote {sheet} (28 questions)\n"
    result = runner.invoke(main, ["bank", "import", str(sheet), "-w", str(workspace), "--dry-run"])
    assert result.exit_code == 0, result.output
    out = workspace / "banks" / "review.yaml"
    assert f"  {out}: SA-001: id already used by another bank file of the workspace" in result.output


_text = st.text(alphabet="客户坐席员答案解析问题一二三1、（）：？。，“”=+-@ abc分", min_size=1, max_size=20).map(str.strip).filter(bool)
_multiline = st.lists(_text, min_size=1, max_size=3).map("\n".join)
_option = st.text(alphabet="客户坐席员答案解析问题服务投诉", min_size=1, max_size=12)


@st.composite
def banks(draw) -> list[Question]:
    questions = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        halves = draw(st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=4))
        key_points = tuple(KeyPoint(draw(_text), Decimal(h) / 2) for h in halves)
        if draw(st.booleans()):
            # An objective question: options and answer, no key points.
            qtype = draw(st.sampled_from(["single_choice", "multiple_choice", "true_false"]))
            options = () if qtype == "true_false" else tuple(draw(st.lists(_option, min_size=2, max_size=5, unique=True)))
            letters = "ABCDEFGH"[: len(options)]
            if qtype == "single_choice":
                answer = draw(st.sampled_from(letters))
            elif qtype == "multiple_choice":
                answer = "".join(sorted(draw(st.sets(st.sampled_from(letters), min_size=2))))
            else:
                answer = draw(st.sampled_from(["true", "false"]))
            questions.append(Question(
                id=f"OB-{n + 1:03d}", type=qtype, topic="投诉处理", difficulty=draw(st.integers(1, 5)),
                points=Decimal(1), stem="", question=draw(_text) + "（　　）", key_points=(),
                options=options, answer=answer,
            ))  # fmt: skip
            continue
        questions.append(
            Question(
                id=f"CA-{n + 1:03d}",
                type=draw(st.sampled_from(["short_answer", "case_analysis", "practical", "interview"])),
                topic=draw(st.sampled_from(["投诉处理", "未分类", "=话费"])),
                difficulty=draw(st.integers(min_value=1, max_value=5)),
                points=sum((kp.points for kp in key_points), Decimal(0)),
                stem=draw(st.one_of(st.just(""), _multiline)),
                question=draw(_multiline),
                key_points=key_points,
                analysis=draw(st.one_of(st.just(""), _multiline)),
                source=draw(st.sampled_from(["", "original", "复习题.docx"])),
                tags=tuple(draw(st.lists(_text, max_size=3))),
            )
        )
    return questions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(banks())
def test_round_trip_property(tmp_path, questions):
    # The bank as a loader sees it (the canonical form), then through a spreadsheet and back.
    canonical, problems = parse_bank_text(dump_bank_yaml(questions), "bank.yaml")
    assert problems == []
    path = tmp_path / "bank.xlsx"
    path.write_bytes(bank_xlsx_bytes(canonical))
    result = import_documents([path], ImportOptions())
    assert result.questions == tuple(canonical)
    again, problems = parse_bank_text(result.yaml_text, "bank.yaml")
    assert problems == [] and again == canonical
