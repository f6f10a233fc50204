"""Rosters, score sheets and importing filled sheets (examgen.roster, examgen.sheets, examgen.grading)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.errors import ExamgenError, SheetError
from examgen.grading.roster import read_roster
from examgen.grading.score_sheets import SHEET_MARKER
from examgen.grading.workflow import (
    import_sheets,
    load_grading_paper,
    run_grading,
    write_score_sheets,
)
from examgen.xlsxio import cell_number, file_kind

DATA = Path(__file__).resolve().parent.parent / "data" / "grading"
DATE = datetime.date(2026, 5, 1)
LABELS = ("一.1", "一.2", "二.1", "二.2")
IDS = ("2026001", "2026002", "2026003", "2026004", "2026005")


# --- helpers ----------------------------------------------------------------------------


def paper_dir(tmp_path: Path) -> Path:
    """Return a copy of the fixture manifest in its own output folder."""
    folder = tmp_path / "output" / "mini"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "manifest.json", folder / "manifest.json")
    return folder


def make_sheets(tmp_path: Path, **options) -> tuple[Path, list[Path]]:
    folder = paper_dir(tmp_path)
    options.setdefault("roster_path", DATA / "roster.csv")
    roster = options.pop("roster_path")
    outcome = write_score_sheets(folder / "manifest.json", roster, date=DATE, **options)
    return folder / "manifest.json", list(outcome.sheets)


def mark_for(judge: int, row: int, label: str) -> Decimal:
    """Return a deterministic mark within the maximum (5 or 10) of ``label``."""
    maximum = 5 if label.startswith("一") else 10
    return Decimal((judge * 3 + row * 7 + LABELS.index(label) * 5) % (2 * maximum + 1)) / 2


def cell_of(ws, key: str, label: str) -> str:
    """Return the coordinate of the mark of ``key`` for ``label`` on a score sheet."""
    header = next(r for r in range(1, 20) if ws.cell(r, 2).value in ("准考证号", "密号"))
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(header, c).value == label)
    row = next(r for r in range(header + 3, ws.max_row + 1) if ws.cell(r, 2).value == key)
    return ws.cell(row, col).coordinate


def fill(path: Path, judge: int, overrides: dict | None = None, *, skip: set | None = None) -> None:
    """Fill a score sheet as a judge would, then apply ``overrides`` {(key, label): value}."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = next(r for r in range(1, 20) if ws.cell(r, 2).value in ("准考证号", "密号"))
    for r in range(header + 3, ws.max_row + 1):
        key = ws.cell(r, 2).value
        for c in range(3, ws.max_column + 1):
            label = ws.cell(header, c).value
            if label in LABELS and (key, label) not in (skip or set()):
                ws.cell(r, c).value = mark_for(judge, r, label)
    for (key, label), value in (overrides or {}).items():
        ws[cell_of(ws, key, label)].value = value
    wb.save(path)


def filled_sheets(tmp_path: Path, overrides=None, **options) -> tuple[Path, list[Path]]:
    manifest, sheets = make_sheets(tmp_path, **options)
    for judge, path in enumerate(sheets, start=1):
        fill(path, judge, (overrides or {}).get(judge))
    return manifest, sheets


def grade(manifest: Path, sheets: list[Path], **options):
    return run_grading([manifest, *sheets], date=DATE, **options)


def problems_of(error: ExamgenError) -> list[str]:
    return [str(p) for p in error.problems]


# --- rosters ----------------------------------------------------------------------------


def test_roster_csv_utf8_with_bom_keeps_formula_like_names_as_text():
    roster = read_roster(DATA / "roster.csv")
    assert [c.id for c in roster.contestants] == list(IDS)
    assert roster.contestants[0].name == "张三"
    assert roster.contestants[0].unit == "北京分公司"
    assert roster.contestants[4].name == '=HYPERLINK("x")'


def test_roster_csv_gbk_with_title_row_loose_headers_and_full_width_ids():
    roster = read_roster(DATA / "roster-gbk.csv")
    assert [(c.id, c.name, c.unit) for c in roster.contestants] == [
        ("2026001", "张三", "北京分公司"),
        ("2026002", "李四", "上海分公司"),
        ("2026003", "王五", "北京分公司"),
    ]


def test_roster_csv_utf8_without_bom_and_utf16_tab_separated(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_bytes("工号,姓名,部门\nA01,张三,一部\n".encode())
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes("座位号\t姓名\t代表队\r\n12\t李四\t二队\r\n".encode("utf-16"))
    assert read_roster(plain).contestants[0].id == "A01"
    assert read_roster(plain).contestants[0].unit == "一部"
    assert (read_roster(utf16).contestants[0].id, read_roster(utf16).contestants[0].unit) == ("12", "二队")


def test_roster_xlsx_with_title_numeric_ids_and_other_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "请勿改动"
    ws = wb.create_sheet("名单")
    ws["A1"] = "2026年参赛选手名单"
    ws.merge_cells("A1:D1")
    ws.append(["序号", "准考证号码", "选手姓名", "单位名称"])
    ws.append([1, 2026001, " 张三 ", "北京分公司"])
    ws.append([2, 2026002.0, "李四", None])
    ws.append([None, None, None, None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    roster = read_roster(path)
    assert [(c.id, c.name, c.unit) for c in roster.contestants] == [
        ("2026001", "张三", "北京分公司"),
        ("2026002", "李四", ""),
    ]


def test_roster_problems_are_listed_at_once_with_file_and_line(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("准考证号,姓名,单位\n1,张三,甲\n1,李四,乙\n2,,丙\n,王五,丁\n1.23457E+17,赵六,戊\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_roster(path)
    assert problems_of(caught.value) == [
        f"{path}:3: “准考证号” 1 appears twice (first at {path}:2) (each contestant must be listed once)",
        f"{path}:4: “准考证号” 2 has no “姓名” (fill in the name)",
        f"{path}:5: no “准考证号” for 王五 (fill in the id, or delete the row)",
        f"{path}:6: “准考证号” 1.23457E+17 looks like a long number Excel shortened "
        "(format the column as text and type the ids again)",
    ]


def test_roster_without_header_row_says_what_it_saw(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("编码,名称\n1,张三\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"no header row with “准考证号” and “姓名” found \(first rows: 编码, 名称\)"):
        read_roster(path)


def test_roster_old_xls_is_refused_by_content(tmp_path):
    path = tmp_path / "roster.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(SheetError) as caught:
        read_roster(path)
    assert str(caught.value).startswith(f"{path}: is an old Excel 97-2003 workbook (.xls)")


# --- writing score sheets ---------------------------------------------------------------


def test_score_sheet_layout(tmp_path):
    manifest, sheets = make_sheets(tmp_path, judges=2)
    assert [p.name for p in sheets] == ["A-judge-1.xlsx", "A-judge-2.xlsx"]
    assert sheets[0].parent == manifest.parent / "sheets"
    ws = openpyxl.load_workbook(sheets[1]).active
    assert ws.title == "评分"
    assert ws["A1"].value == "测试竞赛理论试卷 评分表"
    assert {"A1:I1", "A4:I4"} <= {str(r) for r in ws.merged_cells.ranges}
    # The paper is named by its title (A1), never by its internal id.
    assert [ws.cell(2, c).value for c in range(1, 9)] == [None, None, "卷别", "A", "评委", "评委2", "日期", "2026-05-01"]
    assert not any(c.value == "mini" for row in ws.iter_rows() for c in row if ws.row_dimensions[c.row].hidden is False)
    assert ws["A3"].value == SHEET_MARKER and ws.row_dimensions[3].hidden
    assert [ws.cell(5, c).value for c in range(1, 10)] == ["序号", "准考证号", "姓名", "单位", *LABELS, "总分"]
    assert [ws.cell(6, c).value for c in range(4, 9)] == ["试题编号", "SA-001", "SA-002", "PR-001", "PR-002"]
    assert [ws.cell(7, c).value for c in range(4, 10)] == ["满分", 5, 5, 10, 10, 30]
    assert [ws.cell(r, 2).value for r in range(8, 13)] == list(IDS)
    assert ws["C12"].value == '=HYPERLINK("x")' and ws["C12"].data_type == "s"
    assert ws["I8"].value == '=IF(COUNT(E8:H8)=0,"",SUM(E8:H8))'
    assert ws.freeze_panes == "E8"
    assert ws.protection.sheet
    assert ws["E8"].protection.locked is False and ws["H12"].protection.locked is False
    assert ws["E5"].protection.locked and ws["B8"].protection.locked and ws["I8"].protection.locked
    assert ws.column_dimensions["B"].width == 16 and ws.column_dimensions["E"].width == 9
    rules = {str(v.sqref): (v.type, v.formula1, v.allow_blank) for v in ws.data_validations.dataValidation}
    assert rules == {
        "E8:E12": ("custom", 'OR(E8="缺考",AND(ISNUMBER(E8),E8>=0,E8<=5,MOD(E8*2,1)=0))', True),
        "F8:F12": ("custom", 'OR(F8="缺考",AND(ISNUMBER(F8),F8>=0,F8<=5,MOD(F8*2,1)=0))', True),
        "G8:G12": ("custom", 'OR(G8="缺考",AND(ISNUMBER(G8),G8>=0,G8<=10,MOD(G8*2,1)=0))', True),
        "H8:H12": ("custom", 'OR(H8="缺考",AND(ISNUMBER(H8),H8>=0,H8<=10,MOD(H8*2,1)=0))', True),
    }
    # Locked cells are visibly grey, mark cells white; the judge signs at the foot.
    assert ws["B8"].fill.fgColor.rgb.endswith("EDEDED") and ws["I8"].fill.fgColor.rgb.endswith("EDEDED")
    assert ws["E8"].fill.fgColor.rgb.endswith("FFFFFF")
    assert ws["A13"].value.startswith("评委签名：") and "日期：" in ws["A13"].value


def test_score_sheet_never_writes_a_name_as_formula(tmp_path):
    _, sheets = make_sheets(tmp_path, judges=1)
    with zipfile.ZipFile(sheets[0]) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas and all(f.startswith("IF(COUNT(") for f in formulas)
    assert "HYPERLINK" in xml


def test_score_sheets_are_byte_identical_for_the_same_inputs(tmp_path):
    _, first = make_sheets(tmp_path / "one", judges=2)
    _, second = make_sheets(tmp_path / "two", judges=2)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_number_of_judges_defaults_to_the_grading_rules(tmp_path):
    _, sheets = make_sheets(tmp_path)
    assert len(sheets) == 3


def test_existing_sheets_are_not_overwritten_without_force(tmp_path):
    manifest, sheets = make_sheets(tmp_path, judges=1)
    before = sheets[0].read_bytes()
    with pytest.raises(ExamgenError, match="already exists"):
        write_score_sheets(manifest, DATA / "roster.csv", judges=1, date=datetime.date(2027, 1, 1))
    assert sheets[0].read_bytes() == before
    write_score_sheets(manifest, DATA / "roster.csv", judges=1, date=datetime.date(2027, 1, 1), force=True)
    assert sheets[0].read_bytes() != before


def test_anonymized_sheets_show_codes_only_and_the_code_table_maps_them_back(tmp_path):
    manifest, sheets = make_sheets(tmp_path, judges=3, anonymize=True, code_seed=5)
    codes = manifest.parent / "codes-A.xlsx"
    assert codes.exists() and codes.parent != sheets[0].parent
    ws = openpyxl.load_workbook(sheets[0]).active
    assert [ws.cell(5, c).value for c in range(1, 7)] == ["序号", "密号", *LABELS]
    keys = [ws.cell(r, 2).value for r in range(8, 13)]
    assert keys == sorted(keys) and len(set(keys)) == 5 and all(re.fullmatch(r"\d{6}", k) for k in keys)
    text = "".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert "张三" not in text and "2026001" not in text
    table = read_roster(codes)
    assert sorted(c.code for c in table.contestants) == keys
    assert {c.id for c in table.contestants} == set(IDS)

    for judge, path in enumerate(sheets, start=1):
        fill(path, judge)
    with pytest.raises(SheetError, match="the code table is needed"):
        grade(manifest, sheets)
    results = grade(manifest, sheets, roster_path=codes).results
    assert {r.contestant.id for r in results.rows} == set(IDS)
    assert {r.contestant.name for r in results.rows} >= {"张三", "李四"}


def test_a_code_table_as_roster_keeps_its_codes_for_a_judge_added_later(tmp_path):
    manifest, sheets = make_sheets(tmp_path, judges=2, anonymize=True)
    codes = manifest.parent / "codes-A.xlsx"
    before = codes.read_bytes()
    later = write_score_sheets(manifest, codes, names=["评委 3"], anonymize=True, date=DATE)
    assert later.code_table is None and codes.read_bytes() == before
    assert later.sheets == (manifest.parent / "sheets" / "A-评委_3.xlsx",)
    first = openpyxl.load_workbook(sheets[0]).active
    added = openpyxl.load_workbook(later.sheets[0]).active
    assert added["F2"].value == "评委 3"
    assert [added.cell(r, 2).value for r in range(8, 13)] == [first.cell(r, 2).value for r in range(8, 13)]
    for judge, path in enumerate([*sheets, *later.sheets], start=1):
        fill(path, judge)
    results = grade(manifest, [*sheets, *later.sheets], roster_path=codes).results
    assert results.scores.judges == ("评委1", "评委2", "评委 3")


def test_anonymized_codes_are_drawn_fresh_without_a_seed(tmp_path):
    _, first = make_sheets(tmp_path / "one", judges=1, anonymize=True)
    _, second = make_sheets(tmp_path / "two", judges=1, anonymize=True)
    keys = [[openpyxl.load_workbook(p).active.cell(r, 2).value for r in range(8, 13)] for p in (first[0], second[0])]
    assert keys[0] != keys[1]


# --- reading filled sheets: what is accepted --------------------------------------------


def test_cell_number_accepts_what_spreadsheets_save():
    assert cell_number("8") == Decimal(8)
    assert cell_number("８") == Decimal(8)
    assert cell_number("7.5 ") == Decimal("7.5")
    assert cell_number("７．５") == Decimal("7.5")
    assert cell_number(7.5) == Decimal("7.5")
    assert cell_number("abc") is None and cell_number(True) is None


_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@settings(max_examples=12, deadline=None)
@given(
    halves=st.lists(st.integers(0, 10), min_size=len(IDS) * len(LABELS), max_size=len(IDS) * len(LABELS)),
    forms=st.lists(st.sampled_from(["number", "text", "full-width", "padded"]), min_size=len(IDS) * len(LABELS), max_size=len(IDS) * len(LABELS)),
)
def test_any_valid_marks_typed_any_way_are_read_back_exactly(halves, forms):
    with tempfile.TemporaryDirectory() as folder:
        manifest, sheets = make_sheets(Path(folder), judges=1)
        typed = {}
        overrides = {}
        for index, (key, label) in enumerate((k, lb) for k in IDS for lb in LABELS):
            value = Decimal(halves[index]) / 2  # 0 .. 5 in half points: valid for every question
            typed[(key, label)] = value
            text = format(value, "f")
            overrides[(key, label)] = {
                "number": value, "text": text, "full-width": text.translate(_FULL_WIDTH), "padded": f" {text}  ",
            }[forms[index]]
        fill(sheets[0], 1, overrides)
        read = {(m.contestant_id, m.question_label): m.value for m in _marks(manifest, sheets)}
    assert read == typed


def test_marks_are_read_and_averaged(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    scores = grade(manifest, sheets).results.scores
    for row_index, key in enumerate(IDS, start=8):
        for label in LABELS:
            marks = [mark_for(j, row_index, label) for j in (1, 2, 3)]
            # Exact, and under aggregate_on: total each answer's share is the plain mean.
            assert scores.answer(key, label).final == Fraction(sum(marks)) / 3


def test_numbers_stored_as_text_full_width_and_padded_are_accepted(tmp_path):
    overrides = {1: {("2026001", "一.1"): "4", ("2026002", "一.2"): "３", ("2026003", "二.1"): "7.5 "}}
    manifest, sheets = filled_sheets(tmp_path, overrides)
    marks = {(m.contestant_id, m.question_label): m.value for m in _marks(manifest, sheets) if m.judge == "评委1"}
    assert marks[("2026001", "一.1")] == Decimal(4)
    assert marks[("2026002", "一.2")] == Decimal(3)
    assert marks[("2026003", "二.1")] == Decimal("7.5")


def _marks(manifest, sheets):
    paper = load_grading_paper(manifest)
    # Reading only: a single judge's sheet is read, though the rules want three judges.
    imported = import_sheets(paper, sheets, roster=None, allow_missing=True)
    return imported.marks[0].marks


def test_renamed_sheet_extra_sheets_and_trailing_blank_rows_are_accepted(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    expected = _marks(manifest, sheets)
    wb = openpyxl.load_workbook(sheets[0])
    ws = wb.active
    ws.title = "张老师的评分"
    notes = wb.create_sheet("备注", 0)
    notes["A1"] = "准考证号"  # a stray header elsewhere must not confuse the search
    ws.cell(40, 2).value = "   "
    ws.cell(8, 30).value = None
    ws.cell(45, 12).value = ""
    wb.save(sheets[0])
    assert _marks(manifest, sheets) == expected


def _inject_cached_value(path: Path, coordinate: str, cached: str) -> None:
    """Give the formula in ``coordinate`` a cached value, as Excel saves it."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                pattern = rf'(<c r="{coordinate}"[^>]*><f>[^<]*</f>)(?:<v\s*>\s*</v>|<v\s*/>)'
                text, count = re.subn(pattern, rf"\g<1><v>{cached}</v>", text)
                assert count == 1
                data = text.encode()
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def test_formula_cells_use_their_cached_value(tmp_path):
    manifest, sheets = filled_sheets(tmp_path, {2: {("2026004", "二.2"): "=3+4"}})
    wb = openpyxl.load_workbook(sheets[1])
    coordinate = cell_of(wb.active, "2026004", "二.2")
    _inject_cached_value(sheets[1], coordinate, "7")
    marks = {(m.contestant_id, m.question_label, m.judge): m.value for m in _marks(manifest, sheets)}
    assert marks[("2026004", "二.2", "评委2")] == Decimal(7)


def test_reading_never_changes_the_judges_files(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in sheets]
    grade(manifest, sheets)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in sheets] == before


# --- reading filled sheets: what is refused ---------------------------------------------


def _refusals(manifest, sheets, **options) -> list[str]:
    with pytest.raises(ExamgenError) as caught:
        grade(manifest, sheets, **options)
    for name in ("results.xlsx", "results.docx"):
        assert not (manifest.parent / name).exists()
    return problems_of(caught.value)


def _where(path: Path, key: str, label: str) -> str:
    ws = openpyxl.load_workbook(path).active
    return f"{path}!{ws.title}!{cell_of(ws, key, label)}"


def test_every_bad_mark_is_reported_at_once_with_file_sheet_and_cell(tmp_path):
    bad = {
        ("2026001", "一.1"): 6,
        ("2026002", "一.2"): -1,
        ("2026003", "二.1"): "八分",
        ("2026004", "二.2"): 7.3,
        ("2026005", "一.1"): "9.25",
    }
    manifest, sheets = filled_sheets(tmp_path, {1: bad})
    where = {key: _where(sheets[0], *key) for key in bad}
    assert _refusals(manifest, sheets) == [
        f"{where[('2026001', '一.1')]}: mark 6 is above the maximum 5 of 一.1 (“准考证号” 2026001) "
        "(type a mark from 0 to 5 in steps of 0.5)",
        f"{where[('2026002', '一.2')]}: mark -1 is negative (一.2, “准考证号” 2026002) "
        "(type a mark from 0 to 5 in steps of 0.5)",
        f"{where[('2026003', '二.1')]}: '八分' is not a number (二.1, “准考证号” 2026003) "
        "(type a mark from 0 to 10 in steps of 0.5)",
        f"{where[('2026004', '二.2')]}: mark 7.3 is not a multiple of 0.5 (二.2, “准考证号” 2026004) "
        "(type a mark from 0 to 10 in steps of 0.5)",
        f"{where[('2026005', '一.1')]}: mark 9.25 is above the maximum 5 of 一.1 (“准考证号” 2026005) "
        "(type a mark from 0 to 5 in steps of 0.5)",
    ]


def test_problems_of_several_files_are_reported_together(tmp_path):
    manifest, sheets = filled_sheets(tmp_path, {1: {("2026001", "一.1"): 6}, 3: {("2026002", "二.1"): "x"}})
    problems = _refusals(manifest, sheets)
    assert len(problems) == 2
    assert problems[0].startswith(_where(sheets[0], "2026001", "一.1"))
    assert problems[1].startswith(_where(sheets[2], "2026002", "二.1"))


def test_problems_of_different_kinds_are_reported_in_one_run(tmp_path):
    manifest, sheets = filled_sheets(tmp_path, {1: {("2026001", "一.1"): 6}})
    wb = openpyxl.load_workbook(sheets[1])
    wb.active["B9"] = "2026999"
    wb.save(sheets[1])
    problems = _refusals(manifest, sheets, roster_path=DATA / "roster.csv")
    assert [p.split(": ")[0] for p in problems] == [
        _where(sheets[0], "2026001", "一.1"), f"{sheets[1]}!评分!B9", f"{sheets[1]}!评分",
    ]
    assert problems[2].endswith("“准考证号” 2026002 李四 has no row on this sheet (add the row and the marks (or “缺考” if absent), or pass --provisional)")


def test_unknown_contestant_is_refused_against_the_roster(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    wb = openpyxl.load_workbook(sheets[1])
    wb.active["B9"] = "2026999"
    wb.save(sheets[1])
    roster = DATA / "roster.csv"
    assert _refusals(manifest, sheets, roster_path=roster) == [
        f"{sheets[1]}!评分!B9: “准考证号” 2026999 is not in the roster {roster} "
        "(check the number, or add the contestant to the roster)",
        f"{sheets[1]}!评分: “准考证号” 2026002 李四 has no row on this sheet "
        "(add the row and the marks (or “缺考” if absent), or pass --provisional)",
    ]


def test_a_contestant_twice_on_a_sheet_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    wb = openpyxl.load_workbook(sheets[0])
    wb.active["B10"] = "2026001"
    wb.save(sheets[0])
    assert _refusals(manifest, sheets) == [
        f"{sheets[0]}!评分!B10: “准考证号” 2026001 appears twice on this sheet (first at {sheets[0]}!评分!B8) "
        "(keep one row per contestant)",
    ]


def test_the_same_judge_twice_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    copy = sheets[0].with_name("copy.xlsx")
    shutil.copy(sheets[0], copy)
    problems = _refusals(manifest, [*sheets, copy])
    assert problems == [
        f"{copy}!评分: judge 评委1 has a second sheet for form A (first: {sheets[0]}) "
        "(give each judge's sheet once; rename the judge on a sheet marked by someone else)",
    ]
    assert _refusals(manifest, [*sheets, sheets[0]]) == [
        f"{sheets[0]}: is given twice (also as {sheets[0]}) (give each sheet once)",
    ]


def test_a_sheet_whose_questions_do_not_match_the_manifest_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    wb = openpyxl.load_workbook(sheets[2])
    ws = wb.active
    ws["F6"] = "SA-099"  # another question under 一.2
    ws["G7"] = 8  # the wrong maximum for 二.1
    ws["H5"] = "二.3"  # 二.2 renamed
    wb.save(sheets[2])
    hint = "(use the score sheet made by `examgen sheets` for this paper and form)"
    assert _refusals(manifest, sheets) == [
        f"{sheets[2]}!评分!F6: question 一.2 is SA-099 on this sheet but SA-002 in the manifest {hint}",
        f"{sheets[2]}!评分!G7: the maximum of 二.1 is 8 on this sheet but 10 in the manifest {hint}",
        f"{sheets[2]}!评分!H5: question '二.3' is not on form A of the manifest {hint}",
        f"{sheets[2]}!评分: question 二.2 (PR-002) of form A has no column {hint}",
    ]


def test_a_sheet_for_another_paper_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    wb = openpyxl.load_workbook(sheets[0])
    wb.active["C3"] = "other"
    wb.save(sheets[0])
    assert _refusals(manifest, sheets)[0].startswith(
        f"{sheets[0]}!评分: the sheet is for paper 'other', the manifest for 'mini'"
    )


def test_an_old_xls_file_is_refused_with_advice(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    old = sheets[0].with_suffix(".xls")
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert file_kind(old.read_bytes()) == "xls"
    # .xls is read since judges' own spreadsheets are (issue 17); a damaged one is refused.
    assert _refusals(manifest, [old, *sheets[1:]]) == [
        f"{old}: cannot be read as a .xls workbook (`CalamineError: Cannot detect file format`) "
        "(open it in Excel, WPS or LibreOffice and save it again)",
    ]


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    text = tmp_path / "marks.xlsx"
    text.write_text("准考证号,一.1\n", encoding="utf-8")
    problems = _refusals(manifest, [text, *sheets[1:]])
    assert problems == [f"{text}: is not an Excel workbook (.xlsx) (save it as Excel Workbook (.xlsx))"]


def test_a_workbook_without_a_score_sheet_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert _refusals(manifest, [other, *sheets[1:]])[0].startswith(f"{other}: no table of marks found")


def test_a_formula_without_a_cached_value_is_refused(tmp_path):
    manifest, sheets = filled_sheets(tmp_path, {2: {("2026004", "二.2"): "=3+4"}})
    where = _where(sheets[1], "2026004", "二.2")
    assert _refusals(manifest, sheets) == [
        f"{where}: has the formula =3+4 but no saved value (open the file in Excel, WPS or "
        "LibreOffice so it calculates, save it, or type the mark as a number)",
    ]


def test_missing_marks_are_refused_unless_allowed(tmp_path):
    manifest, sheets = make_sheets(tmp_path)
    fill(sheets[0], 1, skip={("2026002", "二.1")})
    fill(sheets[1], 2, skip={("2026003", label) for label in LABELS})
    fill(sheets[2], 3)
    first = _where(sheets[0], "2026002", "二.1")
    row = _where(sheets[1], "2026003", "一.1")
    assert _refusals(manifest, sheets) == [
        f"{first}: no mark for 二.1 (“准考证号” 2026002) (fill in the mark, or pass --provisional)",
        f"{row}: no marks at all for “准考证号” 2026003 (row 10) "
        "(fill in the marks, type “缺考” if the contestant was absent, or pass --provisional)",
    ]
    outcome = grade(manifest, sheets, provisional=True)
    ranked = {r.contestant.id for r in outcome.results.ranked}
    assert ranked == {"2026001", "2026004", "2026005"}
    assert outcome.provisional
    assert any("no mark for 二.1" in line for line in outcome.pending)
    assert any("not ranked" in line for line in outcome.warnings)
    assert [p.name for p in outcome.written] == ["results-草稿（未经复核）.xlsx"]


def test_a_contestant_missing_from_a_sheet_is_missing_marks(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    wb = openpyxl.load_workbook(sheets[0])
    wb.active.delete_rows(12)
    wb.save(sheets[0])
    problems = _refusals(manifest, sheets, roster_path=DATA / "roster.csv")
    assert problems == [
        f'{sheets[0]}!评分: “准考证号” 2026005 =HYPERLINK("x") has no row on this sheet '
        "(add the row and the marks (or “缺考” if absent), or pass --provisional)",
    ]


def test_a_sheet_without_the_hidden_marker_row_is_found_by_its_header(tmp_path):
    manifest, sheets = filled_sheets(tmp_path)
    expected = _marks(manifest, sheets)
    wb = openpyxl.load_workbook(sheets[1])
    for merged in list(wb.active.merged_cells.ranges):
        wb.active.unmerge_cells(str(merged))  # openpyxl does not move merged ranges on delete
    wb.active.delete_rows(3)  # as when a judge copies the visible part into a new workbook
    wb.active.title = "Sheet1"
    wb.save(sheets[1])
    read = _marks(manifest, sheets)
    assert sorted((m.contestant_id, m.question_label, m.judge, m.value) for m in read) == sorted(
        (m.contestant_id, m.question_label, m.judge, m.value) for m in expected
    )
    assert any(m.where.startswith(f"{sheets[1]}!Sheet1!E7") for m in read)


def _roster_book(tmp_path: Path, name: str, fill) -> Path:
    book = openpyxl.Workbook()
    fill(book)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize("case", ["plain", "offset", "numbers", "merged", "dates", "long_number", "empty_sheet"])
def test_roster_xlsx_read_by_calamine_gives_what_openpyxl_reads(tmp_path, case):
    from examgen.grading import roster
    from examgen.xlsxio import read_xlsx_tables

    def fill(book):
        ws = book.active
        ws.title = "名单"
        start = 3 if case == "offset" else 1
        ws.cell(start, start).value = "准考证号"
        ws.cell(start, start + 1).value = "姓名"
        ws.cell(start, start + 2).value = "单位"
        for i in range(4):
            ws.cell(start + 1 + i, start).value = 2026001 + i if case in ("numbers", "long_number") else f"202600{i + 1}"
            ws.cell(start + 1 + i, start + 1).value = f" 选手{i} " if i else "选手&<0>"
            ws.cell(start + 1 + i, start + 2).value = 1.5 if case == "numbers" and i == 2 else "一分公司"
        ws.cell(start + 6, start + 4).value = True
        if case == "merged":
            ws.merge_cells(start_row=start + 1, start_column=start + 2, end_row=start + 2, end_column=start + 2)
        if case == "dates":
            ws.cell(start + 6, start + 5).value = datetime.date(2026, 5, 1)
        if case == "long_number":
            ws.cell(start + 1, start).value = 2026000000000000001
        if case == "empty_sheet":
            book.create_sheet("空白")

    path = _roster_book(tmp_path, f"{case}.xlsx", fill)
    data = path.read_bytes()
    expected = read_xlsx_tables(path, data, fill_merged=True)
    assert roster._xlsx_tables(path, data) == expected
    # Merged cells, dates and numbers too long for a float are left to openpyxl.
    from examgen.grading.foreign_reader import plain_xlsx_rows

    assert (plain_xlsx_rows(data) is None) == (case in ("merged", "dates", "long_number"))
