"""HTTP routes: `POST /api/ask`, `GET /api/figures`, `GET|POST /api/reports`, `GET|POST /sparql`, `/health`.

Thin: each route reads the request, calls :class:`ui.server.Services` (or ``kg.endpoint``) and shapes
the response. Errors are one line (JSON ``{"error": …}`` on /api, plain text on /sparql, as SPARQL
clients show the body), never a traceback or a path.
"""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

from fastapi import FastAPI, File, Header, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from kg.endpoint import Endpoint, EndpointError, Msg as EMsg

from .server import Msg as ServiceMsg, ServiceError, Services, Settings

log = logging.getLogger("reportkg.api")

TRUNCATED = "X-Reportkg-Truncated"
ROW_LIMIT = "X-Reportkg-Row-Limit"
ROWS = "X-Reportkg-Rows"
ELAPSED = "X-Reportkg-Elapsed-Ms"
DEFAULT_PAGE = 1000          # /api/figures and /api/reports: rows per JSON page unless ?limit= says otherwise
MAX_PAGE = 10_000


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=2000, description="the question, in Chinese or English",
                          examples=["2024年全球AI推理芯片市场规模是多少？"])
    conversation_id: str | None = Field(None, max_length=64, description="continue this conversation "
                                        "(follow-ups like “那中国呢？”); omit to start a new one")


class Value(BaseModel):
    label: str | None = None
    value: int | float | None = None
    unit: str | None = None
    year: int | None = None
    market: str | None = None
    region: str | None = None
    segment: str | None = None
    comparator: str | None = None
    status: str | None = None

    model_config = {"extra": "allow"}


class Citation(BaseModel):
    report: str
    section: str
    section_title: str | None = None
    quote: str
    line: int | None = None
    cell: str | None = Field(None, description="for a figure read from a table: the row and column of its cell")
    page: int | None = Field(None, description="the quote's page (1-based, physical) in a PDF report; null for text")
    page_label: str | None = Field(None, description="the page number printed on that page, where it differs")

    model_config = {"extra": "allow"}


class AskResponse(BaseModel):
    question: str
    lang: str = Field(..., description="zh | en")
    status: str = Field(..., description="answered | derived | not_found")
    answer: str
    values: list[Value]
    citations: list[Citation]
    sparql: str
    interpretation: str
    conversation_id: str

    model_config = {"extra": "allow"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _sparql_error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, dict(_TEXT), (message + "\n").encode("utf-8")


SPARQL_DOC = """SPARQL 1.1 Protocol, read-only.

* `GET /sparql?query=…`, `POST` form (`query=…`), or `POST` with `Content-Type: application/sparql-query`.
* Results by `Accept` or `format=` (`json`, `xml`, `csv`, `tsv`; graphs: `turtle`, `ntriples`, `jsonld`).
* The default graph is the union of all graphs; the usual prefixes (`rk:`, `skos:`, `qb:`, `dcterms:` …)
  need no declaration.
* Refused: updates (`update=`, `application/sparql-update`, INSERT/DELETE/LOAD/CLEAR/DROP/…) → 403;
  `SERVICE` and `FROM` of graphs not in this store → 403; bodies above the cap → 413;
  a query past the deadline → 503.
* Results above the row cap are cut; the response then carries `X-Reportkg-Truncated: true`
  (and, in JSON, `"truncated": true`).
"""


def install(app: FastAPI, services: Services) -> None:
    """Register the routes on ``app``."""
    endpoint = services.endpoint

    @app.post("/api/ask", response_model=AskResponse, tags=["questions"],
              responses={404: {"description": "unknown or expired conversation"}, 503: {"description": "QA unavailable"}})
    def api_ask(req: AskRequest):
        """Answer a question about the reports, citing section and quote. Pass the returned
        `conversation_id` back to ask follow-ups."""
        try:
            return services.ask(req.question, req.conversation_id)
        except ServiceError as e:
            return _error(e.status, e.message)
        except ImportError:
            return _error(503, "question answering is not available on this server")

    @app.get("/api/figures", tags=["figures"],
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def api_figures(request: Request,
                    format: str | None = Query(None, pattern="^(json|csv)$", description="json (default) or csv"),
                    report: str | None = None, metric: str | None = None, region: str | None = None,
                    segment: str | None = None, year: str | None = None, status: str | None = None,
                    market: str | None = None,
                    limit: int | None = Query(None, ge=0, le=MAX_PAGE, description=f"JSON: at most this many figures "
                                              f"(default {DEFAULT_PAGE:,}); CSV: all unless given"),
                    offset: int = Query(0, ge=0, description="skip this many figures first")):
        """The figures in the graph, optionally filtered (labels or IRIs; comma-separate several values).
        JSON is a page (`total` says how many match, `truncated` whether there are more); CSV streams
        every matching figure."""
        filters = dict(report=report, metric=metric, region=region, segment=segment, year=year, status=status,
                       market=market)
        want_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
        if want_csv:
            from kg.figures import csv_chunks
            rows = services.iter_figures(filters)
            if limit is not None or offset:
                rows = services.figure_page(filters, limit=MAX_PAGE if limit is None else limit, offset=offset).rows
            return StreamingResponse(csv_chunks(rows), media_type="text/csv; charset=utf-8",
                                     headers={"Content-Disposition": 'attachment; filename="figures.csv"'})
        from kg.figures import COLUMNS
        page = services.figure_page(filters, limit=DEFAULT_PAGE if limit is None else limit, offset=offset)
        return {"columns": COLUMNS, "count": len(page.rows), "total": page.total, "total_is_lower_bound":
                page.total_capped, "truncated": page.truncated, "limit": page.limit, "offset": page.offset,
                "figures": page.rows}

    @app.get("/api/reports", tags=["reports"])
    def api_reports(q: str | None = Query(None, max_length=200, description="only reports whose title contains this"),
                    limit: int = Query(DEFAULT_PAGE, ge=0, le=MAX_PAGE), offset: int = Query(0, ge=0)):
        """The reports in the store, a page at a time (`total` says how many there are)."""
        rows, total = services.reports_page(q, limit=limit, offset=offset)
        return {"reports": rows, "count": len(rows), "total": total, "truncated": offset + len(rows) < total,
                "limit": limit, "offset": offset}

    @app.post("/api/reports", tags=["reports"], status_code=201,
              responses={403: {"description": "uploads off, no or wrong X-Reportkg-Token, or a cross-site request"},
                         413: {"description": "file too large"},
                         415: {"description": "not a report: neither a PDF (a .pdf file starting with %PDF-), a Word "
                                              "document (.docx), a web page (.html) nor .md/.txt text"},
                         422: {"description": "the report could not be read or ingested"}})
    async def api_upload(file: UploadFile = File(..., description="a report: a PDF, a Word document, a web page, or UTF-8 markdown or text"),
                         x_reportkg_token: str | None = Header(None, description="the server's write token "
                                                               "(printed by `reportkg serve --allow-uploads`)")):
        """Add (or replace, by file name) one report. Off unless the server runs with `--allow-uploads`;
        then the request must carry the server's token. A failure leaves the graph as it was."""
        try:
            services.check_write(x_reportkg_token)
        except ServiceError as e:
            return _error(e.status, e.message)
        limit = services.settings.max_upload_bytes
        data = await file.read(limit + 1)
        try:
            return await run_in_threadpool(services.ingest_upload, file.filename or "", data)
        except ServiceError as e:
            return _error(e.status, e.message)

    @app.delete("/api/reports/{report_id}", tags=["reports"],
                responses={403: {"description": "writes off, no or wrong X-Reportkg-Token, or a cross-site request"},
                           404: {"description": "no such report"},
                           409: {"description": "the name designates several reports, or the store is read-only"}})
    def api_remove(report_id: str = Path(..., max_length=500, description="the report's id (as GET /api/reports "
                                         "gives it, the last segment of its IRI), its file name or its title"),
                   x_reportkg_token: str | None = Header(None, description="the server's write token")):
        """Remove one report: its figures, sections and quotes. Off unless the server runs with
        `--allow-uploads`; the request must carry the server's token."""
        try:
            services.check_write(x_reportkg_token)
            return services.remove_report(report_id)
        except ServiceError as e:
            return _error(e.status, e.message)

    @app.get("/health", tags=["service"])
    def health():
        """Liveness and a few numbers (reports, conversations, SPARQL limits, cancelled queries)."""
        return services.health()

    protocol = SparqlProtocol(endpoint)
    app.add_middleware(SparqlFirst, protocol=protocol)   # inside the hardening install_middleware adds

    async def sparql(request: Request) -> Response:
        # answered by SparqlFirst before the router gets here; the route puts /sparql in the OpenAPI docs
        status, headers, body = await protocol.answer(request.method, request.scope.get("query_string", b""),
                                                      request.scope.get("headers", []), request.body,
                                                      _client(request.scope))
        return Response(body, status_code=status, headers=headers)

    app.add_api_route("/sparql", sparql, methods=["GET", "POST"], tags=["sparql"], summary="SPARQL 1.1 query endpoint",
                      description=SPARQL_DOC, response_class=Response,
                      openapi_extra={"parameters": [
                          {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "the SPARQL query"},
                          {"name": "format", "in": "query", "schema": {"type": "string"},
                           "description": "json | xml | csv | tsv | turtle | ntriples | jsonld (else the Accept header)"},
                          {"name": "default-graph-uri", "in": "query", "schema": {"type": "string"}},
                          {"name": "named-graph-uri", "in": "query", "schema": {"type": "string"}}],
                          "requestBody": {"content": {
                              "application/sparql-query": {"schema": {"type": "string"}},
                              "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                                  "query": {"type": "string"}}}}}}})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        """422 with one line naming what was wrong, never echoing the input (which may not even encode)."""
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        message = "invalid request: " + "; ".join(parts)
        return _error(422, message.encode("utf-8", "replace").decode("utf-8")[:300])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error(500, "internal server error")


# ----------------------------------------------------------------------------------- /sparql


class SparqlProtocol:
    """The SPARQL 1.1 Protocol over HTTP (query via GET, form POST or ``application/sparql-query``
    body; ``update`` in any form refused) on :class:`kg.endpoint.Endpoint`, as a bare ASGI app.

    :meth:`answer` is the whole of it, from method, query string, headers and body to status, headers
    and body; ``__call__`` adapts it to ASGI, the FastAPI route to a Request.
    """

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self.row_limit = str(endpoint.limits.row_limit)

    async def __call__(self, scope, receive, send) -> None:
        async def body() -> bytes:
            chunks = []
            while True:
                msg = await receive()
                if msg["type"] == "http.disconnect":
                    break
                chunks.append(msg.get("body", b""))
                if not msg.get("more_body"):
                    break
            return b"".join(chunks)

        status, headers, payload = await self.answer(scope["method"], scope.get("query_string", b""),
                                                     scope.get("headers", []), body, _client(scope))
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        raw.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})

    async def answer(self, method: str, query_string: bytes, headers: list[tuple[bytes, bytes]],
                     read_body, client: str = "") -> tuple[int, dict[str, str], bytes]:
        if method not in ("GET", "POST"):
            return 405, {"Allow": "GET, POST", **_TEXT}, b"use GET or POST\n"
        params = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        if any(k == "update" for k, _ in params):
            return _sparql_error(403, EMsg.UPDATE_PARAM)
        accept = ctype = None
        for k, v in headers:
            if k == b"accept" and accept is None:
                accept = v.decode("latin-1")
            elif k == b"content-type" and ctype is None:
                ctype = v.decode("latin-1").split(";")[0].strip().lower()
        query: str | None = None
        if method == "POST":
            if ctype == "application/sparql-update":
                return _sparql_error(403, EMsg.UPDATE_TYPE)
            body = await read_body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _sparql_error(400, "the request body is not UTF-8")
            if ctype == "application/sparql-query":
                query = text
            elif ctype == "application/x-www-form-urlencoded":
                form = parse_qsl(text, keep_blank_values=True)
                if any(k == "update" for k, _ in form):
                    return _sparql_error(403, EMsg.UPDATE_PARAM)
                params += form
            elif body:
                return _sparql_error(415, "send the query as application/sparql-query or as a form (query=…)")
        if query is None:
            qs = [v for k, v in params if k == "query"]
            if len(qs) > 1:
                return _sparql_error(400, "give exactly one query parameter")
            query = qs[0] if qs else None
        if query is None:
            return _sparql_error(400, EMsg.NO_QUERY)
        fmt = next((v for k, v in params if k in ("format", "output", "results") and v), None)
        dg = [v for k, v in params if k == "default-graph-uri"]
        ng = [v for k, v in params if k == "named-graph-uri"]
        try:
            res = await self.endpoint.aquery(query, accept=accept, fmt=fmt, default_graph_uris=dg, named_graph_uris=ng,
                                             client=client)
        except EndpointError as e:
            status, hs, body = _sparql_error(e.status, e.message)
            if e.status in (429, 503):
                hs["Retry-After"] = "1"
            return status, hs, body
        media = res.media_type
        if media.startswith("text/") or media.endswith("+xml"):
            media += "; charset=utf-8"
        out = {"Content-Type": media, TRUNCATED: "true" if res.truncated else "false", ROW_LIMIT: self.row_limit,
               ELAPSED: f"{res.seconds * 1000:.1f}", "Cache-Control": "no-store"}
        if res.rows is not None:
            out[ROWS] = str(res.rows)
        return 200, out, res.body


def _client(scope) -> str:
    """Whom a request comes from, for the SPARQL pool's fair share: the peer's address."""
    peer = scope.get("client")
    return peer[0] if peer else ""


class SparqlFirst:
    """Answers ``/sparql`` as soon as the hardening middleware has seen the request, ahead of FastAPI's
    exception middleware, router and request handling (a quarter of the server's CPU per query); every
    other path goes on down the stack. Added by :func:`install`, before (so inside) :class:`BodyLimit`,
    :class:`WriteGuard`, :class:`CORSPolicy` and :class:`SecurityHeaders`, which apply as for any route; an unexpected error
    still reaches the app's 500 handler, which is outermost."""

    def __init__(self, app, protocol: SparqlProtocol, path: str = "/sparql"):
        self.app = app
        self.protocol = protocol
        self.path = path

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == self.path:
            return await self.protocol(scope, receive, send)
        return await self.app(scope, receive, send)


# ----------------------------------------------------------------------------------- middleware


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 for request bodies above a cap (by Content-Length up front, else while streaming)."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.rules = [("/sparql", settings.limits.max_query_bytes),
                      ("/api/ask", 64 * 1024),
                      ("/api/reports", settings.max_upload_bytes + 64 * 1024),
                      ("/gradio_api/upload", settings.max_upload_bytes + 64 * 1024)]
        self.default = settings.max_body_bytes

    def limit_for(self, path: str) -> int:
        return next((n for p, n in self.rules if path == p or path.startswith(p + "/")), self.default)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    if int(v) > limit:
                        return await self._reject(scope, send, limit)
                except ValueError:
                    return await self._reject(scope, send, limit, status=400)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return msg

        async def tracked(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._reject(scope, send, limit)

    @staticmethod
    async def _reject(scope, send, limit: int, status: int = 413):
        msg = f"the request body is above the {limit:,}-byte limit" if status == 413 else "bad Content-Length"
        if scope["path"] == "/sparql":
            body, ctype = (msg + "\n").encode(), b"text/plain; charset=utf-8"
        else:
            body, ctype = json.dumps({"error": msg, "status": status}).encode(), b"application/json"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        if scope["path"] == "/sparql":
            headers.append((b"access-control-allow-origin", b"*"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class CORSPolicy:
    """Who may call what from another origin, for every path, in one place.

    Read-only routes (``OPEN``: /sparql, /api/ask, /api/figures, GET /api/reports, /health, the OpenAPI
    document) answer any origin, without credentials, so browser tools and notebooks can use them. Every
    other route — the app, Gradio's API, uploads — is same-origin: the CORS headers Gradio would add
    (it reflects any localhost origin with credentials) are removed and preflights refused, so a page of
    another site can neither read the app's responses nor send it non-simple requests."""

    EXPOSE = b", ".join(h.encode().lower() for h in (TRUNCATED, ROW_LIMIT, ROWS, ELAPSED))
    OPEN = {"/sparql": ("GET", "POST"), "/api/ask": ("POST",), "/api/figures": ("GET",), "/api/reports": ("GET",),
            "/health": ("GET",), "/openapi.json": ("GET",)}

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        methods = self.OPEN.get(scope["path"])
        if scope["method"] == "OPTIONS" and b"origin" in headers and b"access-control-request-method" in headers:
            asked = headers[b"access-control-request-method"].decode("latin-1").upper()
            if methods and asked in methods:
                allow = ", ".join(methods + ("OPTIONS",)).encode()
                hs = [(b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", allow),
                      (b"access-control-allow-headers", b"Accept, Content-Type"), (b"access-control-max-age", b"86400")]
                return await _respond(send, 204, b"", hs)
            return await _respond(send, 403, b"cross-origin requests to this route are not allowed\n",
                                  [(b"content-type", b"text/plain; charset=utf-8")])
        open_here = bool(methods) and scope["method"] in methods

        async def policed(msg):
            if msg["type"] == "http.response.start":
                hs = [(k, v) for k, v in msg.get("headers", []) if not k.lower().startswith(b"access-control-")]
                if open_here:
                    hs += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", self.EXPOSE)]
                msg = {**msg, "headers": hs}
            await send(msg)

        await self.app(scope, receive, policed)


async def _respond(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": headers + [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class WriteGuard:
    """CSRF defence: a request that can change state (any method but GET/HEAD/OPTIONS, on any route but
    the read-only /sparql and /api/ask) must come from this server's own pages when a browser sends it:
    an ``Origin`` (or, without one, ``Referer``) naming another origin, or ``Sec-Fetch-Site: cross-site``,
    gets 403. With uploads off, Gradio's file-upload route is closed to everyone. Writes also need the
    server's token (checked by the routes); this guard keeps other sites' pages from even trying."""

    SAFE = {"GET", "HEAD", "OPTIONS"}
    READ_ONLY_POSTS = {"/sparql", "/api/ask"}
    UPLOAD_PATHS = ("/gradio_api/upload",)

    def __init__(self, app, settings: Settings):
        self.app = app
        self.uploads = settings.allow_uploads
        self.root = settings.root_path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in self.SAFE or scope["path"] in self.READ_ONLY_POSTS:
            return await self.app(scope, receive, send)
        path = scope["path"][len(self.root):] if self.root and scope["path"].startswith(self.root) else scope["path"]
        if not self.uploads and path.startswith(self.UPLOAD_PATHS):
            return await self._refuse(send, ServiceMsg.UPLOADS_OFF)
        if not same_origin(scope):
            return await self._refuse(send, ServiceMsg.CROSS_SITE)
        return await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(send, message: str):
        body = json.dumps({"error": message, "status": 403}).encode()
        await _respond(send, 403, body, [(b"content-type", b"application/json")])


def same_origin(scope) -> bool:
    """False when a browser says the request comes from a page of another origin than the Host it asks."""
    headers = {}
    for k, v in scope.get("headers", []):
        headers.setdefault(k, v.decode("latin-1"))
    if headers.get(b"sec-fetch-site", "").lower() == "cross-site":
        return False
    source = headers.get(b"origin") or headers.get(b"referer")
    if not source:
        return True                  # not a browser's cross-site request (browsers send Origin on those)
    if source == "null":
        return False
    from urllib.parse import urlsplit
    parts = urlsplit(source)
    host = headers.get(b"host", "")
    return bool(parts.netloc) and parts.netloc.lower() == host.lower()


class SecurityHeaders:
    """nosniff, no referrer, who may frame the app (``REPORTKG_FRAME_ANCESTORS``, default this origin only)
    and, on HTML pages, a Content-Security-Policy that keeps the page to its own origin's scripts, styles,
    images and connections (Gradio's front end needs inline styles and scripts and eval)."""

    def __init__(self, app, frame_ancestors: str = "'self'"):
        self.app = app
        fa = frame_ancestors.strip() or "'self'"
        base = f"frame-ancestors {fa}; object-src 'none'; base-uri 'self'; form-action 'self'"
        self.headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                        (b"content-security-policy", base.encode())]
        self.html_csp = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
                         "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                         "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; " + base).encode()
        if fa == "'self'":
            self.headers.append((b"x-frame-options", b"SAMEORIGIN"))
        elif fa == "'none'":
            self.headers.append((b"x-frame-options", b"DENY"))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(msg):
            if msg["type"] == "http.response.start":
                hs = list(msg.get("headers", []))
                names = {k.lower() for k, _ in hs}
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in hs)
                extra = [(k, self.html_csp if html and k == b"content-security-policy" else v)
                         for k, v in self.headers if k not in names]
                msg = {**msg, "headers": hs + extra}
            await send(msg)

        await self.app(scope, receive, with_headers)


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """After :func:`install`: what is added later wraps what was added before, so every path, /sparql's
    fast one included, goes through these."""
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(WriteGuard, settings=settings)
    app.add_middleware(CORSPolicy)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
