"""Render the answer key (答案及评分标准) of one form: every question with its scoring points."""

from __future__ import annotations

from pathlib import Path

from examgen.models import (
    TRUE_FALSE_MARKS,
    Form,
    Paper,
    PaperQuestion,
    PaperSection,
    format_points,
    question_label,
)
from examgen.render.paper import (
    add_dialogue,
    first_numbers,
    form_name,
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


def add_answer_grid(
    document: WordDocument, section: PaperSection, first: int, form_numbers: dict[str, tuple[int, str]] | None = None
) -> None:
    """Add the answer grid of an objective section (题号 / 答案, ten to a row), then its 解析.

    A variant's grid has a third row, the question's number on the form (A卷题号).
    """
    questions = section.questions
    rows = (len(questions) + GRID_COLUMNS - 1) // GRID_COLUMNS
    band = 3 if form_numbers else 2
    label_width = GRID_LABEL_WIDTH
    width = (document.text_width - label_width) // GRID_COLUMNS
    cells = document.table(rows * band, [label_width] + [width] * GRID_COLUMNS)
    for index, question in enumerate(questions):
        row, column = divmod(index, GRID_COLUMNS)
        cell_text(document, cells[row * band][column + 1], str(first + index))
        cell_text(document, cells[row * band + 1][column + 1], key_answer(question), bold=True)
        if form_numbers:
            cell_text(document, cells[row * band + 2][column + 1], str(form_numbers[question.question.id][0]))
    for row in range(rows):
        cell_text(document, cells[row * band][0], "题号")
        cell_text(document, cells[row * band + 1][0], "答案")
        if form_numbers:
            cell_text(document, cells[row * band + 2][0], "原题号")
    for index, question in enumerate(questions):
        if question.question.analysis:
            document.paragraph(
                f"{first + index}．【{question.question.id}】【解析】{question.question.analysis.strip()}",
                style="解析",
            )


def add_key_question(document: WordDocument, question: PaperQuestion, number: int = 0, where: str = "") -> None:
    """Add one question of the key: number, id, points, what was asked, key points, 解析.

    ``where`` says, in a variant's key, where the question's marks go (A卷第51题，评分表“四.1”列).
    """
    q = question.question
    head = document.paragraph(style="试题")
    add_run(head, f"{number or question.number}．")
    add_run(head, f"【{q.id}】", bold=True)
    add_run(head, f"（{format_points(question.points)}分）")
    if where:
        add_run(head, f"（{where}）", bold=True)
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


def form_numbers_of(form: Form) -> dict[str, tuple[int, str]]:
    """Return, per question id, its paper number on ``form`` and its score-sheet column (``第51题``)."""
    numbers = {}
    for section, first in zip(form.sections, first_numbers(form), strict=True):
        for offset, question in enumerate(section.questions):
            numbers[question.question.id] = (first + offset, question_label(first + offset))
    return numbers


def mark_place(form: Form, numbers: dict[str, tuple[int, str]], question_id: str) -> str:
    """Return where a variant's question is marked: ``A卷第51题，评分表“第51题”列``."""
    number, label = numbers[question_id]
    return f"{form.letter}卷第{number}题，评分表“{label}”列"


def add_number_table(document: WordDocument, form: Form, numbers: dict[str, tuple[int, str]]) -> None:
    """Add a variant's 题号对照表: each judge-marked question's number here, on the form, and its sheet column."""
    judged = [
        (first + offset, question)
        for section, first in zip(form.sections, first_numbers(form), strict=True)
        if not section.section.objective
        for offset, question in enumerate(section.questions)
    ]
    document.paragraph(f"题号对照表（本卷 {form.code} → {form.letter}卷）", style="大题标题")
    document.paragraph(
        f"评分表各列按{form.letter}卷题号排列。评阅本卷（卷码 {form.code}）时，"
        f"按下表把每题得分填入评分表的对应列。客观题由录入表按卷码自动换算，"
        f"答案表中的“原题号”是该题在{form.letter}卷的题号。",
        style="评分说明",
    )
    if not judged:
        return
    width = document.text_width // 4
    cells = document.table(len(judged) + 1, [width] * 4)
    for cell, text in zip(cells[0], ("本卷题号", "试题编号", f"{form.letter}卷题号", "评分表列"), strict=True):
        cell_text(document, cell, text, bold=True)
    for row, (number, question) in zip(cells[1:], judged, strict=True):
        form_number, label = numbers[question.question.id]
        for cell, text in zip(row, (str(number), question.question.id, str(form_number), label), strict=True):
            cell_text(document, cell, text, bold=text == label)


def render_key(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of the answer key of ``form`` (a form, or a variant of one).

    A variant's key prints its own numbers and letters, and a 题号对照表 that sends each
    judge-marked question to its column of the score sheet (in the form's order). The key
    of a form that has variants says it is the 基准卷 the score sheets follow.
    """
    blueprint = paper.blueprint
    document = new_document(paper, form, reference, f"{blueprint.title} {KEY_TITLE}")
    document.paragraph(blueprint.title, style="试卷标题")
    has_variants = not form.code and any(v.form == form.letter for v in paper.variants)
    name = f"{form.letter}卷（基准卷）" if has_variants else form_name(form)
    subtitle = "　".join(part for part in (blueprint.subtitle, name, KEY_TITLE) if part)
    document.paragraph(subtitle, style="试卷副标题")
    note = blueprint.layout.scoring_note or DEFAULT_SCORING_NOTE
    document.paragraph(f"评分说明：{note}", style="评分说明")
    numbers: dict[str, tuple[int, str]] = {}
    if has_variants:
        codes = [v.code for v in paper.variants if v.form == form.letter]
        codes_text = "、".join(codes) if len(codes) <= 6 else f"{codes[0]}～{codes[-1]}"
        document.paragraph(
            f"本卷为基准卷：考生所答为各卷码试卷（{codes_text}），题序和选项顺序与本卷不同；"
            f"评分表各列按本卷题号排列，各卷码试卷的题号对照见该卷码的答案及评分标准。",
            style="评分说明",
        )
    if form.code:
        base = next(f for f in paper.forms if f.letter == form.letter)
        numbers = form_numbers_of(base)
        add_number_table(document, form, numbers)
    for section, first in zip(form.sections, first_numbers(form), strict=True):
        document.paragraph(section_heading(section, first), style="大题标题")
        if section.section.objective:
            add_answer_grid(document, section, first, numbers or None)
            continue
        for offset, question in enumerate(section.questions):
            where = mark_place(form, numbers, question.question.id) if numbers else ""
            add_key_question(document, question, first + offset, where)
    title = f"{blueprint.title} {form_name(form)} {KEY_TITLE}".replace("　", " ")
    return document.to_bytes(title=title)
