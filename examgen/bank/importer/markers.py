"""What structure looks like in question documents: markers, headings, rules, noise (pure).

All patterns run on a line's simplified *shadow* (see :mod:`normalise`), so traditional
documents match too; positions are the same in the shadow and the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from examgen.bank.importer.normalise import is_cjk
from examgen.i18n import N_

CN_DIGITS = "一二三四五六七八九十"
_NUM = rf"\d{{1,3}}|[{CN_DIGITS}]{{1,3}}"

#: Words that name a question type, in the order they are tried, and the type they mean.
TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("不定项选择", "multiple_choice"),
    ("多项选择", "multiple_choice"),
    ("多选", "multiple_choice"),
    ("单项选择", "single_choice"),
    ("单选", "single_choice"),
    ("判断", "true_false"),
    ("案例分析", "case_analysis"),
    ("实训操作", "practical"),
    ("实操", "practical"),
    ("操作", "practical"),
    ("情景模拟", "interview"),
    ("情景", "interview"),
    ("面试", "interview"),
    ("简答", "short_answer"),
    ("理解分析", "short_answer"),
    ("问答", "short_answer"),
    ("论述", "short_answer"),
    ("案例", "case_analysis"),
)
#: Words of a section name that are not types examgen knows, but still mark a heading.
_OTHER_SECTION_WORDS = ("选择", "判断", "填空", "单选", "多选", "计算", "综合", "名词解释")


def type_from_words(text: str) -> tuple[str | None, str]:
    """Return (type, word) for the first type word found in ``text`` (simplified), or (None, "")."""
    for word, qtype in TYPE_WORDS:
        if word in text:
            return qtype, word
    return None, ""


def type_word_count(text: str) -> int:
    """Return how many different type words ``text`` holds (a score table row holds several)."""
    words = [w for w, _ in TYPE_WORDS] + list(_OTHER_SECTION_WORDS)
    found = {w for w in words if w in text}
    # 单选 inside 单项选择 … counts once: drop words inside another found word.
    return sum(1 for w in found if not any(w != o and w in o for o in found))


def cn_number(text: str) -> int | None:
    """Return the value of ``7``, ``十二`` or ``二十三`` (1..999), or None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    if "十" not in text:
        return CN_DIGITS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (CN_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (CN_DIGITS.index(ones) + 1 if ones else 0)


def decimal_number(text: str) -> Decimal | None:
    """Return ``10``, ``7.5`` or ``十`` as a Decimal, or None."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    value = cn_number(text)
    return Decimal(value) if value is not None else None


# --- Where a marker may start ----------------------------------------------------------

#: After these a marker may follow on the same line (text pasted without line breaks).
BOUNDARY = set("。？！；：:;?!.”’）)】」』…")
_SPACES = " \t\u3000\xa0"
#: Before these a number is part of the text (第1、2项, 1至3天), never a marker.
_NOT_BEFORE = set("第和或及至到与、")


def boundary(shadow: str, i: int) -> str:
    """Return how position ``i`` may start a marker: start, glued, comma, spaced, weak or ""."""
    j = i - 1
    while j >= 0 and shadow[j] in _SPACES:
        j -= 1
    if j < 0:
        return "start"
    before = shadow[j]
    if before == "、" and shadow[i] in "（(【" or "\u2460" <= shadow[i] <= "\u2473":
        return "glued"  # 1、（1）…: a key point right after the question's number
    if before in _NOT_BEFORE:
        return ""
    if before in BOUNDARY:
        return "glued"
    if before in "，,":
        return "comma"
    if j < i - 1:
        return "spaced"
    if before.isdigit():
        return ""
    if is_cjk(before):
        return "weak"
    return ""


# --- Markers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A marker found at ``start`` of a line: what it is, and for numbers their style and value."""

    kind: str  # section, num, answer, analysis, ask
    start: int
    end: int
    style: str = ""
    number: int = 0
    boundary: str = ""


_SECTION = re.compile(
    rf"(?P<num>[{CN_DIGITS}]{{1,3}})\s*[、.]\s*"
    r"(?P<name>[^\s，。？！：:、（(\d]{1,14}?)(?=$|[\s（(：:\d第])"
    r"(?:\s*[：:]?\s*(?P<rule>[（(][^（()）]{0,60}[)）]))?\s*[：:。]?"
)
#: Question and key point numbering, tried in this order at a position.
NUMBER_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("第N题", re.compile(rf"第\s*(\d{{1,4}}|[{CN_DIGITS}]{{1,3}})\s*道?题\s*[：:、.]?")),
    ("问题N", re.compile(rf"问题\s*(\d{{1,4}}|[{CN_DIGITS}]{{1,3}})\s*[：:、.]")),
    ("案例N", re.compile(rf"【?\s*案例\s*(\d{{1,3}}|[{CN_DIGITS}]{{1,3}})\s*】?\s*[：:、.]?")),
    ("(N)", re.compile(r"[（(]\s*(\d{1,4})\s*[)）]")),
    ("(一)", re.compile(rf"[（(]\s*([{CN_DIGITS}]{{1,3}})\s*[)）]")),
    ("N、", re.compile(r"(\d{1,4})\s*、")),
    ("N.", re.compile(r"(\d{1,4})\s*\.(?!\d)")),
    ("N)", re.compile(r"(\d{1,4})\s*[)）]")),
    # A row of an answer key: 1 | 答案…, 1 B, 12 ×.
    ("N|", re.compile(r"(\d{1,4})(?:\s*[|｜]\s*|\s+(?=(?:[A-H]{1,8}|[√×对错])\s*(?:$|\s)))")),
    ("一、", re.compile(rf"([{CN_DIGITS}]{{1,3}})\s*、")),
    ("①", re.compile(r"([\u2460-\u2473])")),
)
#: Styles that may follow a Chinese character directly: ``…谢谢2、…``, ``…身份(2)核对…``.
WEAK_STYLES = frozenset({"N、", "(N)", "(一)", "①"})
#: Styles that always start a question, never a key point.
QUESTION_ONLY_STYLES = frozenset({"第N题", "问题N", "案例N"})

_LABEL_END = r"\s*(?:】\s*[：:]?|[：:])"
_ANSWER = re.compile(
    r"(?:【\s*)?(?:参考答案(?:及评分(?:标准|要点))?|正确答案|标准答案|答案要点|答题要点|评分要点|答案|参考回答|回答|答)"
    + _LABEL_END
)
#: A line that opens the answer key after the questions: 参考答案, 【参考答案及评分标准】.
KEY_HEADING = re.compile(
    r"^\s*(【?\s*(?:参考答案|标准答案|答案)(?:及评分(?:标准|要点|细则))?(?:\s*】)?\s*[：:]?"
    r"|题号\s*[|｜\t ]?\s*(?:参考答案|标准答案|正确答案|答案))\s*$"
)
#: The head row of an answer grid: 题号 1 2 3 … (cells apart by spaces, tabs or bars).
GRID_HEAD = re.compile(r"^\s*题号((?:[\s|｜]+\d{1,4})+)[\s|｜]*$")
#: A cell of an answer grid's answer row: letters or a verdict.
GRID_ANSWER = re.compile(r"^(?:[A-H]{1,8}|[√×对错]|正确|错误)$")


def grid_cells(shadow: str) -> list[tuple[int, int, str]]:
    """Return the cells (start, end, text) of a grid row, split at spaces, tabs and bars."""
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\s|｜]+", shadow)]


#: Labels glued to the text after a question mark, without a colon: they open the answer.
_GLUED_LABEL = re.compile(r"(?:答案解析|参考答案|参考回答|答案要点|答案)(?![：:】])")
_ANALYSIS = re.compile(r"(?:【\s*)?(?:答案解析|试题解析|解析|评析|点评)" + _LABEL_END)
_ASK = re.compile(r"(?:【\s*)?(?:问题|提问|请回答|思考题|问)" + _LABEL_END)
_STARTS = set(CN_DIGITS) | set("0123456789（(第问案【参答回解评点提请思正标") | {
    chr(c) for c in range(0x2460, 0x2474)
}


def section_at(shadow: str, i: int) -> tuple[int, str, str] | None:
    """Return (end, name, rule) of a section heading at ``i`` (``二、案例分析题(每题10分)``).

    A heading that names a type (or ends in 题) is one by its words; any other short name
    (``一、服务意识``) is only a candidate, confirmed by the numbering after it.
    """
    match = _SECTION.match(shadow, i)
    if not match:
        return None
    return match.end(), match.group("name"), match.group("rule") or ""


def is_typed_heading(name: str) -> bool:
    """Return whether a heading's name says it is a section of questions (a type word, …题)."""
    known, _ = type_from_words(name)
    other = any(w in name for w in _OTHER_SECTION_WORDS)
    plain = name.endswith("题") and not name.endswith("问题") and len(name) <= 8
    return bool(known or other or plain)


#: A heading line without a numeral: 简答题（每题5分）, 案例分析（每题15分）, 判断题.
_BARE_HEADING = re.compile(
    r"^\s*(?P<name>[^\s，。？！?!：:、（(；;]{2,14}?)\s*(?P<rule>[（(][^（()）]{0,60}[)）])?\s*[：:]?\s*$"
)


def bare_heading(shadow: str) -> tuple[int, int, str, str] | None:
    """Return (start, end, name, rule) when the whole line is a heading without a numeral.

    Its name must name a type and say 题 (or come with a rule), or say 题 and give points
    per question (``客服知识题库（每题2分）``).
    """
    match = _BARE_HEADING.match(shadow)
    if not match:
        return None
    name, rule = match.group("name"), match.group("rule") or ""
    known, _ = type_from_words(name)
    other = any(w in name for w in _OTHER_SECTION_WORDS)
    per, _, _ = parse_rule(rule)
    if not ((known or other) and ("题" in name or rule) or "题" in name and per is not None):
        return None
    start = len(shadow) - len(shadow.lstrip())
    return start, len(shadow.rstrip()), name, rule


def _any_of(first: set[str], patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    """Return one pattern matching where a character of ``first`` starts a match of any of ``patterns``.

    Group names are dropped. The leading character class lets the search skip ahead fast.
    """
    assert all(p.flags == re.UNICODE for p in patterns)
    alternatives = "|".join(f"(?:{re.sub(r'[(][?]P<[a-z]+>', '(', p.pattern)})" for p in patterns)
    return re.compile("(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])(?:" + alternatives + ")")


#: Where a marker may start (marker_at finds none anywhere else): found in one search
#: instead of a try at every character.
_ANY_MARKER = _any_of(_STARTS, [_SECTION, _ANSWER, _ANALYSIS, _GLUED_LABEL, _ASK, *(p for _, p in NUMBER_STYLES)])


def marker_at(
    shadow: str, i: int, *, sections: bool = True, candidates: bool = False, fresh: bool = False
) -> Marker | None:
    """Return the marker that starts at position ``i`` of a line's shadow, if any.

    A section heading whose name does not say it is one comes back with style
    ``candidate`` (only when ``candidates``); without ``sections`` no heading at all.
    ``fresh``: right after a heading, where a number starts anew (``一、自我认知1.你…``).
    """
    if shadow[i] not in _STARTS:
        return None
    where = "glued" if fresh else boundary(shadow, i)
    if not where:
        return None
    if where != "comma" and sections and (where != "weak" or candidates):
        heading = section_at(shadow, i)
        # Named by its words at the start of a line (or after a sentence): a heading. Any
        # other short name, or one glued to the title, is a candidate the caller confirms by
        # the numbering after it (the parser's ``confirm_headings``).
        if heading and (where not in ("weak",) and is_typed_heading(heading[1])):
            return Marker("section", i, heading[0], boundary=where)
        if heading and candidates:
            return Marker("section", i, heading[0], style="candidate", boundary=where)
    if where != "weak":
        for kind, pattern in (("answer", _ANSWER), ("analysis", _ANALYSIS)):
            match = pattern.match(shadow, i)
            if match and where != "comma":
                return Marker(kind, i, match.end(), boundary=where)
        if where == "glued" and shadow[:i].rstrip().endswith(("？", "?")):
            # …获得了哪些经验？答案解析优秀回答应包含：— a label glued without a colon.
            match = _GLUED_LABEL.match(shadow, i)
            if match:
                return Marker("answer", i, match.end(), boundary=where)
    for style, pattern in NUMBER_STYLES:
        match = pattern.match(shadow, i)
        if match:
            number = cn_number(match.group(1)) if style != "①" else ord(match.group(1)) - 0x245F
            rest = shadow[match.end() :].strip()
            if number is None or not rest and style not in QUESTION_ONLY_STYLES:
                return None
            if where == "weak" and style not in WEAK_STYLES:
                return None
            return Marker("num", i, match.end(), style, number, where)
    if where not in ("weak", "comma"):
        match = _ASK.match(shadow, i)
        if match:
            return Marker("ask", i, match.end(), boundary=where)
    return None


def _label_after_number(shadow: str, i: int) -> Marker | None:
    """Return a label right after a question's number (``1、问：…``, ``2. 答：…``), if any."""
    for kind, pattern in (("ask", _ASK), ("answer", _ANSWER), ("analysis", _ANALYSIS)):
        match = pattern.match(shadow, i)
        if match:
            return Marker(kind, i, match.end(), boundary="glued")
    return None


def find_markers(
    shadow: str, *, refused: frozenset[int] = frozenset(), candidates: bool = False
) -> list[Marker]:
    """Return the markers of a line in order; a marker's text is never searched again.

    No section heading is looked for at the positions in ``refused``.
    """
    markers: list[Marker] = []
    i = 0
    while i < len(shadow):
        if not (markers and markers[-1].kind == "num" and not shadow[markers[-1].end : i].strip()):
            # No marker starts before the next place a marker's pattern matches (a label
            # right after a number, which needs nothing but spaces before it, aside).
            found = _ANY_MARKER.search(shadow, i)
            if found is None:
                break
            i = found.start()
        # Right after a heading, or a part numeral opening a line (一、1. A 2. B in a key).
        fresh = bool(markers) and markers[-1].end == i and (
            markers[-1].kind == "section" or markers[-1].style == "一、" and markers[-1].boundary == "start"
        )
        marker = marker_at(shadow, i, sections=i not in refused, candidates=candidates, fresh=fresh)
        if marker is None and markers and markers[-1].kind == "num" and not shadow[markers[-1].end : i].strip():
            marker = _label_after_number(shadow, i)
        if marker is not None:
            markers.append(marker)
            i = marker.end
        else:
            i += 1
    return markers


# --- Rules and points ----------------------------------------------------------------------

_N = rf"(\d+(?:\.\d+)?|[{CN_DIGITS}]{{1,3}})"
_PER = re.compile(rf"(?:每(?:道|小|个)?题|各(?:题)?|每问)\s*(?:均|为|计)?\s*{_N}\s*分")
_TOTAL = re.compile(rf"(?:共|计|合计|总分|满分)\s*{_N}\s*分")
_COUNT = re.compile(rf"共\s*{_N}\s*(?:道|小|个)?题")


def parse_rule(text: str) -> tuple[Decimal | None, Decimal | None, int | None]:
    """Return (points per question, total, count) stated in a section heading's rule."""
    per = _PER.search(text)
    total = _TOTAL.search(text)
    count = _COUNT.search(text)
    count_value = decimal_number(count.group(1)) if count else None
    return (
        decimal_number(per.group(1)) if per else None,
        decimal_number(total.group(1)) if total else None,
        int(count_value) if count_value is not None else None,
    )


#: A question's points written with it: （10分） (本题10分) 【共10分】.
QUESTION_POINTS = re.compile(
    r"[（(【\[]\s*(?:本题|本小题|此题|该题)?\s*(?:共|计|满分|分值)?\s*[：:]?\s*"
    r"(\d+(?:\.\d+)?)\s*分\s*[)）】\]]"
)
#: A key point's points: （2分） at the end or anywhere, or "，2分" closing the point.
KEY_POINT_POINTS = (
    re.compile(r"[（(【\[]\s*(?:得|计|占)?\s*(\d+(?:\.\d+)?)\s*分\s*[)）】\]]"),
    re.compile(r"(?<=[，,。；;\s])(?:得|计)?(\d+(?:\.\d+)?)\s*分\s*[。；;，,]?\s*$"),
)
#: Separators left at the end of a key point of a list written on one line.
KEY_POINT_SEPARATORS = "；;，,、"
#: 一是…二是…三是… (and 其一、其二) inside an answer.
ORDINAL_POINT = re.compile(rf"(?:其)?([{CN_DIGITS}])是")
#: Lead-ins of an answer that say nothing of their own (要点如下：).
FILLER_LEAD_IN = re.compile(
    r"^(?:答案|参考答案|答题|评分)?(?:要点|要求|思路)?(?:如下|包括|有)?(?:以下)?"
    r"(?:[几\d一二三四五六七八九十]+(?:个)?(?:方面|点|步))?[：:。]?$"
)

# --- Speakers of a dialogue -----------------------------------------------------------------

SPEAKER = re.compile(
    r"(?:坐席员|坐席|客户服务代表|客服代表|客服人员|客服专员|客服|话务员|接线员|营业员|客户|用户|"
    r"来电人|来电者|机主|[\u4e00-\u9fff]{1,3}?(?:先生|女士|小姐|阿姨|师傅|经理|大爷|大妈|老师|同学))"
    r"\s*[：:]"
)


def is_turn(shadow: str) -> bool:
    """Return whether a line starts a dialogue turn (``坐席员：…``, ``王先生：…``)."""
    return bool(SPEAKER.match(shadow.lstrip(_SPACES)))


#: Where a glued dialogue turn starts: after the end of the previous one.
TURN_START = re.compile(r"(?<=[”。！？!?])\s*(?=" + SPEAKER.pattern + ")")


# --- Noise ------------------------------------------------------------------------------------

_NOISE_TAIL = re.compile(
    r"相关(?:文章|推荐|阅读|资料|内容|下载)|猜你喜欢|热门(?:文章|推荐|资料)|推荐阅读|延伸阅读|"
    r"上一篇|下一篇|发表评论|网友评论|我来说两句|评论\s*[（(]\s*\d+\s*[)）]|版权所有|版权归|"
    r"copyright|©|all rights reserved|免责声明|icp备",
    re.IGNORECASE,
)
_NOISE_INLINE = re.compile(
    r"下载(?:本文|全文|完整版|文档|此文档|word版)|(?:立即|免费|点击)下载|"
    r"(?:开通|成为|加入)vip|vip(?:会员|专享|用户|下载|免费)|会员(?:专享|免费|下载)|开通会员|"
    r"扫(?:码|描二维码)(?:关注|下载|领取|获取)|扫一扫|关注(?:我们|本站)|"
    r"本文(?:来源|来自|由.{1,12}(?:整理|发布|提供))|转载(?:请注明|自)|原文(?:链接|地址)|"
    r"阅读全文|展开全文|查看全文|收藏本文|分享到|登录后(?:才能|方可|即可)?(?:评论|发表|下载)|"
    r"注册登录|请文明(?:发言|评论)|点击上方.{0,6}关注|点个.{0,2}在看|关注公众号|长按(?:识别|扫码)|"
    r"欢迎(?:转发|分享)|https?://[\x21-\x7e]+|www\.[\x21-\x7e]+",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[-—]\s*\d+\s*[-—]|"
    r"page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_OPENERS = "【[（(「『<《 \t\u3000"
#: A line this short that holds a noise word is noise as a whole.
SHORT_LINE = 60

# Reasons noise is skipped, as the report shows them (translated there).
NOISE_SITE = N_("website boilerplate (copyright, downloads, VIP, comments…)")
NOISE_RELATED = N_("a list of recommendations such as “相关文章”")
NOISE_PAGE = N_("page number")
NOISE_HEADER = N_("repeated page header or footer")
NOISE_SEPARATOR = N_("separator line")
NOISE_COMMENTS = N_("comments (user names, answer times, topic tags, cancel/report)")
NOISE_NOTICE = N_("website notices (numbered download, copyright and membership terms)")
#: Noise after which every short line is noise too (the titles of a list, the comments).
LIST_NOISE = frozenset({NOISE_RELATED, NOISE_COMMENTS})

_SEPARATOR = re.compile(r"^\s*(?:(?:[-—=*_~·.]\s*){3,}|[-—=*~]{2,}[^-—=*~]{0,30}[-—=*~]{2,})$")
_COMMENT_LINE = re.compile(
    r"^\s*(?:(?:#[^#\s]{1,20}#\s*)+|.{0,16}(?:回答于|发表于|评论于|回复于)\s*\d.{0,20}|"
    r"(?:取消|举报|回复|点赞|收起|展开)(?:\s+(?:取消|举报|回复|点赞|收起|展开))*|\d+\s*(?:人赞同|个赞|条回复))\s*$"
)
#: Words of a site's notices (本站资源仅供学习, 下载前请登录) — judged per numbered block.
_SITE_NOTICE = re.compile(
    r"本站|本网站?|本平台|仅供(?:学习|参考|交流)|商业用途|侵权|版权|转载|下载(?:前|后|链接|地址|说明|积分|券)|"
    r"会员(?:账号|权限|等级)|vip",
    re.IGNORECASE,
)


def is_separator(shadow: str) -> bool:
    """Return whether a line is a separator (``---``, ``***``, ``======``)."""
    return bool(_SEPARATOR.match(shadow))


def notice_blocks(shadows: list[str], markers: list[list[Marker]]) -> set[int]:
    """Return the lines of numbered site notices (``1、本站资源仅供学习…``) and their heading.

    Judged per block: a run of numbered lines most of which speak of the site, none asking
    a question; a short line ending in a colon before it (下载说明：) belongs to it.
    """
    found: set[int] = set()
    index = 0
    while index < len(shadows):
        run = []
        k = index
        while k < len(shadows) and markers[k] and markers[k][0].kind == "num" and markers[k][0].boundary == "start":
            run.append(k)
            k += 1
        if len(run) >= 2:
            hits = sum(1 for r in run if _SITE_NOTICE.search(shadows[r]))
            asks = any(c in shadows[r] for r in run for c in "？?")
            if hits * 3 >= len(run) * 2 and not asks:
                found.update(run)
                head = index - 1
                text = shadows[head].strip() if head >= 0 else ""
                if text and len(text) <= 20 and text[-1] in "：:" and not any(m.kind == "answer" for m in markers[head]):
                    found.add(head)
        index = k + 1 if k > index else index + 1
    return found


def noise_spans(shadow: str, markers: list[Marker]) -> list[tuple[int, int, str]]:
    """Return the (start, end, reason) stretches of site boilerplate on one line."""
    stripped = shadow.strip()
    if not stripped:
        return []
    if _PAGE_NUMBER.match(shadow):
        return [(0, len(shadow), NOISE_PAGE)]
    if _SEPARATOR.match(shadow):
        return [(0, len(shadow), NOISE_SEPARATOR)]
    if _COMMENT_LINE.match(shadow):
        return [(0, len(shadow), NOISE_COMMENTS)]
    tail = _noise_tail(shadow)
    inline = list(_NOISE_INLINE.finditer(shadow))
    if not tail and not inline:
        return []
    if len(stripped) <= SHORT_LINE and not re.match(r"\s*(?:答|参考答案|答案)", shadow):
        reason = NOISE_RELATED if tail and "相关" in tail.group() or "推荐" in stripped else NOISE_SITE
        return [(0, len(shadow), reason)]
    spans: list[tuple[int, int, str]] = []
    if tail:
        start = tail.start()
        while start > 0 and shadow[start - 1] in _OPENERS:
            start -= 1
        reason = NOISE_RELATED if "相关" in tail.group() or "推荐" in tail.group() else NOISE_SITE
        spans.append((start, len(shadow), reason))
    for match in inline:
        start = match.start()
        while start > 0 and shadow[start - 1] in _OPENERS:
            start -= 1
        spans.append((start, _sentence_end(shadow, match.end(), markers), NOISE_SITE))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in spans:
        if merged and start < merged[-1][1]:
            first = merged[-1]
            merged[-1] = (first[0], max(first[1], end), first[2])
        else:
            merged.append((start, end, reason))
    return merged


def _noise_tail(shadow: str) -> re.Match[str] | None:
    """Return where a 相关文章/版权所有 tail starts: at the start of a line, or after a sentence
    when what follows is short; a word like 相关资料 inside a sentence is text."""
    for match in _NOISE_TAIL.finditer(shadow):
        before = shadow[: match.start()].rstrip(_OPENERS)
        if not before or before[-1] in "。！？!?" and len(shadow) - match.start() <= 40:
            return match
    return None


def _sentence_end(shadow: str, i: int, markers: list[Marker]) -> int:
    """Return where the sentence holding a noise phrase ends: after 。！ or before a marker."""
    ends = [m.start for m in markers if m.start >= i and m.kind in ("num", "section")]
    stop = min(ends) if ends else len(shadow)
    for j in range(i, stop):
        if shadow[j] in "。！!":
            # Closing brackets after the stop belong to the noise too.
            j += 1
            while j < stop and shadow[j] in "】]）)」』":
                j += 1
            return j
    return stop
