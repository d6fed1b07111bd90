"""Run every benchmark in bench/ in turn (``make bench``); each prints its own table with the
peer it is measured against in the same run."""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_e2e.py", "bench_caps.py", "bench_sea.py", "bench_air.py", "bench_map.py",
           "bench_refusals.py"]


def main() -> int:
    print(f"# relos-planner benchmarks, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"Python {platform.python_version()}")
    failed = 0
    for name in BENCHES:
        print(f"\n## {name}", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / name)])
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
