"""Annotation files (DESIGN §7): load, validate, and join them to articles. Pure data in `annotations/`."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from .adjudication import GOLD_METHODS, Reading, Resolution, resolve
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


# Rows made under an older version count only where the new version did not change their meaning (GUIDELINES §4).
CURRENT_GUIDELINES = "2.0"
STABLE_V1_GRADES = frozenset({"0", "2"})  # related 1.0 grades whose definition 2.0 kept


def _readings(rows: list[dict[str, str]], file: str, key: tuple[str, ...], value: str) -> list[Reading]:
    out = []
    for i, row in enumerate(rows, start=2):
        if row["method"] not in GOLD_METHODS:
            raise AnnotationError(f"{file}:{i}: gold rows must be method manual or manual-adjudicated, got "
                                  f"{row['method']}")
        out.append(Reading(tuple(row[c] for c in key), row[value], row["annotator"], row["method"]))
    return out


def _resolve(readings: list[Reading], file: str) -> Resolution:
    try:
        return resolve(readings)
    except ValueError as e:
        raise AnnotationError(f"{file}: {e}") from None


def resolve_qrels(root: Path = ANNOTATIONS) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """((query_id, doc_id) -> gold grade, counts): 2.0 judgments, adjudicated where they disagree; a pair judged
    only under 1.0 keeps its grade when 1.0's readings agree on 0 or 2 (meanings 2.0 kept); 1.0 grade-1 pairs
    without a 2.0 judgment are left out (`stale_v1`), as are open disagreements (`open`)."""
    rows = read_table(root / "related_qrels.tsv", QREL_COLUMNS, "\t")
    for i, row in enumerate(rows, start=2):
        if row["grade"] not in ("0", "1", "2"):
            raise AnnotationError(f"related_qrels.tsv:{i}: grade must be 0, 1 or 2")
    current = [r for r in rows if r.get("guidelines") == CURRENT_GUIDELINES]
    judged_now = {(r["query_id"], r["doc_id"]) for r in current}
    old: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        if r.get("guidelines") != CURRENT_GUIDELINES and (r["query_id"], r["doc_id"]) not in judged_now:
            old.setdefault((r["query_id"], r["doc_id"]), set()).add(r["grade"])
    res = _resolve(_readings(current, "related_qrels.tsv", ("query_id", "doc_id"), "grade"), "related_qrels.tsv")
    gold = {k: int(v) for k, v in res.gold.items()}
    stale = 0
    for pair, grades in old.items():
        if len(grades) == 1 and grades <= STABLE_V1_GRADES:
            gold[pair] = int(next(iter(grades)))
        else:
            stale += 1
    # Where pool files exist, the released queries are the pools' (replaced queries keep their rows as history).
    pooled = pooled_queries(root)
    if pooled is not None:
        gold = {pair: g for pair, g in gold.items() if pair[0] in pooled}
    counts = {"pairs": len(gold), "open": len(res.open), "stale_v1": stale, **dict(res.how),
              "kept_v1": sum(1 for pair in gold if pair not in res.gold)}
    return dict(sorted(gold.items())), counts


def pooled_queries(root: Path = ANNOTATIONS) -> set[str] | None:
    """Query ids of every pool file's `queries` (schema 2), or None without pool files."""
    files = [root / name for name in POOL_FILES.values() if (root / name).exists()]
    if not files:
        return None
    return {q for f in files for q in json.loads(f.read_text(encoding="utf-8"))["queries"]}


def load_qrels(root: Path = ANNOTATIONS) -> dict[tuple[str, str], int]:
    """(query_id, doc_id) -> gold grade (see `resolve_qrels`)."""
    return resolve_qrels(root)[0]


def resolve_topic_gold(root: Path = ANNOTATIONS, labels: list[str] | None = None) -> tuple[dict[str, str], dict]:
    """(id -> gold label under the current guidelines, counts): adjudicated where readings disagree; 1.0 rows are
    history (1.0 had no rules for the hard cases) and never enter."""
    labels = labels or [l.slug for l in load_taxonomy(root)]
    rows = read_table(root / "topic_gold.tsv", ("id", "label", "annotator", "method"), "\t")
    for i, row in enumerate(rows, start=2):
        if row["label"] not in labels:
            raise AnnotationError(f"topic_gold.tsv:{i}: unknown label {row['label']!r}")
    current = [r for r in rows if r.get("guidelines") == CURRENT_GUIDELINES]
    res = _resolve(_readings(current, "topic_gold.tsv", ("id",), "label"), "topic_gold.tsv")
    return {k[0]: v for k, v in res.gold.items()}, {"items": len(res.gold), "open": len(res.open), **dict(res.how)}


def load_topic_gold(root: Path = ANNOTATIONS, labels: list[str] | None = None) -> dict[str, str]:
    """id -> gold topic label (see `resolve_topic_gold`)."""
    return resolve_topic_gold(root, labels)[0]


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
                            # schema 2 (pooling.py) keeps {name: note} under `systems`, v1 under `system_notes`
                            "systems": pool["systems"] if pool.get("schema") == 2 else pool["system_notes"]}
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
