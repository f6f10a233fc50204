"""The package layout: imports point one way, and each file format has named owners."""

from __future__ import annotations

import ast
from pathlib import Path

import examgen
from tests.conftest import REPO

PACKAGE = Path(examgen.__file__).resolve().parent

#: Level of each stage; a module may import its own stage and lower levels only.
LEVELS = {"": 0, "bank": 1, "render": 1, "paper": 2, "grading": 3, "analysis": 4, "cli": 5}

#: The modules allowed to import each file-format library (docs/architecture.md lists them).
FORMAT_OWNERS = {
    "docx": {
        "render/docx_base.py",
        "render/interview.py",
        "render/results.py",
        "bank/importer/docx_reader.py",
        "analysis/report.py",
    },
    "openpyxl": {
        "xlsxio.py",
        "bank/export.py",
        "grading/score_sheets.py",
        "grading/sheet_reader.py",
        "grading/entry_sheets.py",
        "analysis/workbook.py",
    },
    "yaml": {"yamlio.py", "bank/load.py", "bank/bank_yaml.py", "paper/blueprint.py", "grading/contest.py", "grading/foreign_reader.py"},
    "python_calamine": {"grading/foreign_reader.py"},
    "matplotlib": {"analysis/charts.py"},
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "samples" not in p.parts)


def _stage(relative: str) -> str:
    """Return the stage of a module path relative to the package ('' for shared ground)."""
    first = relative.split("/")[0]
    if first in ("cli.py", "__main__.py"):
        return "cli"
    return first if "/" in relative else ""


def _stage_of_import(name: str) -> str:
    parts = name.split(".")[1:]
    if not parts:
        return ""  # `from examgen import __version__`
    if parts[0] in ("cli", "__main__"):
        return "cli"
    return parts[0] if parts[0] in LEVELS else ""


def _imports(path: Path) -> list[str]:
    """Return every module name ``path`` imports, including imports inside functions."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_module_imports_a_later_stage_or_the_cli():
    wrong = []
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        stage = _stage(relative)
        for name in _imports(path):
            if name != "examgen" and not name.startswith("examgen."):
                continue
            target = _stage_of_import(name)
            if target == stage:
                continue
            if target == "cli" or LEVELS[target] >= LEVELS[stage]:
                wrong.append(f"{relative} imports {name}")
    assert wrong == []


def test_file_format_libraries_are_imported_only_by_their_owners():
    found: dict[str, set[str]] = {library: set() for library in FORMAT_OWNERS}
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        for name in _imports(path):
            library = name.split(".")[0]
            if library in found:
                found[library].add(relative)
    assert found == FORMAT_OWNERS


def test_architecture_page_lists_every_format_owner():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for owners in FORMAT_OWNERS.values():
        for module in owners:
            assert f"`{module}`" in page


def test_tests_mirror_the_package_stages():
    for stage in ("bank", "paper", "render", "grading", "analysis"):
        assert (PACKAGE / stage / "__init__.py").exists()
        assert list((REPO / "tests" / stage).glob("test_*.py")), stage
