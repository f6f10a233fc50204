"""Run the bad-input corpus (tests/bad_inputs.py): every case refused cleanly, nothing changed.

For each case: the exit code is the one expected, every ``error:`` line is short and one
of them names the place, no traceback appears, and every file of the workspace is
byte-identical afterwards (nothing written, nothing lost, no temporary left). Cases with
devices and bombs run in a subprocess under a memory limit and a timeout, the others
in-process under an alarm, so a regression fails instead of hanging or exhausting the
machine.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from examgen.cli import MAX_ERROR_LINE, main
from tests.bad_inputs import CASES, Case, make_base
from tests.language import english_words

#: Categories whose messages are translated, run again in Chinese (all of them once
#: every module's messages are in the catalogue).
CHINESE_CATEGORIES = {"bank", "import", "roster", "sheet", "blueprint", "manifest"}

#: Address-space limit of a subprocess case: far below what the bombs would take.
MEMORY_LIMIT = 1536 * 1024 * 1024
TIMEOUT = 60
ROOT = Path(__file__).resolve().parent.parent

_CHILD = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    "from examgen.cli import main\n"
    "sys.exit(main())\n"
)


def _timed_out(signum, frame):
    raise TimeoutError(f"no answer in {TIMEOUT} s (blocked on a FIFO?)")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_base(tmp_path_factory.mktemp("corpus-base"))


def snapshot(root: Path) -> dict[str, object]:
    """Return every entry under ``root`` with its kind and content (links and FIFOs not followed)."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            key = str(path.relative_to(root))
            if stat.S_ISLNK(mode):
                found[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                found[key] = path.read_bytes()
            else:
                found[key] = ("dir" if stat.S_ISDIR(mode) else "special", stat.S_IFMT(mode))
    return found


def run(case: Case, argv: list[str], language: str = "en") -> tuple[int, str, str]:
    """Return (exit code, stdout, stderr) of the command, in-process or in a limited subprocess."""
    if case.subprocess:
        env = {**os.environ, **case.env, "PYTHONPATH": os.pathsep.join(sys.path), "EXAMGEN_LANG": language}
        code = _CHILD.format(limit=MEMORY_LIMIT)
        done = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True,
            timeout=TIMEOUT, env=env, cwd=ROOT,
        )
        return done.returncode, done.stdout, done.stderr
    previous = signal.signal(signal.SIGALRM, _timed_out)
    signal.alarm(TIMEOUT)
    try:
        result = CliRunner().invoke(main, argv, env={**case.env, "EXAMGEN_LANG": language})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    trace = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.stdout, result.stderr + trace


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_cleanly(case: Case, base: Path, tmp_path: Path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    argv, place = case.setup(ws)
    before = snapshot(tmp_path)
    code, out, err = run(case, argv)
    assert "Traceback" not in err, err
    assert code == case.code, f"exit {code}\n{out}\n{err}"
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert errors, err
    assert any(place in line for line in errors), f"{place!r} not named in:\n{err}"
    assert all(len(line) <= len("error: ") + MAX_ERROR_LINE for line in errors)
    after = snapshot(tmp_path)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"changed: {changed}"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.category in CHINESE_CATEGORIES],
    ids=[c.id for c in CASES if c.category in CHINESE_CATEGORIES],
)
def test_bad_input_is_refused_in_chinese(case: Case, base: Path, tmp_path: Path):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws, symlinks=True)
    argv, place = case.setup(ws)
    code, out, err = run(case, argv, language="zh")
    assert "Traceback" not in err, err
    assert code == case.code, f"exit {code}\n{out}\n{err}"
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("错误：")]
    assert errors and not [line for line in lines if line.lower().startswith("error")], err
    # A place given as English words ("1 of 2") is checked by the English run only.
    if not (" " in place and re.search(r"[A-Za-z]{2}", place) and not re.search(r"[/.!:]", place)):
        assert any(place in line for line in errors), f"{place!r} not named in:\n{err}"
    english = [(line, english_words(line)) for line in err.splitlines() if english_words(line)]
    assert not english, english


def test_the_corpus_covers_every_kind_of_input():
    counts = collections.Counter(c.category for c in CASES)
    assert len(CASES) >= 120
    assert set(counts) == {"bank", "blueprint", "roster", "sheet", "import", "manifest"}
    assert min(counts.values()) >= 12
