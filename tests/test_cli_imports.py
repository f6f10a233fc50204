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
