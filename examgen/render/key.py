"""Render the answer key (答案及评分标准) of one form: every question with its scoring points."""

from __future__ import annotations

from pathlib import Path

from examgen.models import TRUE_FALSE_MARKS, Form, Paper, PaperQuestion, PaperSection, format_points
from examgen.render.paper import (
    add_dialogue,
    first_numbers,
    join_dialogue,
    new_document,
    question_lines,
    section_heading,
)
from examgen.render.wordml import WordDocument, add_run, cell_text

KEY_TITLE = "答案及评分标准"
#: Question types whose key repeats the scenario or dialogue before the task.
SCENARIO_TYPES = ("case_analysis", "practical", "interview")
DEFAULT_SCORING_NOTE = (
    "评分时按要点给分，答出要点的主要意思即可得分；要点不全的按所答要点酌情给分，"
    "表述不准确的酌情扣分；与要点意思相同但表述不同的，同样给分。"
)


def key_point_line(number: int, text: str, points) -> str:
    """Return a key point as printed: ``（1）先安抚客户情绪。（2分）``."""
    text = text.rstrip()
    return f"（{number}）{text}（{format_points(points)}分）"


#: Questions per row of an objective section's answer grid.
GRID_COLUMNS = 10
#: Width of the grid's 题号/答案 label column: 1.5 cm in EMU.
GRID_LABEL_WIDTH = 540_000


def key_answer(question: PaperQuestion) -> str:
    """Return an objective question's answer as the key prints it: ``B``, ``ACD``, ``√``, ``×``."""
    return TRUE_FALSE_MARKS.get(question.answer, question.answer)


def add_answer_grid(document: WordDocument, section: PaperSection, first: int) -> None:
    """Add the answer grid of an objective section (题号 / 答案, ten to a row), then its 解析."""
    questions = section.questions
    rows = (len(questions) + GRID_COLUMNS - 1) // GRID_COLUMNS
    label_width = GRID_LABEL_WIDTH
    width = (document.text_width - label_width) // GRID_COLUMNS
    cells = document.table(rows * 2, [label_width] + [width] * GRID_COLUMNS)
    for index, question in enumerate(questions):
        row, column = divmod(index, GRID_COLUMNS)
        cell_text(document, cells[row * 2][column + 1], str(first + index))
        cell_text(document, cells[row * 2 + 1][column + 1], key_answer(question), bold=True)
    for row in range(rows):
        cell_text(document, cells[row * 2][0], "题号")
        cell_text(document, cells[row * 2 + 1][0], "答案")
    for index, question in enumerate(questions):
        if question.question.analysis:
            document.paragraph(
                f"{first + index}．【{question.question.id}】【解析】{question.question.analysis.strip()}",
                style="解析",
            )


def add_key_question(document: WordDocument, question: PaperQuestion, number: int = 0) -> None:
    """Add one question of the key: number, id, points, what was asked, key points, 解析."""
    q = question.question
    head = document.paragraph(style="试题")
    add_run(head, f"{number or question.number}．")
    add_run(head, f"【{q.id}】", bold=True)
    add_run(head, f"（{format_points(question.points)}分）")
    if q.type in SCENARIO_TYPES and q.stem.strip():
        # A judge marks a case against its whole scenario or dialogue, then the task.
        for kind, text in join_dialogue(question_lines(question)):
            if kind == "dialogue":
                add_dialogue(document, text)
            elif kind == "material":
                document.paragraph(text, style="材料")
        document.paragraph(f"【问题】{q.question.strip()}", style="材料")
        document.paragraph("【答案要点】", style="材料")
    else:
        add_run(head, q.question.strip())
    for number, point in enumerate(question.key_points, start=1):
        document.paragraph(key_point_line(number, point.text, point.points), style="评分要点")
    if q.analysis:
        document.paragraph(f"【解析】{q.analysis.strip()}", style="解析")


def render_key(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of the answer key of ``form``."""
    blueprint = paper.blueprint
    document = new_document(paper, form, reference, f"{blueprint.title} {KEY_TITLE}")
    document.paragraph(blueprint.title, style="试卷标题")
    subtitle = "　".join(part for part in (blueprint.subtitle, f"{form.letter}卷", KEY_TITLE) if part)
    document.paragraph(subtitle, style="试卷副标题")
    note = blueprint.layout.scoring_note or DEFAULT_SCORING_NOTE
    document.paragraph(f"评分说明：{note}", style="评分说明")
    for section, first in zip(form.sections, first_numbers(form), strict=True):
        document.paragraph(section_heading(section, first), style="大题标题")
        if section.section.objective:
            add_answer_grid(document, section, first)
            continue
        for offset, question in enumerate(section.questions):
            add_key_question(document, question, first + offset)
    return document.to_bytes(title=f"{blueprint.title} {form.letter}卷 {KEY_TITLE}")
