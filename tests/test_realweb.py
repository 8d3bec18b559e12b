"""The real-web benchmark: Cobweb on real pages against a human's truth (issue 16)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from shared_data import require_shared

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_realweb  # noqa: E402


@pytest.fixture(scope="module")
def realweb(tmp_path_factory):
    corpus = require_shared("real-web")
    run_dir = tmp_path_factory.mktemp("realweb") / "run"
    score, doc, _, _ = bench_realweb.run_corpus(corpus, run_dir, bench_realweb.load_disputes(corpus))
    return score, doc


def test_realweb_meets_every_target(realweb):
    score, doc = realweb
    missed = bench_realweb.failures(score)
    assert not missed, "\n".join(missed) + "\n" + bench_realweb.format_score(score, doc)


def test_realweb_families_whole_and_no_innocent_accused(realweb):
    score, doc = realweb
    missed = [m for m in bench_realweb.failures(score) if not m.split(":")[0] in score.artifacts]
    assert not missed, "\n".join(missed) + "\n" + bench_realweb.format_score(score, doc)


def test_realweb_precision_of_every_type(realweb):
    score, doc = realweb
    low = {t: s.precision for t, s in score.artifacts.items()
           if s.truth >= bench_realweb.MIN_TRUTH and s.precision < bench_realweb.PRECISION}
    assert not low, bench_realweb.format_score(score, doc)


def test_realweb_sets_platform_assets_aside(realweb):
    _, doc = realweb
    reasons = {d["reason"] for d in doc["set_aside"]}
    assert reasons <= {"platform", "ubiquitous"}
    assert all(d["vendor"] for d in doc["set_aside"] if d["reason"] == "platform" and d["kind"] == "image")


def _corpus(tmp_path: Path, pages: list[tuple[str, str, str | None, list[dict]]]) -> Path:
    """A corpus folder of made-up pages: (url, html, family, truth artifacts)."""
    with (tmp_path / "pages.jsonl").open("w") as fh:
        for url, html, _, _ in pages:
            fh.write(json.dumps({"url": url, "html": html}) + "\n")
    truth = {
        "families": {},
        "pages": [{"url": u, "family": f, "artifacts": a, "neutral": []} for u, _, f, a in pages],
    }
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    return tmp_path


def _spam_pages(n: int) -> list:
    tg = [{"type": "telegram", "value": "shop_owner88"}]
    page = '<html><body><p>Buy now</p><a href="https://t.me/shop_owner88">TG</a></body></html>'
    return [(f"https://spam{i}.com/p", page, "shop", tg) for i in range(n)]


def test_bench_scores_a_corpus_of_its_own(tmp_path, capsys):
    pages = _spam_pages(3) + [("https://news.com/a", "<p>ask <a href='mailto:desk@news.com'>us</a></p>", None,
                               [{"type": "email", "value": "desk@news.com"}, {"type": "qq", "value": "123456789"}])]
    corpus = _corpus(tmp_path, pages)
    assert bench_realweb.main(["--corpus", str(corpus), "--check"]) == 0  # qq has under 5 truth values
    out = capsys.readouterr().out
    assert "miss  qq:123456789  https://news.com/a" in out
    assert "telegram       3     3     3     0   1.00   1.00" in out
    assert "shop                                     3   100%   100%" in out
    assert "benign pages in campaigns: 0" in out


def test_bench_fails_its_check_on_a_benign_page_in_a_campaign(tmp_path, capsys):
    warning = ('<p>Beware: this shop is a scam, do not write to '
               '<a href="https://t.me/shop_owner88">it</a></p>')
    pages = _spam_pages(2) + [("https://news.com/w", warning, None, [{"type": "telegram", "value": "shop_owner88"}])]
    assert bench_realweb.main(["--corpus", str(_corpus(tmp_path, pages)), "--check"]) == 1
    out = capsys.readouterr().out
    assert "benign in c-" in out and "1 benign pages in campaigns" in out


def test_bench_refuses_a_folder_without_a_corpus(tmp_path, capsys):
    assert bench_realweb.main(["--corpus", str(tmp_path)]) == 2
    assert "has no pages.jsonl and truth.json" in capsys.readouterr().err
