"""`arnews-ds publish`: upload the built dataset folder to the Hub and tag it with the dataset version.

Both runs `verify` first and refuse on any finding. `--dry-run` then does everything that needs no network: loads
every config with `datasets`, checks the card metadata and the tag, and lists the files that would be uploaded.
The token comes from `HF_TOKEN` and is never printed.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .paths import PACKAGE_DIR
from .version import __version__

# Only the dataset folder's own files go up: the card, its figures and the data (never the Python package).
# fnmatch patterns as `upload_folder(allow_patterns=...)` reads them: `*` also matches `/`.
UPLOAD_PATTERNS = ["README.md", "croissant.json", "figures/*.png", "data/*"]
REQUIRED_METADATA = ("pretty_name", "language", "license", "task_categories", "task_ids", "size_categories",
                     "annotations_creators", "configs", "dataset_info")


class PublishError(RuntimeError):
    pass


def card_problems(folder: Path) -> list[str]:
    import yaml

    text = (folder / "README.md").read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not m:
        return ["README.md has no YAML metadata block"]
    meta = yaml.safe_load(m.group(1))
    problems = [f"card metadata lacks {k}" for k in REQUIRED_METADATA if not meta.get(k)]
    for cfg in meta.get("configs", []):
        for df in cfg["data_files"]:
            if not (folder / df["path"]).exists():
                problems.append(f"config {cfg['config_name']}: missing {df['path']}")
    return problems


def files_to_upload(folder: Path) -> list[str]:
    """The files `upload_folder` will send, matched exactly as it matches them."""
    from fnmatch import fnmatch

    files = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(f for f in files if any(fnmatch(f, pat) for pat in UPLOAD_PATTERNS))


def check_loads(folder: Path) -> dict[str, dict[str, int]]:
    """Load every config the card declares with `datasets.load_dataset`: config -> split -> rows."""
    import datasets

    names = datasets.get_dataset_config_names(str(folder))
    return {name: {s: len(d) for s, d in datasets.load_dataset(str(folder), name).items()} for name in names}


def publish(repo_id: str, tag: str, folder: Path = PACKAGE_DIR, dry_run: bool = False, **verify_paths) -> list[str]:
    """Verify, validate and upload `folder` (dry run: everything but the upload); `verify_paths` go to `verify`."""
    from .verify import verify

    if tag != f"v{__version__}":
        raise PublishError(f"tag {tag} does not match the dataset version v{__version__} (arnews_ds/version.py)")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo_id):
        raise PublishError(f"repo id {repo_id!r} is not ORG/NAME")
    findings = verify(folder, **verify_paths)
    if findings:
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise PublishError(f"refused: verify found {len(findings)} problem(s): {findings[0]}{more}; "
                           "run `arnews-ds verify` to see them all")
    problems = card_problems(folder)
    if problems:
        raise PublishError("; ".join(problems))
    check_loads(folder)
    files = files_to_upload(folder)
    if dry_run:
        return files
    token = os.environ.get("HF_TOKEN")
    if not token:
        raise PublishError("HF_TOKEN is not set")
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(folder), allow_patterns=UPLOAD_PATTERNS,
                      commit_message=f"arnews_ds {tag}")
    api.create_tag(repo_id, tag=tag, repo_type="dataset", tag_message=f"arnews_ds dataset {tag}")
    return files
