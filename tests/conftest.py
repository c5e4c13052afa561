"""Shared test fixtures: an isolated MEDBRIEF_HOME per test and the real shared data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from medbrief.settings import HOME_ENV, default_shared

FIXTURES = Path(__file__).parent / "fixtures"


def shared_path() -> Path:
    return default_shared()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if (shared_path() / "data").is_dir():
        return
    if os.environ.get("CI") == "true":
        # In CI the shared data must be there: a missing folder is an error, not a skip.
        return
    skip = pytest.mark.skip(reason=f"shared data not found at {shared_path()} (set MEDBRIEF_SHARED)")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty medbrief home for one test (the only state the CLI uses)."""
    path = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(path))
    yield path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_path() / "data"
    if not path.is_dir():
        pytest.fail(f"shared data missing at {path}; set MEDBRIEF_SHARED to the shared folder")
    return path


@pytest.fixture(scope="session")
def shared_store_path(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once per test session by ingesting all of ../shared/data."""
    from medbrief.ingest import ingest_paths
    from medbrief.store import open_store

    path = tmp_path_factory.mktemp("shared-store") / "medbrief.sqlite3"
    store = open_store(path)
    report = ingest_paths(store, [shared_data])
    store.close()
    assert report.counts["ingested"] > 0, report.summary()
    return path


@pytest.fixture(scope="session")
def shared_engine(shared_store_path: Path):  # type: ignore[no-untyped-def]
    from medbrief.compose.answerer import Engine
    from medbrief.store import open_store

    store = open_store(shared_store_path)
    yield Engine(store)
    store.close()
