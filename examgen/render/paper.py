"""Render the examination paper (试卷) of one form, in the vocational exam layout.

The paper never holds key text: only stems, questions and answer space.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from examgen.models import Blueprint, Form, Paper, PaperQuestion, PaperSection, format_points
from examgen.render.docx_base import (
    add_field,
    add_fixed_table,
    add_leader_tabs,
    add_right_tab,
    cell_text,
    open_reference,
    paragraph,
    remove_table_borders,
    save_stable,
    text_width,
)

#: A line of a dialogue: a short speaker name (坐席员, 客户, 王先生), then a colon. A name
#: ending in a verb of saying (有人认为：, 他说：) introduces a quotation, not a turn.
DIALOGUE_TURN = re.compile(
    r"^\s*(?P<speaker>[\u4e00-\u9fffA-Za-z0-9（）()]{1,8}?)(?<![认为说道称问答示])\s*[:：]"
)


def dialogue_speakers(stem: str) -> set[str]:
    """Return the speakers of a stem's dialogue turns; fewer than two means it is no dialogue."""
    return {m.group("speaker") for line in stem.splitlines() if (m := DIALOGUE_TURN.match(line))}


def section_heading(section: PaperSection) -> str:
    """Return ``二、案例分析题（第5题～第7题。每题10分，满分30分。）``, the national style."""
    rule = section.section
    numbers = [q.number for q in section.questions]
    span = f"第{numbers[0]}题" if len(numbers) == 1 else f"第{numbers[0]}题～第{numbers[-1]}题"
    return (
        f"{section.numeral}、{rule.name}"
        f"（{span}。每题{format_points(rule.points)}分，满分{format_points(section.total)}分。）"
    )


def question_lines(question: PaperQuestion) -> list[tuple[str, str]]:
    """Return the paper text of a question as (kind, text) lines: stem, dialogue, question.

    A stem whose lines look like ``坐席员：…`` / ``客户：…`` is a dialogue, shown one turn
    per line; other stems are material paragraphs.
    """
    lines: list[tuple[str, str]] = []
    stem = question.question.stem
    is_dialogue = len(dialogue_speakers(stem)) >= 2
    for line in stem.splitlines():
        if line.strip():
            kind = "dialogue" if is_dialogue and DIALOGUE_TURN.match(line) else "material"
            lines.append((kind, line.strip()))
    lines.append(("question", question.question.question.strip()))
    return lines


def answer_lines(points: Decimal, blueprint: Blueprint) -> int:
    """Return how many ruled lines of answer space a question of ``points`` gets."""
    layout = blueprint.layout
    lines = int((points * layout.lines_per_point).to_integral_value(rounding=ROUND_HALF_UP))
    return max(layout.min_answer_lines, min(layout.max_answer_lines, lines))


def reference_path(blueprint: Blueprint, workspace: Path) -> Path | None:
    """Return the reference .docx to build on: the blueprint's, else templates/reference.docx."""
    if blueprint.layout.reference_docx:
        return workspace / blueprint.layout.reference_docx
    default = workspace / "templates" / "reference.docx"
    return default if default.exists() else None


def new_document(paper: Paper, form: Form, reference: Path | None, heading: str) -> DocumentObject:
    """Return a document on the reference with the header (title, form) and page-number footer."""
    document = open_reference(reference)
    width = text_width(document)
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        head = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        head.text = ""
        head.style = document.styles["页眉文字"]
        head.paragraph_format.tab_stops.clear_all()
        add_right_tab(head, width)
        head.add_run(f"{heading}\t{form.letter}卷")
        footer = section.footer
        footer.is_linked_to_previous = False
        foot = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        foot.text = ""
        foot.style = document.styles["页脚文字"]
        foot.add_run("第 ")
        add_field(foot, "PAGE")
        foot.add_run(" 页 共 ")
        add_field(foot, "NUMPAGES")
        foot.add_run(" 页")
    return document


def _table(document: DocumentObject, rows: int, widths_cm: list[float]):
    return add_fixed_table(document, rows, [Cm(w) for w in widths_cm])


def _row_height(row, cm: float) -> None:
    row.height = Cm(cm)


def _cell_bottom_border(cell) -> None:
    # tcBorders follows tcW, the only child python-docx has written to this tcPr.
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:color"), "auto")
    borders.append(bottom)
    tc_pr.append(borders)


def add_seal(document: DocumentObject) -> None:
    """Add the 标封: name, exam number and unit to fill in, above the 密封线 rule."""
    table = _table(document, 1, [1.3, 3.2, 2.1, 4.4, 1.3, 3.7])
    remove_table_borders(table)
    cells = table.rows[0].cells
    for index, label in ((0, "姓名"), (2, "准考证号"), (4, "单位")):
        cell_text(cells[index], label, style="标封")
        cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        cell_text(cells[index + 1], "", style="标封")
        _cell_bottom_border(cells[index + 1])
    _row_height(table.rows[0], 0.8)
    rule = paragraph(document, style="密封线")
    add_leader_tabs(rule, text_width(document))
    rule.add_run("\t密 封 线\t")
    paragraph(document, "考 生 答 题 不 准 超 过 此 线", style="密封线")


def add_instructions(document: DocumentObject, blueprint: Blueprint) -> None:
    """Add 注意事项: the duration first, then the blueprint's lines, numbered."""
    lines = list(blueprint.instructions)
    if blueprint.duration and not any("分钟" in line for line in lines):
        lines.insert(0, f"考试时间：{blueprint.duration}分钟。")
    if not lines:
        return
    paragraph(document, "注 意 事 项", style="注意事项标题")
    for number, line in enumerate(lines, start=1):
        paragraph(document, f"{number}．{line}", style="注意事项")


def add_score_table(document: DocumentObject, form: Form) -> None:
    """Add the score summary: 题号 | 一 | 二 | … | 总分, rows 得分 and 评分人."""
    numerals = [s.numeral for s in form.sections]
    cols = len(numerals) + 2
    width = 15.5 / cols
    table = _table(document, 3, [width] * cols)
    headers = ["题号", *numerals, "总分"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text)
    cell_text(table.rows[1].cells[0], "得分")
    cell_text(table.rows[2].cells[0], "评分人")
    for row in table.rows[1:]:
        _row_height(row, 0.9)
    paragraph(document, "", style="表格文字")


def add_section_score_box(document: DocumentObject) -> None:
    """Add the small 得分 / 评分人 box that stands before each section."""
    table = _table(document, 2, [1.8, 1.8])
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    cell_text(table.rows[0].cells[0], "得分")
    cell_text(table.rows[0].cells[1], "评分人")
    _row_height(table.rows[1], 0.8)
    # Keep the box on the page of the heading that follows it.
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def join_dialogue(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the lines with each run of dialogue turns joined into one, a turn per line.

    LibreOffice breaks a long chain of keep-with-next paragraphs after its first one;
    one paragraph kept together is never split.
    """
    joined: list[tuple[str, str]] = []
    for kind, text in lines:
        if kind == "dialogue" and joined and joined[-1][0] == "dialogue":
            joined[-1] = (kind, joined[-1][1] + "\n" + text)
        else:
            joined.append((kind, text))
    return joined


def add_dialogue(document: DocumentObject, turns: str) -> None:
    """Add dialogue turns as one paragraph, each turn on its own line."""
    par = paragraph(document, style="对话")
    for index, turn in enumerate(turns.split("\n")):
        if index:
            par.add_run().add_break()
        par.add_run(turn)


def add_question(document: DocumentObject, question: PaperQuestion, blueprint: Blueprint) -> None:
    """Add a numbered question (stem, dialogue turns, what is asked) and its answer lines.

    Its paragraphs keep with the next, and with the section heading above it.
    """
    lines = join_dialogue(question_lines(question))
    number = f"{question.number}．"
    area = answer_lines(question.points, blueprint)
    # A question that fits on a page keeps all its lines together, so the page breaks
    # between questions; a longer one keeps only its first answer lines with the question.
    whole = area <= lines_per_page(document) - len(lines)
    if len(lines) == 1:
        paragraph(document, number + lines[0][1], style="试题")
    else:
        kind, text = lines[0]
        if kind == "dialogue":
            # A dialogue turn cannot carry the number; introduce the recording instead.
            paragraph(document, number + "阅读下面的通话记录，回答问题。", style="试题")
            add_dialogue(document, text)
        else:
            paragraph(document, number + text, style="试题")
        for kind, text in lines[1:]:
            if kind == "dialogue":
                add_dialogue(document, text)
            else:
                paragraph(document, text, style="材料")
    add_answer_area(document, area, kept=area - 1 if whole else LINES_KEPT_WITH_QUESTION)


#: Answer lines that stay with the question when its answer area is split across pages.
LINES_KEPT_WITH_QUESTION = 3


def lines_per_page(document: DocumentObject) -> int:
    """Return how many ruled answer lines fill the text area of a page."""
    section = document.sections[0]
    body = section.page_height - section.top_margin - section.bottom_margin
    line = document.styles["答题线"].paragraph_format.line_spacing
    # A reference .docx may give the style a multiple, not a height; 26 pt is the default.
    height = line if isinstance(line, int) and line > Pt(2) else Pt(26)
    return max(1, body // height)


def add_answer_area(target, lines: int, *, kept: int) -> None:
    """Add ``lines`` ruled answer lines, the first ``kept`` of them kept with the next line.

    Kept lines hold a question that is split across pages to its first answer lines.
    """
    for index in range(lines):
        line = paragraph(target, "", style="答题线")
        if index < kept:
            line.paragraph_format.keep_with_next = True


def render_paper(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of ``form``'s paper: 标封, title, 注意事项, scores, sections."""
    blueprint = paper.blueprint
    document = new_document(paper, form, reference, blueprint.title)
    add_seal(document)
    paragraph(document, blueprint.title, style="试卷标题")
    subtitle = "　".join(part for part in (blueprint.subtitle, f"{form.letter}卷") if part)
    paragraph(document, subtitle, style="试卷副标题")
    add_instructions(document, blueprint)
    add_score_table(document, form)
    for section in form.sections:
        add_section_score_box(document)
        paragraph(document, section_heading(section), style="大题标题")
        for question in section.questions:
            add_question(document, question, blueprint)
    return save_stable(document, title=f"{blueprint.title} {form.letter}卷")


