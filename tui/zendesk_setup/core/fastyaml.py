"""A lean YAML loader for the plain subset profiles.yaml uses, so hundreds of profiles load quickly.

PyYAML builds a node tree and then Python objects from it; for a large file most of the time goes
to that generic machinery. This loader walks libyaml's event stream once and builds the same dicts,
lists and scalars that ``yaml.safe_load`` gives (scalars are resolved by PyYAML's own resolver
table and constructors). Anything outside the plain subset (anchors, aliases, explicit tags, merge
keys, complex or repeated keys) raises ``Unsupported``, and any parse error propagates: the caller then falls
back to the full loader, ``load_bounded``, which also produces the error messages.

``load_bounded`` composes the node graph first and refuses aliases that would expand it past a budget (a
"billion laughs" of a few hundred bytes) or that refer to themselves, and nesting deeper than the recursive
constructor can take, before any Python object is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml import events

ALIAS_BUDGET = 10_000
MAX_DEPTH = 64


class ShapeError(yaml.composer.ComposerError):
    """Aliases that loop or expand far beyond the text, or nesting too deep; the problem names no file content."""


class Unsupported(Exception):
    """The document uses YAML beyond the plain subset; load it with the full loader instead."""


MappingFactory = Callable[[int], dict[Any, Any]]


def load(text: str, new_mapping: MappingFactory) -> Any:
    """Load one YAML document; ``new_mapping(line)`` makes each mapping (it may record key lines)."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        raise Unsupported("libyaml is not available")
    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    constructor = yaml.constructor.SafeConstructor()
    construct = constructor.yaml_constructors
    str_tag = "tag:yaml.org,2002:str"
    scalar_node = yaml.nodes.ScalarNode

    def resolve(value: str, candidates: list[tuple[str, Any]]) -> Any:
        for tag, regexp in candidates:
            if regexp.match(value):
                if tag == str_tag:
                    return value
                if tag not in construct or tag == "tag:yaml.org,2002:merge":
                    raise Unsupported(tag)
                return construct[tag](constructor, scalar_node(tag, value))
        return value

    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
    mapping_end, sequence_end = events.MappingEndEvent, events.SequenceEndEvent
    document_start, stream_end = events.DocumentStartEvent, events.StreamEndEvent
    no_key = _NO_KEY
    document: list[Any] = []
    stack: list[list[Any]] = []  # the open mappings and sequences: [container, pending key, is a list]
    frame: list[Any] | None = None  # the innermost one
    loader = loader_class(text)
    get_event = loader.get_event
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                tag = event.tag
                if event.anchor is not None or (tag is not None and tag != "!"):
                    raise Unsupported("anchor or tag")
                value: Any = event.value
                if tag is None and event.implicit[0]:
                    candidates = resolvers.get(value[:1])
                    if candidates:
                        value = resolve(value, candidates)
                if frame is None:
                    document.append(value)
                elif frame[2]:
                    frame[0].append(value)
                elif frame[1] is no_key:
                    key_lines = frame[0].key_lines
                    if value in key_lines:
                        raise Unsupported("duplicate key")
                    key_lines[value] = event.start_mark.line + 1
                    frame[1] = value
                else:
                    frame[0][frame[1]] = value
                    frame[1] = no_key
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None:
                    raise Unsupported("anchor or tag")
                if frame is not None and not frame[2] and frame[1] is no_key:
                    raise Unsupported("complex key")
                if kind is mapping_start:
                    mapping = new_mapping(event.start_mark.line + 1)
                    if not isinstance(getattr(mapping, "key_lines", None), dict):
                        raise TypeError("new_mapping must return a dict with a key_lines dict")
                    frame = [mapping, no_key, False]
                else:
                    frame = [[], None, True]
                stack.append(frame)
            elif kind is mapping_end or kind is sequence_end:
                value = stack.pop()[0]
                frame = stack[-1] if stack else None
                if frame is None:
                    document.append(value)
                elif frame[2]:
                    frame[0].append(value)
                else:
                    frame[0][frame[1]] = value
                    frame[1] = no_key
            elif kind is alias_event:
                raise Unsupported("alias")
            elif kind is document_start and document:
                raise Unsupported("more than one document")
            elif kind is stream_end:
                return document[0] if document else None
    finally:
        loader.dispose()


def load_bounded(text: str, loader_class: type) -> Any:
    """``yaml.load(text, loader_class)``, but an alias bomb, a looping alias or deep nesting raises ShapeError."""
    loader = loader_class(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # the pure-Python composer recurses; libyaml stops at its own depth limit first
            raise ShapeError(None, None, f"values are nested more than {MAX_DEPTH} levels deep", None) from None
        if node is None:
            return None
        check_alias_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_alias_expansion(root: yaml.Node, budget: int = ALIAS_BUDGET) -> None:
    """Raise ShapeError when aliases make ``root`` expand to ``budget`` more values than the text holds or loop,
    or when it nests deeper than MAX_DEPTH."""
    sizes: dict[int, int] = {}  # id(node) -> the number of values it expands to
    ancestors: set[int] = set()
    first_repeat: yaml.Node | None = None
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if key in ancestors:
            raise ShapeError(
                None, None, "an alias refers to the value that contains it (anchors and aliases loop)", node.start_mark
            )
        if key in sizes:
            if first_repeat is None:
                first_repeat = node
            continue
        if len(ancestors) >= MAX_DEPTH:
            raise ShapeError(None, None, f"values are nested more than {MAX_DEPTH} levels deep", node.start_mark)
        ancestors.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in reversed(children))
    if sizes[id(root)] - len(sizes) > budget:
        mark = (first_repeat or root).start_mark
        raise ShapeError(
            None,
            None,
            f"its anchors and aliases (&name, *name) expand to more than {budget:,} values, "
            "far more than the file holds (a YAML alias bomb?)",
            mark,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _NoKey:
    """Marks a mapping that waits for its next key."""


_NO_KEY = _NoKey()
