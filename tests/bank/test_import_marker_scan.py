"""find_markers skips ahead to where a marker may start: the same markers as a try at every character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.bank.importer import markers as mk
from examgen.bank.importer.normalise import normalise_lines
from examgen.bank.importer.readers import read_document
from tests.bank.import_score import corpus


def _every_character(shadow: str, refused: frozenset[int] = frozenset(), candidates: bool = False) -> list:
    """The scan as it was: marker_at tried at every position."""
    markers: list[mk.Marker] = []
    i = 0
    while i < len(shadow):
        fresh = bool(markers) and markers[-1].end == i and (
            markers[-1].kind == "section" or markers[-1].style == "一、" and markers[-1].boundary == "start"
        )
        marker = mk.marker_at(shadow, i, sections=i not in refused, candidates=candidates, fresh=fresh)
        if marker is None and markers and markers[-1].kind == "num" and not shadow[markers[-1].end : i].strip():
            marker = mk._label_after_number(shadow, i)
        if marker is not None:
            markers.append(marker)
            i = marker.end
        else:
            i += 1
    return markers


FRAGMENTS = ["1、", "12.", "3)", "（2）", "(十)", "答：", "答案", "答案解析", "参考答案：", "解析：", "试题解析：",
             "问题3：", "问：", "第四题", "第 5 题", "【案例2】", "一、", "二、简答题", "(每题5分)", "①", "⑫",
             "12 B", "7 | √", " ", "\u3000", "，", "。", "？", "：", "客户", "坐席员", "A", "题"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join), st.booleans())
def test_generated_lines_give_the_markers_of_a_scan_at_every_character(shadow: str, candidates: bool):
    assert mk.find_markers(shadow, candidates=candidates) == _every_character(shadow, candidates=candidates)
    refused = frozenset(m.start for m in _every_character(shadow, candidates=True) if m.kind == "section")
    assert mk.find_markers(shadow, refused=refused, candidates=True) == _every_character(shadow, refused, True)


def test_corpus_lines_give_the_markers_of_a_scan_at_every_character():
    for path in corpus():
        document = read_document(path)
        for line in normalise_lines(document.lines):
            for candidates in (False, True):
                assert mk.find_markers(line.shadow, candidates=candidates) == _every_character(
                    line.shadow, candidates=candidates
                ), (path.name, line.where)
