"""Render the examination paper (试卷) of one form, in the vocational exam layout.

The paper never holds key text: only stems, questions and answer space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from examgen.models import (
    OBJECTIVE_INSTRUCTIONS,
    OPTION_LETTERS,
    Blueprint,
    Form,
    Paper,
    PaperQuestion,
    PaperSection,
    section_heading_text,
)
from examgen.render.wordml import (
    WordDocument,
    add_run,
    add_tab_stops,
    cell_bottom_border,
    cell_text,
    cm,
    open_reference,
    row_height,
    set_alignment,
    set_keep,
    w,
)

W_P = w("p")

#: A line of a dialogue: a short speaker name (坐席员, 客户, 王先生), then a colon. A name
#: ending in a verb of saying (有人认为：, 他说：) introduces a quotation, not a turn.
DIALOGUE_TURN = re.compile(
    r"^\s*(?P<speaker>[\u4e00-\u9fffA-Za-z0-9（）()]{1,8}?)(?<![认为说道称问答示])\s*[:：]"
)


def dialogue_speakers(stem: str) -> set[str]:
    """Return the speakers of a stem's dialogue turns; fewer than two means it is no dialogue."""
    return {m.group("speaker") for line in stem.splitlines() if (m := DIALOGUE_TURN.match(line))}


def section_heading(section: PaperSection, first: int = 1) -> str:
    """Return a section's heading in the national style, its questions numbered from ``first``.

    ``一、单项选择题（第1题～第20题。选择一个正确的答案，将相应的字母填入题内的括号中。每题1分，满分20分。）``
    """
    rule = section.section
    instruction = OBJECTIVE_INSTRUCTIONS.get(rule.type, "")
    if rule.type == "multiple_choice" and rule.min_answer_letters < 2:
        instruction = instruction.replace("两个或两个以上", "一个或多个")
    instruction += rule.scoring_text()
    last = first + len(section.questions) - 1
    return section_heading_text(
        section.numeral, rule.name, first, last, rule.points, section.total, instruction
    )


def first_numbers(form: Form) -> list[int]:
    """Return the paper number of each section's first question: numbers run on through the paper."""
    firsts, number = [], 1
    for section in form.sections:
        firsts.append(number)
        number += len(section.questions)
    return firsts


#: Answer brackets as banks write them, made the paper's （　　）: two ideographic spaces.
ANSWER_BRACKETS = re.compile(r"[(（][ \u3000]*[)）]")
EMPTY_BRACKETS = "（　　）"
#: Line width of option text in half-width units (a Chinese character is two): 小四 on A4
#: with the question indent leaves about 35 characters.
OPTION_LINE_UNITS = 70
#: Room a label (``A．``, three units) and the gap before the next column take.
OPTION_LABEL_UNITS = 5


def choice_stem(text: str) -> str:
    """Return a choice question's text with its answer brackets （　　）: kept where the bank
    put them, else before the closing 。/？ or at the end."""
    text = text.strip()
    if ANSWER_BRACKETS.search(text):
        return ANSWER_BRACKETS.sub(EMPTY_BRACKETS, text)
    if text and text[-1] in "。？?.：:":
        return text[:-1] + EMPTY_BRACKETS + ("。" if text[-1] in ".:：" else text[-1])
    return text + EMPTY_BRACKETS


def display_units(text: str) -> int:
    """Return the printed width of ``text`` in half-width units: CJK and full-width count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def option_columns(options: Sequence[str], line_units: int = OPTION_LINE_UNITS) -> int:
    """Return how many columns a question's options take: 4, 2 or 1, by the longest option."""
    widest = max((display_units(o) for o in options), default=0)
    for columns in (4, 2):
        if len(options) >= columns and widest + OPTION_LABEL_UNITS <= line_units // columns:
            return columns
    return 1


def option_rows(options: Sequence[str], columns: int) -> list[list[str]]:
    """Return the options labelled ``A．…`` and grouped into rows of ``columns``."""
    labelled = [f"{OPTION_LETTERS[i]}．{text}" for i, text in enumerate(options)]
    return [labelled[i : i + columns] for i in range(0, len(labelled), columns)]


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


def form_name(form: Form) -> str:
    """Return the form as printed: ``A卷``, or for a variant ``A卷　卷码 A2``."""
    return f"{form.letter}卷　卷码 {form.code}" if form.code else f"{form.letter}卷"


def new_document(paper: Paper, form: Form, reference: Path | None, heading: str) -> WordDocument:
    """Return a document on the reference with the header (title, form) and page-number footer."""
    document = open_reference(reference).new_document()
    head = document.header.find(W_P)  # python-docx's header.paragraphs[0]
    add_run(head, f"{heading}\t{form_name(form)}")
    return document


def add_seal(document: WordDocument, code: str = "") -> None:
    """Add the 标封: name, exam number and unit to fill in, above the 密封线 rule.

    A variant's code (卷码) is printed beside the 准考证号, where the operators who type
    the answers read it with the number.
    """
    if code:
        widths = (1.3, 2.6, 2.1, 3.6, 1.3, 1.5, 1.3, 2.3)
        fields = ((0, "姓名"), (2, "准考证号"), (6, "单位"))
    else:
        widths = (1.3, 3.2, 2.1, 4.4, 1.3, 3.7)
        fields = ((0, "姓名"), (2, "准考证号"), (4, "单位"))
    cells = document.table(1, [cm(w) for w in widths], borders=False)[0]
    for index, label in fields:
        cell_text(document, cells[index], label, style="标封")
        set_alignment(cells[index], "right")
        cell_text(document, cells[index + 1], "", style="标封")
        cell_bottom_border(cells[index + 1])
    if code:
        cell_text(document, cells[4], "卷码", style="标封")
        set_alignment(cells[4], "right")
        cell_text(document, cells[5], code, style="标封", bold=True)
    row_height(cells[0], 0.8)
    width = document.text_width
    rule = document.paragraph(style="密封线")
    add_tab_stops(rule, [(width // 2, "center", "dot"), (width, "right", "dot")])
    add_run(rule, "\t密 封 线\t")
    document.paragraph("考 生 答 题 不 准 超 过 此 线", style="密封线")


def add_instructions(document: WordDocument, blueprint: Blueprint) -> None:
    """Add 注意事项: the duration first, then the blueprint's lines, numbered."""
    lines = list(blueprint.instructions)
    if blueprint.duration and not any("分钟" in line for line in lines):
        lines.insert(0, f"考试时间：{blueprint.duration}分钟。")
    if not lines:
        return
    document.paragraph("注 意 事 项", style="注意事项标题")
    for number, line in enumerate(lines, start=1):
        document.paragraph(f"{number}．{line}", style="注意事项")


def add_score_table(document: WordDocument, form: Form) -> None:
    """Add the score summary: 题号 | 一 | 二 | … | 总分, rows 得分 and 评分人."""
    numerals = [s.numeral for s in form.sections]
    cols = len(numerals) + 2
    width = 15.5 / cols
    rows = document.table(3, [cm(width)] * cols)
    headers = ["题号", *numerals, "总分"]
    for cell, text in zip(rows[0], headers, strict=True):
        cell_text(document, cell, text)
    cell_text(document, rows[1][0], "得分")
    cell_text(document, rows[2][0], "评分人")
    for row in rows[1:]:
        row_height(row[0], 0.9)
    document.paragraph("", style="表格文字")


def add_section_score_box(document: WordDocument) -> None:
    """Add the small 得分 / 评分人 box that stands before each section."""
    rows = document.table(2, [cm(1.8), cm(1.8)], align="left")
    cell_text(document, rows[0][0], "得分")
    cell_text(document, rows[0][1], "评分人")
    row_height(rows[1][0], 0.8)
    # Keep the box on the page of the heading that follows it.
    for row in rows:
        for cell in row:
            set_keep(cell, with_next=True)


#: Indent of option lines (the 选项 style's left indent), in EMU.
OPTION_INDENT = cm(0.74)


def add_objective_question(document: WordDocument, question: PaperQuestion, number: int) -> None:
    """Add a choice or true/false question: stem with empty brackets, options in columns.

    Every paragraph but the last keeps with the next, so options never leave their stem.
    """
    lines = question_lines(question)
    kind, text = lines[-1]
    if question.question.type == "true_false":
        text = EMPTY_BRACKETS + ANSWER_BRACKETS.sub("", text).strip()
    else:
        text = choice_stem(text)
    lines[-1] = (kind, text)
    added = [document.paragraph(f"{number}．{lines[0][1]}", style="试题")]
    for _, line in lines[1:]:
        added.append(document.paragraph(line, style="材料"))
    if question.options:
        columns = option_columns(question.options)
        column_width = (document.text_width - OPTION_INDENT) // columns
        for row in option_rows(question.options, columns):
            par = document.paragraph("\t".join(row), style="选项")
            if columns > 1:
                add_tab_stops(par, [(OPTION_INDENT + k * column_width, "left", None) for k in range(1, columns)])
            added.append(par)
    for par in added[:-1]:
        set_keep(par, with_next=True, together=True)
    set_keep(added[-1], with_next=False, together=True)


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


def add_dialogue(document: WordDocument, turns: str) -> None:
    """Add dialogue turns as one paragraph, each turn on its own line."""
    par = document.paragraph(style="对话")
    for index, turn in enumerate(turns.split("\n")):
        if index:
            add_run(par, "\n")
        add_run(par, turn)


def add_question(
    document: WordDocument, question: PaperQuestion, blueprint: Blueprint, number: int = 0
) -> None:
    """Add a numbered question (stem, dialogue turns, what is asked) and its answer lines.

    Its paragraphs keep with the next, and with the section heading above it.
    """
    if question.question.objective:
        add_objective_question(document, question, number or question.number)
        return
    lines = join_dialogue(question_lines(question))
    number = f"{number or question.number}．"
    area = answer_lines(question.points, blueprint)
    # A question that fits on a page keeps all its lines together, so the page breaks
    # between questions; a longer one keeps only its first answer lines with the question.
    whole = area <= document.lines_per_page - len(lines)
    if len(lines) == 1:
        document.paragraph(number + lines[0][1], style="试题")
    else:
        kind, text = lines[0]
        if kind == "dialogue":
            # A dialogue turn cannot carry the number; introduce the recording instead.
            document.paragraph(number + "阅读下面的通话记录，回答问题。", style="试题")
            add_dialogue(document, text)
        else:
            document.paragraph(number + text, style="试题")
        for kind, text in lines[1:]:
            if kind == "dialogue":
                add_dialogue(document, text)
            else:
                document.paragraph(text, style="材料")
    add_answer_area(document, area, kept=area - 1 if whole else LINES_KEPT_WITH_QUESTION)


#: Answer lines that stay with the question when its answer area is split across pages.
LINES_KEPT_WITH_QUESTION = 3


def add_answer_area(document: WordDocument, lines: int, *, kept: int) -> None:
    """Add ``lines`` ruled answer lines, the first ``kept`` of them kept with the next line.

    Kept lines hold a question that is split across pages to its first answer lines.
    """
    for index in range(lines):
        line = document.paragraph("", style="答题线")
        if index < kept:
            set_keep(line, with_next=True)


def render_paper(paper: Paper, form: Form, reference: Path | None = None) -> bytes:
    """Return the .docx bytes of ``form``'s paper: 标封, title, 注意事项, scores, sections."""
    blueprint = paper.blueprint
    document = new_document(paper, form, reference, blueprint.title)
    add_seal(document, form.code)
    document.paragraph(blueprint.title, style="试卷标题")
    subtitle = "　".join(part for part in (blueprint.subtitle, form_name(form)) if part)
    document.paragraph(subtitle, style="试卷副标题")
    add_instructions(document, blueprint)
    add_score_table(document, form)
    for section, first in zip(form.sections, first_numbers(form), strict=True):
        add_section_score_box(document)
        document.paragraph(section_heading(section, first), style="大题标题")
        for offset, question in enumerate(section.questions):
            add_question(document, question, blueprint, first + offset)
    return document.to_bytes(title=f"{blueprint.title} {form_name(form)}".replace("　", " "))


