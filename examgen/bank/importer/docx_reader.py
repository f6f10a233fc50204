"""Read a .docx into numbered paragraph lines (the only importer module that imports docx).

Paragraphs are numbered 1, 2, … in body order, table cells included, so the report can
say ``b.docx:段12``. A line break inside a paragraph makes two lines with the same number.
Word's automatic numbering (``1、`` ``（1）`` ``一、`` drawn by Word, not typed) is not in
the paragraph's text; the reader writes it in front, as the reader of the document sees it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from examgen.bank.importer.model import SourceDocument, SourceLine
from examgen.errors import BankImportError
from examgen.i18n import _
from examgen.inputs import check_zip
from examgen.models import chinese_numeral


def read_docx(path: Path, data: bytes) -> SourceDocument:
    """Return the paragraphs of a .docx (body order, tables included) as numbered lines."""
    check_zip(path, data, BankImportError)
    _refuse_doctype(path, data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many kinds on a damaged file
        hint = _("open it in Word or WPS and save it as .docx")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise BankImportError(
                _("is an old Word 97-2003 document (.doc) named .docx"), where=str(path), hint=hint
            ) from None
        raise BankImportError(
            _("cannot be read as a .docx document ({error})").format(error=type(error).__name__),
            where=str(path),
            hint=hint,
        ) from None
    numbering = _Numbering(document)
    lines: list[SourceLine] = []
    number = 0
    for paragraph in _paragraphs(document):
        number += 1
        if isinstance(paragraph, str):
            lines.append(SourceLine(paragraph, _("{file}, paragraph {number}").format(file=path.name, number=number), number))
            continue
        text = numbering.label(paragraph) + paragraph.text
        for part in text.split("\n"):
            lines.append(SourceLine(part, _("{file}, paragraph {number}").format(file=path.name, number=number), number))
    return SourceDocument(str(path), path.name, "docx", lines=tuple(lines))


def _refuse_doctype(path: Path, data: bytes) -> None:
    """Refuse XML parts with a DOCTYPE: Word never writes one; entity attacks need one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        if b"<!DOCTYPE" in part.read(4096).upper():
                            raise BankImportError(
                                _("part {part} declares a DOCTYPE, which Word never writes").format(part=info.filename),
                                where=str(path),
                                hint=_("open it in Word or WPS and save it again as .docx"),
                            )
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return  # not a readable zip: read_docx says so


#: A table whose cells are all this short is a grid (an answer key 题号/答案, a score table):
#: each of its rows is read as one line, cells apart by a tab.
GRID_CELL = 8


def _paragraphs(document) -> list[Paragraph | str]:
    """Return the body's paragraphs in order, descending into tables (each merged cell once).

    The rows of a grid of short cells come back as one line of text each.
    """
    result: list[Paragraph | str] = []

    def walk(container, parent) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                result.append(Paragraph(child, parent))
            elif child.tag == qn("w:tbl"):
                seen: set[int] = set()
                table = Table(child, parent)
                grid = _grid_rows(table)
                if grid is not None:
                    result.extend(grid)
                    continue
                for row in table.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell._tc, cell)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content, parent)

    walk(document.element.body, document._body)
    return result


def _grid_rows(table: Table) -> list[str] | None:
    """Return a table's rows as lines when every cell is one short paragraph, else None."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            paragraphs = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
            if len(paragraphs) > 1 or paragraphs and len(paragraphs[0]) > GRID_CELL or cell.tables:
                return None
            cells.append(paragraphs[0] if paragraphs else "")
        rows.append("\t".join(cells))
    return rows if len(rows) > 1 else None


@dataclass
class _Numbering:
    """Word's list numbering: the label ("1、", "（一）") each numbered paragraph shows."""

    document: object
    counters: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            part = self.document.part.numbering_part  # type: ignore[attr-defined]
            self.root = part.element
        except (NotImplementedError, KeyError, AttributeError):
            self.root = None

    def label(self, paragraph: Paragraph) -> str:
        """Return the automatic number label of ``paragraph``, or ""."""
        if self.root is None:
            return ""
        num_id, level = _num_pr(paragraph)
        if not num_id or num_id == "0":
            return ""
        abstract = self._abstract(num_id)
        if abstract is None:
            return ""
        levels = {lvl.get(qn("w:ilvl")): lvl for lvl in abstract.findall(qn("w:lvl"))}
        definition = levels.get(str(level))
        if definition is None:
            return ""
        key = abstract.get(qn("w:abstractNumId")) or num_id
        counters = self.counters.setdefault(key, [0] * 9)
        start = _val(definition, "w:start")
        start_at = int(start) if start and start.isdigit() else 1
        counters[level] = counters[level] + 1 if counters[level] else start_at
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        text = _val(definition, "w:lvlText") or ""
        fmt = _val(definition, "w:numFmt") or "decimal"
        if fmt in ("bullet", "none"):
            return ""
        for n in range(level + 1):
            lvl_def = levels.get(str(n), definition)
            value = counters[n] or 1
            text = text.replace(f"%{n + 1}", _format(value, _val(lvl_def, "w:numFmt") or fmt))
        return text

    def _abstract(self, num_id: str):
        for num in self.root.findall(qn("w:num")):
            if num.get(qn("w:numId")) == num_id:
                abstract_id = _val(num, "w:abstractNumId")
                for abstract in self.root.findall(qn("w:abstractNum")):
                    if abstract.get(qn("w:abstractNumId")) == abstract_id:
                        return abstract
        return None


def _val(element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _num_pr(paragraph: Paragraph) -> tuple[str, int]:
    """Return (numId, level) of a paragraph, from its own properties or its style's."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    num_id, level = "", None
    for ppr in candidates:
        if ppr is None:
            continue
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        if not num_id:
            num_id = _val(num_pr, "w:numId") or ""
        if level is None:
            ilvl = _val(num_pr, "w:ilvl")
            level = int(ilvl) if ilvl and ilvl.isdigit() else None
    return num_id, min(level or 0, 8)


def _format(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_numeral(value) if 1 <= value <= 99 else str(value)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    return str(value)
