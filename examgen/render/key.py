"""Render the answer key (答案及评分标准) of one form: every question with its scoring points."""

from __future__ import annotations

from pathlib import Path

from examgen.models import Form, Paper, PaperQuestion, format_points
from examgen.render.docx_base import paragraph, save_stable
from examgen.render.paper import (
    add_dialogue,
    join_dialogue,
    new_document,
    question_lines,
    section_heading,
)

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


def add_key_question(document, question: PaperQuestion) -> None:
    """Add one question of the key: number, id, points, what was asked, key points, 解析."""
    q = question.question
    head = paragraph(document, style="试题")
    head.add_run(f"{question.number}．")
    head.add_run(f"【{q.id}】").bold = True
    head.add_run(f"（{format_points(question.points)}分）")
    if q.type in SCENARIO_TYPES and q.stem.strip():
        # A judge marks a case against its whole scenario or dialogue, then the task.
        for kind, text in join_dialogue(question_lines(question)):
            if kind == "dialogue":
                add_dialogue(document, text)
            elif kind == "material":
                paragraph(document, text, style="材料")
        paragraph(document, f"【问题】{q.question.strip()}", style="材料")
        paragraph(document, "【答案要点】", style="材料")
    else:
        head.add_run(q.question.strip())
    for number, point in enumerate(question.key_points, start=1):
        paragraph(document, key_point_line(number, point.text, point.points), style="评分要点")
    if q.analysis:
        paragraph(document, f"【解析】{q.analysis.strip()}", style="解析")


def render_key(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of the answer key of ``form``."""
    blueprint = paper.blueprint
    document = new_document(paper, form, reference, f"{blueprint.title} {KEY_TITLE}")
    paragraph(document, blueprint.title, style="试卷标题")
    subtitle = "　".join(part for part in (blueprint.subtitle, f"{form.letter}卷", KEY_TITLE) if part)
    paragraph(document, subtitle, style="试卷副标题")
    note = blueprint.layout.scoring_note or DEFAULT_SCORING_NOTE
    paragraph(document, f"评分说明：{note}", style="评分说明")
    for section in form.sections:
        paragraph(document, section_heading(section), style="大题标题")
        for question in section.questions:
            add_key_question(document, question)
    return save_stable(document, title=f"{blueprint.title} {form.letter}卷 {KEY_TITLE}")
