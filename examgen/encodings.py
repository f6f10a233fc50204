"""Decode text files as Chinese offices save them."""

from __future__ import annotations

import codecs
import re


def decode_chinese_text(data: bytes) -> str:
    """Return the text of ``data``: UTF-16 with BOM, UTF-8 (with or without BOM), or GB18030.

    Chinese Windows, Excel and WPS save "ANSI" text and CSV as GBK, of which GB18030 is
    a superset. Raise UnicodeDecodeError (from GB18030) when none of them fits.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


#: Characters no user text may hold: C0/C1 controls (tab and line breaks allowed),
#: lone surrogates, and the non-characters U+FFFE/U+FFFF. They break Word and Excel files.
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str) -> str | None:
    """Return the first character of ``text`` that no document may hold, as ``U+0001``, or None."""
    found = _BAD_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def clip(text: str, limit: int = 80) -> str:
    """Return ``text`` cut to ``limit`` characters with ``…`` so error lines stay short."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
