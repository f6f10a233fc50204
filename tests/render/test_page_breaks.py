"""Page breaks of the rendered paper: questions stay whole and pages are not left half blank.

Rendered with LibreOffice; skipped where it is not installed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Emu

from examgen.paper.build import build_paper
from examgen.paper.workspace import init_workspace
from examgen.render.docx_base import build_reference_document, lines_per_page
from examgen.render.paper import LINES_KEPT_WITH_QUESTION, add_answer_area
from examgen.render.wordml import open_reference
from tests.render.pdf_pages import Page, needs_libreoffice, pages, to_pdf

#: A page may be left blank at its foot by at most this share of its text area ...
MOST_BLANK = 0.25
#: ... unless the block that follows is taller than the space left (with this slack, pt).
SLACK = 8
QUESTION = re.compile(r"^\d+．")
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
#: The empty answer brackets of a choice or true/false question, and an option line.
#: (pdftotext drops the full-width spaces and may put the closing bracket on a line of its own)
OBJECTIVE_BRACKETS = re.compile(r"（\s*）|（$")
OPTION = re.compile(r"^[A-H]．")


def _body() -> tuple[float, float]:
    section = build_reference_document().sections[0]
    return Emu(section.top_margin).pt, Emu(section.page_height - section.bottom_margin).pt


def block_tops(page: Page) -> list[float]:
    """Return where each block kept together starts on a page: a question, or a section's box.

    A section's 得分/评分人 box, its heading and its first question form one block.
    """
    tops: list[float] = []
    in_section_head = False
    for line in page.lines:
        if line.text.startswith("得分"):
            tops.append(line.top)
            in_section_head = True
        elif SECTION_HEADING.match(line.text):
            if not in_section_head:
                tops.append(line.top)
            in_section_head = True
        elif QUESTION.match(line.text):
            if not in_section_head:
                tops.append(line.top)
            in_section_head = False
    return tops


def half_blank_pages(rendered: list[Page]) -> list[str]:
    """Return a description of each page (but the last) blank at its foot with no reason."""
    body_top, body_bottom = _body()
    problems = []
    for page, following in zip(rendered, rendered[1:], strict=False):
        free = body_bottom - page.ink_bottom
        if free <= MOST_BLANK * (body_bottom - body_top):
            continue
        tops = block_tops(following)
        if not tops:
            problems.append(f"page {page.number}: {free:.0f} pt blank, next page starts no question")
            continue
        end = tops[1] if len(tops) > 1 else following.ink_bottom
        needed = end - tops[0]
        if needed <= free - SLACK:
            problems.append(
                f"page {page.number}: {free:.0f} pt blank, but the block opening page "
                f"{following.number} needs only {needed:.0f} pt"
            )
    return problems


def orphaned_questions(rendered: list[Page]) -> list[str]:
    """Return each question whose text ends a page while its answer lines or options start the next.

    A true/false statement has neither: it may end a page. A choice stem may not, when its
    options would open the next page.
    """
    problems = []
    for page, following in zip(rendered, [*rendered[1:], None], strict=True):
        questions = [line for line in page.lines if QUESTION.match(line.text)]
        if not questions or page.ink_bottom - questions[-1].bottom >= 20:
            continue
        last = questions[-1].text
        opens_with_option = following is not None and following.lines and OPTION.match(following.lines[0].text)
        if OBJECTIVE_BRACKETS.search(last) and not opens_with_option:
            continue
        problems.append(f"page {page.number}: question {last[:12]} ends the page")
    return problems


@pytest.fixture(scope="module")
def rendered_papers(tmp_path_factory):
    out = tmp_path_factory.mktemp("page-breaks")
    ws = out / "ws"
    init_workspace(ws)
    seeds = (42, 7, 2026)  # the README's default paper and two other draws
    documents = []
    for seed in seeds:
        folder = build_paper(ws, seed=seed, out=out / str(seed)).folder
        documents.append(shutil.copy(folder / "paper-A.docx", out / f"paper-{seed}.docx"))
    body_top, body_bottom = _body()
    pdfs = to_pdf([Path(d) for d in documents], out)
    return {seed: pages(pdf, body_top=body_top, body_bottom=body_bottom) for seed, pdf in zip(seeds, pdfs, strict=True)}


@needs_libreoffice
def test_no_page_is_more_than_a_quarter_blank_unless_the_next_question_could_not_fit(rendered_papers):
    for seed, rendered in rendered_papers.items():
        assert len(rendered) > 2
        assert half_blank_pages(rendered) == [], f"seed {seed}"


@needs_libreoffice
def test_no_question_is_left_at_the_foot_of_a_page_without_its_answer_lines(rendered_papers):
    for seed, rendered in rendered_papers.items():
        assert orphaned_questions(rendered) == [], f"seed {seed}"


@needs_libreoffice
def test_a_section_heading_starts_on_the_page_of_its_box_and_first_question(rendered_papers):
    for rendered in rendered_papers.values():
        for page in rendered:
            texts = [line.text for line in page.lines]
            for index, text in enumerate(texts):
                if SECTION_HEADING.match(text):
                    assert any(t.startswith("得分") for t in texts[:index]), (page.number, text)
                    assert any(QUESTION.match(t) for t in texts[index + 1 :]), (page.number, text)


def test_an_answer_area_is_kept_with_its_question_and_split_only_when_longer_than_a_page(workspace, tmp_path):
    folder = build_paper(workspace, seed=42, out=tmp_path).folder
    document = Document(str(folder / "paper-A.docx"))
    lines = [p for p in document.paragraphs if p.style.name == "答题线"]
    stems = [p for p in document.paragraphs if p.style.name in ("试题", "材料", "对话")]
    assert all(p.style.paragraph_format.keep_with_next for p in stems)
    assert all(p.style.paragraph_format.keep_together for p in stems)
    # Within an area every line keeps with the next but the last, so the break falls between questions.
    ends = [i for i, p in enumerate(lines) if not p.paragraph_format.keep_with_next]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    judged = [s for s in manifest["forms"][0]["sections"] if not s.get("objective")]
    assert len(ends) == sum(len(s["questions"]) for s in judged)  # objective questions have no lines

    page = lines_per_page(document)
    assert 20 <= page <= 30  # 25 cm of text area at 26 pt a line
    written = open_reference(None).new_document()
    add_answer_area(written, page + 5, kept=LINES_KEPT_WITH_QUESTION)
    long = Document(io.BytesIO(written.to_bytes(title="long")))
    kept = [p.paragraph_format.keep_with_next for p in long.paragraphs if p.style.name == "答题线"]
    assert kept == [True] * LINES_KEPT_WITH_QUESTION + [None] * (page + 5 - LINES_KEPT_WITH_QUESTION)
