"""Where everything lives: the repository's folders, the raw cache, the Hub repo (one home for paths, like
ir_datasets' `util`). Stdlib only, so every module can import it without pulling anything else in."""
from __future__ import annotations

import os
from pathlib import Path

from .version import __version__

PACKAGE_DIR = Path(__file__).resolve().parent  # also the built dataset folder: README.md + data/ (git-ignored)
REPO_ROOT = PACKAGE_DIR.parent
ANNOTATIONS = REPO_ROOT / "annotations"
BATCHES = ANNOTATIONS / "batches"  # annotation batches quote article text: git-ignored
SPLITS_DIR = REPO_ROOT / "splits" / f"v{__version__.split('.')[0]}"
RESULTS_DIR = REPO_ROOT / "results"
DATASET_CARD = REPO_ROOT / "DATASET_CARD.md"  # the hand-written body of the Hub card
EXPECTED_STATS = PACKAGE_DIR / "expected_stats.json"
LOCK_PATH = PACKAGE_DIR / "sources" / "lock.json"
RELEASES_DIR = REPO_ROOT / "releases"  # one record per published version (releases.py)
CHANGELOG = REPO_ROOT / "CHANGELOG.md"
HUB_REPO_ID = "arnews/arnews_ds"


def cache_dir() -> Path:
    """`$ARNEWS_HOME/raw`, else the platform's user cache dir (`~/.cache/arnews_ds/raw` on Linux)."""
    home = os.environ.get("ARNEWS_HOME")
    if home:
        return Path(home).expanduser() / "raw"
    import platformdirs  # only needed for the fallback

    return Path(platformdirs.user_cache_dir("arnews_ds")) / "raw"


def raw_source(raw_dir: str | os.PathLike | None = None) -> Path:
    """Where raw files are read from: an explicit folder, else `$ARNEWS_MIRROR`, else the fetched cache."""
    chosen = raw_dir or os.environ.get("ARNEWS_MIRROR")
    return Path(chosen) if chosen else cache_dir()
