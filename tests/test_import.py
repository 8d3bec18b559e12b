"""``cobweb import``: JSON lines into a run's store."""

from __future__ import annotations

import json

import pytest

from crawler.cli.main import main
from crawler.importer import BadLine, import_jsonl, parse_line
from crawler.records import Artifact, PageRecord
from crawler.store import PageStore


def write_lines(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


def stored(run_dir):
    with PageStore.open_run(run_dir) as store:
        pages = {p.url: p for p in store.iter_pages(with_text=True)}
        details = {}
        for pid, kind, label, source, conf, hidden in store.iter_page_artifact_details():
            details.setdefault(pid, set()).add((kind, label, source, conf, hidden))
        return {url: (p, details.get(p.id, set())) for url, p in pages.items()}


def test_round_trip_artifact_lines(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [
        {"url": "http://leb-help.com/renew.html", "fetched_at": "2026-11-01T00:00:00Z",
         "artifacts": [{"kind": "handle", "label": "telegram:esim1088"},
                       {"kind": "image", "label": "https://i.postimg.cc/a/x.png",
                        "source": "attr", "confidence": 0.9, "hidden": True}]},
        {"url": "HTTP://WWW.Other.com:80/a/../b?utm_source=x", "artifacts": []},
    ])
    report = import_jsonl(src, tmp_path / "run")
    assert (report.lines, report.pages, report.new_pages, report.pairs, report.bad_lines) == \
        (2, 2, 2, 2, 0)
    got = stored(tmp_path / "run")
    page, arts = got["http://leb-help.com/renew.html"]
    assert (page.fetched_at, page.domain, page.origin) == ("2026-11-01T00:00:00Z", "leb-help.com",
                                                           "import")
    assert arts == {("handle", "telegram:esim1088", "import", 1.0, False),
                    ("image", "https://i.postimg.cc/a/x.png", "attr", 0.9, True)}
    assert "http://www.other.com/b" in got  # canonical URL, merges with crawled pages


def test_bad_lines_are_skipped_and_reported_with_line_numbers(tmp_path, capsys):
    src = write_lines(tmp_path / "in.jsonl", [
        {"url": "http://a.com/1", "artifacts": [{"kind": "handle", "label": "telegram:a"}]},
        "{not json",
        "",
        {"url": "ftp://a.com/x", "artifacts": []},
        {"url": "http://a.com/2"},
        {"url": "http://a.com/3", "artifacts": [{"kind": "phone", "label": "1"}]},
        {"url": "http://a.com/4", "artifacts": [{"kind": "handle", "label": ""}]},
        {"url": "http://a.com/5", "artifacts": [{"kind": "handle", "label": "x", "confidence": 2}]},
        "[1, 2]",
        {"url": "http://a.com/6", "artifacts": [{"kind": "domain", "label": "b.com"}]},
    ])
    run_dir = tmp_path / "run"
    status = main(["import", str(src), "-o", str(run_dir)])
    assert status == 1
    err = capsys.readouterr().err
    for n, what in [(2, "invalid JSON"), (4, '"url" must be an http(s) URL'),
                    (5, 'needs "html" or "artifacts"'), (6, "artifacts[0]: unknown kind 'phone'"),
                    (7, "artifacts[0]: label must be a non-empty string"),
                    (8, "artifacts[0]: confidence must be a number"),
                    (9, "not a JSON object")]:
        assert f"line {n}: {what}" in err
    assert "skipped 7 bad lines" in err
    assert "line 3" not in err  # blank lines are fine
    assert set(stored(run_dir)) == {"http://a.com/1", "http://a.com/6"}


def test_not_utf8_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"url": "http://a.com/\xff", "artifacts": []}\n')
    report = import_jsonl(src, tmp_path / "run")
    assert report.bad_lines == 1 and str(report.bad[0]).startswith("line 1: not UTF-8")


def test_reimport_loses_nothing(tmp_path):
    run_dir = tmp_path / "run"
    with PageStore.open_run(run_dir) as store:  # a crawled page first
        store.add_page(PageRecord("http://a.com/1", title="Crawled", text="crawled text",
                                  artifacts=[Artifact("handle", "telegram:a", "href")]))
    first = write_lines(tmp_path / "1.jsonl", [
        {"url": "http://a.com/1", "artifacts": [{"kind": "domain", "label": "b.com"}]},
        {"url": "http://a.com/2", "artifacts": [{"kind": "handle", "label": "telegram:b",
                                                 "source": "text", "confidence": 0.4}]},
    ])
    second = write_lines(tmp_path / "2.jsonl", [
        {"url": "http://a.com/2", "fetched_at": "2026-11-05T00:00:00Z",
         "artifacts": [{"kind": "handle", "label": "telegram:b", "source": "href"},
                       {"kind": "image", "label": "http://a.com/x.png"}]},
        {"url": "http://a.com/1", "fetched_at": "2026-11-09T00:00:00Z", "artifacts": []},
    ])
    assert import_jsonl(first, run_dir).new_pages == 1
    assert import_jsonl(second, run_dir).new_pages == 0
    assert import_jsonl(first, run_dir).new_pages == 0  # again: idempotent
    got = stored(run_dir)
    assert set(got) == {"http://a.com/1", "http://a.com/2"}
    p1, a1 = got["http://a.com/1"]
    assert (p1.title, p1.text, p1.origin) == ("Crawled", "crawled text", "crawl")
    assert p1.fetched_at == "2026-11-09T00:00:00Z"  # was empty, now filled
    assert {(k, lab) for k, lab, *_ in a1} == {("handle", "telegram:a"), ("domain", "b.com")}
    p2, a2 = got["http://a.com/2"]
    assert p2.fetched_at == "2026-11-05T00:00:00Z"
    # the link beats the earlier low-confidence text mention; nothing is dropped
    assert a2 == {("handle", "telegram:b", "href", 1.0, False),
                  ("image", "http://a.com/x.png", "import", 1.0, False)}


def test_fetched_at_is_kept_once_set(tmp_path):
    run_dir = tmp_path / "run"
    a = write_lines(tmp_path / "a.jsonl", [{"url": "http://a.com/", "fetched_at": "T1",
                                             "artifacts": []}])
    b = write_lines(tmp_path / "b.jsonl", [{"url": "http://a.com/", "fetched_at": "T2",
                                             "artifacts": []}])
    import_jsonl(a, run_dir)
    import_jsonl(b, run_dir)
    assert stored(run_dir)["http://a.com/"][0].fetched_at == "T1"


def test_html_lines_run_extraction(tmp_path):
    html = ("<html><head><title>LEB卡怎么续费</title></head><body><p>续费教程</p>"
            '<a href="https://t.me/s/esim1088">TG</a>'
            '<img src="https://i.postimg.cc/4NQf/x.png"></body></html>')
    src = write_lines(tmp_path / "in.jsonl", [
        {"url": "http://leb-help.com/a.html", "fetched_at": "2026-11-01T00:00:00Z", "html": html,
         "artifacts": [{"kind": "wallet", "label": "tron:TXYZ"}]},
    ])
    report = import_jsonl(src, tmp_path / "run")
    assert report.bad_lines == 0 and report.new_pages == 1
    page, arts = stored(tmp_path / "run")["http://leb-help.com/a.html"]
    assert page.title == "LEB卡怎么续费" and "续费教程" in page.text
    labels = {(k, lab) for k, lab, *_ in arts}
    assert {("handle", "telegram:esim1088"), ("image", "https://i.postimg.cc/4NQf/x.png"),
            ("wallet", "tron:TXYZ")} <= labels


def test_parse_line_errors():
    with pytest.raises(BadLine) as exc:
        parse_line('{"url": "http://a.com", "artifacts": "x"}', 12)
    assert str(exc.value) == 'line 12: "artifacts" must be a list'
    assert exc.value.lineno == 12
    assert parse_line("   ", 3) is None


def test_cli_import_then_analyze(tmp_path, capsys):
    rows = [{"url": f"http://spam{i}.com/", "fetched_at": f"2026-11-0{i + 1}T00:00:00Z",
             "artifacts": [{"kind": "handle", "label": "telegram:esim1088"}]} for i in range(3)]
    rows += [{"url": f"http://ok{i}.com/", "artifacts": [{"kind": "domain", "label": "x.com"}]}
             for i in range(3)]
    src = write_lines(tmp_path / "in.jsonl", rows)
    run_dir = tmp_path / "run"
    assert main(["import", str(src), "-o", str(run_dir)]) == 0
    assert "imported 6 pages (6 new" in capsys.readouterr().out
    assert main(["analyze", str(run_dir)]) == 0
    out = capsys.readouterr().out
    assert "1 campaigns in 6 pages on 6 sites" in out
    assert "telegram:esim1088" in out and "2026-11-01" in out
    doc = json.loads((run_dir / "campaigns.json").read_text())
    assert doc["campaigns"][0]["size"] == 3


def test_cli_missing_inputs(tmp_path, capsys):
    assert main(["import", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "r")]) == 2
    assert main(["analyze", str(tmp_path / "r2")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "no crawl.sqlite" in err


def test_fast_path_urls_are_already_canonical():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from crawler.importer import _CANONICAL
    from crawler.urls import canonical_url

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(_CANONICAL, fullmatch=True))
    def check(url):
        assert canonical_url(url) == url

    check()


def test_same_url_twice_in_one_file(tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [
        {"url": "http://a.com/", "artifacts": [{"kind": "handle", "label": "telegram:a"}]},
        {"url": "http://a.com/", "fetched_at": "2026-11-02T00:00:00Z",
         "artifacts": [{"kind": "handle", "label": "telegram:a"},
                       {"kind": "domain", "label": "b.com"}]},
    ])
    report = import_jsonl(src, tmp_path / "run")
    assert (report.pages, report.new_pages) == (2, 1)
    page, arts = stored(tmp_path / "run")["http://a.com/"]
    assert page.fetched_at == "2026-11-02T00:00:00Z"
    assert {(k, lab) for k, lab, *_ in arts} == {("handle", "telegram:a"), ("domain", "b.com")}


def test_parallel_parsing_gives_the_same_store(tmp_path):
    rows = [{"url": f"http://s{i % 7}.com/{i}", "fetched_at": "2026-11-01T00:00:00Z",
             "artifacts": [{"kind": "handle", "label": f"telegram:h{i % 5}"},
                           {"kind": "domain", "label": f"d{i % 3}.com"}]} for i in range(50)]
    rows.insert(10, "{broken")
    rows.insert(30, {"url": "http://x.com/", "html": "<title>T</title><a href='https://t.me/abc'>x</a>"})
    src = write_lines(tmp_path / "in.jsonl", rows)
    serial = import_jsonl(src, tmp_path / "serial", batch_size=7, parallel=False)
    parallel = import_jsonl(src, tmp_path / "parallel", batch_size=7, parallel=True)
    assert vars(serial) | {"bad": None} == vars(parallel) | {"bad": None}
    assert [e.lineno for e in parallel.bad] == [11]
    assert str(parallel.bad[0]).startswith("line 11: invalid JSON")
    strip = lambda d: {u: (p.fetched_at, p.title, a) for u, (p, a) in d.items()}  # noqa: E731
    assert strip(stored(tmp_path / "serial")) == strip(stored(tmp_path / "parallel"))


def test_one_artifact_twice_in_a_line_keeps_the_best_provenance(tmp_path):
    # the bulk path writes plain pairs of new pages without the merge: duplicates must still merge
    src = write_lines(tmp_path / "in.jsonl", [
        {"url": "http://a.com/", "artifacts": [
            {"kind": "handle", "label": "telegram:a", "source": "href"},
            {"kind": "handle", "label": "telegram:a"},
            {"kind": "domain", "label": "b.com", "source": "text", "confidence": 0.5},
            {"kind": "domain", "label": "b.com"},
            {"kind": "domain", "label": "c.com"},
            {"kind": "domain", "label": "c.com"},
            {"kind": "image", "label": "http://a.com/x.png", "source": "attr", "hidden": True}]},
    ])
    report = import_jsonl(src, tmp_path / "run", parallel=False)
    assert (report.pages, report.new_pages, report.pairs) == (1, 1, 7)
    _, arts = stored(tmp_path / "run")["http://a.com/"]
    assert arts == {("handle", "telegram:a", "href", 1.0, False), ("domain", "b.com", "import", 1.0, False),
                    ("domain", "c.com", "import", 1.0, False),
                    ("image", "http://a.com/x.png", "attr", 1.0, True)}
