"""The JSON report as a stream (issue 16): ``Report.write_json`` writes exactly the bytes of
``Report.to_json``, and both are what ``json.dumps`` writes for the whole document
(``to_dict``), with findings, with none, and through ``relos check --format json``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from planner import Plan
from planner.render.json_out import default

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "russian_task_group_sixth_warship.yaml"


def _stdlib(report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=default) + "\n"


def test_stream_is_the_same_bytes():
    report = Plan.load(EXAMPLE).check()
    assert report.finding_list  # the example breaks the warship cap
    buf = io.StringIO()
    report.write_json(buf)
    assert buf.getvalue() == report.to_json() == _stdlib(report)
    assert "".join(report.iter_json()) == report.to_json()


def test_stream_with_no_findings():
    report = replace(Plan.load(EXAMPLE).check(), finding_list=[])
    assert "".join(report.iter_json()) == report.to_json() == _stdlib(report)
    assert '"findings": [],' in report.to_json()


def test_cli_streams_the_same_document():
    out = subprocess.run([sys.executable, "-m", "planner.cli", "check", str(EXAMPLE),
                          "--format", "json"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 1, out.stderr
    assert out.stdout == Plan.load(EXAMPLE).check().to_json()
