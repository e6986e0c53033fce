"""`reportkg serve`: one ASGI app (FastAPI) holding the JSON API, the SPARQL endpoint and the Gradio UI.

    from ui.server import create_app, serve
    app = create_app("/path/to/store")          # an ASGI app (uvicorn, hypercorn, gunicorn -k uvicorn…)
    serve(host="127.0.0.1", port=7860)          # what `reportkg serve` and `make run` do

Everything here is wiring: the logic lives in ``qa`` (answers), ``kg.endpoint`` (SPARQL protocol),
``kg.figures``, ``kg.graphview`` and ``ingest``. :class:`Services` is the one object the HTTP routes
(``ui.api``) and the Gradio callbacks (``ui.app``) share. Settings come from ``REPORTKG_*`` environment
variables (docs/serve.md lists them).
"""
from __future__ import annotations

import logging
import os
import hmac
import re
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# Hardening that must precede the first gradio import anywhere in the process.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from kg.endpoint import Endpoint, Limits  # noqa: E402

log = logging.getLogger("reportkg.serve")
PDF_MAGIC = b"%PDF-"        # how every PDF file starts


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    limits: Limits = field(default_factory=Limits)
    max_upload_bytes: int = 5 * 1024 * 1024       # REPORTKG_MAX_UPLOAD_BYTES: one uploaded report
    max_body_bytes: int = 4 * 1024 * 1024         # REPORTKG_MAX_BODY_BYTES: any other request body (UI events)
    max_question_chars: int = 2000
    conversations: int = 1000                     # REPORTKG_CONVERSATIONS: server-side LRU of conversations
    conversation_ttl: float = 6 * 3600
    queue_size: int = 64                          # REPORTKG_QUEUE_SIZE: Gradio queue bound
    ui_concurrency: int = 4                       # REPORTKG_UI_CONCURRENCY: Gradio events run at once
    frame_ancestors: str = "'self'"               # REPORTKG_FRAME_ANCESTORS: pages allowed to embed the app
    allow_uploads: bool = False                   # REPORTKG_ALLOW_UPLOADS=1 or `serve --allow-uploads`: writes on
    write_token: str = ""                         # REPORTKG_WRITE_TOKEN: what write requests must carry (else random)
    root_path: str = ""                           # REPORTKG_ROOT_PATH: the app's path behind a reverse proxy
    figure_rows: int = 200                        # REPORTKG_FIGURE_ROWS: rows the Figures tab shows at once
    report_rows: int = 100                        # REPORTKG_REPORT_ROWS: rows the Reports tab shows at once
    choices: int = 200                            # filter values and entities offered before the user types

    @classmethod
    def from_env(cls) -> "Settings":
        d = cls()
        return cls(
            limits=Limits.from_env(),
            max_upload_bytes=max(1024, _env_int("REPORTKG_MAX_UPLOAD_BYTES", d.max_upload_bytes)),
            max_body_bytes=max(64 * 1024, _env_int("REPORTKG_MAX_BODY_BYTES", d.max_body_bytes)),
            conversations=max(1, _env_int("REPORTKG_CONVERSATIONS", d.conversations)),
            queue_size=max(1, _env_int("REPORTKG_QUEUE_SIZE", d.queue_size)),
            ui_concurrency=max(1, _env_int("REPORTKG_UI_CONCURRENCY", d.ui_concurrency)),
            frame_ancestors=os.environ.get("REPORTKG_FRAME_ANCESTORS", d.frame_ancestors),
            allow_uploads=os.environ.get("REPORTKG_ALLOW_UPLOADS", "").strip().lower() in ("1", "true", "yes", "on"),
            write_token=os.environ.get("REPORTKG_WRITE_TOKEN", "").strip(),
            root_path=os.environ.get("REPORTKG_ROOT_PATH", d.root_path).rstrip("/"),
            figure_rows=max(1, _env_int("REPORTKG_FIGURE_ROWS", d.figure_rows)),
            report_rows=max(1, _env_int("REPORTKG_REPORT_ROWS", d.report_rows)),
        )


class ServiceError(Exception):
    """A one-line, user-facing failure with an HTTP status (no paths, no tracebacks)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Msg:
    UNKNOWN_CONVERSATION = "unknown or expired conversation_id; omit it to start a new conversation"
    QUESTION_TOO_LONG = "the question is {n:,} characters long, above the {limit:,}-character limit"
    UPLOAD_TYPE = ("only reports can be uploaded: a PDF, a Word document, a web page, or UTF-8 text, in a {suffixes} "
                   "file (got {name!r})")
    UPLOAD_NOT_PDF = UPLOAD_TYPE + ", which is not a PDF: it does not start with %PDF-"
    UPLOAD_TOO_BIG = "the file is {size:,} bytes, above the {limit:,}-byte upload limit"
    UPLOAD_NO_NAME = "the upload has no file name"
    STORE_READ_ONLY = "the store is read-only here (another process holds it), so reports cannot be added"
    STORE_FAILED = "the report could not be written to the store"
    UPLOADS_OFF = ("uploads are turned off on this server; whoever runs it can turn them on with "
                   "`reportkg serve --allow-uploads` (or REPORTKG_ALLOW_UPLOADS=1)")
    BAD_TOKEN = "a write needs this server's token in the X-Reportkg-Token header (printed when it starts)"
    CROSS_SITE = "a write must come from this server's own pages (cross-site request refused)"
    BAD_TEXT = "the {what} holds characters that are not valid Unicode (a lone surrogate)"
    NO_SUCH_REPORT = "no report {name!r} in the store (GET /api/reports lists them)"
    AMBIGUOUS_REPORT = "{name!r} names {n} reports ({ids}): give a report's id"
    REMOVE_READ_ONLY = "the store is read-only here, so reports cannot be removed"


# ----------------------------------------------------------------------------------- conversations


class Conversations:
    """A bounded, thread-safe LRU of ``qa.Conversation`` objects keyed by an opaque id."""

    def __init__(self, store, capacity: int = 1000, ttl: float = 6 * 3600):
        self.store = store
        self.capacity = capacity
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[Any, threading.Lock, float]] = OrderedDict()
        self._lock = threading.Lock()

    def new(self) -> tuple[str, Any, threading.Lock]:
        from qa import Conversation
        cid = uuid.uuid4().hex
        conv, lock = Conversation(store=self.store), threading.Lock()
        with self._lock:
            self._items[cid] = (conv, lock, time.monotonic())
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return cid, conv, lock

    def get(self, cid: str) -> tuple[Any, threading.Lock] | None:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(cid)
            if hit is None:
                return None
            if now - hit[2] > self.ttl:
                del self._items[cid]
                return None
            self._items[cid] = (hit[0], hit[1], now)
            self._items.move_to_end(cid)
            return hit[0], hit[1]

    def __len__(self) -> int:
        return len(self._items)


# ----------------------------------------------------------------------------------- services


class Services:
    """What the front ends share: the store, the SPARQL endpoint, conversations, figures, uploads."""

    def __init__(self, store, settings: Settings | None = None):
        from kg.namespaces import PREFIXES
        self.store = store
        self.settings = settings or Settings()
        self.prefixes = tuple(sorted((k, str(v)) for k, v in PREFIXES.items()))
        self.endpoint = Endpoint(store, self.settings.limits)
        self.conversations = Conversations(store, self.settings.conversations, self.settings.conversation_ttl)
        self._ingest_lock = threading.Lock()
        self._choices: dict[tuple, list] = {}      # (store generation, what) -> choices offered before typing
        self._warming: threading.Event | None = None
        self.started = time.time()
        self.write_token = self.settings.write_token or secrets.token_urlsafe(24)
        from ingest.worker import WorkerLimits
        self.ingest_limits = WorkerLimits.from_env()

    @property
    def uploads_allowed(self) -> bool:
        return self.settings.allow_uploads and not getattr(self.store, "read_only", False)

    def check_write(self, token: str | None) -> None:
        """ServiceError unless writes are on and ``token`` is this server's write token."""
        if not self.settings.allow_uploads:
            raise ServiceError(403, Msg.UPLOADS_OFF)
        if not token or not hmac.compare_digest(token.encode("utf-8", "replace"), self.write_token.encode()):
            raise ServiceError(403, Msg.BAD_TOKEN)

    # lifecycle
    def start(self) -> None:
        self.endpoint.start()
        self._warming = threading.Event()
        threading.Thread(target=self._warm, daemon=True, name="reportkg-warm").start()

    def _warm(self) -> None:
        """Build the QA parser (lexicon, spaCy patterns) before the first question arrives."""
        try:
            from qa import ask
            ask("2024", store=self.store)
        except ImportError:
            log.warning("question answering (qa) is not importable; /api/ask will answer 503")
        finally:
            self._warming.set()

    def close(self) -> None:
        self.endpoint.close()

    # questions
    def ask(self, question: str, conversation_id: str | None = None) -> dict:
        for what, text in (("question", question), ("conversation id", conversation_id or "")):
            if not _valid_unicode(text):
                raise ServiceError(400, Msg.BAD_TEXT.format(what=what))
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise ServiceError(413, Msg.QUESTION_TOO_LONG.format(n=len(question), limit=limit))
        if self._warming is not None:
            # questions asked during the warm-up wait for its lexicon rather than build one each
            # (at 10,000 reports each build holds ~230 MB while it runs)
            self._warming.wait(timeout=300)
        if conversation_id:
            hit = self.conversations.get(conversation_id)
            if hit is None:
                raise ServiceError(404, Msg.UNKNOWN_CONVERSATION)
            conv, lock = hit
        else:
            conversation_id, conv, lock = self.conversations.new()
        with lock:                                   # one turn at a time per conversation
            ans = conv.ask(question)
        out = ans.to_json()
        out["conversation_id"] = conversation_id
        return out

    # figures: a bounded page at a time, never every figure in memory
    def figure_page(self, filters: dict[str, Any] | None = None, limit: int | None = None, offset: int = 0):
        """``kg.figures.FigurePage``: at most ``limit`` (default ``settings.figure_rows``) figures passing
        ``filters`` (filter name -> value or values, as labels people see), with how many pass."""
        from kg.figures import figure_page
        return figure_page(self.store, filters, limit=self.settings.figure_rows if limit is None else limit,
                           offset=offset)

    def iter_figures(self, filters: dict[str, Any] | None = None):
        """Every figure passing ``filters``, read in batches (for CSV export)."""
        from kg.figures import iter_figures
        return iter_figures(self.store, filters)

    def figure_choices(self, key: str, search: str | None = None, within: dict[str, Any] | None = None):
        """``kg.figures.Choices``: values to offer for one figure filter, at most ``settings.choices``
        (``search`` and ``within`` narrow them), and whether that is all of them."""
        from kg.figures import filter_choices
        if search or within:
            return filter_choices(self.store, key, search=search, within=within, limit=self.settings.choices)
        return self._cached(("figures", key), lambda: filter_choices(self.store, key, limit=self.settings.choices))

    # the graph view
    def entity_choices(self) -> list[tuple[str, str]]:
        """(label, IRI) of entities to start the graph view from: a bounded number of each kind."""
        from kg.graphview import entities
        per_kind = max(1, self.settings.choices // 6)
        return self._cached(("entities",), lambda: entities(self.store, per_kind=per_kind))

    def search_entities(self, text: str) -> list[tuple[str, str]]:
        """(label, IRI) of entities whose label or title contains ``text``, best match first (at most 50)."""
        from kg.graphview import search_entities
        return search_entities(self.store, text, limit=50)

    def entity_choice(self, iri: str) -> tuple[str, str] | None:
        """(label, IRI) of one entity, as the graph picker lists it; None when the store has no such entity."""
        from kg.graphview import _choices, describe
        try:
            found = _choices({k: v for k, v in describe(self.store, [iri]).items() if v[1] != "other"})
        except (TypeError, ValueError):
            return None
        return found[0] if found else None

    def neighbourhood(self, iri: str, radius: int = 1):
        from kg.graphview import neighbourhood
        return neighbourhood(self.store, iri, max(1, min(2, int(radius or 1))))

    def _cached(self, key: tuple, make):
        key = (getattr(self.store, "generation", 0),) + key
        hit = self._choices.get(key)
        if hit is None:
            if len(self._choices) > 64:
                self._choices.clear()
            hit = self._choices[key] = make()
        return hit

    # reports
    def reports_page(self, search: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
        """(at most ``limit`` reports whose title contains ``search``, how many there are in all)."""
        from ingest.stores import list_reports
        limit = self.settings.report_rows if limit is None else limit
        return list_reports(self.store, limit, offset, search), self.store.report_count(search)

    def remove_report(self, name: str) -> dict:
        """Remove the one report ``name`` designates (its id, IRI, file name or title). Raises ServiceError."""
        from ingest.stores import report_id
        from kg.store import StoreError
        if not self.settings.allow_uploads:
            raise ServiceError(403, Msg.UPLOADS_OFF)
        if getattr(self.store, "read_only", False):
            raise ServiceError(409, Msg.REMOVE_READ_ONLY)
        with self._ingest_lock:
            found = self.store.find_reports(name)
            if not found:
                raise ServiceError(404, Msg.NO_SUCH_REPORT.format(name=name))
            if len(found) > 1:
                raise ServiceError(409, Msg.AMBIGUOUS_REPORT.format(
                    name=name, n=len(found), ids=", ".join(map(report_id, found))))
            try:
                self.store.remove_report(found[0])
            except StoreError:
                raise ServiceError(500, Msg.STORE_FAILED) from None
        self.endpoint.invalidate()
        return {"report": found[0], "id": report_id(found[0]), "removed": True,
                "reports": self.store.report_count()}

    def report_count(self) -> int:
        return self.store.report_count()

    def ingest_upload(self, filename: str, data: bytes, progress=None) -> dict:
        """Ingest one uploaded report; atomic (a failure leaves the graph as it was). Raises ServiceError.

        The report is parsed, extracted and validated in a child process (``ingest.worker``), bounded in
        time and memory, so no upload holds this process's interpreter lock; only the load of its finished
        N-Triples happens here. ``progress(fraction, what)`` hears how far it got."""
        from ingest.document import decode_report
        from ingest.errors import IngestError
        from ingest.formats import kind_of, probe
        from ingest.pipeline import REPORT_SUFFIXES
        from ingest.worker import build_isolated
        from kg.store import StoreError

        if not self.settings.allow_uploads:
            raise ServiceError(403, Msg.UPLOADS_OFF)
        name = _safe_name(filename)
        if not name:
            raise ServiceError(400, Msg.UPLOAD_NO_NAME)
        if Path(name).suffix.lower() not in REPORT_SUFFIXES:
            raise ServiceError(415, Msg.UPLOAD_TYPE.format(suffixes="/".join(sorted(REPORT_SUFFIXES)), name=name))
        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            raise ServiceError(413, Msg.UPLOAD_TOO_BIG.format(size=len(data), limit=limit))
        if getattr(self.store, "read_only", False):
            raise ServiceError(409, Msg.STORE_READ_ONLY)
        if Path(name).suffix.lower() == ".pdf":
            # read in the worker (ingest.pdf); here only its signature is checked, so that text, an image or
            # an archive renamed .pdf is refused at once
            if not data.startswith(PDF_MAGIC):
                raise ServiceError(415, Msg.UPLOAD_NOT_PDF.format(suffixes="/".join(sorted(REPORT_SUFFIXES)),
                                                                  name=name))
        else:
            try:
                if kind_of(name) is not None:
                    probe(name, data)        # a page or a Word document: converted in the worker
                else:
                    decode_report(name, data)
            except IngestError as e:
                raise ServiceError(422, _ingest_message(e, name)) from None
        from ingest.to_rdf import report_iri
        from kg.namespaces import sparql_prefixes
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="reportkg-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            with self._ingest_lock:
                replaced = self.store.ask_query(sparql_prefixes() + "ASK { ?r a rk:Report }",
                                                {"r": _iri(report_iri(path))})
                try:
                    built = build_isolated(path, limits=self.ingest_limits, name=name,
                                           progress=progress or (lambda _f, _w: None))
                    self.store.replace_graph_ntriples(built.report, built.ntriples)
                except IngestError as e:
                    raise ServiceError(422, _ingest_message(e, name).replace(tmp + os.sep, "")) from None
                except StoreError:
                    raise ServiceError(500, Msg.STORE_FAILED) from None
        self.endpoint.invalidate()
        return {"report": built.report, "file": name, "replaced": replaced, "claims": built.claims,
                "figures": built.figures, "triples": built.triples,
                "milliseconds": round((time.perf_counter() - t0) * 1000)}

    def health(self) -> dict:
        kind = "remote" if hasattr(self.store, "query_url") else \
            ("memory" if getattr(self.store, "location", "") == ":memory:" else "embedded")
        lim = self.settings.limits
        return {"status": "ok", "reports": self.report_count(), "store": kind,
                "read_only": bool(getattr(self.store, "read_only", False)), "uploads": self.uploads_allowed,
                "conversations": len(self.conversations), "uptime_seconds": round(time.time() - self.started),
                "sparql": {"deadline_seconds": lim.deadline, "row_limit": lim.row_limit, "workers": lim.workers,
                           "cancelled": self.endpoint.cancelled}}


def _valid_unicode(text: str) -> bool:
    """False for text holding lone surrogates (JSON's "\\ud800"), which no response can encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _safe_name(filename: str | None) -> str:
    """The uploaded file's base name, with anything path-like or odd taken out (it names the report IRI)."""
    base = re.split(r"[\\/]", filename or "")[-1].strip().strip(".")
    base = re.sub(r"[^\w.\- ]+", "_", base)[:120]
    return base


def _iri(iri: str):
    import pyoxigraph as ox
    return ox.NamedNode(iri)


def _ingest_message(e: Exception, name: str) -> str:
    line = getattr(e, "line", None)
    detail = getattr(e, "detail", None) or str(e)
    return f"{name}{f':{line}' if line else ''}: {detail}"


# ----------------------------------------------------------------------------------- the app


def create_app(store=None, settings: Settings | None = None):
    """The ASGI app. ``store`` is a Store, a store spec (directory, ``:memory:``, endpoint URL) or None
    (``$REPORTKG_STORE`` or the per-user store, filled with the bundled report on first use)."""
    import gradio as gr
    from fastapi import FastAPI

    from ingest.stores import open_store
    from kg.store import Store

    from . import api
    from .app import CSS, build_blocks, theme

    settings = settings or Settings.from_env()
    if not isinstance(store, Store):
        store = open_store(store)
    services = Services(store, settings)
    # Gradio keeps every file posted to /gradio_api/upload (and its cache) under GRADIO_TEMP_DIR: a folder of
    # this app's own, removed when it stops, so nothing uploaded outlives the server
    uploads_dir = tempfile.mkdtemp(prefix="reportkg-gradio-")
    os.environ["GRADIO_TEMP_DIR"] = uploads_dir

    @asynccontextmanager
    async def lifespan(_app):
        services.start()
        try:
            yield
        finally:
            services.close()
            shutil.rmtree(uploads_dir, ignore_errors=True)

    app = FastAPI(title="reportkg", version=_version(), lifespan=lifespan, redoc_url=None,
                  description="Industry research reports as a cited knowledge graph: ask questions (JSON), "
                              "query the graph (SPARQL 1.1 Protocol, read-only), list figures and reports. "
                              "The chat UI is at `/`.")
    app.state.services = services
    api.install(app, services)
    blocks = build_blocks(services)
    blocks.queue(max_size=settings.queue_size, default_concurrency_limit=settings.ui_concurrency, api_open=False)
    app = gr.mount_gradio_app(
        app, blocks, path="/",
        allowed_paths=[],                       # serve no files beyond Gradio's own cache
        blocked_paths=[str(Path(getattr(store, "location", "")).resolve())] if not hasattr(store, "query_url")
        and getattr(store, "location", ":memory:") != ":memory:" else None,
        max_file_size=settings.max_upload_bytes,
        enable_monitoring=False, show_error=False, ssr_mode=False, mcp_server=False, pwa=False,
        footer_links=["api"], theme=theme(), css=CSS, root_path=settings.root_path or None,
    )
    api.install_middleware(app, settings)
    return app


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("reportkg")
    except Exception:  # not installed (running from a checkout)  # noqa: BLE001
        return "0"


def listen_socket(host: str, port: int):
    """A bound TCP socket for uvicorn. Made with ``IPPROTO_TCP`` spelled out: asyncio sets TCP_NODELAY
    only on sockets whose ``proto`` says TCP, and without it every response on a kept-alive connection
    (headers and body are two writes) waits ~40 ms for the client's delayed ACK."""
    import socket
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def _few_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own heap arena (up to 8 per core), and freed memory stays
    in them: the server's threads (uvicorn, Gradio, the SPARQL pool's drivers) held ~35 MB more at 10,000
    reports. Two arenas, as MALLOC_ARENA_MAX=2 would (set before any thread starts); a no-op off glibc."""
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)           # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def serve(host: str = "127.0.0.1", port: int = 7860, store=None, read_only: bool = False,
          allow_uploads: bool | None = None) -> int:
    """Run the app with uvicorn until interrupted (``reportkg serve``)."""
    import sys

    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    _few_malloc_arenas()
    # take the port before the slow start-up (store, Gradio), so "already in use" is said at once
    try:
        sock = listen_socket(host, port)
    except OSError as e:
        print(f"reportkg: cannot listen on {host}:{port}: {e.strerror or e} (is another server running?)",
              file=sys.stderr)
        return 1
    if read_only and not hasattr(store, "select"):
        from ingest.stores import open_store
        store = open_store(store, read_only=True)
    settings = Settings.from_env()
    if allow_uploads is not None:
        settings = replace(settings, allow_uploads=allow_uploads)
    app = create_app(store, settings)
    services: Services = app.state.services
    n = services.report_count()
    shown = f"[{host}]" if ":" in host else host
    print(f"reportkg: {n} report{'s' if n != 1 else ''} loaded; app and API on http://{shown}:{port}/ "
          f"(SPARQL at /sparql, API docs at /docs)", flush=True)
    if services.uploads_allowed:
        print("reportkg: uploads are on (the app's Reports tab; POST /api/reports with the header "
              f"X-Reportkg-Token: {services.write_token})", flush=True)
    else:
        print("reportkg: uploads are off (`reportkg serve --allow-uploads` turns them on)", flush=True)
    config = uvicorn.Config(app, log_level=os.environ.get("REPORTKG_LOG_LEVEL", "warning"), server_header=False,
                            timeout_graceful_shutdown=5, limit_concurrency=512, timeout_keep_alive=10)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
