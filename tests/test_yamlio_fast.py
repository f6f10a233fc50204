"""The libyaml loader: same values and line numbers as the Python one, same refusals."""

from __future__ import annotations

import gc

import pytest
import yaml

from examgen import yamlio
from examgen.bank.load import parse_bank_text
from tests.conftest import REPO

libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")


def both(text: str):
    """Return what the libyaml and the pure-Python loaders make of ``text``."""
    fast = yamlio._load(yamlio.FastLineLoader(text), fast=True)
    slow = yamlio._load(yamlio.LineLoader(text), fast=False)
    return fast, slow


def lines(value):
    """Return every mapping's line and key lines, depth first."""
    if isinstance(value, yamlio.LineMapping):
        found = [(value.line, dict(value.key_lines))]
        for child in value.values():
            found += lines(child)
        return found
    if isinstance(value, list):
        return [line for child in value for line in lines(child)]
    return []


@libyaml
@pytest.mark.parametrize("name", ["case_analysis.yaml", "short_answer.yaml", "practical.yaml"])
def test_the_sample_banks_load_to_the_same_values_and_lines(name):
    text = (REPO / "banks" / name).read_text(encoding="utf-8")
    fast, slow = both(text)
    assert fast == slow
    assert lines(fast) == lines(slow)
    assert lines(fast)[0][0] == 1 and len(lines(fast)) > 20


@libyaml
def test_load_yaml_takes_the_libyaml_path_for_a_bank(monkeypatch):
    used = []
    monkeypatch.setattr(yamlio, "_compose_on_big_stack", lambda loader: used.append(loader) or loader.get_single_node())
    value = yamlio.load_yaml("- id: A\n  points: 5\n- id: B\n  points: 3\n")
    assert [type(loader) for loader in used] == [yamlio.FastLineLoader]
    assert [item.line for item in value] == [1, 3]
    assert value[1].key_lines == {"id": 3, "points": 4}


@libyaml
@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first on line 1)"),
        ("x: &anchor [1, 2]\ny: *anchor\n", 2, "alias"),
        ("a:\n" + "".join("  " * n + "- \n" for n in range(1, 30)), 0, "deeper than 20"),
        ("a: [b\nc: d\n", 2, ""),
    ],
)
def test_the_libyaml_path_refuses_what_the_python_one_does(text, line, what):
    for loader in (yamlio.FastLineLoader(text), yamlio.LineLoader(text)):
        with pytest.raises(yaml.YAMLError) as info:
            yamlio._load(loader, fast=isinstance(loader, yamlio.FastLineLoader))
        assert what in str(getattr(info.value, "problem", info.value))
        if line:
            assert yamlio.yaml_error_line(info.value) == line


def test_nesting_that_could_overflow_libyaml_goes_to_the_python_composer():
    text = "[" * 200_000 + "]" * 200_000  # would crash libyaml's recursive composer
    assert yamlio._nesting_bound(text) > yamlio._C_NESTING_LIMIT
    with pytest.raises(yamlio.UnsafeYamlError, match="deeper than 20"):
        yamlio.load_yaml(text)


def test_the_nesting_bound_covers_block_and_flow_nesting():
    block = "a:\n" + "".join("  " * n + "b:\n" for n in range(1, 40)) + "  " * 40 + "c\n"
    assert yamlio._nesting_bound(block) >= 40
    assert yamlio._nesting_bound("- - - - - x\n") >= 5
    assert yamlio._nesting_bound("a: [[[[x]]]]\n") >= 4


def test_a_bank_error_still_names_its_line_through_the_fast_loader():
    text = (REPO / "banks" / "short_answer.yaml").read_text(encoding="utf-8")
    broken = text.replace("  points: 5\n", "  points: 5\n  points: 6\n", 1)
    line = broken.splitlines().index("  points: 6") + 1
    _, problems = parse_bank_text(broken, "b.yaml")
    assert [p.where for p in problems] == [f"b.yaml:{line}"]
    assert "duplicate key 'points'" in problems[0].what


def test_loading_pauses_the_garbage_collector_and_restores_it():
    assert gc.isenabled()
    with yamlio.paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with yamlio.paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
