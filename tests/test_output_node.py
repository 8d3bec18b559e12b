"""graphology-gexf, the GEXF parser of Gephi Lite, parses our GEXF: runs `node --test tests/node/`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from crawler.store import PageStore, store_path
from output.gexf import write_gexf
from output.views import campaigns_view, pages_view, sites_view
from test_output_views import HANDLE, XSS_TITLE, hand_site_graph, load_doc, make_run

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "output" / "js" / "node_modules"

pytestmark = pytest.mark.node


def test_graphology_gexf_parses_every_view(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the graphology-gexf check needs node >= 18")
    assert (NODE_MODULES / "graphology-gexf").is_dir(), (
        "output/js/node_modules is missing: run `make install` (npm ci in output/js)"
    )
    run = make_run(tmp_path / "run")
    doc = load_doc(run)
    files = {name: tmp_path / f"{name}.gexf" for name in ("pages", "sites", "campaigns")}
    with PageStore(store_path(run)) as store:
        write_gexf(pages_view(store, doc), files["pages"])
    write_gexf(sites_view(hand_site_graph(), doc), files["sites"])
    write_gexf(campaigns_view(doc), files["campaigns"])
    expect = {
        "pages": {"nodes": 16, "edges": 30, "check": {
            "page:http://sim-renew-guide.com/renew-0.html":
                {"label": XSS_TITLE, "kind": "page", "campaign": "c-1a2b3c4d"},
            f"handle:{HANDLE}": {"kind": "handle", "pages": 4}}},
        "sites": {"nodes": 3, "edges": 2, "check": {
            "site:news.example.com": {"label": "sim--help", "pages": 1}}},
        "campaigns": {"nodes": 13, "edges": 11, "check": {
            "campaign:c-1a2b3c4d": {"kind": "campaign", "score": 0.97, "pages": 4}}},
    }
    for name, path in files.items():
        Path(str(path) + ".expect.json").write_text(json.dumps(expect[name]), encoding="utf-8")
    env = {**os.environ, "COBWEB_GEXF_FILES": os.pathsep.join(str(p) for p in files.values())}
    proc = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "node")],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# pass 4" in proc.stdout and "# fail 0" in proc.stdout, proc.stdout
