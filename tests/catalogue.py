"""The message catalogues: extract examgen's messages, update the Chinese catalogue, compile it.

``python -m tests.catalogue`` extracts every message (strings in ``_()``, ``N_()`` and
``ngettext()`` with Babel, plus the CLI's help texts read from the click commands), adds
new ones to ``examgen/locale/zh_CN/LC_MESSAGES/examgen.po`` untranslated, drops ones no
longer used, and compiles ``examgen.mo``. ``tests/test_i18n.py`` fails while a message has
no translation, a translation loses a placeholder, or the ``.mo`` is older than the ``.po``.
Babel is a test dependency only: examgen reads the compiled ``.mo`` with the standard
library's gettext.
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "examgen"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "examgen.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2)}
#: The date written into the compiled catalogue's header: any fixed one.
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _help_texts() -> list[str]:
    """Return the help text of every command and option, as the CLI translates them."""
    import click

    from examgen.cli import help_messages, main

    texts: list[str] = []

    def walk(command: click.Command) -> None:
        texts.extend(help_messages(command))
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name])

    walk(main)
    return texts


def extract() -> list[tuple[str | tuple[str, str], list[tuple[str, int]]]]:
    """Return every message of examgen with the places it comes from, in a stable order."""
    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
    ):
        if message in ("", ("", "")):
            continue
        found.setdefault(message, []).append((f"examgen/{filename}", lineno))
    for text in _help_texts():
        found.setdefault(text, []).append(("examgen/cli.py", 0))
    return sorted(found.items(), key=lambda item: str(item[0]))


def read_catalogue() -> Catalog:
    """Return the Chinese catalogue as it is on disk."""
    with PO.open("rb") as handle:
        found = read_po(handle, locale="zh_CN", domain="examgen")
    # The .po keeps no dates (they would change on every run); without one Babel takes
    # the clock's, which would go into the .mo's header and make it differ minute by minute.
    found.creation_date = found.revision_date = FIXED_DATE
    return found


def compiled(catalogue: Catalog) -> bytes:
    """Return the .mo bytes of ``catalogue``, the same whenever it is compiled."""
    # Babel stamps the header with today's date; a fixed one keeps the .mo reproducible.
    catalogue.creation_date = catalogue.revision_date = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def update() -> tuple[int, int]:
    """Bring the catalogue in line with the code; return (messages, untranslated)."""
    old = read_catalogue() if PO.exists() else Catalog(locale="zh_CN", domain="examgen")
    new = Catalog(
        locale="zh_CN", domain="examgen", project="examgen", version="", charset="utf-8",
        language_team="examgen", fuzzy=False,
    )
    for message, _places in extract():
        key = message[0] if isinstance(message, tuple) else message
        previous = old.get(key)
        string = previous.string if previous is not None else ("", "") if isinstance(message, tuple) else ""
        if isinstance(message, tuple) and isinstance(string, str):
            string = (string, string)
        new.add(message, string, locations=[])
    buffer = io.BytesIO()
    write_po(buffer, new, width=0, no_location=True, omit_header=False, sort_output=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(_stable_header(buffer.getvalue()))
    MO.write_bytes(compiled(read_catalogue()))
    missing = sum(1 for m in new if m.id and not _translated(m.string))
    return len(new), missing


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _stable_header(text: bytes) -> bytes:
    """Drop the header lines that change on every run (dates), so the file diffs cleanly."""
    lines = [
        line for line in text.split(b"\n")
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:', b"# ", b"#, fuzzy"))
    ]
    return b"\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    total, missing = update()
    print(f"{PO.relative_to(ROOT)}: {total} messages, {missing} without a translation")
    sys.exit(0)
