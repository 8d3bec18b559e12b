"""The graphology export (Gephi Lite): loads in Node with graphology, equal to the GEXF as read
by graphology-gexf; runs `node --test tests/node_graphology/`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from crawler.cli.main import main as cobweb
from test_output_views import HANDLE, XSS_TITLE, make_run

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "output" / "js" / "node_modules"

pytestmark = pytest.mark.node

EXPECT = {
    "pages": {"nodes": 16, "edges": 30, "check": {
        "page:http://sim-renew-guide.com/renew-0.html":
            {"label": XSS_TITLE, "kind": "page", "campaign": "c-1a2b3c4d", "degree": 5},
        f"handle:{HANDLE}": {"kind": "handle", "pages": 4, "strength": "strong"}}},
    "sites": {"nodes": None, "edges": None, "check": {}},
    "campaigns": {"nodes": 13, "edges": 11, "check": {
        "campaign:c-1a2b3c4d": {"kind": "campaign", "score": 0.97, "pages": 4}}},
}


def test_graphology_export_loads_in_node_like_the_gexf(tmp_path: Path, capsys) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed: .ci/run installs nodejs and npm")
        pytest.skip("node is not installed: the graphology check needs node >= 18")
    assert (NODE_MODULES / "graphology").is_dir() and (NODE_MODULES / "graphology-gexf").is_dir(), (
        "output/js/node_modules is missing: run `make install` (npm ci in output/js)"
    )
    run = make_run(tmp_path / "run")
    files = []
    for view, expect in EXPECT.items():
        out = tmp_path / f"{view}.json"
        for fmt, path in (("graphology", out), ("gexf", out.with_suffix(".gexf"))):
            assert cobweb(["export", str(run), "--format", fmt, "--view", view, "-o", str(path)]) == 0
        doc = json.loads(out.read_text(encoding="utf-8"))
        if expect["nodes"] is None:  # the sites view: whatever the analysis gives, checked vs GEXF
            expect = {**expect, "nodes": len(doc["nodes"]), "edges": len(doc["edges"])}
        Path(str(out) + ".expect.json").write_text(json.dumps(expect), encoding="utf-8")
        files.append(out)
    assert capsys.readouterr().out.split() == [str(p) for f in files
                                               for p in (f, f.with_suffix(".gexf"))]
    env = {**os.environ, "COBWEB_GRAPHOLOGY_FILES": os.pathsep.join(str(p) for p in files)}
    proc = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "node_graphology")],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# pass 4" in proc.stdout and "# fail 0" in proc.stdout, proc.stdout
