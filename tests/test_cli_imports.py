"""`examgen --help` and `--version` start fast: they import none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "docx", "openpyxl", "yaml", "lxml", "opencc", "matplotlib", "python_calamine", "rapidfuzz",
    "examgen.bank", "examgen.grading", "examgen.paper", "examgen.analysis",
)

PROBE = """
import sys
from examgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["bank", "--help"]])
def test_help_and_version_import_no_heavy_library(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1].split()
    heavy = [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert heavy == []
    assert "examgen.cli" in loaded


def test_a_command_still_loads_what_it_needs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "init", str(tmp_path / "ws")], capture_output=True, text=True, check=True
    )
    loaded = done.stdout.strip().splitlines()[-1].split()
    assert "examgen.paper.workspace" in loaded
    assert (tmp_path / "ws" / "banks").is_dir()


GRADE_PROBE = """
import sys
from examgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
print(" ".join(sorted(sys.modules)))
"""


def test_grading_examgen_sheets_imports_no_openpyxl(tmp_path):
    """`grade` of examgen's score sheets and an .xlsx roster reads them with calamine, writes results.xlsx itself."""
    import csv

    import openpyxl
    from click.testing import CliRunner

    from examgen.xlsxio import set_text
    from tests.grading.test_grading_cli import DATE, ROSTER, full, invoke, paper, set_marks

    manifest = paper(tmp_path)
    roster = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    for r, row in enumerate(csv.reader(ROSTER.read_text(encoding="utf-8-sig").splitlines()), start=1):
        for c, value in enumerate(row, start=1):
            set_text(book.active.cell(r, c), value)  # text, a name starting with "=" too
    book.save(roster)
    assert invoke(CliRunner(), "sheets", manifest, "--roster", roster, *DATE).exit_code == 0
    sheets = sorted((manifest.parent / "sheets").glob("*.xlsx"))
    for path in sheets:
        set_marks(path, {}, full)
    out = tmp_path / "results"
    args = ["grade", str(manifest), *map(str, sheets), "--roster", str(roster), *DATE, "--out", str(out)]
    done = subprocess.run([sys.executable, "-c", GRADE_PROBE, *args], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1].split()
    assert [m for m in loaded if m.split(".")[0] in ("openpyxl", "numpy", "PIL")] == []
    assert "python_calamine" in loaded and "docx" in loaded  # the 公示 needs python-docx
    ranks = openpyxl.load_workbook(out / "results.xlsx").worksheets[0]
    assert ranks.max_row > 5  # five contestants ranked
