"""Write a bank file's YAML fast, byte for byte what PyYAML's pure-Python dumper writes.

A bank file has one fixed shape: a list of question mappings whose values are text,
whole numbers, points, booleans, lists of text and lists of key-point mappings. PyYAML
spends most of its time on events, nodes and states for that shape; this writer lays it
out directly and ports, for the text it meets, PyYAML's choice of scalar style (plain,
'single-quoted', literal block ``|``) and its folding of long lines at 100 columns.
A question holding anything else (tabs, control characters, text that needs
"double quotes", a space before a line break, other value types) is written by PyYAML
itself, so nothing rare is approximated. Tests compare both on the import corpus and on
generated texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from yaml import ScalarNode
from yaml.resolver import Resolver

from examgen.models import format_points
from examgen.yamlio import LineMapping

#: Line width PyYAML folds plain and quoted scalars at (``width=100``).
WIDTH = 100
#: PyYAML's indentation step (``best_indent``).
STEP = 2

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"

#: A character PyYAML would escape in "double quotes", or a break other than "\n"
#: (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR): such text goes to PyYAML.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
#: Text PyYAML may not write plain in block context (its "block indicators"): a document
#: marker or an indicator first, ": " or a final ":", " #"; leading or trailing spaces.
_NOT_PLAIN_START = re.compile(r"---|\.\.\.|[#,\[\]{}&*!|>'\"%@`]|[-?:](?: |$)| ")
_NOT_PLAIN_INSIDE = re.compile(r":(?: |$)| #| $")
_SPACE_RUNS = re.compile(r"( +)")

_resolver = Resolver()
#: Mapping keys known to be written plain, as PyYAML writes them.
_PLAIN_KEYS: set[str] = set()


def _resolves_to(text: str) -> str:
    """Return the tag PyYAML's loader gives ``text`` written plain."""
    return _resolver.resolve(ScalarNode, text, (True, False))


class _Unusual(Exception):
    """A question holds a value this writer leaves to PyYAML."""


def _fold(text: str, column: int, indent: int, quoted: bool) -> tuple[str, int]:
    """Return ``text`` as written from ``column`` on (one line), folded at single spaces past WIDTH.

    Quoted text doubles its quotes and never folds at its first or last space run.
    Return the text and the column after it.
    """
    if " " not in text:
        written = text.replace("'", "''") if quoted else text
        return written, column + len(written)
    pieces: list[str] = []
    tokens = _SPACE_RUNS.split(text)
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if index % 2:  # a run of spaces
            if len(token) == 1 and column > WIDTH and (not quoted or (index != 1 or tokens[0]) and (index != last - 1 or tokens[last])):
                pieces.append("\n" + " " * indent)
                column = indent
            else:
                pieces.append(token)
                column += len(token)
        elif token:
            written = token.replace("'", "''") if quoted else token
            pieces.append(written)
            column += len(written)
    return "".join(pieces), column


def _literal(text: str, indent: int) -> str:
    """Return multi-line ``text`` as a literal block (``|``), after its key or dash."""
    hints = ""
    if text[0] in " \n":
        hints += str(STEP)
    if text[-1] != "\n":
        hints += "-"
    elif len(text) == 1 or text[-2] == "\n":
        hints += "+"
    lines = text.split("\n")
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in lines)
    return f" |{hints}\n{body}" + ("\n" if lines[-1] else "")


def _text(value: str, column: int, indent: int) -> tuple[str, bool]:
    """Return the scalar ``value`` as written after ``key:`` or ``-`` ending at ``column``.

    The result ends with a line break. The flag says it was a ``|+`` block (PyYAML then
    ends the stream with ``...``).
    """
    if _UNUSUAL.search(value):
        raise _Unusual
    if "\n" in value:
        if value[-1] == " " or " \n" in value:
            raise _Unusual  # PyYAML writes it "double-quoted"
        written = _literal(value, indent)
        return written, written.startswith((" |+", " |2+"))
    if not value:
        return " ''\n", False
    plain = not (_NOT_PLAIN_START.match(value) or _NOT_PLAIN_INSIDE.search(value)) and _resolves_to(value) == STR_TAG
    if plain:
        written, _ = _fold(value, column + 1, indent, quoted=False)
        return f" {written}\n", False
    written, _ = _fold(value, column + 2, indent, quoted=True)
    return f" '{written}'\n", False


def _number(value: object) -> tuple[str, object]:
    """Return a number or boolean as PyYAML writes it (plain) and as YAML reads it back.

    Raise _Unusual for anything else.
    """
    if isinstance(value, bool):
        return (" true\n" if value else " false\n"), value
    if isinstance(value, int):
        text, tag, loaded = str(value), INT_TAG, value
    elif isinstance(value, Decimal) and value.is_finite():
        if value == value.to_integral_value():
            text, tag = str(int(value)), INT_TAG
            loaded = int(value)
        else:
            text, tag = format_points(value), FLOAT_TAG
            loaded = float(text)
    else:
        raise _Unusual
    if _resolves_to(text) != tag or _NOT_PLAIN_START.match(text) or _NOT_PLAIN_INSIDE.search(text):
        raise _Unusual
    return f" {text}\n", loaded


class _Writer:
    """Lays out records, counting lines, and keeps what a YAML reader would make of them."""

    def __init__(self, line: int) -> None:
        self.out: list[str] = []
        self.line = line  # the line the next text starts on
        self.ended_open = False  # the last scalar was a `|+` block
        self.known: dict[tuple, tuple[str, bool, object]] = {}  # scalar → (text, `|+`, as read)

    def write(self, text: str) -> None:
        self.out.append(text)
        self.line += text.count("\n")

    def scalar(self, value: object, column: int, indent: int) -> object:
        # Types, topics, points, sources and tags repeat from question to question.
        key = (type(value), value, column, indent)
        known = self.known.get(key)
        if known is None:
            if isinstance(value, str):
                text, ended_open = _text(value, column, indent)
                known = text, ended_open, value
            else:
                text, loaded = _number(value)
                known = text, False, loaded
            self.known[key] = known
        text, self.ended_open, loaded = known
        self.write(text)
        return loaded

    def mapping(self, record: dict, indent: int, first: str) -> LineMapping:
        """Write a mapping whose keys sit at ``indent``, the first after ``first`` (a dash)."""
        if not record:
            raise _Unusual  # PyYAML writes {}
        loaded = LineMapping()
        loaded.line = self.line
        loaded.key_lines = {}
        prefix = first
        for key, value in record.items():
            if key not in _PLAIN_KEYS:
                if not (isinstance(key, str) and re.fullmatch(r"[a-z_]+", key) and _resolves_to(key) == STR_TAG):
                    raise _Unusual
                _PLAIN_KEYS.add(key)
            loaded.key_lines[key] = self.line
            self.write(prefix + key + ":")
            prefix = " " * indent
            if isinstance(value, list):
                loaded[key] = self.sequence(value, indent)
            elif isinstance(value, dict):
                raise _Unusual
            else:
                loaded[key] = self.scalar(value, indent + len(key) + 1, indent + STEP)
        return loaded

    def sequence(self, items: list, indent: int) -> list:
        """Write a list after its key: at the key's indent (PyYAML's indentless sequence)."""
        if not items:
            self.ended_open = False
            self.write(" []\n")
            return []
        self.write("\n")
        loaded = []
        for item in items:
            if isinstance(item, dict):
                loaded.append(self.mapping(item, indent + STEP, " " * indent + "- "))
            elif isinstance(item, (list, dict)):
                raise _Unusual
            else:
                self.write(" " * indent + "-")
                loaded.append(self.scalar(item, indent + 1, indent + STEP))
        return loaded


def bank_yaml_items(
    records: Sequence[dict], pyyaml_dump: Callable[[list[dict]], str], *, first_line: int = 1, gap: str = ""
) -> tuple[str, list[LineMapping] | None]:
    """Return ``pyyaml_dump(records)`` and what :func:`examgen.yamlio.load_yaml` reads from it.

    ``pyyaml_dump`` is PyYAML's dump of a list of records; the records this writer leaves
    to PyYAML go to it one at a time. ``gap`` is written before every record after the
    first that starts with ``id`` (PyYAML's text with ``"\\n- id:"`` replaced by
    ``gap + "\\n- id:"``). The items say where each mapping and key is, counting from
    ``first_line``; they are None when a record went to PyYAML (read the text then).
    """
    if not records:
        return pyyaml_dump([]), None
    writer = _Writer(first_line)
    items: list[LineMapping] | None = []
    pieces: list[str] = []
    for number, record in enumerate(records):
        lead = gap if number and next(iter(record), None) == "id" else ""
        start = writer.line
        writer.out = []
        writer.line = start + lead.count("\n")
        try:
            loaded = writer.mapping(record, STEP, "- ")
            text = "".join(writer.out)
            if items is not None:
                items.append(loaded)
        except _Unusual:
            text = pyyaml_dump([record])
            # A stream ending in a `|+` block ends with "..."; only the last record's counts.
            writer.ended_open = text.endswith("\n...\n")
            if writer.ended_open:
                text = text[: -len("...\n")]
            items = None
        pieces.append(lead + text)
        writer.line = start + lead.count("\n") + text.count("\n")
    if writer.ended_open:
        pieces.append("...\n")
    return "".join(pieces), items
