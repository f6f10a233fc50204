"""Kill safety and races: a SIGKILL at any step leaves the old outputs or the new ones.

The test hook EXAMGEN_TEST_KILL_AFTER=N makes examgen/outputs.py kill its own process
with SIGKILL after its Nth file-system step (a file written, a rename, the journal).
Each command is killed at every step in turn; after the next run's recovery the output
folder must hold exactly the old set of files or exactly the new one, and no temporary.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from examgen.cli import main
from examgen.outputs import KILL_AFTER_ENV, TEMP_TAG, output_lock
from tests.bad_inputs import make_base, manifest, sheets
from tests.test_bad_inputs import snapshot

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def examgen(argv: list[str], *, kill_after: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop(KILL_AFTER_ENV, None)
    if kill_after is not None:
        env[KILL_AFTER_ENV] = str(kill_after)
    return subprocess.run(
        [sys.executable, "-m", "examgen.cli", *argv], capture_output=True, text=True, env=env, timeout=120,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_base(tmp_path_factory.mktemp("kill-base"))


def files_of(folder: Path) -> dict[str, object]:
    """Return the files under ``folder`` and their bytes (an empty folder holds no data)."""
    return {k: v for k, v in snapshot(folder).items() if isinstance(v, bytes)}


def kill_at_every_step(base: Path, tmp_path: Path, argv_of, folder_of, recover_folders_of) -> list[dict]:
    """Kill the command at step 1, 2, … until it completes; return the states seen after recovery.

    The first state is the old one (before any run), the last the new one.
    """
    # Always the same path: the manifest records the blueprint's path.
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    old = files_of(folder_of(ws))
    states = []
    for step in range(1, 40):
        shutil.rmtree(ws)
        shutil.copytree(base, ws, symlinks=True)
        done = examgen(argv_of(ws), kill_after=step)
        for folder in recover_folders_of(ws):
            with output_lock(folder, [p for p in folder.iterdir() if p.is_dir()]):
                pass  # what the next run into the folder does first
        state = files_of(folder_of(ws))
        assert not [k for k in state if TEMP_TAG in k], state.keys()
        states.append(state)
        if done.returncode != -signal.SIGKILL:
            assert done.returncode == 0, done.stderr
            break
    else:
        pytest.fail("the command never completed")
    new = states[-1]
    assert new != old
    assert len(states) > 3  # it was really killed part-way, several times
    for step, state in enumerate(states, start=1):
        assert state in (old, new), f"killed after step {step}: neither old nor new"
    return states


def test_a_killed_rebuild_leaves_the_old_paper_or_the_new(base, tmp_path):
    kill_at_every_step(
        base, tmp_path,
        lambda ws: ["build", "-w", str(ws), "--seed", "2", "--force"],
        lambda ws: ws / "output",
        lambda ws: [ws / "output"],
    )


def test_killed_grading_never_leaves_new_results_beside_old_ones(base, tmp_path):
    def graded(ws: Path, day: str) -> list[str]:
        return ["grade", str(manifest(ws)), *map(str, sheets(ws)), "--date", day, "--force"]

    first = CliRunner().invoke(main, graded(base, "2026-05-01"))
    assert first.exit_code == 0, first.output
    try:
        kill_at_every_step(
            base, tmp_path,
            lambda ws: graded(ws, "2026-05-02"),
            lambda ws: manifest(ws).parent,
            lambda ws: [manifest(ws).parent],
        )
    finally:
        for name in ("results.xlsx", "results.docx"):
            (manifest(base).parent / name).unlink()


def test_killed_anonymised_sheets_never_leave_sheets_without_their_code_table(base, tmp_path):
    kill_at_every_step(
        base, tmp_path,
        lambda ws: ["sheets", str(manifest(ws)), "--roster", str(ws / "roster.csv"), "--anonymize",
                    "--judges", "1", "--seed", "3", "--date", "2026-05-01", "--out", str(manifest(ws).parent / "anon")],
        lambda ws: manifest(ws).parent,
        lambda ws: [manifest(ws).parent],
    )


def test_the_next_run_finishes_an_interrupted_write_and_says_so(base, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    argv = ["grade", str(manifest(ws)), *map(str, sheets(ws)), "--date", "2026-05-01"]
    killed = examgen(argv, kill_after=4)  # two temporaries and the journal written
    assert killed.returncode == -signal.SIGKILL
    leftovers = [p.name for p in manifest(ws).parent.iterdir() if TEMP_TAG in p.name]
    assert leftovers
    again = CliRunner().invoke(main, argv)
    assert again.exit_code == 1  # the results are there now: finished from the journal
    assert "warning: finished writing results.xlsx, results.docx" in again.stderr
    assert "already exists" in again.stderr
    assert not [p.name for p in manifest(ws).parent.iterdir() if TEMP_TAG in p.name]


def test_stale_temporaries_of_a_killed_run_are_removed_and_reported(base, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    argv = ["grade", str(manifest(ws)), *map(str, sheets(ws)), "--date", "2026-05-01"]
    assert examgen(argv, kill_after=1).returncode == -signal.SIGKILL
    again = CliRunner().invoke(main, argv)
    assert again.exit_code == 0, again.output
    assert "left behind by an interrupted run" in again.stderr
    names = sorted(p.name for p in manifest(ws).parent.iterdir())
    assert names == ["manifest.json", "results.docx", "results.xlsx", "sheets"]


def test_two_builds_into_one_folder_one_wins_and_the_other_writes_nothing(base, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    shutil.rmtree(ws / "output" / "default")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "examgen.cli", "build", "-w", str(ws), "--seed", str(seed)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for seed in (11, 12)
    ]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    winner = 11 if results[0][0] == 0 else 12
    loser_err = results[1 if winner == 11 else 0][2]
    assert "error:" in loser_err and "Traceback" not in loser_err
    assert f'"seed": {winner},' in (ws / "output" / "default" / "manifest.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in (ws / "output").iterdir()) == ["default", "mini"]


def test_a_build_finding_the_folder_locked_refuses(base, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    out = ws / "elsewhere"
    with output_lock(out):
        result = CliRunner().invoke(main, ["build", "-w", str(ws), "--seed", "5", "--out", str(out)])
        assert result.exit_code == 1
        assert sorted(p.name for p in out.iterdir()) == [".examgen.lock"]
    assert f"error: {out}: another examgen command is writing into this folder" in result.stderr
    assert list(out.iterdir()) == []
