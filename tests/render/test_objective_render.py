"""Objective questions on the paper and in the key: brackets, option columns, answer grid."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from docx import Document

from examgen.models import OPTION_LETTERS, Section, section_heading_text
from examgen.paper.build import build_paper
from examgen.render.key import key_answer
from examgen.render.paper import choice_stem, first_numbers, option_columns, option_rows
from tests.docx_dump import paragraphs, tables


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from examgen.paper.workspace import init_workspace

    ws = tmp_path_factory.mktemp("objective") / "ws"
    init_workspace(ws)
    return build_paper(ws, seed=42, forms=("A", "B"))


def test_heading_text_is_national_style_with_full_width_punctuation():
    assert (
        section_heading_text("一", "单项选择题", 1, 20, Decimal(1), Decimal(20))
        == "一、单项选择题（第1题～第20题。每题1分，满分20分。）"
    )
    assert (
        section_heading_text("四", "案例分析题", 21, 21, Decimal("10"), Decimal(10), "")
        == "四、案例分析题（第21题。每题10分，满分10分。）"
    )
    partial = Section("多选", "multiple_choice", 5, Decimal(2), scoring="partial", partial_per_option=Decimal("0.5"))
    assert partial.scoring_text() == "全部选对得满分；少选且所选都对的，每选对一项得0.5分；错选、多选不得分。"
    assert Section("多选", "multiple_choice", 5, Decimal(2)).scoring_text() == "错选、多选、少选均不得分。"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("坐席员首先应当（　　）。", "坐席员首先应当（　　）。"),
        ("坐席员首先应当( )处理。", "坐席员首先应当（　　）处理。"),
        ("下列做法正确的是", "下列做法正确的是（　　）"),
        ("下列做法正确的是？", "下列做法正确的是（　　）？"),
        ("下列做法正确的是。", "下列做法正确的是（　　）。"),
    ],
)
def test_a_choice_stem_gets_exactly_one_pair_of_empty_brackets(text, shown):
    assert choice_stem(text) == shown


def test_option_columns_follow_the_longest_option():
    assert option_columns(["转接", "倾听", "解释", "挂机"]) == 4
    assert option_columns(["立即转接上级", "安抚情绪并耐心倾听", "解释公司制度", "请客户稍后再拨"]) == 2
    long = "说明原因、所需材料及就近营业厅的地址和营业时间"
    assert option_columns(["立即办理", long, "拒绝", "稍后"]) == 1
    # Three short options cannot fill four columns: two columns, then one row of one.
    assert option_columns(["对", "错", "不确定"]) == 2
    assert option_rows(["甲", "乙", "丙"], 2) == [["A．甲", "B．乙"], ["C．丙"]]


def test_the_paper_shows_every_option_and_never_an_answer(built):
    for form in built.paper.forms:
        path = built.folder / f"paper-{form.letter}.docx"
        pars = paragraphs(path)
        text = "\n".join(t for _, t in pars)
        for q in form.questions():
            if not q.question.objective:
                continue
            for letter, option in zip(OPTION_LETTERS, q.options, strict=False):
                assert f"{letter}．{option}" in text, q.question.id
        # Every bracket pair on the paper is empty: no answer letter and no √/× is printed.
        brackets = re.findall(r"[(（]([^)）]*)[)）]", text)
        assert "　　" in brackets
        assert not [b for b in brackets if re.fullmatch(r"[A-H√×]+", b.strip())]
        assert "【解析】" not in text
        for q in form.questions():
            if q.question.analysis:
                assert q.question.analysis not in text


def test_options_keep_with_their_stem_and_stand_in_aligned_columns(built):
    doc = Document(str(built.folder / "paper-A.docx"))
    pars = doc.paragraphs
    option_pars = [i for i, p in enumerate(pars) if p.style.name == "选项"]
    assert option_pars
    for i in option_pars:
        # The stem and every option row but the last keep with the next paragraph.
        assert pars[i - 1].paragraph_format.keep_with_next is True or pars[i - 1].style.name == "选项"
        last_of_question = i + 1 >= len(pars) or pars[i + 1].style.name != "选项"
        assert pars[i].paragraph_format.keep_with_next is (not last_of_question)
    stops = {
        tuple(t.position for t in pars[i].paragraph_format.tab_stops)
        for i in option_pars
        if pars[i].text.count("\t") == 3
    }
    assert len(stops) == 1, "every four-column row uses the same tab stops"
    counts = {pars[i].text.count("\t") for i in option_pars}
    assert counts <= {0, 1, 3}


def test_the_key_has_an_answer_grid_per_objective_section_ten_to_a_row(built):
    for form in built.paper.forms:
        grids = tables(built.folder / f"key-{form.letter}.docx")
        objective = [(s, f) for s, f in zip(form.sections, first_numbers(form), strict=True) if s.section.objective]
        assert len(grids) == len(objective)
        for grid, (section, first) in zip(grids, objective, strict=True):
            numbers = [c for row in grid[0::2] for c in row[1:] if c]
            answers = [c for row in grid[1::2] for c in row[1:] if c]
            assert numbers == [str(first + i) for i in range(len(section.questions))]
            assert answers == [key_answer(q) for q in section.questions]
            assert all(len(row) == 11 for row in grid)
            assert {row[0] for row in grid} == {"题号", "答案"}
        marks = [c for grid in grids for row in grid[1::2] for c in row[1:] if c in ("√", "×")]
        assert marks, "true/false answers print as √ and ×"


def test_the_key_shows_the_analysis_of_objective_questions(built):
    form = built.paper.forms[0]
    text = "\n".join(t for _, t in paragraphs(built.folder / "key-A.docx"))
    with_analysis = [q for q in form.questions() if q.question.objective and q.question.analysis]
    for q in with_analysis:
        assert f"【{q.question.id}】【解析】{q.question.analysis}" in text


def test_shuffled_options_keep_the_right_answer(built):
    for form in built.paper.forms:
        for q in form.questions():
            if q.question.type in ("single_choice", "multiple_choice"):
                right = {q.question.options[OPTION_LETTERS.index(c)] for c in q.question.answer}
                assert {q.options[OPTION_LETTERS.index(c)] for c in q.answer} == right
                assert sorted(q.options) == sorted(q.question.options)
    a, b = (f.questions() for f in built.paper.forms)
    assert [q.options for q in a if q.options] != [q.options for q in b if q.options]
