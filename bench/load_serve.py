"""Load test of `reportkg serve`: N concurrent clients on loopback against /api/ask and /sparql.

    python bench/load_serve.py                      # starts its own server on a free port, 20 clients, 30 s
    python bench/load_serve.py --url http://127.0.0.1:7860 --clients 20 --seconds 30

Bounded in time (``--seconds``) and in count (``--max-requests``); loopback only. Half the clients ask
questions (zh and en, some as follow-ups in a conversation), half send SPARQL queries (SELECT in JSON
and CSV, ASK, CONSTRUCT). Prints, per route: requests, errors, median, p90, p99, max and throughput.
Exit status 1 if any request failed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent

QUESTIONS = [
    ("2024年全球AI推理芯片市场规模是多少？", False),
    ("那中国呢？", True),
    ("What was the global AI inference chip market size in 2030?", False),
    ("And in 2024?", True),
    ("2024至2030年全球AI推理芯片市场的年复合增长率是多少？", False),
    ("What are the growth drivers of AI inference chips?", False),
    ("2024年哪个细分市场规模最大？", False),
    ("What is the weather like in Paris?", False),
]
QUERIES = [
    ("SELECT ?id ?title WHERE { ?s a rk:Section ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id",
     "application/sparql-results+json"),
    ("SELECT ?year ?value ?unit WHERE { ?o rk:year ?year ; rk:valueText ?value ; rk:unitText ?unit }", "text/csv"),
    ("ASK { ?r a rk:Report }", "application/sparql-results+json"),
    ("CONSTRUCT { ?s skos:broader ?m } WHERE { ?s a rk:Segment ; skos:broader ?m }", "text/turtle"),
    ("SELECT ?driver WHERE { ?d a rk:Driver ; rdfs:label ?driver }", "application/sparql-results+xml"),
]


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return xs[k]


class Stats:
    def __init__(self):
        self.lat: dict[str, list[float]] = {"/api/ask": [], "/sparql": []}
        self.errors: dict[str, list[str]] = {"/api/ask": [], "/sparql": []}
        self.total = 0


async def asker(client: httpx.AsyncClient, url: str, stats: Stats, stop: float, limit: int, i: int) -> None:
    cid = None
    n = i
    while time.monotonic() < stop and stats.total < limit:
        q, follow = QUESTIONS[n % len(QUESTIONS)]
        n += 1
        body = {"question": q}
        if follow and cid:
            body["conversation_id"] = cid
        t0 = time.perf_counter()
        try:
            r = await client.post(url + "/api/ask", json=body)
            dt = time.perf_counter() - t0
            if r.status_code != 200:
                stats.errors["/api/ask"].append(f"{r.status_code} {r.text[:120]}")
            else:
                cid = r.json()["conversation_id"]
                stats.lat["/api/ask"].append(dt)
        except httpx.HTTPError as e:
            stats.errors["/api/ask"].append(type(e).__name__)
        stats.total += 1


async def querier(client: httpx.AsyncClient, url: str, stats: Stats, stop: float, limit: int, i: int) -> None:
    n = i
    while time.monotonic() < stop and stats.total < limit:
        q, accept = QUERIES[n % len(QUERIES)]
        n += 1
        t0 = time.perf_counter()
        try:
            if n % 2:
                r = await client.get(url + "/sparql", params={"query": q}, headers={"Accept": accept})
            else:
                r = await client.post(url + "/sparql", content=q.encode(),
                                      headers={"Content-Type": "application/sparql-query", "Accept": accept})
            dt = time.perf_counter() - t0
            if r.status_code != 200:
                stats.errors["/sparql"].append(f"{r.status_code} {r.text[:120]}")
            else:
                stats.lat["/sparql"].append(dt)
        except httpx.HTTPError as e:
            stats.errors["/sparql"].append(type(e).__name__)
        stats.total += 1


async def run(url: str, clients: int, seconds: float, limit: int) -> Stats:
    stats = Stats()
    # each client is a user of its own: on 127.0.0.1 it comes from an address of its own (127.0.0.10 …), as
    # the server's per-address fair share of SPARQL workers would see separate users
    local = urlparse(url).hostname == "127.0.0.1"
    pool = [httpx.AsyncClient(timeout=30, transport=httpx.AsyncHTTPTransport(
        local_address=f"127.0.0.{10 + i}" if local else None)) for i in range(clients)]
    try:
        # warm-up: one of each, not counted
        await pool[0].post(url + "/api/ask", json={"question": QUESTIONS[0][0]})
        await pool[0].get(url + "/sparql", params={"query": QUERIES[0][0]})
        stop = time.monotonic() + seconds
        tasks = []
        for i in range(clients):
            fn = asker if i % 2 == 0 else querier
            tasks.append(asyncio.create_task(fn(pool[i], url, stats, stop, limit, i)))
        await asyncio.gather(*tasks)
    finally:
        for c in pool:
            await c.aclose()
    return stats


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).with_name("reportkg")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ui.cli"]
    cmd += ["--store", store, "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not come up")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running server (loopback only); default: start one with a temporary store")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests in total")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 600:
        ap.error("--clients must be 1..200 and --seconds 0..600")

    proc = None
    tmp = None
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            ap.error("load tests run against loopback only")
        url = args.url.rstrip("/")
    else:
        tmp = tempfile.TemporaryDirectory(prefix="reportkg-load-")
        proc, url = start_server(os.path.join(tmp.name, "store"))
    try:
        t0 = time.monotonic()
        stats = asyncio.run(run(url, args.clients, args.seconds, args.max_requests))
        wall = time.monotonic() - t0
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if tmp is not None:
            tmp.cleanup()

    report = {"clients": args.clients, "seconds": round(wall, 1), "cpus": os.cpu_count(), "routes": {}}
    print(f"{args.clients} clients, {wall:.1f} s, {os.cpu_count()} CPUs, loopback")
    print(f"{'route':<10} {'requests':>9} {'errors':>7} {'median':>9} {'p90':>9} {'p99':>9} {'max':>9} {'req/s':>8}")
    failed = 0
    for route, lat in stats.lat.items():
        errs = stats.errors[route]
        failed += len(errs)
        ms = [x * 1000 for x in lat]
        row = {"requests": len(lat) + len(errs), "errors": len(errs),
               "median_ms": round(statistics.median(ms), 1) if ms else None,
               "p90_ms": round(percentile(ms, 90), 1), "p99_ms": round(percentile(ms, 99), 1),
               "max_ms": round(max(ms), 1) if ms else None, "rps": round(len(lat) / wall, 1)}
        report["routes"][route] = row
        print(f"{route:<10} {row['requests']:>9} {row['errors']:>7} {row['median_ms']:>7} ms {row['p90_ms']:>6} ms "
              f"{row['p99_ms']:>6} ms {row['max_ms']:>6} ms {row['rps']:>8}")
        for e in sorted(set(errs))[:5]:
            print(f"  error: {e}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
