"""The JSON report as a stream (issue 16): ``Report.write_json`` writes exactly the bytes of
``Report.to_json`` (which builds the whole document with ``json.dumps``), with findings, with
none, and through ``relos check --format json``."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from planner import Plan

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "russian_task_group_sixth_warship.yaml"


def test_stream_is_the_same_bytes():
    report = Plan.load(EXAMPLE).check()
    assert report.finding_list  # the example breaks the warship cap
    buf = io.StringIO()
    report.write_json(buf)
    assert buf.getvalue() == report.to_json()
    assert "".join(report.iter_json()) == report.to_json()


def test_stream_with_no_findings():
    report = replace(Plan.load(EXAMPLE).check(), finding_list=[])
    assert "".join(report.iter_json()) == report.to_json()
    assert '"findings": [],' in report.to_json()


def test_cli_streams_the_same_document():
    out = subprocess.run([sys.executable, "-m", "planner.cli", "check", str(EXAMPLE),
                          "--format", "json"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 1, out.stderr
    assert out.stdout == Plan.load(EXAMPLE).check().to_json()
