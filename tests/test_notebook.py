"""examples/walkthrough.ipynb runs top to bottom, offline, from examples/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "walkthrough.ipynb"


def test_notebook_saved_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_notebook_runs(monkeypatch):
    # the kernel runs in examples/: import this tree's planner, not whichever checkout the
    # environment has installed
    root = str(NOTEBOOK.parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = json.dumps([o.get("data", {}) for o in outputs] + [o.get("text", "") for o in outputs])
    assert "CAP_WARSHIPS" in text
    assert "shift_h" in text  # resolve's table of changes is shown
    assert "leaflet" in text.lower() or "folium" in text.lower()
    # the rules of the public record (issue 14): escort, NSR_LIMIT, FACILITY, authorization
    assert "NSR_LIMIT" in text and "FACILITY" in text
    assert "heavy ice" in text  # the escorted leg kept out by the typical-ice calendar
    assert "diplomatic channels" in text  # 510-FZ permission on the forecast's light ice
    assert "prior authorization" in text and "desk officer" in text
