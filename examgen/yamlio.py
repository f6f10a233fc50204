"""YAML reading that remembers line numbers, so errors can say ``file.yaml:42``.

Reading is two steps: compose the node tree, check it (:func:`check_yaml_tree`: no
aliases, no duplicate keys, no deep nesting), then construct Python values. The checks
work on the composed tree only, so a faster composer (libyaml's) can feed them too.
"""

from __future__ import annotations

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
    """
    loader = LineLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:
            raise UnsafeYamlError(_too_deep(), None) from None
        if root is None:
            return None
        check_yaml_tree(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def yaml_error_line(error: yaml.YAMLError) -> int:
    """Return the 1-based line a YAML error points at, or 0."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else 0
