"""Outputs are staged and moved into place: a failure never leaves half a folder."""

from __future__ import annotations

import pytest

from examgen.errors import OutputError
from examgen.outputs import staged_folder, write_atomic


def test_a_failure_inside_the_stage_leaves_no_folder_and_no_temporary_files(tmp_path):
    target = tmp_path / "out" / "paper"
    with pytest.raises(RuntimeError):
        with staged_folder(target, force=False) as staging:
            (staging / "paper-A.docx").write_bytes(b"half")
            raise RuntimeError("renderer crashed")
    assert not target.exists()
    assert not (tmp_path / "out").exists()  # the folder made for it is removed too


def test_a_failure_while_forcing_keeps_the_old_outputs(tmp_path):
    target = tmp_path / "paper"
    target.mkdir()
    (target / "manifest.json").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_folder(target, force=True) as staging:
            (staging / "manifest.json").write_text("new")
            raise RuntimeError("boom")
    assert (target / "manifest.json").read_text() == "old"


def test_success_with_force_replaces_the_folder_whole(tmp_path):
    target = tmp_path / "paper"
    target.mkdir()
    (target / "stale.docx").write_text("old")
    with staged_folder(target, force=True) as staging:
        (staging / "manifest.json").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper"]
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]


def test_an_existing_folder_is_refused_without_force(tmp_path):
    (tmp_path / "paper").mkdir()
    with pytest.raises(OutputError) as info:
        with staged_folder(tmp_path / "paper", force=False):
            pass
    assert str(info.value).startswith(f"{tmp_path / 'paper'}: output folder already exists")


def test_write_atomic_leaves_only_the_final_file(tmp_path):
    write_atomic(tmp_path / "a" / "results.xlsx", b"data")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["results.xlsx"]
