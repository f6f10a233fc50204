"""The bad-input corpus: hostile or broken banks, blueprints, rosters, sheets, imports, manifests.

Each case prepares a copy of a small workspace (``setup``), returns the command line and
the place its error must name. Big or binary files are made here at test time, never
committed. ``tests/test_bad_inputs.py`` runs every case and checks: the exit code, that
the message names the place, that no traceback appears, and that the workspace is
byte-identical afterwards.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from examgen.grading.workflow import write_score_sheets
from examgen.paper.build import build_paper
from examgen.paper.workspace import init_workspace

DATA = Path(__file__).resolve().parent / "data"
DATE = ["--date", "2026-05-01"]
LABELS = ("一.1", "一.2", "二.1", "二.2")


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, and what the command must answer."""

    category: str
    name: str
    setup: Callable[[Path], tuple[list[str], str]]  # workspace → (argv, place named)
    code: int = 1
    #: Run in a subprocess under a memory limit and a timeout (devices, bombs); other
    #: cases run in-process under an alarm, so a FIFO that blocks fails instead of hanging.
    subprocess: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.category}-{self.name}"


CASES: list[Case] = []


def case(category: str, name: str, **options) -> Callable:
    def register(setup: Callable) -> Callable:
        CASES.append(Case(category, name, setup, **options))
        return setup

    return register


# --- The base workspace ---------------------------------------------------------------


def make_base(root: Path) -> Path:
    """Return a workspace with the samples, a built paper, a graded paper's filled sheets."""
    ws = root / "ws"
    init_workspace(ws)
    build_paper(ws, seed=1)
    mini = ws / "output" / "mini"
    mini.mkdir(parents=True)
    shutil.copy(DATA / "grading" / "manifest.json", mini / "manifest.json")
    shutil.copy(DATA / "grading" / "roster.csv", ws / "roster.csv")
    outcome = write_score_sheets(
        mini / "manifest.json", ws / "roster.csv", date=datetime.date(2026, 5, 1)
    )
    for path in outcome.sheets:
        set_marks(path, {}, default=lambda key, label: 5 if label.startswith("一") else 8)
    (ws / "docs").mkdir()
    return ws


def set_marks(path: Path, marks: dict[tuple[str, str], object], default=None) -> None:
    """Type marks into a score sheet by (准考证号, label)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for r in range(8, ws.max_row + 1):
        key = ws.cell(r, 2).value
        for c in range(5, 9):
            label = ws.cell(5, c).value
            if (key, label) in marks:
                ws.cell(r, c).value = marks[(key, label)]
            elif default is not None:
                ws.cell(r, c).value = default(key, label)
    wb.save(path)


def manifest(ws: Path) -> Path:
    return ws / "output" / "mini" / "manifest.json"


def sheets(ws: Path) -> list[Path]:
    return sorted((ws / "output" / "mini" / "sheets").glob("*.xlsx"))


def grade_args(ws: Path, *extra: object) -> list[str]:
    return ["grade", str(manifest(ws)), *map(str, sheets(ws)), *DATE, *map(str, extra)]


def patch_zip(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of an .xlsx/.docx in place."""
    with zipfile.ZipFile(path) as source:
        entries = [(i, source.read(i.filename)) for i in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
    path.write_bytes(out.getvalue())


def set_cell_xml(path: Path, ref: str, xml: str) -> None:
    """Replace cell ``ref`` of the first sheet with raw XML (formulas with cached values)."""
    patch_zip(
        path, "xl/worksheets/sheet1.xml",
        lambda text: re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', lambda _: xml, text, count=1),
    )


def zip_bomb(path: Path, members: dict[str, bytes], big: str, size_mb: int) -> None:
    """Write a zip with ``members`` and one part ``big`` of ``size_mb`` MB of spaces."""
    path.write_bytes(_zip_bomb(tuple(members.items()), big, min(size_mb, 256)))


@functools.cache
def _zip_bomb(members: tuple[tuple[str, bytes], ...], big: str, size_mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        with archive.open(big, "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(size_mb):
                part.write(chunk)
    return buffer.getvalue()


@functools.cache
def _minimal_xlsx_parts() -> tuple[tuple[str, bytes], ...]:
    return tuple(_xlsx_parts().items())


def minimal_xlsx_parts() -> dict[str, bytes]:
    return dict(_minimal_xlsx_parts())


def _xlsx_parts() -> dict[str, bytes]:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "准考证号"
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "xl/worksheets/sheet1.xml"}


def encrypted_ole(path: Path) -> None:
    """Write what a password-protected .xlsx looks like from outside: OLE2 + EncryptedPackage."""
    body = bytearray(4096)
    name = "EncryptedPackage".encode("utf-16-le")
    body[1024 : 1024 + len(name)] = name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(body))


def with_doctype(xml: str) -> str:
    """Return ``xml`` with an entity-expansion DOCTYPE in front and the entity used once."""
    body = re.sub(r"^<\?xml[^>]*\?>", "", xml)
    return ENTITY_BOMB + re.sub(r"(<[^?!][^>]*>)", r"\1&lol4;", body, count=1)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)


# --- Banks: examgen bank validate ---------------------------------------------------------

QUESTION = """- id: ZZ-001
  type: short_answer
  topic: 投诉处理
  difficulty: 2
  points: 5
  question: 请说明处理步骤。
  key_points:
    - text: 要点一
      points: 5
"""


def _bank_case(name: str, text: str | bytes, line: int | None) -> None:
    # Alias bombs would take gigabytes if they got through: run them under the limit.
    @case("bank", name, subprocess="laughs" in name)
    def setup(ws: Path) -> tuple[list[str], str]:
        path = ws / "banks" / "bad.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["bank", "validate", "-w", str(ws)], f"bad.yaml:{line}" if line else "bad.yaml"


for _name, _text, _line in [
    ("billion-laughs", "- " + BILLION_LAUGHS.replace("\n", "\n  "), 2),
    ("alias", "- &q\n  " + QUESTION[2:] + "- *q\n", 11),
    ("merge-key", QUESTION.replace("  points: 5\n  q", "  <<: &p {points: 5}\n  q") + "- {<<: *p}\n", 10),
    ("duplicate-key", QUESTION.replace("  difficulty: 2\n", "  difficulty: 2\n  difficulty: 3\n"), 5),
    ("duplicate-key-in-key-point", QUESTION.replace("      points: 5\n", "      points: 5\n      points: 4\n"), 10),
    ("duplicate-id-key", QUESTION.replace("  type:", "  id: ZZ-002\n  type:"), 2),
    ("nesting-30", "- " + "[" * 30 + "]" * 30 + "\n", 1),
    ("nesting-5000", "- " + "[" * 5000 + "]" * 5000 + "\n", 1),
    ("nesting-mappings", "- " + "{a: " * 40 + "1" + "}" * 40 + "\n", 1),
    ("nan-points", QUESTION.replace("  points: 5\n  q", "  points: .nan\n  q"), 5),
    ("inf-points", QUESTION.replace("  points: 5\n  q", "  points: .inf\n  q"), 5),
    ("minus-inf-key-point", QUESTION.replace("      points: 5\n", "      points: -.inf\n"), 8),
    ("nan-key-point", QUESTION.replace("      points: 5\n", "      points: .NaN\n"), 8),
    ("control-char-stem", QUESTION.replace("  question: 请说明处理步骤。", '  question: "请说明\\x01处理步骤。"'), 6),
    ("lone-surrogate", QUESTION.replace("  question: 请说明处理步骤。", '  question: "请说明\\ud800处理"'), 6),
    ("non-character", QUESTION.replace("text: 要点一", 'text: "要点\\uffff"'), 8),
    ("escape-character", QUESTION.replace("  topic: 投诉处理", '  topic: "投诉\\e处理"'), 3),
    ("raw-nul-byte", QUESTION.replace("请说明", "请\x00说明"), None),
    ("not-utf8", QUESTION.encode("gbk"), None),
    ("binary-garbage", bytes(range(256)) * 4, None),
    ("tab-indent", QUESTION.replace("  type:", "\ttype:"), 2),
    ("unclosed-quote", QUESTION.replace("请说明处理步骤。", '"请说明处理步骤。'), 10),
    ("mapping-not-list", "id: ZZ-001\ntype: short_answer\n", 1),
    ("item-not-mapping", "- just a line\n", None),
    ("python-tag", "- !!python/object/apply:os.system ['true']\n", 1),
    ("unknown-type", QUESTION.replace("short_answer", "essay"), 2),
    ("points-text", QUESTION.replace("  points: 5\n  q", "  points: ten\n  q"), 5),
    ("points-sum", QUESTION.replace("      points: 5\n", "      points: 4\n"), 7),
    ("difficulty-9", QUESTION.replace("difficulty: 2", "difficulty: 9"), 4),
    ("key-points-not-list", QUESTION.split("  key_points:")[0] + "  key_points: 要点\n", 7),
    ("long-id-and-bad-type", QUESTION.replace("ZZ-001", "Z" * 30000).replace("short_answer", "essay"), 2),
]:
    _bank_case(_name, _text, _line)


@case("bank", "duplicate-id-across-files")
def _(ws: Path):
    (ws / "banks" / "a.yaml").write_text(QUESTION, encoding="utf-8")
    (ws / "banks" / "b.yaml").write_text(QUESTION, encoding="utf-8")
    return ["bank", "validate", "-w", str(ws)], "ZZ-001"


@case("bank", "folder-named-yaml")
def _(ws: Path):
    (ws / "banks" / "folder.yaml").mkdir()
    return ["bank", "validate", "-w", str(ws)], "folder.yaml"


@case("bank", "fifo")
def _(ws: Path):
    fifo(ws / "banks" / "pipe.yaml")
    return ["bank", "validate", "-w", str(ws)], "pipe.yaml"


@case("bank", "link-to-dev-zero", subprocess=True)
def _(ws: Path):
    link_to_zero(ws / "banks" / "zero.yaml")
    return ["bank", "validate", "-w", str(ws)], "zero.yaml"


@case("bank", "too-large", env={"EXAMGEN_MAX_INPUT_MB": "1"})
def _(ws: Path):
    (ws / "banks" / "big.yaml").write_text("# " + "x" * (2 * 1024 * 1024) + "\n" + QUESTION)
    return ["bank", "validate", "-w", str(ws)], "big.yaml"


@case("bank", "stats-with-alias")
def _(ws: Path):
    (ws / "banks" / "bad.yaml").write_text("- &q\n  " + QUESTION[2:] + "- *q\n", encoding="utf-8")
    return ["bank", "stats", "-w", str(ws)], "bad.yaml:11"


@case("bank", "export-over-a-bank")
def _(ws: Path):
    target = ws / "banks" / "interview.yaml"
    return ["bank", "export", "-w", str(ws), "--xlsx", str(target), "--force"], str(target)


@case("bank", "build-with-bad-bank")
def _(ws: Path):
    (ws / "banks" / "bad.yaml").write_text(QUESTION.replace("points: 5\n  q", "points: .nan\n  q"))
    return ["build", "-w", str(ws), "--seed", "1", "--out", str(ws / "new")], "bad.yaml:5"


# --- Blueprints: examgen build --blueprint ---------------------------------------------

BLUEPRINT = """name: t
paper_id: t
title: 测试卷
total: 10
sections:
  - name: 简答题
    type: short_answer
    count: 2
    points: 5
"""


def _blueprint_case(name: str, text: str | bytes, line: int | None, *extra: str) -> None:
    @case("blueprint", name, subprocess="laughs" in name)
    def setup(ws: Path) -> tuple[list[str], str]:
        path = ws / "templates" / "bad.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        argv = ["build", "-w", str(ws), "--blueprint", str(path), "--seed", "1", *extra]
        return argv, f"bad.yaml:{line}" if line else "bad.yaml"


for _name, _text, _line in [
    ("paper-id-parent", BLUEPRINT.replace("paper_id: t", "paper_id: ../../escape"), 2),
    ("paper-id-absolute", BLUEPRINT.replace("paper_id: t", "paper_id: /tmp/examgen-escape"), 2),
    ("paper-id-slash", BLUEPRINT.replace("paper_id: t", "paper_id: a/b"), 2),
    ("paper-id-backslash", BLUEPRINT.replace("paper_id: t", "paper_id: a\\b"), 2),
    ("paper-id-dotdot", BLUEPRINT.replace("paper_id: t", "paper_id: '..'"), 2),
    ("paper-id-hidden", BLUEPRINT.replace("paper_id: t", "paper_id: .hidden"), 2),
    ("paper-id-too-long", BLUEPRINT.replace("paper_id: t", "paper_id: " + "x" * 200), 2),
    ("paper-id-newline", BLUEPRINT.replace("paper_id: t", 'paper_id: "a\\nb"'), 2),
    ("name-as-path", BLUEPRINT.replace("name: t\npaper_id: t\n", "name: ../up\n"), 1),
    ("billion-laughs", BLUEPRINT + "layout:\n" + "".join(f"  {line}\n" for line in BILLION_LAUGHS.splitlines()), 12),
    ("alias", BLUEPRINT.replace("title: 测试卷", "title: &t 测试卷\nsubtitle: *t"), 4),
    ("duplicate-total", BLUEPRINT + "total: 20\n", 10),
    ("duplicate-section-key", BLUEPRINT.replace("    count: 2\n", "    count: 2\n    count: 3\n"), 9),
    ("nesting", BLUEPRINT + "grading: " + "{a: " * 30 + "1" + "}" * 30 + "\n", 10),
    ("nesting-5000", BLUEPRINT + "grading: " + "[" * 5000 + "]" * 5000 + "\n", 10),
    ("nan-total", BLUEPRINT.replace("total: 10", "total: .nan"), 4),
    ("inf-points", BLUEPRINT.replace("points: 5", "points: .inf"), 9),
    ("control-char-title", BLUEPRINT.replace("title: 测试卷", 'title: "测试\\x07卷"'), 3),
    ("surrogate-instructions", BLUEPRINT + 'instructions: ["\\udc00"]\n', 10),
    ("count-zero", BLUEPRINT.replace("count: 2", "count: 0"), 8),
    ("count-text", BLUEPRINT.replace("count: 2", "count: many"), 8),
    ("difficulty-reversed", BLUEPRINT + "    difficulty: [5, 1]\n", 10),
    ("unknown-field", BLUEPRINT + "colour: red\n", 10),
    ("sections-mapping", BLUEPRINT.split("sections:")[0] + "sections: {a: 1}\n", 5),
    ("a-list", "- title: x\n", None),
    ("duration-negative", BLUEPRINT + "duration: -5\n", 10),
    ("instructions-mapping", BLUEPRINT + "instructions: {a: b}\n", 10),
    ("layout-list", BLUEPRINT + "layout: [1]\n", 10),
    ("grading-nonsense", BLUEPRINT + "grading: 7\n", 10),
    ("not-utf8", BLUEPRINT.replace("测试卷", "测试").encode("gbk"), None),
    (
        "sections-over-99",
        BLUEPRINT.split("sections:")[0].replace("total: 10", "total: 120")
        + "sections:\n" + "".join(f"  - {{name: 第{i}部分, type: short_answer, count: 1, points: 1}}\n" for i in range(120)),
        5,
    ),
]:
    _blueprint_case(_name, _text, _line)


@case("blueprint", "missing")
def _(ws: Path):
    return ["build", "-w", str(ws), "--blueprint", str(ws / "templates" / "nope.yaml"), "--seed", "1"], "nope.yaml"


@case("blueprint", "fifo")
def _(ws: Path):
    fifo(ws / "templates" / "pipe.yaml")
    return ["build", "-w", str(ws), "--blueprint", str(ws / "templates" / "pipe.yaml"), "--seed", "1"], "pipe.yaml"


@case("blueprint", "link-to-dev-zero", subprocess=True)
def _(ws: Path):
    link_to_zero(ws / "templates" / "zero.yaml")
    return ["build", "-w", str(ws), "--blueprint", str(ws / "templates" / "zero.yaml"), "--seed", "1"], "zero.yaml"


@case("blueprint", "forms-path")
def _(ws: Path):
    return ["build", "-w", str(ws), "--forms", "../A", "--seed", "1"], "--forms"


@case("blueprint", "reference-docx-not-docx")
def _(ws: Path):
    (ws / "templates" / "ref.docx").write_text("not a document")
    path = ws / "templates" / "bad.yaml"
    path.write_text(BLUEPRINT + "layout:\n  reference_docx: templates/ref.docx\n", encoding="utf-8")
    return ["build", "-w", str(ws), "--blueprint", str(path), "--seed", "1", "--out", str(ws / "new")], "ref.docx"


@case("blueprint", "reference-docx-bomb", subprocess=True)
def _(ws: Path):
    zip_bomb(ws / "templates" / "ref.docx", {"[Content_Types].xml": b"<Types/>"}, "word/document.xml", 300)
    path = ws / "templates" / "bad.yaml"
    path.write_text(BLUEPRINT + "layout:\n  reference_docx: templates/ref.docx\n", encoding="utf-8")
    return ["build", "-w", str(ws), "--blueprint", str(path), "--seed", "1", "--out", str(ws / "new")], "ref.docx"


@case("blueprint", "rebuild-without-force")
def _(ws: Path):
    return ["build", "-w", str(ws), "--seed", "2"], str(ws / "output" / "default")


@case("blueprint", "rebuild-over-grading-files")
def _(ws: Path):
    path = ws / "templates" / "bad.yaml"
    path.write_text(BLUEPRINT.replace("paper_id: t", "paper_id: mini"), encoding="utf-8")
    return ["build", "-w", str(ws), "--blueprint", str(path), "--seed", "1", "--force"], str(ws / "output" / "mini")


# --- Rosters: examgen sheets --roster ---------------------------------------------------


def _sheets_args(ws: Path, roster: Path, *extra: str) -> list[str]:
    return ["sheets", str(manifest(ws)), "--roster", str(roster), *DATE, "--out", str(ws / "new"), *extra]


def _roster_xlsx(ws: Path, rows: list[list[object]], name: str = "roster.xlsx", merge: str = "") -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "名单"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    path = ws / name
    wb.save(path)
    return path


HEADER = ["准考证号", "姓名", "单位"]


def _roster_case(name: str, rows: list[list[object]], place: str, *extra: str) -> None:
    @case("roster", name)
    def setup(ws: Path) -> tuple[list[str], str]:
        return _sheets_args(ws, _roster_xlsx(ws, rows), *extra), place


for _name, _rows, _place in [
    ("id-18-digits-number", [HEADER, [123456789012345678, "张三", "北京"]], "roster.xlsx!名单!A2"),
    ("id-16-digits-number", [HEADER, ["2026001", "张三", "北京"], [1234567890123456, "李四", "上海"]], "roster.xlsx!名单!A3"),
    ("id-scientific-text", [HEADER, ["1.23457E+17", "张三", "北京"]], "roster.xlsx!名单!A2"),
    ("id-duplicate", [HEADER, ["2026001", "张三", "北京"], ["2026001", "李四", "上海"]], "roster.xlsx!名单!A3"),
    ("id-missing", [HEADER, ["2026001", "张三", "北京"], [None, "李四", "上海"]], "roster.xlsx!名单!A3"),
    ("name-missing", [HEADER, ["2026001", None, "北京"]], "roster.xlsx!名单!B2"),
    ("no-header", [["甲", "乙"], ["1", "2"]], "roster.xlsx"),
    ("empty", [], "roster.xlsx"),
    ("header-only", [HEADER], "roster.xlsx!名单"),
]:
    _roster_case(_name, _rows, _place)


def _roster_file_case(name: str, make: Callable[[Path], None], file: str = "roster.xlsx", **options) -> None:
    @case("roster", name, **options)
    def setup(ws: Path) -> tuple[list[str], str]:
        make(ws / file)
        return _sheets_args(ws, ws / file), file


_roster_file_case("old-xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)))
_roster_file_case("encrypted", encrypted_ole)
_roster_file_case("ods", lambda p: _write_zip(p, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}))
_roster_file_case("plain-zip", lambda p: _write_zip(p, {"a.txt": b"hello"}))
_roster_file_case("truncated-xlsx", lambda p: p.write_bytes(_xlsx_bytes()[:300]))
_roster_file_case("broken-sheet-xml", lambda p: (p.write_bytes(_xlsx_bytes()), patch_zip(p, "xl/worksheets/sheet1.xml", lambda t: t[: len(t) // 2])))
_roster_file_case("entity-bomb-xml", lambda p: (p.write_bytes(_xlsx_bytes()), patch_zip(p, "xl/worksheets/sheet1.xml", lambda t: with_doctype(t).replace("准考证号", "&lol4;"))))
_roster_file_case("zip-bomb", lambda p: zip_bomb(p, minimal_xlsx_parts(), "xl/worksheets/sheet1.xml", 400), subprocess=True)
_roster_file_case("too-many-parts", lambda p: _write_zip(p, {**minimal_xlsx_parts(), **{f"x/{i}.xml": b"" for i in range(6000)}}))
_roster_file_case("fifo", fifo, file="r.csv")
_roster_file_case("link-to-dev-zero", link_to_zero, file="r.csv", subprocess=True)
_roster_file_case("folder", lambda p: p.mkdir(), file="r.csv")
_roster_file_case("csv-control-char-name", lambda p: p.write_text("准考证号,姓名,单位\n2026001,张\x01三,北京\n"), file="r.csv")
_roster_file_case("csv-control-char-unit", lambda p: p.write_text("准考证号,姓名,单位\n2026001,张三,北\x7f京\n"), file="r.csv")
_roster_file_case("csv-nul", lambda p: p.write_text("准考证号,姓名,单位\n2026001,张三\x00,北京\n"), file="r.csv")
_roster_file_case("utf16-lone-surrogate", lambda p: p.write_bytes(b"\xff\xfe" + "准考证号,姓名\n1,".encode("utf-16-le") + b"\x00\xd8"), file="r.csv")
_roster_file_case("missing", lambda p: None, file="nobody.csv")
_roster_file_case("csv-not-text", lambda p: p.write_bytes(b"\x81\x30\xff\xfe\x00" * 100), file="roster.csv")
_roster_file_case("csv-too-large", lambda p: p.write_text("准考证号,姓名,单位\n" + "2026001,张三,北京\n" * 200_000), file="r.csv", env={"EXAMGEN_MAX_INPUT_MB": "1"})
_roster_file_case("csv-scientific-id", lambda p: p.write_text("准考证号,姓名,单位\n1.23457E+17,张三,北京\n"), file="r.csv")
_roster_file_case("csv-duplicate-id", lambda p: p.write_text("准考证号,姓名,单位\n2026001,张三,北京\n2026001,李四,上海\n"), file="r.csv")


@case("roster", "anonymize-duplicate-code")
def _(ws: Path):
    path = _roster_xlsx(ws, [["准考证号", "姓名", "单位", "密号"], ["2026001", "张三", "北京", "K1"], ["2026002", "李四", "上海", "K1"]], "codes.xlsx")
    return _sheets_args(ws, path, "--anonymize"), "codes.xlsx!名单!D3"


@case("roster", "sheets-over-the-roster")
def _(ws: Path):
    roster = ws / "output" / "mini" / "sheets" / "A-judge-1.xlsx"
    shutil.copy(ws / "roster.csv", ws / "r.csv")
    return ["sheets", str(manifest(ws)), "--roster", str(roster), *DATE, "--force"], str(roster)


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(["2026001", "张三", "北京"])
    wb.save(buffer)
    return buffer.getvalue()


# --- Score sheets: examgen grade --------------------------------------------------------


def _sheet_case(name: str, change: Callable[[Path], None], place: str, *extra: str, **options) -> None:
    @case("sheet", name, **options)
    def setup(ws: Path) -> tuple[list[str], str]:
        first = sheets(ws)[0]
        change(first)
        return grade_args(ws, *extra), place.format(sheet=first.name)


for _name, _value, _cell in [
    ("above-maximum", 6, "E8"),
    ("negative", -1, "E8"),
    ("not-a-number", "五分", "E8"),
    ("nan-text", "nan", "F9"),
    ("inf-text", "inf", "G10"),
    ("off-step", 2.3, "E8"),
    ("huge-number", 1e308, "H8"),
    ("long-text-30000", "分" * 30000, "E8"),
    ("boolean", True, "E8"),
    ("date", datetime.datetime(2026, 5, 1), "E8"),
]:
    _sheet_case(_name, lambda p, v=_value, c=_cell: _set_cell(p, c, v), "{sheet}!评分!" + _cell)


def _set_cell(path: Path, ref: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb.active[ref] = value
    wb.save(path)


for _name, _xml in [
    ("external-workbook-ref", '<c r="E8"><f>[1]Sheet1!A1</f><v>5</v></c>'),
    ("other-sheet-ref", '<c r="E8"><f>Sheet2!A1</f><v>5</v></c>'),
    ("external-path-ref", "<c r=\"E8\"><f>'C:\\x\\[a.xlsx]S'!A1</f><v>5</v></c>"),
    ("formula-no-value", '<c r="E8"><f>1+1</f></c>'),
]:
    _sheet_case(_name, lambda p, x=_xml: set_cell_xml(p, "E8", x), "{sheet}!评分!E8")

_sheet_case("duplicate-row", lambda p: _set_cell(p, "B9", "2026001"), "{sheet}!评分!B9")
_sheet_case("marks-without-id", lambda p: _set_cell(p, "B9", None), "{sheet}!评分!B9")
_sheet_case("other-paper", lambda p: _set_cell(p, "C3", "other"), "{sheet}!评分")
_sheet_case("old-xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)), "{sheet}")
_sheet_case("encrypted", encrypted_ole, "{sheet}")
_sheet_case("truncated", lambda p: p.write_bytes(p.read_bytes()[:1000]), "{sheet}")
_sheet_case("not-a-workbook", lambda p: p.write_text("judge's notes"), "{sheet}")
_sheet_case("zip-bomb", lambda p: zip_bomb(p, minimal_xlsx_parts(), "xl/worksheets/sheet1.xml", 400), "{sheet}", subprocess=True)
_sheet_case("entity-bomb", lambda p: patch_zip(p, "xl/worksheets/sheet1.xml", lambda t: with_doctype(t)), "{sheet}")
_sheet_case("broken-xml", lambda p: patch_zip(p, "xl/worksheets/sheet1.xml", lambda t: t[:-40]), "{sheet}")
_sheet_case("no-judge", lambda p: (_set_cell(p, "E3", None), _set_cell(p, "F2", None)), "{sheet}!评分!F2")
_sheet_case("far-cell-and-bad-mark", lambda p: (set_marks(p, {("2026001", "一.1"): 9}), _set_cell(p, "A1048576", "x")), "{sheet}!评分!E8", subprocess=True)


@case("sheet", "missing-file")
def _(ws: Path):
    return [*grade_args(ws), str(ws / "gone.xlsx")], "gone.xlsx"


@case("sheet", "folder")
def _(ws: Path):
    (ws / "folder.xlsx").mkdir()
    return [*grade_args(ws), str(ws / "folder.xlsx")], "folder.xlsx"


@case("sheet", "fifo")
def _(ws: Path):
    fifo(ws / "pipe.xlsx")
    return [*grade_args(ws), str(ws / "pipe.xlsx")], "pipe.xlsx"


@case("sheet", "output-is-a-sheet")
def _(ws: Path):
    first = sheets(ws)[0]
    target = first.parent / "results.xlsx"
    shutil.copy(first, target)
    first.unlink()
    return [*grade_args(ws), "--out", str(first.parent), "--force"], str(target)


@case("sheet", "output-is-the-roster")
def _(ws: Path):
    roster = ws / "output" / "mini" / "results.xlsx"
    _roster_xlsx(ws, [HEADER, *[[f"202600{i}", n, "北京"] for i, n in enumerate("张李王赵钱", 1)]], "output/mini/results.xlsx")
    return [*grade_args(ws), "--roster", str(roster), "--force"], str(roster)


@case("sheet", "results-exist")
def _(ws: Path):
    (ws / "output" / "mini" / "results.docx").write_bytes(b"old")
    return grade_args(ws), "results"


# --- Imports: examgen bank import -------------------------------------------------------


def _import_args(ws: Path, source: Path, *extra: str) -> list[str]:
    return ["bank", "import", "-w", str(ws), str(source), "--out", str(ws / "banks" / "new.yaml"), *extra]


def _import_case(name: str, file: str, make: Callable[[Path], None], *extra: str, place: str = "", **options) -> None:
    @case("import", name, **options)
    def setup(ws: Path) -> tuple[list[str], str]:
        path = ws / "docs" / file
        make(path)
        return _import_args(ws, path, *extra), place or file


def _docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_then(change: Callable[[str], str], *paragraphs: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(_docx_bytes(*paragraphs))
        patch_zip(path, "word/document.xml", change)

    return make


_import_case("empty-text", "a.txt", lambda p: p.write_text(""))
_import_case("blank-lines", "a.txt", lambda p: p.write_text("\n \n\u3000\n"))
_import_case("prose-only", "a.txt", lambda p: p.write_text("本文件是培训通知，请各单位按时参加。\n地点另行通知。\n"))
_import_case("empty-docx", "a.docx", lambda p: p.write_bytes(_docx_bytes()))
_import_case("docx-prose-only", "a.docx", lambda p: p.write_bytes(_docx_bytes("通知", "请按时参加培训。")))
_import_case("docx-in-text-boxes", "a.docx", _docx_then(lambda t: t.replace("<w:t>1．什么是首问负责制？</w:t>", "<w:t></w:t>"), ""))
_import_case("docx-broken-xml", "a.docx", _docx_then(lambda t: t[: len(t) // 2], "1．什么是首问负责制？"))
_import_case("docx-entity-bomb", "a.docx", _docx_then(lambda t: with_doctype(t), "1．问题"))
_import_case("docx-is-doc", "a.docx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)))
_import_case("docx-truncated", "a.docx", lambda p: p.write_bytes(_docx_bytes("1．问题")[:500]))
_import_case("docx-zip-bomb", "a.docx", lambda p: zip_bomb(p, {"[Content_Types].xml": b"<Types/>"}, "word/document.xml", 400), subprocess=True)
_import_case("xlsx-encrypted", "a.xlsx", encrypted_ole)
_import_case("xlsx-old", "a.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)))
_import_case("xlsx-empty", "a.xlsx", lambda p: openpyxl.Workbook().save(p))
_import_case("xlsx-zip-bomb", "a.xlsx", lambda p: zip_bomb(p, minimal_xlsx_parts(), "xl/worksheets/sheet1.xml", 400), subprocess=True)
_import_case("csv-empty", "a.csv", lambda p: p.write_text(""))
_import_case("text-not-chinese-encoding", "a.txt", lambda p: p.write_bytes(b"\x81\x30\xff\xfe" * 50))
_import_case("text-too-large", "a.txt", lambda p: p.write_text("1．问题？\n答：要点。\n" * 300_000), env={"EXAMGEN_MAX_INPUT_MB": "2"})
_import_case("pdf", "a.pdf", lambda p: p.write_bytes(b"%PDF-1.4"))
_import_case("fifo", "a.txt", fifo)
_import_case("link-to-dev-zero", "a.txt", link_to_zero, subprocess=True)
_import_case("missing", "gone.txt", lambda p: None)


@case("import", "a-folder")
def _(ws: Path):
    return _import_args(ws, ws / "docs"), "docs"


@case("import", "report-is-out")
def _(ws: Path):
    source = ws / "docs" / "a.txt"
    source.write_text("1．什么是首问负责制？\n答：第一位受理的员工负责到底。\n")
    target = ws / "banks" / "interview.yaml"
    return ["bank", "import", "-w", str(ws), str(source), "--out", str(target), "--report", str(target), "--force"], str(target)


@case("import", "out-is-the-source")
def _(ws: Path):
    source = ws / "docs" / "a.txt"
    source.write_text("1．什么是首问负责制？\n答：第一位受理的员工负责到底。\n")
    return ["bank", "import", "-w", str(ws), str(source), "--out", str(source), "--force"], str(source)


@case("import", "report-is-the-source")
def _(ws: Path):
    source = ws / "docs" / "a.txt"
    source.write_text("1．什么是首问负责制？\n答：第一位受理的员工负责到底。\n")
    return [*_import_args(ws, source), "--report", str(source)], str(source)


@case("import", "out-exists")
def _(ws: Path):
    source = ws / "docs" / "a.txt"
    source.write_text("1．什么是首问负责制？\n答：第一位受理的员工负责到底。\n")
    return ["bank", "import", "-w", str(ws), str(source), "--out", str(ws / "banks" / "interview.yaml")], "interview.yaml"


# --- Manifests: examgen verify, sheets, grade ----------------------------------------------


def _edit_manifest(path: Path, change: Callable[[dict], None]) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _verify_case(name: str, change: Callable[[Path], None], place: str = "manifest.json", **options) -> None:
    @case("manifest", f"verify-{name}", **options)
    def setup(ws: Path) -> tuple[list[str], str]:
        folder = ws / "output" / "default"
        change(folder / "manifest.json")
        return ["verify", str(folder)], place


def _document(record: dict, name: object) -> None:
    record["forms"][0]["documents"]["paper"]["file"] = name


_verify_case("parent-path", lambda p: _edit_manifest(p, lambda r: _document(r, "../mini/manifest.json")))
_verify_case("absolute-path", lambda p: _edit_manifest(p, lambda r: _document(r, "/etc/hostname")))
_verify_case("file-not-text", lambda p: _edit_manifest(p, lambda r: _document(r, 7)))
_verify_case("documents-list", lambda p: _edit_manifest(p, lambda r: r["forms"][0].update(documents=[1])))
_verify_case("forms-text", lambda p: _edit_manifest(p, lambda r: r.update(forms="A")))
_verify_case("format-2", lambda p: _edit_manifest(p, lambda r: r.update(format=2)))
_verify_case("a-list", lambda p: p.write_text("[1, 2]"))
_verify_case("not-json", lambda p: p.write_text("{'format': 1,"), place="manifest.json:1")
_verify_case("nan-constant", lambda p: p.write_text('{"format": 1, "forms": [], "total": NaN}'))
_verify_case("deep-nesting", lambda p: p.write_text('{"format": 1, "forms": ' + "[" * 100_000 + "]" * 100_000 + "}"))
_verify_case("not-utf8", lambda p: p.write_bytes('{"标题": 1}'.encode("gbk")))
_verify_case("empty", lambda p: p.write_text(""))
_verify_case("paper-changed", lambda p: (p.parent / "paper-A.docx").write_bytes(b"changed"), place="1 of 2")
_verify_case("paper-missing", lambda p: (p.parent / "key-A.docx").unlink(), place="1 of 2")
_verify_case("fifo", lambda p: (p.unlink(), fifo(p)))
_verify_case("too-large", lambda p: p.write_text(" " * (2 * 1024 * 1024)), env={"EXAMGEN_MAX_INPUT_MB": "1"})


@case("manifest", "verify-rehashed-paper")
def _(ws: Path):
    folder = ws / "output" / "default"
    before = _sha(folder / "manifest.json")
    (folder / "paper-A.docx").write_bytes(b"a different paper")
    _edit_manifest(folder / "manifest.json", lambda r: r["forms"][0]["documents"]["paper"].update(sha256=_sha(folder / "paper-A.docx")))
    return ["verify", str(folder), "--expect", before], "manifest.json"


@case("manifest", "verify-missing-folder")
def _(ws: Path):
    return ["verify", str(ws / "output" / "nothing")], "nothing"


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _grading_manifest_case(name: str, change: Callable[[dict], None], command: str = "sheets") -> None:
    @case("manifest", f"{command}-{name}")
    def setup(ws: Path) -> tuple[list[str], str]:
        _edit_manifest(manifest(ws), change)
        if command == "sheets":
            return _sheets_args(ws, ws / "roster.csv"), "manifest.json"
        return grade_args(ws), "manifest.json"


for _command in ("sheets", "grade"):
    _grading_manifest_case("form-path", lambda r: r["forms"][0].update(form="../../x"), _command)
    _grading_manifest_case("points-nan", lambda r: r["forms"][0]["sections"][0]["questions"][0].update(points="NaN"), _command)
    _grading_manifest_case("no-forms", lambda r: r.update(forms=[]), _command)
    _grading_manifest_case("sections-missing", lambda r: r["forms"][0].pop("sections"), _command)
    _grading_manifest_case("blueprint-text", lambda r: r.update(blueprint="x", paper_id=None), _command)
    _grading_manifest_case("grading-nonsense", lambda r: r.update(grading={"judges": "many"}), _command)
    _grading_manifest_case("questions-not-list", lambda r: r["forms"][0]["sections"][0].update(questions=5), _command)


@case("manifest", "grade-manifest-fifo")
def _(ws: Path):
    path = ws / "output" / "mini" / "pipe.json"
    fifo(path)
    return ["grade", str(path), *map(str, sheets(ws)), *DATE], "pipe.json"


@case("manifest", "grade-manifest-is-a-sheet")
def _(ws: Path):
    return ["grade", str(sheets(ws)[0]), *map(str, sheets(ws)[1:]), *DATE], "manifest"
