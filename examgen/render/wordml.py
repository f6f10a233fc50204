"""WordprocessingML written with lxml directly: the fast path of the paper and the key.

A paper or key is a copy of a prepared reference (:class:`PreparedReference`): its
document, header, footer and core-properties elements, and the bytes (raw and
compressed) of every other part, which never change. Paragraphs, runs and tables are
built here as python-docx would build them (same elements, attributes and order, so
the same bytes), without python-docx's object layer: this module does not import it,
so ``examgen build`` does not load it when the reference needs no preparation by it.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import posixpath
import struct
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from examgen.inputs import check_zip, read_input
from examgen.outputs import ZIP_EPOCH

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSMAP = {"w": W_NS}


def w(tag: str) -> str:
    """Return the Clark name of a ``w:`` tag or attribute."""
    return f"{{{W_NS}}}{tag}"


_P, _PPR, _PSTYLE, _R, _RPR, _T, _TAB, _BR = (w(t) for t in ("p", "pPr", "pStyle", "r", "rPr", "t", "tab", "br"))
_VAL, _B, _KEEP_NEXT, _KEEP_LINES, _TABS, _JC, _POS = (
    w(t) for t in ("val", "b", "keepNext", "keepLines", "tabs", "jc", "pos")
)
_TBL, _TBLPR, _TBLGRID, _GRIDCOL, _TR, _TRPR, _TC, _TCPR, _TCW, _W, _TYPE = (
    w(t) for t in ("tbl", "tblPr", "tblGrid", "gridCol", "tr", "trPr", "tc", "tcPr", "tcW", "w", "type")
)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SUB = etree.SubElement


def new_element(tag: str):
    """Return a detached ``w:`` element declaring only the ``w`` prefix, as python-docx's OxmlElement."""
    return etree.Element(w(tag), nsmap=_NSMAP)


def cm(value: float) -> int:
    """Return ``value`` centimetres in EMU, as python-docx's ``Cm``."""
    return int(value * 360000)


def twips(emu: int) -> int:
    """Return EMU in twentieths of a point, rounded as python-docx writes them."""
    return int(round(emu / 635.0))


def run_text(r, text: str) -> None:
    """Append ``text`` to the run ``r``: tabs as ``w:tab``, line breaks as ``w:br`` (as python-docx)."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        if text:
            _t(r, text)
        return
    buffer = []
    for char in text:
        if char == "\t" or char in "\r\n":
            if buffer:
                _t(r, "".join(buffer))
                buffer.clear()
            _SUB(r, _TAB if char == "\t" else _BR)
        else:
            buffer.append(char)
    if buffer:
        _t(r, "".join(buffer))


def _t(r, text: str) -> None:
    t = _SUB(r, _T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


def add_run(p, text: str = "", *, bold: bool | None = None):
    """Append and return a run holding ``text``; ``bold`` True/False writes ``w:b``/an empty ``w:rPr``."""
    r = _SUB(p, _R)
    if bold is not None:
        rpr = _SUB(r, _RPR)
        if bold:
            _SUB(rpr, _B)
    run_text(r, text)
    return r


def ppr(p):
    """Return the ``w:pPr`` of a paragraph, added first if it has none."""
    if len(p) and p[0].tag == _PPR:
        return p[0]
    properties = new_element("pPr")
    p.insert(0, properties)
    return properties


def set_keep(p, *, with_next: bool | None = None, together: bool | None = None) -> None:
    """Set ``w:keepNext`` / ``w:keepLines`` of a paragraph whose ``w:pPr`` holds at most a ``w:pStyle``
    and ``w:keepNext``/``w:keepLines``/``w:tabs``; False writes ``w:val="0"`` as python-docx does."""
    properties = ppr(p)
    for tag, value in ((_KEEP_NEXT, with_next), (_KEEP_LINES, together)):
        if value is None:
            continue
        element = properties.find(tag)
        if element is None:
            element = etree.Element(tag, nsmap=_NSMAP)
            # Schema order: pStyle, keepNext, keepLines, …, tabs.
            index = 0
            for child in properties:
                if child.tag == _PSTYLE or (tag == _KEEP_LINES and child.tag == _KEEP_NEXT):
                    index += 1
            properties.insert(index, element)
        if value:
            element.attrib.pop(_VAL, None)
        else:
            element.set(_VAL, "0")


def add_tab_stops(p, stops: Sequence[tuple[int, str, str | None]]) -> None:
    """Give a paragraph (``w:pPr`` holding only a ``w:pStyle``) tab stops: (position EMU, alignment, leader)."""
    tabs = _SUB(ppr(p), _TABS)
    for position, alignment, leader in stops:
        tab = _SUB(tabs, _TAB)
        tab.set(_POS, str(twips(position)))
        tab.set(_VAL, alignment)
        if leader is not None:
            tab.set(w("leader"), leader)


def set_alignment(p, value: str) -> None:
    """Set the ``w:jc`` of a paragraph whose ``w:pPr`` holds at most a ``w:pStyle``."""
    _SUB(ppr(p), _JC).set(_VAL, value)


class WordDocument:
    """The body of a document being written, with the reference's style ids and page measures."""

    def __init__(self, root, reference: PreparedReference, header=None, core=None):
        self.root = root
        self.body = root.find(w("body"))
        self.end = self.body[-1] if len(self.body) and self.body[-1].tag == w("sectPr") else None
        self.reference = reference
        self.header, self.core = header, core
        self.text_width = reference.text_width
        self.lines_per_page = reference.lines_per_page

    def style(self, name: str) -> str | None:
        """Return the id of the paragraph style ``name`` (None: the default style)."""
        return self.reference.style_ids[name]

    def append(self, element):
        """Append a block (paragraph, table) to the body, before its section properties."""
        if self.end is not None:
            self.end.addprevious(element)
        else:
            self.body.append(element)
        return element

    def paragraph(self, text: str = "", style: str | None = None):
        """Append and return a ``w:p`` in a named style, as python-docx's ``add_paragraph``."""
        p = etree.Element(_P, nsmap=_NSMAP)
        if style is not None:
            # python-docx leaves an empty w:pPr for the default style; so do we (same bytes).
            properties = _SUB(p, _PPR)
            found = self.reference.style_ids[style]
            if found is not None:
                _SUB(properties, _PSTYLE).set(_VAL, found)
        if text:
            run_text(_SUB(p, _R), text)
        return self.append(p)

    def table(self, rows: int, widths: Sequence[int], *, align: str = "center", borders: bool = True):
        """Append a fixed-width grid table as docx_base's ``add_fixed_table``; return its rows of cells."""
        tbl = etree.Element(_TBL, nsmap=_NSMAP)
        properties = _SUB(tbl, _TBLPR)
        style = self.reference.table_style_id
        if style is not None:
            _SUB(properties, w("tblStyle")).set(_VAL, style)
        width = _SUB(properties, w("tblW"))
        width.set(_TYPE, "dxa")
        width.set(_W, str(sum(twips(x) for x in widths)))
        _SUB(properties, _JC).set(_VAL, align)
        if not borders:
            edges = _SUB(properties, w("tblBorders"))
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
                _SUB(edges, w(edge)).set(_VAL, "nil")
        _SUB(properties, w("tblLayout")).set(_TYPE, "fixed")
        look = _SUB(properties, w("tblLook"))
        for name, value in _TBL_LOOK:
            look.set(name, value)
        grid = _SUB(tbl, _TBLGRID)
        widths_twips = [str(twips(x)) for x in widths]
        for value in widths_twips:
            _SUB(grid, _GRIDCOL).set(_W, value)
        cells = []
        for _ in range(rows):
            tr = _SUB(tbl, _TR)
            row = []
            for value in widths_twips:
                tc = _SUB(tr, _TC)
                tc_width = _SUB(_SUB(tc, _TCPR), _TCW)
                tc_width.set(_TYPE, "dxa")
                tc_width.set(_W, value)
                row.append(_SUB(tc, _P))
            cells.append(row)
        self.append(tbl)
        return cells

    def to_bytes(self, title: str) -> bytes:
        """Return the .docx bytes, with fixed properties and zip timestamps."""
        return self.reference.package_bytes(self, title)


_TBL_LOOK = tuple(
    (w(name), value)
    for name, value in (
        ("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"),
        ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0"),
    )
)  # fmt: skip


def cell_text(reference: WordDocument, p, text: str, *, style: str = "表格文字", bold: bool = False) -> None:
    """Write ``text`` into a new table cell's paragraph ``p`` in a named style (docx_base's ``cell_text``)."""
    found = reference.style(style)
    properties = _SUB(p, _PPR)  # python-docx leaves it empty for the default style
    if found is not None:
        _SUB(properties, _PSTYLE).set(_VAL, found)
    if text:
        add_run(p, text, bold=bold)


def row_height(p, cm_value: float) -> None:
    """Set the height of the row of cell paragraph ``p`` (python-docx's ``row.height``)."""
    tr_pr = new_element("trPr")
    _SUB(tr_pr, w("trHeight")).set(_VAL, str(twips(cm(cm_value))))
    p.getparent().getparent().insert(0, tr_pr)


def cell_bottom_border(p) -> None:
    """Draw the bottom border of the cell of paragraph ``p`` (the 标封's writing line)."""
    tc_pr = p.getparent()[0]
    bottom = _SUB(_SUB(tc_pr, w("tcBorders")), w("bottom"))
    bottom.set(_VAL, "single")
    bottom.set(w("sz"), "6")
    bottom.set(w("color"), "auto")


# --- The package -------------------------------------------------------------------------


def open_reference(path: Path | None) -> PreparedReference:
    """Return the reference .docx at ``path`` (None: the default) prepared for copies.

    Prepared once per process and content. A reference that holds every examgen style,
    no header or footer of its own and examgen's fixed document properties (the default
    one, the shipped ``templates/reference.docx`` and any made by ``examgen init``) is
    read here, without python-docx; any other is prepared by python-docx in
    :mod:`examgen.render.docx_base`, which gives the same bytes for these.
    """
    if path is not None:
        data = read_input(path)
        check_zip(path, data)
    else:
        # The default reference is the one examgen ships (tests hold that it is what
        # docx_base builds, and that both prepare alike).
        from importlib import resources

        default = resources.files("examgen") / "samples" / "templates" / "reference.docx"
        data = default.read_bytes() if default.is_file() else b""
    prepared = _read_reference(data)
    if prepared is not None:
        return prepared
    from examgen.render.docx_base import prepared_word_reference

    return prepared_word_reference(path)


@dataclass
class PreparedReference:
    """A reference .docx ready to be copied: written parts as elements, the others as bytes.

    ``entries`` are the zip entries in order: (name, bytes, compressed bytes) of the parts
    that never change, or (name, None, kind) of a written part ("document", "header",
    "core"); the header's first paragraph gets each copy's heading.
    """

    document: object
    header: object | None
    core: object
    entries: list
    style_ids: dict
    table_style_id: str | None
    text_width: int
    lines_per_page: int

    def new_document(self) -> WordDocument:
        """Return a new document: a copy of the written parts."""
        return WordDocument(
            copy.deepcopy(self.document),
            self,
            header=copy.deepcopy(self.header) if self.header is not None else None,
            core=copy.deepcopy(self.core),
        )

    def package_bytes(self, document: WordDocument, title: str) -> bytes:
        """Return the zip of ``document`` on this reference, its core-properties title set."""
        if len(title) > 255:  # as python-docx refuses it
            raise ValueError(f"exceeded 255 char limit for property, got:\n\n'{title}'")
        document.core.find("{http://purl.org/dc/elements/1.1/}title").text = title
        written = {"document": document.root, "header": document.header, "core": document.core}
        entries = []
        for name, data, extra in self.entries:
            if data is None:
                entries.append((name, serialize(written[extra]), None))
            else:
                entries.append((name, data, extra))
        return stable_zip(entries)


def serialize(element) -> bytes:
    """Return the bytes of an XML part, as python-docx writes them."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


_DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1  # 1980-01-01 in MS-DOS date format; the time is 0
#: What zipfile records as the "made by" system: 0 on Windows, 3 (Unix) elsewhere.
_ZIP_SYSTEM = 0 if sys.platform == "win32" else 3
_ZIP_LIMIT = 1 << 30  # beyond this zipfile would write zip64 records; let it


def deflate(data: bytes) -> bytes:
    """Return ``data`` compressed exactly as zipfile compresses a ZIP_DEFLATED entry."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def stable_zip(entries: Sequence[tuple[str, bytes, bytes | None]]) -> bytes:
    """Return a zip of ``(name, data, deflated data or None)`` entries, dated 1980-01-01.

    Byte for byte what ``zipfile`` writes for ZipInfo(name, 1980-01-01), ZIP_DEFLATED,
    mode 0644 (a test compares them), but it takes already compressed data, so parts that
    never change are compressed once.
    """
    if any(len(data) > _ZIP_LIMIT or not name.isascii() for name, data, _ in entries):
        return _zipfile_zip(entries)
    out = io.BytesIO()
    central = []
    for name, data, deflated in entries:
        packed = deflate(data) if deflated is None else deflated
        encoded = name.encode("ascii")
        crc = zlib.crc32(data)
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, zipfile.ZIP_DEFLATED, 0, _DOS_DATE_1980,
                crc, len(packed), len(data), len(encoded), 0,
            )
        )
        out.write(encoded)
        out.write(packed)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, _ZIP_SYSTEM, 20, 0, 0, zipfile.ZIP_DEFLATED, 0,
                _DOS_DATE_1980, crc, len(packed), len(data), len(encoded), 0, 0, 0, 0, 0o644 << 16, offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def _zipfile_zip(entries: Sequence[tuple[str, bytes, bytes | None]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, _ in entries:
            entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()


# --- Reading a reference without python-docx -------------------------------------------------
#
# What follows does what python-docx does to a reference in docx_base (open it, empty the
# body, add the header and footer parts, stamp the fixed properties, save), for the
# references whose preparation needs nothing else; tests compare its output with
# python-docx's. Anything it does not expect sends the reference to python-docx.

_PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT = _R_NS + "/"
_RT_OFFICE_DOCUMENT = _RT + "officeDocument"
_RT_STYLES = _RT + "styles"
_RT_HEADER = _RT + "header"
_RT_FOOTER = _RT + "footer"
_RT_IMAGE = _RT + "image"
_RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CT_PREFIX = "application/vnd.openxmlformats-"
_CT_MAIN = _CT_PREFIX + "officedocument.wordprocessingml.document.main+xml"
_CT_HEADER = _CT_PREFIX + "officedocument.wordprocessingml.header+xml"
_CT_FOOTER = _CT_PREFIX + "officedocument.wordprocessingml.footer+xml"
_CT_CORE = _CT_PREFIX + "package.core-properties+xml"
_CT_RELS = _CT_PREFIX + "package.relationships+xml"
#: Content types python-docx reads into XML elements (and so writes re-serialised).
_XML_PARTS = {
    _CT_CORE,
    _CT_MAIN,
    _CT_HEADER,
    _CT_FOOTER,
    *(_CT_PREFIX + f"officedocument.wordprocessingml.{kind}+xml" for kind in ("comments", "numbering", "settings", "styles")),
}
#: python-docx's docx.opc.spec.default_content_types: written as Default, all else as Override.
_DEFAULT_CONTENT_TYPES = {
    ("bin", _CT_PREFIX + "officedocument.presentationml.printerSettings"),
    ("bin", _CT_PREFIX + "officedocument.spreadsheetml.printerSettings"),
    ("bin", _CT_PREFIX + "officedocument.wordprocessingml.printerSettings"),
    ("bmp", "image/bmp"), ("emf", "image/x-emf"), ("fntdata", "application/x-fontdata"),
    ("gif", "image/gif"), ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"),
    ("png", "image/png"), ("rels", _CT_RELS), ("tif", "image/tiff"), ("tiff", "image/tiff"),
    ("wdp", "image/vnd.ms-photo"), ("wmf", "image/x-wmf"),
    ("xlsx", _CT_PREFIX + "officedocument.spreadsheetml.sheet"), ("xml", "application/xml"),
}  # fmt: skip
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_FIXED_DATE = "2026-01-01T00:00:00Z"  # docx_base.FIXED_TIME as python-docx writes it
#: The core properties docx_base's save_stable sets, in its order, and their text.
_FIXED_PROPERTIES = (
    (_DC + "title", ""), (_DC + "creator", "examgen"), (_CP + "lastModifiedBy", "examgen"),
    (_DCTERMS + "created", _FIXED_DATE), (_DCTERMS + "modified", _FIXED_DATE),
    (_CP + "lastPrinted", _FIXED_DATE), (_CP + "revision", "1"), (_DC + "description", ""),
    (_CP + "keywords", ""), (_DC + "subject", ""), (_CP + "category", ""),
)  # fmt: skip
#: The paragraph styles examgen writes with (docx_base.STYLES), and the table style.
PARAGRAPH_STYLES = (
    "试卷标题", "试卷副标题", "标封", "密封线", "注意事项标题", "注意事项", "表格文字", "大题标题",
    "试题", "材料", "选项", "对话", "答题线", "评分要点", "解析", "评分说明", "面试题", "面试材料",
    "面试对话", "签名栏", "页眉文字", "页脚文字",
)  # fmt: skip
_TABLE_STYLE = "Table Grid"
_ON = ("1", "true", "on")


class _NotPlain(Exception):
    """The reference needs python-docx to be prepared."""


def _parse(blob: bytes):
    # python-docx's parser: blank text dropped, entities not resolved.
    return etree.fromstring(blob, etree.XMLParser(remove_blank_text=True, resolve_entities=False))


@dataclass
class _Part:
    name: str  # partname, "/word/document.xml"
    content_type: str
    blob: bytes | None
    element: object | None
    rels: list  # [rId, reltype, target ref, target _Part or None (external)]


@lru_cache(maxsize=4)
def _read_reference(data: bytes) -> PreparedReference | None:
    """Return the reference of ``data`` prepared as python-docx would, or None if it needs python-docx."""
    try:
        return _prepare_plain(data)
    except _NotPlain:
        return None
    except Exception:  # a damaged file: python-docx reports it as before
        return None


def _prepare_plain(data: bytes) -> PreparedReference:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    types = _parse(members["[Content_Types].xml"])
    overrides = {e.get("PartName").lower(): e.get("ContentType") for e in types.findall(f"{{{_CT_NS}}}Override")}
    defaults = {e.get("Extension").lower(): e.get("ContentType") for e in types.findall(f"{{{_CT_NS}}}Default")}
    parts: dict[str, _Part] = {}

    def rels_of(base: str, rels_name: str) -> list:
        blob = members.get(rels_name)
        found = []
        if blob is None:
            return found
        for rel in _parse(blob).findall(f"{{{_PR_NS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            found.append([rel.get("Id"), rel.get("Type"), rel.get("Target"), None if external else posixpath.abspath(posixpath.join(base, rel.get("Target")))])
        return found

    def walk(rels: list) -> None:
        # python-docx loads the parts reachable through relationships, depth first.
        for rel in rels:
            name = rel[3]
            if name is None or name in parts:
                continue
            ext = posixpath.splitext(name)[1][1:]
            content_type = overrides.get(name.lower()) or defaults[ext.lower()]
            blob = members[name[1:]]
            xml = content_type in _XML_PARTS and rel[1] != _RT_IMAGE
            part = _Part(name, content_type, None if xml else blob, _parse(blob) if xml else None, [])
            parts[name] = part
            directory, file = posixpath.split(name)
            part.rels = rels_of(directory, f"{directory[1:]}/_rels/{file}.rels".lstrip("/"))
            walk(part.rels)

    package_rels = rels_of("/", "_rels/.rels")
    walk(package_rels)
    for rels in [package_rels, *(p.rels for p in parts.values())]:
        for rel in rels:
            if rel[3] is not None:
                rel[3] = parts[rel[3]]
    main = _related(package_rels, _RT_OFFICE_DOCUMENT)
    if main.content_type != _CT_MAIN:
        raise _NotPlain
    styles_part = _related(main.rels, _RT_STYLES)
    core = _related(package_rels, _RT_CORE)
    style_ids, table_style = _style_ids(styles_part.element)

    # The body emptied but for its section properties (docx_base._prepared_reference).
    document = main.element
    body = document.find(w("body"))
    for child in list(body):
        if child.tag != w("sectPr"):
            body.remove(child)
    sections = list(document.iter(w("sectPr")))
    if len(sections) != 1 or sections[0].find(w("headerReference")) is not None or sections[0].find(w("footerReference")) is not None:
        raise _NotPlain
    section = sections[0]
    text_width, lines_per_page = _page_measures(section, styles_part.element)

    # docx_base.set_letterhead(document, None, ""): new header and footer parts.
    header = _new_story_part("header", parts, main, section, _CT_HEADER, _RT_HEADER, style_ids["页眉文字"])
    head = header.element.find(_P)
    tabs = _SUB(ppr(head), _TABS)
    tab = _SUB(tabs, _TAB)
    tab.set(_POS, str(twips(text_width)))
    tab.set(_VAL, "right")
    footer = _new_story_part("footer", parts, main, section, _CT_FOOTER, _RT_FOOTER, style_ids["页脚文字"])
    foot = footer.element.find(_P)
    add_run(foot, "第 ")
    _add_field(foot, "PAGE")
    add_run(foot, " 页 共 ")
    _add_field(foot, "NUMPAGES")
    add_run(foot, " 页")
    _stamp_core(core.element)

    ordered = list(_iter_parts(package_rels))
    kinds = {id(main): "document", id(header): "header", id(core): "core"}

    def shared(name: str, blob: bytes) -> tuple[str, bytes, bytes]:
        return (name, blob, deflate(blob))

    entries = [shared("[Content_Types].xml", _content_types(ordered)), shared("_rels/.rels", _rels_xml(package_rels, "/"))]
    for part in ordered:
        kind = kinds.get(id(part))
        if kind is not None:
            entries.append((part.name[1:], None, kind))
        else:
            entries.append(shared(part.name[1:], part.blob if part.element is None else serialize(part.element)))
        if part.rels:
            directory, file = posixpath.split(part.name)
            entries.append(shared(f"{directory[1:]}/_rels/{file}.rels".lstrip("/"), _rels_xml(part.rels, directory)))
    return PreparedReference(
        document=document, header=header.element, core=core.element, entries=entries,
        style_ids=style_ids, table_style_id=table_style, text_width=text_width, lines_per_page=lines_per_page,
    )  # fmt: skip


def _related(rels: list, reltype: str) -> _Part:
    found = [rel[3] for rel in rels if rel[1] == reltype]
    if len(found) != 1 or found[0] is None:
        raise _NotPlain
    return found[0]


def _iter_parts(package_rels: list):
    visited: list = []

    def walk(rels):
        for rel in rels:
            part = rel[3]
            if part is None or part in visited:
                continue
            visited.append(part)
            yield part
            yield from walk(part.rels)

    yield from walk(package_rels)


def _new_story_part(kind: str, parts: dict, main: _Part, section, content_type: str, reltype: str, style: str | None) -> _Part:
    """Add a header or footer part as python-docx does; its paragraph emptied, in ``style``."""
    names = {p.name for p in parts.values()}
    name = next(f"/word/{kind}{n}.xml" for n in range(1, len(names) + 2) if f"/word/{kind}{n}.xml" not in names)
    element = _parse(_python_docx_template(f"default-{kind}.xml"))
    part = _Part(name, content_type, None, element, [])
    parts[name] = part
    taken = {rel[0] for rel in main.rels}
    rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
    main.rels.append([rid, reltype, posixpath.relpath(name, "/word"), part])
    reference = new_element(f"{kind}Reference")
    successors = [section.find(w(t)) for t in _SECT_PR_SEQUENCE]
    successor = next((s for s in successors if s is not None), None)
    if successor is not None:
        successor.addprevious(reference)
    else:
        section.append(reference)
    reference.set(w("type"), "default")
    reference.set(f"{{{_R_NS}}}id", rid)
    # paragraph.text = "" leaves one empty run; then the style, and no tab stops.
    p = element.find(_P)
    if p is None:
        raise _NotPlain
    for child in list(p):
        if child.tag != _PPR:
            p.remove(child)
    _SUB(p, _R)
    properties = ppr(p)
    style_element = properties.find(_PSTYLE)
    if style is None:
        if style_element is not None:
            properties.remove(style_element)
    elif style_element is not None:
        style_element.set(_VAL, style)
    else:
        raise _NotPlain
    for tabs in properties.findall(_TABS):
        properties.remove(tabs)
    if len(properties) != 1:
        raise _NotPlain  # docx_base's tab stop would go in schema order
    return part


_SECT_PR_SEQUENCE = (
    "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType",
    "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
    "printerSettings", "sectPrChange",
)  # fmt: skip


def _python_docx_template(name: str) -> bytes:
    """Return one of python-docx's template files (its new header and footer), without importing it."""
    spec = importlib.util.find_spec("docx")
    if spec is None or not spec.submodule_search_locations:
        raise _NotPlain
    return (Path(spec.submodule_search_locations[0]) / "templates" / name).read_bytes()


def _add_field(p, instruction: str) -> None:
    """Append a field with the cached result 1, as docx_base's ``add_field``."""
    _SUB(_SUB(p, _R), w("fldChar")).set(w("fldCharType"), "begin")
    instr = _SUB(_SUB(p, _R), w("instrText"))
    instr.set(_XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    _SUB(_SUB(p, _R), w("fldChar")).set(w("fldCharType"), "separate")
    add_run(p, "1")
    _SUB(_SUB(p, _R), w("fldChar")).set(w("fldCharType"), "end")


def _stamp_core(core) -> None:
    """Set the fixed properties of save_stable; only where python-docx would change nothing else."""
    if core.nsmap.get("xsi") != _XSI_NS:
        raise _NotPlain
    for tag, text in _FIXED_PROPERTIES:
        element = core.find(tag)
        if element is None:
            raise _NotPlain  # python-docx would add it, in its own order
        if tag.startswith(_DCTERMS) and element.get(f"{{{_XSI_NS}}}type") != "dcterms:W3CDTF":
            raise _NotPlain
        element.text = text


def _style_ids(styles) -> tuple[dict, str | None]:
    """Return the ids of examgen's paragraph styles and of the table grid, as python-docx finds them."""
    by_name: dict[str, object] = {}
    defaults: dict[str, object] = {}
    for style in styles.findall(w("style")):
        name = style.find(w("name"))
        if name is not None and name.get(_VAL) is not None:
            by_name.setdefault(name.get(_VAL), style)
        if style.get(w("type")) is not None and style.get(w("default")) in _ON:
            defaults[style.get(w("type"))] = style  # the last default of a type

    def style_id(name: str, kind: str) -> str | None:
        style = by_name.get(name)
        if style is None or (style.get(w("type")) or "paragraph") != kind:
            raise _NotPlain
        return None if defaults.get(kind) is style else style.get(w("styleId"))

    return {name: style_id(name, "paragraph") for name in PARAGRAPH_STYLES}, style_id(_TABLE_STYLE, "table")


def _twips_value(element, attribute: str) -> int:
    value = element.get(w(attribute)) if element is not None else None
    if value is None or not value.lstrip("-").isdigit():
        raise _NotPlain
    return int(value) * 635


def _page_measures(section, styles) -> tuple[int, int]:
    """Return the text width (EMU) and docx_base.lines_per_page of the section and 答题线 style."""
    size, margins = section.find(w("pgSz")), section.find(w("pgMar"))
    width = _twips_value(size, "w") - _twips_value(margins, "left") - _twips_value(margins, "right")
    body = _twips_value(size, "h") - _twips_value(margins, "top") - _twips_value(margins, "bottom")
    height = 330200  # Pt(26)
    ruled = next(s for s in styles.findall(w("style")) if s.find(w("name")) is not None and s.find(w("name")).get(_VAL) == "答题线")
    spacing = ruled.find(f"{_PPR}/{w('spacing')}")
    if spacing is not None and spacing.get(w("line")) is not None and spacing.get(w("lineRule")) != "auto":
        line = _twips_value(spacing, "line")
        if line > 25400:  # Pt(2)
            height = line
    return width, max(1, body // height)


def _content_types(parts: list) -> bytes:
    defaults = {"rels": _CT_RELS, "xml": "application/xml"}
    overrides = {}
    for part in parts:
        ext = posixpath.splitext(part.name)[1][1:]
        if (ext.lower(), part.content_type) in _DEFAULT_CONTENT_TYPES:
            defaults[ext] = part.content_type
        else:
            overrides[part.name] = part.content_type
    types = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
    for ext in sorted(defaults):
        default = _SUB(types, f"{{{_CT_NS}}}Default")
        default.set("Extension", ext)
        default.set("ContentType", defaults[ext])
    for name in sorted(overrides):
        override = _SUB(types, f"{{{_CT_NS}}}Override")
        override.set("PartName", name)
        override.set("ContentType", overrides[name])
    return serialize(types)


def _rels_xml(rels: list, base: str) -> bytes:
    root = etree.Element(f"{{{_PR_NS}}}Relationships", nsmap={None: _PR_NS})
    for rid, reltype, target, part in rels:
        rel = _SUB(root, f"{{{_PR_NS}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", reltype)
        if part is None:
            rel.set("Target", target)
            rel.set("TargetMode", "External")
        else:
            rel.set("Target", part.name[1:] if base == "/" else posixpath.relpath(part.name, base))
    return serialize(root)
