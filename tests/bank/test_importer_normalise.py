"""The normaliser: pinyin annotations, punctuation widths, Markdown markup, the simplified twin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examgen.bank.importer.build import split_points
from examgen.bank.importer.markers import cn_number, parse_rule
from examgen.bank.importer.normalise import (
    map_punctuation,
    simplified_shadow,
    strip_markdown,
    strip_pinyin,
)


@pytest.mark.parametrize(
    ("raw", "text", "removed"),
    [
        ("職業(yè)", "職業", ["(yè)"]),
        ("處(chù)理", "處理", ["(chù)"]),
        ("職業（zhí yè）素養", "職業素養", ["（zhí yè）"]),
        ("的(de)", "的", ["(de)"]),
        ("使用VIP(vip)", "使用VIP(vip)", []),  # after a letter, not a Chinese character
        ("方案(a)", "方案(a)", []),  # one toneless letter is not pinyin
        ("(1)客户", "(1)客户", []),
        ("宽带(FTTH)", "宽带(FTTH)", []),
    ],
)
def test_pinyin_annotations_are_stripped(raw, text, removed):
    assert strip_pinyin(raw) == (text, [(raw.index(r), r) for r in removed])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('坐席员:"您好,请问有什么可以帮您?"', "坐席员：“您好，请问有什么可以帮您？”"),
        ("五、实训操作题(共50分,每道题10分。)", "五、实训操作题（共50分，每道题10分。）"),
        ("1．客户", "1.客户"),
        ("一．简答题", "一.简答题"),
        ("首先．其次", "首先。其次"),
        ("（１）ＡＢ１０", "（1）AB10"),
        ("10:30 到 11:00", "10:30 到 11:00"),
        ("version 2.0, ok?", "version 2.0, ok?"),
    ],
)
def test_punctuation_widths(raw, expected):
    assert map_punctuation(raw) == expected


@given(st.text())
def test_punctuation_mapping_keeps_length_and_whitespace(text):
    mapped = map_punctuation(text)
    assert len(mapped) == len(text)
    assert [c.isspace() for c in mapped] == [c.isspace() for c in text]


@given(st.text())
def test_shadow_keeps_length(text):
    assert len(simplified_shadow(text)) == len(text)


def test_shadow_is_simplified():
    assert simplified_shadow("實訓操作題，參考答案") == "实训操作题，参考答案"


@pytest.mark.parametrize(
    ("raw", "text", "markup"),
    [
        ("## 一、简答题", "一、简答题", ["##"]),
        ("**1、** 客户来电", "1、 客户来电", ["**", "**"]),
        ("- 安抚情绪", "安抚情绪", ["-"]),
        ("---", "", ["---"]),
        ("请填写____", "请填写____", []),
    ],
)
def test_markdown_markup(raw, text, markup):
    assert strip_markdown(raw) == (text, markup)


@pytest.mark.parametrize(
    ("text", "value"), [("7", 7), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百", None)]
)
def test_chinese_numbers(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("（共50分，每道题10分。）", (Decimal(10), Decimal(50), None)),
        ("（共3题，每题5分，共15分）", (Decimal(5), Decimal(15), 3)),
        ("（每小题各十分）", (Decimal(10), None, None)),
        ("（共2题，共20分）", (None, Decimal(20), 2)),
    ],
)
def test_section_rules(rule, expected):
    assert parse_rule(rule) == expected


halves = st.integers(min_value=1, max_value=200).map(lambda n: Decimal(n) / 2)


@given(halves, st.lists(st.one_of(st.none(), halves), min_size=1, max_size=8))
@pytest.mark.usefixtures("chinese_messages")
def test_key_point_points_add_up_when_they_can(total, given_points):
    shares, problem = split_points(total, given_points)
    assert len(shares) == len(given_points)
    assert [s for s, g in zip(shares, given_points, strict=True) if g is not None] == [
        g for g in given_points if g is not None
    ]
    if not problem:
        assert sum(shares) == total
        assert all(s > 0 and (s * 2) == int(s * 2) for s in shares)
        open_shares = [s for s, g in zip(shares, given_points, strict=True) if g is None]
        if open_shares:
            assert max(open_shares) - min(open_shares) <= Decimal("0.5")
    else:
        assert "分" in problem


def test_even_split_gives_the_first_points_the_extra_half():
    assert split_points(Decimal(10), [None, None, None]) == (
        [Decimal("3.5"), Decimal("3.5"), Decimal(3)],
        "",
    )
