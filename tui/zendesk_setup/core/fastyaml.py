"""A lean YAML loader for the plain subset profiles.yaml uses, so hundreds of profiles load quickly.

PyYAML builds a node tree and then Python objects from it; for a large file most of the time goes
to that generic machinery. This loader walks libyaml's event stream once and builds the same dicts,
lists and scalars that ``yaml.safe_load`` gives (scalars are resolved by PyYAML's own resolver
table and constructors). Anything outside the plain subset (anchors, aliases, explicit tags, merge
keys, complex or repeated keys) raises ``Unsupported``, and any parse error propagates: the caller then falls
back to the full loader, which also produces the error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Unsupported(Exception):
    """The document uses YAML beyond the plain subset; load it with the full loader instead."""


MappingFactory = Callable[[int], dict[Any, Any]]


def load(text: str, new_mapping: MappingFactory) -> Any:
    """Load one YAML document; ``new_mapping(line)`` makes each mapping (it may record key lines)."""
    import yaml
    from yaml import events

    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        raise Unsupported("libyaml is not available")
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

    document: list[Any] = []
    stack: list[list[Any]] = []  # [container, pending key] per open mapping or sequence

    def emit(value: Any, line: int, *, is_container: bool) -> None:
        if not stack:
            document.append(value)
            return
        frame = stack[-1]
        parent = frame[0]
        if type(parent) is list:
            parent.append(value)
        elif frame[1] is _NO_KEY:
            if is_container:
                raise Unsupported("complex key")
            try:
                hash(value)
            except TypeError:
                raise Unsupported("unhashable key") from None
            if value in parent.key_lines:
                raise Unsupported("duplicate key")
            frame[1] = value
            parent.key_lines[value] = line
        else:
            parent[frame[1]] = value
            frame[1] = _NO_KEY

    loader = loader_class(text)
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is events.ScalarEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise Unsupported("anchor or tag")
                plain = event.implicit[0] and event.tag is None
                emit(resolve(event.value) if plain else event.value, event.start_mark.line + 1, is_container=False)
            elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise Unsupported("anchor or tag")
                if stack and type(stack[-1][0]) is not list and stack[-1][1] is _NO_KEY:
                    raise Unsupported("complex key")
                if kind is events.MappingStartEvent:
                    mapping = new_mapping(event.start_mark.line + 1)
                    if not hasattr(mapping, "key_lines"):
                        raise TypeError("new_mapping must return a dict with a key_lines dict")
                    stack.append([mapping, _NO_KEY])
                else:
                    stack.append([[], None])
            elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
                frame = stack.pop()
                emit(frame[0], 0, is_container=True)
            elif kind is events.AliasEvent:
                raise Unsupported("alias")
            elif kind is events.DocumentStartEvent and document:
                raise Unsupported("more than one document")
            elif kind is events.StreamEndEvent:
                return document[0] if document else None
    finally:
        loader.dispose()


class _NoKey:
    """Marks a mapping that waits for its next key."""


_NO_KEY = _NoKey()
