"""Normalise imported text: pinyin annotations out, punctuation widths in order, a simplified twin.

Two steps, so that every character stays accounted for:

1. :func:`strip_pinyin` removes annotations a converter inserted after characters
   (``職業(yè)`` → ``職業``) and returns what it removed;
2. :func:`map_punctuation` maps characters one to one (same length): full-width digits and
   letters to ASCII, ASCII punctuation inside Chinese text to full-width (``,`` → ``，``,
   ``:`` → ``：``, ``"…"`` → ``“…”``).

The text keeps the characters as written (traditional stays traditional); the parser
matches on :func:`simplified_shadow`, a same-length simplified twin. ``--simplified``
converts the imported questions at the end with OpenCC (t2s).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from examgen.bank.importer.model import Annotation, Line, SourceLine

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_VOWELS = "aeiouüv" + _TONED
# One pinyin syllable: optional initial, vowels (with or without tone marks), optional final,
# optional tone digit.
_SYLLABLE = rf"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[{_VOWELS}]{{1,3}}(?:ng|n|r)?[1-5]?|[{_TONED}]"
_PINYIN = re.compile(rf"[（(]\s*(?:{_SYLLABLE})(?:\s*(?:{_SYLLABLE})){{0,3}}\s*[)）]")


def is_cjk(char: str) -> bool:
    """Return whether ``char`` is a Chinese character (CJK unified ideograph)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _is_wide(char: str) -> bool:
    """Return whether ``char`` is Chinese text: an ideograph or full-width punctuation."""
    code = ord(char)
    return (
        is_cjk(char)
        or 0x3000 < code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or char in "“”‘’…—"
    )


def strip_pinyin(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Return ``text`` without pinyin annotations, and each annotation removed (position, text).

    An annotation is a parenthesised run of pinyin syllables right after a Chinese character;
    toneless ones need two letters or more, so ``(a)`` or ``(VIP)`` stay.
    """
    kept: list[str] = []
    removed: list[tuple[int, str]] = []
    last = 0
    for match in _PINYIN.finditer(text):
        start = match.start()
        if start == 0 or not is_cjk(text[start - 1]):
            continue
        inner = match.group()[1:-1].strip()
        letters = re.sub(r"[\s1-5]", "", inner)
        toned = any(c in _TONED for c in inner) or any(c in "12345" for c in inner)
        if not toned and len(letters) < 2:
            continue
        kept.append(text[last:start])
        removed.append((start, match.group()))
        last = match.end()
    kept.append(text[last:])
    return "".join(kept), removed


_FULL_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULL_TO_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULL_TO_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDE_PUNCT = {",": "，", ";": "；", "?": "？", "!": "！", ":": "："}
_CN_DIGITS = "一二三四五六七八九十"


_FULL_TO_ASCII_TABLE = str.maketrans(_FULL_TO_ASCII)
#: The characters map_punctuation looks at one by one (the rest map by the table).
_PUNCTUATION = re.compile("[．,;?!:]")


def map_punctuation(text: str) -> str:
    """Return ``text`` with widths normalised, one character for one (same length)."""
    mapped = text.translate(_FULL_TO_ASCII_TABLE)
    if "(" not in mapped and '"' not in mapped and not _PUNCTUATION.search(mapped):
        return mapped
    chars = list(mapped)
    n = len(chars)

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < n and chars[j] in " \t":
            j += step
        return chars[j] if 0 <= j < n else ""

    for match in _PUNCTUATION.finditer(mapped):
        # Left to right, each seeing the ones before it already mapped.
        i, c = match.start(), match.group()
        if c == "．":
            before = chars[i - 1] if i else ""
            chars[i] = "." if before.isdigit() or before in _CN_DIGITS else "。"
        elif c in _WIDE_PUNCT:
            before, after = neighbour(i, -1), neighbour(i, 1)
            if c == ":" and before.isdigit() and after.isdigit():
                continue  # a time such as 10:30
            wide_before = bool(before) and _is_wide(before)
            wide_after = bool(after) and _is_wide(after)
            if c in "?!" and wide_before or c not in "?!" and (wide_before or wide_after):
                chars[i] = _WIDE_PUNCT[c]
    if "(" in mapped:
        _widen_parentheses(chars)
    if '"' in mapped and any(is_cjk(c) for c in chars):
        _curl_quotes(chars)
    return "".join(chars)


def _widen_parentheses(chars: list[str]) -> None:
    stack: list[int] = []
    for i, c in enumerate(chars):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            start = stack.pop()
            inner = chars[start + 1 : i]
            before = chars[start - 1] if start else ""
            if any(is_cjk(x) for x in inner) or (before and is_cjk(before)):
                chars[start], chars[i] = "（", "）"


def _curl_quotes(chars: list[str]) -> None:
    opening = True
    for i, c in enumerate(chars):
        if c == '"':
            chars[i] = "“" if opening else "”"
            opening = not opening


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=20000)
def _simplified_char(char: str) -> str:
    if not is_cjk(char):
        return char
    converted = _t2s().convert(char)
    return converted if len(converted) == 1 else char


class _SimplifiedTable(dict):
    """``str.translate`` table of each character to its simplified form, filled as met."""

    def __missing__(self, code: int) -> str:
        self[code] = simplified = _simplified_char(chr(code))
        return simplified


_SIMPLIFIED = _SimplifiedTable()


def simplified_shadow(text: str) -> str:
    """Return ``text`` converted character by character to simplified Chinese, same length."""
    return text.translate(_SIMPLIFIED)


def to_simplified(text: str) -> str:
    """Return ``text`` converted to simplified Chinese with OpenCC (t2s), phrases included."""
    return _t2s().convert(text) if text else text


_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?!\S*[-*+]\s*$))+")
# Only markup that is never text: "**" (bold) and "`". Single "*" and "__" stay, since "__"
# is also a fill-in blank.
_MD_EMPHASIS = re.compile(r"\*\*|`")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def strip_markdown(text: str) -> tuple[str, list[str]]:
    """Return a Markdown line without its markup (``#``, ``>``, list bullets, ``**``), and the markup."""
    if _MD_RULE.match(text):
        return "", [text.strip()]
    removed: list[str] = []
    prefix = _MD_PREFIX.match(text)
    if prefix and prefix.group().strip():
        removed.append(prefix.group().strip())
        text = text[prefix.end() :]
    removed.extend(m.group() for m in _MD_EMPHASIS.finditer(text))
    return _MD_EMPHASIS.sub("", text), removed


def normalise_line(line: SourceLine, *, markdown: bool = False) -> Line:
    """Return the normalised form of a source line (markup and pinyin stripped, widths mapped)."""
    text = line.text
    annotations: list[Annotation] = []
    if markdown:
        text, markup = strip_markdown(text)
        annotations.extend(Annotation(line.where, m, "markdown") for m in markup)
    text, removed = strip_pinyin(text)
    annotations.extend(Annotation(line.where, r) for _, r in removed)
    text = map_punctuation(text)
    return Line(
        text=text,
        shadow=simplified_shadow(text),
        where=line.where,
        number=line.number,
        removed=tuple(annotations),
        raw=line.text,
    )


def verbatim_line(line: SourceLine) -> Line:
    """Return a source line unchanged (for exported bank sheets, which are already clean)."""
    return Line(
        text=line.text,
        shadow=simplified_shadow(line.text),
        where=line.where,
        number=line.number,
        raw=line.text,
    )


def normalise_lines(lines: Sequence[SourceLine], *, markdown: bool = False) -> tuple[Line, ...]:
    """Return every source line normalised, in order."""
    return tuple(normalise_line(line, markdown=markdown) for line in lines)
