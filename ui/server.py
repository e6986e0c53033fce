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
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Hardening that must precede the first gradio import anywhere in the process.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from kg.endpoint import Endpoint, Limits  # noqa: E402

log = logging.getLogger("reportkg.serve")


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
    frame_ancestors: str = "*"                    # REPORTKG_FRAME_ANCESTORS: pages allowed to embed the app
    root_path: str = ""                           # REPORTKG_ROOT_PATH: the app's path behind a reverse proxy

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
            root_path=os.environ.get("REPORTKG_ROOT_PATH", d.root_path).rstrip("/"),
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
    UPLOAD_TYPE = "only report text can be uploaded: a {suffixes} file (got {name!r})"
    UPLOAD_TOO_BIG = "the file is {size:,} bytes, above the {limit:,}-byte upload limit"
    UPLOAD_NO_NAME = "the upload has no file name"
    STORE_READ_ONLY = "the store is read-only here (another process holds it), so reports cannot be added"
    STORE_FAILED = "the report could not be written to the store"


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
        self._figures: tuple[int, list[dict]] | None = None
        self.started = time.time()

    # lifecycle
    def start(self) -> None:
        self.endpoint.start()
        threading.Thread(target=self._warm, daemon=True, name="reportkg-warm").start()

    def _warm(self) -> None:
        """Build the QA parser (lexicon, spaCy patterns) before the first question arrives."""
        try:
            from qa import ask
            ask("2024", store=self.store)
        except ImportError:
            log.warning("question answering (qa) is not importable; /api/ask will answer 503")

    def close(self) -> None:
        self.endpoint.close()

    # questions
    def ask(self, question: str, conversation_id: str | None = None) -> dict:
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise ServiceError(413, Msg.QUESTION_TOO_LONG.format(n=len(question), limit=limit))
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

    # figures
    def figures(self) -> list[dict]:
        from kg.figures import figure_rows
        gen = getattr(self.store, "generation", 0)
        if self._figures is None or self._figures[0] != gen:
            self._figures = (gen, figure_rows(self.store))
        return self._figures[1]

    def figures_filtered(self, **filters: Any) -> list[dict]:
        """Rows whose column equals the filter value (as text; several values comma-separated)."""
        rows = self.figures()
        for key, want in filters.items():
            if want in (None, "", []):
                continue
            wanted = {str(w) for w in (want if isinstance(want, (list, tuple, set)) else str(want).split(","))}
            rows = [r for r in rows if str(r.get(key, "")) in wanted]
        return rows

    # reports
    def reports(self) -> list[dict]:
        return self.store.reports()

    def ingest_upload(self, filename: str, data: bytes) -> dict:
        """Ingest one uploaded report; atomic (a failure leaves the graph as it was). Raises ServiceError."""
        from ingest.document import decode_report
        from ingest.errors import IngestError
        from ingest.pipeline import REPORT_SUFFIXES, ingest_file
        from kg.store import StoreError

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
        try:
            decode_report(name, data)
        except IngestError as e:
            raise ServiceError(422, _ingest_message(e, name)) from None
        before = {r["report"] for r in self.reports()}
        with tempfile.TemporaryDirectory(prefix="reportkg-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            with self._ingest_lock:
                try:
                    res = ingest_file(self.store, path)
                except IngestError as e:
                    raise ServiceError(422, _ingest_message(e, name).replace(tmp + os.sep, "")) from None
                except StoreError:
                    raise ServiceError(500, Msg.STORE_FAILED) from None
        self.endpoint.invalidate()
        return {"report": res.report, "file": name, "replaced": res.report in before, "claims": res.claims,
                "figures": res.figures, "triples": res.triples, "milliseconds": round(res.seconds * 1000)}

    def health(self) -> dict:
        kind = "remote" if hasattr(self.store, "query_url") else \
            ("memory" if getattr(self.store, "location", "") == ":memory:" else "embedded")
        lim = self.settings.limits
        return {"status": "ok", "reports": len(self.reports()), "store": kind,
                "read_only": bool(getattr(self.store, "read_only", False)),
                "conversations": len(self.conversations), "uptime_seconds": round(time.time() - self.started),
                "sparql": {"deadline_seconds": lim.deadline, "row_limit": lim.row_limit, "workers": lim.workers,
                           "cancelled": self.endpoint.cancelled}}


def _safe_name(filename: str | None) -> str:
    """The uploaded file's base name, with anything path-like or odd taken out (it names the report IRI)."""
    base = re.split(r"[\\/]", filename or "")[-1].strip().strip(".")
    base = re.sub(r"[^\w.\- ]+", "_", base)[:120]
    return base


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

    from kg.store import Store, open_store

    from . import api
    from .app import CSS, build_blocks, theme

    settings = settings or Settings.from_env()
    if not isinstance(store, Store):
        store = open_store(store)
    services = Services(store, settings)

    @asynccontextmanager
    async def lifespan(_app):
        services.start()
        try:
            yield
        finally:
            services.close()

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


def serve(host: str = "127.0.0.1", port: int = 7860, store=None) -> int:
    """Run the app with uvicorn until interrupted (``reportkg serve``)."""
    import sys

    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # take the port before the slow start-up (store, Gradio), so "already in use" is said at once
    try:
        sock = listen_socket(host, port)
    except OSError as e:
        print(f"reportkg: cannot listen on {host}:{port}: {e.strerror or e} (is another server running?)",
              file=sys.stderr)
        return 1
    app = create_app(store)
    services: Services = app.state.services
    n = len(services.reports())
    shown = f"[{host}]" if ":" in host else host
    print(f"reportkg: {n} report{'s' if n != 1 else ''} loaded; app and API on http://{shown}:{port}/ "
          f"(SPARQL at /sparql, API docs at /docs)", flush=True)
    config = uvicorn.Config(app, log_level=os.environ.get("REPORTKG_LOG_LEVEL", "warning"), server_header=False,
                            timeout_graceful_shutdown=5, limit_concurrency=512, timeout_keep_alive=10)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
