"""The libyaml loader: same values and line numbers as the Python one, same refusals."""

from __future__ import annotations

import gc

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
def test_load_yaml_builds_a_plain_bank_from_libyamls_events(monkeypatch):
    def full_path(loader, fast):
        raise AssertionError("the full path was taken")

    monkeypatch.setattr(yamlio, "_load", full_path)
    value = yamlio.load_yaml("- id: A\n  points: 5\n- id: B\n  points: 3\n")
    assert [item.line for item in value] == [1, 3]
    assert value[1].key_lines == {"id": 3, "points": 4}


def _typed(value):
    """Return ``value`` with every mapping as (line, key lines, items), to compare types and lines too."""
    if isinstance(value, yamlio.LineMapping):
        return ("map", value.line, value.key_lines, [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, dict):
        return ("plain dict", value)
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


@libyaml
@pytest.mark.parametrize(
    "path",
    sorted((REPO / "banks").glob("*.yaml")) + sorted((REPO / "templates").glob("*.yaml")) + [REPO / "contest.yaml"],
    ids=lambda p: p.name,
)
def test_the_event_path_gives_the_full_paths_values_and_lines(path):
    text = path.read_text(encoding="utf-8")
    assert _typed(yamlio._load_plain(text)) == _typed(yamlio._load(yamlio.FastLineLoader(text), fast=True))


def _full_path(text: str):
    return yamlio._load(yamlio.LineLoader(text), fast=False)


def _outcome(load, text: str):
    """Return what ``load`` makes of ``text``: its value (types and lines too), or its refusal."""
    try:
        return ("value", _typed(load(text)))
    except Exception as error:  # noqa: BLE001 - the refusal itself is compared
        return ("error", type(error), str(error))


SCALARS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["yes", "no", "on", "off", "~", "null", "0x1F", "0o17", "1_000", "1:30", "=", "<<", ".inf", "2026-02-30"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(SCALARS.filter(lambda k: k == k), children, max_size=4),
    max_leaves=25,
)


@libyaml
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES, st.sampled_from([{}, {"default_flow_style": True}, {"allow_unicode": True, "default_style": '"'}]))
def test_the_event_path_agrees_with_the_full_path_on_any_dumped_value(value, style):
    text = yaml.safe_dump(value, **style)
    assert _outcome(yamlio.load_yaml, text) == _outcome(_full_path, text)


@libyaml
@pytest.mark.parametrize(
    "text",
    [
        "x: &anchor [1, 2]\ny: *anchor\n",
        "x: &anchor 1\n",
        "a: 1\nb: 2\na: 3\n",
        "a:\n" + "".join("  " * n + "- \n" for n in range(1, 30)),
        'a: "bell \\x07"\n',
        "base: {a: 1}\nmerged:\n  <<: {b: 2}\n  c: 3\n",
        "a: 1\n---\nb: 2\n",
        "s: !!set {a, b}\n",
        "o: !!omap [a: 1, b: 2]\n",
        "? [a, b]\n: 1\n",
        "a: =\n",
        "a: !custom x\n",
        "a: [b\nc: d\n",
        "d: 2026-02-30\n",
    ],
)
def test_the_event_path_leaves_anything_unusual_to_the_full_path(text):
    with pytest.raises(Exception):  # noqa: B017 - any refusal sends the text to the full path
        yamlio._load_plain(text)
    assert _outcome(yamlio.load_yaml, text) == _outcome(_full_path, text)


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
