"""Import and analysis grow about linearly on the skewed table (issue 15).

The work of each step (array elements touched plus Python calls, see
:mod:`work_meter`; never wall time) is counted at two sizes of the
``skewed`` synthetic table: campaigns and sites from a few pages up to a
tenth of the run, artifacts on 2 pages up to half of them. Four times the
pages may cost at most ``LIMIT`` times four times the work, step by step,
so a step that is quadratic on some shape of data fails here by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from analysis.campaigns import build_campaigns, write_campaigns
from analysis.clustering import attach_pages, cluster_pages, strong_groups
from analysis.evidence import artifact_evidence
from analysis.table import load_table
from crawler.importer import import_jsonl
from crawler.store import PageStore, store_path
from work_meter import counted_fields, measure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.synthetic_tables import write_table  # noqa: E402

SMALL, LARGE = 10_000, 40_000
#: Work may grow at most this much faster than the pages.
LIMIT = 1.3


def step_work(n_pages: int, tmp: Path) -> dict[str, object]:
    """The :class:`work_meter.Work` of each step at ``n_pages`` pages."""
    table_dir, run_dir = tmp / f"table-{n_pages}", tmp / f"run-{n_pages}"
    write_table(n_pages, table_dir, seed=1, shape="skewed")
    work = {}
    with measure() as work["import"]:
        import_jsonl(table_dir / "pages.jsonl", run_dir, parallel=False)
    with PageStore(store_path(run_dir)) as store:
        with measure() as work["load"]:
            table = load_table(store)
        table = counted_fields(table)
        with measure() as work["evidence"]:
            evidence = artifact_evidence(table)
        evidence = counted_fields(evidence)
        with measure() as work["strong groups"]:
            labels = strong_groups(table, evidence)
        with measure() as work["weak attachment"]:
            attach_pages(table, evidence, labels)
        with measure() as work["clustering"]:
            clustering = cluster_pages(table, evidence)
        clustering = counted_fields(clustering)
        with measure() as work["campaigns"]:
            doc = build_campaigns(table, evidence, clustering)
        with measure() as work["write"]:
            write_campaigns(doc, run_dir / "campaigns.json")
    assert doc["campaigns"], "the skewed table has campaigns"
    return work


@pytest.fixture(scope="module")
def growth(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("growth")
    step_work(1000, tmp)  # one-time costs (imports, caches) out of the way
    return step_work(SMALL, tmp), step_work(LARGE, tmp)


@pytest.mark.parametrize("step", ["import", "load", "evidence", "strong groups", "weak attachment",
                                  "clustering", "campaigns", "write"])
def test_step_work_grows_about_linearly(growth, step):
    small, large = growth[0][step], growth[1][step]
    scale = LARGE / SMALL
    assert large.total <= LIMIT * scale * small.total, (
        f"{step}: {large.total / small.total:.1f}x the work for {scale:.0f}x the pages "
        f"({small.elements}+{small.calls} -> {large.elements}+{large.calls} elements+calls)")


@pytest.mark.parametrize("step", ["import", "load", "evidence", "clustering", "campaigns"])
def test_step_memory_grows_about_linearly(growth, step):
    small, large = growth[0][step], growth[1][step]
    scale = LARGE / SMALL
    assert large.peak_bytes <= LIMIT * scale * max(small.peak_bytes, 1 << 20), (
        f"{step}: peak {small.peak_bytes / 2**20:.1f} MB -> {large.peak_bytes / 2**20:.1f} MB")


if __name__ == "__main__":  # print the figures: python tests/test_analysis_growth.py DIR [SMALL LARGE]
    import tempfile

    out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
    sizes = [int(x) for x in sys.argv[2:4]] or [SMALL, LARGE]
    step_work(1000, out)
    a, b = step_work(sizes[0], out), step_work(sizes[1], out)
    for name in a:
        print(f"{name:<16} {a[name].total:>12} {b[name].total:>12} x{b[name].total / a[name].total:5.2f}"
              f"  elements x{b[name].elements / max(a[name].elements, 1):5.2f}"
              f"  calls x{b[name].calls / max(a[name].calls, 1):5.2f}"
              f"  peak {a[name].peak_bytes / 2**20:7.1f} -> {b[name].peak_bytes / 2**20:7.1f} MB")
