"""Where the tests find the project, its own fixtures and the shared data (../shared, or LLM_TWIN_SHARED_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
SHARED_PAGES_DIR = SHARED_DIR / "fixtures" / "pages"
SHARED_WAREHOUSE_DIR = SHARED_DIR / "data" / "handbook" / "data_warehouse_raw_data"
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"
OWN_PAGES_DIR = FIXTURES_DIR / "pages"  # small pages written for the tests, in the shared pages' layout
