"""Errors a user can cause: one line `cobweb COMMAND: what went wrong; what to do`, exit 2.

In-process where the error comes before any crawl; in a subprocess where the
whole process matters (logging format, closed pipe, Scrapy's own warnings).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import crawl
from crawler.cli.main import main as cobweb
from crawler.store import PageStore
from test_crawl_e2e import ROOT, cobweb as cobweb_process, small_web
from test_output_views import make_run


def error_of(capsys, argv: list[str]) -> str:
    """The stderr of ``cobweb ARGV``, which must exit 2 and print nothing on stdout."""
    try:
        status = cobweb(argv)
    except SystemExit as exc:  # argparse
        status = exc.code
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    return captured.err


def run_process(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "crawler", *argv], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


# -- cobweb crawl ------------------------------------------------------------------------------


def test_missing_seeds_file(tmp_path, capsys):
    seeds = tmp_path / "seeds.txt"
    assert error_of(capsys, ["crawl", "--seeds", str(seeds), "-k", "esim", "-o", str(tmp_path / "r")]) \
        == f"cobweb crawl: no seeds file {seeds}; give a file of URLs, one a line\n"


def test_resume_of_a_folder_without_a_run(tmp_path, capsys):
    assert error_of(capsys, ["crawl", "--resume", str(tmp_path)]) == (
        f"cobweb crawl: {tmp_path} holds no crawl to resume (no crawl.sqlite); start one with "
        f"cobweb crawl URL -k KEYWORD -o {tmp_path}\n")


def test_run_folder_that_cannot_be_created(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "run"
    assert error_of(capsys, ["crawl", "http://a.example/", "-k", "esim", "-o", str(out)]) == (
        f"cobweb crawl: cannot create the run folder {out}: a file is in the way; "
        "choose another -o\n")


@pytest.mark.parametrize("keywords", [[""], ["  ", ""]])
def test_blank_keyword(tmp_path, capsys, keywords):
    argv = ["crawl", "http://a.example/", "-o", str(tmp_path / "r")]
    for k in keywords:
        argv += ["-k", k]
    assert error_of(capsys, argv) == (
        "cobweb crawl: give at least one keyword that is not blank, e.g. -k esim\n")


def test_missing_arguments(tmp_path, capsys):
    assert error_of(capsys, ["crawl", "http://a.example/", "-k", "esim"]) == (
        "cobweb crawl: -o RUN_DIR is required; say where the run goes, e.g. -o runs/esim\n")
    assert error_of(capsys, ["crawl", "http://a.example/", "-o", "r"]) == (
        "cobweb crawl: give at least one -k KEYWORD, e.g. -k esim\n")
    assert error_of(capsys, ["crawl", "-k", "esim", "-o", "r"]) == (
        "cobweb crawl: give seed URLs or --seeds FILE, e.g. cobweb crawl http://example.com/ "
        "-k esim -o r\n")
    assert error_of(capsys, ["crawl", "http://a.example/", "-k", "esim", "-o", "r",
                             "--retry-dropped", "http_error"]) == (
        "cobweb crawl: --retry-dropped queues again what a run gave up; use it with "
        "--resume RUN_DIR\n")


def test_seed_without_a_scheme(tmp_path):
    proc = run_process("crawl", "example.com", "-k", "esim", "-o", str(tmp_path / "r"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "cobweb crawl: seed example.com skipped: no scheme; did you mean http://example.com?\n"
        "cobweb crawl: no http(s) seed URL among the 1 given; give URLs like http://example.com/\n")
    assert not (tmp_path / "r").exists()


def test_unreachable_proxy_is_one_line_naming_it(tmp_path):
    proc = run_process("crawl", "http://a.example/", "-k", "esim", "-o", str(tmp_path / "r"),
                       "--proxy", "http://127.0.0.1:1")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("cobweb crawl: the proxy http://127.0.0.1:1 (--proxy) refuses "
                           "connections; start it, or give another with --proxy URL\n")


@pytest.mark.parametrize(("argv", "message"), [
    (["crawl", "http://a.example/", "-k", "e", "-o", "r", "--depth", "-1"],
     "cobweb crawl: --depth: -1 is negative; give 0 or more\n"),
    (["crawl", "http://a.example/", "-k", "e", "-o", "r", "--max-pages", "x"],
     "cobweb crawl: --max-pages: 'x' is no whole number; give one like 3\n"),
    (["crawl", "http://a.example/", "-k", "e", "-o", "r", "-s", "CONCURRENT_REQUESTS"],
     "cobweb crawl: -s/--set: 'CONCURRENT_REQUESTS' is no NAME=VALUE setting; "
     "give one like -s CONCURRENT_REQUESTS=8\n"),
    (["crawl", "http://a.example/", "-k", "e", "-o", "r", "--proxy", "http://p:1", "--direct"],
     "cobweb crawl: --direct: not allowed with argument --proxy; see cobweb crawl --help\n"),
    (["analyze", "r", "--min-sites", "0"], "cobweb analyze: --min-sites: 0 is below 1; give 1 or more\n"),
    (["analyze", "r", "--ubiquity", "1.5"],
     "cobweb analyze: --ubiquity: 1.5 is not a share; give a number above 0 and at most 1, "
     "like 0.2\n"),
    (["analyze", "r", "--ubiquity", "0"],
     "cobweb analyze: --ubiquity: 0 is not a share; give a number above 0 and at most 1, "
     "like 0.2\n"),
    (["analyze"], "cobweb analyze: the following arguments are required: RUN_DIR; "
                  "see cobweb analyze --help\n"),
])
def test_bad_values_are_one_line(capsys, argv, message):
    assert error_of(capsys, argv) == message


def test_unknown_command_is_one_line(capsys):
    err = error_of(capsys, ["nonsense"])
    assert err.startswith("cobweb: COMMAND: invalid choice: 'nonsense' (choose from ")
    assert "'demo'" in err and err.endswith("'); see cobweb --help\n")
    assert err.count("\n") == 1


def test_settings_from_the_command_line_reach_scrapy(tmp_path, monkeypatch, capsys):
    import crawler.runner

    seen = {}

    def fake_run_crawl(run_dir, **kwargs):
        seen.update(kwargs)
        return {"run_dir": str(run_dir), "fetched": 0, "hits": 0, "pages_in_store": 0,
                "queued": 0, "dropped_by_reason": {}, "elapsed_seconds": 0.0,
                "finish_reason": "finished"}

    monkeypatch.setattr(crawler.runner, "run_crawl", fake_run_crawl)
    assert cobweb(["crawl", "http://a.example/", "-k", "esim", "-o", str(tmp_path / "r"),
                   "-s", "CONCURRENT_REQUESTS=8", "-s", "DOWNLOAD_DELAY=0.5", "--direct"]) == 0
    assert seen["settings"] == {"CONCURRENT_REQUESTS": "8", "DOWNLOAD_DELAY": "0.5"}
    assert seen["network"] == {"via": "direct"}
    from crawler.runner import crawl_settings

    s = crawl_settings({"run_dir": "r"}, seen["settings"])
    assert s.getint("CONCURRENT_REQUESTS") == 8 and s.getfloat("DOWNLOAD_DELAY") == 0.5


def test_crawl_into_a_folder_holding_another_run(tmp_path, capsys):
    run = tmp_path / "r"
    with PageStore.open_run(run) as store:
        store.set_meta("crawl_params", {"seeds": ["http://a.example/"], "keywords": ["esim"],
                                        "depth": 3, "max_pages": 0})
    assert error_of(capsys, ["crawl", "http://b.example/", "-k", "casino", "-o", str(run)]) == (
        f"cobweb crawl: {run} already holds another crawl (keywords: esim); continue it with "
        f"cobweb crawl --resume {run}, or choose another -o\n")


def test_version():
    proc = run_process("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("cobweb ") and proc.stderr == ""


def test_no_proxy_middleware_warning_while_http_proxy_is_used(tmp_path):
    from crawler.demoweb.server import VirtualWebProxy

    web, _ = small_web()
    with VirtualWebProxy(web) as proxy:
        proc = cobweb_process("crawl", "http://cats.example.net/", "-k", "esim",
                              "-o", str(tmp_path / "r"), env={"http_proxy": proxy.url})
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert err == "" and "1 hits" in out


# -- analyze, export, import ----------------------------------------------------------------


def test_analyze_without_a_run(tmp_path, capsys):
    assert error_of(capsys, ["analyze", str(tmp_path)]) == (
        f"cobweb analyze: no crawl in {tmp_path} (no crawl.sqlite); run cobweb crawl URL "
        f"-k KEYWORD -o {tmp_path} first\n")


def test_export_onto_a_folder_or_a_file_in_the_way(tmp_path, capsys):
    run = make_run(tmp_path / "run")
    folder = tmp_path / "out"
    folder.mkdir()
    assert error_of(capsys, ["export", str(run), "--format", "gexf", "-o", str(folder)]) == (
        f"cobweb export: {folder} is a folder; give a file path with -o, e.g. -o "
        f"{folder / 'graph.gexf'}\n")
    (tmp_path / "file").write_text("x")
    assert error_of(capsys, ["export", str(run), "--format", "csv", "-o", str(tmp_path / "file")]) == (
        f"cobweb export: {tmp_path / 'file'} is a file, and --format csv writes a folder "
        "(nodes.csv, edges.csv); give a folder path with -o\n")
    target = tmp_path / "file" / "g.gexf"
    assert error_of(capsys, ["export", str(run), "--format", "gexf", "-o", str(target)]) == (
        f"cobweb export: cannot write {target}: a file is in the way; choose another -o\n")


def test_import_without_its_file(tmp_path, capsys):
    src = tmp_path / "none.jsonl"
    assert error_of(capsys, ["import", str(src), "-o", str(tmp_path / "r")]) == (
        f"cobweb import: no such file: {src}; give a JSON-lines file of pages\n")


def test_closed_pipe_is_quiet(tmp_path):
    run = make_run(tmp_path / "run")
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "analyze", str(run)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `| head` that has read enough
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == b""


def test_every_crawl_error_is_a_user_error():
    """No `raise SystemExit` or bare print left in the crawl command: errors go through UserError."""
    source = Path(crawl.__file__).read_text(encoding="utf-8")
    assert "SystemExit" not in source and "file=sys.stderr" not in source


def test_export_views_are_the_exporters():
    from crawler.cli import export
    from output.views import VIEWS

    assert export.VIEWS == tuple(VIEWS)


def test_demo_into_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "demo"
    assert error_of(capsys, ["demo", "-o", str(out)]) == (
        f"cobweb demo: cannot create the run folder {out}: a file is in the way; "
        "choose another -o\n")
