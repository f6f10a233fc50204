"""Render the oral interview kit of one form: the 面试题本 and the judges' 面试评分表.

An interview is not a written paper: the contestant reads the questions from a 题本 in
large print (no 标封, no 密封线, no answer lines) and answers aloud; each judge marks
every key point on a 评分表 and signs it. The examiners' key is the ordinary key
(:mod:`examgen.render.key`), which shows the scenario, the task, the key points and 解析.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm

from examgen.models import Form, Paper, PaperQuestion, format_points
from examgen.render.docx_base import (
    add_fixed_table,
    cell_text,
    headed_document,
    keep_row_together,
    paragraph,
    repeat_header_row,
    save_stable,
)
from examgen.render.paper import (
    first_numbers,
    join_dialogue,
    question_lines,
    section_heading,
)

BOOK_TITLE = "面试题本"
FORM_TITLE = "面试评分表"
#: Column widths of the 评分表 (cm): 题号, 评分要点, 分值, 得分 — 15.9 cm, the text width.
_FORM_COLUMNS = (2.7, 9.6, 1.4, 2.2)


def question_title(question: PaperQuestion, number: int = 0) -> str:
    """Return how a question is named in the kit: ``第2题（20分）`` (``number`` on the paper)."""
    return f"第{number or question.number}题（{format_points(question.points)}分）"


def numbered_questions(form: Form) -> list[tuple[int, PaperQuestion]]:
    """Return the form's questions with their paper numbers, which run on through the paper."""
    return [
        (first + offset, question)
        for section, first in zip(form.sections, first_numbers(form), strict=True)
        for offset, question in enumerate(section.questions)
    ]


def _page_break(document: DocumentObject) -> None:
    paragraph(document).add_run().add_break(WD_BREAK.PAGE)


def render_interview_book(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of the 面试题本: the questions only, in large print.

    ``layout.questions_per_page`` questions share a page (one by default).
    """
    blueprint = paper.blueprint
    document = headed_document(reference, f"{blueprint.title} {BOOK_TITLE}", form.letter)
    paragraph(document, blueprint.title, style="试卷标题")
    subtitle = "　".join(part for part in (blueprint.subtitle, f"{form.letter}卷", BOOK_TITLE) if part)
    paragraph(document, subtitle, style="试卷副标题")
    per_page = blueprint.layout.questions_per_page
    placed = 0
    for section, first in zip(form.sections, first_numbers(form), strict=True):
        for index, question in enumerate(section.questions):
            if placed and placed % per_page == 0:
                _page_break(document)
            if index == 0 and len(form.sections) > 1:
                paragraph(document, section_heading(section, first), style="大题标题")
            _add_book_question(document, question, first + index)
            placed += 1
    return save_stable(document, title=f"{blueprint.title} {form.letter}卷 {BOOK_TITLE}")


def _add_book_question(document: DocumentObject, question: PaperQuestion, number: int) -> None:
    paragraph(document, question_title(question, number), style="面试题")
    for kind, text in join_dialogue(question_lines(question)):
        if kind == "dialogue":
            par = paragraph(document, style="面试对话")
            for number, turn in enumerate(text.split("\n")):
                if number:
                    par.add_run().add_break()
                par.add_run(turn)
        else:
            paragraph(document, text, style="面试材料")


def form_rows(form: Form) -> list[tuple[str, str, Decimal]]:
    """Return the 评分表's rows: (question title on its first point, key point, points)."""
    rows = []
    for paper_number, question in numbered_questions(form):
        for number, point in enumerate(question.key_points, start=1):
            title = question_title(question, paper_number) if number == 1 else ""
            rows.append((title, f"（{number}）{point.text.strip()}", point.points))
    return rows


def render_interview_form(paper: Paper, form: Form, judges: int, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of the 面试评分表: a page per judge (评委1 … 评委N).

    Each page lists every question with its key points and their points, a box for the
    mark of each point, the total, and lines for the judge's signature and the date.
    """
    blueprint = paper.blueprint
    document = headed_document(reference, f"{blueprint.title} {FORM_TITLE}", form.letter)
    for judge in range(1, max(judges, 1) + 1):
        if judge > 1:
            _page_break(document)
        paragraph(document, blueprint.title, style="试卷标题")
        paragraph(document, f"{FORM_TITLE}（{form.letter}卷　评委{judge}）", style="试卷副标题")
        paragraph(document, "选手序号：__________　　准考证号：____________________", style="签名栏")
        _add_form_table(document, form)
        paragraph(document, "评委签名：____________________　　日期：______年____月____日", style="签名栏")
    return save_stable(document, title=f"{blueprint.title} {form.letter}卷 {FORM_TITLE}")


def _add_form_table(document: DocumentObject, form: Form) -> None:
    rows = form_rows(form)
    table = add_fixed_table(document, len(rows) + 2, [Cm(w) for w in _FORM_COLUMNS])
    for cell, text in zip(table.rows[0].cells, ("题号", "评分要点", "分值", "得分"), strict=True):
        cell_text(cell, text, bold=True)
    repeat_header_row(table.rows[0])
    start = 1
    for question in form.questions():
        # The question's title spans the rows of its key points.
        end = start + len(question.key_points) - 1
        if end > start:
            table.cell(start, 0).merge(table.cell(end, 0))
        start = end + 1
    for index, (title, text, points) in enumerate(rows, start=1):
        cells = table.rows[index].cells
        if title:
            # 第1题 over （20分）: the narrow column would break the title anywhere.
            number, _, full_mark = title.partition("（")
            cell_text(cells[0], number)
            cells[0].paragraphs[0].add_run().add_break()
            cells[0].paragraphs[0].add_run(f"（{full_mark}")
        cell_text(cells[1], text)
        cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
        cell_text(cells[2], format_points(points))
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        table.rows[index].height = Cm(0.9)
        # A key point is never split across pages.
        keep_row_together(table.rows[index])
    total = table.rows[-1].cells
    cell_text(total[0], "总分", bold=True)
    total[0].merge(total[1])
    total_points = sum((q.points for q in form.questions()), Decimal(0))
    cell_text(total[2], format_points(total_points), bold=True)
    table.rows[-1].height = Cm(1.0)
