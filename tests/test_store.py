"""The page store: transactions, merging and hostile text."""

from crawler.records import Artifact, PageRecord
from crawler.store import PageStore


def test_lone_surrogates_are_stored_as_replacement_characters():
    bad = b"LEB \xff\xfe esim".decode("utf-8", "surrogateescape")
    with PageStore(":memory:") as store:
        store.add_page(PageRecord("http://a.example.com/x", title=bad, text=bad,
                                  out_links=[bad], artifacts=[Artifact("handle", "email:" + bad)]))
        (page,) = store.iter_pages(with_text=True)
        assert page.title == page.text == "LEB \ufffd\ufffd esim"
        assert [label for _, _, label in store.iter_page_artifacts()] == ["email:LEB \ufffd\ufffd esim"]


def test_a_failed_transaction_stores_nothing():
    with PageStore(":memory:") as store:
        good = PageRecord("http://a.example.com/1")
        try:
            store.add_pages([good, PageRecord("http://a.example.com/2", status="x")])  # type: ignore[arg-type]
        except ValueError:
            pass
        assert store.page_count() == 0
        store.add_pages([good])
        assert store.page_count() == 1


def test_merging_the_same_url_keeps_earlier_artifacts():
    with PageStore(":memory:") as store:
        store.add_page(PageRecord("http://a.example.com/1", artifacts=[Artifact("handle", "qq:12345")]))
        store.add_page(PageRecord("http://a.example.com/1", title="later",
                                  artifacts=[Artifact("wallet", "tron:T1")]))
        assert sorted(label for _, _, label in store.iter_page_artifacts()) == ["qq:12345", "tron:T1"]
        assert [p.title for p in store.iter_pages()] == ["later"]
