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
from lxml.etree import _Element

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
    name = path.name
    place = _("{file}, paragraph {number}")  # translated once, filled per paragraph
    for paragraph in _paragraphs(document):
        number += 1
        if isinstance(paragraph, str):
            lines.append(SourceLine(paragraph, place.format(file=name, number=number), number))
            continue
        text = numbering.label(paragraph) + paragraph_text(paragraph)
        for part in text.split("\n"):
            lines.append(SourceLine(part, place.format(file=name, number=number), number))
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


P, TBL, SDT, SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
R, HYPERLINK, T, BR, BR_TYPE = qn("w:r"), qn("w:hyperlink"), qn("w:t"), qn("w:br"), qn("w:type")
#: What python-docx reads for a run's other text elements (a ``w:br`` depends on its type).
RUN_CHARACTERS = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
PPR, PSTYLE, NUM_PR, VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:numPr"), qn("w:val")
STYLE, STYLE_ID, STYLE_TYPE, STYLE_DEFAULT, BASED_ON = (
    qn("w:style"), qn("w:styleId"), qn("w:type"), qn("w:default"), qn("w:basedOn")
)
NUM, NUM_ID, ABSTRACT_NUM, ABSTRACT_NUM_ID = qn("w:num"), qn("w:numId"), qn("w:abstractNum"), qn("w:abstractNumId")
LVL, ILVL, START, LVL_TEXT, NUM_FMT = qn("w:lvl"), qn("w:ilvl"), qn("w:start"), qn("w:lvlText"), qn("w:numFmt")

#: A table whose cells are all this short is a grid (an answer key 题号/答案, a score table):
#: each of its rows is read as one line, cells apart by a tab.
GRID_CELL = 8


def _paragraphs(document) -> list[_Element | str]:
    """Return the body's ``w:p`` elements in order, descending into tables (each merged cell once).

    The rows of a grid of short cells come back as one line of text each.
    """
    result: list[_Element | str] = []
    # Keeps every cell element seen alive, so the set compares the same objects.
    seen: set[_Element] = set()

    def walk(container) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == P:
                result.append(child)
            elif tag == TBL:
                cells = _table_cells(child)
                grid = _grid_rows(cells)
                if grid is not None:
                    result.extend(grid)
                    continue
                for row in cells:
                    for tc in row:
                        if tc not in seen:
                            seen.add(tc)
                            walk(tc)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return result


def _table_cells(tbl) -> list[list[_Element]]:
    """Return the ``w:tc`` of each row as python-docx lays them out (a span repeats its cell).

    Merged cells are resolved by python-docx: tables are few, and its rules for
    vertical merges are the reference.
    """
    return [[cell._tc for cell in row.cells] for row in Table(tbl, None).rows]


def _grid_rows(cells: list[list[_Element]]) -> list[str] | None:
    """Return a table's rows as lines when every cell is one short paragraph, else None."""
    rows: list[str] = []
    for row in cells:
        texts: list[str] = []
        for tc in row:
            paragraphs = [t for p in tc.iterchildren(P) if (t := paragraph_text(p).strip())]
            if len(paragraphs) > 1 or paragraphs and len(paragraphs[0]) > GRID_CELL or tc.find(TBL) is not None:
                return None
            texts.append(paragraphs[0] if paragraphs else "")
        rows.append("\t".join(texts))
    return rows if len(rows) > 1 else None


def paragraph_text(p: _Element) -> str:
    """Return a ``w:p``'s text as python-docx's ``Paragraph.text`` does.

    Its runs and hyperlinks' runs (not runs inside insertions, fields or smart tags);
    tabs as ``\\t``, line breaks as ``\\n``, page and column breaks as nothing.
    """
    parts: list[str] = []
    for child in p:
        tag = child.tag
        if tag == R:
            _run_text(child, parts)
        elif tag == HYPERLINK:
            for run in child.iterchildren(R):
                _run_text(run, parts)
    return "".join(parts)


def _run_text(run: _Element, parts: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == T:
            parts.append(child.text or "")
        elif tag in RUN_CHARACTERS:
            parts.append(RUN_CHARACTERS[tag])
        elif tag == BR and child.get(BR_TYPE, "textWrapping") == "textWrapping":
            parts.append("\n")


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
        self.styles: _ParagraphStyles | None = None
        self.definitions: dict[str, tuple[_Element, dict[str | None, _Element]] | None] = {}

    def label(self, paragraph: _Element) -> str:
        """Return the automatic number label of the ``w:p`` ``paragraph``, or ""."""
        if self.root is None:
            return ""
        if self.styles is None:
            self.styles = _ParagraphStyles(self.document)
        num_id, level = _num_pr(paragraph, self.styles)
        if not num_id or num_id == "0":
            return ""
        found = self._definition(num_id)
        if found is None:
            return ""
        abstract, levels = found
        definition = levels.get(str(level))
        if definition is None:
            return ""
        key = abstract.get(ABSTRACT_NUM_ID) or num_id
        counters = self.counters.setdefault(key, [0] * 9)
        start = _val(definition, START)
        start_at = int(start) if start and start.isdigit() else 1
        counters[level] = counters[level] + 1 if counters[level] else start_at
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        text = _val(definition, LVL_TEXT) or ""
        fmt = _val(definition, NUM_FMT) or "decimal"
        if fmt in ("bullet", "none"):
            return ""
        for n in range(level + 1):
            lvl_def = levels.get(str(n), definition)
            value = counters[n] or 1
            text = text.replace(f"%{n + 1}", _format(value, _val(lvl_def, NUM_FMT) or fmt))
        return text

    def _definition(self, num_id: str) -> tuple[_Element, dict[str | None, _Element]] | None:
        """Return the abstract numbering of ``num_id`` and its levels by ``w:ilvl`` (once per id)."""
        if num_id not in self.definitions:
            abstract = self._abstract(num_id)
            self.definitions[num_id] = None if abstract is None else (
                abstract, {lvl.get(ILVL): lvl for lvl in abstract.iterchildren(LVL)}
            )
        return self.definitions[num_id]

    def _abstract(self, num_id: str):
        for num in self.root.iterchildren(NUM):
            if num.get(NUM_ID) == num_id:
                abstract_id = _val(num, ABSTRACT_NUM_ID)
                for abstract in self.root.iterchildren(ABSTRACT_NUM):
                    if abstract.get(ABSTRACT_NUM_ID) == abstract_id:
                        return abstract
        return None


class _ParagraphStyles:
    """The paragraph styles of a document, as python-docx's ``Paragraph.style`` finds them.

    A paragraph without a style, or whose style is missing or not a paragraph style, has
    the last default paragraph style. Looked up once per style, not once per paragraph.
    """

    def __init__(self, document) -> None:
        # python-docx's default styles stand in when the document has no styles part.
        root = document.styles.element
        self.by_id: dict[str, _Element] = {}
        defaults = []
        for style in root.iterchildren(STYLE):
            style_id = style.get(STYLE_ID)
            if style_id is not None:
                self.by_id.setdefault(style_id, style)
            if style.get(STYLE_TYPE) == "paragraph" and style.get(STYLE_DEFAULT) in ("1", "true", "on"):
                defaults.append(style)
        self.default = defaults[-1] if defaults else None
        self.chains: dict[str | None, list[_Element]] = {}

    def properties(self, style_id: str | None) -> list[_Element]:
        """Return the ``w:pPr`` of the style ``style_id`` and of the styles it is based on."""
        if style_id not in self.chains:
            style = self.by_id.get(style_id) if style_id else None
            if style is None or style.get(STYLE_TYPE) != "paragraph":
                style = self.default
            chain: list[_Element] = []
            visited: list[_Element] = []
            while style is not None and style not in visited:
                visited.append(style)
                ppr = style.find(PPR)
                if ppr is not None:
                    chain.append(ppr)
                based_on = style.find(BASED_ON)
                base_id = based_on.get(VAL) if based_on is not None else None
                style = self.by_id.get(base_id) if base_id is not None else None
            self.chains[style_id] = chain
        return self.chains[style_id]


def _val(element, tag: str) -> str | None:
    child = element.find(tag)
    return child.get(VAL) if child is not None else None


def _num_pr(paragraph: _Element, styles: _ParagraphStyles) -> tuple[str, int]:
    """Return (numId, level) of a paragraph, from its own properties or its style's."""
    own = paragraph.find(PPR)
    style = own.find(PSTYLE) if own is not None else None
    candidates = [own, *styles.properties(style.get(VAL) if style is not None else None)]
    num_id, level = "", None
    for ppr in candidates:
        if ppr is None:
            continue
        num_pr = ppr.find(NUM_PR)
        if num_pr is None:
            continue
        if not num_id:
            num_id = _val(num_pr, NUM_ID) or ""
        if level is None:
            ilvl = _val(num_pr, ILVL)
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
