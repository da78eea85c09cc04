"""MTEB tasks over the dataset: related-article retrieval and topic classification (mteb >= 2.0).

    import mteb, arnews_ds.mteb
    results = mteb.evaluate(mteb.get_model("mteb/baseline-random-encoder"), arnews_ds.mteb.tasks())

Both tasks read the local build (`arnews-ds build`), another built folder, or the Hub release at a pinned
revision, the way `arnews_ds.load` does. mteb is an optional dependency (`pip install -e ".[mteb]"`) and is
imported only when tasks are made, so `import arnews_ds.mteb` stays light and works without it.
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .loading import HUB_REPO_ID
from .loading import source as default_source
from .version import __version__

MISSING_MTEB = 'arnews_ds.mteb needs mteb >= 2.0: pip install -e ".[mteb]"'
HUB_URL = f"https://huggingface.co/datasets/{HUB_REPO_ID}"

# TaskMetadata fields both tasks share. The card lists the per-source licenses; one value cannot say it.
_COMMON = dict(
    category="t2t",
    modalities=["text"],
    eval_langs=["ara-Arab"],
    reference=HUB_URL,
    domains=["News", "Written"],
    license=HUB_URL,
    dialect=[],
    sample_creation="found",
    bibtex_citation="",  # the sources' citations are in the card; the dataset has no paper of its own yet
)


@dataclass(frozen=True)
class Source:
    """Where a task reads the configs: a built dataset folder (revision None) or a Hub repo at a revision."""

    path: str
    revision: str | None

    def load(self, config: str, split: str | None = None):
        import datasets

        return datasets.load_dataset(self.path, config, split=split, revision=self.revision)

    def metadata_revision(self) -> str:
        """The revision mteb records with results; a local build is named by the hash of its manifest."""
        if self.revision is not None:
            return self.revision
        manifest = Path(self.path) / "data" / "manifest.json"
        if not manifest.is_file():
            raise FileNotFoundError(f"no built dataset in {self.path}: run `arnews-ds build` first")
        return "local-" + hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]


def tasks(path: str | os.PathLike | None = None, revision: str | None = None) -> list:
    """[related-article retrieval, topic classification] as mteb tasks.

    `path`: a built dataset folder; default: the package's own build, or, without one (or with `revision`), the
    Hub release at `revision` (default: this package's version tag `v<version>`).
    """
    src = Source(os.fspath(path), None) if path is not None else Source(*default_source(revision))
    retrieval, topic = _task_classes()
    return [retrieval(src), topic(src)]


class _FromSource:
    """What both tasks share: bound to a `Source` when made; `load_data` fills `dataset` from `read()` once."""

    def __init__(self, src: Source, **kwargs) -> None:
        self.source = src
        # The class metadata names the Hub release; an instance records where it really reads.
        self.metadata = self.metadata.model_copy(
            update={"dataset": {"path": src.path, "revision": src.metadata_revision()}})
        super().__init__(**kwargs)

    def load_data(self, num_proc: int | None = None, **kwargs) -> None:
        if not self.data_loaded:
            self.dataset = self.read()
            self.data_loaded = True


def graded_qrels(rows) -> dict[str, dict[str, int]]:
    """query id -> {corpus id: grade} of every judged query.

    Our metric and mteb both average over every judged query (one whose every document is graded 0 scores 0), so
    the two averages agree.
    """
    qrels: dict[str, dict[str, int]] = {}
    for r in rows:
        qrels.setdefault(r["query-id"], {})[r["corpus-id"]] = int(r["score"])
    return qrels


def _topic_text(row: dict) -> dict:
    """Title and body as one input, as the topic baselines read them."""
    return {"text": f"{row['title']}\n{row['text']}" if row["title"] else row["text"]}


@functools.cache
def _task_classes() -> tuple[type, type]:
    """The task classes, made on first use so that mteb is imported only then."""
    try:
        from datasets import DatasetDict
        from mteb.abstasks import AbsTaskClassification, AbsTaskRetrieval
        from mteb.abstasks.task_metadata import TaskMetadata
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(MISSING_MTEB) from exc

    def make_metadata(**fields) -> TaskMetadata:
        return TaskMetadata(dataset={"path": HUB_REPO_ID, "revision": f"v{__version__}"}, **_COMMON, **fields)

    class ArNewsRelatedArticleRetrieval(_FromSource, AbsTaskRetrieval):
        metadata = make_metadata(
            name="ArNewsRelatedArticleRetrieval",
            description="Given an Arabic news article (title, blank line, body), retrieve the articles of the "
            "corpus that report the same story or event (grade 2) or related background (grade 1). Pooled "
            "judgments, each made on its own by the project's annotators (language-model agents; see the card). "
            "The query article itself is in the corpus and is ignored in its ranking.",
            type="Retrieval",
            eval_splits=["test"],
            main_score="ndcg_at_10",
            task_subtypes=["Article retrieval"],
            annotations_creators="LM-generated",
        )
        # Query ids are corpus ids (DESIGN §8): mteb drops each query's own id from its results before scoring.
        ignore_identical_ids = True

        def read(self) -> dict:
            corpus = self.source.load("corpus", "corpus").rename_column("_id", "id")
            splits = {}
            for split in self.eval_splits:
                qrels = graded_qrels(self.source.load("qrels", split))
                queries = self.source.load("queries", split).rename_column("_id", "id")
                queries = queries.select([i for i, q in enumerate(queries["id"]) if q in qrels])
                splits[split] = {"corpus": corpus, "queries": queries, "relevant_docs": qrels, "top_ranked": None}
            return {"default": splits}

    class ArNewsTopicClassification(_FromSource, AbsTaskClassification):
        metadata = make_metadata(
            name="ArNewsTopicClassification",
            description="Classify an Arabic news article (title and body) into a unified topic taxonomy. "
            "Training labels are mapped from the sources' editorial categories; every test label was read and "
            "decided by hand.",
            type="Classification",
            eval_splits=["test"],
            main_score="f1",  # macro-F1, the benchmark's main topic metric
            task_subtypes=["Topic classification"],
            annotations_creators="derived",
        )

        def read(self):
            return DatasetDict({
                split: self.source.load("topic", split).map(_topic_text).select_columns(["text", "label"])
                for split in (self.train_split, *self.eval_splits)})

        def _calculate_scores(self, y_test, y_pred) -> dict:
            """mteb's scores without average precision. mteb takes an eval split that happens to hold two
            classes for a binary task and computes AP with positive label 1, which raises unless those two
            label ids are 0 and 1; this task is multi-class, where mteb reports no AP anyway."""
            from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

            scores = {"accuracy": accuracy_score(y_test, y_pred), "ap": None, "ap_weighted": None}
            for name, metric in (("f1", f1_score), ("precision", precision_score), ("recall", recall_score)):
                scores[name] = metric(y_test, y_pred, average="macro")
                scores[f"{name}_weighted"] = metric(y_test, y_pred, average="weighted")
            return scores

    return ArNewsRelatedArticleRetrieval, ArNewsTopicClassification
