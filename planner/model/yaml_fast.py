"""A fast reader for the regular shape of a plan file (issue 16), with PyYAML as the judge.

PyYAML's C loader spends most of a large plan's load time constructing Python objects event
by event (44 s for 100,000 calls). A plan's itinerary is a plain indentation structure:
block mappings and sequences, ``key: value`` lines, flow lists of plain scalars, comments.
:func:`fast_load` reads exactly that subset line by line and resolves each distinct scalar
once with the plan loader's resolver and constructors (so ``yes``, ``1e3``, ``2026-03-01``
and ``~`` mean what they mean to :mod:`planner.model.yamlsource`). Anything outside the
subset (anchors, aliases, tags, block scalars, flow mappings, quotes with escapes, tabs,
duplicate keys, documents...) makes it return None, and the caller uses the careful loader,
which also locates problems by line.
Its output equals what ``yamlsource.load_yaml_text(text)`` returns wherever it answers
(``tests/test_yaml_fast.py`` checks that on the examples and on generated files).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from planner.model.yamlsource import PLAN_LOADER

#: Deepest indentation read (columns); deeper files go to the careful loader, which enforces
#: its nesting limit (planner.model.yamlsource.MAX_DEPTH). Plans indent 8 or 10 columns.
MAX_INDENT = 24
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
#: Characters that start something this reader does not handle (PyYAML indicators).
_UNSAFE_START = frozenset("&*!|>{%@`")


class _Resolver(yaml.resolver.Resolver):
    """The plan loader's scalar rules (times kept as text, ``1e12`` a number)."""

    yaml_implicit_resolvers = PLAN_LOADER.yaml_implicit_resolvers


class _Constructor(yaml.constructor.SafeConstructor):
    yaml_constructors = PLAN_LOADER.yaml_constructors


_RESOLVER = _Resolver()
_CONSTRUCTOR = _Constructor()


class _Decline(Exception):
    """Not the regular subset: the careful loader takes over."""


def _scalar(text: str, memo: dict[str, Any]) -> Any:
    """A plain or simply quoted scalar as PyYAML would construct it."""
    if text in memo:
        return memo[text]
    if not text:
        value = None
    elif text[0] == '"':
        if len(text) < 2 or text[-1] != '"' or "\\" in text or '"' in text[1:-1]:
            raise _Decline
        value = text[1:-1]
    elif text[0] == "'":
        if len(text) < 2 or text[-1] != "'" or "'" in text[1:-1]:
            raise _Decline
        value = text[1:-1]
    else:
        if (text[0] in _UNSAFE_START or text[0] in "[],?" or ": " in text
                or text.endswith(":") or text in ("-", "?") or text.startswith("- ")):
            raise _Decline
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        node = yaml.ScalarNode(tag, text)
        try:
            value = _CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise _Decline from exc
    if not isinstance(value, list | dict):
        memo[text] = value
    return value


def _strip_comment(line: str) -> str:
    """The line without a trailing comment (a ``#`` at the start or after a space, outside
    quotes); declines on quotes it cannot follow."""
    if "#" not in line:
        return line.rstrip()
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == 0 or line[i - 1] in " :[,-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    if quote:
        raise _Decline
    return line.rstrip()


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    for raw in text.splitlines():
        if "\t" in raw:
            raise _Decline
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if line.startswith(("---", "...", "%")):
            raise _Decline
        indent = len(line) - len(line.lstrip(" "))
        if indent > MAX_INDENT:
            raise _Decline
        out.append((indent, line[indent:]))
    return out


def _flow_list(text: str, memo: dict) -> list:
    inner = text[1:-1].strip()
    if not inner:
        return []
    if any(c in inner for c in "[]{}\"'&*!|>"):
        raise _Decline
    return [_scalar(part.strip(), memo) for part in inner.split(",")]


def _value(text: str, memo: dict) -> Any:
    if text.startswith("["):
        if not text.endswith("]"):
            raise _Decline
        return _flow_list(text, memo)
    return _scalar(text, memo)


class _Reader:
    def __init__(self, lines: list[tuple[int, str]]):
        self.lines = lines
        self.i = 0
        self.memo: dict[str, Any] = {}

    def block(self, indent: int) -> Any:
        """The block node whose lines start at column ``indent``."""
        _, content = self.lines[self.i]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def mapping(self, indent: int, first: str | None = None) -> dict:
        out: dict[str, Any] = {}
        while self.i < len(self.lines):
            ind, content = self.lines[self.i]
            if first is not None:
                content, ind, first = first, indent, None
            elif ind != indent:
                if ind > indent:
                    raise _Decline
                break
            if content.startswith("- ") or content == "-":
                break
            key, sep, rest = content.partition(":")
            if not sep or not _KEY.match(key) or (rest and rest[0] != " "):
                raise _Decline
            if key in out:
                raise _Decline  # duplicate key: the careful loader reports it
            rest = rest.strip()
            self.i += 1
            if rest:
                out[key] = _value(rest, self.memo)
                continue
            out[key] = None
            if self.i < len(self.lines):
                nind, ncontent = self.lines[self.i]
                dash = ncontent == "-" or ncontent.startswith("- ")
                if nind > indent or (nind == indent and dash):
                    out[key] = self.block(nind)
        return out

    def sequence(self, indent: int) -> list:
        out: list[Any] = []
        while self.i < len(self.lines):
            ind, content = self.lines[self.i]
            if ind != indent or not (content == "-" or content.startswith("- ")):
                if ind > indent:
                    raise _Decline
                break
            rest = content[1:].lstrip(" ")
            inner = indent + (len(content) - len(rest))
            if not rest:
                self.i += 1
                if self.i < len(self.lines) and self.lines[self.i][0] > indent:
                    out.append(self.block(self.lines[self.i][0]))
                else:
                    out.append(None)
            elif rest.startswith("- ") or rest == "-":
                raise _Decline  # nested compact sequences: rare, leave them to PyYAML
            elif ":" in rest and _KEY.match(rest.partition(":")[0]) and (
                    rest.partition(":")[2][:1] in ("", " ")):
                out.append(self.mapping(inner, first=rest))
            else:
                self.i += 1
                out.append(_value(rest, self.memo))
        return out


def fast_load(text: str) -> Any | None:
    """The document as PyYAML's safe loader builds it, or None when the text is outside the
    regular subset this reader handles."""
    try:
        lines = _lines(text)
        if not lines:
            return None
        reader = _Reader(lines)
        if lines[0][0] != 0:
            raise _Decline
        data = reader.block(0)
        if reader.i != len(lines):
            raise _Decline
        return data
    except (_Decline, RecursionError):
        return None
