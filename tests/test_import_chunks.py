"""The bulk import's chunked parser (:meth:`_FastBatch.add_lines`): whole chunks of lines at
once, halved around the lines it cannot take, with the result of :func:`parse_line` line by
line; and the vectorised helpers it and the store's writer use."""

from __future__ import annotations

import gc
import json

import pytest

from crawler.importer import _parse_batches, import_jsonl, parse_line
from crawler.labels import canonical_label, canonical_labels
from crawler.store import BULK_PAGE_SIZE, ArtifactBatch, PageStore, _url_domain, _url_domains, store_path

from tests.test_import_bulk import FAST_CASES


def good(i: int) -> dict:
    return {"url": f"http://site{i % 13}.com/p{i}.html", "fetched_at": f"T{i}",
            "artifacts": [{"kind": "handle", "label": f"Telegram:@H{i % 5}"},
                          {"kind": "domain", "label": f"D{i % 3}.com."},
                          {"kind": "image", "label": f"http://site{i % 13}.com/p{i}.png"}]}


def mixed_lines() -> list[bytes]:
    """Good lines with every kind of line the chunk parser must hand to ``parse_line``
    (bad, html, titled, blank, non-canonical URL, not UTF-8, two objects) spread among them."""
    raws = [json.dumps(good(i)).encode() for i in range(1200)]
    odd = [json.dumps(case).encode() for case in FAST_CASES] + [
        b"", b"   ", b"\xff\xfe not utf-8", b"{broken",
        json.dumps({"url": "http://x.com/h", "html": "<a href='https://t.me/abc'>x</a>"}).encode(),
        json.dumps(good(1)).encode() + json.dumps(good(2)).encode(),
        json.dumps({"url": "http://a.com/8", "artifacts": [{"kind": "handle", "label": "telegram:s",
                                                           "source": "text", "confidence": 0.4}]}).encode(),
    ]
    for n, raw in enumerate(odd):
        raws.insert(37 + n * 71, raw)
    return [raw + b"\n" for raw in raws]


def line_by_line(raws: list[bytes]) -> tuple:
    """What the import must store, from parse_line one line at a time."""
    fast, full, bad = ArtifactBatch(), [], []
    for n, raw in enumerate(raws, start=1):
        try:
            page = parse_line(raw, n)
        except ValueError as exc:
            bad.append(str(exc))
            continue
        if page is None:
            continue
        if page.html is None and not page.title and not page.text:
            fast.add_page(page.url, page.fetched_at, page.artifacts)
        else:
            full.append(page.url)
    return contents(fast), full, bad


def contents(b: ArtifactBatch) -> tuple:
    plain = sorted((b.urls[p], b.artifacts[a]) for p, a in zip(b.pair_page, b.pair_art))
    special = sorted((b.urls[p], b.artifacts[a], s, c, h) for p, a, s, c, h in b.special)
    return b.urls, b.fetched_at, plain, special


@pytest.mark.parametrize("batch_size", [100_000, 333])
def test_chunks_with_odd_lines_give_what_parse_line_gives(tmp_path, batch_size):
    raws = mixed_lines()
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(raws))
    want_fast, want_full, want_bad = line_by_line(raws)
    urls, times, plain, special, full, bad, last = [], [], [], [], [], [], 0
    for batch in _parse_batches(src, batch_size):
        assert batch.last_line >= last
        last, b = batch.last_line, batch.fast
        urls += b.urls
        times += b.fetched_at
        plain += [(b.urls[p], b.artifacts[a]) for p, a in zip(b.pair_page, b.pair_art)]
        special += [(b.urls[p], b.artifacts[a], s, c, h) for p, a, s, c, h in b.special]
        full += [r.url for r in batch.full]
        bad += [str(e) for e in batch.bad]
    assert last == len(raws)
    assert (urls, times, sorted(plain), sorted(special)) == want_fast
    assert (full, bad) == (want_full, want_bad)
    assert len(want_bad) == 5 and len(want_fast[0]) > 1200  # the cases are what they claim


def test_import_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(mixed_lines()))
    assert gc.isenabled()
    import_jsonl(src, tmp_path / "a", parallel=False)
    assert gc.isenabled()
    gc.disable()
    try:
        import_jsonl(src, tmp_path / "b", parallel=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with PageStore(store_path(tmp_path / "a")) as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == BULK_PAGE_SIZE
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


LABELS = [
    ("handle", " Telegram:@Foo "), ("handle", "WhatsApp:+852 6123-4567"), ("handle", "EMAIL:Help@Example.COM"),
    ("handle", "no-platform"), ("handle", "line:@Bar"), ("invite", "Telegram:+AbC"), ("wallet", "ETH:0xAbC"),
    ("wallet", "tron:TAbC"), ("tracking_id", "ga4:g-abc123"), ("tracking_id", "adsense:PUB-1"),
    ("image_host", "PostImg.CC."), ("domain", " Example.COM.. "), ("image", " https://I.x/A.png "),
    ("email", "A@B.c"), ("phone", "+1 555"), ("handle", "telegram:"),
]


#: LABELS as the per-label rule before canonical_labels wrote them (crawler/labels.py at d13a614)
CANONICAL = ["telegram:foo", "whatsapp:85261234567", "email:help@example.com", "no-platform", "line:bar",
             "telegram:+AbC", "eth:0xabc", "tron:TAbC", "ga4:G-ABC123", "adsense:pub-1", "postimg.cc",
             "example.com", "https://I.x/A.png", "A@B.c", "+1 555", "telegram:"]


def test_canonical_labels_spell_every_kind_as_before():
    kinds, labels = zip(*LABELS)
    assert canonical_labels(list(kinds), list(labels)) == CANONICAL
    assert [canonical_label(k, lab) for k, lab in LABELS] == CANONICAL


def test_url_domains_is_url_domain_of_each():
    urls = ["http://a.example.com/x", "https://user:pw@B.example.co.uk:8080/", "http://[::1]:80/",
            "http://1.2.3.4/", "mailto:x@y.com", "", "http://a.com", "x://y/"]
    assert list(_url_domains(urls)) == [_url_domain(u) for u in urls]
    with_newline = ["http://a.com/\nhttp://b.com/", "http://c.org/"]  # one URL, not two
    assert list(_url_domains(with_newline)) == [_url_domain(u) for u in with_newline]
