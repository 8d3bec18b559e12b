"""``cobweb collect`` (issue 11): worker shards merged into one ordinary run folder.

Two crawls of one web from different seeds stand for two workers' shards (they
overlap); the merged run holds every page once with its artifacts, the WARC
files with every record offset right (``verify``), and ``analyze`` finds the
campaigns of one crawl from both seeds."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from test_crawl_e2e import cobweb, finish, small_web
from test_short_links_crawl import _pairs as page_artifacts

from analysis.run import analyze_run
from crawler.demoweb.server import VirtualWebProxy
from crawler.store import store_path
from crawler.warc.verify import verify_run

pytestmark = pytest.mark.e2e

SEEDS = {"a": "http://portal.example.com/", "b": "http://cats.example.net/"}


def _campaigns(run) -> set[frozenset[str]]:
    return {frozenset(c["pages"]) for c in analyze_run(run, write=False)["campaigns"]}


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    web, _ = small_web()
    with VirtualWebProxy(web) as proxy:
        for name, seed in SEEDS.items():
            finish(cobweb("crawl", seed, "-k", "esim", "-o", str(base / name), "--proxy", proxy.url,
                          "--workers", "1"))
        finish(cobweb("crawl", *SEEDS.values(), "-k", "esim", "-o", str(base / "both"), "--proxy", proxy.url,
                      "--workers", "1"))
    return base


def test_collect_merges_shards_into_one_ordinary_run(shards, tmp_path):
    run = tmp_path / "run"
    out = finish(cobweb("collect", str(shards / "a"), str(shards / "b"), "-o", str(run)))
    assert "collected 2 shards" in out and "duplicates left out" in out
    a, b = page_artifacts(shards / "a"), page_artifacts(shards / "b")
    assert set(a) & set(b), "the shards overlap"
    merged = page_artifacts(run)
    assert merged == {**b, **a}  # every page once, with its artifacts
    with sqlite3.connect(store_path(run)) as con:
        assert con.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == len(merged)
        drops = con.execute("SELECT COUNT(*) FROM drops").fetchone()[0]
    assert drops >= 1  # the 404
    result = verify_run(run)
    assert result.problems == [] and result.pages == len(merged)
    assert _campaigns(run) == _campaigns(shards / "both")


def test_collect_renames_a_warc_file_name_two_shards_share(shards, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(shards / "b", twin)
    (name_a,) = [p.name for p in (shards / "a" / "warc").glob("*.warc.gz")]
    (name_b,) = [p.name for p in (twin / "warc").glob("*.warc.gz")]
    (twin / "warc" / name_b).rename(twin / "warc" / name_a)  # same name, other records
    with sqlite3.connect(store_path(twin)) as con:
        con.execute("UPDATE pages SET warc_file = ? WHERE warc_file = ?", (name_a, name_b))
    run = tmp_path / "run"
    finish(cobweb("collect", str(shards / "a"), str(twin), "-o", str(run)))
    assert sorted(p.name for p in (run / "warc").glob("*.warc.gz")) == sorted([name_a, f"s2-{name_a}"])
    assert verify_run(run).problems == []


def test_collect_refuses_user_mistakes(shards, tmp_path):
    for args, said in ((["collect", str(shards / "a")], "-o RUN_DIR is required"),
                       (["collect", str(tmp_path), "-o", str(tmp_path / "r")], "holds no crawl"),
                       (["collect", str(shards / "a"), "-o", str(shards / "b")], "already holds a run")):
        proc = cobweb(*args)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 2 and said in err and "Traceback" not in err, err
