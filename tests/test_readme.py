"""The README's grading section runs top to bottom, as written, in a workspace from `examgen init`."""

from __future__ import annotations

import glob
import json
import os
import random
import re
import shlex
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from examgen.cli import main
from tests.grading.test_objective_e2e import fill_entries

REPO = Path(__file__).resolve().parent.parent


#: The README in each language, and the heading of its grading section.
READMES = {"README.md": "## 评分", "README.en.md": "## Grading"}


def grading_commands(readme: str = "README.md") -> list[str]:
    """Return the lines of the first bash block of a README's grading section."""
    text = (REPO / readme).read_text(encoding="utf-8")
    section = text[text.index(READMES[readme]):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def commands(readme: str) -> list[str]:
    """Return every command line of a README's bash blocks, without its comment."""
    text = (REPO / readme).read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = line.split(" #", 1)[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_both_readmes_give_the_same_commands():
    chinese, english = commands("README.md"), commands("README.en.md")
    assert chinese == english
    assert len(chinese) > 20
    # The two set-up commands are the first lines of both.
    for readme in READMES:
        head = (REPO / readme).read_text(encoding="utf-8").splitlines()[:5]
        assert head[3:5] == chinese[:2], readme


def test_both_readmes_show_the_same_pictures_and_documents():
    def links(readme: str) -> list[str]:
        return re.findall(r"\]\(([^)]+)\)", (REPO / readme).read_text(encoding="utf-8"))

    assert [x for x in links("README.md") if x != "README.en.md"] == [x for x in links("README.en.md") if x != "README.md"]
    for target in links("README.md"):
        assert (REPO / target.split("#")[0]).exists(), target


def fill_every_sheet(folder: Path) -> None:
    """Type marks as judges do (every open white cell a valid mark), and answers twice as operators do."""
    rng = random.Random(9)
    for manifest in sorted(folder.glob("output/*/manifest.json")):
        entries = sorted(manifest.parent.glob("sheets/entry-*.xlsx"))
        if entries:
            fill_entries(entries, json.loads(manifest.read_text(encoding="utf-8")), seed=9)
    for path in sorted(folder.glob("output/*/sheets/*.xlsx")):
        if path.name.startswith("entry-"):
            continue
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        maxima = {c: ws.cell(7, c).value for c in range(1, ws.max_column + 1)}
        for r in range(8, ws.max_row + 1):
            if not ws.cell(r, 2).value:
                continue
            for c in range(5, ws.max_column + 1):
                if ws.cell(5, c).value != "总分" and isinstance(maxima[c], int | float) and ws.cell(r, c).value is None:
                    ws.cell(r, c).value = rng.randint(int(maxima[c]), int(maxima[c]) * 2) / 2
        wb.save(path)


@pytest.mark.filterwarnings("ignore")
def test_readme_grading_section_runs_as_written(tmp_path):
    runner = CliRunner()
    lines = grading_commands()
    assert [line.split("#")[0].strip() for line in lines if not line.startswith("#")] == [
        line.split("#")[0].strip() for line in grading_commands("README.en.md") if not line.startswith("#")
    ]
    assert lines[0].startswith("examgen init 2026-contest && cd 2026-contest")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for line in lines:
            if line.startswith("#"):
                fill_every_sheet(tmp_path / "2026-contest")  # the judges' part
                continue
            command = line.split("#", 1)[0].strip()
            for part in command.split("&&"):
                words = shlex.split(part)
                if words[0] == "cd":
                    os.chdir(words[1])
                    continue
                assert words[0] == "examgen", line
                args = [m for w in words[1:] for m in (sorted(glob.glob(w)) if "*" in w else [w])]
                result = runner.invoke(main, args, catch_exceptions=False)
                assert result.exit_code == 0, f"{line}\n{result.output}"
        assert Path("results.docx").exists() and Path("output/default/results.docx").exists()
    finally:
        os.chdir(cwd)
