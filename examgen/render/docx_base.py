"""Shared Word machinery: the reference document, its named styles, fields and stable bytes.

An office changes fonts, sizes and letterhead by editing the reference .docx in Word
(``templates/reference.docx``); examgen only picks styles by name. Chinese text needs
the East Asian font slot (``w:eastAsia``) and the zh-CN language tag, or Word falls
back to a Western font and LibreOffice draws Japanese glyph forms.
"""

from __future__ import annotations

import copy
import io
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import Part as PackagePart
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.parts.styles import StylesPart
from docx.shared import Cm, Emu, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import Comment, SubElement

from examgen.errors import ExamgenError
from examgen.i18n import _
from examgen.inputs import check_zip, read_input
from examgen.render.wordml import deflate, stable_zip

BODY_FONT = "宋体"  # SimSun
HEADING_FONT = "黑体"  # SimHei
KAI_FONT = "楷体"  # KaiTi
LATIN_FONT = "Times New Roman"
#: A fixed time for document properties, so the same inputs give the same bytes.
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style of the reference document."""

    name: str
    font: str = BODY_FONT
    size: float = 12  # 小四
    bold: bool = False
    align: str = "left"
    space_before: float = 0
    space_after: float = 0
    line: float | None = None  # exact line height in points; None: 1.25 lines
    left_indent_cm: float = 0
    first_indent_cm: float = 0
    keep_with_next: bool = False
    keep_together: bool = False  # never split the paragraph across pages
    outline_level: int | None = None
    ruled: bool = False  # a writing line: bottom and between borders


#: The named styles examgen uses; sizes follow official papers (小二 18, 小三 15, 四号 14,
#: 小四 12, 五号 10.5, 小五 9).
STYLES: tuple[StyleSpec, ...] = (
    StyleSpec("试卷标题", HEADING_FONT, 18, align="center", space_before=6, space_after=6),
    StyleSpec("试卷副标题", HEADING_FONT, 15, align="center", space_after=6),
    StyleSpec("标封", BODY_FONT, 10.5),
    StyleSpec("密封线", BODY_FONT, 10.5, align="center"),
    StyleSpec("注意事项标题", HEADING_FONT, 12, align="left", space_before=6, space_after=2),
    StyleSpec("注意事项", BODY_FONT, 10.5, left_indent_cm=0.74, first_indent_cm=-0.74),
    StyleSpec("表格文字", BODY_FONT, 10.5, align="center"),
    StyleSpec(
        "大题标题", HEADING_FONT, 14, space_before=10, space_after=6, keep_with_next=True, outline_level=0
    ),
    StyleSpec(
        "试题", BODY_FONT, 12, space_before=6, keep_with_next=True, keep_together=True,
        left_indent_cm=0.74, first_indent_cm=-0.74,
    ),
    StyleSpec("材料", BODY_FONT, 12, keep_with_next=True, keep_together=True, left_indent_cm=0.74),
    StyleSpec("选项", BODY_FONT, 12, keep_with_next=True, keep_together=True, left_indent_cm=0.74),
    # A dialogue is one paragraph, a line per turn, so that it is never split (see render/paper.py).
    StyleSpec("对话", KAI_FONT, 12, keep_with_next=True, keep_together=True, left_indent_cm=0.74),
    StyleSpec("答题线", BODY_FONT, 12, line=26, ruled=True),
    StyleSpec("评分要点", BODY_FONT, 12, left_indent_cm=1.48, first_indent_cm=-0.74),
    StyleSpec("解析", KAI_FONT, 12, left_indent_cm=0.74, space_before=2),
    StyleSpec("评分说明", BODY_FONT, 10.5, space_before=4, space_after=4),
    # The oral interview kit: a 题本 read by the contestant in large print, a form for judges.
    StyleSpec("面试题", HEADING_FONT, 16, space_before=12, space_after=12, keep_with_next=True, keep_together=True),
    StyleSpec("面试材料", BODY_FONT, 16, line=30, keep_with_next=True, keep_together=True, first_indent_cm=1.13),
    StyleSpec("面试对话", KAI_FONT, 16, line=30, keep_with_next=True, keep_together=True, left_indent_cm=0.6),
    StyleSpec("签名栏", BODY_FONT, 12, space_before=18, space_after=6),
    StyleSpec("页眉文字", BODY_FONT, 9),
    StyleSpec("页脚文字", BODY_FONT, 9, align="center"),
)

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_east_asian_font(rpr_parent, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts and the zh-CN language of a style's or run's ``w:rPr``."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_doc_defaults(document: DocumentObject) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:lang")):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    rpr.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


#: Children that must follow ``w:pBdr`` in a ``w:pPr`` (ECMA-376 order; Word rejects others).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
#: Children that must follow ``w:outlineLvl`` in a ``w:pPr``.
_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
#: Children that must follow ``w:tblBorders`` in a ``w:tblPr``.
_AFTER_TBL_BORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip


def insert_in_order(parent, child, successors: tuple[str, ...]) -> None:
    """Insert ``child`` into ``parent`` before the first of ``successors`` present.

    Word refuses a file whose XML children are out of the schema's order (LibreOffice
    does not), so examgen never simply appends to a properties element.
    """
    parent.insert_element_before(child, *successors)


def _border(tag: str, style: str = "single", size: int = 4) -> OxmlElement:
    element = OxmlElement(tag)
    element.set(qn("w:val"), style)
    element.set(qn("w:sz"), str(size))
    element.set(qn("w:space"), "1")
    element.set(qn("w:color"), "auto")
    return element


def _apply_style_spec(document: DocumentObject, spec: StyleSpec) -> None:
    styles = document.styles
    style = (
        styles[spec.name]
        if spec.name in [s.name for s in styles]
        else styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.base_style = styles["Normal"]
    style.quick_style = True
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.name = LATIN_FONT
    set_east_asian_font(style.element, spec.font)
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[spec.align]
    fmt.space_before = Pt(spec.space_before)
    fmt.space_after = Pt(spec.space_after)
    if spec.line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(spec.line)
    else:
        fmt.line_spacing = 1.25
    fmt.left_indent = Cm(spec.left_indent_cm)
    fmt.first_line_indent = Cm(spec.first_indent_cm)
    fmt.keep_with_next = spec.keep_with_next
    fmt.keep_together = spec.keep_together or None
    fmt.widow_control = True
    ppr = style.element.get_or_add_pPr()
    if spec.outline_level is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(spec.outline_level))
        insert_in_order(ppr, level, _AFTER_OUTLINE)
    if spec.ruled:
        borders = OxmlElement("w:pBdr")
        # "between" draws the line under every paragraph of a run of ruled paragraphs,
        # which Word and LibreOffice otherwise merge into one bordered block.
        borders.append(_border("w:bottom"))
        borders.append(_border("w:between"))
        insert_in_order(ppr, borders, _AFTER_PBDR)


def build_reference_document() -> DocumentObject:
    """Return the default reference document: A4 page, binding margins and examgen's styles."""
    document = Document()
    _set_doc_defaults(document)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(12)
    set_east_asian_font(normal.element, BODY_FONT)
    for spec in STYLES:
        _apply_style_spec(document, spec)
    for name in ("Header", "Footer", "Table Grid"):
        style = document.styles[name]
        set_east_asian_font(style.element, BODY_FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # A wider inside margin leaves room for binding (装订) on the left.
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(1.3), Cm(1.2)
    return document


def reference_bytes() -> bytes:
    """Return the default reference .docx as bytes (what ``templates/reference.docx`` ships)."""
    return save_stable(build_reference_document(), title="examgen reference")


def open_reference(path: Path | None) -> DocumentObject:
    """Return a new document built on the reference .docx at ``path`` (or the default one).

    The body of the reference is emptied; its styles, page setup and letterhead are kept.
    Styles examgen needs but the reference lacks are added with the defaults. The
    reference is read and prepared once per process (per content); each call returns a
    copy of its document, headers, footers and properties that shares the read-only parts
    (styles, theme, numbering, settings, images) with the prepared reference.
    """
    if path is None:
        return _clone(_prepared_reference(None))
    # A regular file within the size limit, and a zip within its limits, before parsing.
    data = read_input(path)
    check_zip(path, data)
    return _clone(_prepared_reference(data, str(path)))


#: Parts a render writes to; every other part of a reference is shared by its copies.
_WRITTEN_PARTS = (DocumentPart, HeaderPart, FooterPart, CorePropertiesPart)


@lru_cache(maxsize=4)
def _prepared_reference(data: bytes | None, where: str = "") -> DocumentObject:
    """Return the reference document of ``data`` (None: the default), prepared, never written to."""
    if data is None:
        document = build_reference_document()
    else:
        try:
            document = Document(io.BytesIO(data))
        except Exception as error:  # python-docx raises several kinds for a bad file
            raise ExamgenError(
                _("not a readable Word .docx ({problem})").format(problem=type(error).__name__),
                where=where,
                hint=_("save the reference document from Word as .docx, or remove it to use the default"),
            ) from None
        names = {s.name for s in document.styles}
        for spec in STYLES:
            if spec.name not in names:
                _apply_style_spec(document, spec)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _clone(reference: DocumentObject) -> DocumentObject:
    """Return a copy of ``reference`` whose written parts are its own and the rest shared.

    Parsing a reference (its styles above all) costs far more than a small paper; copying
    only the parts a render changes makes a new document nearly free. The shared parts
    are read-only: a render that must change styles, numbering or settings changes the
    reference in :func:`_prepared_reference` instead (their bytes are cached).
    """
    package = reference.part.package
    shared = {id(part): part for part in package.iter_parts() if not isinstance(part, _WRITTEN_PARTS)}
    for part in shared.values():
        if part not in _SHARED_BLOBS:
            blob = part.blob
            _SHARED_BLOBS[part] = (blob, deflate(blob))
    return copy.deepcopy(package, shared).main_document_part.document


#: Bytes and compressed bytes of the parts copies share; they are read-only, so both are made once.
_SHARED_BLOBS: weakref.WeakKeyDictionary[PackagePart, tuple[bytes, bytes]] = weakref.WeakKeyDictionary()


#: Style ids by (name, type), per styles part: python-docx finds a name by scanning every
#: style, and then scans them all again for the default, on every paragraph.
_STYLE_IDS: weakref.WeakKeyDictionary[StylesPart, dict] = weakref.WeakKeyDictionary()
_SECT_PR = qn("w:sectPr")
_XML_SPACE = qn("xml:space")
_PPR, _PSTYLE, _VAL, _R, _T = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:r"), qn("w:t")


def style_id(part, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """Return the id of the style ``name`` of ``part``'s document; None for the default style.

    Same answer as python-docx's ``part.get_style_id``, looked up once per document styles.
    """
    document_part = part if isinstance(part, DocumentPart) else part._document_part
    styles_part = document_part._styles_part
    ids = _STYLE_IDS.setdefault(styles_part, {})
    if (name, kind) not in ids:
        ids[name, kind] = styles_part.styles.get_style_id(name, kind)
    return ids[name, kind]


def paragraph(document_or_cell, text: str = "", style: str | None = None) -> Paragraph:
    """Append and return a paragraph in a named style.

    Builds the same XML as python-docx's ``add_paragraph(text, style=style)``, directly.
    """
    p = OxmlElement("w:p")
    if style is not None:
        # python-docx leaves an empty w:pPr for the default style; so do we (same bytes).
        ppr = SubElement(p, _PPR)
        found = style_id(document_or_cell.part, style)
        if found is not None:
            SubElement(ppr, _PSTYLE).set(_VAL, found)
    if text:
        _append_run(p, text)
    if isinstance(document_or_cell, DocumentObject):
        body = document_or_cell.element.body
        last = body[-1] if len(body) else None
        if last is not None and last.tag == _SECT_PR:
            last.addprevious(p)
        else:
            body.append(p)
        return Paragraph(p, document_or_cell._body)
    document_or_cell._element.append(p)
    return Paragraph(p, document_or_cell)


def _append_run(p, text: str):
    """Append and return a ``w:r`` holding ``text``, as python-docx's ``add_run(text)`` writes it."""
    r = SubElement(p, _R)
    if "\t" in text or "\n" in text or "\r" in text:
        r.text = text  # python-docx turns tabs and breaks into w:tab and w:br
        return r
    t = SubElement(r, _T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")
    return r


def add_field(paragraph_: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a Word field (PAGE, NUMPAGES) with a cached result, updated by Word on open."""
    def fld_char(kind: str) -> OxmlElement:
        run = paragraph_.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
        return run

    fld_char("begin")
    run = paragraph_.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph_.add_run(placeholder)
    fld_char("end")


def add_fixed_table(document: DocumentObject, rows: int, widths: Sequence[int]) -> Table:
    """Add a grid table with fixed column ``widths`` (EMU), honoured by Word, WPS and LibreOffice."""
    table = document.add_table(rows=rows, cols=len(widths))
    table._tbl.tblStyle_val = style_id(document.part, "Table Grid", WD_STYLE_TYPE.TABLE)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # A fixed layout (w:tblLayout), the grid and the cell widths: LibreOffice needs all three.
    table.autofit = False
    # Straight over the XML: python-docx's ``column.cells`` rebuilds the table's whole
    # cell grid for every column. A new table has no merged cells, so tc i is column i.
    tbl = table._tbl
    for grid_column, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_column.w = width
    for tr in tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = width
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(Emu(w).twips for w in widths)))
    return table


def remove_table_borders(table: Table) -> None:
    """Draw no borders around or inside ``table`` (a layout table such as the 标封)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    insert_in_order(table._tbl.tblPr, borders, _AFTER_TBL_BORDERS)


def keep_row_together(row) -> None:
    """Keep a table row on one page (``w:cantSplit``, first in the row's properties)."""
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def repeat_header_row(row) -> None:
    """Mark a table row as a header row, repeated at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def cell_text(cell, text: str, *, style: str = "表格文字", bold: bool = False) -> None:
    """Write ``text`` into a table cell's first paragraph, in a named style."""
    par = cell.paragraphs[0]
    found = style_id(par.part, style)
    if len(par._p) == 0 and found is not None:
        SubElement(SubElement(par._p, _PPR), _PSTYLE).set(_VAL, found)  # as python-docx would
    else:
        par._p.style = found
    if text:
        run = _append_run(par._p, text)
        # As python-docx's ``run.bold = bold or None``: an empty w:rPr when not bold.
        run.get_or_add_rPr()._set_bool_val("b", bold or None)


_ROW_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def add_text_rows(table: Table, rows: Sequence[Sequence[str]], *, style: str = "表格文字") -> None:
    """Append rows kept on one page, one text per cell in a named style, written as XML text.

    The same XML as ``table.add_row()``, :func:`keep_row_together` and :func:`cell_text`
    for each row (what python-docx writes), built as text: row by row through
    python-docx took seconds and tens of MB for a table of 2,000 contestants. The rows
    stand in the document tree as a marker and take its place when the document is
    written by :func:`save_stable` (the only way examgen saves): read nothing back from
    the table in between.
    """
    found = style_id(table.part, style)
    if found is None or any(_NOT_PLAIN.search(text) for values in rows for text in values):
        # python-docx writes tabs and breaks as w:tab and w:br, no pStyle for the default
        # style, and refuses characters XML cannot hold: take the long way for those.
        for values in rows:
            _add_text_row(table, values, style)
        return
    cell_starts = [
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{grid_column.get(qn("w:w"))}"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{found.translate(_ROW_TEXT).replace(chr(34), "&quot;")}"/></w:pPr>'
        for grid_column in table._tbl.tblGrid.gridCol_lst
    ]
    parts = []
    for values in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for start, text in zip(cell_starts, values, strict=True):
            parts.append(start)
            if text:
                space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
                parts.append(f"<w:r><w:rPr/><w:t{space}>{text.translate(_ROW_TEXT)}</w:t></w:r>")
            parts.append("</w:p></w:tc>")
        parts.append("</w:tr>")
    deferred = _DEFERRED_ROWS.setdefault(table.part, [])
    marker = f"examgen-rows-{len(deferred)}"
    table._tbl.append(Comment(marker))
    deferred.append((f"<!--{marker}-->".encode(), "".join(parts).encode("utf-8")))


#: Rows written as text, per document part: (the marker's bytes, the rows' XML).
_DEFERRED_ROWS: weakref.WeakKeyDictionary[PackagePart, list[tuple[bytes, bytes]]] = weakref.WeakKeyDictionary()
#: Text add_text_rows leaves to python-docx: tabs, breaks, characters XML 1.0 cannot hold.
_NOT_PLAIN = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")


def _add_text_row(table: Table, values: Sequence[str], style: str) -> None:
    row = table.add_row()
    keep_row_together(row)
    for cell, text in zip(row.cells, values, strict=True):
        cell_text(cell, text, style=style)


def add_right_tab(paragraph_: Paragraph, position: int) -> None:
    """Give a paragraph one right-aligned tab stop at ``position`` (EMU)."""
    paragraph_.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def add_leader_tabs(paragraph_: Paragraph, width: int) -> None:
    """Give a paragraph a centre and a right tab, both with dotted leaders (a 密封线 rule)."""
    stops = paragraph_.paragraph_format.tab_stops
    stops.add_tab_stop(width // 2, WD_TAB_ALIGNMENT.CENTER, WD_TAB_LEADER.DOTS)
    stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def text_width(document: DocumentObject) -> int:
    """Return the width between the margins of the first section, in EMU."""
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def save_stable(document: DocumentObject, *, title: str) -> bytes:
    """Return the document's bytes with fixed properties and zip timestamps (byte-identical runs)."""
    _stamp_properties(document, title)
    return _package_bytes(document.part.package)


def _stamp_properties(document: DocumentObject, title: str) -> None:
    props = document.core_properties
    props.title = title
    props.author = "examgen"
    props.last_modified_by = "examgen"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""


def set_letterhead(document: DocumentObject, heading: str | None, letter: str) -> None:
    """Give every section the header (``heading``, tab, ``A卷``) and the page-number footer.

    With ``heading`` None the header paragraph is left ready for its run (see
    :func:`prepared_word_reference`).
    """
    width = text_width(document)
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        head = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        head.text = ""
        head.style = document.styles["页眉文字"]
        head.paragraph_format.tab_stops.clear_all()
        add_right_tab(head, width)
        if heading is not None:
            head.add_run(f"{heading}\t{letter}卷")
        footer = section.footer
        footer.is_linked_to_previous = False
        foot = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        foot.text = ""
        foot.style = document.styles["页脚文字"]
        foot.add_run("第 ")
        add_field(foot, "PAGE")
        foot.add_run(" 页 共 ")
        add_field(foot, "NUMPAGES")
        foot.add_run(" 页")


def headed_document(reference: Path | None, heading: str, letter: str) -> DocumentObject:
    """Return a document on the reference with the header (``heading``, form) and page-number footer."""
    document = open_reference(reference)
    set_letterhead(document, heading, letter)
    return document


def prepared_word_reference(path: Path | None):
    """Return the reference at ``path`` (None: the default) prepared for :mod:`examgen.render.wordml`.

    The same document as :func:`open_reference` followed by :func:`set_letterhead` and
    the fixed properties of :func:`save_stable`; each copy adds only its heading, body
    and title. Prepared once per process and content.
    """
    if path is None:
        return _prepared_word_reference(None)
    data = read_input(path)
    check_zip(path, data)
    return _prepared_word_reference(data, str(path))


@lru_cache(maxsize=4)
def _prepared_word_reference(data: bytes | None, where: str = ""):
    from examgen.render import wordml

    document = _clone(_prepared_reference(data, where))
    set_letterhead(document, None, "")
    _stamp_properties(document, "")
    package = document.part.package
    section = document.sections[0]
    header_part = section.header.part
    core_part = package._core_properties_part
    kinds = {id(document.part): "document", id(header_part): "header", id(core_part): "core"}
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()

    def shared(name: str, blob: bytes) -> tuple[str, bytes, bytes]:
        return (name, blob, wordml.deflate(blob))

    entries = [
        shared(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob),
        shared(PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        name = part.partname.membername
        kind = kinds.get(id(part))
        if kind is not None:
            entries.append((name, None, kind))
        elif part in _SHARED_BLOBS:
            entries.append((name, *_SHARED_BLOBS[part]))
        else:
            entries.append(shared(name, part.blob))
        if len(part.rels):
            entries.append(shared(part.partname.rels_uri.membername, part.rels.xml))
    styles = {spec.name: style_id(document.part, spec.name) for spec in STYLES}
    return wordml.PreparedReference(
        document=document.element,
        header=header_part.element,
        core=core_part.element,
        entries=entries,
        style_ids=styles,
        table_style_id=style_id(document.part, "Table Grid", WD_STYLE_TYPE.TABLE),
        text_width=text_width(document),
        lines_per_page=lines_per_page(document),
    )


def lines_per_page(document: DocumentObject) -> int:
    """Return how many ruled answer lines (style 答题线) fill the text area of a page."""
    section = document.sections[0]
    body = section.page_height - section.top_margin - section.bottom_margin
    line = document.styles["答题线"].paragraph_format.line_spacing
    # A reference .docx may give the style a multiple, not a height; 26 pt is the default.
    height = line if isinstance(line, int) and line > Pt(2) else Pt(26)
    return max(1, body // height)


def _package_bytes(package) -> bytes:
    """Return the zip of ``package`` as python-docx writes it, in one pass, every entry dated 1980.

    The same entries, order and compression as ``document.save`` followed by
    :func:`examgen.outputs.restamp_zip`, so the bytes are the same as before; the parts
    shared with the reference are compressed once per process, not once per document.
    """
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = [
        (CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob, None),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml, None),
    ]
    for part in parts:
        shared = _SHARED_BLOBS.get(part)
        if shared is not None:
            entries.append((part.partname.membername, *shared))
        else:
            blob = part.blob
            for marker, rows in _DEFERRED_ROWS.get(part, ()):
                assert blob.count(marker) == 1, marker
                blob = blob.replace(marker, rows)
            entries.append((part.partname.membername, blob, None))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml, None))
    return stable_zip(entries)
