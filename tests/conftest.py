"""Shared fixtures: a fresh sample workspace and a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from examgen.paper.workspace import init_workspace

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True, scope="session")
def english_messages_for_shared_fixtures():
    """Speak English in module- and session-scoped fixtures too (they run before ``english_messages``)."""
    previous = os.environ.get("EXAMGEN_LANG")
    os.environ["EXAMGEN_LANG"] = "en"
    yield
    if previous is None:
        os.environ.pop("EXAMGEN_LANG", None)
    else:
        os.environ["EXAMGEN_LANG"] = previous


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Run each test in English, the language its assertions are written in.

    Chinese is the default for users; tests/test_i18n.py and the tests that check Chinese
    output choose it themselves (``EXAMGEN_LANG=zh`` or ``--lang zh``).
    """
    from examgen.i18n import set_language

    monkeypatch.setenv("EXAMGEN_LANG", "en")
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def chinese_messages(monkeypatch):
    """Run a test in Chinese, the users' language: for tests asserting on Chinese reports."""
    from examgen.i18n import set_language

    monkeypatch.setenv("EXAMGEN_LANG", "zh")
    set_language(None)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a new workspace made from the samples shipped in the package."""
    target = tmp_path / "ws"
    init_workspace(target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    """Return a folder with a copy of tests/data/bank_small.yaml as its only bank."""
    folder = tmp_path / "banks"
    folder.mkdir()
    shutil.copy(DATA / "bank_small.yaml", folder / "small.yaml")
    return folder
