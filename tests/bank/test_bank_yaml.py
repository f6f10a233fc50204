"""The fast bank writer writes, byte for byte, what PyYAML's pure-Python dumper writes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen.bank.bank_yaml import bank_yaml_items
from examgen.bank.importer import import_documents
from examgen.bank.load import (
    dump_bank_items,
    dump_bank_yaml,
    load_bank,
    parse_bank_text,
    pyyaml_records_text,
    question_record,
)
from examgen.yamlio import LineMapping, load_yaml
from tests.bank.import_score import corpus
from tests.conftest import REPO


def _reference(questions) -> str:
    text = pyyaml_records_text([question_record(q) for q in questions])
    return text.replace("\n- id:", "\n\n- id:")


def _strict(records: list[dict]) -> str:
    """The fast writer with PyYAML's help refused: fails where a record would need it."""

    def refuse(part: list[dict]) -> str:
        if part:
            raise AssertionError(f"left to PyYAML: {part}")
        return pyyaml_records_text(part)

    return bank_yaml_items(records, refuse)[0]


def _read(value):
    """Return what YAML read, with every mapping's line and key lines made visible."""
    if isinstance(value, LineMapping):
        return ("mapping", value.line, value.key_lines, {k: _read(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_read(v) for v in value]
    return (type(value).__name__, value)


def _assert_items_are_read(records: list[dict], first_line: int = 3) -> None:
    """The items the writer gives are what load_yaml reads from its text, lines included."""
    text, items = bank_yaml_items(records, pyyaml_records_text, first_line=first_line, gap="\n")
    assert text == pyyaml_records_text(records).replace("\n- id:", "\n\n- id:")
    if items is not None:
        assert _read(items) == _read(load_yaml("#\n" * (first_line - 1) + text))


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_imported_corpus_document_is_written_as_pyyaml_writes_it(path: Path):
    questions = import_documents([path]).questions
    assert dump_bank_yaml(questions) == _reference(questions)
    if questions:
        _assert_items_are_read([question_record(q) for q in questions])
        _, items = dump_bank_items(questions)
        assert items is not None  # the corpus needs no help from PyYAML


def test_sample_banks_are_written_as_pyyaml_writes_them_without_its_help():
    bank = load_bank(REPO / "banks")
    records = [question_record(q) for q in bank.questions]
    assert _strict(records) == pyyaml_records_text(records)
    assert dump_bank_yaml(bank.questions) == _reference(bank.questions)
    _assert_items_are_read(records, first_line=1)


#: Characters that change how YAML writes text: quotes, indicators, spaces, breaks, CJK,
#: tabs, control and unusual characters (BOM, NEL, line/paragraph separators, surrogates
#: are not text), full-width punctuation.
TRICKY = "ab -:#'\"?|>!&*%@`,[]{}\n\t\r\x00\x85\u2028\u2029\ufeff\xa0…。，：；“”坐席客户" + "\U0001f600"
texts = st.one_of(
    st.text(alphabet=TRICKY, max_size=40),
    st.text(max_size=30),
    st.sampled_from(["", " ", "yes", "No", "null", "~", "123", "1.5", "0x1F", "2026-11-22", "---", "...",
                     "- a", "? b", ": c", "a: b", "a #b", "a:", "'q'", "\"q\"", "#x", "a\n", "a\n\n",
                     "\n", "\na", " a\nb", "a \nb", "a\n b", "a\n\n\n"]),
    # Long lines: plain, or quoted (a quote or indicator first, a space last) folded at 100 columns.
    st.builds(lambda first, word, n, sep, last: first + sep.join([word] * n) + last,
              st.sampled_from(["", "'", " ", "#", "- ", "x: "]),
              st.sampled_from(["客户", "ab", "it's", "x:", "客" * 97]),
              st.integers(1, 80), st.sampled_from([" ", "  ", "", "\n", " \n"]), st.sampled_from(["", " ", "\n"])),
    # Words of every length, so a space falls on every column around the fold.
    st.builds(lambda first, lengths: first + " ".join("客" * n for n in lengths),
              st.sampled_from(["", "'", "#"]), st.lists(st.integers(1, 12), min_size=8, max_size=60)),
)
points = st.one_of(st.integers(0, 30).map(Decimal), st.sampled_from([Decimal("1.5"), Decimal("0.25"), Decimal("2.50")]))
records = st.fixed_dictionaries(
    {"id": texts, "type": st.sampled_from(["short_answer", "case_analysis"]), "topic": texts,
     "difficulty": st.integers(1, 5), "points": points, "stem": texts, "question": texts},
    optional={
        "options": st.lists(texts, max_size=4),
        "answer": st.one_of(st.booleans(), texts),
        "key_points": st.lists(st.fixed_dictionaries({"text": texts, "points": points}), max_size=3),
        "analysis": texts,
        "source": texts,
        "tags": st.lists(texts, min_size=1, max_size=3),
    },
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, max_size=4))
def test_generated_records_are_written_as_pyyaml_writes_them(records: list[dict]):
    assert bank_yaml_items(records, pyyaml_records_text)[0] == pyyaml_records_text(records)
    _assert_items_are_read(records)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="客户 ab'", min_size=1, max_size=400), st.sampled_from(["question", "id"]))
def test_long_lines_fold_where_pyyaml_folds_them(text: str, key: str):
    record = {key: text, "key_points": [{"text": text, "points": Decimal(1)}], "tags": [text]}
    assert bank_yaml_items([record], pyyaml_records_text)[0] == pyyaml_records_text([record])
    _assert_items_are_read([record, record])


def test_common_texts_need_no_help_from_pyyaml():
    record = {"id": "SA-001", "question": "客户说：“我要投诉！” it's a long line " * 6, "stem": "",
              "analysis": "第一行\n  第二行\n", "points": Decimal("2.5"), "difficulty": 3,
              "key_points": [], "answer": True, "tags": ["导入待审", "- x", "123"]}
    assert _strict([record]) == pyyaml_records_text([record])


def test_written_bank_loads_back():
    questions = import_documents([corpus()[0]]).questions
    again, problems = parse_bank_text(dump_bank_yaml(questions), "x.yaml")
    assert not problems
    assert again == list(questions) or tuple(again) == questions
