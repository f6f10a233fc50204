"""Nothing is lost silently: every input character is placed, consumed as structure, or skipped.

What counts (see examgen/importer/ledger.py): the non-whitespace characters of every input
line as read. The property, per import:

    input = removed by normalisation (pinyin, Markdown markup)
          + placed (in a stem, question, key point or analysis of the bank)
          + consumed (structure: headings, numbers, labels, point notes, separators, headers)
          + skipped (listed in the report)

and, checked independently of the ledger's own counts: the placed characters are exactly
those of the bank's text fields, the skipped ones exactly those the report lists, each
consumed stretch is structure by the grammar below, and no character is claimed twice.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen.bank.importer import ImportOptions, ImportResult, import_documents, parse_source
from examgen.bank.importer.build import build_questions
from examgen.bank.importer.ledger import count, coverage_gaps, ledger, overlaps
from examgen.bank.importer.model import SourceDocument, SourceLine

DATA = Path(__file__).resolve().parent.parent / "data" / "importer"
TEXT_FIXTURES = [
    "sections.txt",
    "webpage.txt",
    "dialogue.md",
    "traditional.txt",
    "repeats.txt",
    "cut.txt",
    "no_marker.txt",
    "near_a.txt",
    "answer_key.txt",
]

_CN = "一二三四五六七八九十"
#: Structure a text document may lose to markers: exactly this, nothing else.
STRUCTURE = re.compile(
    rf"""^(?:
      [{_CN}]{{1,3}}\s*[、.].{{0,80}}               # a section heading with its rule
    | [^\s，。？！]{{0,12}}题[^\s，。？！]{{0,6}}(?:[（(][^（()）]{{0,60}}[)）])?[：:]?  # 简答题（每题5分）
    | [^\s，。？！]{{2,14}}[（(][^（()）]{{0,60}}[)）][：:]?          # 案例分析（每题15分）
    | \d{{1,3}}\s*[、.)）]                          # 1、 1. 1)
    | [（(]\s*(?:\d{{1,3}}|[{_CN}]{{1,3}})\s*[)）]  # (1) （一）
    | [{_CN}]{{1,3}}\s*、                           # 一、
    | [\u2460-\u2473]                               # ①
    | 第\s*\S{{1,3}}\s*道?题\s*[：:、.]?            # 第一题
    | 问题\s*\S{{1,3}}\s*[：:、.]                   # 问题1：
    | 【?\s*案例\s*\S{{1,3}}\s*】?\s*[：:、.]?       # 案例一
    | (?:【\s*)?(?:参考答案(?:及评分(?:标准|要点))?|答案要点|答题要点|评分要点|答案|参考回答|回答|答
        |答案解析|试题解析|解析|评析|点评|问题|提问|请回答|思考题|问)\s*(?:】\s*[：:]?|[：:])
    | 【?\s*(?:参考答案|标准答案|答案)(?:及评分(?:标准|要点|细则))?\s*】?\s*[：:]?  # the answer key
    | (?:其)?[{_CN}]是                              # 一是
    | [（(【\[][^（()）]{{0,12}}分\s*[)）】\]]       # （2分） （本题10分）
    | (?:[，,。；;]|\s)?(?:得|计)?\d+(?:\.\d+)?\s*分\s*[。；;，,]?  # ，2分
    | [；;，,、]+                                   # list separators ending a key point
    | [（(]?\s*[A-H]\s*[)）.．、:：。]?                # an option label: A. （B）
    | [A-H](?:\s*[、,，;；]?\s*[A-H]){{0,7}}\s*[。.]?    # an answer: B, ACD
    | (?:[√×✓✔✗✘对错TFX是否]|正确|错误)\s*[。.]?         # a verdict
    | [（(]\s*[√×✓✔✗✘]\s*[)）]                        # a statement's mark: （×）
    | (?:【\s*)?(?:正确答案|标准答案)\s*(?:】\s*[：:]?|[：:])  # 正确答案：
    | 答案解析|参考答案|参考回答|答案要点|答案           # a label glued without a colon
    | 题号[\s|｜]*(?:\d{{1,4}}[\s|｜]*)+               # the head row of an answer grid
    | 题号\s*[|｜]?\s*(?:参考答案|标准答案|正确答案|答案)  # the head of a key table
    | \d{{1,4}}\s*[|｜]|\d{{1,4}}                        # a key row's number: 1 |
    | [^\s，。？！]{{0,10}}(?:题|答案)                    # the label of a grid row: 判断题
    | (?:答案|参考答案|答题|评分)?(?:要点|要求|思路)?(?:如下|包括|有)?(?:以下)?
        (?:[几\d{_CN}]+(?:个)?(?:方面|点|步))?[：:。]?  # 要点如下：
    )$""",
    re.VERBOSE,
)


def chars(texts) -> Counter:
    return Counter(c for text in texts for c in text if not c.isspace())


def field_texts(result: ImportResult) -> list[str]:
    texts: list[str] = []
    for q in result.questions:
        texts.extend([q.stem, q.question, q.analysis, *(kp.text for kp in q.key_points)])
    return texts


def check_accounting(result: ImportResult, *, grammar: bool = True) -> None:
    for document, led in zip(result.documents, result.ledgers, strict=True):
        assert led.balanced, led
        assert overlaps(document) == []
        assert coverage_gaps(document) == [], "text no stage claimed"
        for line in document.lines:
            # Normalisation changes characters one for one, and removes only what it lists.
            assert count(line.raw) == count(line.text) + sum(count(a.text) for a in line.removed)
        if grammar and document.unit != "单元格":
            for piece in document.consumed:
                assert STRUCTURE.match(document.lines[piece.line].shadow[piece.start : piece.end].strip()), piece
            for question in document.questions:
                for piece in question.markers:
                    shadow = document.lines[piece.line].shadow[piece.start : piece.end].strip()
                    assert not shadow or STRUCTURE.match(shadow), piece
    placed = Counter()
    for document in result.documents:
        for q in document.questions:
            for piece in (*q.stem, *q.question, *q.analysis, *(p for kp in q.key_points for p in kp.pieces)):
                placed.update(c for c in piece.text if not c.isspace())
    assert placed == chars(field_texts(result))
    reported = chars(s.text for s in (*result.report.skipped, *result.report.cut))
    repeats = Counter()
    for document in result.documents:
        for stretch in document.skipped:
            repeats.update(c for c in stretch.text if not c.isspace())
    assert reported == repeats
    total = sum(led.input for led in result.ledgers)
    assert total == sum(led.removed + led.placed + led.consumed + led.skipped for led in result.ledgers)


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_every_character_of_a_fixture_is_accounted_for(name):
    check_accounting(import_documents([DATA / name], ImportOptions(points=Decimal(6))))


def test_every_character_of_a_csv_is_accounted_for():
    result = import_documents([DATA / "past_paper.csv"])
    check_accounting(result)
    consumed = {
        d.lines[p.line].text[p.start : p.end]
        for d in result.documents
        for p in (*d.consumed, *(m for q in d.questions for m in (*q.markers, *q.metadata)))
    }
    assert consumed == {"序号", "题型", "题目", "参考答案", "分值", "备注", "1", "2", "简答题", "案例分析",
                        "5", "9", "1、", "2、", "3、"}


def test_the_ledger_counts_of_a_fixture():
    (led,) = import_documents([DATA / "traditional.txt"]).ledgers
    assert (led.units, led.removed) == (6, 25)  # (wèi)(shǔ)(chù)(yè)(yǎng)
    assert led.input == led.placed + led.consumed + led.skipped + led.removed


# --- Generated documents ------------------------------------------------------------------------

_WORDS = [
    "客户来电反映宽带断网", "坐席员应先核实机主身份", "话费比上月多出三十元", "请说明处理步骤",
    "国际漫游流量包", "工单已派发", "携号转网", "欠费停机提醒", "您好，请问有什么可以帮您",
    "王先生：“我要投诉！”", "坐席员：“请您稍候。”", "VIP客户", "下载电子发票", "10086",
    "第1、2项", "共3.5分", "（2分）", "1.5G流量", "一是", "答", "问题", "解析", "版权所有",
]
_PUNCT = ["。", "？", "！", "，", "；", "：", ":", "?", ",", "(", ")", "“", "”", '"', " ", ""]
_STARTS = ["1、", "2.", "3．", "(4)", "（5）", "第六题", "问题7:", "①", "一、", "（二）", "案例三："]
_ANSWERS = ["答：", "答:", "答案：", "答案要点：", "参考答案：", "回答：", "【答案】", "解析：", "问题：", "问："]
_HEADINGS = ["一、简答题（每题5分）", "二、案例分析题(共30分,每题10分)", "三、实训操作题", "四、面试题（共2题，共20分）",
             "五、情景模拟题", "六、问答题", "七、理解分析题（每题6分）", "\n参考答案\n", "\n【参考答案及评分标准】\n"]
_NOISE = ["版权所有 © 某网", "【VIP专享】开通会员下载完整版。", "相关文章：", "发表评论", "第 2 页", "www.example.com",
          "职业(yè)", "處(chù)理", "**重点**", "# 标题"]

_sentence = st.builds(
    lambda words, punct: "".join(w + p for w, p in zip(words, punct, strict=False)),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4),
    st.lists(st.sampled_from(_PUNCT), min_size=4, max_size=4),
)
_block = st.one_of(
    st.builds(lambda s, t: s + t, st.sampled_from(_STARTS), _sentence),
    st.builds(lambda a, t: a + t, st.sampled_from(_ANSWERS), _sentence),
    st.sampled_from(_HEADINGS),
    st.sampled_from(_NOISE),
    _sentence,
    st.text(alphabet="一二三1、.（）()：:？?！答问题解析是分第①\u3000 ，。“”abc", max_size=12),
)


@st.composite
def documents(draw) -> list[str]:
    blocks = draw(st.lists(_block, min_size=1, max_size=25))
    joiners = draw(st.lists(st.sampled_from(["\n", "", " ", "\n\n"]), min_size=len(blocks), max_size=len(blocks)))
    text = "".join(b + j for b, j in zip(blocks, joiners, strict=True))
    return text.split("\n")


def _import_lines(lines: list[str], *, markdown: bool = False) -> ImportResult:
    """Run the pure stages on in-memory lines (no files), as import_documents does."""
    from dataclasses import replace

    from examgen.bank.importer import ImportResult
    from examgen.bank.importer.parser import SKIP_CUT, merge_stretches
    from examgen.bank.importer.report import make_report
    from examgen.bank.load import dump_bank_yaml, parse_bank_text

    source = SourceDocument(
        "gen.md" if markdown else "gen.txt",
        "gen.md" if markdown else "gen.txt",
        "markdown" if markdown else "text",
        lines=tuple(SourceLine(t, f"gen:{i}", i) for i, t in enumerate(lines, start=1)),
    )
    built = build_questions(parse_source(source), ImportOptions(points=Decimal(5)))
    built.documents = [
        replace(d, skipped=tuple(merge_stretches([*d.skipped, *coverage_gaps(d)], d.lines)))
        for d in built.documents
    ]
    questions = tuple(i.question for i in built.imported)
    text = dump_bank_yaml(questions)
    _, problems = parse_bank_text(text, "gen.yaml")
    ledgers = tuple(ledger(d) for d in built.documents)
    return ImportResult(questions, text, make_report(built, ledgers, problems, "gen.yaml", SKIP_CUT),
                        tuple(built.documents), ledgers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.booleans())
def test_generated_documents_lose_no_text(lines, markdown):
    result = _import_lines(lines, markdown=markdown)
    check_accounting(result)
    # Whatever the parser made of it, the bank it writes is valid YAML of the right shape.
    for question in result.questions:
        assert question.question.strip() or question.stem.strip()
        assert all("\n" not in kp.text for kp in question.key_points)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_arbitrary_text_loses_no_text(lines):
    lines = [line.replace("\r", "").replace("\n", "") for line in lines]
    check_accounting(_import_lines(lines), grammar=False)


CORPUS = DATA.parent / "import"
CORPUS_DOCUMENTS = sorted(
    p.name for p in CORPUS.iterdir()
    if Path(f"{p}.gold.yaml").exists() and not p.name.startswith("big_")
)


@pytest.mark.parametrize("name", CORPUS_DOCUMENTS)
def test_every_character_of_a_corpus_document_is_accounted_for(name):
    # Options, answer letters, grid keys and clutter blocks are placed, consumed or skipped.
    result = import_documents([CORPUS / name], ImportOptions(points=Decimal(6)))
    check_accounting(result, grammar=not name.endswith((".xlsx", ".docx")))
