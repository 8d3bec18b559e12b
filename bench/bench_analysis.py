"""Benchmark: ``cobweb import`` + ``cobweb analyze`` on synthetic tables, against two peers.

Prints one table of figures: wall time and peak RSS of each step, and the
quality of the planted campaigns recovered (ARI, pairwise precision/recall,
B-cubed precision/recall), at each size; then the same table for the peers
on the same tables, and the ratio of their time to ``cobweb analyze``.

Targets (issue 4): at 1M pages ``cobweb analyze`` <= 60 s, ``cobweb import``
<= 120 s, each <= 4 GB peak RSS; cost growing about linearly; ARI >= 0.95.

Peers (each in its own process, killed after ``--peer-timeout`` seconds, with
its address space capped at ``--peer-mem-gb`` so it cannot swamp the machine):

- ``networkx``: ``bipartite.weighted_projected_graph`` of the page-artifact
  graph onto pages, then connected components;
- ``cnt``: coordination-network-toolkit's co-link network. Not a Cobweb
  dependency; install it into the venv for the bench only:
  ``.venv/bin/pip install coordination-network-toolkit``. One CSV row per
  (page, artifact): ``message_id=page|artifact``, ``user_id=username=page``,
  ``timestamp=0``, ``urls=artifact``; then ``compute_networks DB preprocess
  --format csv FILE`` and ``compute_networks DB compute co_link --time_window 0
  --min_edge_weight 1``; the ``co_link_network`` table is read back, and its
  connected components are the peer's groups.

Both peers see every page-artifact pair, as ``cobweb analyze`` does. A peer
that times out or runs out of memory at one size is not run at larger sizes.

``--shape scattered|skewed`` benchmarks the shapes of issue 15 instead (see
:mod:`bench.synthetic_tables`): import speed in pages/s, each analysis step's
time, and the quality against both the planted campaigns and the components
of pages sharing campaign artifacts (``truth-shared.tsv``).

Usage::

    .venv/bin/python bench/bench_analysis.py                      # 10k, 100k, 1M
    .venv/bin/python bench/bench_analysis.py --sizes 1000 3000 10000 100000 1000000 \
        --peer-sizes 1000 3000 10000                             # the figures in docs/analysis.md
    .venv/bin/python bench/bench_analysis.py --sizes 10000 --peers networkx
    .venv/bin/python bench/bench_analysis.py --shape skewed --sizes 100000 300000 1000000 --peers ''
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic_tables import SHAPES, write_table  # noqa: E402

PY = sys.executable


def run_measured(cmd: list[str], *, timeout: float | None = None, mem_gb: float | None = None,
                 cwd: Path | None = None) -> dict:
    """Run a command; wall time, peak RSS (children included) and how it ended."""

    def limit() -> None:
        os.setsid()
        if mem_gb:
            cap = int(mem_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                            preexec_fn=limit)
    status = "ok"
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        status = "timeout"
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if status == "ok" and proc.returncode != 0:
        text = err.decode(errors="replace")
        status = "out of memory" if "MemoryError" in text or "out of memory" in text else \
            f"failed ({proc.returncode})"
        if status.startswith("failed"):
            sys.stderr.write(text[-2000:])
    return {"wall": wall, "peak_kb": peak_kb, "status": status, "stdout": out.decode(errors="replace"),
            "stderr": err.decode(errors="replace")}


def measured_child(cmd: list[str], **kw) -> dict:
    """Like run_measured, but peak RSS of this command alone (through a wrapper process)."""
    wrapper = [PY, str(Path(__file__).resolve()), "--wrap", json.dumps(kw.pop("mem_gb", None)), "--"]
    res = run_measured(wrapper + cmd, **kw)
    lines = [ln for ln in res["stdout"].splitlines() if ln.startswith("@@rss ")]
    if lines:
        _, peak, cpu, status = lines[-1].split(maxsplit=3)
        res["peak_kb"], res["cpu"] = int(peak), float(cpu)
        res["status"] = status if res["status"] == "ok" else res["status"]
    else:
        res["peak_kb"] = res["cpu"] = float("nan")  # killed before it could report
    return res


def wrap_main(mem_gb: float | None, cmd: list[str]) -> int:
    """Run ``cmd``, print its own peak RSS (``@@rss KB status``)."""
    def limit() -> None:
        if mem_gb:
            cap = int(mem_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limit)
    out, err = proc.communicate()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the one child, reaped
    sys.stdout.write(out.decode(errors="replace"))
    sys.stderr.write(err.decode(errors="replace")[-20000:])
    text = err.decode(errors="replace")
    status = "ok" if proc.returncode == 0 else (
        "out of memory" if ("MemoryError" in text or "out of memory" in text.lower()
                            or proc.returncode in (-9, 137)) else f"failed ({proc.returncode})")
    print(f"@@rss {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.2f} {status}")
    return 0


def quality(urls: list[str], truth: dict[str, str], groups: dict[str, str]) -> dict:
    from analysis.metrics import adjusted_rand_index, bcubed, pairwise_precision_recall

    t = [truth.get(u, "bg:" + u) for u in urls]
    p = [groups.get(u, "none:" + u) for u in urls]
    pp, pr = pairwise_precision_recall(t, p)
    bp, br = bcubed(t, p)
    return {"ari": adjusted_rand_index(t, p), "pair_p": pp, "pair_r": pr, "b3_p": bp, "b3_r": br}


def read_truth(table: Path, name: str = "truth.tsv") -> dict[str, str]:
    with (table / name).open() as fh:
        return dict(line.rstrip("\n").split("\t") for line in fh)


def step_times(stderr: str) -> str:
    """The per-step times ``cobweb -v analyze`` logs (``load 1.2s, evidence 0.4s, ...``)."""
    found = re.findall(r"INFO analysis\.run: analysis: (?:[^;\n]*; )?([a-z]+ [0-9.]+s(?:, [a-z]+ [0-9.]+s)*)",
                       stderr)
    return ", ".join(found)


def page_urls(table: Path) -> list[str]:
    import orjson

    with (table / "pages.jsonl").open("rb") as fh:
        return [orjson.loads(line)["url"] for line in fh]


# -- peers ----------------------------------------------------------------------


def networkx_peer_main(table: str, out: str) -> int:
    """Child process: project with networkx, write ``{url: component}``."""
    import networkx as nx
    import orjson
    from networkx.algorithms import bipartite

    graph = nx.Graph()
    pages = []
    with open(Path(table) / "pages.jsonl", "rb") as fh:
        for line in fh:
            obj = orjson.loads(line)
            url = obj["url"]
            pages.append(url)
            graph.add_node(url, bipartite=0)
            for a in obj["artifacts"]:
                graph.add_edge(url, f"{a['kind']}:{a['label']}")
    t0 = time.perf_counter()
    projected = bipartite.weighted_projected_graph(graph, pages)
    groups = {}
    for i, comp in enumerate(nx.connected_components(projected)):
        if len(comp) > 1:
            for url in comp:
                groups[url] = f"g{i}"
    elapsed = time.perf_counter() - t0
    Path(out).write_text(json.dumps({"seconds": elapsed, "edges": projected.number_of_edges(),
                                     "groups": groups}))
    return 0


def cnt_csv(table: Path, path: Path) -> None:
    import orjson

    with (table / "pages.jsonl").open("rb") as fh, path.open("w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                    "timestamp", "urls"])
        for line in fh:
            obj = orjson.loads(line)
            url = obj["url"]
            for a in obj["artifacts"]:
                art = f"{a['kind']}:{a['label']}".replace(" ", "%20")
                w.writerow([f"{url}|{art}", url, url, "", "", "", 0, art])


def cnt_groups(db: Path) -> tuple[dict[str, str], int]:
    """Connected components of the ``co_link_network`` table, read in chunks (bounded memory)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    con = sqlite3.connect(db)
    users = sorted({u for (u,) in con.execute(
        "SELECT user_1 FROM co_link_network UNION SELECT user_2 FROM co_link_network")})
    index = {u: i for i, u in enumerate(users)}
    n = len(users)
    labels = np.arange(n)
    edges = 0
    cur = con.execute("SELECT user_1, user_2 FROM co_link_network WHERE user_1 != user_2")
    while rows := cur.fetchmany(1_000_000):
        edges += len(rows)
        a = np.fromiter((index[u] for u, _ in rows), dtype=np.int64, count=len(rows))
        b = np.fromiter((index[v] for _, v in rows), dtype=np.int64, count=len(rows))
        rows_ = np.concatenate([a, np.arange(n)])
        cols_ = np.concatenate([b, labels])
        graph = coo_matrix((np.ones(rows_.size, dtype=np.int8), (rows_, cols_)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
    con.close()
    sizes = np.bincount(labels) if n else np.zeros(0, dtype=np.int64)
    groups = {u: f"g{labels[i]}" for i, u in enumerate(users) if sizes[labels[i]] > 1}
    return groups, edges


# -- the benchmark ----------------------------------------------------------------


def fmt_size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def bench_size(n: int, work: Path, args, peers_alive: set[str]) -> list[dict]:
    tag = fmt_size(n) if args.shape == "default" else f"{args.shape}-{fmt_size(n)}"
    table = work / f"table-{tag}"
    run_dir = work / f"run-{tag}"
    shutil.rmtree(run_dir, ignore_errors=True)
    if not (table / "pages.jsonl").exists() or args.regenerate:
        t0 = time.perf_counter()
        stats = write_table(n, table, seed=args.seed, shape=args.shape)
        print(f"[{fmt_size(n)}] table: {stats} in {time.perf_counter() - t0:.1f}s", flush=True)
    truth = read_truth(table)
    shared_truth = read_truth(table, "truth-shared.tsv") if (table / "truth-shared.tsv").exists() else None
    urls = page_urls(table)
    rows = []

    imp = measured_child([PY, "-m", "crawler.cli.main", "import", str(table / "pages.jsonl"),
                          "-o", str(run_dir)], cwd=ROOT)
    print(f"[{fmt_size(n)}] cobweb import: {imp['wall']:.1f}s (cpu {imp['cpu']:.1f}s) {imp['peak_kb'] / 2**20:.2f}GB "
          f"{imp['status']}", flush=True)
    print(f"[{fmt_size(n)}]   {n / imp['wall']:,.0f} pages/s", flush=True)
    ana = measured_child([PY, "-m", "crawler.cli.main", "-v", "analyze", str(run_dir)], cwd=ROOT)
    steps = step_times(ana["stderr"])
    print(f"[{fmt_size(n)}] cobweb analyze: {ana['wall']:.1f}s (cpu {ana['cpu']:.1f}s) {ana['peak_kb'] / 2**20:.2f}GB "
          f"{ana['status']}", flush=True)
    print(f"[{fmt_size(n)}]   steps: {steps}", flush=True)
    doc = json.loads((run_dir / "campaigns.json").read_text())
    groups = {u: c["id"] for c in doc["campaigns"] for u in c["pages"]}
    q = quality(urls, truth, groups)
    rows.append({"size": n, "tool": "cobweb import", **pick(imp)})
    rows.append({"size": n, "tool": "cobweb analyze", **pick(ana), **q,
                 "note": f"{len(doc['campaigns'])} campaigns, {len(set(truth.values()))} planted; {steps}"})
    if shared_truth is not None:
        rows.append({"size": n, "tool": "  vs shared-artifact truth", "wall": ana["wall"],
                     "peak_gb": float("nan"), "status": "ok", **quality(urls, shared_truth, groups),
                     "note": f"{len(set(shared_truth.values()))} components of shared campaign artifacts"})

    if "networkx" in peers_alive:
        out = work / f"nx-{fmt_size(n)}.json"
        out.unlink(missing_ok=True)
        res = measured_child([PY, str(Path(__file__).resolve()), "--networkx-peer", str(table),
                              str(out)], timeout=args.peer_timeout, mem_gb=args.peer_mem_gb)
        row = {"size": n, "tool": "networkx projection", **pick(res)}
        if res["status"] == "ok" and out.exists():
            data = json.loads(out.read_text())
            row.update(quality(urls, truth, data["groups"]))
            row["note"] = f"projection alone {data['seconds']:.1f}s, {data['edges']} edges"
        else:
            peers_alive.discard("networkx")
        row["ratio"] = res["wall"] / ana["wall"]
        rows.append(row)
        print(f"[{fmt_size(n)}] networkx: {res['wall']:.1f}s {res['status']}", flush=True)

    if "cnt" in peers_alive:
        if not shutil.which("compute_networks", path=str(Path(PY).parent)):
            print("coordination-network-toolkit is not installed: "
                  ".venv/bin/pip install coordination-network-toolkit", file=sys.stderr)
            peers_alive.discard("cnt")
        else:
            exe = str(Path(PY).parent / "compute_networks")
            csv_path, db = work / f"cnt-{fmt_size(n)}.csv", work / f"cnt-{fmt_size(n)}.db"
            db.unlink(missing_ok=True)
            cnt_csv(table, csv_path)
            pre = measured_child([exe, str(db), "preprocess", "--format", "csv", str(csv_path)],
                                 timeout=args.peer_timeout, mem_gb=args.peer_mem_gb)
            left = args.peer_timeout - pre["wall"]
            comp = measured_child(
                [exe, str(db), "compute", "co_link", "--time_window", "0", "--min_edge_weight",
                 "1", "--n_cpus", "2"], timeout=max(left, 1), mem_gb=args.peer_mem_gb,
            ) if pre["status"] == "ok" else pre
            wall = pre["wall"] + (comp["wall"] if comp is not pre else 0)
            row = {"size": n, "tool": "coordination-network-toolkit", "wall": wall,
                   "peak_gb": max(pre["peak_kb"], comp["peak_kb"]) / 2**20,
                   "status": comp["status"], "ratio": wall / ana["wall"]}
            if comp["status"] == "ok":
                groups, n_edges = cnt_groups(db)
                row.update(quality(urls, truth, groups))
                row["note"] = f"preprocess {pre['wall']:.1f}s, {n_edges} edges, db " \
                              f"{db.stat().st_size / 2**30:.1f}GB"
            else:
                peers_alive.discard("cnt")
                row["note"] = f"db {db.stat().st_size / 2**30:.1f}GB when stopped" if db.exists() \
                    else ""
            rows.append(row)
            print(f"[{fmt_size(n)}] cnt: {wall:.1f}s {row['status']}", flush=True)
            csv_path.unlink(missing_ok=True)
            db.unlink(missing_ok=True)
    return rows


def pick(res: dict) -> dict:
    return {"wall": res["wall"], "cpu": res.get("cpu", float("nan")), "peak_gb": res["peak_kb"] / 2**20,
            "status": res["status"]}


def print_table(rows: list[dict]) -> None:
    head = (f"{'pages':>6}  {'tool':<29} {'wall s':>8} {'cpu s':>7} {'peak GB':>8} {'vs analyze':>10}  "
            f"{'ARI':>6} {'pair P':>6} {'pair R':>6} {'B3 P':>6} {'B3 R':>6}  status / note")
    print(head)
    print("-" * len(head))
    for r in rows:
        def f(key: str) -> str:
            return f"{r[key]:6.3f}" if key in r else f"{'-':>6}"
        if "ratio" not in r:
            ratio = f"{'':>10}"
        elif r["status"] == "ok":
            ratio = f"{r['ratio']:9.1f}x"
        else:  # did not finish: a lower bound
            ratio = f"{'>' + format(r['ratio'], '.0f'):>9}x"
        print(f"{fmt_size(r['size']):>6}  {r['tool']:<29} {r['wall']:8.1f} {r.get('cpu', float('nan')):7.1f} "
              f"{r['peak_gb']:8.2f} "
              f"{ratio}  {f('ari')} {f('pair_p')} {f('pair_r')} {f('b3_p')} {f('b3_r')}  "
              f"{r['status']}{'; ' + r['note'] if r.get('note') else ''}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--wrap":
        return wrap_main(json.loads(argv[1]), argv[3:])
    if argv and argv[0] == "--networkx-peer":
        return networkx_peer_main(argv[1], argv[2])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--peers", default="networkx,cnt", help="comma-separated; '' for none")
    p.add_argument("--peer-sizes", type=int, nargs="*", default=None,
                   help="sizes at which peers run (default: all sizes)")
    p.add_argument("--peer-timeout", type=float, default=600.0)
    p.add_argument("--peer-mem-gb", type=float, default=6.0)
    p.add_argument("--workdir", default="/tmp/cobweb-bench-analysis")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--shape", choices=SHAPES, default="default",
                   help="synthetic table shape (bench/synthetic_tables.py): default, scattered, skewed")
    p.add_argument("--regenerate", action="store_true", help="rewrite existing tables")
    args = p.parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    peers = {x for x in args.peers.split(",") if x}
    rows: list[dict] = []
    for n in args.sizes:
        on = args.peer_sizes is None or n in args.peer_sizes
        rows += bench_size(n, work, args, peers if on else set())
    print()
    print_table(rows)
    ours = [r for r in rows if r["tool"] == "cobweb analyze"]
    if len(ours) > 1:
        print("\ncost growth (wall and cpu time; 1.00 = linear in pages):")
        imps = [r for r in rows if r["tool"] == "cobweb import"]
        for a, b, ia, ib in zip(ours, ours[1:], imps, imps[1:]):
            k = b["size"] / a["size"]
            print(f"  {fmt_size(a['size'])} -> {fmt_size(b['size'])} (x{k:.0f} pages):"
                  f" analyze x{b['wall'] / a['wall']:.1f} ({b['wall'] / a['wall'] / k:.2f} of linear,"
                  f" cpu {b['cpu'] / a['cpu'] / k:.2f}),"
                  f" import x{ib['wall'] / ia['wall']:.1f} ({ib['wall'] / ia['wall'] / k:.2f} of linear,"
                  f" cpu {ib['cpu'] / ia['cpu'] / k:.2f})")
        a, b, ia, ib = ours[0], ours[-1], imps[0], imps[-1]  # the whole range (issue 15: 100k -> 1M)
        k = b["size"] / a["size"]
        print(f"  {fmt_size(a['size'])} -> {fmt_size(b['size'])} (x{k:.0f} pages): analyze cpu"
              f" {b['cpu'] / a['cpu'] / k:.2f} of linear, import cpu {ib['cpu'] / ia['cpu'] / k:.2f} of linear")
    return 0


if __name__ == "__main__":
    sys.exit(main())
