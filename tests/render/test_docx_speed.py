"""The fast paths of docx_base: copies of a prepared reference, one-pass stable zips."""

from __future__ import annotations

import io
import random
import shutil

import pytest
from docx import Document

from examgen.errors import ExamgenError
from examgen.render import docx_base, wordml
from examgen.render.docx_base import open_reference, paragraph, save_stable, stable_zip
from tests.conftest import REPO

#: The oracle: zipfile itself, as save_stable wrote documents before (and still does for
#: what stable_zip hands over).
zipfile_bytes = wordml._zipfile_zip


@pytest.mark.parametrize("seed", range(5))
def test_stable_zip_writes_what_zipfile_writes(seed):
    rng = random.Random(seed)
    entries = [("empty.xml", b"", None)] + [
        (f"word/part{i}.xml", bytes(rng.choice(b"<w:p>ab\x00\xff") for _ in range(rng.randrange(5000))), None)
        for i in range(rng.randrange(1, 6))
    ]
    expected = zipfile_bytes(entries)
    assert stable_zip(entries) == expected
    precompressed = [(name, data, docx_base.deflate(data)) for name, data, _ in entries]
    assert stable_zip(precompressed) == expected


def test_stable_zip_leaves_non_ascii_names_to_zipfile():
    entries = [("文档.xml", b"<a/>", None)]
    assert stable_zip(entries) == zipfile_bytes(entries)


def test_each_document_is_a_fresh_copy_of_the_reference(tmp_path):
    reference = REPO / "templates" / "reference.docx"
    first = open_reference(reference)
    paragraph(first, "只属于第一份", style="试题")
    first.sections[0].header.paragraphs[0].text = "第一份的页眉"
    second = open_reference(reference)
    assert [p.text for p in second.paragraphs] == []
    assert "第一份的页眉" not in [p.text for p in second.sections[0].header.paragraphs]
    # The copies share the reference's styles, yet each saves a whole, readable document.
    read_back = Document(io.BytesIO(save_stable(first, title="t")))
    assert [p.text for p in read_back.paragraphs] == ["只属于第一份"]
    assert read_back.paragraphs[0].style.name == "试题"


def test_a_changed_reference_file_is_read_again(tmp_path):
    path = tmp_path / "reference.docx"
    shutil.copy(REPO / "templates" / "reference.docx", path)
    before = open_reference(path).sections[0].left_margin
    document = Document(str(path))
    document.sections[0].left_margin = before * 2
    document.save(str(path))
    assert open_reference(path).sections[0].left_margin == before * 2


def test_an_unreadable_reference_is_still_an_error_with_its_path(tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ExamgenError, match="not a readable Word .docx") as info:
        open_reference(path)
    assert str(path) in str(info.value)
    with pytest.raises(ExamgenError, match="missing.docx: file not found"):
        open_reference(tmp_path / "missing.docx")


def test_style_ids_are_the_ones_python_docx_finds():
    document = open_reference(None)
    for name in ("试题", "答题线", "Normal"):
        assert docx_base.style_id(document.part, name) == document.part.get_style_id(name, 1)
