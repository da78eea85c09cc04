"""The rows of every HF config, made from kept articles, annotations and the frozen split assignment (pure).

`make_tables` is the one place that decides which article enters which config and split (DESIGN §8).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import annotations as ann
from .configs import CONFIGS
from .record import Article


class BuildError(RuntimeError):
    """The inputs cannot make a valid dataset (missing split assignment, bad annotation, ...)."""


@dataclass
class Tables:
    rows: dict[str, dict[str, list[dict]]]  # config -> split -> rows (sorted by id)
    label_names: list[str]
    stats: dict = field(default_factory=dict)


def _article_row(a: Article, split: str) -> dict:
    d = a.to_dict()
    del d["related"], d["provenance"]
    d["split"] = split
    return d


def make_tables(articles: list[Article], assignment: dict[str, str], cmap: dict, label_names: list[str],
                exclusions: dict[str, dict[str, str]], qrels: dict[tuple[str, str], int] | None = None,
                topic_gold: dict[str, str] | None = None, headline_refs: dict[str, list[str]] | None = None) -> Tables:
    """Rows of every config; raises BuildError when a kept article has no split (run `arnews-ds splits`).

    `queries`/`qrels` are built only when judgments exist; a query takes its own article's split."""
    missing = [a.id for a in articles if a.id not in assignment]
    if missing:
        raise BuildError(f"{len(missing)} article ids have no split assignment (e.g. {missing[0]}): "
                         "run `arnews-ds splits` to assign new ids")
    qrels, topic_gold, headline_refs = qrels or {}, topic_gold or {}, headline_refs or {}
    have = {"queries": bool(qrels), "qrels": bool(qrels), "headline_refs": bool(headline_refs)}
    rows: dict[str, dict[str, list[dict]]] = {name: {s: [] for s in spec.splits} for name, spec in CONFIGS.items()
                                              if have.get(name, True)}
    conflicting = 0
    for a in sorted(articles, key=lambda a: a.id):
        split = assignment[a.id]
        rows["articles"]["full"].append(_article_row(a, split))
        rows["corpus"]["corpus"].append({"_id": a.id, "title": a.title, "text": a.body})
        label = ann.silver_topic(a.corpus, a.outlet, a.source_categories, cmap)
        if a.id in topic_gold and split != "test":
            raise BuildError(f"topic_gold.tsv labels {a.id}, a {split} article: gold labels are for test only")
        if split == "test":  # the test label is the hand-made gold one; silver labels train and select only
            label = topic_gold.get(a.id)
        elif label is None and any(cmap.get((a.corpus, a.outlet, c), ann.UNMAPPED) != ann.UNMAPPED
                                   for c in (*a.source_categories, ann.WHOLE_OUTLET)):
            conflicting += 1
        if label is not None and a.id not in exclusions.get("topic", {}):
            rows["topic"][split].append({"id": a.id, "title": a.title, "text": a.body,
                                         "label": label_names.index(label), "outlet": a.outlet})
        if a.title and a.id not in exclusions.get("headline", {}):
            rows["headline"][split].append({"id": a.id, "text": a.body, "headline": a.title, "outlet": a.outlet})
            if a.id in headline_refs and split == "test":
                rows["headline_refs"]["test"].append({"id": a.id, "text": a.body, "headline": a.title,
                                                      "references": headline_refs[a.id], "outlet": a.outlet})
    if qrels:
        _add_retrieval_judgments(rows, articles, assignment, qrels)
    # `datasets` cannot read an empty parquet file, so a split without rows is left out of its config.
    rows = {config: {s: r for s, r in splits.items() if r} for config, splits in rows.items()}
    return Tables(rows, label_names, {"topic_conflicting_labels": conflicting})


def _add_retrieval_judgments(rows, articles: list[Article], assignment: dict[str, str],
                             qrels: dict[tuple[str, str], int]) -> None:
    by_id = {a.id: a for a in articles}
    unknown = sorted({q for q, _ in qrels if q not in by_id})
    if unknown:
        raise BuildError(f"related_qrels.tsv has {len(unknown)} queries that are not kept articles (e.g. {unknown[0]})")
    # A judged document that no longer is an article (e.g. its body was only page furniture) leaves the pool, and
    # a query without any document graded >= 1 is not released (the pool replaces it; issue rule, see the card).
    qrels = {pair: g for pair, g in qrels.items() if pair[1] in by_id}
    relevant = {q for (q, _), g in qrels.items() if g >= 1}
    qrels = {pair: g for pair, g in qrels.items() if pair[0] in relevant}
    for qid in sorted({q for q, _ in qrels}):
        split = assignment[qid]
        if split not in rows["queries"]:
            raise BuildError(f"query {qid} is a {split} article; judged queries must come from validation or test")
        a = by_id[qid]
        rows["queries"][split].append({"_id": qid, "text": f"{a.title}\n\n{a.body}" if a.title else a.body})
    for (qid, did), grade in qrels.items():
        rows["qrels"][assignment[qid]].append({"query-id": qid, "corpus-id": did, "score": grade})
