"""Benchmark: Cobweb on real pages, against the truth a careful human found.

Imports a corpus folder's ``pages.jsonl`` into a fresh run (``cobweb import``),
analyzes it (``cobweb analyze``), then prints:

- per artifact type: truth values, hits, Cobweb's values, recall, precision
  (neutral values count neither way);
- every miss and every false positive;
- per family: the share of its pages in one campaign and that campaign's purity;
- benign pages placed in a campaign, and campaigns that hold no family page.

Targets (issue 16): every type with at least 5 truth values at precision
>= 0.98 and recall >= 0.95; every family >= 90 % of its pages in one campaign
at >= 90 % purity; no benign page in a campaign; no campaign without a family
page. With ``--check`` the exit status is 1 when a target is missed.

Usage::

    .venv/bin/python bench/bench_realweb.py                       # ../shared/real-web
    .venv/bin/python bench/bench_realweb.py --corpus DIR --check
    .venv/bin/python bench/bench_realweb.py --keep RUN_DIR        # keep the run to export it
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realweb import RealWebScore, apply_disputes, load_truth, score_run  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "real-web"
#: Truth values this project believes wrong, with the page and why, per corpus
#: folder name (``bench/disputes/<name>.json``).
DISPUTES_DIR = ROOT / "bench" / "disputes"
#: Targets: (least truth values for a type to be held to them, precision, recall,
#: family share, family purity).
MIN_TRUTH, PRECISION, RECALL, SHARE, PURITY = 5, 0.98, 0.95, 0.90, 0.90


def load_disputes(corpus: Path) -> list[dict[str, str]]:
    """The disputed truth values of a corpus (none when it has no disputes file)."""
    path = DISPUTES_DIR / f"{corpus.resolve().name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def run_corpus(
    corpus: Path, run_dir: Path, disputes: list[dict[str, str]] = ()
) -> tuple[RealWebScore, dict, float, float]:
    """Import and analyze ``corpus`` into ``run_dir``; the score (with ``disputes``
    applied to the truth) and the campaigns."""
    from analysis.run import analyze_run
    from crawler.importer import import_jsonl
    from crawler.store import PageStore, store_path
    from crawler.urls import canonical_url

    t0 = time.perf_counter()
    report = import_jsonl(corpus / "pages.jsonl", run_dir)
    if report.bad_lines:
        raise SystemExit(f"bench_realweb: {report.bad_lines} bad lines in {corpus}/pages.jsonl: {report.bad[:3]}")
    t1 = time.perf_counter()
    doc = analyze_run(run_dir)
    t2 = time.perf_counter()
    found: dict[str, list[tuple[str, str]]] = {}
    with PageStore(store_path(run_dir)) as store:
        url_of = {p.id: p.url for p in store.iter_pages()}
        for u in url_of.values():
            found.setdefault(u, [])
        for pid, kind, label in store.iter_page_artifacts():
            found[url_of[pid]].append((kind, label))
    truth = apply_disputes(load_truth(corpus), list(disputes))
    score = score_run(truth, found, doc, canonical=canonical_url)
    return score, doc, t1 - t0, t2 - t1


def failures(score: RealWebScore) -> list[str]:
    """The targets a score misses, one line each."""
    out = []
    for t, s in sorted(score.artifacts.items()):
        if s.truth >= MIN_TRUTH and (s.precision < PRECISION or s.recall < RECALL):
            out.append(f"{t}: precision {s.precision:.2f}, recall {s.recall:.2f}"
                       f" (targets {PRECISION}, {RECALL})")
    for f in score.families:
        if f.share < SHARE or f.purity < PURITY:
            out.append(f"family {f.name}: {f.share:.0%} of its pages in one campaign at {f.purity:.0%} purity")
    if score.benign_in_campaigns:
        out.append(f"{len(score.benign_in_campaigns)} benign pages in campaigns")
    if score.campaigns_without_family:
        out.append(f"{len(score.campaigns_without_family)} campaigns without a family page")
    if score.missing_pages:
        out.append(f"{len(score.missing_pages)} truth pages not in the run")
    return out


def format_score(score: RealWebScore, doc: dict, *, details: bool = True) -> str:
    lines = [f"{'type':<10} {'truth':>5} {'hits':>5} {'found':>5} {'false':>5} {'recall':>6} {'prec.':>6}"]
    tot = [0, 0, 0, 0]
    for t, s in sorted(score.artifacts.items()):
        if s.unscored:
            lines.append(f"{t:<10} {'-':>5} {'-':>5} {s.found:>5} {'-':>5}      -      -  (not scored)")
            continue
        lines.append(f"{t:<10} {s.truth:>5} {s.hits:>5} {s.found:>5} {len(s.false):>5}"
                     f" {s.recall:>6.2f} {s.precision:>6.2f}")
        for i, v in enumerate((s.truth, s.hits, s.found, len(s.false))):
            tot[i] += v
    rec = tot[1] / tot[0] if tot[0] else 1.0
    prec = (tot[2] - tot[3]) / tot[2] if tot[2] else 1.0
    lines.append(f"{'all':<10} {tot[0]:>5} {tot[1]:>5} {tot[2]:>5} {tot[3]:>5} {rec:>6.2f} {prec:>6.2f}")
    lines.append("")
    lines.append(f"{'family':<36} {'pages':>5} {'share':>6} {'purity':>6}  campaign")
    for f in score.families:
        label = next((c["label"] for c in doc["campaigns"] if c["id"] == f.campaign), "-")
        lines.append(f"{f.name:<36} {f.pages:>5} {f.share:>6.0%} {f.purity:>6.0%}  {f.campaign or '-'} {label}")
    lines.append(f"benign pages in campaigns: {len(score.benign_in_campaigns)}")
    lines.append(f"campaigns without a family page: {len(score.campaigns_without_family)}"
                 f" (of {len(doc['campaigns'])})")
    if details:
        for t, s in sorted(score.artifacts.items()):
            for url, v in s.misses:
                lines.append(f"  miss  {t}:{v}  {url}")
            for url, v in s.false:
                lines.append(f"  false {t}:{v}  {url}")
            for url, v in s.unscored:
                lines.append(f"  found {t}:{v}  {url}  (not in the truth's types)")
        for url, cid in score.benign_in_campaigns:
            lines.append(f"  benign in {cid}: {url}")
        for cid in score.campaigns_without_family:
            c = next(c for c in doc["campaigns"] if c["id"] == cid)
            lines.append(f"  campaign {cid} ({c['label']}, {c['size']} pages) holds no family page")
        for url in score.missing_pages:
            lines.append(f"  not in the run: {url}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="a folder with pages.jsonl and truth.json (default: ../shared/real-web)")
    ap.add_argument("--keep", type=Path, help="run folder to keep (default: a temporary one)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    ap.add_argument("--as-given", action="store_true",
                    help="score against the truth as given, without bench/disputes/<corpus>.json")
    args = ap.parse_args(argv)
    if not (args.corpus / "pages.jsonl").exists() or not (args.corpus / "truth.json").exists():
        print(f"bench_realweb: {args.corpus} has no pages.jsonl and truth.json; pass --corpus DIR",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.keep or Path(tmp) / "run"
        disputes = [] if args.as_given else load_disputes(args.corpus)
        score, doc, t_import, t_analyze = run_corpus(args.corpus, run_dir, disputes)
    print(f"corpus {args.corpus}: {len(load_truth(args.corpus)['pages'])} pages;"
          f" import {t_import:.1f} s, analyze {t_analyze:.1f} s")
    if disputes:
        print(f"{len(disputes)} disputed truth values corrected (bench/disputes/{args.corpus.resolve().name}.json):")
        for d in disputes:
            print(f"  {d['truth']:<7} {d['type']}:{d['value']}  {d['url']}  ({d['why']})")
    print(format_score(score, doc, details=not args.quiet))
    missed = failures(score)
    print("targets: " + ("all met" if not missed else "MISSED\n  " + "\n  ".join(missed)))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
