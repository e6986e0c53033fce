"""`reportkg` command line: a thin client of `ingest`, `kg` and `qa`.

Heavy imports (spaCy, Gradio) happen inside the commands that need them, so `reportkg --help` and
`reportkg sparql` stay fast.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _store(args, **kw):
    from ingest.stores import open_store
    return open_store(args.store, **kw)


def cmd_ingest(args) -> int:
    from ingest.errors import IngestError
    from ingest.pipeline import ingest_file, report_files
    from kg.store import StoreError

    store = _store(args, fill=False)
    if args.bundled:
        from ingest.stores import BUNDLED
        args.paths = [*args.paths, str(BUNDLED)]
    if not args.paths:
        print("reportkg: name the report files or directories to ingest (or --bundled)", file=sys.stderr)
        return 2
    files = report_files(args.paths)
    if not files:
        print("reportkg: no report files found in " + " ".join(args.paths), file=sys.stderr)
        return 1
    if len(files) > 1 or any(Path(p).is_dir() for p in args.paths):
        from ingest.bulk import ingest_many
        return ingest_many(store, files, workers=args.workers, quiet=args.quiet, validate=not args.no_validate)
    failed = 0
    for f in files:
        try:
            r = ingest_file(store, f, validate=not args.no_validate, skip_unchanged=args.skip_unchanged)
        except (IngestError, StoreError) as e:
            print(f"reportkg: {e}", file=sys.stderr)
            failed += 1
            continue
        if not args.quiet:
            what = "unchanged, skipped" if r.skipped else f"{r.claims} claims ({r.figures} figures), {r.triples} triples, {r.seconds * 1000:.0f} ms"
            print(f"ingested {f}: {what}")
    return 1 if failed else 0


def cmd_reports(args) -> int:
    """List the stored reports (title, publisher, date, pages, figures, status), a page at a time."""
    from ingest.stores import list_reports
    store = _store(args, fill=False)
    rows = list_reports(store, limit=args.limit, offset=args.offset, search=args.search)
    total = store.report_count(args.search)
    if args.json:
        print(json.dumps({"reports": rows, "total": total}, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no reports" + (f" whose title contains {args.search!r}" if args.search else "") + " in the store")
        return 0
    header = ("id", "title", "publisher", "date", "pages", "figures", "status")
    table = [(r["id"], r.get("title", ""), r.get("publisher", "") or "-",
              str(r.get("date", "") or "-"), str(r.get("pages", "-")), str(r["figures"]), r["status"]) for r in rows]
    _print_table(header, table)
    if total > args.offset + len(rows):
        print(f"({len(rows)} of {total}; --offset {args.offset + len(rows)} for more)")
    return 0


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Tab-separated rows under a header, as `reportkg sparql` prints them (cells on one line)."""
    from kg.localquery import cell
    for row in (header, *rows):
        print("\t".join(cell(x) for x in row))


def cmd_remove(args) -> int:
    """Remove reports by id, IRI, file name or exact title; a name that designates nothing is an error."""
    from ingest.stores import report_id
    store = _store(args, fill=False)
    failed = 0
    for name in args.reports:
        found = store.find_reports(name)
        if not found:
            print(f"reportkg: no report {name!r} in the store (`reportkg reports` lists them)", file=sys.stderr)
            failed += 1
        elif len(found) > 1 and not args.all:
            ids = ", ".join(map(report_id, found))
            print(f"reportkg: {name!r} names {len(found)} reports ({ids}): give an id, or --all", file=sys.stderr)
            failed += 1
        else:
            for report in found:
                store.remove_report(report)
                if not args.quiet:
                    print(f"removed {report_id(report)}")
    return 1 if failed else 0


def cmd_claims(args) -> int:
    from ingest.errors import IngestError
    from ingest.pipeline import read_claims
    try:
        _doc, claims = read_claims(args.path)
    except IngestError as e:
        print(f"reportkg: {e}", file=sys.stderr)
        return 1
    rows = claims.to_json()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            if r["kind"] in ("figure", "cagr"):
                when = r["year"] or "-".join(map(str, r["period"] or []))
                print(f"§{r['section']:<5} {r['metric']:<16} {r['region'] or '-':<14} {r['market']} / {r['segment'] or 'total'}"
                      f"  {when}  {r['comparator']} {r['value']} {r['unit']}  [{r['status']}]")
            else:
                print(f"§{r.get('section', '-'):<5} {r['kind']:<16} {r.get('label') or r.get('segment') or r.get('title') or r.get('text', '')[:60]}")
    return 0


def cmd_export(args) -> int:
    from kg.store import FORMATS
    store = _store(args)
    if args.format == "csv":                 # streamed: a batch of figures at a time
        import io

        from kg.figures import iter_figures, write_csv
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else \
            io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            write_csv(iter_figures(store), out)
        finally:
            out.flush()
            if args.output:
                out.close()
            else:
                out.detach()
        return 0
    if args.format in FORMATS:
        data = store.dump(args.format)
    else:
        print(f"reportkg: unknown format {args.format!r}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_check(args) -> int:
    from kg.checks import implied_cagrs, segment_sums
    from kg.figures import labels_of, pick_label
    from kg.validate import validate_store

    store = _store(args)
    ok_all = True
    results = validate_store(store)
    out = {"shacl": [], "consistency": []}
    for rep, (ok, detail) in results.items():
        ok_all &= ok
        out["shacl"].append({"report": rep, "conforms": ok, "detail": detail})
        if not args.json:
            print(f"SHACL {'ok  ' if ok else 'FAIL'} {rep}{'' if ok else ': ' + detail}")
    found = segment_sums(store) + implied_cagrs(store)
    names = labels_of(store, {f.market for f in found if f.market})
    for f in found:
        out["consistency"].append({"kind": f.kind, "consistent": f.ok, "report": f.report, "market": f.market,
                                   "region": f.region, "year": f.year, "stated": f.stated, "computed": f.computed,
                                   "unit": f.unit, "detail": f.detail})
        if not args.json:
            label = "consistent  " if f.ok else "MISMATCH    "
            where = (f.region or "").rsplit("/", 1)[-1].removeprefix("region-")
            market = pick_label(names, f.market, "en")
            scope = " · ".join(str(x) for x in (market, where, f.year) if x)
            print(f"{label}{f.kind:<18} {scope}: {f.detail} [{(f.report or '').rsplit('/', 1)[-1]}]")
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if ok_all else 1


def cmd_sparql(args) -> int:
    """Run one query with the endpoint's guarantees (kg.localquery); errors are one line on stderr, exit 1."""
    from kg.endpoint import EndpointError
    from kg.localquery import one_line, render, run_local
    from kg.store import StoreError
    try:
        query = _read_query(args.query)
        out = render(run_local(_store(args), query, args.format), args.format)
    except (EndpointError, StoreError, OSError) as e:
        print(f"reportkg: {one_line(getattr(e, 'message', None) or str(e))}", file=sys.stderr)
        return 1
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    except BrokenPipeError:            # `reportkg sparql ... | head -1`: the reader has all it wants
        _silence_stdout()
    return 0


def _read_query(arg: str) -> str:
    """The query text: the argument, or stdin for '-' (UTF-8; undecodable bytes are left for run_local to refuse)."""
    if arg != "-":
        return arg
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read().decode("utf-8-sig", "surrogateescape") if stream is not None else sys.stdin.read()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail on the closed pipe."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):     # no real file descriptor (captured output)
        pass


def cmd_ask(args) -> int:
    from qa import ask
    store = _store(args)
    if args.question == "-":
        for line in sys.stdin:
            if not line.strip() and not line.endswith("\n"):
                continue
            _print_answer(ask(line.rstrip("\n"), store=store), args.json)
        return 0
    _print_answer(ask(args.question, store=store), args.json)
    return 0


def cmd_chat(args) -> int:
    from qa import Conversation
    conv = Conversation(store=_store(args))
    interactive = sys.stdin.isatty() and not args.json
    while True:
        if interactive:
            try:
                line = input("? ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
        else:
            line = sys.stdin.readline()
            if not line:
                return 0
        _print_answer(conv.ask(line.rstrip("\n")), args.json)


def _print_answer(ans, as_json: bool) -> None:
    if as_json:
        print(json.dumps(ans.to_json(), ensure_ascii=False), flush=True)
    else:
        print(ans.render(), flush=True)


def cmd_serve(args) -> int:
    from ui.server import serve
    return serve(host=args.host, port=args.port, store=args.store, read_only=args.read_only,
                 allow_uploads=True if args.allow_uploads else None)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reportkg", description="Industry research reports as a cited knowledge graph.")
    p.add_argument("--store", help="store directory, ':memory:' or a SPARQL endpoint URL (default: $REPORTKG_STORE "
                                   "or the per-user data directory)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name, fn, help_):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--store", default=argparse.SUPPRESS, help="store directory, ':memory:' or SPARQL endpoint URL")
        sp.set_defaults(func=fn)
        return sp

    sp = add("ingest", cmd_ingest, "add or replace reports (files or directories) in the store")
    sp.add_argument("paths", nargs="*")
    sp.add_argument("--bundled", action="store_true", help="also ingest the bundled reports (data/reports/)")
    sp.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    sp.add_argument("--skip-unchanged", action="store_true", help="skip reports whose content hash is already stored")
    sp.add_argument("--workers", type=int, default=0, help="parallel workers for many reports (default: cores)")
    sp.add_argument("-q", "--quiet", action="store_true")
    sp = add("reports", cmd_reports, "list the stored reports: title, publisher, date, pages, figures, status")
    sp.add_argument("search", nargs="?", help="only reports whose title contains this")
    sp.add_argument("--limit", type=int, default=100)
    sp.add_argument("--offset", type=int, default=0)
    sp.add_argument("--json", action="store_true")
    sp = add("remove", cmd_remove, "remove reports from the store (by id, IRI, file name or title)")
    sp.add_argument("reports", nargs="+")
    sp.add_argument("--all", action="store_true", help="remove every report a name designates")
    sp.add_argument("-q", "--quiet", action="store_true")
    sp = add("claims", cmd_claims, "print the claims extracted from one report, without storing them")
    sp.add_argument("path")
    sp.add_argument("--json", action="store_true")
    sp = add("export", cmd_export, "export the graph")
    sp.add_argument("--format", default="turtle", help="turtle | trig | nt | nq | jsonld | xml | csv (figures)")
    sp.add_argument("-o", "--output")
    sp = add("check", cmd_check, "SHACL validation and consistency checks (segments vs total, stated vs implied CAGR)")
    sp.add_argument("--json", action="store_true")
    sp = add("sparql", cmd_sparql, "run a SPARQL query ('-' reads it from stdin)")
    sp.add_argument("query")
    sp.add_argument("--format", default="table",
                    choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"],
                    help="table (default; Turtle for CONSTRUCT/DESCRIBE), SPARQL results as json, csv, tsv or xml, "
                         "RDF as turtle, ntriples, jsonld or xml (json: JSON-LD)")
    sp = add("ask", cmd_ask, "answer a question ('-' answers each stdin line independently)")
    sp.add_argument("question")
    sp.add_argument("--json", action="store_true")
    sp = add("chat", cmd_chat, "a conversation: stdin lines are turns; follow-ups resolve against earlier turns")
    sp.add_argument("--json", action="store_true")
    sp = add("serve", cmd_serve, "serve the Gradio app, the SPARQL endpoint and the JSON API")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=7860)
    sp.add_argument("--read-only", action="store_true",
                    help="open the store read-only (as it is when serving starts; uploads are refused)")
    sp.add_argument("--allow-uploads", action="store_true",
                    help="let the app's Reports tab and POST /api/reports (with the printed token) add reports "
                         "(also REPORTKG_ALLOW_UPLOADS=1); off by default")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from kg.store import StoreError
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:             # `reportkg claims x.md | head`: the reader has all it wants
        _silence_stdout()
        return 0
    except (StoreError, OSError) as e:  # one line, no traceback, for store and I/O failures
        print(f"reportkg: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
