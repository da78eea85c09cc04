"""`arnews-ds annotate`: export batches for annotators, import their judgments, report agreement (DESIGN §7).

Batches go to the git-ignored `annotations/batches/`; they carry the article text an annotator needs (never
committed). Judgments come back as TSV and are validated, then appended to the committed gold files with
`annotator` and `method`. Only `method=manual` rows (an annotator read the item and decided it) enter gold files.
"""
from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from pathlib import Path

from . import annotations as ann
from .paths import ANNOTATIONS, BATCHES

GUIDELINES_VERSION = ann.CURRENT_GUIDELINES
SNIPPET = 700  # characters of body shown for topic and related judgments: enough to decide, quick to read

# task -> (gold file, columns, key columns)
GOLD = {
    "topic": ("topic_gold.tsv", ("id", "label", "annotator", "method", "guidelines", "note"), ("id",)),
    "headline": ("headline_refs.tsv", ("id", "reference", "annotator", "method", "guidelines", "note"), ("id",)),
    "related": ("related_qrels.tsv", ("query_id", "doc_id", "grade", "duplicate", "annotator", "method", "guidelines",
                                      "note"), ("query_id", "doc_id")),
}
OPTIONAL = {"note"}  # may be empty


class ImportError_(ValueError):
    """A judgments file that cannot be imported; the message names the file and line."""


def _snippet(text: str, n: int = SNIPPET) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


def sample_topic(articles: list[dict], topic_rows: list[dict], label_names: list[str], per_label: int,
                 no_category_outlet: str, n_outlet: int, seed: int) -> list[dict]:
    """Test items stratified by silver label (the label is NOT exported) plus test articles of an outlet without
    editorial categories; shuffled so annotators cannot infer the stratum from the order."""
    rng = random.Random(seed)
    by_label: dict[int, list[str]] = defaultdict(list)
    for r in sorted(topic_rows, key=lambda r: r["id"]):
        by_label[r["label"]].append(r["id"])
    chosen: list[str] = []
    for label in range(len(label_names)):
        ids = by_label.get(label, [])
        chosen += rng.sample(ids, min(per_label, len(ids)))
    pool = sorted(a["id"] for a in articles if a["outlet"] == no_category_outlet and a["split"] == "test"
                  and a["id"] not in set(chosen))
    chosen += rng.sample(pool, min(n_outlet, len(pool)))
    rng.shuffle(chosen)
    by_id = {a["id"]: a for a in articles}
    return [{"id": i, "outlet": by_id[i]["outlet"], "title": by_id[i]["title"], "text": _snippet(by_id[i]["body"])}
            for i in chosen]


def sample_headline(headline_rows: list[dict], n: int, seed: int) -> list[dict]:
    """Test articles for a second, hand-written headline: the body only (the published title is withheld)."""
    rng = random.Random(seed)
    rows = sorted((r for r in headline_rows if 300 <= len(r["text"]) <= 4000), key=lambda r: r["id"])
    return [{"id": r["id"], "outlet": r["outlet"], "text": _snippet(r["text"], 1500)} for r in rng.sample(rows, n)]


def write_batches(items: list[dict], name: str, size: int, folder: Path = BATCHES) -> list[Path]:
    """Write items as JSON Lines batches of `size` into `folder` (annotations/batches/, git-ignored)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(0, len(items), size):
        path = folder / f"{name}-{k // size:03d}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items[k:k + size]), encoding="utf-8")
        paths.append(path)
    return paths


def read_gold(task: str, root: Path = ANNOTATIONS) -> list[dict]:
    name, cols, _ = GOLD[task]
    return ann.read_table(root / name, tuple(c for c in cols if c not in OPTIONAL), "\t")


def validate(task: str, rows: list[dict], known_ids: set[str] | None, label_names: list[str], source: str) -> None:
    """Schema, known ids (unless None), labels/grades, manual-only, no duplicate (key, annotator)."""
    name, cols, key = GOLD[task]
    seen = set()
    for i, row in enumerate(rows, start=2):
        where = f"{source}:{i}"
        missing = [c for c in cols if c not in OPTIONAL and (c not in row or row[c] in (None, ""))]
        if missing:
            raise ImportError_(f"{where}: missing {missing}")
        if row["method"] != "manual":
            raise ImportError_(f"{where}: gold files take method=manual only (got {row['method']}); silver labels "
                               "belong elsewhere")
        for c in ("id", "query_id", "doc_id"):
            if known_ids is not None and c in row and row[c] not in known_ids:
                raise ImportError_(f"{where}: unknown article id {row[c]}")
        if task == "topic" and row["label"] not in label_names:
            raise ImportError_(f"{where}: unknown label {row['label']!r}")
        if task == "related":
            if row["grade"] not in ("0", "1", "2") or row["duplicate"] not in ("0", "1"):
                raise ImportError_(f"{where}: grade must be 0/1/2 and duplicate 0/1")
            if row["query_id"] == row["doc_id"]:
                raise ImportError_(f"{where}: a query cannot be judged against itself")
        if task == "headline" and not row["reference"].strip():
            raise ImportError_(f"{where}: empty reference headline")
        k = tuple(row[c] for c in key) + (row["annotator"],)
        if k in seen:
            raise ImportError_(f"{where}: duplicate judgment {k}")
        seen.add(k)


def import_rows(task: str, new: list[dict], known_ids: set[str], label_names: list[str], source: str,
                root: Path = ANNOTATIONS) -> int:
    """Validate `new` together with the existing gold rows and append them; returns the number appended."""
    name, cols, _ = GOLD[task]
    existing = read_gold(task, root)
    for row in new:
        row["note"] = (row.get("note") or "").replace("\t", " ").strip()
    validate(task, new, known_ids, label_names, source)
    # Committed rows may name articles since merged into a duplicate cluster (the build maps them to the
    # representative), so against them only a repeated (key, annotator) is an error.
    validate(task, existing + new, None, label_names, f"{name} + {source} (row)")
    path = root / name
    write_header = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        if write_header:
            w.writeheader()
        w.writerows(new)
    return len(new)


def read_judgments(path: Path) -> list[dict]:
    """A judgments TSV as rows; `guidelines` and `duplicate` default to the current guidelines and 0."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        r.setdefault("guidelines", GUIDELINES_VERSION)
        r.setdefault("duplicate", "0")
    return rows


def export_items(task: str, folder: Path, label_names: list[str], per_label: int, outlet: str, sample: int,
                 seed: int) -> list[dict]:
    """The items of a topic or headline annotation batch, from the built dataset in `folder`."""
    from .loading import built_rows

    if task == "topic":
        return sample_topic(built_rows("articles", "full", folder), built_rows("topic", "test", folder), label_names,
                            per_label, outlet, sample, seed)
    if task == "headline":
        return sample_headline(built_rows("headline", "test", folder), sample, seed)
    raise ValueError(f"unknown annotation task {task!r} (related batches come from `pooling`)")


def cohen_kappa(a: list, b: list, weights: str | None = None, categories: list | None = None) -> float:
    """Cohen's kappa (unweighted, or `linear`/`quadratic` weighted for ordinal grades)."""
    cats = categories or sorted(set(a) | set(b))
    idx = {c: i for i, c in enumerate(cats)}
    k, n = len(cats), len(a)
    obs = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b):
        obs[idx[x]][idx[y]] += 1
    pa = [sum(obs[i]) / n for i in range(k)]
    pb = [sum(obs[i][j] for i in range(k)) / n for j in range(k)]

    def w(i: int, j: int) -> float:
        if weights == "linear":
            return abs(i - j) / (k - 1)
        if weights == "quadratic":
            return ((i - j) / (k - 1)) ** 2
        return 0.0 if i == j else 1.0

    observed = sum(w(i, j) * obs[i][j] / n for i in range(k) for j in range(k))
    expected = sum(w(i, j) * pa[i] * pb[j] for i in range(k) for j in range(k))
    return 1.0 if expected == 0 else 1 - observed / expected


def pairs_by_key(rows: list[dict], key: tuple[str, ...], value: str) -> list[tuple[str, str]]:
    """(first annotator's value, second annotator's value) for keys judged by at least two annotators."""
    by: dict[tuple, dict[str, str]] = defaultdict(dict)
    for r in rows:
        by[tuple(r[c] for c in key)][r["annotator"]] = r[value]
    out = []
    for k in sorted(by):
        judges = sorted(by[k])
        if len(judges) >= 2:
            out.append((by[k][judges[0]], by[k][judges[1]]))
    return out


def _current(rows: list[dict]) -> list[dict]:
    """The independent readings agreement is about: manual rows of the current guidelines (no adjudications)."""
    return [r for r in rows if r["method"] == "manual" and r.get("guidelines") == ann.CURRENT_GUIDELINES]


def agreement(root: Path = ANNOTATIONS) -> dict:
    """Cohen's kappa (topic), weighted kappa (related grades) between the two blind readings of the current
    guidelines, reference-vs-reference ROUGE (headlines)."""
    report: dict = {}
    topic = pairs_by_key(_current(read_gold("topic", root)), ("id",), "label")
    if topic:
        a, b = zip(*topic)
        report["topic"] = {"double_labeled": len(topic), "raw_agreement": sum(x == y for x, y in topic) / len(topic),
                           "cohen_kappa": cohen_kappa(list(a), list(b))}
    related = pairs_by_key(_current(read_gold("related", root)), ("query_id", "doc_id"), "grade")
    if related:
        a, b = zip(*related)
        report["related"] = {"double_judged_pairs": len(related),
                             "raw_agreement": sum(x == y for x, y in related) / len(related),
                             "weighted_kappa_linear": cohen_kappa(list(a), list(b), "linear", ["0", "1", "2"]),
                             "weighted_kappa_quadratic": cohen_kappa(list(a), list(b), "quadratic", ["0", "1", "2"])}
    refs = pairs_by_key(read_gold("headline", root), ("id",), "reference")
    if refs:
        from .metrics.scores import headline_scores

        s = headline_scores([x for x, _ in refs], [y for _, y in refs])
        report["headline"] = {"double_written": len(refs), **{k: s[k] for k in ("rouge1", "rouge2", "rougeL") if k in s}}
    return report
