"""Turn normalised lines into sections, questions and skipped stretches (pure).

The parser reads a document as a stream of tokens: text, markers (section headings,
question numbers, 答：, 解析：, 问题：), noise and line ends. A small state machine places
each token: in a question's body, its answer or its analysis; or, when it belongs nowhere,
in the list of skipped stretches. Every character ends up in exactly one of: a question
field, the consumed markers, the skipped stretches (see :mod:`examgen.bank.importer.ledger`).

Where a number could start the next question or a key point of the current answer (both
``2、``), it decides by the numbering (is it the next question's number? the next key
point's?) and by looking ahead: a question ends with a question mark or is followed by an
answer marker; a key point is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from examgen.bank.importer import markers as mk
from examgen.bank.importer import objective as ob
from examgen.bank.importer.model import (
    Line,
    ParsedDocument,
    ParsedKeyPoint,
    ParsedQuestion,
    ParsedSection,
    Piece,
    Stretch,
)
from examgen.i18n import N_

# Reasons a stretch is skipped, as the report shows them (translated there).
SKIP_PREAMBLE = N_("title or preamble (not in any question)")
SKIP_SECTION_TEXT = N_("section notes (not in any question)")
SKIP_UNPLACED = N_("text that belongs to no question")
SKIP_ORPHAN_ANSWER = N_("an answer whose question was not found")
SKIP_EMPTY = N_("a question number without a question")
SKIP_CUT = N_("the document ends in the middle of this question (cut off); not imported")
SKIP_KEY_UNMATCHED = N_("an answer that matches no question (answer key part)")
SKIP_PROSE = N_("numbered text (no question asked, no answer), not a question")
#: Words that ask: a numbered item with none of them and no answer is prose, not a question.
_ASKING = re.compile(
    r"[？?]|吗|呢|如何|怎|什么|为何|为什么|哪|是否|多少|几[个种点条项]|请|试|谈谈|说说|简述|论述|阐述|"
    r"说明|分析|评价|指出|举例|模拟|演示|列举|描述|概括|判断|比较|解释|写出|回答|[（(]\s*[)）]"
)

_TERMINAL = set("。？！?!；;”’）)」』…】")
_QUESTION_MARKS = ("？", "?")


# --- Tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One token of the document stream."""

    kind: str  # text, noise, eol, section, num, answer, analysis, ask
    line: int
    start: int = 0
    end: int = 0
    style: str = ""
    number: int = 0
    boundary: str = ""
    reason: str = ""


def tokenize(lines: Sequence[Line]) -> list[Token]:
    """Return the token stream of ``lines``; noise (boilerplate, page numbers, headers) marked."""
    headers = _repeated_headers(lines)
    per_line = confirm_headings(lines)
    notices = mk.notice_blocks([line.shadow for line in lines], per_line)
    tokens: list[Token] = []
    in_list = False  # inside a "相关文章" list: its titles are noise too
    grid_width = 0
    for index, line in enumerate(lines):
        shadow = line.shadow
        found = per_line[index]
        head = mk.GRID_HEAD.match(shadow)
        cells = mk.grid_cells(shadow) if grid_width and not head else []
        answers = [c for c in cells if mk.GRID_ANSWER.match(c[2])]
        if head or grid_width and 0 < len(answers) <= grid_width and len(cells) - len(answers) <= 1:
            # An answer grid: 题号 1 2 3 / 单项选择题 B C A.
            grid_width = len(head.group(1).split()) if head else grid_width
            tokens.append(Token("grid", index, 0, len(line.text), reason="head" if head else "row"))
            tokens.append(Token("eol", index, len(line.text), len(line.text)))
            continue
        if shadow.strip():
            grid_width = 0
        key = mk.KEY_HEADING.match(shadow)
        if key and index not in notices:
            tokens.append(Token("key", index, key.start(1), key.end(1)))
            tokens.append(Token("eol", index, len(line.text), len(line.text)))
            in_list = False
            continue
        bare = mk.bare_heading(shadow) if not found and index not in notices else None
        if bare:
            tokens.append(Token("section", index, bare[0], bare[1]))
            tokens.append(Token("eol", index, len(line.text), len(line.text)))
            in_list = False
            continue
        if index in headers:
            spans = [(0, len(shadow), mk.NOISE_HEADER)]
        elif index in notices:
            spans = [(0, len(shadow), mk.NOISE_NOTICE)]
        elif in_list and _list_title(shadow, found):
            spans = [(0, len(shadow), mk.NOISE_RELATED)]
        else:
            spans = mk.noise_spans(shadow, found)
        if shadow.strip():
            in_list = bool(spans) and spans[-1][2] in mk.LIST_NOISE and spans[-1][1] == len(shadow)
        found = [m for m in found if not any(s <= m.start < e or s < m.end <= e for s, e, _ in spans)]
        events: list[tuple[int, int, Token]] = []
        for start, end, reason in spans:
            events.append((start, end, Token("noise", index, start, end, reason=reason)))
        for m in found:
            token = Token(m.kind, index, m.start, m.end, m.style, m.number, m.boundary)
            events.append((m.start, m.end, token))
        events.sort(key=lambda e: e[0])
        position = 0
        for start, end, token in events:
            if start > position and line.text[position:start].strip():
                tokens.append(Token("text", index, position, start))
            tokens.append(token)
            position = end
        if line.text[position:].strip():
            tokens.append(Token("text", index, position, len(line.text)))
        tokens.append(Token("eol", index, len(line.text), len(line.text)))
    return tokens


def confirm_headings(lines: Sequence[Line]) -> list[list[mk.Marker]]:
    """Return the markers of every line, a candidate heading kept only where numbering restarts.

    ``一、服务意识（每题10分）`` is a section heading when the next number after it (on the
    same line or the next lines) is 1; otherwise it is text (or a number) like any other.
    """
    found = [mk.find_markers(line.shadow, candidates=True) for line in lines]
    for index, line in enumerate(lines):
        refused: set[int] = set()
        while True:
            wrong = {
                m.start
                for k, m in enumerate(found[index])
                if m.style == "candidate" and not _restarts_numbering(lines, found, index, k)
            }
            if not wrong:
                break
            refused |= wrong
            found[index] = mk.find_markers(line.shadow, refused=frozenset(refused), candidates=True)
    return [[replace(m, style="") if m.style == "candidate" else m for m in markers] for markers in found]


def _restarts_numbering(lines: Sequence[Line], found: list[list[mk.Marker]], index: int, k: int) -> bool:
    """Return whether the first marker after marker ``k`` of line ``index`` is the number 1."""
    marker = found[index][k]
    shadow = lines[index].shadow
    rest = found[index][k + 1 :]
    if rest:
        following = rest[0]
        return following.kind == "num" and following.number == 1 and not shadow[marker.end : following.start].strip()
    if shadow[marker.end :].strip():
        return False
    for later in range(index + 1, min(len(lines), index + 4)):
        text = lines[later].shadow
        if not text.strip():
            continue
        if mk.is_separator(text):
            continue
        first = found[later][0] if found[later] else None
        start = len(text) - len(text.lstrip())
        return first is not None and first.kind == "num" and first.number == 1 and first.start == start
    return False


def _list_title(shadow: str, found: list[mk.Marker]) -> bool:
    """Return whether a line after 相关文章： is one more title of the list (short, no answer)."""
    text = shadow.strip()
    if found and found[0].kind == "num" and found[0].boundary == "start" and any(c in text for c in "？?"):
        return False  # a numbered question continues the document, never a list title
    return bool(text) and len(text) <= 40 and not any(m.kind in ("section", "answer") for m in found)


def _repeated_headers(lines: Sequence[Line]) -> set[int]:
    """Return the lines that are page headers: a short line, no sentence, seen three times or more."""
    seen: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        key = re.sub(r"\s+", "", line.shadow)
        if not key or len(key) > 40 or key[-1] in "。？！?!" or mk.find_markers(line.shadow):
            continue
        seen.setdefault(key, []).append(index)
    return {i for indexes in seen.values() if len(indexes) >= 3 for i in indexes}


# --- Building blocks of a question -----------------------------------------------------------


@dataclass(frozen=True)
class AnswerItem:
    """A piece of an answer: text, or a key point's marker (decided when it was read)."""

    kind: str  # text or kp
    piece: Piece


class KeyPointNumbers:
    """The numbering of key points in an answer: a style and the next number."""

    def __init__(self) -> None:
        self.style: str | None = None
        self.count = 0

    def accepts(self, style: str, number: int) -> bool:
        """Return whether ``number`` in ``style`` is the next key point (1 starts a list)."""
        if style in mk.QUESTION_ONLY_STYLES:
            return False
        if self.style is None:
            return number == 1
        return style == self.style and number == self.count + 1

    def take(self, style: str, number: int) -> None:
        """Record that ``number`` in ``style`` was a key point."""
        self.style, self.count = style, number


@dataclass
class _Question:
    section: int | None
    number: int
    style: str
    label: str
    where: str
    markers: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)
    ask: list[Piece] | None = None
    mode: str = "body"  # body, answer, analysis
    answer_kind: str = ""  # "", marked, implicit
    answer: list[AnswerItem] = field(default_factory=list)
    analysis: list[Piece] = field(default_factory=list)
    key_numbers: KeyPointNumbers = field(default_factory=KeyPointNumbers)

    def region(self) -> list[Piece]:
        return self.ask if self.ask is not None else self.body

    def has_text(self) -> bool:
        return any(p.text.strip() for p in (*self.body, *(self.ask or ())))


# --- The parser --------------------------------------------------------------------------------


def parse_document(path: str, name: str, unit: str, lines: Sequence[Line]) -> ParsedDocument:
    """Return the sections, questions and skipped stretches of a normalised document."""
    parser = _Parser(path, name, tuple(lines))
    # In paragraph-based input a paragraph is never split into question and answer.
    parser.paragraphs = unit == "段"
    parser.run()
    return parser.result(unit)


class _Parser:
    def __init__(self, path: str, name: str, lines: tuple[Line, ...]) -> None:
        self.path = path
        self.name = name
        self.lines = lines
        self.tokens = tokenize(lines)
        self.sections: list[ParsedSection] = []
        self.section_keys: dict[str, int] = {}
        self.section: int | None = None
        self.questions: list[ParsedQuestion] = []
        self.skipped: list[Stretch] = []
        self.consumed: list[Piece] = []
        self.pending: list[Piece] = []
        self.q: _Question | None = None
        self.done: list[_Question] = []
        self.title_type: str | None = None
        self.paragraphs = False
        self.grid_numbers: list[int] = []
        # An answer key after the questions (参考答案 / 一、… / 1、…).
        self.key_mode = False
        self.key_sections = 0
        self.key_part: int | None = None
        self.key_target: _Question | None = None

    # -- helpers

    def piece(self, token: Token) -> Piece:
        return Piece(token.line, token.start, token.end, self.lines[token.line].text[token.start : token.end])

    def shadow(self, piece: Piece) -> str:
        return self.lines[piece.line].shadow[piece.start : piece.end]

    def skip(self, reason: str, pieces: Sequence[Piece]) -> None:
        pieces = sorted((p for p in pieces if p.text.strip()), key=lambda p: (p.line, p.start))
        if pieces:
            self.skipped.append(Stretch(reason, _where(pieces, self.lines), tuple(pieces)))

    # -- the loop

    def run(self) -> None:
        for index, token in enumerate(self.tokens):
            prefix = "key" if self.key_mode else "on"
            handler = getattr(self, f"{prefix}_{token.kind}")
            handler(token, index)
        self.finish_question()
        self.flush_pending()
        self.build_all()

    def on_noise(self, token: Token, index: int) -> None:
        self.skip(token.reason, [self.piece(token)])

    def on_text(self, token: Token, index: int) -> None:
        self.add_text(self.piece(token))

    def add_text(self, piece: Piece) -> None:
        q = self.q
        if q is None:
            self.pending.append(piece)
        elif q.mode == "body":
            q.region().append(piece)
        elif q.mode == "answer":
            q.answer.append(AnswerItem("text", piece))
        else:
            q.analysis.append(piece)

    def on_eol(self, token: Token, index: int) -> None:
        q = self.q
        if q is None or q.mode != "body" or q.answer_kind or not q.has_text():
            return
        region = q.region()
        on_line = [p for p in region if p.line == token.line]
        if not on_line or not on_line[-1].text.rstrip().endswith(_QUESTION_MARKS):
            return
        if mk.is_turn(self.lines[token.line].shadow):
            return
        following = self.next_token(index)
        if following is None or following.kind != "text":
            return
        if mk.is_turn(self.lines[following.line].shadow[following.start :]):
            return
        if ob.option_start(self.lines[following.line].text[following.start :]):
            return  # the options of a choice question, not its answer
        # The answer follows the question mark without a marker (答：).
        q.mode, q.answer_kind = "answer", "implicit"

    def next_token(self, index: int, skip: tuple[str, ...] = ("eol", "noise")) -> Token | None:
        for token in self.tokens[index + 1 :]:
            if token.kind not in skip:
                return token
        return None

    def looks_like_question(self, index: int) -> bool:
        """Return whether the text after marker ``index`` reads as a question, not a key point."""
        size = 0
        for token in self.tokens[index + 1 :]:
            if token.kind in ("answer", "ask"):
                return True
            if token.kind in ("num", "section", "analysis"):
                return False
            if token.kind == "text":
                text = self.lines[token.line].text[token.start : token.end]
                if any(m in text for m in _QUESTION_MARKS):
                    return True
                size += len(text)
                if size > 800:
                    return False
        return False

    def on_section(self, token: Token, index: int) -> None:
        self.finish_question()
        self.flush_pending()
        piece = self.piece(token)
        self.consumed.append(piece)
        title = piece.text.strip()
        shadow = self.shadow(piece)
        key = re.sub(r"[\s。：:]", "", shadow)
        qtype, word = mk.type_from_words(shadow)
        per, total, count = mk.parse_rule(shadow)
        if per is None and total is not None and count:
            per = total / count
        repeat_of = self.section_keys.get(key)
        name = re.sub(r"^[一二三四五六七八九十]{1,3}\s*[、.]\s*", "", title)
        name = re.sub(r"\s*[（(][^（()）]*[)）]\s*[：:。]?$", "", name).strip(" ：:。")
        section = ParsedSection(
            title=title,
            name=name,
            where=self.lines[token.line].where,
            type=qtype,
            type_word=word,
            per_question=per,
            total=total,
            count=count,
            repeat_of=repeat_of,
        )
        self.sections.append(section)
        if repeat_of is None:
            self.section_keys[key] = len(self.sections) - 1
        self.section = len(self.sections) - 1

    def on_num(self, token: Token, index: int) -> None:
        q = self.q
        piece = self.piece(token)
        style, number = token.style, token.number
        if q is None:
            if token.boundary in ("weak", "comma"):
                self.add_text(piece)
            else:
                self.start_question(token, piece)
            return
        same = style == q.style
        next_number = same and number == q.number + 1
        if style in mk.QUESTION_ONLY_STYLES and token.boundary not in ("weak", "comma"):
            if same or not q.style or self.looks_like_question(index):
                self.start_question(token, piece)
                return
        if token.boundary == "weak":
            # Glued to the word before it: a key point continuing its list, or (N、 only)
            # the next question of text pasted without line breaks.
            if q.mode == "answer" and q.key_numbers.accepts(style, number):
                q.key_numbers.take(style, number)
                q.answer.append(AnswerItem("kp", piece))
            elif style == "N、" and next_number and q.mode != "body" and self.looks_like_question(index):
                self.start_question(token, piece)
            else:
                self.add_text(piece)
            return
        if q.mode == "body":
            if next_number and (token.boundary != "comma" or self.looks_like_question(index)):
                self.start_question(token, piece)
            elif same and number <= q.number and self.looks_like_question(index):
                self.start_question(token, piece)
            elif (
                number == 1
                and not q.answer_kind
                and q.has_text()
                and "".join(p.text for p in q.region()).rstrip().endswith(_QUESTION_MARKS)
                and q.key_numbers.accepts(style, number)
            ):
                # 1、 right after the question mark: the answer's first key point.
                q.mode, q.answer_kind = "answer", "implicit"
                q.key_numbers.take(style, number)
                q.answer.append(AnswerItem("kp", piece))
            else:
                self.add_text(piece)
            return
        key_point = q.mode == "answer" and q.key_numbers.accepts(style, number)
        if next_number and not key_point and (token.boundary != "comma" or self.looks_like_question(index)):
            self.start_question(token, piece)
        elif (same or not q.style) and self.looks_like_question(index) and token.boundary != "comma":
            self.start_question(token, piece)
        elif (
            not key_point
            and number == q.number + 1
            and token.boundary != "comma"
            and self.looks_like_question(index)
        ):
            # The next question, numbered in another style (documents pasted together).
            self.start_question(token, piece)
        elif key_point:
            q.key_numbers.take(style, number)
            q.answer.append(AnswerItem("kp", piece))
        else:
            self.add_text(piece)

    def on_answer(self, token: Token, index: int) -> None:
        piece = self.piece(token)
        q = self.q
        if q is None:
            self.start_unnumbered(self.claim_pending())
        elif q.mode == "answer" and q.answer_kind == "implicit":
            self.revert_implicit()
        elif q.mode in ("answer", "analysis"):
            # 问…？答：… without numbers: the question is the last sentence before 答：.
            # Otherwise a second label (参考答案： then 答案要点：) is just a label.
            tail = self.question_in_tail()
            if tail:
                self.start_unnumbered(tail)
        q = self.q
        assert q is not None
        q.markers.append(piece)
        q.mode, q.answer_kind = "answer", "marked"

    def on_analysis(self, token: Token, index: int) -> None:
        q = self.q
        piece = self.piece(token)
        if q is None:
            self.pending.append(piece)
            return
        if q.mode == "answer" and q.answer_kind == "implicit" and not q.answer:
            self.revert_implicit()
        q.markers.append(piece)
        q.mode = "analysis"

    def on_ask(self, token: Token, index: int) -> None:
        q = self.q
        piece = self.piece(token)
        if q is None:
            # 问：… asks the question itself: the line before is its material only when it
            # reads as such (a sentence, a dialogue), never a bare title.
            claimed = self.claim_pending()
            if claimed and not self.lines[claimed[-1].line].text.rstrip().endswith(("。", "：", ":", "！", "”")):
                self.pending = [*claimed, *self.pending]
                self.pending.sort(key=lambda p: (p.line, p.start))
                claimed = []
            self.start_unnumbered(claimed)
            q = self.q
            assert q is not None
        elif q.mode == "answer" and q.answer_kind == "implicit":
            self.revert_implicit()
        elif q.mode in ("answer", "analysis"):
            self.start_unnumbered(self.dialogue_in_tail())
            q = self.q
            assert q is not None
        if q.ask is not None:
            self.add_text(piece)
            return
        q.markers.append(piece)
        q.ask = []

    # -- an answer key after the questions

    def on_key(self, token: Token, index: int) -> None:
        """A line 参考答案: the answer key, when no question had an answer and numbers follow."""
        following = self.next_token(index, skip=("eol", "noise", "key"))
        answered = any(q.answer_kind == "marked" for q in (*self.done, *([self.q] if self.q else [])))
        if (
            not answered
            and (self.done or self.q)
            and following is not None
            and following.kind in ("section", "num", "grid")
        ):
            self.finish_question()
            self.flush_pending()
            self.consumed.append(self.piece(token))
            self.key_mode = True
            self.key_sections = len(self.sections)
            self.key_part = None
            return
        text = self.piece(token).text.rstrip()
        if text.endswith(("：", ":", "】")):
            self.on_answer(token, index)
        else:
            self.add_text(self.piece(token))

    def key_key(self, token: Token, index: int) -> None:
        self.consumed.append(self.piece(token))

    def on_grid(self, token: Token, index: int) -> None:
        """The head of an answer grid after the questions opens the answer key."""
        if token.reason == "head" and (self.done or self.q):
            self.finish_question()
            self.flush_pending()
            self.key_mode = True
            self.key_sections = len(self.sections)
            self.key_part = None
            self.key_grid(token, index)
        else:
            self.add_text(self.piece(token))

    def key_grid(self, token: Token, index: int) -> None:
        """A row of an answer grid: 题号 1 2 3, then answers (after the part they are for)."""
        shadow = self.lines[token.line].shadow
        cells = mk.grid_cells(shadow)
        line_piece = self.piece(token)
        if token.reason == "head":
            self.consumed.append(line_piece)
            self.grid_numbers = [int(c[2]) for c in cells[1:]]
            return
        label = [c for c in cells if not mk.GRID_ANSWER.match(c[2])]
        answers = [c for c in cells if mk.GRID_ANSWER.match(c[2])]
        part = self.key_part
        if label:
            self.consumed.append(Piece(token.line, label[0][0], label[0][1], self.lines[token.line].text[label[0][0] : label[0][1]]))
            named, _ = mk.type_from_words(label[0][2])
            for k in range(self.key_sections):
                section = self.sections[k]
                if section.repeat_of is None and (label[0][2] in self.shadow_of(section) or named and section.type == named):
                    part = k
                    break
        for number, (start, end, _) in zip(self.grid_numbers, answers, strict=False):
            piece = Piece(token.line, start, end, self.lines[token.line].text[start:end])
            candidates = [q for q in self.done if q.number == number and q.answer_kind != "marked"]
            in_part = [q for q in candidates if q.section == part]
            target = (in_part or (candidates if part is None else []) or [None])[0]
            if target is None:
                self.skip(SKIP_KEY_UNMATCHED, [piece])
                continue
            if target.answer_kind == "implicit":
                target.region().extend(i.piece for i in target.answer)
                target.answer = []
            target.answer.append(AnswerItem("text", piece))
            target.answer_kind, target.mode = "marked", "answer"

    def shadow_of(self, section: ParsedSection) -> str:
        return re.sub(r"\s", "", section.title)

    def key_section(self, token: Token, index: int) -> None:
        piece = self.piece(token)
        self.consumed.append(piece)
        numeral = re.match(r"\s*([一二三四五六七八九十]+)", self.shadow(piece))
        self.key_target = None
        candidates = range(self.key_sections)
        for k in candidates:
            title = re.match(r"\s*([一二三四五六七八九十]+)", self.sections[k].title)
            if numeral and title and title.group(1) == numeral.group(1) and self.sections[k].repeat_of is None:
                self.key_part = k
                return
        self.key_part = None

    def key_num(self, token: Token, index: int) -> None:
        piece = self.piece(token)
        if token.style == "一、" and token.boundary == "start":
            self.key_section(token, index)  # 一、1. A 2. B: the key of section 一
            return
        target = self.key_target
        candidates = [
            q for q in self.done
            if q.section == self.key_part and q.number == token.number and q.answer_kind != "marked"
        ]
        if not candidates and self.key_part is None:
            # A key without part headings: its numbers are those of the questions, in order.
            candidates = [q for q in self.done if q.number == token.number and q.answer_kind != "marked"]
        is_key_point = (
            target is not None
            and target.mode == "answer"
            and target.key_numbers.accepts(token.style, token.number)
        )
        if candidates and (not is_key_point or token.style == candidates[0].style):
            target = candidates[0]
            if target.answer_kind == "implicit":
                # An explicit key replaces what followed the question mark: that was question.
                target.region().extend(i.piece for i in target.answer)
                target.answer = []
                target.key_numbers = KeyPointNumbers()
            target.markers.append(piece)
            target.mode, target.answer_kind = "answer", "marked"
            self.key_target = target
        elif is_key_point and target is not None:
            target.key_numbers.take(token.style, token.number)
            target.answer.append(AnswerItem("kp", piece))
        else:
            self.key_text(token, index)

    def key_text(self, token: Token, index: int) -> None:
        piece = self.piece(token)
        target = self.key_target
        if target is None:
            self.skip(SKIP_KEY_UNMATCHED, [piece])
        elif target.mode == "analysis":
            target.analysis.append(piece)
        else:
            target.answer.append(AnswerItem("text", piece))

    def key_answer(self, token: Token, index: int) -> None:
        if self.key_target is None:
            self.key_text(token, index)
        else:
            self.key_target.markers.append(self.piece(token))
            self.key_target.mode = "answer"

    def key_analysis(self, token: Token, index: int) -> None:
        if self.key_target is None:
            self.key_text(token, index)
        else:
            self.key_target.markers.append(self.piece(token))
            self.key_target.mode = "analysis"

    key_ask = key_text

    def key_noise(self, token: Token, index: int) -> None:
        self.on_noise(token, index)

    def key_eol(self, token: Token, index: int) -> None:
        return

    # -- questions

    def start_question(self, token: Token, piece: Piece) -> None:
        self.finish_question()
        self.flush_pending()
        self.q = _Question(
            section=self.section,
            number=token.number,
            style=token.style,
            label=piece.text.strip(),
            where=self.lines[token.line].where,
            markers=[piece],
        )

    def start_unnumbered(self, body: list[Piece]) -> None:
        """Start a question without a number, whose body is ``body`` (taken from earlier text)."""
        previous = self.q
        self.finish_question()
        self.flush_pending()
        where = self.lines[body[0].line].where if body else (previous.where if previous else self.name)
        self.q = _Question(self.section, 0, "", "", where, body=list(body))

    def claim_pending(self) -> list[Piece]:
        """Return the pending text that is the body of a question without a number.

        The last line, the dialogue turns before it, and the line introducing them; what is
        before stays pending (and is reported as skipped).
        """
        if not self.pending:
            return []
        lines = sorted({p.line for p in self.pending})
        take = {lines[-1]}
        k = len(lines) - 1
        while k > 0 and mk.is_turn(self.lines[lines[k - 1]].shadow):
            k -= 1
            take.add(lines[k])
        if k > 0 and lines[k - 1] == lines[k] - 1:
            before = self.lines[lines[k - 1]].text.strip()
            if before and before[-1] in "。：:？?！!":
                take.add(lines[k - 1])
        claimed = [p for p in self.pending if p.line in take]
        self.pending = [p for p in self.pending if p.line not in take]
        return claimed

    def question_in_tail(self) -> list[Piece]:
        """Return the last sentence of the current answer when it is a question (问…？答：…)."""
        q = self.q
        assert q is not None
        pieces = [i.piece for i in q.answer] if q.mode == "answer" else list(q.analysis)
        kinds = [i.kind for i in q.answer] if q.mode == "answer" else ["text"] * len(pieces)
        if not pieces or kinds[-1] != "text":
            return []
        text_end = pieces[-1].text.rstrip()
        if not text_end.endswith(_QUESTION_MARKS):
            return []
        # Walk back to the start of the sentence: a sentence end, a key point, another line.
        tail: list[Piece] = []
        for k in range(len(pieces) - 1, -1, -1):
            piece = pieces[k]
            if kinds[k] != "text" or (tail and piece.line != tail[0].line):
                break
            text = piece.text.rstrip() if not tail else piece.text
            cut = max(text.rfind(c, 0, len(text.rstrip("？?"))) for c in "。！!；;")
            if cut >= 0:
                head = Piece(piece.line, piece.start, piece.start + cut + 1, piece.text[: cut + 1])
                rest = Piece(piece.line, piece.start + cut + 1, piece.end, piece.text[cut + 1 :])
                tail.insert(0, rest)
                pieces[k] = head
                self._truncate_tail(k, head)
                return tail
            tail.insert(0, piece)
            self._truncate_tail(k, None)
        return tail

    def _truncate_tail(self, k: int, head: Piece | None) -> None:
        q = self.q
        assert q is not None
        if q.mode == "answer":
            q.answer = q.answer[:k] + ([AnswerItem("text", head)] if head is not None else [])
        else:
            q.analysis = q.analysis[:k] + ([head] if head is not None else [])

    def dialogue_in_tail(self) -> list[Piece]:
        """Return trailing dialogue lines of the current answer: the stem of the next question."""
        q = self.q
        assert q is not None
        if q.mode != "answer" or not q.answer:
            return []
        lines = sorted({i.piece.line for i in q.answer})
        take: set[int] = set()
        for line in reversed(lines[1:]):
            if not mk.is_turn(self.lines[line].shadow):
                break
            take.add(line)
        if not take:
            return []
        first = min(take)
        before = [ln for ln in lines if ln < first]
        if len(before) > 1:
            text = self.lines[before[-1]].text.strip()
            if text.endswith(("：", ":")) and not any(
                i.kind == "kp" and i.piece.line == before[-1] for i in q.answer
            ):
                take.add(before[-1])
        claimed = [i.piece for i in q.answer if i.piece.line in take]
        q.answer = [i for i in q.answer if i.piece.line not in take]
        return claimed

    def revert_implicit(self) -> None:
        """Give an answer found after the question mark back to the question (答： came later)."""
        q = self.q
        assert q is not None
        q.region().extend(i.piece for i in q.answer)
        q.answer = []
        q.answer_kind = ""
        q.mode = "body"
        q.key_numbers = KeyPointNumbers()

    def flush_pending(self) -> None:
        if not self.pending:
            return
        if self.section is not None:
            reason = SKIP_SECTION_TEXT
        elif not self.questions and self.q is None:
            reason = SKIP_PREAMBLE
            if self.title_type is None:
                for piece in self.pending:
                    shadow = self.shadow(piece)
                    if mk.type_word_count(shadow) > 1:
                        continue  # a flattened score table (题型 单选题 多选题 … 总分), not a title
                    found, _ = mk.type_from_words(shadow)
                    if found:
                        self.title_type = found
                        break
        else:
            reason = SKIP_UNPLACED
        self.skip(reason, self.pending)
        self.pending = []

    def finish_question(self) -> None:
        """Close the current question; it is built at the end (an answer key may still come)."""
        if self.q is not None:
            self.done.append(self.q)
            self.q = None

    def build_all(self) -> None:
        # The question a document (or its answer key) stops in may have been cut off.
        last = self.key_target if self.key_mode else (self.done[-1] if self.done else None)
        for q in self.done:
            parsed, skipped = build_question(q, self.lines, self.name, paragraphs=self.paragraphs)
            if parsed is None:
                self.skip(skipped, _question_pieces(q))
            elif is_prose(parsed, self.lines):
                self.skip(SKIP_PROSE, parsed.all_pieces())
            elif q is last and is_cut(parsed, self.questions, self.lines):
                self.skip(SKIP_CUT, parsed.all_pieces())
            else:
                self.questions.append(parsed)

    def result(self, unit: str) -> ParsedDocument:
        return ParsedDocument(
            path=self.path,
            name=self.name,
            unit=unit,
            lines=self.lines,
            sections=tuple(self.sections),
            questions=tuple(self.questions),
            skipped=tuple(merge_stretches(self.skipped, self.lines)),
            consumed=tuple(self.consumed),
            title_type=self.title_type,
        )


def is_prose(question: ParsedQuestion, lines: Sequence[Line]) -> bool:
    """Return whether a numbered item is prose: no answer, no options, and nothing asks."""
    if question.key_points or question.options or question.choice or question.answer:
        return False
    text = "".join(lines[p.line].shadow[p.start : p.end] for p in (*question.stem, *question.question))
    return not _ASKING.search(text)


def _question_pieces(q: _Question) -> list[Piece]:
    pieces = [*q.markers, *q.body, *(q.ask or ()), *(i.piece for i in q.answer), *q.analysis]
    return sorted(pieces, key=lambda p: (p.line, p.start))


def merge_stretches(stretches: Sequence[Stretch], lines: Sequence[Line]) -> list[Stretch]:
    """Return ``stretches`` in document order, neighbours with the same reason merged."""
    ordered = sorted(stretches, key=lambda s: (s.pieces[0].line, s.pieces[0].start))
    merged: list[Stretch] = []
    for stretch in ordered:
        if merged and merged[-1].reason == stretch.reason and stretch.pieces[0].line - merged[-1].pieces[-1].line <= 1:
            pieces = (*merged[-1].pieces, *stretch.pieces)
            merged[-1] = Stretch(stretch.reason, _where(pieces, lines), pieces)
        else:
            merged.append(stretch)
    return merged


def _where(pieces: Sequence[Piece], lines: Sequence[Line]) -> str:
    """Return where pieces are: ``a.txt:12``, or ``a.txt:12-14`` over several lines."""
    first, last = lines[pieces[0].line].where, lines[pieces[-1].line].where
    if first == last:
        return first
    return f"{first}-{last.rpartition(':')[2]}"


# --- From a question's pieces to its fields ---------------------------------------------------


def build_question(
    q: _Question, lines: Sequence[Line], file: str, *, paragraphs: bool = False
) -> tuple[ParsedQuestion | None, str]:
    """Return the parsed question made of ``q``'s pieces, or (None, why it is not a question).

    With ``paragraphs`` (a .docx), a paragraph is never split into question and answer.
    """
    markers = list(q.markers)
    body, ask = list(q.body), list(q.ask) if q.ask is not None else None
    points = None
    for region in (ask, body):
        if region is None or points is not None:
            continue
        region[:], found, value = take_pattern(region, lines, mk.QUESTION_POINTS)
        markers.extend(found)
        points = value
    answer_items = list(q.answer)
    answer_kind = q.answer_kind
    options: tuple[tuple[Piece, ...], ...] = ()
    choice = ""
    region = ask if ask is not None else body
    found_options = ob.take_options(region, lines)
    if found_options is not None:
        region[:] = found_options.kept
        options = found_options.options
        markers.extend(found_options.labels)
    written = "".join(i.piece.text for i in answer_items)
    if answer_items and all(i.kind == "text" for i in answer_items) and ob.answer_in_text(written):
        # 答案：B, 正确答案：ABCE, 答案：错误 — an objective answer, never a key point.
        choice = ob.answer_in_text(written)
        markers.extend(i.piece for i in answer_items)
        answer_items = []
        answer_kind = "marked"
    elif not answer_items:
        bracketed = ob.answer_in_brackets(region, letters=bool(options))
        if bracketed is not None:
            region[:], answer_piece, choice = bracketed
            markers.append(answer_piece)
            answer_kind = "marked"
    if options and choice in ("true", "false"):
        choice = ""
    objective = bool(options) or choice in ("true", "false")
    if not answer_kind and not objective and not paragraphs:
        # No 答： and no line break after the question mark: the answer may still follow it.
        region = ask if ask is not None else body
        split = _split_at_question_mark(region, lines)
        if split:
            kept, rest = split
            region[:] = kept
            answer_items = [AnswerItem("text", p) for p in rest]
            answer_kind = "implicit"
    stem, question = split_stem(body, ask, lines)
    if not any(p.text.strip() for p in (*stem, *question)):
        has_answer = any(i.piece.text.strip() for i in answer_items)
        return None, SKIP_ORPHAN_ANSWER if has_answer else SKIP_EMPTY
    key_points, lead_in, kp_markers = split_answer(answer_items, lines)
    markers.extend(kp_markers)
    analysis = list(q.analysis)
    if lead_in and mk.FILLER_LEAD_IN.match("".join(p.text for p in lead_in).strip()):
        # 要点如下： says nothing of its own: a label, like 答：.
        markers.extend(lead_in)
        lead_in = []
    if lead_in:
        # A lead-in with content of its own (该坐席员的做法是错误的。理由如下：) is part of the
        # answer a judge marks: its first key point.
        group, separators = _strip_separators(lead_in)
        markers.extend(separators)
        key_points = [ParsedKeyPoint(tuple(group)), *key_points]
    parsed = ParsedQuestion(
        file=file,
        where=q.where,
        stem=tuple(stem),
        question=tuple(question),
        key_points=tuple(key_points),
        analysis=tuple(analysis),
        markers=tuple(sorted(markers, key=lambda p: (p.line, p.start))),
        section=q.section,
        number=q.number,
        label=q.label,
        points=points,
        answer=answer_kind,
        options=options,
        choice=choice,
    )
    return parsed, ""


def take_pattern(
    pieces: Sequence[Piece], lines: Sequence[Line], pattern: re.Pattern[str], *, last: bool = False
) -> tuple[list[Piece], list[Piece], Decimal | None]:
    """Return ``pieces`` without the first (or last) match of ``pattern``, the match, and its number."""
    order = range(len(pieces) - 1, -1, -1) if last else range(len(pieces))
    for k in order:
        piece = pieces[k]
        shadow = lines[piece.line].shadow[piece.start : piece.end]
        matches = list(pattern.finditer(shadow))
        if not matches:
            continue
        match = matches[-1] if last else matches[0]
        before, found, after = split_piece(piece, match.start(), match.end())
        kept = [*pieces[:k], *(p for p in (before, after) if p.text), *pieces[k + 1 :]]
        return kept, [found], Decimal(match.group(1))
    return list(pieces), [], None


def split_piece(piece: Piece, start: int, end: int) -> tuple[Piece, Piece, Piece]:
    """Return the parts of ``piece`` before ``start``, from ``start`` to ``end``, and after."""
    text = piece.text
    return (
        Piece(piece.line, piece.start, piece.start + start, text[:start]),
        Piece(piece.line, piece.start + start, piece.start + end, text[start:end]),
        Piece(piece.line, piece.start + end, piece.end, text[end:]),
    )


def _split_at_question_mark(
    region: list[Piece] | None, lines: Sequence[Line]
) -> tuple[list[Piece], list[Piece]] | None:
    """Return (question, answer) when text follows the question's first question mark."""
    if not region:
        return None
    for k, piece in enumerate(region):
        shadow = lines[piece.line].shadow
        if mk.is_turn(shadow[piece.start :]) or mk.is_turn(shadow):
            continue
        text = piece.text
        for i, char in enumerate(text):
            if char not in _QUESTION_MARKS:
                continue
            following = text[i + 1 : i + 2]
            if following in ("”", "’", "」", "』", '"'):
                continue
            if _inside_turn(shadow, piece.start + i) or _inside_brackets(shadow, piece.start + i):
                continue
            # The question runs on over the question sentences that follow, and over
            # follow-ups (请结合…。举例说明…。): the answer starts after them.
            i = _end_of_asking(text, i)
            rest_here = text[i + 1 :]
            rest = [Piece(piece.line, piece.start + i + 1, piece.end, rest_here)] if rest_here else []
            rest += region[k + 1 :]
            if not any(p.text.strip() for p in rest):
                return None
            head = Piece(piece.line, piece.start, piece.start + i + 1, text[: i + 1])
            return [*region[:k], head], [p for p in rest if p.text]
    return None


#: Sentences that go on asking after a question mark: 请结合…, 并说明…, 试分析…, 举例说明….
_FOLLOW_UP = re.compile(r"\s*(?:请|并|试|举例|例如说)")


def _end_of_asking(text: str, i: int) -> int:
    """Return the index of the last question mark or follow-up end of the run starting at ``i``."""
    while True:
        rest = text[i + 1 :]
        ends = [k for k in (rest.find(c) for c in "。？?！!") if k >= 0]
        if not ends:
            return i
        end = min(ends)
        sentence = rest[: end + 1]
        if sentence.endswith(_QUESTION_MARKS) or _FOLLOW_UP.match(sentence):
            i = i + 1 + end
            continue
        return i


def _inside_brackets(shadow: str, i: int) -> bool:
    """Return whether position ``i`` is inside brackets: （客户问：怎么办？） does not end a question."""
    opened = sum(shadow.count(c, 0, i) for c in "（(【「『")
    closed = sum(shadow.count(c, 0, i) for c in "）)】」』")
    return opened > closed


def _inside_turn(shadow: str, i: int) -> bool:
    """Return whether position ``i`` is inside a quoted turn of a glued dialogue."""
    return shadow.count("“", 0, i) > shadow.count("”", 0, i)


def split_stem(
    body: list[Piece], ask: list[Piece] | None, lines: Sequence[Line]
) -> tuple[list[Piece], list[Piece]]:
    """Return (stem, question) of a question's body.

    After 问题： the question; before it the stem. Without it, a body of several lines is
    stem and question (the last line that is not a dialogue turn, and what follows); a
    single line is the question, unless it holds a dialogue, whose turns are the stem.
    """
    body = [p for p in body if p.text.strip()]
    if ask is not None:
        ask = [p for p in ask if p.text.strip()]
        if ask:
            return body, ask
        return _split_lines(body, lines)
    return _split_lines(body, lines)


def _split_lines(body: list[Piece], lines: Sequence[Line]) -> tuple[list[Piece], list[Piece]]:
    line_numbers = sorted({p.line for p in body})
    if len(line_numbers) > 1:
        plain = [ln for ln in line_numbers if not _starts_turn(body, ln, lines)]
        if not plain:
            return body, []
        last = plain[-1]
        if last == line_numbers[0]:
            # The question first, then the dialogue it asks about.
            return [p for p in body if p.line != last], [p for p in body if p.line == last]
        return [p for p in body if p.line < last], [p for p in body if p.line >= last]
    if not body:
        return [], []
    # One line: a glued dialogue keeps its turns as the stem, the text after the last turn
    # is the question.
    shadow = lines[body[0].line].shadow
    turns = [m.start() for m in mk.TURN_START.finditer(shadow)]
    if mk.is_turn(shadow[body[0].start :]):
        turns.insert(0, body[0].start)
    turns = [t for t in turns if body[0].start <= t < body[-1].end]
    if not turns:
        return [], body
    close = shadow.find("”", turns[-1])
    if close < 0:
        return body, []
    cut = close + 1
    stem: list[Piece] = []
    question: list[Piece] = []
    for piece in body:
        if piece.end <= cut:
            stem.append(piece)
        elif piece.start >= cut:
            question.append(piece)
        else:
            before, _, after = split_piece(piece, cut - piece.start, cut - piece.start)
            stem.append(before)
            question.append(after)
    return stem, [p for p in question if p.text.strip()]


def _starts_turn(body: list[Piece], line: int, lines: Sequence[Line]) -> bool:
    first = min((p for p in body if p.line == line), key=lambda p: p.start)
    return mk.is_turn(lines[line].shadow[first.start :])


def split_answer(
    items: Sequence[AnswerItem], lines: Sequence[Line]
) -> tuple[list[ParsedKeyPoint], list[Piece], list[Piece]]:
    """Return (key points, lead-in, markers) of an answer.

    Numbered sub-items become key points; otherwise 一是…二是…; otherwise one key point
    per line; a first line ending in a colon is the lead-in. Points written with a key
    point (（2分）) are taken from its text.
    """
    markers: list[Piece] = []
    groups: list[list[Piece]] = []
    lead: list[Piece] = []
    for item in items:
        if item.kind == "kp":
            markers.append(item.piece)
            groups.append([])
        elif groups:
            groups[-1].append(item.piece)
        else:
            lead.append(item.piece)
    if not groups:
        lead, groups, found = _split_ordinals(lead, lines)
        markers.extend(found)
    if not groups:
        line_numbers = sorted({p.line for p in lead if p.text.strip()})
        if len(line_numbers) > 1:
            first_text = "".join(p.text for p in lead if p.line == line_numbers[0]).strip()
            head: list[Piece] = []
            if first_text.endswith(("：", ":")):
                head = [p for p in lead if p.line == line_numbers[0]]
                line_numbers = line_numbers[1:]
            groups = [[p for p in lead if p.line == ln] for ln in line_numbers]
            lead = head
        else:
            groups, lead = (_split_at_point_notes(lead, lines) if line_numbers else []), []
    key_points: list[ParsedKeyPoint] = []
    for group in groups:
        group = [p for p in group if p.text]
        group, found, value = take_pattern(group, lines, mk.KEY_POINT_POINTS[0], last=True)
        if not found:
            group, found, value = take_pattern(group, lines, mk.KEY_POINT_POINTS[1], last=True)
        markers.extend(found)
        group, separators = _strip_separators(group)
        markers.extend(separators)
        if any(p.text.strip() for p in group):
            key_points.append(ParsedKeyPoint(tuple(group), value))
        else:
            markers.extend(group)
    return key_points, [p for p in lead if p.text.strip()], markers


def _split_at_point_notes(pieces: list[Piece], lines: Sequence[Line]) -> list[list[Piece]]:
    """Return a one-line answer cut after each point note: 先致歉（2分）；核实身份（1分）；….

    Cut only when two notes or more each close their part (a separator or the end follows).
    """
    cuts: list[tuple[int, int]] = []  # (piece index, cut position in the piece)
    for k, piece in enumerate(pieces):
        shadow = lines[piece.line].shadow[piece.start : piece.end]
        for match in mk.KEY_POINT_POINTS[0].finditer(shadow):
            after = match.end()
            while after < len(shadow) and shadow[after] in " \t\u3000":
                after += 1
            if after < len(shadow) and shadow[after] in "；;，,。":
                cuts.append((k, after + 1))
            elif after == len(shadow) and k == len(pieces) - 1:
                cuts.append((k, after))
    if len(cuts) < 2:
        return [pieces]
    groups: list[list[Piece]] = [[]]
    for k, piece in enumerate(pieces):
        position = 0
        for cut_piece, cut in cuts:
            if cut_piece != k:
                continue
            groups[-1].append(Piece(piece.line, piece.start + position, piece.start + cut, piece.text[position:cut]))
            groups.append([])
            position = cut
        if position < len(piece.text):
            groups[-1].append(Piece(piece.line, piece.start + position, piece.end, piece.text[position:]))
    return [g for g in groups if any(p.text.strip() for p in g)]


def _split_ordinals(
    pieces: list[Piece], lines: Sequence[Line]
) -> tuple[list[Piece], list[list[Piece]], list[Piece]]:
    """Return (lead, groups, markers) of an answer written 一是…，二是…，三是…; no groups if not."""
    hits: list[tuple[int, int, int]] = []  # (piece index, start, end)
    expected = 1
    for k, piece in enumerate(pieces):
        shadow = lines[piece.line].shadow[piece.start : piece.end]
        for match in mk.ORDINAL_POINT.finditer(shadow):
            if mk.cn_number(match.group(1)) != expected:
                continue
            before = shadow[: match.start()].rstrip()
            if before and before[-1] not in "，,。；;：:、" and not (k and not before):
                continue
            hits.append((k, match.start(), match.end()))
            expected += 1
    if len(hits) < 2:
        return pieces, [], []
    lead: list[Piece] = []
    groups: list[list[Piece]] = []
    markers: list[Piece] = []
    cuts: dict[int, list[tuple[int, int]]] = {}
    for k, start, end in hits:
        cuts.setdefault(k, []).append((start, end))
    for k, piece in enumerate(pieces):
        position = 0
        for start, end in cuts.get(k, []):
            text_before = Piece(piece.line, piece.start + position, piece.start + start, piece.text[position:start])
            (groups[-1] if groups else lead).append(text_before)
            marker = Piece(piece.line, piece.start + start, piece.start + end, piece.text[start:end])
            markers.append(marker)
            groups.append([])
            position = end
        rest = Piece(piece.line, piece.start + position, piece.end, piece.text[position:])
        (groups[-1] if groups else lead).append(rest)
    return [p for p in lead if p.text], groups, markers


def _strip_separators(group: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """Return a key point without the list separators (；，) it ends with, and those separators."""
    separators: list[Piece] = []
    while group:
        piece = group[-1]
        stripped = piece.text.rstrip()
        if not stripped:
            group = group[:-1]
            if piece.text:
                separators.append(piece)
            continue
        end = len(stripped)
        start = end
        while start > 0 and stripped[start - 1] in mk.KEY_POINT_SEPARATORS + " \t\u3000":
            start -= 1
        if start == end:
            break
        before, found, after = split_piece(piece, start, len(piece.text))
        separators.append(found)
        group = [*group[:-1], before] if before.text else group[:-1]
        break
    return group, separators


# --- Cut documents -------------------------------------------------------------------------------


def is_cut(question: ParsedQuestion, earlier: Sequence[ParsedQuestion], lines: Sequence[Line]) -> bool:
    """Return whether the last question of a document stops mid-sentence (the file was cut)."""
    if question.choice:
        return False  # its answer came after it
    if question.answer == "marked" and not question.key_points:
        return True
    if question.key_points:
        last_text = question.key_points[-1].text
        if question.analysis:
            last_text = "".join(p.text for p in question.analysis).strip()
    else:
        last_text = "".join(p.text for p in question.question).strip()
    if not last_text:
        return True
    if last_text[-1] in _TERMINAL:
        return False
    if not question.key_points:
        return True
    # Key points are often written without a full stop: compare with the question's other
    # key points, then with the other questions.
    if not question.analysis and len(question.key_points) > 1:
        return any(kp.text[-1:] in _TERMINAL for kp in question.key_points[:-1])
    endings = [
        (q.key_points[-1].text if not q.analysis else "".join(p.text for p in q.analysis).strip())[-1:]
        for q in earlier
        if q.key_points
    ]
    if not endings:
        return False
    terminal = sum(1 for e in endings if e and e in _TERMINAL)
    return terminal * 2 > len(endings)
