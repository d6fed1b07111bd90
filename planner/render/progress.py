"""A progress bar for long checks, on stderr only and only when stderr is a terminal: piped
or redirected output (and so every JSON document) never carries it."""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: Plans with at least this many calls get a progress bar (a check of a few hundred calls
#: takes about a second, see the README's performance table).
MIN_CALLS = 1000
WIDTH = 30


class Progress:
    """Stages of a long run drawn as ``[#####.....] 2/4 routing 10,000 legs (3.2 s)``.

    ``enabled`` None means: when ``stream`` is a terminal. Every draw rewrites one line
    (carriage return); :meth:`close` clears it.
    """

    def __init__(self, stages: int, *, stream: TextIO | None = None,
                 enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.stages = max(int(stages), 1)
        self.done = 0
        self.t0 = time.monotonic()
        self.drawn = False

    def step(self, label: str) -> None:
        """Start the next stage, named ``label``."""
        if not self.enabled:
            return
        filled = round(WIDTH * self.done / self.stages)
        bar = "#" * filled + "." * (WIDTH - filled)
        line = (f"\r[{bar}] {self.done + 1}/{self.stages} {label} "
                f"({time.monotonic() - self.t0:.1f} s)")
        self.stream.write(line[:120].ljust(80))
        self.stream.flush()
        self.done = min(self.done + 1, self.stages)
        self.drawn = True

    def close(self) -> None:
        """Erase the bar so the report starts on a clean line."""
        if self.enabled and self.drawn:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()
            self.drawn = False
