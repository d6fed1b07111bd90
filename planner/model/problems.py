"""Located problems in a plan, and the error that carries them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Path_ = tuple


@dataclass(frozen=True)
class Problem:
    """One problem: file, line (1-based, None when unknown), field path and message."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class PlanError(ValueError):
    """A plan that cannot be used. ``problems`` lists every problem found; ``str()`` gives one
    line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: tuple) -> str:
    """``("assets", 2, "speed_kn")`` as ``assets[2].speed_kn``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Problems:
    """Collects problems while a plan is validated; locates them only when there are some."""

    def __init__(self, source: str, locate: Callable[[tuple, bool], int | None] | None = None,
                 describe: Callable[[tuple], str] | None = None):
        self.source = source
        self.locate = locate
        self.describe = describe or format_path
        self._items: list[tuple[tuple, str, bool, int | None]] = []

    def add(self, path: tuple, message: str, *, key: bool = False, line: int | None = None):
        """Record a problem at a field path (``key=True`` points at the key itself)."""
        self._items.append((tuple(path), message, key, line))

    def __len__(self) -> int:
        return len(self._items)

    def problems(self) -> list[Problem]:
        """Every problem recorded, located, in line order."""
        out = []
        for path, message, key, line in self._items:
            if line is None and self.locate is not None:
                try:
                    line = self.locate(path, key)
                except Exception:  # locating is best effort; the message still stands
                    line = None
            out.append(Problem(self.source, line, self.describe(path), message))
        # in the order of the file (a problem of no line, about the whole file, first)
        return sorted(out, key=lambda p: -1 if p.line is None else p.line)

    def raise_if_any(self) -> None:
        if self._items:
            raise PlanError(self.problems())
