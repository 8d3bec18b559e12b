"""The evidence of campaign pages in ``campaigns.json``: digest and WARC record per page.

>>> from crawler.records import PageRecord
>>> from crawler.store import PageStore
>>> store = PageStore(":memory:")
>>> _ = store.add_page(PageRecord("http://a.example/1", sha256="ab", warc_file="f.warc.gz", warc_offset=9))
>>> doc = {"campaigns": [{"id": "c-1", "pages": ["http://a.example/1", "http://b.example/2"]}]}
>>> add_page_records(doc, store)["campaigns"][0]["records"]
{'http://a.example/1': {'sha256': 'ab', 'warc_file': 'f.warc.gz', 'warc_offset': 9}}
"""

from __future__ import annotations

from typing import Any

from crawler.store import PageStore

__all__ = ["add_page_records"]


def add_page_records(doc: dict[str, Any], store: PageStore) -> dict[str, Any]:
    """Give each campaign of ``doc`` its ``records``: for every page with a WARC
    record, the SHA-256 of its body as received and the record's file and offset.
    Changes and returns ``doc``."""
    for campaign in doc.get("campaigns", []):
        found = store.page_evidence(campaign.get("pages", []))
        campaign["records"] = {
            url: {"sha256": digest, "warc_file": name, "warc_offset": offset}
            for url, (digest, name, offset) in sorted(found.items())
        }
    return doc
