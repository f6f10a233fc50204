"""results.xlsx written by examgen's own writer looks, cell by cell, as openpyxl wrote it.

The reference below is how results.xlsx was written before (openpyxl, cell by cell, with
styles): every table examgen writes is written both ways and the two workbooks are
compared cell by cell (values, types, number formats, fonts, fills, borders, alignment,
quote prefix) and sheet by sheet (merges, widths, panes, print titles and setup,
header and footer).
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from examgen.grading import results_xlsx
from examgen.grading.publication import DRAFT_MARK
from examgen.numbers import publish
from examgen.xlsx_writer import BORDER_BOX, IllegalCharacterError, Style, XlsxBook
from examgen.xlsxio import BOLD, BORDER, CENTER, HEADER_FILL, print_setup, set_text, workbook_bytes
from tests.grading.test_grading_cli import DATE, ROSTER, full, invoke, paper, set_marks

STAMP = datetime.datetime(2026, 5, 1)


def reference_table(
    workbook: Workbook, name, title, headers, rows, *, widths, number_format, draft=False, freeze="A3",
    general_columns=range(0), column_alignments=None,
) -> None:
    """Write a table as results_xlsx did with openpyxl, cell by cell."""
    ws = workbook.create_sheet(name)
    if draft:
        title = f"{DRAFT_MARK} {title}"
        ws.oddHeader.center.text = DRAFT_MARK
        ws.oddHeader.center.size = 14
        ws.oddHeader.center.color = "C00000"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"

    def shown(value) -> str:
        if isinstance(value, Decimal):
            places = len(number_format.partition(".")[2])
            return format(publish(value, places), "f") if number_format != "General" else format(value, "f")
        return "" if value is None else str(value)

    for col, width in enumerate(widths, start=1):
        texts = [headers[col - 1]] if col <= len(headers) else []
        texts += [shown(r[col - 1]) for r in rows if col <= len(r)]
        fitted = max((results_xlsx.display_width(t) for t in texts), default=0) + 2
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, fitted), max(width, 60))
    ws.freeze_panes = freeze
    ws.print_title_rows = "2:2"
    print_setup(ws)
    # As the write-only sheet had it: a merged range without openpyxl's borders on its cells.
    ws.merged_cells.add(f"A1:{get_column_letter(max(len(headers), 1))}1")
    set_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for col, label in enumerate(headers, start=1):
        cell = ws.cell(2, col)
        set_text(cell, label)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
    alignments = {
        col: Alignment(horizontal=s.horizontal or None, vertical=s.vertical or None, wrap_text=s.wrap or None)
        for col, s in (column_alignments or {}).items()
    }
    for r, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col)
            cell.border = BORDER
            if isinstance(value, Decimal) and col not in general_columns:
                cell.number_format = number_format
            if col in alignments:
                cell.alignment = alignments[col]
            if isinstance(value, str):
                set_text(cell, value)
            elif value is not None:
                cell.value = value


def written_both_ways(monkeypatch, make) -> tuple[bytes, bytes]:
    """Return results.xlsx as examgen writes it and as the openpyxl reference writes the same tables."""
    calls = []
    real = results_xlsx._write_table

    def recording(workbook, *args, **kwargs):
        calls.append((args, kwargs))
        real(workbook, *args, **kwargs)

    monkeypatch.setattr(results_xlsx, "_write_table", recording)
    ours = make()
    reference = Workbook()
    reference.remove(reference.active)
    for args, kwargs in calls:
        reference_table(reference, *args, **kwargs)
    return ours, workbook_bytes(reference, timestamp=STAMP)


def sides(border) -> tuple:
    """Return what a border looks like: each side's line style and colour (no side: no line)."""
    drawn = [getattr(border, side) for side in ("left", "right", "top", "bottom", "diagonal")]
    return tuple((side.style, side.color) if side is not None else (None, None) for side in drawn)


def aligned(alignment) -> tuple:
    return (alignment.horizontal, alignment.vertical, alignment.wrap_text, alignment.indent, alignment.textRotation)


def assert_same_cell_by_cell(ours: bytes, theirs: bytes) -> None:
    a = openpyxl.load_workbook(io.BytesIO(ours))
    b = openpyxl.load_workbook(io.BytesIO(theirs))
    assert a.sheetnames == b.sheetnames
    for x, y in zip(a.worksheets, b.worksheets, strict=True):
        where = x.title
        assert x.max_row == y.max_row and x.max_column == y.max_column, where
        assert x.merged_cells.ranges == y.merged_cells.ranges, where
        assert x.freeze_panes == y.freeze_panes, where
        assert x.print_title_rows == y.print_title_rows, where
        assert (x.page_setup.orientation, x.page_setup.paperSize, x.page_setup.fitToWidth, x.page_setup.fitToHeight) == (
            y.page_setup.orientation, y.page_setup.paperSize, y.page_setup.fitToWidth, y.page_setup.fitToHeight
        ), where
        assert x.sheet_properties.pageSetUpPr.fitToPage == y.sheet_properties.pageSetUpPr.fitToPage
        for part in ("oddHeader", "oddFooter"):
            p, q = getattr(x, part).center, getattr(y, part).center
            assert (p.text, p.size, p.color) == (q.text, q.size, q.color), (where, part)
        assert {k: d.width for k, d in x.column_dimensions.items()} == {
            k: d.width for k, d in y.column_dimensions.items()
        }, where
        for row_x, row_y in zip(x.iter_rows(), y.iter_rows(), strict=True):
            for c, d in zip(row_x, row_y, strict=True):
                spot = f"{where}!{c.coordinate}"
                assert (c.value, c.data_type, c.number_format, c.quotePrefix) == (
                    d.value, d.data_type, d.number_format, d.quotePrefix
                ), spot
                assert (c.font.b, c.font.sz, c.font.color) == (d.font.b, d.font.sz, d.font.color), spot
                assert (c.fill.fill_type, c.fill.fgColor) == (d.fill.fill_type, d.fill.fgColor), spot
                assert sides(c.border) == sides(d.border), spot
                assert aligned(c.alignment) == aligned(d.alignment), spot


def test_results_of_a_small_contest_look_as_openpyxl_wrote_them(runner, tmp_path, monkeypatch):
    # Precision 1 needs a number format of its own (not one of Excel's built-in ones).
    manifest = paper(tmp_path, precision=1)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for sheet in sheets:
        set_marks(sheet, {("2026002", "一.1"): 3.5}, full)

    def make() -> bytes:
        result = invoke(runner, "grade", manifest, *sheets, "--roster", ROSTER, *DATE, "--force")
        assert result.exit_code == 0, result.output
        return (manifest.parent / "results.xlsx").read_bytes()

    ours, theirs = written_both_ways(monkeypatch, make)
    assert_same_cell_by_cell(ours, theirs)
    ranking = openpyxl.load_workbook(io.BytesIO(ours))["排名"]
    # The roster's =HYPERLINK name stays text, shown with a quote prefix.
    assert [(c.value, c.quotePrefix) for c in ranking["C"] if str(c.value).startswith("=")] == [
        ('=HYPERLINK("x")', True)
    ]
    assert make() == ours  # deterministic


def test_a_draft_looks_as_openpyxl_wrote_it(runner, tmp_path, monkeypatch):
    manifest = paper(tmp_path, policy="double_marking", threshold=1)
    invoke(runner, "sheets", manifest, "--roster", ROSTER, *DATE)
    first, second = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    set_marks(first, {}, full)
    set_marks(second, {("2026002", "二.1"): 2}, full)  # 三评 needed: a draft

    def make() -> bytes:
        invoke(runner, "grade", manifest, first, second, *DATE)
        return (manifest.parent / f"results-{DRAFT_MARK}.xlsx").read_bytes()

    ours, theirs = written_both_ways(monkeypatch, make)
    assert_same_cell_by_cell(ours, theirs)
    assert "待办" in openpyxl.load_workbook(io.BytesIO(ours)).sheetnames


AWKWARD = [
    "  leading and trailing spaces ", "=1+1", "-5", "+7", "@home", "a & b < c > d", 'quote " and \'',
    "two\r\nlines\tand a tab", "a return at the end\r", "表情😀与全角（）", "", None, 0, 7, 202600027, Decimal("7.5"), Decimal("12.50"),
    Decimal("-0.125"), 1.25, 10**20, "x" * 40_000,
]


def test_awkward_values_are_written_as_openpyxl_writes_them():
    book = XlsxBook(timestamp=STAMP)
    sheet = book.add_sheet("表 & 'one'", widths=[8, 12], freeze="B3", print_title_rows="2:2",
                           odd_header="&C&14 &KC00000草稿", odd_footer="&C第 &P 页")
    plain, fixed = Style(border=BORDER_BOX), Style(border=BORDER_BOX, number_format="0.000")
    for value in AWKWARD:
        sheet.append([(value, plain), (value, fixed)])
    written = book.to_bytes()
    sheet_xml = zipfile.ZipFile(io.BytesIO(written)).read("xl/worksheets/sheet1.xml")
    # Spaces (a return among them) at either end are kept, as openpyxl marks them.
    assert b'<t xml:space="preserve">a return at the end&#13;</t>' in sheet_xml
    assert b'<t xml:space="preserve">  leading and trailing spaces </t>' in sheet_xml
    ours = openpyxl.load_workbook(io.BytesIO(written))["表 & 'one'"]

    reference = Workbook()
    ws = reference.active
    ws.title = "表 & 'one'"
    for r, value in enumerate(AWKWARD, start=1):
        for c, fmt in ((1, "General"), (2, "0.000")):
            cell = ws.cell(r, c)
            cell.border, cell.number_format = BORDER, fmt
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
    theirs = openpyxl.load_workbook(io.BytesIO(workbook_bytes(reference, timestamp=STAMP))).active
    for r in range(1, len(AWKWARD) + 1):
        for c in (1, 2):
            x, y = ours.cell(r, c), theirs.cell(r, c)
            assert (x.value, x.data_type, x.number_format, x.quotePrefix, sides(x.border)) == (
                y.value, y.data_type, y.number_format, y.quotePrefix, sides(y.border)
            ), (r, c)
    assert ours.cell(21, 1).value == "x" * 32_767  # Excel's limit, as openpyxl cut it
    assert ours.freeze_panes == "B3" and ours.print_title_rows == "$2:$2"
    assert ours.oddHeader.center.text == "草稿" and ours.oddHeader.center.size == 14


def test_rows_of_values_are_written_as_rows_of_styled_cells():
    plain = [Style(border=BORDER_BOX, horizontal="left")] * 4
    numeric = [Style(border=BORDER_BOX, number_format="0.0")] * 4
    rows = [AWKWARD[i:i + 3] for i in range(0, len(AWKWARD), 3)]
    pairs, values = XlsxBook(timestamp=STAMP), XlsxBook(timestamp=STAMP)
    one, other = pairs.add_sheet("x", widths=[9, 9, 9]), values.add_sheet("x", widths=[9, 9, 9])
    for row in rows:
        one.append([(v, numeric[c] if type(v) is Decimal else plain[c]) for c, v in enumerate(row, start=1)])
        other.append_values(row, plain, numeric)
    assert pairs.to_bytes() == values.to_bytes()


def test_characters_a_sheet_cannot_hold_are_refused_as_openpyxl_refuses_them():
    book = XlsxBook(timestamp=STAMP)
    sheet = book.add_sheet("x")
    with pytest.raises(IllegalCharacterError):
        sheet.append([("bell\x07", Style())])
    del book, sheet  # an abandoned book closes its zip quietly


def test_the_constants_copied_from_openpyxl_are_its_own():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles.colors import COLOR_INDEX
    from openpyxl.writer.theme import theme_xml

    from examgen import xlsx_writer

    assert xlsx_writer.THEME_XML == theme_xml
    assert xlsx_writer.COLOR_INDEX == tuple(COLOR_INDEX[:64])
    assert xlsx_writer._ILLEGAL.__self__.pattern == ILLEGAL_CHARACTERS_RE.pattern
    for text in ("bell\x07", "tab\tnewline\ncr\r", "ok 中文", "\x1f", "\x0b"):
        assert bool(xlsx_writer._ILLEGAL(text)) == bool(ILLEGAL_CHARACTERS_RE.search(text))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_resaves_the_workbook(tmp_path):
    book = XlsxBook(timestamp=STAMP)
    sheet = book.add_sheet("排名", widths=[8, 12, 10], freeze="C3", print_title_rows="2:2", merged="A1:C1")
    sheet.append([("成绩排名", Style())])
    sheet.append([("名次", Style()), ("姓名", Style()), ("总分", Style())])
    rows = [(1, "张三", Decimal("91.5")), (2, "=李四", Decimal("88.25")), (None, "王五", None)]
    for row in rows:
        sheet.append([(value, Style(border=BORDER_BOX, number_format="0.00")) for value in row])
    source = tmp_path / "results.xlsx"
    source.write_bytes(book.to_bytes())
    out = tmp_path / "resaved"
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, timeout=300, check=False,
    )
    resaved = out / "results.xlsx"
    assert completed.returncode == 0 and resaved.exists(), completed.stderr
    ws = openpyxl.load_workbook(resaved)["排名"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [
        [1, "张三", 91.5], [2, "=李四", 88.25], [None, "王五", None]
    ]
    # (A headless LibreOffice keeps no view settings, frozen panes among them.)
    assert ws["C3"].number_format == "0.00" and ws.column_dimensions["B"].width == 12
    assert ws["A1"].value == "成绩排名" and "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
