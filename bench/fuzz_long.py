"""The long fuzz profile (issue 7): the property tests of tests/test_fuzz.py with many more
examples, random (not derandomised) seeds and the Hypothesis example database on.

    python bench/fuzz_long.py                 # about 25x the CI examples (an hour or more)
    python bench/fuzz_long.py --scale 5 -k mutated
    python bench/fuzz_long.py --trace /tmp/fuzz-trace.jsonl   # log each example first

Every example is appended to the trace file before it runs (``RELOS_FUZZ_TRACE``), so the
last line is the culprit if a run hangs or the interpreter dies. A failing example is printed
by Hypothesis with a ``@reproduce_failure`` blob; record it under tests/regressions/ (a YAML
file with an ``# expect-exit:`` line) or as an ``@example`` in tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=25, help="examples = CI examples x SCALE")
    ap.add_argument("-k", default="", help="pytest -k expression (default: every property)")
    ap.add_argument("--trace", default=None, help="append each example here before running")
    ap.add_argument("--no-cli", action="store_true", help="skip the subprocess CLI property")
    args = ap.parse_args(argv)

    env = dict(os.environ)
    env["HYPOTHESIS_PROFILE"] = "relos-long"
    env["RELOS_FUZZ_SCALE"] = str(args.scale)
    if args.trace:
        env["RELOS_FUZZ_TRACE"] = args.trace
    cmd = [sys.executable, "-m", "pytest", str(REPO / "tests" / "test_fuzz.py"), "-q",
           "--hypothesis-show-statistics", "-p", "no:cacheprovider"]
    k = args.k
    if args.no_cli:
        k = f"({k}) and not cli" if k else "not cli"
    if k:
        cmd += ["-k", k]
    t0 = time.monotonic()
    rc = subprocess.call(cmd, cwd=REPO, env=env)
    print(f"fuzz_long: scale {args.scale}, exit {rc}, {time.monotonic() - t0:,.0f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
