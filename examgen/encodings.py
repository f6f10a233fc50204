"""Decode text files as Chinese offices save them."""

from __future__ import annotations

import codecs


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
