"""One typed settings object; its hash is stored with every answer so answers can be reproduced."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pydantic import BaseModel, Field

HOME_ENV = "MEDBRIEF_HOME"
SHARED_ENV = "MEDBRIEF_SHARED"


def default_home() -> Path:
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "medbrief"


def default_shared() -> Path:
    """Where the real shared data lives (tests and benchmarks only): ``MEDBRIEF_SHARED`` or ../shared."""
    env = os.environ.get(SHARED_ENV)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[3] / "shared"


class RetrievalSettings(BaseModel):
    label_passages: int = 12
    guideline_candidates: int = 60
    research_candidates: int = 60
    max_sentences_per_tier: int = 5
    max_research_records: int = 4
    recency_half_life_years: float = 12.0


class Settings(BaseModel):
    """Everything that changes what ``ask`` answers. Paths are not part of the hash."""

    home: Path = Field(default_factory=default_home)
    # Chosen by measurement (docs/benchmarks.md): same ranking as fts5, 25-100x faster searches.
    search_backend: str = "bm25s"
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)

    @property
    def db_path(self) -> Path:
        return self.home / "medbrief.sqlite3"

    def settings_hash(self) -> str:
        payload = self.model_dump(mode="json", exclude={"home"})
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
