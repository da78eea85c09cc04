import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    config.addinivalue_line("markers", "integration: reads the real raw mirror (../shared/raw)")


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The real raw mirror; CI always has it, so a missing mirror is a failure, not a skip."""
    path = Path(os.environ.get("ARNEWS_MIRROR") or REPO.parent / "shared" / "raw").resolve()
    assert (path / "saudinewsnet").is_dir(), f"raw mirror not found at {path} (set ARNEWS_MIRROR)"
    return path


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path_factory, monkeypatch):
    """Point every HF / arnews cache at a temp folder so tests never touch the user's caches."""
    root = tmp_path_factory.getbasetemp() / "caches"
    monkeypatch.setenv("HF_HOME", str(root / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(root / "hf" / "datasets"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
