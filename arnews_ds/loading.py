"""Reading a built dataset: `arnews_ds.load(config)` (the local build, else the Hub release at `revision`),
`built_rows` (one parquet file as rows, no `datasets` cache) and `duplicate_alias`."""
from __future__ import annotations

from pathlib import Path

from .paths import HUB_REPO_ID, PACKAGE_DIR  # noqa: F401 - HUB_REPO_ID: public here (mteb.py)
from .version import __version__


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


def built_rows(config: str, split: str, folder: Path = PACKAGE_DIR) -> list[dict]:
    """Rows of one built parquet file (fast, no `datasets` cache); FileNotFoundError before a build."""
    import pyarrow.parquet as pq

    path = folder / "data" / config / f"{split}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"no built {config}/{split} in {folder}: run `arnews-ds build` first")
    return pq.read_table(path).to_pylist()


def duplicate_alias(folder: Path = PACKAGE_DIR) -> dict[str, str]:
    """Merged-away article id -> its representative, from the build's `data/duplicates.tsv`."""
    lines = (folder / "data" / "duplicates.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {member: rep for rep, member, _ in (line.split("\t") for line in lines)}
