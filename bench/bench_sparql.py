"""SPARQL engines on the same data and the same fixed query mix.

    python bench/bench_sparql.py [--size 100] [--http-size 1000] [--seconds 10] [--clients 4]

1. In process: embedded pyoxigraph (what reportkg uses) against rdflib's in-memory engine (a Dataset
   with the union of the named graphs as default graph, queries prepared once), on the store of
   ``--size`` reports: median latency and sequential queries/second per query.
2. Over HTTP (when ``ui/server.py`` exists): ``reportkg serve``'s ``/sparql`` against a bare
   ``oxigraph serve --union-default-graph`` on a copy of the same store, ``--clients`` concurrent
   clients round-robin over the mix for ``--seconds`` each: queries/second, p50, p99 and their ratio,
   measured in one run. Target: /sparql >= 50% of bare Oxigraph's throughput.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PY, ROOT, build_store, pct, save, store_dir, table  # noqa: E402

TARGET_RATIO = 0.5

# the fixed query mix: what analysts' tools ask of the graph (selective look-ups, joins to the evidence,
# aggregates over every report, a text scan). DISTINCT where a concept's labels are stated in several
# report graphs: Oxigraph's union default graph repeats a triple once per graph that holds it.
MIX = {
    "figures_of_market_year": """
SELECT DISTINCT ?obs ?region ?value ?unit WHERE {
  ?m skos:prefLabel "AI 推理芯片"@zh .
  ?obs rk:market ?m ; rk:year 2024 ; sdmx-dimension:refArea ?region ; rk:value ?value ; rk:unitText ?unit .
}""",
    "figure_with_evidence": """
SELECT DISTINCT ?obs ?value ?section ?title ?quote WHERE {
  ?m skos:prefLabel "AI 推理芯片"@zh .
  ?obs rk:market ?m ; rk:year 2024 ; rk:value ?value ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?sec dcterms:identifier ?section ; dcterms:title ?title . ?ev oa:exact ?quote .
}""",
    "segments_of_market": """
SELECT DISTINCT ?seg ?label WHERE { ?m skos:prefLabel "AI 推理芯片"@zh . ?seg skos:broader ?m ; skos:prefLabel ?label }""",
    "cagrs_by_region": """
SELECT ?region ?start ?end ?value WHERE {
  ?obs rk:metric rkv:metric-cagr ; sdmx-dimension:refArea ?region ; rk:periodStart ?start ; rk:periodEnd ?end ;
       rk:value ?value ; rk:report ?r .
  ?r dcterms:title ?t . FILTER(CONTAINS(?t, "AI 推理芯片"))
}""",
    "reports_list": """
SELECT ?r ?title ?publisher ?date WHERE {
  ?r a rk:Report ; dcterms:title ?title . OPTIONAL { ?r dcterms:publisher ?publisher } OPTIONAL { ?r dcterms:date ?date }
} ORDER BY ?title LIMIT 100""",
    "count_by_metric": """
SELECT ?metric (COUNT(?obs) AS ?n) WHERE { ?obs a qb:Observation ; rk:metric ?metric } GROUP BY ?metric""",
    "top_markets_2024": """
SELECT ?m (MAX(?norm) AS ?size) WHERE {
  ?obs rk:metric rkv:metric-market-size ; rk:year 2024 ; rk:market ?m ; sdmx-dimension:refArea rkv:region-global ;
       rk:normalizedValue ?norm . FILTER NOT EXISTS { ?obs rk:segment ?s }
} GROUP BY ?m ORDER BY DESC(?size) LIMIT 10""",
    "text_search": """
SELECT ?ev ?quote WHERE { ?ev oa:exact ?quote . FILTER(CONTAINS(STR(?quote), "渗透率")) } LIMIT 50""",
}


def _prefixes() -> str:
    from kg.namespaces import sparql_prefixes
    return sparql_prefixes()


def _time(run, min_runs: int = 10, min_seconds: float = 1.0, max_runs: int = 2000) -> list[float]:
    out: list[float] = []
    t_end = time.perf_counter() + min_seconds
    while len(out) < max_runs and (len(out) < min_runs or time.perf_counter() < t_end):
        a = time.perf_counter()
        run()
        out.append(time.perf_counter() - a)
    return out


def in_process(size: int, seconds: float) -> dict:
    import pyoxigraph as ox
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    d = store_dir(size)
    db = ox.Store.read_only(str(d))
    t = time.perf_counter()
    nq = db.dump(format=ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=nq, format="nquads")
    load_s = time.perf_counter() - t
    p = _prefixes()
    rows = {}
    for name, q in MIX.items():
        text = p + q
        n_ox = len(list(db.query(text, use_default_graph_as_union=True)))
        prepared = prepareQuery(text)
        n_rdf = len(list(ds.query(prepared)))
        ox_t = _time(lambda: list(db.query(text, use_default_graph_as_union=True)), min_seconds=seconds)
        rdf_t = _time(lambda: list(ds.query(prepared)), min_runs=3, min_seconds=seconds, max_runs=200)
        rows[name] = {"rows_oxigraph": n_ox, "rows_rdflib": n_rdf,
                      "oxigraph_median_ms": round(statistics.median(ox_t) * 1000, 3),
                      "rdflib_median_ms": round(statistics.median(rdf_t) * 1000, 3),
                      "oxigraph_qps": round(len(ox_t) / sum(ox_t), 1), "rdflib_qps": round(len(rdf_t) / sum(rdf_t), 2)}
        rows[name]["speedup"] = round(rows[name]["rdflib_median_ms"] / max(rows[name]["oxigraph_median_ms"], 1e-6), 1)
    return {"size": size, "triples": len(ds), "rdflib_load_s": round(load_s, 2), "queries": rows}


# --------------------------------------------------------------------------- over HTTP

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_bin() -> str | None:
    here = Path(PY).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def _wait(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import httpx
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited with {proc.returncode}")
        try:
            r = httpx.post(url, content="ASK {}", headers={"Content-Type": "application/sparql-query",
                                                          "Accept": "application/sparql-results+json"}, timeout=5)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server for {url} did not answer within {timeout:.0f} s")


def load(url: str, seconds: float, clients: int) -> dict:
    """``clients`` threads posting the mix round-robin for ``seconds``; latencies of successful queries."""
    import httpx
    p = _prefixes()
    texts = [p + q for q in MIX.values()]
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        mine = []
        with httpx.Client(timeout=60) as c:
            i = k
            while time.perf_counter() < stop:
                q = texts[i % len(texts)]
                i += 1
                a = time.perf_counter()
                r = c.post(url, content=q.encode("utf-8"), headers={"Content-Type": "application/sparql-query",
                                                                   "Accept": "application/sparql-results+json"})
                if r.status_code == 200:
                    mine.append(time.perf_counter() - a)
                else:
                    with lock:
                        errors[0] += 1
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"queries": len(lat), "errors": errors[0], "qps": round(len(lat) / wall, 1),
            "p50_ms": round(pct([x * 1000 for x in lat], 50), 2), "p99_ms": round(pct([x * 1000 for x in lat], 99), 2)}


def over_http(size: int, seconds: float, clients: int) -> dict | None:
    if not (ROOT / "ui" / "server.py").exists():
        print("ui/server.py does not exist yet: skipping /sparql vs bare oxigraph", file=sys.stderr)
        return None
    ox_bin = _oxigraph_bin()
    if not ox_bin:
        print("the oxigraph server binary is not installed: skipping the HTTP comparison", file=sys.stderr)
        return None
    src = store_dir(size)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "oxigraph-copy"
        shutil.copytree(src, copy, ignore=shutil.ignore_patterns("LOCK"))
        p_ox, p_rk = _free_port(), _free_port()
        procs = []
        try:
            ox_proc = subprocess.Popen([ox_bin, "serve", "--location", str(copy), "--bind", f"127.0.0.1:{p_ox}",
                                        "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(ox_proc)
            rk_proc = subprocess.Popen([PY, "-m", "ui.cli", "--store", str(src), "serve", "--host", "127.0.0.1",
                                        "--port", str(p_rk)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            procs.append(rk_proc)
            ox_url, rk_url = f"http://127.0.0.1:{p_ox}/query", f"http://127.0.0.1:{p_rk}/sparql"
            _wait(ox_url, ox_proc)
            _wait(rk_url, rk_proc)
            load(ox_url, 2, clients)                  # warm both
            load(rk_url, 2, clients)
            bare = load(ox_url, seconds, clients)
            ours = load(rk_url, seconds, clients)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return {"size": size, "clients": clients, "seconds": seconds, "bare_oxigraph": bare, "reportkg_sparql": ours,
            "throughput_ratio": round(ours["qps"] / bare["qps"], 3) if bare["qps"] else None,
            "p99_ratio": round(ours["p99_ms"] / bare["p99_ms"], 2) if bare["p99_ms"] else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=100, help="store size for embedded vs rdflib")
    ap.add_argument("--http-size", type=int, default=1000, help="store size for /sparql vs bare oxigraph")
    ap.add_argument("--seconds", type=float, default=10, help="load duration per HTTP server")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--per-query-seconds", type=float, default=0.5)
    ap.add_argument("--no-http", action="store_true")
    args = ap.parse_args(argv)

    build_store(args.size)
    inproc = in_process(args.size, args.per_query_seconds)
    print(f"Embedded pyoxigraph vs rdflib in memory, {args.size:,} reports ({inproc['triples']:,} triples; "
          f"rdflib load {inproc['rdflib_load_s']} s)")
    print(table(["query", "rows", "oxigraph median ms", "rdflib median ms", "oxigraph q/s", "rdflib q/s", "x faster"],
                [[k, v["rows_oxigraph"], v["oxigraph_median_ms"], v["rdflib_median_ms"], v["oxigraph_qps"], v["rdflib_qps"],
                  v["speedup"]] for k, v in inproc["queries"].items()]))
    mismatched = [k for k, v in inproc["queries"].items() if v["rows_oxigraph"] != v["rows_rdflib"]]
    if mismatched:
        print(f"(row counts differ for {', '.join(mismatched)})")
    http = None
    if not args.no_http:
        build_store(args.http_size)
        http = over_http(args.http_size, args.seconds, args.clients)
    if http:
        print(f"\n/sparql vs bare oxigraph, {args.http_size:,} reports, {args.clients} clients, {args.seconds:.0f} s each")
        print(table(["server", "queries/s", "p50 ms", "p99 ms", "errors"],
                    [["oxigraph serve (bare)", http["bare_oxigraph"]["qps"], http["bare_oxigraph"]["p50_ms"],
                      http["bare_oxigraph"]["p99_ms"], http["bare_oxigraph"]["errors"]],
                     ["reportkg /sparql", http["reportkg_sparql"]["qps"], http["reportkg_sparql"]["p50_ms"],
                      http["reportkg_sparql"]["p99_ms"], http["reportkg_sparql"]["errors"]]]))
        ok = http["throughput_ratio"] is not None and http["throughput_ratio"] >= TARGET_RATIO
        print(f"throughput ratio {http['throughput_ratio']} (target >= {TARGET_RATIO}): {'met' if ok else 'MISSED'}; "
              f"p99 ratio {http['p99_ratio']}")
    path = save("sparql", {"embedded_vs_rdflib": inproc, "http": http, "mix": list(MIX)})
    print(f"\n-> {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
