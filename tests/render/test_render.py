"""The documents as a person sees them: paper layout, key content, fonts, fields, stable bytes."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from examgen.paper.build import build_paper
from examgen.paper.manifest import load_manifest
from examgen.render.paper import question_lines
from tests.docx_dump import body_text, field_codes, paragraphs, style_fonts, tables


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from examgen.paper.workspace import init_workspace

    ws = tmp_path_factory.mktemp("render") / "ws"
    init_workspace(ws)
    result = build_paper(ws, seed=42, forms=("A", "B"))
    return result


def paper_path(built, letter="A"):
    return built.folder / f"paper-{letter}.docx"


def key_path(built, letter="A"):
    return built.folder / f"key-{letter}.docx"


def test_the_paper_holds_every_question_and_no_key_text(built):
    for form in built.paper.forms:
        text = body_text(paper_path(built, form.letter))
        for q in form.questions():
            assert q.question.question.strip() in text, q.question.id
            for line in q.question.stem.splitlines():
                assert line.strip() in text, (q.question.id, line)
            for kp in q.key_points:
                assert kp.text not in text, (q.question.id, kp.text)
            if q.question.analysis:
                assert q.question.analysis.strip() not in text


def test_the_key_holds_every_key_point_with_its_points_and_the_analysis(built):
    for form in built.paper.forms:
        text = body_text(key_path(built, form.letter))
        assert "答案及评分标准" in text
        assert "评分说明：" in text
        for q in form.questions():
            if q.question.objective:
                continue  # answer grid: tests/render/test_objective_render.py
            assert f"【{q.question.id}】（{q.points.normalize():f}分）" in text
            for n, kp in enumerate(q.key_points, start=1):
                points = f"{kp.points.normalize():f}"
                assert f"（{n}）{kp.text}（{points}分）" in text
            if q.question.analysis:
                assert f"【解析】{q.question.analysis.strip()}" in text


def test_section_headings_carry_their_rule_in_order(built):
    headings = [t for s, t in paragraphs(paper_path(built)) if s == "大题标题"]
    assert headings == [
        "一、单项选择题（第1题～第20题。选择一个正确的答案，将相应的字母填入题内的括号中。"
        "每题0.5分，满分10分。）",
        "二、多项选择题（第21题～第30题。选择两个或两个以上正确的答案，将相应的字母填入题内的括号中。"
        "全部选对得满分；少选且所选都对的，得0.5分；错选、多选不得分。每题1分，满分10分。）",
        "三、判断题（第31题～第50题。将判断结果填入括号中。正确的填“√”，错误的填“×”。"
        "每题0.5分，满分10分。）",
        "四、案例分析题（第51题～第52题。每题10分，满分20分。）",
        "五、实训操作题（第53题～第57题。每题10分，满分50分。）",
    ]
    key_headings = [t for s, t in paragraphs(key_path(built)) if s == "大题标题"]
    assert key_headings == headings


def test_questions_are_numbered_on_through_the_paper(built):
    texts = [(s, t) for s, t in paragraphs(paper_path(built)) if s in ("大题标题", "试题")]
    numbers: list[list[str]] = []
    for style, text in texts:
        if style == "大题标题":
            numbers.append([])
        else:
            numbers[-1].append(text.split("．")[0])
    assert numbers == [
        [str(n) for n in range(first, last + 1)]
        for first, last in ((1, 20), (21, 30), (31, 50), (51, 52), (53, 57))
    ]


def test_dialogue_turns_are_one_per_line(built):
    form = built.paper.forms[0]
    dialogues = [q for q in form.questions() if any(k == "dialogue" for k, _ in question_lines(q))]
    assert dialogues, "seed 42 draws at least one dialogue case"
    # A dialogue is one paragraph (kept together), a turn per line.
    shown = [turn for s, t in paragraphs(paper_path(built)) if s == "对话" for turn in t.split("\n")]
    for q in dialogues:
        for kind, line in question_lines(q):
            if kind == "dialogue":
                assert line in shown


def test_the_seal_comes_first_with_its_fields_and_rule(built):
    doc = Document(str(paper_path(built)))
    body = doc.element.body
    first = body[0]
    assert first.tag == qn("w:tbl"), "the 标封 table opens the paper"
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["姓名", "", "准考证号", "", "单位", ""]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "\t密 封 线\t"
    assert texts[1] == "考 生 答 题 不 准 超 过 此 线"
    assert texts[2] == "客户服务代表职业技能竞赛笔试试卷"
    assert texts[3] == "理论知识与实务　A卷"


def test_instructions_come_from_the_blueprint(built):
    shown = [t for s, t in paragraphs(paper_path(built)) if s == "注意事项"]
    assert shown[0] == "1．考试时间：120分钟。"
    assert len(shown) == 4


def test_the_score_table_has_a_column_per_section(built):
    score = tables(paper_path(built))[1]
    assert score == [
        ["题号", "一", "二", "三", "四", "五", "总分"],
        ["得分", "", "", "", "", "", ""],
        ["评分人", "", "", "", "", "", ""],
    ]
    boxes = tables(paper_path(built))[2:]
    assert boxes == [[["得分", "评分人"], ["", ""]]] * 5


def test_answer_space_is_sized_by_points(built):
    pars = paragraphs(paper_path(built))
    runs: list[int] = []
    count = 0
    for style, _ in pars:
        if style == "答题线":
            count += 1
        elif count:
            runs.append(count)
            count = 0
    runs.append(count)
    # default.yaml: 1 line per point, at least 4 and at most 14 lines; none for objective questions.
    assert runs == [10] * 2 + [10] * 5


def test_fonts_are_east_asian_and_tagged_zh_cn(built):
    for path in (paper_path(built), key_path(built)):
        for style, font in (("试题", "宋体"), ("大题标题", "黑体"), ("试卷标题", "黑体"), ("Normal", "宋体")):
            fonts = style_fonts(path, style)
            assert fonts["eastAsia"] == font, (path.name, style)
            assert fonts["lang.eastAsia"] == "zh-CN"
        styles = Document(str(path)).styles.element
        default_lang = styles.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
        assert default_lang.get(qn("w:eastAsia")) == "zh-CN"


def test_title_and_body_sizes_follow_official_papers(built):
    styles = Document(str(paper_path(built))).styles
    assert styles["试卷标题"].font.size.pt == 18  # 小二
    assert styles["试题"].font.size.pt == 12  # 小四
    assert styles["大题标题"].paragraph_format.keep_with_next is True
    assert styles["试题"].paragraph_format.keep_with_next is True


def test_page_is_a4_with_header_form_letter_and_page_fields(built):
    for letter in ("A", "B"):
        doc = Document(str(paper_path(built, letter)))
        section = doc.sections[0]
        assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
        assert section.left_margin >= Cm(2.5)
        assert section.header.paragraphs[0].text.endswith(f"\t{letter}卷")
        footer = section.footer.paragraphs[0]
        assert footer.text == "第 1 页 共 1 页"
        assert field_codes(section.footer._element) == ["PAGE", "NUMPAGES"]


def test_manifest_records_questions_points_and_document_hashes(built):
    record = load_manifest(built.folder / "manifest.json")
    assert record["seed"] == 42
    assert record["paper_id"] == "default"
    assert record["bank_fingerprint"].startswith("sha256:")
    form = record["forms"][0]
    labels = [q["label"] for s in form["sections"] for q in s["questions"]]
    counts = (("一", 20), ("二", 10), ("三", 20), ("四", 2), ("五", 5))
    assert labels == [f"{numeral}.{i}" for numeral, count in counts for i in range(1, count + 1)]
    for s in form["sections"]:
        for q in s["questions"]:
            if s.get("objective"):
                # Grading never reads the bank: options in paper order and the answer are here.
                assert q["key_points"] == [] and len(q["options"]) >= (0 if s["type"] == "true_false" else 2)
                assert q["answer"]
            else:
                assert sum(Decimal(kp["points"]) for kp in q["key_points"]) == q["points"]
                assert "answer" not in q
    import hashlib

    for entry in form["documents"].values():
        data = (built.folder / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_the_same_seed_gives_byte_identical_files_and_another_seed_differs(built, tmp_path):
    ws = built.folder.parent.parent
    again = build_paper(ws, seed=42, forms=("A", "B"), out=tmp_path / "again")
    other = build_paper(ws, seed=43, out=tmp_path / "other")
    for name in ("paper-A.docx", "key-A.docx", "paper-B.docx", "manifest.json"):
        assert (again.folder / name).read_bytes() == (built.folder / name).read_bytes(), name
    assert (other.folder / "paper-A.docx").read_bytes() != (built.folder / "paper-A.docx").read_bytes()


def test_a_reference_docx_in_the_workspace_sets_the_styles(built, tmp_path):
    ws = built.folder.parent.parent
    reference = Document(str(ws / "templates" / "reference.docx"))
    reference.styles["试题"].font.size = Pt(14)  # an office makes the body larger in Word
    reference.save(str(ws / "templates" / "reference.docx"))
    try:
        result = build_paper(ws, seed=42, out=tmp_path / "ref")
        size = Document(str(result.folder / "paper-A.docx")).styles["试题"].font.size
        assert size == Pt(14)
    finally:
        from examgen.render.docx_base import reference_bytes

        (ws / "templates" / "reference.docx").write_bytes(reference_bytes())


needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are not installed",
)


@needs_soffice
def test_libreoffice_renders_the_chinese_text_headings_and_page_numbers(built, tmp_path):
    for name in ("paper-A.docx", "key-A.docx"):
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
             "--outdir", str(tmp_path), str(built.folder / name)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        pdf = tmp_path / name.replace(".docx", ".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = int(
            next(line for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
                 if line.startswith("Pages:")).split()[1]
        )  # fmt: skip
        flat = text.replace(" ", "")
        assert "客户服务代表职业技能竞赛笔试试卷" in flat
        assert "四、案例分析题（第51题～第52题。每题10分，满分20分。）" in flat
        assert f"第1页共{pages}页" in flat
        assert f"第{pages}页共{pages}页" in flat
        if name.startswith("paper"):
            assert "密封线" in flat
            assert "考生答题不准超过此线" in flat
        else:
            assert "答案及评分标准" in flat


TBL_PR_ORDER = ["tblStyle", "tblW", "jc", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
P_PR_ORDER = ["pStyle", "keepNext", "keepLines", "widowControl", "pBdr", "shd", "tabs", "spacing", "ind", "jc", "outlineLvl", "rPr"]


def _in_schema_order(element, order: list[str]) -> list[str]:
    names = [child.tag.split("}")[1] for child in element]
    known = [n for n in names if n in order]
    assert known == sorted(known, key=order.index), names
    return names


def test_word_xml_children_are_in_schema_order(built):
    # Word refuses a file whose properties are out of the schema's order; LibreOffice does not,
    # so rendering alone would never catch it.
    for path in (paper_path(built), key_path(built)):
        document = Document(str(path))
        for tbl_pr in document.element.body.iter(qn("w:tblPr")):
            names = _in_schema_order(tbl_pr, TBL_PR_ORDER)
            assert names.count("tblLayout") == 1, names
        for p_pr in document.styles.element.iter(qn("w:pPr")):
            _in_schema_order(p_pr, P_PR_ORDER)
    ruled = Document(str(paper_path(built))).styles["答题线"].element.pPr
    assert [c.tag.split("}")[1] for c in ruled].index("pBdr") < [c.tag.split("}")[1] for c in ruled].index("spacing")


def test_the_shipped_reference_docx_is_the_one_the_code_builds():
    # Regenerate after changing styles: python -c "from examgen.render.docx_base import
    # reference_bytes; open('templates/reference.docx','wb').write(reference_bytes())"
    from examgen.render.docx_base import reference_bytes
    from tests.conftest import REPO

    assert (REPO / "templates" / "reference.docx").read_bytes() == reference_bytes()


def test_the_key_shows_a_case_s_whole_scenario_then_the_task_then_the_key_points(built):
    form = built.paper.forms[0]
    texts = [t for _, t in paragraphs(key_path(built))]
    flat = "\n".join(texts)
    cases = [q for q in form.questions() if q.question.type in ("case_analysis", "practical")]
    assert cases
    for q in cases:
        stem_lines = [line.strip() for line in q.question.stem.splitlines() if line.strip()]
        positions = [flat.index(line) for line in stem_lines]
        assert positions == sorted(positions), q.question.id
        task = flat.index(f"【问题】{q.question.question.strip()}", positions[-1])
        first_point = flat.index(f"（1）{q.key_points[0].text.strip()}", task)
        assert positions[-1] < task < first_point, q.question.id



def test_a_short_answer_s_key_gives_the_question_on_its_head_line(tmp_path):
    from examgen.paper.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws)
    # The judge-marked paper has a 简答题 section (the default paper has none).
    built = build_paper(ws, seed=42, blueprint_path=ws / "templates" / "judged.yaml")
    texts = [t for _, t in paragraphs(key_path(built))]
    short = next(q for q in built.paper.forms[0].questions() if q.question.type == "short_answer")
    assert any(t.endswith(short.question.question.strip()) and f"【{short.question.id}】" in t for t in texts)
