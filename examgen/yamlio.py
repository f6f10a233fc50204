"""YAML reading that remembers line numbers, so errors can say ``file.yaml:42``.

Reading is two steps: compose the node tree, check it (:func:`check_yaml_tree`: no
aliases, no duplicate keys, no deep nesting), then construct Python values. The checks
work on the composed tree only, so a faster composer (libyaml's) can feed them too.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from examgen.encodings import bad_character

#: How deep mappings and lists may nest. A hand-written bank needs about 5 levels.
MAX_DEPTH = 20


class UnsafeYamlError(yaml.MarkedYAMLError):
    """Raised for YAML that is valid but refused: aliases, duplicate keys, deep nesting."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember their line and the line of each key."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML API
        # The composer recurses per level: stop before Python's recursion limit does.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise UnsafeYamlError(_too_deep(), self.peek_event().start_mark)
            if self.check_event(yaml.AliasEvent):
                # Refused where it is written; check_yaml_tree would also catch it, later.
                raise UnsafeYamlError(_ALIAS, self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class LineMapping(dict):
    """A dict read from YAML, with ``line`` (1-based) and ``key_lines`` (key → line)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineMapping:
    mapping = LineMapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_ALIAS = "uses an alias (*name) of an anchor (&name); write the value out in full"


class FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """LineLoader on libyaml (about 5× faster): the same nodes, marks and values.

    libyaml composes in C, recursively and without a depth limit: deep enough nesting
    overflows the C stack and kills the process instead of raising. :func:`load_yaml`
    therefore gives it only text that cannot nest that deep (see :func:`_nesting_bound`),
    on a thread with a stack of known size.
    """


FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

#: Nesting the C composer is given, at most; a level takes ~250 bytes of its stack.
_C_NESTING_LIMIT = 50_000
#: Stack of the thread the C composer runs on: ~10× what _C_NESTING_LIMIT levels need.
_C_STACK_BYTES = 128 * 1024 * 1024
_STACK_LOCK = threading.Lock()
_LINE_PREFIX = re.compile(r"^[ \-?:]+", re.MULTILINE)


def _nesting_bound(text: str) -> int:
    """Return a number that the nesting depth of the YAML ``text`` cannot exceed.

    Flow collections open with ``[`` or ``{``; block collections nest by indentation,
    at most two levels per column of a line's leading spaces and ``- ? :`` indicators
    (an indentless sequence shares its key's column). Counting every bracket, quoted or
    not, keeps the bound safe whatever the text holds.
    """
    flow = text.count("[") + text.count("{")
    prefix = max((len(m) for m in _LINE_PREFIX.findall(text)), default=0)
    return flow + 2 * prefix + 4


def _compose_on_big_stack(loader: yaml.BaseLoader) -> yaml.Node | None:
    """Return ``loader.get_single_node()``, run on a thread with a _C_STACK_BYTES stack."""
    outcome: list = []

    def compose() -> None:
        try:
            outcome.append((loader.get_single_node(), None))
        except BaseException as error:  # handed to the caller below
            outcome.append((None, error))

    with _STACK_LOCK:
        previous = threading.stack_size(_C_STACK_BYTES)
        try:
            worker = threading.Thread(target=compose, name="examgen-yaml")
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join()
    node, error = outcome[0]
    if error is not None:
        raise error
    return node


def _too_deep() -> str:
    return f"lists and mappings nest deeper than {MAX_DEPTH} levels"


def check_yaml_tree(root: yaml.Node) -> None:
    """Raise UnsafeYamlError for the first alias, duplicate key, deep nesting or control character.

    An alias (``*name``) shows in the composed tree as a node reached twice; refusing it
    stops "billion laughs" expansion before any value is constructed.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int, yaml.Mark]] = [(root, 1, root.start_mark)]
    while stack:
        node, depth, used_at = stack.pop()
        if id(node) in seen:
            raise UnsafeYamlError(_ALIAS, used_at)
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if bad := bad_character(node.value):
                raise UnsafeYamlError(
                    f"text holds the control character {bad}, which Word and Excel cannot show; "
                    "delete it",
                    node.start_mark,
                )
            continue
        if depth > MAX_DEPTH:
            raise UnsafeYamlError(_too_deep(), node.start_mark)
        if isinstance(node, yaml.MappingNode):
            _check_duplicate_keys(node)
            # Pushed in reverse so that nodes are visited in document order.
            for key, value in reversed(node.value):
                stack.append((value, depth + 1, key.start_mark))
                stack.append((key, depth + 1, key.start_mark))
        else:
            stack.extend((child, depth + 1, child.start_mark) for child in reversed(node.value))


def _check_duplicate_keys(node: yaml.MappingNode) -> None:
    first: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + 1
        if key.value in first:
            raise UnsafeYamlError(
                f"duplicate key {key.value!r} (first on line {first[key.value]}); "
                "keep one of them",
                key.start_mark,
            )
        first[key.value] = line


def load_yaml(text: str) -> object:
    """Return the YAML document in ``text``, mappings as LineMapping; raise yaml.YAMLError.

    Aliases, duplicate keys and nesting deeper than MAX_DEPTH raise UnsafeYamlError.
    libyaml composes the text when it is installed and the text cannot nest too deep for
    it; otherwise the Python composer does, which stops at MAX_DEPTH. Text that may hold
    an anchor or alias (an ``&`` or ``*`` anywhere) goes to the Python composer too: it
    refuses the alias at the line where it is used, before any expansion.
    """
    with paused_gc():
        if yaml.__with_libyaml__:
            try:
                return _load_plain(text)
            except Exception:  # noqa: BLE001 - anything unusual: the full path below decides, as before
                pass
        fast = (
            yaml.__with_libyaml__
            and _nesting_bound(text) <= _C_NESTING_LIMIT
            and "&" not in text
            and "*" not in text
        )
        if fast:
            try:
                return _load(FastLineLoader(text), True)
            except yaml.YAMLError:
                pass  # the Python composer says the same, in examgen's words (depth, alias, line)
        return _load(LineLoader(text), False)


class _NotPlain(Exception):
    """The text uses YAML that :func:`_load_plain` leaves to the full path."""


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_COLLECTION_TAGS = {
    yaml.MappingStartEvent: (None, "!", yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG),
    yaml.SequenceStartEvent: (None, "!", yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG),
}


def _load_plain(text: str) -> object:
    """Return the YAML document in ``text`` built straight from libyaml's events.

    The same values as the full path (compose, :func:`check_yaml_tree`, construct) for
    the plain YAML banks and blueprints are written in, at about twice its speed: no
    node tree, no second walk, no generic constructor. It raises on anything else
    (anchors, aliases, explicit tags on collections, merge keys, duplicate keys, deep
    nesting, control characters, more than one document, a parse error), and the caller
    then runs the full path, which accepts the value or reports the problem as before.
    Nesting is followed only to MAX_DEPTH + 1 levels, and libyaml's parser (unlike its
    composer) does not recurse, so no text can exhaust a stack here.
    """
    loader = yaml.CSafeLoader(text)
    get = loader.get_event
    resolvers = loader.yaml_implicit_resolvers
    if loader.yaml_path_resolvers or None in resolvers:
        raise _NotPlain
    constructors = loader.yaml_constructors
    # libyaml refuses control characters in its input; only escapes ("\x07") make them.
    check_characters = "\\" in text or bad_character(text) is not None
    scalar_event, mapping_end, sequence_end = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent

    def scalar(event) -> tuple[object, str]:
        value, tag = event.value, event.tag
        if event.anchor is not None:
            raise _NotPlain
        if tag is None or tag == "!":
            tag = _STR_TAG
            if event.implicit[0]:
                for candidate, pattern in resolvers.get(value[0] if value else "", ()):
                    if pattern.match(value):
                        tag = candidate
                        break
        if check_characters and bad_character(value):
            raise _NotPlain
        if tag == _STR_TAG:
            return value, tag
        if tag == _INT_TAG and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
            return int(value), tag  # what construct_yaml_int makes of plain decimal digits
        construct = constructors.get(tag)
        if construct is None:
            raise _NotPlain  # merge keys, "=" values, unknown tags
        return construct(loader, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)), tag

    def node(event, depth: int) -> object:
        kind = type(event)
        if kind is scalar_event:
            return scalar(event)[0]
        if depth > MAX_DEPTH or event.anchor is not None or event.tag not in _COLLECTION_TAGS.get(kind, ()):
            raise _NotPlain
        if kind is yaml.MappingStartEvent:
            mapping = LineMapping()
            mapping.line = event.start_mark.line + 1
            mapping.key_lines = key_lines = {}
            while True:
                key_event = get()
                if type(key_event) is not scalar_event:
                    if type(key_event) is mapping_end:
                        return mapping
                    raise _NotPlain  # a key that is a list or mapping
                raw = key_event.value
                if raw in key_lines:
                    raise _NotPlain  # a duplicate key
                key = scalar(key_event)[0]
                key_lines[raw] = key_event.start_mark.line + 1
                mapping[key] = node(get(), depth + 1)
        items = []
        while True:
            item = get()
            if type(item) is sequence_end:
                return items
            items.append(node(item, depth + 1))

    try:
        get()  # stream start
        if type(loader.peek_event()) is yaml.StreamEndEvent:
            return None
        get()  # document start
        value = node(get(), 1)
        get()  # document end
        if type(get()) is not yaml.StreamEndEvent:
            raise _NotPlain  # more than one document
        return value
    finally:
        loader.dispose()


def _load(loader: yaml.BaseLoader, fast: bool) -> object:
    try:
        try:
            root = _compose_on_big_stack(loader) if fast else loader.get_single_node()
        except RecursionError:
            raise UnsafeYamlError(_too_deep(), None) from None
        if root is None:
            return None
        check_yaml_tree(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (restored after).

    Building hundreds of thousands of nodes and values triggers a full collection
    again and again, each scanning everything built so far: without it, loading a large
    bank takes about 40% less time. The values hold no cycles to collect.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def yaml_error_line(error: yaml.YAMLError) -> int:
    """Return the 1-based line a YAML error points at, or 0."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else 0
