"""Task loaders: one task's splits as plain rows (`TaskData`), read from a built dataset folder with `datasets`.

The benchmark task registry (`tasks.py`) names one loader per task."""
from __future__ import annotations

from pathlib import Path

from .types import TaskData


def _require_build(folder: Path) -> None:
    if not (folder / "data" / "manifest.json").exists():
        raise FileNotFoundError(f"no built dataset in {folder}: run `arnews-ds build` first")


def _rows(folder: Path, config: str, split: str) -> list[dict]:
    import datasets

    return datasets.load_dataset(str(folder), config, split=split).to_list()


def load_topic(folder: Path) -> TaskData:
    """Silver train/validation and the hand-labeled test split."""
    import datasets

    _require_build(folder)
    ds = datasets.load_dataset(str(folder), "topic")
    return TaskData("topic", ds["train"].to_list(), ds["validation"].to_list(), ds["test"].to_list(),
                    label_names=ds["train"].features["label"].names)


def load_headline(folder: Path) -> TaskData:
    """Published titles as references, plus the hand-written ones of `headline_refs` (test)."""
    import datasets

    _require_build(folder)
    ds = datasets.load_dataset(str(folder), "headline")
    refs = {}
    if "headline_refs" in datasets.get_dataset_config_names(str(folder)):
        refs = {r["id"]: r["references"] for r in _rows(folder, "headline_refs", "test")}
    return TaskData("headline", ds["train"].to_list(), ds["validation"].to_list(), ds["test"].to_list(),
                    references=refs)


def load_retrieval(folder: Path) -> TaskData:
    """Corpus, judged queries and qrels; training articles as (title, body) pairs. Without judgments every
    validation/test article is a query, so run files exist for later pooling."""
    import datasets

    _require_build(folder)
    corpus = _rows(folder, "corpus", "corpus")
    articles = datasets.load_dataset(str(folder), "articles", split="full")
    train = [{"_id": r["id"], "title": r["title"], "text": r["body"]} for r in articles if r["split"] == "train"]
    queries: dict[str, list[dict]] = {}
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    if "qrels" in datasets.get_dataset_config_names(str(folder)):
        for split, rows in datasets.load_dataset(str(folder), "qrels").items():
            for r in rows:
                qrels.setdefault(split, {}).setdefault(r["query-id"], {})[r["corpus-id"]] = r["score"]
        queries = {s: d.to_list() for s, d in datasets.load_dataset(str(folder), "queries").items()}
    else:
        for r in articles:
            if r["split"] in ("validation", "test"):
                text = f"{r['title']}\n\n{r['body']}" if r["title"] else r["body"]
                queries.setdefault(r["split"], []).append({"_id": r["id"], "text": text})
    return TaskData("retrieval", train, queries.get("validation", []), queries.get("test", []), corpus=corpus,
                    queries=queries, qrels=qrels)
