"""YAML reading that remembers line numbers, so errors can say ``file.yaml:42``."""

from __future__ import annotations

import yaml


class LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember their line and the line of each key."""


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


def load_yaml(text: str) -> object:
    """Return the YAML document in ``text``, mappings as LineMapping; raise yaml.YAMLError."""
    return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader


def yaml_error_line(error: yaml.YAMLError) -> int:
    """Return the 1-based line a YAML error points at, or 0."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else 0
