"""`arnews_ds.load(config)`: the local build when there is one, else the Hub release at `revision`."""
from __future__ import annotations

from .build import PACKAGE_DIR
from .version import __version__

HUB_REPO_ID = "arnews/arnews_ds"


def source(revision: str | None = None) -> tuple[str, str | None]:
    """(path, revision) that `load` reads: the package folder when it holds a build and no revision is asked,
    else the Hub dataset `HUB_REPO_ID` at `revision` (default: this package's version tag)."""
    if revision is None and (PACKAGE_DIR / "README.md").exists() and (PACKAGE_DIR / "data").is_dir():
        return str(PACKAGE_DIR), None
    return HUB_REPO_ID, revision or f"v{__version__}"


def load(config: str = "topic", revision: str | None = None, **kwargs):
    """`datasets.load_dataset` for one config, from any working directory (see `source`)."""
    import datasets

    path, revision = source(revision)
    return datasets.load_dataset(path, config, revision=revision, **kwargs)
