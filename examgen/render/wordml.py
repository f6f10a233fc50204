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
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

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

    Prepared once per process and content, by python-docx (:mod:`examgen.render.docx_base`).
    """
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
