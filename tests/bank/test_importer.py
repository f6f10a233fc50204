"""Bank import from real-looking documents: tests/data/importer/ (our own writing) and built .docx/.xlsx."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from examgen.bank.importer import ImportOptions, ImportResult, format_report, import_documents
from examgen.bank.importer.markers import NOISE_SITE
from examgen.bank.importer.parser import SKIP_PREAMBLE
from examgen.i18n import _
from examgen.models import Question

DATA = Path(__file__).resolve().parent.parent / "data" / "importer"


def run(*names: str, **options) -> ImportResult:
    return import_documents([DATA / n for n in names], ImportOptions(**options))


def by_question(result: ImportResult) -> dict[str, Question]:
    return {q.question: q for q in result.questions}


def kp_texts(question: Question) -> list[str]:
    return [kp.text for kp in question.key_points]


def kp_points(question: Question) -> list[Decimal]:
    return [kp.points for kp in question.key_points]


def D(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


# --- Sections, rules, question and answer styles ----------------------------------------


def test_sections_give_types_and_points_and_numbering_restarts_in_each():
    result = run("sections.txt")
    qs = result.questions
    assert [q.id for q in qs] == [
        "SA-001", "SA-002", "SA-003", "SA-004", "SA-005", "IV-001", "IV-002",
        "SA-006", "SA-007", "PR-001", "PR-002", "CA-001", "CA-002",
    ]
    assert [q.type for q in qs] == ["short_answer"] * 5 + ["interview"] * 2 + ["short_answer"] * 2 + [
        "practical"
    ] * 2 + ["case_analysis"] * 2
    # 每题5分; 理解分析 每题6分; 共2题共20分 → 10; (8分) (4分) written with the question;
    # 每道题10分; 每题12分.
    assert [q.points for q in qs] == D("5", "5", "5", "6", "6", "10", "10", "8", "4", "10", "10", "12", "12")


def test_answer_markers_and_key_point_styles():
    qs = by_question(run("sections.txt"))
    opening = qs["坐席员在通话开始时应使用怎样的开头语？"]
    assert kp_texts(opening) == ["先问候“您好”", "报出自己的工号", "询问客户需要办理什么业务。"]
    assert kp_points(opening) == D("2", "1.5", "1.5")  # split evenly, in half points
    wait = qs["什么情况下坐席员需要向客户说明“请稍候”？"]  # 答案：
    assert kp_texts(wait) == ["需要查询系统或请示后台、让客户等待超过十秒时，应先征得客户同意并告知大约等待时长。"]
    closing = qs["坐席员在结束通话前应做哪些确认？"]  # 参考答案： then （1）（2）（3） lines
    assert kp_texts(closing) == ["复述客户本次办理或反映的事项", "询问客户是否还有其他需要", "礼貌道别，待客户先挂机"]
    details = qs["为什么坐席员不能在电话中透露客户的通话详单？"]  # 答案要点：一是…二是…三是…
    assert kp_texts(details)[0] == "通话详单属于客户个人信息，受法律保护"
    assert kp_points(details) == D("2", "2", "2")
    assert kp_texts(qs["如何理解“首问负责制”？"])[0].startswith("第一个接到客户诉求的员工")  # 回答：
    identity = qs["请演示为客户办理套餐变更时的身份核实步骤。"]  # 问题1: … 答:(1)…(2)… glued
    assert kp_texts(identity) == ["请客户提供机主姓名和证件号码", "核对系统登记信息", "发送短信验证码并核对", "告知变更生效时间"]
    assert kp_points(identity) == D("2.5", "2.5", "2.5", "2.5")
    repeat_calls = qs["客户张先生连续三天来电反映家里没有信号，前两次坐席员都只说“已记录”。请分析问题所在。"]
    assert kp_points(repeat_calls) == D("4", "4", "4")  # points given with each key point
    assert kp_texts(repeat_calls)[1] == "没有升级处理重复来电的投诉"


def test_analysis_is_attached_to_its_question():
    qs = by_question(run("sections.txt"))
    broadband = qs["客户来电说刚办的宽带一直连不上，语气很急躁，请模拟你的应答。"]
    assert broadband.analysis == "本题考查情绪安抚和故障受理的规范用语。"
    assert qs["客户要求坐席员帮他查询前妻的手机号码，你怎么回应？"].analysis == "考查信息安全与保密意识。"
    assert "解析" not in " ".join(kp_texts(broadband))


@pytest.mark.usefixtures("chinese_messages")
def test_report_counts_sections_and_flags_a_rule_that_announces_more_questions():
    result = run("sections.txt")
    text = format_report(result.report, written=False)
    assert "sections.txt:29 五、实训操作题（共50分，每道题10分。） → 实训操作题（practical），每题10分：2 题（标题说共 5 题，请核对）" in text
    assert "sections.txt:17 三、情景模拟题（共2题，共20分） → 面试/情景题（interview），每题10分：2 题" in text
    assert "按题型统计：简答题（short_answer） 7 题；案例分析题（case_analysis） 2 题；实训操作题（practical） 2 题；面试/情景题（interview） 2 题" in text
    assert "sections.txt:1 [标题或前言（不在任何题目中）]：2025年客户服务技能竞赛 理论复习资料" in text
    assert result.report.ok, result.report.validation
    assert "校验：通过" in text


def test_imported_questions_are_marked_for_review():
    question = run("sections.txt").questions[0]
    assert question.topic == "未分类"
    assert question.difficulty == 3
    assert question.tags == ("导入待审",)
    assert question.source == "sections.txt"
    assert run("sections.txt", topic="服务规范与礼仪").questions[0].topic == "服务规范与礼仪"


def test_id_prefix_and_existing_ids():
    result = run("sections.txt", id_prefix="IMP", existing_ids=frozenset({"IMP-001", "IMP-007"}))
    ids = [q.id for q in result.questions]
    assert ids[:3] == ["IMP-008", "IMP-009", "IMP-010"]
    assert len(set(ids)) == len(ids)


# --- Web pages: glued text, boilerplate ---------------------------------------------------


def test_web_page_without_line_breaks_and_its_boilerplate():
    result = run("webpage.txt")
    qs = result.questions
    assert [q.question for q in qs] == [
        "请用一分钟说说你为什么适合做客服代表。",
        "你如何看待客服工作需要长时间重复接听电话？",
        "如果客户提出你无法满足的要求，你会怎么处理？",
        "你怎样理解团队合作？",  # its number is glued to the previous answer: 协助4、
    ]
    assert {q.type for q in qs} == {"interview"}
    assert {q.points for q in qs} == {Decimal(10)}
    assert kp_texts(qs[2]) == ["先真诚倾听并表示理解", "说明不能办理的原因", "给出可替代的方案或申请上级协助"]
    assert kp_points(qs[2]) == D("3.5", "3.5", "3")
    assert kp_texts(qs[1]) == [
        "重复的是流程，不重复的是每一位客户的需求；我会把每通电话都当作帮助别人的机会，同时注意调节情绪和保护嗓子。"
    ]
    everything = "\n".join(q.stem + q.question + "".join(kp_texts(q)) + q.analysis for q in qs)
    for noise in ("VIP", "会员", "相关文章", "评论", "版权", "转载", "首页", "范文"):
        assert noise not in everything
    skipped = {s.text: s.reason for s in result.report.skipped}
    assert any("【VIP专享】开通会员免费下载本套题库完整版Word文档。" in t for t in skipped)
    assert any("客服工作总结怎么写" in t and "版权所有" in t for t in skipped)


# --- Dialogues, Markdown -------------------------------------------------------------------


def test_case_dialogues_become_the_stem_one_turn_per_line():
    first, second = run("dialogue.md").questions
    assert first.type == second.type == "case_analysis"
    assert first.stem == (
        "阅读下面的通话记录，回答问题。\n"
        "坐席员：“您好，很高兴为您服务。”\n"
        "王先生：“我上个月的账单怎么多了30块钱？你们是不是乱扣费！”\n"
        "坐席员：“系统不会乱扣费的，肯定是您自己用了。”\n"
        "王先生：“我要投诉你！”"
    )
    assert first.question == "坐席员的处理存在哪些问题？应该怎样做？"
    assert kp_points(first) == D("3", "3", "4")
    assert kp_texts(first)[0] == "没有先安抚客户情绪，直接否定客户的质疑。"
    assert second.stem.splitlines() == [
        "客户服务代表：您好，请问有什么可以帮您？",
        "李女士：我家的宽带从昨晚开始就上不了网，我明天还要在家办公！",
        "客户服务代表：您先别急，我先帮您登记一下，维修人员会在48小时内联系您。",
    ]
    assert second.question == "该客户服务代表的回应有何不足？"
    assert kp_texts(second) == ["没有进行远程排障指导", "没有考虑客户第二天办公的紧急需求", "没有告知工单号和跟进方式。"]


# --- Traditional Chinese and pinyin ---------------------------------------------------------


def test_traditional_text_keeps_its_characters_and_loses_the_pinyin():
    result = run("traditional.txt")
    first, second = result.questions
    assert first.question == "客戶來電查詢話費時，坐席員為什麼要先核實身份？"
    assert second.question == "處理客戶投訴時，職業素養體現在哪些方面？"
    assert kp_texts(second) == ["態度真誠，不推諉", "記錄準確，不遺漏", "按時回訪，不拖延。"]
    assert first.type == "short_answer" and first.points == 5
    assert sorted(a.text for a in result.report.removed) == ["(chù)", "(shǔ)", "(wèi)", "(yè)", "(yǎng)"]


def test_simplified_option_converts_with_opencc():
    first, second = run("traditional.txt", simplified=True).questions
    assert first.question == "客户来电查询话费时，坐席员为什么要先核实身份？"
    assert kp_texts(second)[0] == "态度真诚，不推诿"


# --- Repeats, near-duplicates, cut documents --------------------------------------------------


@pytest.mark.usefixtures("chinese_messages")
def test_repeated_section_and_questions_are_imported_once_and_reported():
    result = run("repeats.txt")
    assert [q.question for q in result.questions] == [
        "什么是“一次解决率”？",
        "坐席员转接电话前应告诉客户什么？",
        "客户来电只是咨询，坐席员需要建工单吗？",
    ]
    assert [(r.where, r.first, r.id) for r in result.report.repeats] == [
        ("repeats.txt:9（第1题）", "repeats.txt:3（第1题）", "SA-001"),
        ("repeats.txt:11（第2题）", "repeats.txt:5（第2题）", "SA-002"),
    ]
    text = format_report(result.report, written=False)
    assert "repeats.txt:8 一、简答题（每题4分）：与 repeats.txt:2 的部分重复，其中重复的题只导入一次" in text
    reasons = [(s.where, _(s.reason)) for s in result.report.skipped]
    assert ("repeats.txt:1", "重复的页眉/页脚") in reasons
    assert ("repeats.txt:15-16", "重复的页眉/页脚") in reasons or (
        "repeats.txt:16",
        "页码",
    ) in reasons


@pytest.mark.usefixtures("chinese_messages")
def test_near_duplicates_across_files_are_reported_not_merged():
    result = run("near_a.txt", "near_b.txt", type="short_answer", points=Decimal(4))
    assert len(result.questions) == 2
    (near,) = result.report.near_duplicates
    assert (near.first, near.second) == ("SA-001", "SA-002")
    assert near.first_where == "near_a.txt:1（第1题）" and near.second_where == "near_b.txt:1（第1题）"
    assert "疑似重复（请人工比较）（1）" in format_report(result.report, written=False)


@pytest.mark.usefixtures("chinese_messages")
def test_cut_document_imports_what_is_complete_and_reports_the_cut_question():
    result = run("cut.txt")
    assert len(result.questions) == 2
    (cut,) = result.report.cut
    assert cut.where == "cut.txt:6"
    assert cut.text == "3、请演示客户要求销户时的挽留话术，要求包括了解销户原因、介"
    assert "截断的题目（未导入）（1）" in format_report(result.report, written=False)


def test_answer_key_after_the_questions_is_matched_by_section_and_number():
    result = run("answer_key.txt")
    greet, first_ask, case = result.questions
    assert greet.question == "坐席员在通话开始时应怎样问候客户？"
    assert kp_texts(greet) == ["先说“您好”，再报工号，询问客户需求。"]
    assert kp_texts(first_ask) == ["第一个接待客户的人负责到底，不得推诿。"]
    assert case.type == "case_analysis"
    assert kp_texts(case) == ["推诿责任", "没有受理报修", "没有安抚情绪"]
    assert kp_points(case) == D("4", "3", "3")
    assert case.analysis == "考查首问负责制在投诉处理中的运用。"
    assert result.report.no_answer == ()


# --- Answers without markers ---------------------------------------------------------------------


def test_answer_without_marker_follows_the_question_mark():
    result = run("no_marker.txt", type="short_answer", points=Decimal(6))
    signal, plan, hang_up = result.questions
    assert signal.question == "客户反映手机突然没有信号，坐席员首先应该询问什么？"
    assert kp_texts(signal) == ["首先询问客户所在的位置和出现问题的时间，再确认是否欠费停机或卡片故障。"]
    assert kp_texts(plan) == ["先查询客户当前套餐的名称和包含内容", "结合账单逐项说明费用构成", "推荐更适合客户使用习惯的套餐"]
    assert kp_points(plan) == D("2", "2", "2")
    assert hang_up.question == "为什么要在通话结束前请客户先挂机？"
    assert kp_texts(hang_up) == ["这是对客户的尊重，也避免客户还有话没说完就被挂断。"]
    assert hang_up.analysis == "属于服务规范与礼仪的基本要求。"


@pytest.mark.usefixtures("chinese_messages")
def test_missing_points_are_reported_and_fail_validation_with_the_line():
    result = run("no_marker.txt", type="short_answer")
    assert {q.points for q in result.questions} == {Decimal(0)}
    review = result.report.review[0]
    assert review.id == "SA-001"
    assert "分值缺失" in review.what[0]
    problems = [str(p) for p in result.report.validation]
    assert problems[0] == "banks/imported.yaml:7：SA-001：分值（`points`）必须是以0.5分为单位的正数，而不是 `0`"
    assert "校验：写出的题库还有" in format_report(result.report, written=False)


# --- Spreadsheets and Word ------------------------------------------------------------------------


@pytest.mark.usefixtures("chinese_messages")
def test_csv_with_a_header_gives_one_question_per_row():
    result = run("past_paper.csv")
    first, second = result.questions
    assert (first.type, first.points) == ("short_answer", Decimal(5))
    assert first.question == "坐席员在什么情况下可以把电话转接到其他部门？"
    assert (second.type, second.points) == ("case_analysis", Decimal(9))
    assert second.question == "客户李女士来电称国际漫游被多扣费，坐席员只说“以系统为准”。请指出问题。"
    assert kp_texts(second) == ["没有安抚客户情绪", "没有调取详单核实", "没有提交工单跟进"]
    assert kp_points(second) == D("3", "3", "3")
    (column,) = result.report.skipped
    assert (column.where, column.reason, column.text) == ("past_paper.csv!F2", "未识别的列（备注）", "第一次出现")


def _docx(tmp_path: Path) -> Path:
    document = Document()
    for text in (
        "客户服务技能竞赛样题",
        "一、案例分析题（共20分，每题10分）",
        "1、阅读下面的对话，指出坐席员的问题。",
        "坐席员：您好，请问有什么可以帮您？",
        "张先生：我的手机昨天被停机了，我明明已经交了费！",
        "坐席员：系统显示您欠费，您再查查吧。",
        "问题：坐席员的处理有哪些不当？",
        "答：一是没有致歉和安抚，二是没有查询缴费记录核实到账情况，三是把责任推给客户。",
        "二、实训操作题（每题5分）",
    ):
        document.add_paragraph(text)
    # Word's own numbering: the "1." is not in the paragraph's text.
    document.add_paragraph("请演示规范的电话结束语。", style="List Number")
    document.add_paragraph("答：请问还有什么可以帮您？感谢您的来电，再见。")
    document.add_paragraph("请演示转接电话时对客户的说明。", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "答："
    table.cell(0, 1).text = "告知转接的原因和部门，请客户稍候，转接前不要挂机。"
    document.add_paragraph("下载本文档 | 更多资料请关注我们")
    path = tmp_path / "样题.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.usefixtures("chinese_messages")
def test_docx_paragraphs_numbering_and_tables(tmp_path):
    result = import_documents([_docx(tmp_path)])
    case, closing, transfer = result.questions
    assert case.type == "case_analysis" and case.points == 10
    assert case.stem.splitlines()[1:] == [
        "坐席员：您好，请问有什么可以帮您？",
        "张先生：我的手机昨天被停机了，我明明已经交了费！",
        "坐席员：系统显示您欠费，您再查查吧。",
    ]
    assert kp_points(case) == D("3.5", "3.5", "3")
    assert (closing.type, closing.points, closing.question) == ("practical", 5, "请演示规范的电话结束语。")
    assert kp_texts(transfer) == ["告知转接的原因和部门，请客户稍候，转接前不要挂机。"]
    where = {s.where: s.reason for s in result.report.skipped}
    assert where["样题.docx 第1段"] == SKIP_PREAMBLE
    assert where["样题.docx 第15段"] == NOISE_SITE


def test_xlsx_sheet_without_a_header_is_read_as_text(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "面试题"
    sheet.append(["客服代表面试题（每题10分）"])
    sheet.append(["1、你为什么想做客服工作？", "答：我喜欢和人打交道，也希望帮助客户解决问题。"])
    sheet.append(["2、你如何面对客户的无理要求？", "答：先耐心倾听，再说明规定，最后提供可行的替代方案。"])
    sheet.append([None, "解析：考查沟通技巧。"])
    path = tmp_path / "面试.xlsx"
    workbook.save(path)
    result = import_documents([path], ImportOptions(points=Decimal(10)))
    first, second = result.questions
    assert first.type == second.type == "interview"  # from the sheet's title row
    assert first.question == "你为什么想做客服工作？"
    assert kp_texts(second) == ["先耐心倾听，再说明规定，最后提供可行的替代方案。"]
    assert second.analysis == "考查沟通技巧。"
    assert first.origin.path == "面试.xlsx"
    # The title row is the heading that gives the type: structure, not skipped text.
    assert result.report.skipped == ()


def test_unreadable_files_are_all_reported_at_once(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    bad = tmp_path / "b.docx"
    bad.write_bytes(b"not a zip")
    from examgen.errors import BankImportError

    with pytest.raises(BankImportError) as caught:
        import_documents([pdf, bad, tmp_path / "missing.txt"])
    assert [str(p) for p in caught.value.problems] == [
        f"{pdf}: cannot import a .pdf file (import .txt, .md, .docx, .xlsx or .csv files (save .doc as .docx, .xls as .xlsx))",
        f"{bad}: cannot be read as a .docx document (BadZipFile) (open it in Word or WPS and save it as .docx)",
        f"{tmp_path / 'missing.txt'}: file not found",
    ]


def test_gbk_text_files_are_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("一、简答题（每题5分）\n1、什么是首问负责制？\n答：第一个接待的人负责到底。\n".encode("gbk"))
    (question,) = import_documents([path]).questions
    assert question.question == "什么是首问负责制？"
