"""Babel extractor for `domain.yml`: every response text and button title is a catalog key.

Used by `make i18n` through babel.cfg, so new responses show up in locales/messages.pot.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml


def extract_domain(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield `(line, function, key, comments)` for Babel, one per text key."""
    node = yaml.compose(fileobj.read().decode("utf-8"))
    if node is None or not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if key_node.value == "responses" and isinstance(value_node, yaml.MappingNode):
            for name_node, variants in value_node.value:
                yield from _keys_in(variants, name_node.value)


def _keys_in(node: yaml.Node, response: str) -> Iterator[tuple[int, str | None, str, list[str]]]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _keys_in(item, response)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value in ("text", "title") and isinstance(value_node, yaml.ScalarNode):
                comment = f"{response} ({key_node.value})"
                yield value_node.start_mark.line + 1, None, value_node.value, [comment]
            else:
                yield from _keys_in(value_node, response)
