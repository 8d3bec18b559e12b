"""Check a run's evidence: WARC files, the store's pointers and ``campaigns.json``.

:func:`verify_run` recomputes every digest from the WARC files and compares the
store and ``campaigns.json`` with them. Each problem has a code, a location
(file and offset, or the page URL) and a detail:

==================== ==========================================================
code                 meaning
==================== ==========================================================
``damaged``          a gzip member fails its check (an edited or lost byte)
``truncated``        a file ends inside a record
``bad_record``       a member holds no readable WARC record
``digest_mismatch``  a record's block or payload differs from its digest
``missing_file``     the store points at a WARC file that is not there
``missing_record``   no record starts at the offset the store gives
``record_mismatch``  the record there is for another URL, or of another type
``store_mismatch``   the page's SHA-256 in the store differs from the record's
``no_record``        a crawled page has no record (WARC capture was on)
``no_original``      a revisit record whose payload is archived nowhere in the run
``campaigns_mismatch`` ``campaigns.json`` gives another digest or record, or a page not in the store
==================== ==========================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from crawler.store import PageStore, store_path
from crawler.warc.reader import iter_members, parse_record
from crawler.warc.records import digest_hex, sha256_hex
from crawler.warc.writer import WARC_SUFFIX, warc_dir

__all__ = ["Problem", "ProblemCode", "Verification", "verify_run", "check_warc_file"]

ProblemCode = Literal[
    "damaged", "truncated", "bad_record", "digest_mismatch", "missing_file", "missing_record",
    "record_mismatch", "store_mismatch", "no_record", "no_original", "campaigns_mismatch",
]


@dataclass(frozen=True, slots=True)
class Problem:
    code: ProblemCode
    where: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.code}" + (f": {self.detail}" if self.detail else "")


@dataclass(slots=True)
class _Record:
    type: str
    uri: str
    payload_sha256: str  # recomputed from the bytes (revisit: the digest it claims)


@dataclass(slots=True)
class Verification:
    """What :func:`verify_run` checked and found."""

    files: int = 0
    records: int = 0
    pages: int = 0
    campaign_pages: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_warc_file(path: Path, name: str, index: dict[tuple[str, int], _Record],
                    problems: list[Problem]) -> int:
    """Read every record of one file, check its digests, index it by ``(name, offset)``."""
    count = 0
    with path.open("rb") as fh:
        for member in iter_members(fh):
            where = f"{name} @ {member.offset}"
            if member.error:
                code: ProblemCode = "truncated" if member.error == "truncated" else "damaged"
                problems.append(Problem(code, where, member.error))
                break
            try:
                rec = parse_record(member.data or b"")
            except ValueError as exc:
                problems.append(Problem("bad_record", where, str(exc)))
                continue
            count += 1
            for text in rec.problems:
                problems.append(Problem("digest_mismatch", where, text))
            claimed = digest_hex(rec.header("WARC-Payload-Digest")) or ""
            if rec.type == "revisit":
                digest = claimed
            else:
                digest = sha256_hex(rec.payload)
                if claimed and claimed != digest and not rec.problems:
                    problems.append(Problem("digest_mismatch", where, "payload digest differs"))
            index[(name, member.offset)] = _Record(rec.type, rec.header("WARC-Target-URI"), digest)
    return count


def _warc_files(run_dir: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(warc_dir(run_dir).glob("*" + WARC_SUFFIX)):
        yield path.name, path


def _resolve(run_dir: Path, name: str) -> tuple[str, Path]:
    """A page's ``warc_file``: a name in ``RUN_DIR/warc``, or a path (imported archives)."""
    path = Path(name)
    if path.is_absolute():
        return str(path), path
    return name, warc_dir(run_dir) / name


def verify_run(run_dir: str | Path) -> Verification:
    """Check every WARC file of ``run_dir``, every page of its store and its ``campaigns.json``."""
    run_dir = Path(run_dir)
    result = Verification()
    index: dict[tuple[str, int], _Record] = {}
    for name, path in _warc_files(run_dir):
        result.files += 1
        result.records += check_warc_file(path, name, index, result.problems)
    originals = {r.payload_sha256 for r in index.values() if r.type == "response"}
    for where, rec in index.items():
        if rec.type == "revisit" and rec.payload_sha256 not in originals:
            result.problems.append(Problem("no_original", f"{where[0]} @ {where[1]}", rec.uri))
    checked_elsewhere: set[str] = set()
    with PageStore(store_path(run_dir)) as store:
        params = store.get_meta("crawl_params") or {}
        warc_on = bool(params.get("warc", True)) if isinstance(params, dict) else True
        stored: dict[str, tuple[str, str, int]] = {}
        for page in store.iter_pages():
            result.pages += 1
            stored[page.url] = (page.sha256, page.warc_file, page.warc_offset)
            if not page.warc_file:
                if warc_on and page.origin == "crawl":
                    result.problems.append(Problem("no_record", page.url))
                continue
            name, path = _resolve(run_dir, page.warc_file)
            if (name, page.warc_offset) not in index and name not in checked_elsewhere:
                if not path.is_file():
                    result.problems.append(Problem("missing_file", page.url, page.warc_file))
                    continue
                if path.parent != warc_dir(run_dir):
                    checked_elsewhere.add(name)
                    result.records += check_warc_file(path, name, index, result.problems)
            rec = index.get((name, page.warc_offset))
            if rec is None:
                result.problems.append(
                    Problem("missing_record", page.url, f"{page.warc_file} @ {page.warc_offset}"))
                continue
            if rec.type not in ("response", "revisit", "resource") or rec.uri != (page.fetched_url or page.url):
                result.problems.append(Problem(
                    "record_mismatch", page.url, f"{rec.type} record for {rec.uri}"))
            if rec.payload_sha256 != page.sha256:
                result.problems.append(Problem(
                    "store_mismatch", page.url, f"store {page.sha256}, record {rec.payload_sha256}"))
    _check_campaigns(run_dir, stored, result)
    return result


def _check_campaigns(run_dir: Path, stored: dict[str, tuple[str, str, int]], result: Verification) -> None:
    path = run_dir / "campaigns.json"
    if not path.exists():
        return
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        result.problems.append(Problem("campaigns_mismatch", str(path), f"unreadable: {exc}"))
        return
    for campaign in doc.get("campaigns", []):
        cid = campaign.get("id", "?")
        records = campaign.get("records", {}) or {}
        for url in campaign.get("pages", []):
            result.campaign_pages += 1
            if url not in stored:
                result.problems.append(Problem("campaigns_mismatch", f"campaigns.json {cid}",
                                               f"{url} is not in the store"))
        for url, rec in records.items():
            want = stored.get(url)
            got = (rec.get("sha256"), rec.get("warc_file"), rec.get("warc_offset"))
            if want is None or got != want:
                result.problems.append(Problem("campaigns_mismatch", f"campaigns.json {cid}",
                                               f"{url}: {got} differs from the store's {want}"))
