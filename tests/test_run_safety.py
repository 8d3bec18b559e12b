"""A run's store and lock under misuse (issue 17): damaged or empty stores, a
resume with other parameters, two crawls of one run. Each ends in one line,
``cobweb COMMAND: ...``, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli.main import main
from crawler.records import Artifact, PageRecord
from crawler.runlock import run_lock
from crawler.store import PageStore, store_path

PARAMS = {"run_dir": "", "seeds": ["http://a.example/"], "keywords": ["esim"], "depth": 3, "max_pages": 0,
          # (a crawl that starts by mistake reaches a closed loopback port, nothing else)
          "proxy": "http://127.0.0.1:9", "allow_private": False, "user_agent": None}


def _run(tmp_path: Path, pages: int = 300) -> Path:
    run = tmp_path / "run"
    with PageStore.open_run(run) as store:
        store.set_meta("crawl_params", {**PARAMS, "run_dir": str(run)})
        store.add_pages(PageRecord(f"http://s{i % 7}.example/{i}", title=f"page {i}", text="esim " * 200,
                                   html="<p>esim</p>" * 50,
                                   artifacts=[Artifact("handle", f"telegram:h{i % 11}")]) for i in range(pages))
    return run


def _one_line(capsys: pytest.CaptureFixture[str], command: str) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith(f"cobweb {command}: ")
    return last


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 3, len(data), 4096):  # every page from a third on
        data[at + 8 : at + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


DAMAGES = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "garbled": _garble,
    "not a database": lambda p: p.write_bytes(b"this is no sqlite file at all " * 200),
}
COMMANDS = {
    "analyze": lambda run, out: ["analyze", str(run)],
    "export": lambda run, out: ["export", str(run), "--format", "json", "-o", str(out / "g.json")],
    "crawl": lambda run, out: ["crawl", "--resume", str(run)],
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_store_gives_one_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        command: str, damage) -> None:
    run = _run(tmp_path)
    damage(store_path(run))
    assert main(COMMANDS[command](run, tmp_path)) == 2
    line = _one_line(capsys, command)
    assert str(store_path(run)) in line
    assert ".recover" in line or "new run" in line


@pytest.mark.parametrize("command", ["analyze", "export"])
def test_an_empty_store_is_no_silent_success(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    run = tmp_path / "run"
    run.mkdir()
    store_path(run).write_bytes(b"")
    assert main(COMMANDS[command](run, tmp_path)) == 2
    line = _one_line(capsys, command)
    assert str(store_path(run)) in line and "empty" in line


@pytest.mark.parametrize(("extra", "named"), [
    (["-k", "casino"], "keywords casino"),
    (["--depth", "5"], "depth 5"),
    (["--max-pages", "10"], "max pages 10"),
    (["http://other.example/"], "seeds http://other.example/"),
    (["--allow-private"], "--allow-private"),
    (["--user-agent", "Other/1.0"], "user agent Other/1.0"),
])
def test_resume_with_other_parameters_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 extra: list[str], named: str) -> None:
    run = _run(tmp_path, pages=1)
    assert main(["crawl", "--resume", str(run), *extra]) == 2
    line = _one_line(capsys, "crawl")
    assert named in line and "new run" in line
    with PageStore(store_path(run)) as store:
        assert store.get_meta("crawl_params")["keywords"] == ["esim"]


def test_a_second_crawl_of_a_run_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path, pages=1)
    with run_lock(run):  # another process crawling the run
        assert main(["crawl", "--resume", str(run)]) == 2
    line = _one_line(capsys, "crawl")
    assert "being crawled by another process" in line
