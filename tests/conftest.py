"""Shared fixtures: real reports, real stores (embedded Oxigraph in a temp dir)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "reports" / "cic-global-ai-inference-chips-2026.md"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
ALL_REPORTS = [SEED] + sorted(FIXTURES.glob("*.md"))

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A store holding only the seed report (session-wide, read by many tests)."""
    from ingest.pipeline import ingest_file
    from kg.store import open_store
    store = open_store(str(tmp_path_factory.mktemp("seed-store")))
    ingest_file(store, SEED)
    return store


@pytest.fixture(scope="session")
def multi_store(tmp_path_factory):
    """The seed plus the three fixture reports of other industries."""
    from ingest.pipeline import ingest_file
    from kg.store import open_store
    store = open_store(str(tmp_path_factory.mktemp("multi-store")))
    for p in ALL_REPORTS:
        ingest_file(store, p)
    return store


@pytest.fixture
def empty_store(tmp_path):
    from kg.store import open_store
    return open_store(str(tmp_path / "store"))
