"""The command line end to end: what a user types, what they see, what is left on disk."""

from __future__ import annotations

import json

import click

from examgen.cli import main

from .conftest import REPO


def test_build_writes_paper_key_and_manifest_and_prints_them(runner, workspace):
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "42"])
    assert result.exit_code == 0, result.output
    out = workspace / "output" / "default"
    assert "seed: 42\n" in result.stdout
    for name in ("paper-A.docx", "key-A.docx", "manifest.json"):
        assert f"wrote {out / name}\n" in result.stdout
        assert (out / name).stat().st_size > 0
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert record["seed"] == 42
    assert [f["form"] for f in record["forms"]] == ["A"]


def test_build_without_seed_draws_one_prints_and_records_it(runner, workspace):
    result = runner.invoke(main, ["build", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    line = next(li for li in result.stdout.splitlines() if li.startswith("seed: "))
    seed = int(line.split()[1])
    assert "drawn" in line
    record = json.loads((workspace / "output" / "default" / "manifest.json").read_text(encoding="utf-8"))
    assert record["seed"] == seed


def test_build_refuses_to_overwrite_without_force(runner, workspace):
    assert runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1"]).exit_code == 0
    before = (workspace / "output" / "default" / "manifest.json").read_bytes()
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "2"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: {workspace / 'output' / 'default'}: output folder already exists; nothing was written "
        "(pass --force to overwrite it, or --out to write elsewhere)"
    )
    assert (workspace / "output" / "default" / "manifest.json").read_bytes() == before
    forced = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "2", "--force"])
    assert forced.exit_code == 0
    assert json.loads((workspace / "output" / "default" / "manifest.json").read_text())["seed"] == 2


def test_build_other_blueprint_forms_and_out(runner, workspace, tmp_path):
    result = runner.invoke(
        main,
        ["build", "-w", str(workspace), "--seed", "3", "--blueprint", str(workspace / "templates" / "interview.yaml"),
         "--forms", "A,B", "--out", str(tmp_path / "elsewhere")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "elsewhere" / "interview"
    assert sorted(p.name for p in out.iterdir()) == [
        "interview-book-A.docx", "interview-book-B.docx", "interview-form-A.docx", "interview-form-B.docx",
        "key-A.docx", "key-B.docx", "manifest.json",
    ]  # fmt: skip


def test_a_bad_bank_gives_one_error_line_per_problem_exit_1_and_writes_nothing(runner, workspace):
    bank = workspace / "banks" / "short_answer.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("difficulty: 1\n", "difficulty: 8\n", 1), encoding="utf-8")
    line = text[: text.index("difficulty: 1\n")].count("\n") + 1
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1"])
    assert result.exit_code == 1
    assert f"error: {bank}:{line}: " in result.stderr
    assert "difficulty must be a whole number 1–5, not 8" in result.stderr
    assert "Traceback" not in result.output
    assert list((workspace / "output").iterdir()) == []


def test_an_impossible_blueprint_is_refused_naming_the_section(runner, workspace):
    blueprint = workspace / "templates" / "big.yaml"
    blueprint.write_text(
        "title: 大卷\ntotal: 400\nsections:\n  - name: 面试题\n    type: interview\n    count: 20\n    points: 20\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1", "--blueprint", str(blueprint)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {blueprint}:4: section 一、面试题 needs 20 questions of 20 points; the bank has 18 interview "
        "(面试/情景题) questions (add questions to the bank, widen the section's filters, or lower its count)\n"
    )
    assert list((workspace / "output").iterdir()) == []


def test_bad_forms_is_an_error_not_a_traceback(runner, workspace):
    result = runner.invoke(main, ["build", "-w", str(workspace), "--forms", "A,A"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --forms: bad form list 'A,A'")


def test_init_makes_a_workspace_that_builds(runner, tmp_path):
    target = tmp_path / "contest"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (target / "banks").iterdir()) == sorted(p.name for p in (REPO / "banks").iterdir())
    assert (target / "templates" / "default.yaml").exists()
    assert (target / "templates" / "reference.docx").exists()
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert runner.invoke(main, ["build", "-w", str(target), "--seed", "42"]).exit_code == 0


def test_verify_says_whether_documents_are_the_ones_built(runner, workspace):
    runner.invoke(main, ["build", "-w", str(workspace), "--seed", "42"])
    folder = workspace / "output" / "default"
    ok = runner.invoke(main, ["verify", str(folder)])
    assert ok.exit_code == 0
    assert "all 2 documents match the manifest" in ok.stdout
    with (folder / "paper-A.docx").open("ab") as f:
        f.write(b"tampered")
    bad = runner.invoke(main, ["verify", str(folder)])
    assert bad.exit_code == 1
    assert f"CHANGED  {folder / 'paper-A.docx'}" in bad.stdout
    assert "1 of 2 documents differ from the manifest" in bad.stderr


def test_bank_validate_summary_and_problem_list(runner, workspace):
    ok = runner.invoke(main, ["bank", "validate", "-w", str(workspace)])
    assert ok.exit_code == 0
    assert ok.stdout.startswith("ok: 390 questions in 7 files, no problems")
    broken = workspace / "banks" / "broken.yaml"
    broken.write_text("- id: B-1\n  type: essay\n", encoding="utf-8")
    bad = runner.invoke(main, ["bank", "validate", "-w", str(workspace)])
    assert bad.exit_code == 1
    lines = bad.stderr.splitlines()
    assert lines[0].startswith(f"error: {broken}:1: B-1: missing topic")
    assert lines[-1].endswith("problems found; nothing was written.")


def test_bank_stats_shows_type_by_topic_and_difficulty_tables(runner, workspace):
    result = runner.invoke(main, ["bank", "stats", "-w", str(workspace)])
    assert result.exit_code == 0
    assert "390 questions by type and topic:" in result.stdout
    assert "390 questions by type and difficulty:" in result.stdout
    row = next(li for li in result.stdout.splitlines() if li.startswith("interview"))
    assert row.split()[-1] == "18"


def test_every_command_has_help(runner):
    def walk(group: click.Group, prefix: list[str]):
        for name, command in group.commands.items():
            yield [*prefix, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*prefix, name])

    for path, command in walk(main, []):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert command.help, path


def test_the_package_samples_are_the_repository_samples():
    # `examgen init` copies examgen/samples; the repository is the sample workspace. Keep them equal:
    #   cp banks/*.yaml examgen/samples/banks/ && cp templates/* examgen/samples/templates/
    for folder in ("banks", "templates"):
        shipped = {p.name: p.read_bytes() for p in (REPO / "examgen" / "samples" / folder).iterdir()}
        repo = {p.name: p.read_bytes() for p in (REPO / folder).iterdir()}
        assert shipped == repo, folder
    for name in ("contest.yaml", "roster.csv"):  # cp contest.yaml roster.csv examgen/samples/
        assert (REPO / "examgen" / "samples" / name).read_bytes() == (REPO / name).read_bytes(), name


def test_build_force_never_deletes_judges_sheets(runner, workspace):
    assert runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1"]).exit_code == 0
    folder = workspace / "output" / "default"
    (folder / "sheets").mkdir()
    (folder / "sheets" / "A-judge-1.xlsx").write_bytes(b"filled by a judge")
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "2", "--force"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: {folder}: holds files a rebuild would delete (sheets); nothing was written "
        "(build into another folder with --out, or move the grading files away first)"
    )
    assert (folder / "sheets" / "A-judge-1.xlsx").read_bytes() == b"filled by a judge"
