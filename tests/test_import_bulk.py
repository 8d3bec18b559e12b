"""``cobweb import`` into a new run: loaded without unique indexes, indexed at the end,
crash-safe; the fast (msgspec) line parser agrees with :func:`parse_line`; stores of the
old schema still open and take imports."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler.cli.main import main
from crawler.importer import _FastBatch, import_jsonl, parse_line
from crawler.records import Artifact, PageRecord
from crawler.store import PARTIAL_SUFFIX, ArtifactBatch, PageStore, store_path

ROOT = Path(__file__).resolve().parent.parent


def unique_indexes(path: Path) -> dict[str, list[tuple[str, ...]]]:
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in ("pages", "artifacts"):
            out[table] = [
                tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')"))
                for _, name, unique, *_ in conn.execute(f"PRAGMA index_list({table})") if unique
            ]
        return out
    finally:
        conn.close()


def lines(n: int, start: int = 0) -> list[str]:
    return [json.dumps({"url": f"http://site{i % 7}.com/p{i}.html", "fetched_at": "2026-11-01T00:00:00Z",
                        "artifacts": [{"kind": "handle", "label": f"telegram:h{i % 5}"},
                                      {"kind": "domain", "label": "cdn.example"}]})
            for i in range(start, start + n)]


def test_new_run_is_loaded_then_indexed_and_merges_afterwards(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(lines(50) + lines(10)) + "\n")  # 10 URLs given twice
    run = tmp_path / "run"
    report = import_jsonl(src, run, batch_size=7)  # many batches; repeats across batches
    assert (report.pages, report.new_pages, report.bad_lines) == (60, 50, 0)
    assert not (run / ("crawl.sqlite" + PARTIAL_SUFFIX)).exists()
    assert unique_indexes(store_path(run)) == {"pages": [("url",)], "artifacts": [("kind", "label")]}
    with PageStore(store_path(run)) as store:
        assert store.page_count() == 50
        assert len(list(store.iter_artifacts())) == 6
        assert len(list(store.iter_page_artifacts())) == 100
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # a crawl's upsert by URL works on the indexed store
        store.add_page(PageRecord("http://site0.com/p0.html", title="Crawled",
                                  artifacts=[Artifact("handle", "telegram:h0", "href")]))
        assert store.page_count() == 50
    # importing into the existing store merges as before
    more = tmp_path / "b.jsonl"
    more.write_text("\n".join(lines(5, 48)) + "\n")
    assert import_jsonl(more, run).new_pages == 3
    with PageStore(store_path(run)) as store:
        assert store.page_count() == 53


def test_html_lines_end_the_bulk_load_and_are_stored(tmp_path):
    src = tmp_path / "a.jsonl"
    html = json.dumps({"url": "http://x.com/a", "html": "<a href='https://t.me/s/esim1088'>TG</a>"})
    src.write_text("\n".join(lines(5) + [html] + lines(5, 5)) + "\n")
    run = tmp_path / "run"
    report = import_jsonl(src, run, batch_size=3)
    assert (report.pages, report.new_pages, report.bad_lines) == (11, 11, 0)
    with PageStore(store_path(run)) as store:
        labels = {lab for _, _, lab in store.iter_page_artifacts()}
        urls = {p.url for p in store.iter_pages()}
    assert "telegram:esim1088" in labels and "http://site2.com/p9.html" in urls


FAST_CASES = [
    {"url": "http://a.com/1", "artifacts": [{"kind": "handle", "label": "Telegram:@Foo"},
                                            {"kind": "handle", "label": "telegram:foo"},
                                            {"kind": "domain", "label": "B.com."}]},
    {"url": "http://a.com/2", "fetched_at": "T", "artifacts": [
        {"kind": "image", "label": "http://a.com/x.png", "source": "attr", "confidence": 0.9,
         "hidden": True},
        {"kind": "image", "label": "http://a.com/x.png"}, {"kind": "handle", "label": "telegram:foo"}]},
    {"url": "http://a.com/3", "artifacts": [{"kind": "handle", "label": "telegram:new"},
                                            {"kind": "handle", "label": "  "}]},  # bad line
    {"url": "http://a.com/4", "artifacts": [{"kind": "handle", "label": "x", "confidence": True}]},
    {"url": "HTTP://A.com:80/5", "artifacts": [{"kind": "wallet", "label": "ETH:0xAB"}]},
    {"url": "http://a.com/6", "artifacts": [], "title": "t"},  # full path
    {"url": "http://a.com/7", "artifacts": [{"kind": "handle", "label": "telegram:new", "extra": 1}],
     "other": None},
]


def test_fast_parser_agrees_with_parse_line():
    fast, slow = ArtifactBatch(), ArtifactBatch()
    adder = _FastBatch(fast)
    taken = []
    for n, obj in enumerate(FAST_CASES, start=1):
        raw = json.dumps(obj).encode()
        try:
            page = parse_line(raw, n)
        except ValueError:
            page = None
        plain = page is not None and page.html is None and not page.title and not page.text
        if plain and page.url == obj["url"]:  # canonical URLs take the fast path
            assert adder.add_lines([raw]), obj
            taken.append(n)
        else:
            assert not adder.add_lines([raw]), obj
            if plain:
                fast.add_page(page.url, page.fetched_at, page.artifacts)
        if plain:
            slow.add_page(page.url, page.fetched_at, page.artifacts)
    assert taken == [1, 2, 7]

    def pairs(b):
        plain = {(b.urls[p], b.artifacts[a]) for p, a in zip(b.pair_page, b.pair_art)}
        special = {(b.urls[p], b.artifacts[a], s, c, h) for p, a, s, c, h in b.special}
        return b.urls, b.fetched_at, plain, special

    assert pairs(fast) == pairs(slow)
    assert ("handle", "telegram:new") in fast.artifacts  # line 7's, not line 3's: no orphan
    assert fast.artifacts.count(("handle", "telegram:new")) == 1
    assert len(fast.artifacts) == len(set(fast.artifacts)) == len(slow.artifacts)


def _feed(fifo: Path, payload: str, stop: threading.Event) -> None:
    try:
        with open(fifo, "w") as fh:
            fh.write(payload)
            fh.flush()
            stop.wait(60)  # keep the pipe open: the import waits for more lines
    except BrokenPipeError:  # the reader was killed
        pass


def test_killed_import_leaves_no_store_and_analyze_refuses(tmp_path, capsys):
    run, fifo = tmp_path / "run", tmp_path / "pages.jsonl"
    os.mkfifo(fifo)
    stop = threading.Event()
    feeder = threading.Thread(target=_feed, args=(fifo, "\n".join(lines(3000)) + "\n", stop))
    feeder.start()
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from crawler.importer import import_jsonl;"
                               " import_jsonl(sys.argv[1], sys.argv[2], batch_size=500)",
         str(fifo), str(run)], cwd=ROOT)
    partial = run / ("crawl.sqlite" + PARTIAL_SUFFIX)
    try:
        deadline = time.monotonic() + 60
        # wait until batches were written to the partial store (it outgrows its empty schema)
        while not (partial.exists() and partial.stat().st_size > 100_000):
            assert proc.poll() is None, "the import ended before it was killed"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        stop.set()
        feeder.join(30)
    assert not store_path(run).exists()
    assert main(["analyze", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("cobweb analyze: no crawl in")
    # importing again replaces what the killed import left
    src = tmp_path / "again.jsonl"
    src.write_text("\n".join(lines(20)) + "\n")
    assert import_jsonl(src, run).new_pages == 20
    assert not partial.exists()
    assert main(["analyze", str(run)]) == 0


OLD_SCHEMA = """
CREATE TABLE pages (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,
    requested_url TEXT NOT NULL DEFAULT '', redirect_chain TEXT NOT NULL DEFAULT '[]',
    status INTEGER NOT NULL DEFAULT 200, fetched_at TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '[]', text TEXT NOT NULL DEFAULT '',
    out_links TEXT NOT NULL DEFAULT '[]', images TEXT NOT NULL DEFAULT '[]', html BLOB,
    origin TEXT NOT NULL DEFAULT 'crawl');
CREATE TABLE artifacts (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,
    UNIQUE (kind, label));
INSERT INTO pages (url, domain) VALUES ('http://old.com/1', 'old.com');
INSERT INTO artifacts (kind, label) VALUES ('handle', 'telegram:old');
"""


def test_store_of_the_old_schema_opens_and_takes_imports(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    conn = sqlite3.connect(store_path(run))
    conn.executescript(OLD_SCHEMA)
    conn.close()
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join([json.dumps({"url": "http://old.com/1", "artifacts": [
        {"kind": "handle", "label": "telegram:old"}]})] + lines(3)) + "\n")
    assert import_jsonl(src, run).new_pages == 3
    with PageStore(store_path(run)) as store:
        store.add_page(PageRecord("http://old.com/1", title="again"))
        assert store.page_count() == 4
        assert len(list(store.iter_page_artifacts())) == 7
    # its UNIQUE constraints serve: no second index was built
    indexes = unique_indexes(store_path(run))
    assert indexes == {"pages": [("url",)], "artifacts": [("kind", "label")]}
    conn = sqlite3.connect(store_path(run))
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert not names & {"pages_url", "artifacts_kind_label"}


def test_bulk_load_refuses_an_existing_store_and_a_second_loader(tmp_path):
    run = tmp_path / "run"
    with PageStore.bulk_load(run) as store:
        with pytest.raises(BlockingIOError):
            with PageStore.bulk_load(run):
                pass
        assert (run / ("crawl.sqlite" + PARTIAL_SUFFIX)).exists()  # the first load's, kept
        store.add_artifact_pages([("http://a.com/1", "", [])])
    with pytest.raises(FileExistsError):
        with PageStore.bulk_load(run):
            pass
    with PageStore(store_path(run)) as store:
        assert store.page_count() == 1
