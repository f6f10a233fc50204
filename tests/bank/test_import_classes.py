"""One regression test per failure class of issue 13, and the choice/true-false notations.

Each document here is a small invented example of the class's shape (our own writing).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from examgen.bank.importer import ImportOptions, ImportResult, format_report, import_documents
from examgen.bank.importer.parser import SKIP_PROSE
from examgen.models import Question


def run(tmp_path: Path, text: str, name: str = "doc.txt", **options) -> ImportResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_documents([path], ImportOptions(**options))


def questions(result: ImportResult) -> list[str]:
    return [q.question for q in result.questions]


def kps(q: Question) -> list[str]:
    return [kp.text for kp in q.key_points]


# 1. Prose and site clutter ------------------------------------------------------------------


def test_class01_prose_with_numbered_headings_imports_nothing_and_says_why(tmp_path):
    result = run(tmp_path, "班组长工作手册\n一、日常管理\n1. 排班\n按话务预测安排班次，高峰时段多排人手。\n"
                           "2. 质检\n每人每周抽听五通录音。\n")
    assert result.questions == ()
    reasons = {s.reason for d in result.documents for s in d.skipped}
    assert SKIP_PROSE in reasons


def test_class01_numbered_site_notices_are_clutter_decided_per_block(tmp_path):
    result = run(tmp_path, "1.客户要求开发票怎么办？\n答：核实身份后按月开具电子发票，发送到客户邮箱。\n"
                           "温馨提示：\n1、本站资源仅供学习参考。\n2、下载后请在24小时内删除。\n")
    (q,) = result.questions
    assert kps(q) == ["核实身份后按月开具电子发票，发送到客户邮箱。"]


def test_class01_scenario_steps_stay_in_the_stem(tmp_path):
    result = run(tmp_path, "1.阅读材料，回答问题。\n①客户来电称话费异常；\n②坐席员未核实身份即查询；\n"
                           "请指出问题所在。\n答：未先核实身份就查询了账户信息。\n")
    (q,) = result.questions
    assert "①客户来电称话费异常" in q.stem
    assert q.question == "请指出问题所在。"


# 2. Section headings -------------------------------------------------------------------------


def test_class02_heading_glued_to_the_title_gives_its_rule(tmp_path):
    result = run(tmp_path, "营业员技能题库及答案一、沟通技巧（共2题，每题8分）1.怎样开场？答：微笑问候并自我介绍。"
                           "2.怎样结束？答：确认需求已解决并道别。\n")
    assert [q.points for q in result.questions] == [Decimal(8), Decimal(8)]


def test_class02_heading_after_a_separator_line(tmp_path):
    result = run(tmp_path, "1.问候语是什么？\n答：您好，请讲。\n---\n二、业务办理（每题4分）\n1.补卡要带什么？\n答：本人有效身份证件。\n")
    assert [q.points for q in result.questions][-1] == Decimal(4)
    assert all("---" not in kp for q in result.questions for kp in kps(q))


# 3. First question after an unrecognised heading ----------------------------------------------


def test_class03_number_glued_to_an_unknown_heading_starts_the_first_question(tmp_path):
    result = run(tmp_path, "一、职业规划1.你五年后想做什么？\n答：成为班组长。\n2.你会怎样提升自己？\n答：考取客服管理证书。\n")
    assert questions(result) == ["你五年后想做什么？", "你会怎样提升自己？"]


# 4. Numbered key points -------------------------------------------------------------------------


def test_class04_numbered_key_points_are_not_questions_and_quoted_question_marks_do_not_end(tmp_path):
    result = run(tmp_path, "1、客户问“为什么扣我钱？”时怎么回答？\n答案要点：1、先致歉；2、查询扣费明细；3、说明原因。\n"
                           "2、下一题是什么？\n答：这是第二题。\n")
    first, second = result.questions
    assert first.question == "客户问“为什么扣我钱？”时怎么回答？"
    assert kps(first) == ["先致歉", "查询扣费明细", "说明原因。"]
    assert second.question == "下一题是什么？"


def test_class04_question_mark_inside_brackets_does_not_end_the_question(tmp_path):
    (q,) = run(tmp_path, "1. 客户来电（他问：能退款吗？）要求退订，你怎么办？\n核实订购记录，按规定办理退订。\n").questions
    assert q.question == "客户来电（他问：能退款吗？）要求退订，你怎么办？"
    assert kps(q) == ["核实订购记录，按规定办理退订。"]


def test_class04_question_mark_inside_brackets_on_one_line_with_its_answer(tmp_path):
    (q,) = run(tmp_path, "1. 客户说（“怎么又扣费？”）时你先做什么？先致歉再查询扣费明细。\n").questions
    assert q.question == "客户说（“怎么又扣费？”）时你先做什么？"
    assert kps(q) == ["先致歉再查询扣费明细。"]


# 5. A question split at its first question mark -----------------------------------------------


def test_class05_question_runs_over_its_question_sentences_and_follow_ups(tmp_path):
    result = run(tmp_path, "1. 你喜欢团队工作吗？为什么？请举一个例子。\n我喜欢，上个月我和同事一起完成了续约回访任务。\n")
    (q,) = result.questions
    assert q.question == "你喜欢团队工作吗？为什么？请举一个例子。"
    assert kps(q) == ["我喜欢，上个月我和同事一起完成了续约回访任务。"]


def test_class05_a_docx_paragraph_is_never_split_into_question_and_answer(tmp_path):
    document = Document()
    document.add_paragraph("1．你为什么应聘？你对我们了解多少？")
    document.add_paragraph("答：看重培训体系，了解到公司服务三百万用户。")
    path = tmp_path / "a.docx"
    document.save(path)
    (q,) = import_documents([path], ImportOptions()).questions
    assert q.question == "你为什么应聘？你对我们了解多少？"


# 6. A clutter keyword inside an answer ----------------------------------------------------------


def test_class06_clutter_word_inside_a_sentence_swallows_nothing(tmp_path):
    result = run(tmp_path, "1.新政策不清楚怎么办？\n答：先查阅相关资料，再请教组长。\n2.系统卡顿怎么办？\n答：报修并告知客户稍候。\n")
    assert questions(result) == ["新政策不清楚怎么办？", "系统卡顿怎么办？"]
    assert kps(result.questions[0]) == ["先查阅相关资料，再请教组长。"]


# 7. Trailing page clutter ------------------------------------------------------------------------


def test_class07_trailing_comments_are_stripped_before_truncation_is_judged(tmp_path):
    result = run(tmp_path, "1.如何安抚客户？\n答：先倾听，再表示理解。\n2.如何结束通话？\n答：感谢来电并道别。\n"
                           "#客服# #面试#\n网友评论\n阿明 回答于03-02\n很有帮助\n取消 举报\n")
    assert kps(result.questions[-1]) == ["感谢来电并道别。"]


@pytest.mark.usefixtures("chinese_messages")
def test_class07_choice_question_cut_inside_its_options_is_reported_not_imported(tmp_path):
    result = run(tmp_path, "1.开场白应包括（ ）。A.问候 B.工号 C.称呼 D.天气\n答案：B\n2.结束语应包括（ ）。A.感谢 B.\n")
    assert len(result.questions) == 1
    assert "截断" in format_report(result.report, written=False)


# 8. An answer key at the end ---------------------------------------------------------------------


def test_class08_answer_key_table_replaces_implicit_answers(tmp_path):
    result = run(tmp_path, "1. 什么是满意度？\n客户对服务的评价。\n2. 什么是接通率？\n接通的来电占总来电的比例。\n"
                           "参考答案\n题号 | 答案\n1 | 客户对本次服务的打分占满分的比例。\n2 | 人工接起的来电占进线总数的比例。\n")
    first, second = result.questions
    assert kps(first) == ["客户对本次服务的打分占满分的比例。"]
    assert kps(second) == ["人工接起的来电占进线总数的比例。"]


# 9. Labels glued without a colon -------------------------------------------------------------------


def test_class09_glued_answer_label_opens_the_answer(tmp_path):
    result = run(tmp_path, "1.你如何面对批评？答案解析好的回答要说明先反思再改进。\n")
    (q,) = result.questions
    assert q.question == "你如何面对批评？"
    assert kps(q) == ["好的回答要说明先反思再改进。"]


# 10. The section reaches the bank ---------------------------------------------------------------


def test_class10_section_name_becomes_the_topic_unless_topic_is_given(tmp_path):
    text = ("题型 单选题 判断题 简答题 总分\n一、话费查询（每题5分）\n1.怎么查余额？\n答：发送短信或登录营业厅应用。\n")
    (q,) = run(tmp_path, text).questions
    assert q.topic == "话费查询"
    assert q.type == "short_answer"  # never from the flattened score table
    (q,) = run(tmp_path, text, name="b.txt", topic="投诉处理").questions
    assert q.topic == "投诉处理"


# 11. A lead-in that states the verdict ------------------------------------------------------------


def test_class11_verdict_lead_in_stays_the_first_key_point(tmp_path):
    result = run(tmp_path, "1.评价坐席员直接挂机的做法。\n答：这种做法不妥。理由如下：\n（1）违反服务规范；\n（2）会引发投诉。\n"
                           "2.评价坐席员主动回访的做法。\n答：要点如下：\n（1）体现负责态度；\n（2）提高满意度。\n")
    first, second = result.questions
    assert kps(first)[0] == "这种做法不妥。理由如下："
    assert kps(second) == ["体现负责态度", "提高满意度。"]


# 12. Points, big numbers and ids ------------------------------------------------------------------


def test_class12_one_line_key_points_with_points_are_split(tmp_path):
    (q,) = run(tmp_path, "1.模拟受理报修。\n评分要点：问候（1分）；记录地址（2分）；告知时限（2分）。\n").questions
    assert kps(q) == ["问候", "记录地址", "告知时限。"]
    assert [kp.points for kp in q.key_points] == [Decimal(1), Decimal(2), Decimal(2)]


@pytest.mark.usefixtures("chinese_messages")
def test_class12_key_points_not_matching_the_section_rule_are_reported(tmp_path):
    result = run(tmp_path, "一、实训操作题（每题10分）\n1.模拟办理停机。\n评分要点：核实（5分）；办理（5分）；告知（5分）。\n")
    assert "要点分值合计15分，与题目分值10分不符" in format_report(result.report, written=False)


def test_class12_numbering_at_1000_and_above_keeps_every_question(tmp_path):
    text = "".join(f"{n}.编号{n}的来电怎么办？\n答：按规范第{n}条处理。\n" for n in range(995, 1006))
    result = run(tmp_path, text)
    assert len(result.questions) == 11
    assert result.questions[-1].question == "编号1005的来电怎么办？"


def test_class12_ids_are_unique_in_the_workspace_when_out_is_outside_banks(tmp_path):
    from examgen.bank.importer import import_to_bank

    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "old.yaml").write_text(
        "- id: SA-001\n  type: short_answer\n  topic: 投诉处理\n  difficulty: 3\n  points: 5\n"
        "  question: 旧题？\n  key_points:\n  - text: 旧答案\n    points: 5\n", encoding="utf-8")
    source = tmp_path / "new.txt"
    source.write_text("1.新题是什么？\n答：新答案。\n", encoding="utf-8")
    result = import_to_bank([source], ImportOptions(points=Decimal(5)), tmp_path / "elsewhere" / "new.yaml",
                            workspace=tmp_path)
    assert [q.id for q in result.questions] == ["SA-002"]


# Issue 11 part 8: choice and true/false notations ---------------------------------------------------


def test_choice_options_inline_and_answer_label(tmp_path):
    (q,) = run(tmp_path, "1.报工号应在（ ）。A.开场 B.结束 C.中途 D.不报\n答案：A\n").questions
    assert (q.type, q.options, q.answer, q.key_points) == ("single_choice", ("开场", "结束", "中途", "不报"), "A", ())
    assert "A." not in q.question and "开场" not in q.question


def test_choice_one_option_per_line_in_bracket_notation_with_multiple_answer(tmp_path):
    (q,) = run(tmp_path, "1.属于敏感信息的是（ ）。\n（A）证件号\n（B）天气\n（C）住址\n正确答案：AC\n").questions
    assert (q.type, q.options, q.answer) == ("multiple_choice", ("证件号", "天气", "住址"), "AC")


def test_choice_answer_in_the_stems_brackets_leaves_them_empty(tmp_path):
    (q,) = run(tmp_path, "1.遇到辱骂应（ B ）。A.回骂 B.提醒文明用语 C.挂机\n").questions
    assert q.answer == "B" and "B" not in q.question and "（" in q.question


def test_true_false_marks_and_words(tmp_path):
    result = run(tmp_path, "判断题\n1.可以泄露客户号码。（×）\n2.应先核实身份。(√)\n3.可以先挂机。\n答案：错误\n")
    assert [(q.type, q.answer) for q in result.questions] == [
        ("true_false", "false"), ("true_false", "true"), ("true_false", "false")]
    assert all("×" not in q.question and "√" not in q.question for q in result.questions)


def test_answers_at_the_end_as_a_grid(tmp_path):
    result = run(tmp_path, "一、单项选择题\n1.甲（ ）。A.一 B.二\n2.乙（ ）。A.三 B.四\n二、判断题\n1.丙。（ ）\n"
                           "参考答案\n题号 1 2\n单项选择题 B A\n判断题 √\n")
    assert [q.answer for q in result.questions] == ["B", "A", "true"]
