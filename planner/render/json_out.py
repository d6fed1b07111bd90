"""The JSON report written fast and byte for byte as the standard library writes it (issue 16).

``json.dumps(..., indent=2)`` runs CPython's pure-Python encoder (the C one serves only
compact output): a 100,000-call plan's report (about 190 MB) took over half a minute. Here
each section is cut in blocks of :data:`BLOCK` items; a block is written by ``orjson`` and
indented one level further, the pieces streamed in order. The bytes are those of
``json.dumps(doc, indent=2, ensure_ascii=False) + "\\n"`` because a block goes to orjson only
when it holds nothing the two write differently:

* floats: orjson writes ``1e-05`` as ``0.00001`` and ``1e-07`` as ``1e-7``; NaN and infinity
  as ``null`` (the standard library ``NaN``/``Infinity``). Floats of magnitude in
  [1e-4, max] and zeros are written alike (checked over the exponent range in
  tests/test_json_out.py); any other float sends the block to the standard library;
* types: only ``str``, ``int``, ``bool``, ``None``, ``float`` (and ``numpy.float64``, a float
  subclass written by its value), ``dict``, ``list`` and ``tuple`` pass; datetimes, numpy
  integers and anything else go to the standard library with the report's ``default``;
* what orjson refuses (integers beyond 64 bits, keys that are not strings, lone surrogates,
  nesting deeper than 255) raises, and the block is written by the standard library.

Strings are escaped alike (``\\"``, ``\\\\``, ``\\n`` etc., other controls as ``\\u00XX``;
U+2028 and DEL raw). Key order is insertion order in both.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain, compress
from typing import Any

import numpy as np
import orjson

from planner.core.units import iso_z

#: Items per orjson call: a block of findings is about 1 MB of JSON.
BLOCK = 1000
#: Smallest magnitude orjson and ``float.__repr__`` write alike (below it orjson writes
#: ``0.00001`` or ``1e-7`` where Python writes ``1e-05``, ``1e-07``).
_MIN_SAME = 1e-4
_MAX_FLOAT = sys.float_info.max
_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS)
_SCALARS = frozenset({str, int, bool, type(None)})
_FLOATS = frozenset({float, np.float64})
_CONTAINERS = frozenset({dict, list, tuple})


def _probe_values() -> list:
    """Floats over the whole exponent range :func:`_plain` lets through, and strings with
    every character the two escape differently if they ever do."""
    floats = [m * 10.0 ** e for e in range(-4, 308) for m in (1.0, 1.2345678901234567, 9.5)]
    floats += [0.0, -0.0, 0.1, 0.3, 2.0 / 3.0, 1e16, 1e17, 123456789.125, -4096.5, _MAX_FLOAT,
               float(2 ** 53), float(2 ** 63), float(2 ** 64)]
    text = "".join(map(chr, range(0x80))) + "\u2028\u2029\ufeff\U0001f6a2\u00e9\u0416"
    return [floats, [-x for x in floats], text, {text: [text, {}, []]}, [], {}]


def _same_as_stdlib() -> bool:
    """True when this orjson writes the probe values byte for byte as ``json.dumps`` does
    (the behaviour checked with orjson 3.13; another version that differs turns the fast
    path off rather than change the report)."""
    probe = _probe_values()
    try:
        fast = orjson.dumps(probe, option=_OPTIONS)
    except TypeError:
        return False
    return fast == json.dumps(probe, indent=2, ensure_ascii=False).encode()


#: Whether blocks go to orjson at all (see :func:`_same_as_stdlib`).
FAST = _same_as_stdlib()


def default(o: Any) -> Any:
    """The standard library's ``default`` for the report: datetimes as ISO text (UTC, to the
    second), numpy scalars by their Python value."""
    if isinstance(o, dt.datetime):
        return iso_z(o)
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(type(o).__name__)


def _orjson_default(o: Any) -> Any:
    # numpy.float64 (a float subclass orjson passes through) written as its float when the
    # two write it alike; anything else sends the block to the standard library
    if type(o) is np.float64 and (_MIN_SAME <= abs(o) <= _MAX_FLOAT or o == 0.0):
        return float(o)
    raise TypeError(type(o).__name__)


class Checked(list):
    """A block whose builder has checked it with :func:`plain_values` (or knows by
    construction that every float in it is one orjson writes as the stdlib):
    :func:`dumps_items` does not walk it again."""

    __slots__ = ()


def _plain(x: Any) -> bool:
    """True when ``x`` (a container) holds only values orjson writes as the stdlib does."""
    return plain_values(list(x.values()) if type(x) is dict else list(x))


#: Nesting past which orjson refuses a document (and :func:`plain_values` gives up).
_MAX_DEPTH = 255


def plain_values(values: Iterable[Any], distinct: bool = False) -> bool:
    """True when every value (containers walked) is one orjson writes as the stdlib does.

    The walk goes a level at a time over whole columns, so the work per value is done in C:
    the types of a level (``set(map(type, ...))``), its floats range-checked in one numpy
    pass, then the next level the lists' items and the dicts' values chained. With
    ``distinct`` a container met twice in a level (a list or dict many legs share) is
    walked once."""
    vals = values if type(values) is list else list(values)
    for _ in range(_MAX_DEPTH + 1):
        types = set(map(type, vals))
        if types <= _SCALARS:
            return True
        if not types <= _SCALARS | _FLOATS | _CONTAINERS:
            return False
        if types & _FLOATS:
            floats = np.abs(np.fromiter(
                compress(vals, map(_FLOATS.__contains__, map(type, vals))), np.float64))
            if not bool(np.all(((floats >= _MIN_SAME) & (floats <= _MAX_FLOAT))
                               | (floats == 0.0))):
                return False
        if not types & _CONTAINERS:
            return True
        nested = list(compress(vals, map(_CONTAINERS.__contains__, map(type, vals))))
        if distinct:
            nested = list({id(v): v for v in nested}.values())
        vals = list(chain.from_iterable(v.values() if type(v) is dict else v
                                        for v in nested))
    return False  # deeper than orjson writes


def stdlib_dumps(value: Any) -> str:
    """``value`` as the reference writes it (``json.dumps``, indent 2, UTF-8 text)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=default)


def dumps_items(items: list, depth: int = 2) -> bytes:
    """The items of a non-empty list as they stand inside an array at nesting ``depth`` of a
    document written with indent 2: ``b'\\n    {...},\\n    {...}'`` (depth 2), without the
    brackets, UTF-8 (lone surrogates kept, as the text the reference returns). A
    :class:`Checked` block goes to orjson without being walked."""
    raw = None
    if type(items) is Checked:
        items, plain = list(items), FAST  # orjson writes lists, not their subclasses
    else:
        plain = FAST and _plain(items)
    if plain:
        try:
            raw = orjson.dumps(items, default=_orjson_default, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            raw = None
    if raw is None:
        raw = stdlib_dumps(items).encode("utf-8", "surrogatepass")
    # b"[\n  A,\n  B\n]" -> b"\n  A,\n  B", then every line indented depth - 1 levels more
    body = raw[1:-2]
    return body.replace(b"\n", b"\n" + b"  " * (depth - 1)) if depth > 1 else body


def blocks(items: Iterable[Any], size: int = BLOCK) -> Iterator[list]:
    """``items`` in lists of ``size``."""
    block: list = []
    for item in items:
        block.append(item)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


def iter_document(head: dict[str, Any],
                  sections: list[tuple[str, Iterable[list]]]) -> Iterator[bytes]:
    """A JSON object (indent 2, ``ensure_ascii=False``, a final newline) in UTF-8 pieces:
    first the ``head`` keys, then one array per section, each given as blocks (lists) of its
    items; one piece per block, so memory holds one block's text at a time."""
    yield b"{"
    first_key = True
    for k, v in head.items():
        text = stdlib_dumps(v).replace("\n", "\n  ")
        yield (("\n  " if first_key else ",\n  ") + f"{stdlib_dumps(k)}: {text}").encode(
            "utf-8", "surrogatepass")
        first_key = False
    for name, section in sections:
        yield (("\n  " if first_key else ",\n  ") + f"{stdlib_dumps(name)}: [").encode(
            "utf-8", "surrogatepass")
        first_key = False
        empty = True
        for block in section:
            if not block:
                continue
            yield (b"" if empty else b",") + dumps_items(block)
            empty = False
        yield b"]" if empty else b"\n  ]"
    yield b"}\n" if first_key else b"\n}\n"
