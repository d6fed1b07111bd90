"""Reading plan files safely, and mapping field paths back to YAML lines."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from planner.model.problems import PlanError, Problem

#: Largest plan file accepted (bytes). Large plans belong in CSV; see README "Limits".
MAX_PLAN_BYTES = 50 * 1024 * 1024
#: Most YAML aliases a plan may use (a first, cheap guard against alias bombs).
MAX_ALIASES = 10_000
#: Most values a plan may hold once aliases are expanded ("billion laughs" guard); a
#: 100,000-call plan has about a million.
MAX_EXPANDED_VALUES = 5_000_000
#: Deepest nesting accepted.
MAX_DEPTH = 50

_ALIAS = re.compile(r"(?:^|[\s\[\]{},:-])\*[^\s\[\]{},]+", re.M)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A line indented (or dashed, ``- - - x``) MAX_DEPTH deep: block nesting that may be too deep.
_DEEP_BLOCK = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH},}}", re.M)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, mark):
        self.key = key
        self.problem_mark = mark


class _PlanLoader(_Loader):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate mapping keys."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # `? {a: b}: ...`, `[a]: ...`
                raise yaml.constructor.ConstructorError(
                    None, None, "a key that is not a plain name (a list or mapping as a key)",
                    key_node.start_mark)
            key = key_node.value
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_time_text(self, node):
        """A timestamp-shaped scalar (``2026-03-05``, ``2026-03-05 08:00:00``) kept as its
        text. PyYAML's own constructor turns it into a date or datetime, and raises a bare
        ValueError for one that does not exist (``2026-13-01``: an internal error, issue 12);
        as text it reaches :func:`planner.model.times.parse_time`, the one time reader of
        YAML, CSV and Python plans, which says which part is impossible."""
        return self.construct_scalar(node)


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _PlanLoader.construct_time_text)
#: YAML 1.2 reads ``1e12`` as a number; PyYAML (YAML 1.1) reads it as text, so ``crew: 1e12``
#: was refused as "must be a number, got text". Resolved as a float here, it meets the limit
#: that says why it is refused.
_PlanLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


#: The loader plan files are read with (the fast reader resolves scalars with its rules).
PLAN_LOADER = _PlanLoader


def load_yaml_text(text: str):
    """Plain YAML text (an agreement or register file) as Python data, read with the plan's
    loader: safe, no duplicate keys, times kept as text. Raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_PlanLoader)  # noqa: S506 - a safe loader



def read_plan_text(path: Path, max_bytes: int | None = None) -> str:
    """A plan file's text, or :class:`PlanError` for a missing file, a folder, a file over
    ``max_bytes`` (default: ``MAX_PLAN_BYTES`` read at call time, so it can be lowered), or
    binary/undecodable content."""
    if max_bytes is None:
        max_bytes = MAX_PLAN_BYTES
    name = str(path)

    def fail(msg: str):
        raise PlanError([Problem(name, None, "", msg)])

    if not path.exists():
        fail("no such file")
    if path.is_dir():
        fail("is a folder, not a plan file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            fail(f"is {size / 1e6:.1f} MB; plans are limited to {max_bytes / 1e6:.0f} MB "
                 "(large plans load faster as CSV)")
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot be read: {exc.strerror or exc}")
    nul = data.find(b"\x00")
    if nul >= 0:
        fail(f"is a binary file (NUL byte at offset {nul}), not a YAML plan")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"is not UTF-8 text (bad byte at offset {exc.start})")
    raise AssertionError("unreachable")


class YamlSource:
    """A YAML plan's text: loads it safely and locates field paths on request."""

    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self._root = None

    def _fail(self, line: int | None, field: str, msg: str):
        raise PlanError([Problem(self.filename, line, field, msg)])

    def load(self):
        """The plan as Python data. Malformed YAML, alias bombs, duplicate keys and deep
        nesting raise :class:`PlanError`."""
        aliases = len(_ALIAS.findall(self.text))
        if aliases > MAX_ALIASES:
            self._fail(None, "", f"uses {aliases} YAML aliases; at most {MAX_ALIASES} are "
                                 "allowed (alias bombs are refused)")
        self._check_nesting()
        try:
            data = yaml.load(self.text, Loader=_PlanLoader)  # noqa: S506 - a safe loader
        except _DuplicateKey as exc:
            self._fail(exc.problem_mark.line + 1, str(exc.key),
                       "duplicate key (YAML keeps only one; remove the other)")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            what = exc.problem or exc.context or "malformed YAML"
            self._fail(line, "", f"malformed YAML: {what}")
        except yaml.YAMLError as exc:
            self._fail(None, "", f"malformed YAML: {exc}")
        except RecursionError:
            self._fail(None, "", f"nesting is too deep (at most {MAX_DEPTH} levels)")
        if _depth(data) > MAX_DEPTH:
            self._fail(None, "", f"nesting is too deep (at most {MAX_DEPTH} levels)")
        size = _expanded_size(data, {})
        if size > MAX_EXPANDED_VALUES:
            self._fail(None, "", f"expands to over {MAX_EXPANDED_VALUES:,} values through YAML "
                                 "aliases (an alias bomb?); refused")
        return data

    def _check_nesting(self) -> None:
        """Refuse nesting deeper than ``MAX_DEPTH`` before composing: libyaml's composer
        recurses in C, so ``[[[[...`` 200,000 deep crashed the interpreter with a segmentation
        fault (issue 7). The parser's event stream is iterative, so it is scanned instead, but
        only when the text could nest that deep at all (enough brackets, or a line indented
        or dashed that far): ordinary plans pay nothing."""
        if (self.text.count("[") + self.text.count("{") <= MAX_DEPTH
                and not _DEEP_BLOCK.search(self.text)):
            return
        depth = 0
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        self._fail(event.start_mark.line + 1, "",
                                   f"nesting is too deep (at most {MAX_DEPTH} levels)")
                elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    depth -= 1
        except yaml.YAMLError:
            return  # malformed: the load reports it with its line

    def locate(self, path: tuple, key: bool = False) -> int | None:
        """1-based line of the node at ``path`` (the key's line when ``key``); the deepest
        node found when the path runs out."""
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=_Loader)
        node = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                for k, val in node.value:
                    if k.value == str(part):
                        line = (k if (last and key) else val).start_mark.line + 1
                        node = val
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def _depth(obj, level: int = 0, memo: dict[int, int] | None = None) -> int:
    """How deeply containers nest in ``obj`` (past ``MAX_DEPTH`` it stops looking).

    Memoised on identity like :func:`_expanded_size`: without it an alias bomb (nine lists of
    nine aliases to the level below) made this walk every one of its 9**9 expanded paths and
    hang instead of being refused (issue 7)."""
    if level > MAX_DEPTH:
        return level
    if not isinstance(obj, dict | list):
        return level
    memo = {} if memo is None else memo
    key = id(obj)
    if key in memo:  # shared (aliased) or recursive: its height below is known (or cyclic)
        return level + memo[key] if memo[key] >= 0 else MAX_DEPTH + 1
    memo[key] = -1  # in progress: a cycle back here is infinitely deep
    children = obj.values() if isinstance(obj, dict) else obj
    # itineraries can be long; nesting, not length, is what we measure
    deepest = level + 1
    for v in children:
        if isinstance(v, dict | list):
            deepest = max(deepest, _depth(v, level + 1, memo))
            if deepest > MAX_DEPTH:
                break
    memo[key] = deepest - level
    return deepest


def _expanded_size(obj, memo: dict[int, int]) -> int:
    """How many values ``obj`` holds with shared (aliased) parts counted every time they
    appear; memoised on identity, so it costs one visit per distinct container."""
    if not isinstance(obj, dict | list):
        return 1
    key = id(obj)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures
    children = obj.values() if isinstance(obj, dict) else obj
    total = 1
    for child in children:
        total += _expanded_size(child, memo) if isinstance(child, dict | list) else 1
        if total > MAX_EXPANDED_VALUES:
            break
    memo[key] = total
    return total
