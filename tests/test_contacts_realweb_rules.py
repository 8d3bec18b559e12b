"""Issue 16, contacts on the real web: e-mail, phone and WhatsApp rules.

A national number's country comes from the page (its ccTLD, its ``<html
lang>``) or the number itself, never from a fixed default; Cloudflare-protected
addresses are decoded; placeholders and URL authorities are no addresses.
"""

from __future__ import annotations

import phonenumbers
import pytest

from crawler.extraction.artifacts import extract_artifacts
from crawler.extraction.datafile import data_lines
from crawler.extraction.email import cf_decode, emails
from crawler.extraction.phones import marked_phones, page_regions


def _ids(html: str, url: str = "https://www.leb-card.com/contact") -> set[str]:
    return {a.node_id for a in extract_artifacts(html, url)}


def _cf(address: str, key: int = 0x5A) -> str:
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode())


@pytest.mark.parametrize("url, html, phone", [
    ("https://www.leb-card.gr/epikoinonia", "<p>Τηλ: 210 123 4567</p>", "302101234567"),
    ("https://www.leb-card.co.uk/contact", "<p>Tel: 020 7946 0000</p>", "442079460000"),
    ("https://www.leb-card.jp/about", "<p>TEL：03-1234-5678　FAX：03-1234-5679</p>", "81312345678"),
    ("https://leb-card.com/", '<html lang="en-US"><a href="tel:2025550143">call</a></html>', "12025550143"),
    ("https://leb-card.com/", '<html lang="el"><p>Tηλ: 210 123 4567</p></html>', "302101234567"),
])
def test_national_numbers_take_the_page_region(url, html, phone):
    assert f"handle:phone:{phone}" in _ids(html, url)


def test_national_numbers_on_a_generic_page_are_not_guessed():
    ids = _ids("<p>Tel: 020 7946 0000</p><p>电话：0755 2345 6789</p><a href='tel:2025550143'>x</a>",
               "https://leb-card.io/")
    assert not [i for i in ids if i.startswith("handle:phone:")]


def test_fax_numbers_are_no_contacts():
    ids = _ids("<p>TEL：03-1234-5678　FAX：03-1234-5679</p><dl><dt>Fax</dt><dd>+81 3-1234-5670</dd></dl>",
               "https://www.leb-card.jp/")
    assert "handle:phone:81312345678" in ids
    assert {"handle:phone:81312345679", "handle:phone:81312345670"}.isdisjoint(ids)


def test_a_chinese_mobile_after_a_chinese_marker_is_still_chinese():
    assert [f.label for f in marked_phones("联系电话：130 1234 5678")] == ["phone:8613012345678"]
    assert [f.label for f in marked_phones("Phone: 130 1234 5678")] == ["phone:13012345678"]


def test_page_regions_of_generic_and_country_sites():
    assert page_regions("https://www.leb-card.com/") == ()
    assert page_regions("https://leb-card.tv/") == ()  # a ccTLD sold as generic
    assert page_regions("https://news.leb-card.com.ua/") == ("UA",)
    assert page_regions("https://leb-card.de/", '<!doctype html><html lang="ja-JP">') == ("DE", "JP")


def test_cloudflare_addresses_are_decoded_in_attributes_and_links():
    html = (f'<p><a href="/cdn-cgi/l/email-protection" data-cfemail="{_cf("press@leb-card.com")}">'
            f'[email&#160;protected]</a> <a href="/cdn-cgi/l/email-protection#{_cf("ads@leb-card.com", 0x11)}">'
            "Ads</a></p>")
    ids = _ids(html)
    assert {"handle:email:press@leb-card.com", "handle:email:ads@leb-card.com"} <= ids


def test_cf_decode_rejects_what_is_no_address():
    assert cf_decode(_cf("not an address")) is None
    assert cf_decode(_cf("kefu@example.com")) is None  # a placeholder, even encoded
    assert cf_decode("d41d8cd98f00b204e9800998ecf8427e") is None  # an MD5


def test_an_address_in_a_url_authority_is_no_address_but_in_a_query_it_is():
    text = "https://a1b2c3@o99.ingest.sentry.io/7 https://leb-card.com/go?to=kefu@leb-card.com"
    assert [f.label for f in emails(text)] == ["email:kefu@leb-card.com"]


def test_a_glued_name_is_dropped_only_when_the_address_is_known():
    assert [f.label for f in emails("Lin Meimeil@leb-card.com")] == ["email:meimeil@leb-card.com"]
    both = "Lin Meimeil@leb-card.com\nmailto:meil@leb-card.com"
    assert [f.label for f in emails(both)] == ["email:meil@leb-card.com"]


def test_whatsapp_link_in_an_unknown_range_is_kept_but_text_is_not():
    ids = _ids('<a href="https://wa.me/85240000000">chat</a><p>WhatsApp: +852 4000 0001</p>')
    assert "handle:whatsapp:85240000000" in ids
    assert "handle:whatsapp:85240000001" not in ids


@pytest.mark.parametrize("name", ["phone_markers.txt", "fax_markers.txt", "email_placeholders.txt",
                                  "lang_regions.txt", "generic_cctlds.txt"])
def test_data_files_name_their_sources(name):
    from importlib.resources import files

    head = files("crawler.extraction.data").joinpath(name).read_text(encoding="utf-8").splitlines()[:8]
    assert any("ource" in line for line in head if line.startswith("#"))
    assert data_lines(name)


def test_lang_regions_are_known_regions():
    for line in data_lines("lang_regions.txt"):
        lang, region = line.split()
        assert len(lang) == 2 and phonenumbers.country_code_for_region(region), line
