"""The oral interview kit: 面试题本, 面试评分表 per judge, the key with 解析, and judges' sheets."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from examgen.grading.workflow import write_score_sheets
from examgen.models import format_points
from examgen.paper.blueprint import load_blueprint
from examgen.paper.build import build_paper
from tests.docx_dump import body_text, paragraphs, tables


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    from examgen.paper.workspace import init_workspace

    ws = tmp_path_factory.mktemp("interview") / "ws"
    init_workspace(ws)
    return build_paper(ws, seed=42, blueprint_path=ws / "templates" / "interview.yaml")


def _page_breaks(path) -> int:
    document = Document(str(path))
    return sum(1 for br in document.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page")


def test_an_interview_builds_a_book_a_judges_form_and_a_key_not_a_written_paper(kit):
    names = sorted(p.name for p in kit.folder.iterdir())
    assert names == ["interview-book-A.docx", "interview-form-A.docx", "key-A.docx", "manifest.json"]
    assert kit.paper.blueprint.is_interview


def test_the_book_holds_each_question_on_its_own_page_in_large_print_without_seal_or_answer_lines(kit):
    book = kit.folder / "interview-book-A.docx"
    text = body_text(book)
    questions = kit.paper.forms[0].questions()
    for q in questions:
        assert q.question.question.strip() in text
        for line in q.question.stem.splitlines():
            assert line.strip() in text
        for point in q.key_points:
            assert point.text.strip() not in text, "the book must hold no key text"
    assert "密 封 线" not in text and "准考证号" not in text
    styles = [style for style, _ in paragraphs(book)]
    assert "答题线" not in styles and "标封" not in styles
    assert [t for s, t in paragraphs(book) if s == "面试题"] == [
        f"第{n}题（{format_points(q.points)}分）" for n, q in enumerate(questions, start=1)
    ]  # numbers run on through the paper
    assert Document(str(book)).styles["面试材料"].font.size.pt >= 15
    assert _page_breaks(book) == len(questions) - 1


def test_the_blueprint_may_put_several_questions_on_a_page(kit, tmp_path):
    ws = kit.folder.parent.parent
    blueprint = ws / "templates" / "interview.yaml"
    two = tmp_path / "two.yaml"
    two.write_text(
        blueprint.read_text(encoding="utf-8").replace("layout:\n", "layout:\n  questions_per_page: 2\n"), encoding="utf-8"
    )
    result = build_paper(ws, seed=42, blueprint_path=two, out=tmp_path / "out")
    assert _page_breaks(result.folder / "interview-book-A.docx") == 2  # 5 questions: pages of 2, 2, 1


def test_questions_per_page_must_be_a_whole_number_of_at_least_one(tmp_path):
    path = tmp_path / "bp.yaml"
    path.write_text(
        "title: 面试\ntotal: 20\nlayout:\n  questions_per_page: 0\n"
        "sections:\n  - {name: 情景题, type: interview, count: 1, points: 20}\n",
        encoding="utf-8",
    )
    from examgen.errors import BlueprintError

    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3: layout.questions_per_page must be a whole number of at least 1, not 0"
    ]


def test_the_judges_form_has_a_page_per_judge_with_every_key_point_a_box_the_total_and_signature(kit):
    form = kit.folder / "interview-form-A.docx"
    judges = kit.paper.blueprint.grading["judges"]
    assert judges == 5
    assert _page_breaks(form) == judges - 1
    shown = [t for s, t in paragraphs(form) if s == "试卷副标题"]
    assert shown == [f"面试评分表（A卷　评委{j}）" for j in range(1, judges + 1)]
    assert sum("评委签名" in t and "日期" in t for _, t in paragraphs(form)) == judges
    questions = kit.paper.forms[0].questions()
    all_tables = tables(form)
    assert len(all_tables) == judges
    table = all_tables[0]
    assert table[0] == ["题号", "评分要点", "分值", "得分"]
    rows = table[1:-1]
    expected = [
        (f"（{n}）{kp.text.strip()}", format_points(kp.points))
        for q in questions for n, kp in enumerate(q.key_points, start=1)
    ]  # fmt: skip
    assert [(r[1], r[2]) for r in rows] == expected
    assert all(r[3] == "" for r in rows), "a blank box for every key point"
    assert rows[0][0] == f"第1题\n（{format_points(questions[0].points)}分）"
    assert table[-1][0] == "总分" and table[-1][2] == "100" and table[-1][3] == ""


def test_the_examiners_key_gives_scenario_key_points_and_analysis(kit):
    text = body_text(kit.folder / "key-A.docx")
    for q in kit.paper.forms[0].questions():
        assert q.question.stem.splitlines()[0].strip() in text
        for point in q.key_points:
            assert point.text.strip() in text
        if q.question.analysis:
            assert f"【解析】{q.question.analysis.strip()}" in text


def test_interview_score_sheets_carry_the_key_points_and_written_papers_do_not(kit, tmp_path):
    import datetime

    roster = tmp_path / "roster.csv"
    roster.write_text("准考证号,姓名,单位\n2026001,张三,城东营业部\n", encoding="utf-8")
    outcome = write_score_sheets(
        kit.folder / "manifest.json", roster, date=datetime.date(2026, 5, 1), out_dir=tmp_path / "sheets"
    )
    workbook = openpyxl.load_workbook(outcome.sheets[0])
    assert workbook.sheetnames == ["评分", "评分要点"]
    ws = workbook["评分要点"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    for q in kit.paper.forms[0].questions():
        start = next(i for i, r in enumerate(rows) if r[1] == q.question.id)
        points = rows[start : start + len(q.key_points)]
        assert [r[2] for r in points] == [f"（{n}）{kp.text.strip()}" for n, kp in enumerate(q.key_points, start=1)]
        assert [Decimal(str(r[3])) for r in points] == [kp.points for kp in q.key_points]
        assert rows[start + len(q.key_points)][2:] == ("本题满分", int(q.points))

    written = build_paper(kit.folder.parent.parent, seed=1, out=tmp_path / "written")
    sheets = write_score_sheets(
        written.folder / "manifest.json", roster, date=datetime.date(2026, 5, 1), out_dir=tmp_path / "w-sheets"
    )
    assert openpyxl.load_workbook(sheets.sheets[0]).sheetnames == ["评分"]
