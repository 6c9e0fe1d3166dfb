"""A lean YAML loader for the plain subset profiles.yaml uses, so hundreds of profiles load quickly.

PyYAML builds a node tree and then Python objects from it; for a large file most of the time goes
to that generic machinery. This loader walks libyaml's event stream once and builds the same dicts,
lists and scalars that ``yaml.safe_load`` gives (scalars are resolved by PyYAML's own resolver
table and constructors). Anything outside the plain subset (anchors, aliases, explicit tags, merge
keys, complex or repeated keys) raises ``Unsupported``, and any parse error propagates: the caller then falls
back to the full loader, ``load_bounded``, which also produces the error messages.

``load_lines`` is faster still for the block style ``dump_profiles`` writes: it reads the text line by line and
takes only nested block mappings, sequences of scalars, one-line plain or single-quoted scalars, comments and blank
lines; anything else raises ``Unsupported`` and ``load`` reads the events instead.

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


def _plain_resolver() -> Callable[[str], Any]:
    """A function giving the value of a plain scalar as ``safe_load`` would (PyYAML's resolver and constructors)."""
    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    constructor = yaml.constructor.SafeConstructor()
    construct = constructor.yaml_constructors
    str_tag = "tag:yaml.org,2002:str"
    scalar_node = yaml.nodes.ScalarNode

    def resolve(value: str) -> Any:
        for tag, regexp in resolvers.get(value[:1], ()):
            if regexp.match(value):
                if tag == str_tag:
                    return value
                if tag not in construct or tag == "tag:yaml.org,2002:merge":
                    raise Unsupported(tag)
                return construct[tag](constructor, scalar_node(tag, value))
        return value

    return resolve


INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
MAX_KEY = 1000


def load_lines(text: str, new_mapping: MappingFactory) -> Any:
    """Load the block-style subset ``dump_profiles`` writes, line by line; Unsupported for anything else.

    A top-level mapping of nested block mappings and sequences of scalars, each scalar plain or single-quoted on
    one line; what it returns is what ``load`` (and ``yaml.safe_load``) return for the same text.
    """
    if not text.replace("\n", "").isprintable():
        raise Unsupported("tab, control character or other line break")
    resolve = _plain_resolver()
    # The text of each key and each value seen, checked and resolved once: most repeat in every profile.
    keys: dict[str, Any] = {}
    values: dict[str, Any] = {}

    def key_of(raw: str) -> Any:
        if raw[0] in INDICATORS or ":" in raw or " #" in raw or raw[-1] == " " or len(raw) > MAX_KEY:
            raise Unsupported("not a plain key")
        keys[raw] = key = resolve(raw)
        return key

    def value_of(raw: str) -> Any:
        first = raw[0]
        if first == "'":
            inner = raw[1:-1]
            if len(raw) < 2 or raw[-1] != "'" or "'" in inner.replace("''", ""):
                raise Unsupported("quoted scalar")
            value = inner.replace("''", "'")
        elif (first in INDICATORS and not (first == "-" and raw[1:2] not in ("", " "))) or (
            ": " in raw or " #" in raw or raw[-1] == ":"
        ):
            raise Unsupported("plain scalar")
        else:
            value = resolve(raw)
        values[raw] = value
        return value

    document = None
    stack: list[tuple[int, Any, bool]] = []  # the open containers, innermost last: (indent, container, is a list)
    frame_indent, container, is_list = -1, None, False  # the innermost one
    pending: tuple[dict[Any, Any], Any, int] | None = None  # a "key:" whose value starts on a later line
    for number, line in enumerate(text.split("\n"), 1):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        if line[-1] == " ":
            raise Unsupported("trailing space")
        indent = len(line) - len(content)
        is_item = content[:2] == "- "
        if pending is not None:
            mapping, key, key_indent = pending
            pending = None
            opened: Any = None
            if is_item and indent >= key_indent:
                opened = []
            elif not is_item and indent > key_indent:
                opened = new_mapping(number)
            mapping[key] = opened
            if opened is not None:
                frame_indent, container, is_list = indent, opened, is_item
                stack.append((indent, opened, is_item))
        if indent != frame_indent or is_item != is_list:
            while stack and (indent < stack[-1][0] or (stack[-1][2] and indent == stack[-1][0] and not is_item)):
                stack.pop()
            if not stack:
                if document is not None or indent or is_item:
                    raise Unsupported("not one block mapping")
                document = new_mapping(number)
                stack.append((0, document, False))
            frame_indent, container, is_list = stack[-1]
            if indent != frame_indent or is_item != is_list:
                raise Unsupported("indentation")
        if is_list:
            raw = content[2:].lstrip(" ")
            value = values.get(raw, _NO_KEY)
            container.append(value_of(raw) if value is _NO_KEY else value)
            continue
        if not indent and content[:3] in ("---", "..."):
            raise Unsupported("document marker")
        colon = content.find(": ")
        if colon > 0:
            key_text, rest = content[:colon], content[colon + 2 :].lstrip(" ")
        elif content[-1] == ":" and len(content) > 1:
            key_text, rest = content[:-1], ""
        else:
            raise Unsupported("not a simple key")
        key = keys.get(key_text, _NO_KEY)
        if key is _NO_KEY:
            key = key_of(key_text)
        key_lines = container.key_lines
        if key in key_lines:
            raise Unsupported("duplicate key")
        key_lines[key] = number
        if rest:
            value = values.get(rest, _NO_KEY)
            container[key] = value_of(rest) if value is _NO_KEY else value
        else:
            pending = (container, key, indent)
    if pending is not None:
        pending[0][pending[1]] = None
    return document


def load(text: str, new_mapping: MappingFactory) -> Any:
    """Load one YAML document; ``new_mapping(line)`` makes each mapping (it may record key lines)."""
    try:
        return load_lines(text, new_mapping)
    except Unsupported:
        pass
    return load_events(text, new_mapping)


def load_events(text: str, new_mapping: MappingFactory) -> Any:
    """``load`` from libyaml's event stream: any plain YAML without anchors, aliases, tags or merge keys."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        raise Unsupported("libyaml is not available")
    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    resolve = _plain_resolver()

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
                if tag is None and event.implicit[0] and value[:1] in resolvers:
                    value = resolve(value)
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
