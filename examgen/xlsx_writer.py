"""A small .xlsx writer: sheets of styled rows written as XML text, straight into the zip.

openpyxl builds a Cell object, checks its value and writes an element through lxml for
every cell, which dominated writing results.xlsx (hundreds of thousands of cells). This
writer keeps only what examgen's tables use: inline strings and numbers, a fixed set of
fonts, fills and borders, number formats, alignments, one merged range, column widths,
frozen panes, print titles, A4 landscape fitted to one page wide, and header/footer
codes. Its parts are written byte for byte as openpyxl (3.1) writes them, so a workbook
written here is the file openpyxl's write-only mode gave for the same cells; the same
inputs give the same bytes (fixed zip dates and document properties).
"""

from __future__ import annotations

import datetime
import io
import re
import weakref
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from examgen.outputs import ZIP_EPOCH
from examgen.xlsxio import get_column_letter

#: Fonts a cell may use, by index: the workbook default, a 13-point bold title, bold.
FONT_DEFAULT, FONT_TITLE, FONT_BOLD = 0, 1, 2
_FONTS = (
    '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>',
    '<font><b val="1"/><sz val="13"/></font>',
    '<font><b val="1"/></font>',
)
#: Fills by index: none, the gray125 every workbook has, the header's light blue.
FILL_NONE, FILL_HEADER = 0, 2
_FILLS = (
    "<fill><patternFill/></fill>",
    '<fill><patternFill patternType="gray125"/></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/></patternFill></fill>',
)
#: Borders by index: none, a thin grey box.
BORDER_NONE, BORDER_BOX = 0, 1
_SIDES = "".join(f'<{side} style="thin"><color rgb="00808080"/></{side}>' for side in ("left", "right", "top", "bottom"))
_BORDERS = ("<border><left/><right/><top/><bottom/><diagonal/></border>", f"<border>{_SIDES}</border>")
#: Excel's built-in number formats examgen uses (others get ids from 164 on).
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
_MAX_TEXT = 32767  # characters Excel keeps in a cell
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
#: Characters a worksheet cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, copied).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]").search
#: Text Excel would take for a formula if typed: written with a quote prefix.
FORMULA_STARTS = ("=", "+", "-", "@")


def _text_tail(s: str, value: str) -> str:
    """Return a non-empty text cell's XML after its reference: its style attribute ``s``, the inline string."""
    spaced = value[0].isspace() or value[-1].isspace()  # what strip() would remove
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        value = value.translate(_XML_TEXT)
    if spaced:
        return f'{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'{s} t="inlineStr"><is><t>{value}</t></is></c>'


class Style(NamedTuple):
    """How a cell looks: indices into the fixed fonts, fills and borders, a format, an alignment."""

    font: int = FONT_DEFAULT
    fill: int = FILL_NONE
    border: int = BORDER_NONE
    number_format: str = "General"
    horizontal: str = ""
    vertical: str = ""
    wrap: bool = False
    quote_prefix: bool = False


_DEFAULT = Style()


class Sheet:
    """One worksheet being written: rows are appended in order, straight into the workbook's zip."""

    def __init__(self, book: XlsxBook, name: str, stream, *, widths: Sequence[float], freeze: str,
                 print_title_rows: str, merged: str, odd_header: str, odd_footer: str) -> None:
        self.name = name
        self.print_title_rows = print_title_rows
        self._book = weakref.proxy(book)  # no cycle: an abandoned book closes its zip (__del__)
        self._stream = stream
        self._merged = merged
        self._odd_header = odd_header
        self._odd_footer = odd_footer
        self._count = 0
        self._pending: list[str] = []
        self._letters: list[str] = []
        self._column_attributes: dict[tuple[int, int], tuple] = {}
        columns = "".join(
            f'<col width="{format(float(width), ".16g")}" customWidth="1" min="{i}" max="{i}"/>'
            for i, width in enumerate(widths, start=1)
        )
        self._write(
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr>'
            '<outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{_pane(freeze)}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{columns}</cols>" if columns else "")
            + "<sheetData>"
        )

    def _write(self, text: str) -> None:
        # Everything outside ASCII as character references, as openpyxl's streamed sheets have it.
        self._stream.write(text.encode("ascii", "xmlcharrefreplace"))

    def append(self, cells: Iterable[tuple[object, Style]]) -> None:
        """Add a row of (value, style) cells from column A: text, int, Decimal or float, or None."""
        self._count += 1
        number = self._count
        parts = [f'<row r="{number}">']
        for column, (value, style) in enumerate(cells):
            parts.append(self._cell_xml(column, number, value, style))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= 500:
            self._write("".join(self._pending))
            self._pending.clear()

    def _cell_xml(self, column: int, number: int, value: object, style: Style) -> str:
        """Return cell ``column`` (0-based) of row ``number`` as openpyxl writes it ("" for none)."""
        letters = self._letters
        if column >= len(letters):
            letters.extend(get_column_letter(i + 1) for i in range(len(letters), column + 1))
        kind = type(value)
        if kind is not str and isinstance(value, str):
            value, kind = str(value), str
        if kind is str:
            if len(value) > _MAX_TEXT:
                value = value[:_MAX_TEXT]
            if _ILLEGAL(value):
                raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
            if value.startswith(FORMULA_STARTS):
                style = style._replace(quote_prefix=True)
        s = self._attribute(style)
        reference = f"{letters[column]}{number}"
        if kind is str:
            if not value:
                return f'<c r="{reference}"{s} t="inlineStr"></c>'
            return f'<c r="{reference}"{_text_tail(s, value)}'
        if value is None:
            return f'<c r="{reference}"{s} t="n"></c>' if s else ""
        if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
            numbers = self._book.number_texts
            text = numbers.get(value)
            if text is None:
                # As openpyxl writes numbers: through a float, 16 significant digits.
                text = numbers[value] = format(float(value), ".16g")
            return f'<c r="{reference}"{s} t="n"><v>{text}</v></c>'
        raise TypeError(f"cannot write {value!r} to a cell")

    def append_values(self, values: Sequence[object], plain: Sequence[Style], numeric: Sequence[Style]) -> None:
        """Add a row of values from column A: a Decimal in ``numeric[column]``'s style, others in ``plain[column]``'s.

        The same cells as :meth:`append` with those pairs (columns count from 1), for
        long tables: the styles of a column are looked up once, not once per cell.
        """
        cache = self._column_attributes.get((id(plain), id(numeric)))
        if cache is None:
            cache = self._column_attributes[id(plain), id(numeric)] = ({}, {}, plain, numeric, {})
        tails = cache[4]
        self._count += 1
        number = self._count
        letters = self._letters
        if len(values) > len(letters):
            letters.extend(get_column_letter(i + 1) for i in range(len(letters), len(values)))
        parts = [f'<row r="{number}">']
        add = parts.append
        for index, value in enumerate(values):
            kind = type(value)
            if kind is Decimal or kind is str:
                # A cell's XML after its reference depends only on its column and value:
                # made once per distinct pair (scores and names repeat down a column).
                key = (index, value)
                tail = tails.get(key)
                if tail is None:
                    tail = self._tail(index, value, kind, cache)
                    if tail is not None and len(tails) < 100_000:
                        tails[key] = tail
                if tail is not None:
                    add(f'<c r="{letters[index]}{number}"{tail}')
                    continue
            # Anything else (empty, None, ints, quote-prefixed text…) the general way.
            add(self._cell_xml(index, number, value, plain[index + 1]))
        add("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= 500:
            self._write("".join(self._pending))
            self._pending.clear()

    def _tail(self, index: int, value: Decimal | str, kind: type, cache: tuple) -> str | None:
        """Return what follows the reference of a cell of :meth:`append_values`; None for the general way."""
        plain_attributes, numeric_attributes, plain, numeric = cache[:4]
        if kind is Decimal:
            s = numeric_attributes.get(index)
            if s is None:
                s = numeric_attributes[index] = self._attribute(numeric[index + 1])
            numbers = self._book.number_texts
            text = numbers.get(value)
            if text is None:
                text = numbers[value] = format(float(value), ".16g")
            return f'{s} t="n"><v>{text}</v></c>'
        if not value or value.startswith(FORMULA_STARTS) or len(value) > _MAX_TEXT:
            return None
        if _ILLEGAL(value):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        s = plain_attributes.get(index)
        if s is None:
            s = plain_attributes[index] = self._attribute(plain[index + 1])
        return _text_tail(s, value)

    def _attribute(self, style: Style) -> str:
        attributes = self._book.style_attributes
        s = attributes.get(style)
        if s is None:
            s = attributes[style] = self._book.style_attribute(style)
        return s

    def close(self) -> None:
        """Write the rest of the sheet: what follows its rows."""
        merged = f'<mergeCells count="1"><mergeCell ref="{self._merged}"/></mergeCells>' if self._merged else ""
        self._pending.append(
            f"</sheetData>{merged}"
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1"/>'
            f"<headerFooter><oddHeader>{self._odd_header.translate(_XML_TEXT)}</oddHeader>"
            f"<oddFooter>{self._odd_footer.translate(_XML_TEXT)}</oddFooter><evenHeader></evenHeader>"
            "<evenFooter></evenFooter><firstHeader></firstHeader><firstFooter></firstFooter></headerFooter>"
            "</worksheet>"
        )
        self._write("".join(self._pending))
        self._pending.clear()
        self._stream.close()


def _pane(freeze: str) -> str:
    """Return the pane and selections that freeze the rows above and columns left of ``freeze``."""
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", freeze)
    if match is None or freeze == "A1":
        return '<selection activeCell="A1" sqref="A1"/>'
    column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(match.group(1)))) - 1
    row = int(match.group(2)) - 1
    if column and row:
        return (
            f'<pane xSplit="{column}" ySplit="{row}" topLeftCell="{freeze}" activePane="bottomRight" state="frozen"/>'
            '<selection pane="topRight"/><selection pane="bottomLeft"/>'
            '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
        )
    if row:
        return (
            f'<pane ySplit="{row}" topLeftCell="{freeze}" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        )
    return (
        f'<pane xSplit="{column}" topLeftCell="{freeze}" activePane="topRight" state="frozen"/>'
        '<selection pane="topRight" activeCell="A1" sqref="A1"/>'
    )


class XlsxBook:
    """A workbook written as it is made: sheets one after another, styles numbered in order of use.

    Dated ``timestamp`` and by ``creator``; :meth:`to_bytes` finishes it.
    """

    def __init__(self, *, timestamp: datetime.datetime, creator: str = "examgen") -> None:
        self.sheets: list[Sheet] = []
        self._styles: dict[Style, int] = {_DEFAULT: 0}
        self._formats: dict[str, int] = {}
        self.number_texts: dict[object, str] = {}  # equal numbers are written alike
        self.style_attributes: dict[Style, str] = {}
        self._buffer = io.BytesIO()
        self._archive = zipfile.ZipFile(self._buffer, "w")
        when = timestamp.isoformat(timespec="seconds") + "Z"
        stamp = (
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:type="dcterms:W3CDTF"'
        )
        who = _text(creator)
        version = OPENPYXL_VERSION
        self._put("docProps/app.xml", (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>Microsoft Excel Compatible / Openpyxl {version}</Application>"
            f'<AppVersion>{".".join(version.split(".")[:-1])}</AppVersion></Properties>'
        ))
        self._put("docProps/core.xml", (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
            f'<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{who}</dc:creator>'
            f"<dcterms:created {stamp}>{when}</dcterms:created>"
            f"<dcterms:modified {stamp}>{when}</dcterms:modified>"
            f"<cp:lastModifiedBy>{who}</cp:lastModifiedBy></cp:coreProperties>"
        ))
        self._put("xl/theme/theme1.xml", THEME_XML)

    def __del__(self) -> None:
        # A book abandoned halfway (a cell it cannot hold): close the open sheet, then the zip.
        if self.sheets and not self.sheets[-1]._stream.closed:
            self.sheets[-1]._stream.close()
        self._archive.close()

    @staticmethod
    def _entry(name: str) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        return entry

    def _put(self, name: str, text: str) -> None:
        self._archive.writestr(self._entry(name), text.encode("utf-8"))

    def add_sheet(self, name: str, *, widths: Sequence[float] = (), freeze: str = "A1",
                  print_title_rows: str = "", merged: str = "", odd_header: str = "",
                  odd_footer: str = "") -> Sheet:
        """Add and return sheet ``name`` (the previous one is finished); headers are Excel codes (&C…)."""
        if self.sheets:
            self.sheets[-1].close()
        stream = self._archive.open(self._entry(f"xl/worksheets/sheet{len(self.sheets) + 1}.xml"), "w")
        sheet = Sheet(self, name, stream, widths=widths, freeze=freeze, print_title_rows=print_title_rows,
                      merged=merged, odd_header=odd_header, odd_footer=odd_footer)
        self.sheets.append(sheet)
        return sheet

    def style_attribute(self, style: Style) -> str:
        """Return the ``s`` attribute of a cell in ``style`` ("" for the default style)."""
        return "" if style == _DEFAULT else f' s="{self.style_id(style)}"'

    def style_id(self, style: Style) -> int:
        """Return the number of ``style`` in the workbook, adding it on first use."""
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = len(self._styles)
            fmt = style.number_format
            if fmt not in _BUILTIN_FORMATS and fmt not in self._formats:
                self._formats[fmt] = 164 + len(self._formats)
        return found

    def _styles_xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>' for code, number in self._formats.items()
        )
        numbers = f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats else '<numFmts count="0"/>'
        xfs = []
        for style in self._styles:
            number = _BUILTIN_FORMATS.get(style.number_format, self._formats.get(style.number_format))
            aligned = style.horizontal or style.vertical or style.wrap
            xf = (
                f'<xf numFmtId="{number}" fontId="{style.font}" fillId="{style.fill}" borderId="{style.border}"'
                + (' applyAlignment="1"' if aligned else "")
                + f' pivotButton="0" quotePrefix="{int(style.quote_prefix)}" xfId="0"'
            )
            if aligned:
                alignment = (
                    (f' horizontal="{style.horizontal}"' if style.horizontal else "")
                    + (f' vertical="{style.vertical}"' if style.vertical else "")
                    + (' wrapText="1"' if style.wrap else "")
                )
                xf += f"><alignment{alignment}/></xf>"
            else:
                xf += "/>"
            xfs.append(xf)
        colors = "".join(f'<rgbColor rgb="{rgb}"/>' for rgb in COLOR_INDEX[:64])
        return (
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'{numbers}<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
            f'<fills count="{len(_FILLS)}">{"".join(_FILLS)}</fills>'
            f'<borders count="{len(_BORDERS)}">{"".join(_BORDERS)}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
            f"<colors><indexedColors>{colors}</indexedColors></colors></styleSheet>"
        )

    def _workbook_xml(self) -> str:
        relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        sheets = "".join(
            f'<sheet xmlns:r="{relationships}" name="{_attribute(sheet.name)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
            for i, sheet in enumerate(self.sheets, start=1)
        )
        titles = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{_text(_quoted(sheet.name))}!{_absolute_rows(sheet.print_title_rows)}</definedName>"
            for i, sheet in enumerate(self.sheets)
            if sheet.print_title_rows
        )
        return (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><workbookPr/>'
            '<workbookProtection/><bookViews><workbookView visibility="visible" minimized="0" '
            'showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" '
            'firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{titles}</definedNames>" if titles else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )

    def to_bytes(self) -> bytes:
        """Finish the workbook and return it as .xlsx bytes (they depend only on its content)."""
        if self.sheets:
            self.sheets[-1].close()
        count = len(self.sheets)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        sheet_names = [f"xl/worksheets/sheet{i}.xml" for i in range(1, count + 1)]
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        put = self._put
        put("xl/styles.xml", self._styles_xml())
        put("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Type="{rel}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
            '<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml" Id="rId2"/>'
            f'<Relationship Type="{rel}/extended-properties" Target="docProps/app.xml" Id="rId3"/></Relationships>'
        ))
        put("xl/workbook.xml", self._workbook_xml())
        put("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Type="{rel}/worksheet" Target="/{name}" Id="rId{i}"/>'
                for i, name in enumerate(sheet_names, start=1)
            )
            + f'<Relationship Type="{rel}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
            f'<Relationship Type="{rel}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/></Relationships>'
        ))
        put("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            + "".join(f'<Override PartName="/{name}" ContentType="{sheet_type}"/>' for name in sheet_names)
            + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            "</Types>"
        ))
        self._archive.close()
        return self._buffer.getvalue()


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    return (
        _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    )


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _absolute_rows(rows: str) -> str:
    """Return ``"2:2"`` as ``"$2:$2"``."""
    return ":".join(f"${part}" for part in rows.split(":"))


# --- Copied from openpyxl 3.1.5 ------------------------------------------------------------
# So that writing results.xlsx imports no openpyxl (nor the numpy and PIL it pulls in); the
# bytes stay those of openpyxl's write-only mode (tests compare the two).

#: The version openpyxl writes into docProps/app.xml.
OPENPYXL_VERSION = "3.1.5"

class IllegalCharacterError(ValueError):
    """A text holds a character a worksheet cannot hold (as openpyxl's error of that name)."""


#: The legacy indexed colours written in styles.xml (openpyxl.styles.colors.COLOR_INDEX).
COLOR_INDEX = (
    '00000000', '00FFFFFF', '00FF0000', '0000FF00', '000000FF', '00FFFF00', '00FF00FF', '0000FFFF',
    '00000000', '00FFFFFF', '00FF0000', '0000FF00', '000000FF', '00FFFF00', '00FF00FF', '0000FFFF',
    '00800000', '00008000', '00000080', '00808000', '00800080', '00008080', '00C0C0C0', '00808080',
    '009999FF', '00993366', '00FFFFCC', '00CCFFFF', '00660066', '00FF8080', '000066CC', '00CCCCFF',
    '00000080', '00FF00FF', '00FFFF00', '0000FFFF', '00800080', '00800000', '00008080', '000000FF',
    '0000CCFF', '00CCFFFF', '00CCFFCC', '00FFFF99', '0099CCFF', '00FF99CC', '00CC99FF', '00FFCC99',
    '003366FF', '0033CCCC', '0099CC00', '00FFCC00', '00FF9900', '00FF6600', '00666699', '00969696',
    '00003366', '00339966', '00003300', '00333300', '00993300', '00993366', '00333399', '00333333',
)

#: The default theme part (openpyxl.writer.theme.theme_xml).
THEME_XML = (
    '<?xml version="1.0"?>\n<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/m'
    'ain" name="Office Theme">\n  <a:themeElements>\n    <a:clrScheme name="Office">\n      <a:dk1'
    '>\n        <a:sysClr val="windowText" lastClr="000000"/>\n      </a:dk1>\n      <a:lt1>\n     '
    '   <a:sysClr val="window" lastClr="FFFFFF"/>\n      </a:lt1>\n      <a:dk2>\n        <a:srgbC'
    'lr val="1F497D"/>\n      </a:dk2>\n      <a:lt2>\n        <a:srgbClr val="EEECE1"/>\n      </a'
    ':lt2>\n      <a:accent1>\n        <a:srgbClr val="4F81BD"/>\n      </a:accent1>\n      <a:acce'
    'nt2>\n        <a:srgbClr val="C0504D"/>\n      </a:accent2>\n      <a:accent3>\n        <a:srg'
    'bClr val="9BBB59"/>\n      </a:accent3>\n      <a:accent4>\n        <a:srgbClr val="8064A2"/>'
    '\n      </a:accent4>\n      <a:accent5>\n        <a:srgbClr val="4BACC6"/>\n      </a:accent5>'
    '\n      <a:accent6>\n        <a:srgbClr val="F79646"/>\n      </a:accent6>\n      <a:hlink>\n  '
    '      <a:srgbClr val="0000FF"/>\n      </a:hlink>\n      <a:folHlink>\n        <a:srgbClr val'
    '="800080"/>\n      </a:folHlink>\n    </a:clrScheme>\n    <a:fontScheme name="Office">\n      '
    '<a:majorFont>\n        <a:latin typeface="Cambria"/>\n        <a:ea typeface=""/>\n        <a'
    ':cs typeface=""/>\n        <a:font script="Jpan" typeface="&#xFF2D;&#xFF33; &#xFF30;&#x30B4'
    ';&#x30B7;&#x30C3;&#x30AF;"/>\n        <a:font script="Hang" typeface="&#xB9D1;&#xC740; &#xA'
    'CE0;&#xB515;"/>\n        <a:font script="Hans" typeface="&#x5B8B;&#x4F53;"/>\n        <a:fon'
    't script="Hant" typeface="&#x65B0;&#x7D30;&#x660E;&#x9AD4;"/>\n        <a:font script="Arab'
    '" typeface="Times New Roman"/>\n        <a:font script="Hebr" typeface="Times New Roman"/>\n'
    '        <a:font script="Thai" typeface="Tahoma"/>\n        <a:font script="Ethi" typeface="'
    'Nyala"/>\n        <a:font script="Beng" typeface="Vrinda"/>\n        <a:font script="Gujr" t'
    'ypeface="Shruti"/>\n        <a:font script="Khmr" typeface="MoolBoran"/>\n        <a:font sc'
    'ript="Knda" typeface="Tunga"/>\n        <a:font script="Guru" typeface="Raavi"/>\n        <a'
    ':font script="Cans" typeface="Euphemia"/>\n        <a:font script="Cher" typeface="Plantage'
    'net Cherokee"/>\n        <a:font script="Yiii" typeface="Microsoft Yi Baiti"/>\n        <a:f'
    'ont script="Tibt" typeface="Microsoft Himalaya"/>\n        <a:font script="Thaa" typeface="'
    'MV Boli"/>\n        <a:font script="Deva" typeface="Mangal"/>\n        <a:font script="Telu"'
    ' typeface="Gautami"/>\n        <a:font script="Taml" typeface="Latha"/>\n        <a:font scr'
    'ipt="Syrc" typeface="Estrangelo Edessa"/>\n        <a:font script="Orya" typeface="Kalinga"'
    '/>\n        <a:font script="Mlym" typeface="Kartika"/>\n        <a:font script="Laoo" typefa'
    'ce="DokChampa"/>\n        <a:font script="Sinh" typeface="Iskoola Pota"/>\n        <a:font s'
    'cript="Mong" typeface="Mongolian Baiti"/>\n        <a:font script="Viet" typeface="Times Ne'
    'w Roman"/>\n        <a:font script="Uigh" typeface="Microsoft Uighur"/>\n      </a:majorFont'
    '>\n      <a:minorFont>\n        <a:latin typeface="Calibri"/>\n        <a:ea typeface=""/>\n  '
    '      <a:cs typeface=""/>\n        <a:font script="Jpan" typeface="&#xFF2D;&#xFF33; &#xFF30'
    ';&#x30B4;&#x30B7;&#x30C3;&#x30AF;"/>\n        <a:font script="Hang" typeface="&#xB9D1;&#xC7'
    '40; &#xACE0;&#xB515;"/>\n        <a:font script="Hans" typeface="&#x5B8B;&#x4F53;"/>\n      '
    '  <a:font script="Hant" typeface="&#x65B0;&#x7D30;&#x660E;&#x9AD4;"/>\n        <a:font scri'
    'pt="Arab" typeface="Arial"/>\n        <a:font script="Hebr" typeface="Arial"/>\n        <a:f'
    'ont script="Thai" typeface="Tahoma"/>\n        <a:font script="Ethi" typeface="Nyala"/>\n   '
    '     <a:font script="Beng" typeface="Vrinda"/>\n        <a:font script="Gujr" typeface="Shr'
    'uti"/>\n        <a:font script="Khmr" typeface="DaunPenh"/>\n        <a:font script="Knda" t'
    'ypeface="Tunga"/>\n        <a:font script="Guru" typeface="Raavi"/>\n        <a:font script='
    '"Cans" typeface="Euphemia"/>\n        <a:font script="Cher" typeface="Plantagenet Cherokee"'
    '/>\n        <a:font script="Yiii" typeface="Microsoft Yi Baiti"/>\n        <a:font script="T'
    'ibt" typeface="Microsoft Himalaya"/>\n        <a:font script="Thaa" typeface="MV Boli"/>\n  '
    '      <a:font script="Deva" typeface="Mangal"/>\n        <a:font script="Telu" typeface="Ga'
    'utami"/>\n        <a:font script="Taml" typeface="Latha"/>\n        <a:font script="Syrc" ty'
    'peface="Estrangelo Edessa"/>\n        <a:font script="Orya" typeface="Kalinga"/>\n        <a'
    ':font script="Mlym" typeface="Kartika"/>\n        <a:font script="Laoo" typeface="DokChampa'
    '"/>\n        <a:font script="Sinh" typeface="Iskoola Pota"/>\n        <a:font script="Mong" '
    'typeface="Mongolian Baiti"/>\n        <a:font script="Viet" typeface="Arial"/>\n        <a:f'
    'ont script="Uigh" typeface="Microsoft Uighur"/>\n      </a:minorFont>\n    </a:fontScheme>\n '
    '   <a:fmtScheme name="Office">\n      <a:fillStyleLst>\n        <a:solidFill>\n          <a:s'
    'chemeClr val="phClr"/>\n        </a:solidFill>\n        <a:gradFill rotWithShape="1">\n      '
    '    <a:gsLst>\n            <a:gs pos="0">\n              <a:schemeClr val="phClr">\n         '
    '       <a:tint val="50000"/>\n                <a:satMod val="300000"/>\n              </a:sc'
    'hemeClr>\n            </a:gs>\n            <a:gs pos="35000">\n              <a:schemeClr val'
    '="phClr">\n                <a:tint val="37000"/>\n                <a:satMod val="300000"/>\n '
    '             </a:schemeClr>\n            </a:gs>\n            <a:gs pos="100000">\n          '
    '    <a:schemeClr val="phClr">\n                <a:tint val="15000"/>\n                <a:sat'
    'Mod val="350000"/>\n              </a:schemeClr>\n            </a:gs>\n          </a:gsLst>\n '
    '         <a:lin ang="16200000" scaled="1"/>\n        </a:gradFill>\n        <a:gradFill rotW'
    'ithShape="1">\n          <a:gsLst>\n            <a:gs pos="0">\n              <a:schemeClr va'
    'l="phClr">\n                <a:shade val="51000"/>\n                <a:satMod val="130000"/>'
    '\n              </a:schemeClr>\n            </a:gs>\n            <a:gs pos="80000">\n         '
    '     <a:schemeClr val="phClr">\n                <a:shade val="93000"/>\n                <a:s'
    'atMod val="130000"/>\n              </a:schemeClr>\n            </a:gs>\n            <a:gs po'
    's="100000">\n              <a:schemeClr val="phClr">\n                <a:shade val="94000"/>'
    '\n                <a:satMod val="135000"/>\n              </a:schemeClr>\n            </a:gs>'
    '\n          </a:gsLst>\n          <a:lin ang="16200000" scaled="0"/>\n        </a:gradFill>\n '
    '     </a:fillStyleLst>\n      <a:lnStyleLst>\n        <a:ln w="9525" cap="flat" cmpd="sng" a'
    'lgn="ctr">\n          <a:solidFill>\n            <a:schemeClr val="phClr">\n              <a:'
    'shade val="95000"/>\n              <a:satMod val="105000"/>\n            </a:schemeClr>\n    '
    '      </a:solidFill>\n          <a:prstDash val="solid"/>\n        </a:ln>\n        <a:ln w="'
    '25400" cap="flat" cmpd="sng" algn="ctr">\n          <a:solidFill>\n            <a:schemeClr '
    'val="phClr"/>\n          </a:solidFill>\n          <a:prstDash val="solid"/>\n        </a:ln>'
    '\n        <a:ln w="38100" cap="flat" cmpd="sng" algn="ctr">\n          <a:solidFill>\n       '
    '     <a:schemeClr val="phClr"/>\n          </a:solidFill>\n          <a:prstDash val="solid"'
    '/>\n        </a:ln>\n      </a:lnStyleLst>\n      <a:effectStyleLst>\n        <a:effectStyle>\n'
    '          <a:effectLst>\n            <a:outerShdw blurRad="40000" dist="20000" dir="5400000'
    '" rotWithShape="0">\n              <a:srgbClr val="000000">\n                <a:alpha val="3'
    '8000"/>\n              </a:srgbClr>\n            </a:outerShdw>\n          </a:effectLst>\n   '
    '     </a:effectStyle>\n        <a:effectStyle>\n          <a:effectLst>\n            <a:outer'
    'Shdw blurRad="40000" dist="23000" dir="5400000" rotWithShape="0">\n              <a:srgbClr'
    ' val="000000">\n                <a:alpha val="35000"/>\n              </a:srgbClr>\n         '
    '   </a:outerShdw>\n          </a:effectLst>\n        </a:effectStyle>\n        <a:effectStyle'
    '>\n          <a:effectLst>\n            <a:outerShdw blurRad="40000" dist="23000" dir="54000'
    '00" rotWithShape="0">\n              <a:srgbClr val="000000">\n                <a:alpha val='
    '"35000"/>\n              </a:srgbClr>\n            </a:outerShdw>\n          </a:effectLst>\n '
    '         <a:scene3d>\n            <a:camera prst="orthographicFront">\n              <a:rot '
    'lat="0" lon="0" rev="0"/>\n            </a:camera>\n            <a:lightRig rig="threePt" di'
    'r="t">\n              <a:rot lat="0" lon="0" rev="1200000"/>\n            </a:lightRig>\n    '
    '      </a:scene3d>\n          <a:sp3d>\n            <a:bevelT w="63500" h="25400"/>\n        '
    '  </a:sp3d>\n        </a:effectStyle>\n      </a:effectStyleLst>\n      <a:bgFillStyleLst>\n  '
    '      <a:solidFill>\n          <a:schemeClr val="phClr"/>\n        </a:solidFill>\n        <a'
    ':gradFill rotWithShape="1">\n          <a:gsLst>\n            <a:gs pos="0">\n              <'
    'a:schemeClr val="phClr">\n                <a:tint val="40000"/>\n                <a:satMod v'
    'al="350000"/>\n              </a:schemeClr>\n            </a:gs>\n            <a:gs pos="4000'
    '0">\n              <a:schemeClr val="phClr">\n                <a:tint val="45000"/>\n        '
    '        <a:shade val="99000"/>\n                <a:satMod val="350000"/>\n              </a:'
    'schemeClr>\n            </a:gs>\n            <a:gs pos="100000">\n              <a:schemeClr '
    'val="phClr">\n                <a:shade val="20000"/>\n                <a:satMod val="255000"'
    '/>\n              </a:schemeClr>\n            </a:gs>\n          </a:gsLst>\n          <a:path'
    ' path="circle">\n            <a:fillToRect l="50000" t="-80000" r="50000" b="180000"/>\n    '
    '      </a:path>\n        </a:gradFill>\n        <a:gradFill rotWithShape="1">\n          <a:g'
    'sLst>\n            <a:gs pos="0">\n              <a:schemeClr val="phClr">\n                <'
    'a:tint val="80000"/>\n                <a:satMod val="300000"/>\n              </a:schemeClr>'
    '\n            </a:gs>\n            <a:gs pos="100000">\n              <a:schemeClr val="phClr'
    '">\n                <a:shade val="30000"/>\n                <a:satMod val="200000"/>\n       '
    '       </a:schemeClr>\n            </a:gs>\n          </a:gsLst>\n          <a:path path="cir'
    'cle">\n            <a:fillToRect l="50000" t="50000" r="50000" b="50000"/>\n          </a:pa'
    'th>\n        </a:gradFill>\n      </a:bgFillStyleLst>\n    </a:fmtScheme>\n  </a:themeElements'
    '>\n  <a:objectDefaults/>\n  <a:extraClrSchemeLst/>\n</a:theme>\n'
)
