"""Annotation files (DESIGN §7): load, validate, and join them to articles. Pure data in `annotations/`."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from .paths import ANNOTATIONS
UNMAPPED = "unmapped"
WHOLE_OUTLET = "*"  # a category_map row that covers every article of a single-topic outlet
PURITY_FLOOR = 0.70


class AnnotationError(ValueError):
    """An annotation file breaks its schema (unknown label, duplicate key, unknown id, ...)."""


@dataclass(frozen=True)
class Label:
    slug: str
    ar: str
    en: str
    definition: str


def load_taxonomy(root: Path = ANNOTATIONS) -> list[Label]:
    import yaml

    data = yaml.safe_load((root / "taxonomy.yaml").read_text(encoding="utf-8"))
    labels = [Label(d["slug"], d["ar"], d["en"], " ".join(d["definition"].split())) for d in data["labels"]]
    slugs = [l.slug for l in labels]
    if len(set(slugs)) != len(slugs) or not 6 <= len(slugs) <= 10:
        raise AnnotationError(f"taxonomy.yaml: need 6-10 unique labels, got {slugs}")
    return labels


def read_table(path: Path, required: tuple[str, ...], delimiter: str) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
    missing = [c for c in required if rows and c not in rows[0]]
    if missing:
        raise AnnotationError(f"{path.name}: missing columns {missing}")
    for i, row in enumerate(rows, start=2):
        if not row.get("annotator") or not row.get("method"):
            raise AnnotationError(f"{path.name}:{i}: every row needs annotator and method")
    return rows


MAP_COLUMNS = ("corpus", "outlet", "source_category", "candidate_label", "purity", "n_read", "label", "sample_ids",
               "annotator", "method")


def load_category_map(root: Path = ANNOTATIONS, labels: list[str] | None = None) -> dict[tuple[str, str, str], str]:
    """(corpus, outlet, source_category) -> label or `unmapped`; checks purity floor and duplicate keys."""
    labels = labels or [l.slug for l in load_taxonomy(root)]
    out: dict[tuple[str, str, str], str] = {}
    for i, row in enumerate(read_table(root / "category_map.csv", MAP_COLUMNS, ","), start=2):
        key = (row["corpus"], row["outlet"], row["source_category"])
        if key in out:
            raise AnnotationError(f"category_map.csv:{i}: duplicate key {key}")
        label = row["label"]
        if label != UNMAPPED and label not in labels:
            raise AnnotationError(f"category_map.csv:{i}: unknown label {label!r}")
        if label != UNMAPPED and float(row["purity"]) < PURITY_FLOOR:
            raise AnnotationError(f"category_map.csv:{i}: {key} mapped with purity {row['purity']} < {PURITY_FLOOR}")
        out[key] = label
    return out


# Geographic desks file articles of every subject (e.g. France 24 files most sport under internationalNews too):
# when an article also carries a subject desk, the subject desk's label wins.
BROAD_CATEGORIES = frozenset({"internationalNews", "middleEast", "localNews"})


def silver_topic(corpus: str, outlet: str, categories, cmap: dict[tuple[str, str, str], str]) -> str | None:
    """The mapped label when the article's categories agree on exactly one; None when unmapped or conflicting."""
    def labels(cats) -> set[str]:
        found = {cmap.get((corpus, outlet, c), UNMAPPED) for c in cats}
        found.add(cmap.get((corpus, outlet, WHOLE_OUTLET), UNMAPPED))
        found.discard(UNMAPPED)
        return found

    found = labels(categories)
    if len(found) > 1:
        found = labels([c for c in categories if c not in BROAD_CATEGORIES]) or found
    return found.pop() if len(found) == 1 else None


EXCLUSION_COLUMNS = ("id", "task", "reason", "annotator", "method")


def load_exclusions(root: Path = ANNOTATIONS) -> dict[str, dict[str, str]]:
    """task -> {id: reason}; task `all` applies to every config."""
    out: dict[str, dict[str, str]] = {}
    for i, row in enumerate(read_table(root / "exclusions.tsv", EXCLUSION_COLUMNS, "\t"), start=2):
        bucket = out.setdefault(row["task"], {})
        if row["id"] in bucket:
            raise AnnotationError(f"exclusions.tsv:{i}: duplicate ({row['id']}, {row['task']})")
        bucket[row["id"]] = row["reason"]
    return out


QREL_COLUMNS = ("query_id", "doc_id", "grade", "annotator", "method")
# The committed pool of each judged split (ids, systems, depth; no text), written by `arnews-ds pool`.
POOL_FILES = {"test": "related_pool.json", "validation": "related_pool_validation.json"}


def load_qrels(root: Path = ANNOTATIONS) -> dict[tuple[str, str], int]:
    """(query_id, doc_id) -> grade from the manual judgments; a pair judged by several annotators gets the mean
    grade rounded half down (agreement is reported separately); silver rows never enter."""
    by_pair: dict[tuple[str, str], dict[str, int]] = {}
    for i, row in enumerate(read_table(root / "related_qrels.tsv", QREL_COLUMNS, "\t"), start=2):
        if row["method"] != "manual":
            raise AnnotationError(f"related_qrels.tsv:{i}: gold judgments must be method=manual, got {row['method']}")
        grade = int(row["grade"])
        if grade not in (0, 1, 2):
            raise AnnotationError(f"related_qrels.tsv:{i}: grade must be 0, 1 or 2")
        judges = by_pair.setdefault((row["query_id"], row["doc_id"]), {})
        if row["annotator"] in judges:
            raise AnnotationError(f"related_qrels.tsv:{i}: duplicate judgment by {row['annotator']}")
        judges[row["annotator"]] = grade
    return {pair: _mean_half_down(list(g.values())) for pair, g in sorted(by_pair.items())}


def _mean_half_down(grades: list[int]) -> int:
    """Mean rounded to the nearest integer, halves down: ceil(mean - 1/2) in integer arithmetic."""
    n = len(grades)
    return -((n - 2 * sum(grades)) // (2 * n))


def load_topic_gold(root: Path = ANNOTATIONS, labels: list[str] | None = None) -> tuple[dict[str, str], int]:
    """(id -> gold label for items whose annotators all agree, number of items left out for disagreement)."""
    labels = labels or [l.slug for l in load_taxonomy(root)]
    by_id: dict[str, dict[str, str]] = {}
    for i, row in enumerate(read_table(root / "topic_gold.tsv", ("id", "label", "annotator", "method"), "\t"), start=2):
        if row["method"] != "manual":
            raise AnnotationError(f"topic_gold.tsv:{i}: gold labels must be method=manual, got {row['method']}")
        if row["label"] not in labels:
            raise AnnotationError(f"topic_gold.tsv:{i}: unknown label {row['label']!r}")
        judges = by_id.setdefault(row["id"], {})
        if row["annotator"] in judges:
            raise AnnotationError(f"topic_gold.tsv:{i}: duplicate label by {row['annotator']}")
        judges[row["annotator"]] = row["label"]
    agreed = {i: next(iter(set(j.values()))) for i, j in by_id.items() if len(set(j.values())) == 1}
    return dict(sorted(agreed.items())), len(by_id) - len(agreed)


def load_headline_refs(root: Path = ANNOTATIONS) -> dict[str, list[str]]:
    """id -> hand-written reference headlines (manual only), in annotator order."""
    out: dict[str, dict[str, str]] = {}
    for i, row in enumerate(read_table(root / "headline_refs.tsv", ("id", "reference", "annotator", "method"), "\t"),
                            start=2):
        if row["method"] != "manual":
            raise AnnotationError(f"headline_refs.tsv:{i}: references must be method=manual")
        judges = out.setdefault(row["id"], {})
        if row["annotator"] in judges:
            raise AnnotationError(f"headline_refs.tsv:{i}: duplicate reference by {row['annotator']}")
        judges[row["annotator"]] = row["reference"]
    return {i: [j[a] for a in sorted(j)] for i, j in sorted(out.items())}


def pool_stats(root: Path = ANNOTATIONS) -> dict[str, dict]:
    """Per judged split: queries (minus those pooled but not judged), depth, pooled pairs and systems, for the card."""
    pools = {}
    for split, name in POOL_FILES.items():
        if (root / name).exists():
            pool = json.loads((root / name).read_text(encoding="utf-8"))
            excluded = pool.get("excluded_queries", {})
            pools[split] = {"queries": len(pool["queries"]) - len(excluded), "excluded_queries": excluded,
                            "depth": pool["depth"],
                            "pooled_pairs": sum(len(v) for q, v in pool["pools"].items() if q not in excluded),
                            "systems": pool["system_notes"]}
    return pools


# ---- re-keying: annotations made on an article since merged into a duplicate cluster follow its representative ----

def follow(by_id: dict, alias: dict[str, str]) -> dict:
    """Re-key annotations of merged-away duplicates to their representative; the representative's own wins."""
    out = {alias.get(i, i): v for i, v in by_id.items() if i in alias}
    out.update({i: v for i, v in by_id.items() if i not in alias})
    return dict(sorted(out.items()))


def follow_qrels(qrels: dict[tuple[str, str], int], alias: dict[str, str]) -> dict[tuple[str, str], int]:
    """`follow` for judgments: both ids re-keyed; two judgments landing on one pair keep the higher grade (the
    documents are copies of each other); a document that became its own query is dropped."""
    out: dict[tuple[str, str], int] = {}
    for (q, d), grade in qrels.items():
        pair = (alias.get(q, q), alias.get(d, d))
        if pair[0] != pair[1]:
            out[pair] = max(grade, out.get(pair, grade))
    return dict(sorted(out.items()))
