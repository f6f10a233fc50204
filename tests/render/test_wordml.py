"""render/wordml.py: a plain reference read without python-docx, prepared exactly as python-docx prepares it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from docx import Document
from docx.shared import Cm, Pt

from examgen.render import docx_base, wordml
from tests.conftest import REPO

SHIPPED = REPO / "templates" / "reference.docx"


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _changed_page() -> bytes:
    document = Document(str(SHIPPED))
    section = document.sections[0]
    section.left_margin, section.top_margin = Cm(3.1), Cm(2.0)
    document.styles["答题线"].paragraph_format.line_spacing = Pt(30)
    document.styles["页眉文字"].font.size = Pt(10)
    return _saved(document)


def _prepared_both_ways(data: bytes, tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(data)
    return wordml._prepare_plain(data), docx_base.prepared_word_reference(path)


@pytest.mark.parametrize("make", [SHIPPED.read_bytes, _changed_page], ids=["shipped", "changed page and styles"])
def test_a_plain_reference_is_prepared_as_python_docx_prepares_it(make, tmp_path):
    mine, theirs = _prepared_both_ways(make(), tmp_path)
    assert [entry[0] for entry in mine.entries] == [entry[0] for entry in theirs.entries]
    assert mine.entries == theirs.entries  # names, bytes, compressed bytes, written kinds
    for kind in ("document", "header", "core"):
        assert wordml.serialize(getattr(mine, kind)) == wordml.serialize(getattr(theirs, kind)), kind
    assert mine.style_ids == theirs.style_ids
    assert (mine.table_style_id, mine.text_width, mine.lines_per_page) == (
        theirs.table_style_id, theirs.text_width, theirs.lines_per_page
    )  # fmt: skip


def test_the_default_reference_is_read_from_the_shipped_file_as_python_docx_builds_it():
    shipped = (REPO / "examgen" / "samples" / "templates" / "reference.docx").read_bytes()
    assert shipped == docx_base.reference_bytes()
    mine, theirs = wordml.open_reference(None), docx_base.prepared_word_reference(None)
    assert mine is wordml._read_reference(shipped)
    assert mine.entries == theirs.entries
    for kind in ("document", "header", "core"):
        assert wordml.serialize(getattr(mine, kind)) == wordml.serialize(getattr(theirs, kind)), kind
    assert (mine.style_ids, mine.table_style_id, mine.text_width, mine.lines_per_page) == (
        theirs.style_ids, theirs.table_style_id, theirs.text_width, theirs.lines_per_page
    )  # fmt: skip


def test_the_changed_page_is_measured_from_the_reference():
    prepared = wordml._prepare_plain(_changed_page())
    twip = 635  # EMU; the page is kept in whole twips: A4 is 11906 × 16838, 3.1 cm 1757, 2.2 cm 1247
    assert prepared.text_width == (11906 - 1757 - 1247) * twip
    assert prepared.lines_per_page == (16838 - 1134 - 1247) * twip // Pt(30) == 24


def _without_style(name: str) -> bytes:
    document = Document(str(SHIPPED))
    element = document.styles[name].element
    element.getparent().remove(element)
    return _saved(document)


def _with_header() -> bytes:
    document = Document(str(SHIPPED))
    document.sections[0].header.paragraphs[0].text = "本单位页眉"
    return _saved(document)


@pytest.mark.parametrize("make", [lambda: _without_style("试题"), _with_header, lambda: b"PK\x05\x06" + bytes(18)])
def test_a_reference_that_needs_more_is_left_to_python_docx(make):
    assert wordml._read_reference(make()) is None


def test_a_reference_without_a_style_still_renders_with_it(tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(_without_style("试题"))
    document = wordml.open_reference(path).new_document()
    document.paragraph("1．题目", style="试题")
    read_back = Document(io.BytesIO(document.to_bytes(title="t")))
    assert [(p.text, p.style.name) for p in read_back.paragraphs] == [("1．题目", "试题")]
    assert read_back.core_properties.title == "t"
    assert read_back.sections[0].footer.paragraphs[0].text.startswith("第 ")


def test_building_a_written_paper_loads_neither_python_docx_nor_openpyxl(tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from examgen.paper.build import build_paper\n"
        f"build_paper(Path({str(REPO)!r}), seed=42, out=Path({str(tmp_path)!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'openpyxl')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert sorted(p.name for p in next(tmp_path.iterdir()).iterdir()) == ["key-A.docx", "manifest.json", "paper-A.docx"]
