"""Messages of the hostile-input checks: YAML safety, input files, outputs, rosters."""

from __future__ import annotations

import logging
import os

import openpyxl
import pytest
import yaml

from examgen.errors import ExamgenError, OutputError, SheetError
from examgen.grading.roster import read_roster
from examgen.inputs import check_zip, read_input
from examgen.numbers import to_decimal
from examgen.outputs import is_safe_name, refuse_inputs, write_outputs
from examgen.yamlio import MAX_DEPTH, check_yaml_tree, load_yaml


def _problem(text: str) -> tuple[str, int]:
    with pytest.raises(yaml.YAMLError) as info:
        load_yaml(text)
    return info.value.problem, info.value.problem_mark.line + 1


def test_yaml_alias_is_refused_where_it_is_used():
    assert _problem("a: &x 1\nb: [1, *x]\n") == (
        "uses an alias (*name) of an anchor (&name); write the value out in full", 2)


def test_yaml_duplicate_key_names_both_lines():
    assert _problem("a: 1\nb: 2\na: 3\n") == ("duplicate key 'a' (first on line 1); keep one of them", 3)


def test_yaml_deep_nesting_is_refused_not_a_recursion_error():
    assert _problem("[" * 10_000)[0] == f"lists and mappings nest deeper than {MAX_DEPTH} levels"
    assert load_yaml("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) is not None


def test_yaml_control_characters_are_refused():
    assert _problem('a: "x\\x01"')[0].startswith("text holds the control character U+0001")


def test_the_tree_check_also_catches_a_shared_node_from_another_composer():
    root = yaml.compose("a: &x [1]\nb: *x\n")  # PyYAML's own composer keeps the alias
    with pytest.raises(yaml.YAMLError, match="alias"):
        check_yaml_tree(root)


def test_nan_and_infinity_are_not_numbers():
    assert [to_decimal(v) for v in (float("nan"), float("inf"), "NaN", "-Infinity")] == [None] * 4


@pytest.mark.parametrize("name", ["../x", "/abs", "a/b", ".hidden", "x" * 65, "", "a b", "x."])
def test_unsafe_names(name):
    assert not is_safe_name(name)


@pytest.mark.parametrize("name", ["default", "2026-初赛", "A", "paper_1.v2"])
def test_safe_names(name):
    assert is_safe_name(name)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(ExamgenError) as info:
        read_input(tmp_path / "pipe.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'pipe.yaml'}: is not a regular file")


def test_the_size_limit_names_the_variable_that_raises_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMGEN_MAX_INPUT_MB", "1")
    (tmp_path / "big.txt").write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(ExamgenError, match="larger than 1 MB.*EXAMGEN_MAX_INPUT_MB=4"):
        read_input(tmp_path / "big.txt")


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.xml", b" " * (30 * 1024 * 1024))
    with pytest.raises(ExamgenError, match="times its size"):
        check_zip("a.xlsx", buffer.getvalue())


def test_an_output_that_is_an_input_is_refused(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("keep me")
    with pytest.raises(OutputError, match="is also an input of this command"):
        write_outputs([(source, b"new")], force=True, inputs=[source])
    with pytest.raises(OutputError, match="named twice as an output"):
        refuse_inputs([tmp_path / "r", tmp_path / "." / "r"], [])
    assert source.read_text() == "keep me"


def test_an_output_set_is_written_whole(tmp_path):
    write_outputs([(tmp_path / "a" / "x", b"1"), (tmp_path / "y", b"2")], force=False)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["a", "a/x", "y"]


def test_merged_unit_cells_belong_to_every_row_and_it_is_said(tmp_path, caplog):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["准考证号", "姓名", "单位"], ["1", "张三", "北京分公司"], ["2", "李四", None], ["3", "王五", None]):
        ws.append(row)
    ws.merge_cells("C2:C4")
    wb.save(tmp_path / "r.xlsx")
    with caplog.at_level(logging.WARNING, logger="examgen"):
        roster = read_roster(tmp_path / "r.xlsx")
    assert [c.unit for c in roster.contestants] == ["北京分公司"] * 3
    assert "merged cells C2:C4" in caplog.text


def test_an_18_digit_number_id_is_refused_with_the_cell(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["准考证号", "姓名", "单位"])
    wb.active.append([123456789012345678, "张三", "北京"])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(SheetError) as info:
        read_roster(tmp_path / "r.xlsx")
    assert str(info.value).startswith(f"{tmp_path / 'r.xlsx'}!Sheet!A2: “准考证号” 123456789012345")
    assert "format the column as text" in str(info.value)
