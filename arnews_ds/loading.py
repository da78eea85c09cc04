"""`arnews_ds.load(config)`: the local build when there is one, else the Hub release at `revision`."""
from __future__ import annotations

from .build import PACKAGE_DIR
from .version import __version__

HUB_REPO_ID = "arnews/arnews_ds"


def load(config: str = "topic", revision: str | None = None, **kwargs):
    """`datasets.load_dataset` for one config, from any working directory.

    With `revision=None` and a local build (`arnews-ds build`), the package folder is loaded; otherwise the Hub
    dataset `HUB_REPO_ID` at `revision` (default: this package's version tag).
    """
    import datasets

    if revision is None and (PACKAGE_DIR / "README.md").exists() and (PACKAGE_DIR / "data").is_dir():
        return datasets.load_dataset(str(PACKAGE_DIR), config, **kwargs)
    return datasets.load_dataset(HUB_REPO_ID, config, revision=revision or f"v{__version__}", **kwargs)
