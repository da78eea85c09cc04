"""`arnews-ds build`: verified raw cache + annotations + frozen splits -> parquet per config/split, card, manifest.

Pure table making (`make_tables`) sits between two I/O edges (`build` reads, `write_dataset` writes).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import annotations as ann
from .record import Article
from .tasks import TASKS, features
from .version import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SPLITS_DIR = REPO_ROOT / "splits" / f"v{__version__.split('.')[0]}"
EXPECTED_STATS = PACKAGE_DIR / "expected_stats.json"


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
    """Rows of every config; raises BuildError when a kept article has no split (run scripts/make_splits.py).

    `queries`/`qrels` are built only when judgments exist; a query takes its own article's split."""
    missing = [a.id for a in articles if a.id not in assignment]
    if missing:
        raise BuildError(f"{len(missing)} article ids have no split assignment (e.g. {missing[0]}): "
                         "run `python scripts/make_splits.py` to assign new ids")
    qrels, topic_gold, headline_refs = qrels or {}, topic_gold or {}, headline_refs or {}
    have = {"queries": bool(qrels), "qrels": bool(qrels), "headline_refs": bool(headline_refs)}
    rows: dict[str, dict[str, list[dict]]] = {name: {s: [] for s in spec.splits} for name, spec in TASKS.items()
                                              if have.get(name, True)}
    topic_stats = Counter()
    silver_vs_gold: dict[str, dict[str, int]] = {}
    for a in sorted(articles, key=lambda a: a.id):
        split = assignment[a.id]
        rows["articles"]["full"].append(_article_row(a, split))
        rows["corpus"]["corpus"].append({"_id": a.id, "title": a.title, "text": a.body})
        label = ann.silver_topic(a.corpus, a.outlet, a.source_categories, cmap)
        if label is not None and a.id not in exclusions.get("topic", {}):
            rows["topic"][split].append({"id": a.id, "title": a.title, "text": a.body,
                                         "label": label_names.index(label), "outlet": a.outlet})
        elif label is None and any(cmap.get((a.corpus, a.outlet, c), ann.UNMAPPED) != ann.UNMAPPED
                                   for c in (*a.source_categories, ann.WHOLE_OUTLET)):
            topic_stats["conflicting_labels"] += 1
        if a.id in topic_gold:
            if split != "test":
                raise BuildError(f"topic_gold.tsv labels {a.id}, a {split} article: gold labels are for test only")
            rows["topic"]["test_verified"].append({"id": a.id, "title": a.title, "text": a.body,
                                                   "label": label_names.index(topic_gold[a.id]), "outlet": a.outlet})
            # Label-noise estimate per source category: does the category's mapped label match the gold label?
            for cat in (*a.source_categories, ann.WHOLE_OUTLET):
                mapped = cmap.get((a.corpus, a.outlet, cat))
                if mapped is None and cat == ann.WHOLE_OUTLET and a.source_categories:
                    continue
                entry = silver_vs_gold.setdefault(f"{a.corpus}/{a.outlet}/{cat}", {"gold": 0, "mapped_to": mapped or "-",
                                                                                   "agree": 0})
                entry["gold"] += 1
                entry["agree"] += mapped == topic_gold[a.id]
        if a.title and a.id not in exclusions.get("headline", {}):
            rows["headline"][split].append({"id": a.id, "text": a.body, "headline": a.title, "outlet": a.outlet})
            if a.id in headline_refs and split == "test":
                rows["headline_refs"]["test"].append({"id": a.id, "text": a.body, "headline": a.title,
                                                      "references": headline_refs[a.id], "outlet": a.outlet})
    if qrels:
        _add_retrieval_judgments(rows, articles, assignment, qrels)
    # `datasets` cannot read an empty parquet file, so a split without rows is left out of its config.
    rows = {config: {s: r for s, r in splits.items() if r} for config, splits in rows.items()}
    return Tables(rows, label_names, {"topic_conflicting_labels": topic_stats["conflicting_labels"],
                                      "silver_vs_gold": dict(sorted(silver_vs_gold.items()))})


def _add_retrieval_judgments(rows, articles: list[Article], assignment: dict[str, str],
                             qrels: dict[tuple[str, str], int]) -> None:
    by_id = {a.id: a for a in articles}
    unknown = sorted({q for q, _ in qrels if q not in by_id})
    if unknown:
        raise BuildError(f"related_qrels.tsv has {len(unknown)} queries that are not kept articles (e.g. {unknown[0]})")
    # A judged document that no longer is an article (e.g. its body was only page furniture) leaves the pool.
    qrels = {pair: g for pair, g in qrels.items() if pair[1] in by_id}
    for qid in sorted({q for q, _ in qrels}):
        split = assignment[qid]
        if split not in rows["queries"]:
            raise BuildError(f"query {qid} is a {split} article; judged queries must come from validation or test")
        a = by_id[qid]
        rows["queries"][split].append({"_id": qid, "text": f"{a.title}\n\n{a.body}" if a.title else a.body})
    for (qid, did), grade in qrels.items():
        rows["qrels"][assignment[qid]].append({"query-id": qid, "corpus-id": did, "score": grade})


def table_stats(tables: Tables) -> dict:
    """Counts per config/split, per label (topic) and per corpus/outlet (articles): the committed expectations."""
    out: dict = {"version": __version__, "configs": {}}
    for config, splits in tables.rows.items():
        out["configs"][config] = {s: len(r) for s, r in splits.items()}
    out["qrels_grades"] = {
        s: dict(sorted(Counter(str(r["score"]) for r in rs).items())) for s, rs in tables.rows.get("qrels", {}).items()
    }
    out["topic_labels"] = {
        s: dict(sorted(Counter(tables.label_names[r["label"]] for r in rs).items()))
        for s, rs in tables.rows["topic"].items()
    }
    arts = tables.rows["articles"]["full"]
    out["outlets"] = dict(sorted(Counter(f"{r['corpus']}/{r['outlet']}/{r['split']}" for r in arts).items()))
    out.update(tables.stats)
    return out


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


def human_ceiling(rows: list[dict]) -> dict:
    """Hand-written references scored as predictions against the published titles: the human-vs-human ceiling of
    the headline task, and the overlap check (a reference must never copy the title it did not see)."""
    if not rows:
        return {}
    from .metrics.scores import headline_scores

    refs = [r["references"][0] for r in rows]
    titles = [r["headline"] for r in rows]
    per_item = [headline_scores([ref], [title])["rougeL"] for ref, title in zip(refs, titles)]
    scores = headline_scores(refs, titles)
    return {"n": len(rows), **{k: round(scores[k], 2) for k in ("rouge1", "rouge2", "rougeL", "chrf", "bleu")},
            "identical_to_title": sum(ref.strip() == t.strip() for ref, t in zip(refs, titles)),
            "rougeL_over_80": sum(x > 80 for x in per_item)}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_dataset(tables: Tables, out: Path) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """Write one parquet file per config/split (rows sorted by id, fixed compression).

    Returns (path -> sha256, config -> split -> in-memory bytes for the card's `dataset_info`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest, nbytes = {}, {}
    for config, splits in tables.rows.items():
        schema = features(TASKS[config], tables.label_names).arrow_schema
        for split, rows in splits.items():
            path = out / "data" / config / f"{split}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pylist(rows, schema=schema)
            pq.write_table(table, path, compression="zstd", row_group_size=10_000)
            manifest[str(path.relative_to(out))] = sha256_file(path)
            nbytes.setdefault(config, {})[split] = table.nbytes
    return manifest, nbytes


@dataclass
class BuildResult:
    out: Path
    stats: dict
    manifest: dict
    accounting: str


def _clear(folder: Path) -> None:
    import shutil

    if folder.exists():
        shutil.rmtree(folder)


def build(raw: Path, out: Path = PACKAGE_DIR, progress: bool = True, update_expected: bool = False,
          annotations: Path = ann.ANNOTATIONS, splits_dir: Path = SPLITS_DIR,
          expected_stats: Path = EXPECTED_STATS, results_dir: Path | None = None) -> BuildResult:
    """Ingest -> dedup -> annotations + splits -> parquet, card, figures, manifest in `out`."""
    from .dedup import cluster_records, find_clusters
    from .figures import render_figures
    from .croissant import croissant_metadata, write_croissant
    from .ingest import default_workers, format_accounting, ingest, move_out, raw_files
    from .splits import manifest_hash, read_assignment

    steps = ["ingest", "dedup", "tables", "write"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="build", unit="step")

    def step(name: str) -> None:
        if bar:
            bar.set_postfix_str(name)
            bar.update(1)

    result = ingest(raw_files(raw), progress=progress, workers=default_workers())
    step("ingest")
    clusters = find_clusters(result.articles)
    exclusions = ann.load_exclusions(annotations)
    moved = {i: "duplicates" for i, k in clusters.link_of.items() if k != "self"}
    moved |= {i: "excluded" for i in exclusions.get("all", {}) if i not in moved}
    kept = move_out(result, moved)
    step("dedup")
    labels = ann.load_taxonomy(annotations)
    label_names = [l.slug for l in labels]
    topic_gold, topic_disagreed = ann.load_topic_gold(annotations, label_names)
    # Annotations made on an article that is now merged into a duplicate cluster follow it to the representative.
    alias = {i: rep for i, rep in clusters.cluster_of.items() if i != rep}
    tables = make_tables(kept, read_assignment(splits_dir), ann.load_category_map(annotations, label_names),
                         label_names, exclusions, follow_qrels(ann.load_qrels(annotations), alias),
                         follow(topic_gold, alias), follow(ann.load_headline_refs(annotations), alias))
    stats = table_stats(tables)
    stats["dedup"] = {"exact_merged": clusters.n_exact_merged, "near_merged": clusters.n_near_merged,
                      "clusters": len(clusters.clusters)}
    stats["balanced"] = result.balanced
    stats["topic_gold_disagreed"] = topic_disagreed
    from .annotate import agreement

    stats["agreement"] = agreement(annotations)
    pools = {}
    for split, name in ann.POOL_FILES.items():
        if (annotations / name).exists():
            pool = json.loads((annotations / name).read_text(encoding="utf-8"))
            excluded = pool.get("excluded_queries", {})
            pools[split] = {"queries": len(pool["queries"]) - len(excluded), "excluded_queries": excluded,
                            "depth": pool["depth"],
                            "pooled_pairs": sum(len(v) for q, v in pool["pools"].items() if q not in excluded),
                            "systems": pool["system_notes"]}
    if pools:
        stats["related_pool"] = pools
    stats["headline_human_ceiling"] = human_ceiling(tables.rows.get("headline_refs", {}).get("test", []))
    accounting = format_accounting(result)
    step("tables")
    for sub in ("data", "figures"):
        _clear(out / sub)
    data_files, nbytes = write_dataset(tables, out)
    # Generated metadata like the card: not in the manifest, uploaded by `publish`.
    write_croissant(out, croissant_metadata(stats, data_files, label_names))
    figures = render_figures(stats, tables.rows["articles"]["full"], out / "figures")
    dup_rows = cluster_records(clusters)
    dup_path = out / "data" / "duplicates.tsv"
    dup_path.write_text("representative_id\tmember_id\tkind\n" + "".join(
        f"{r['representative_id']}\t{r['member_id']}\t{r['kind']}\n" for r in dup_rows), encoding="utf-8")
    data_files[str(dup_path.relative_to(out))] = sha256_file(dup_path)
    manifest = {"version": __version__, "splits_manifest_sha256": manifest_hash(splits_dir),
                "files": dict(sorted(data_files.items())), "stats": stats, "label_names": label_names,
                "nbytes": nbytes, "accounting": accounting, "figures": figures}
    (out / "data" / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    write_card(out, results_dir)
    if update_expected:
        expected_stats.write_text(json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    step("write")
    if bar:
        bar.close()
    return BuildResult(out, stats, manifest, accounting)


def built_rows(config: str, split: str, folder: Path = PACKAGE_DIR) -> list[dict]:
    """Rows of one built parquet file (fast, no `datasets` cache); FileNotFoundError before a build."""
    import pyarrow.parquet as pq

    path = folder / "data" / config / f"{split}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"no built {config}/{split} in {folder}: run `arnews-ds build` first")
    return pq.read_table(path).to_pylist()


def write_card(out: Path = PACKAGE_DIR, results_dir: Path | None = None) -> Path:
    """(Re)render `<out>/README.md` from the build manifest, DATASET_CARD.md and the committed results leaderboard;
    `arnews-ds card` calls this after baseline runs so the leaderboard shows without a rebuild."""
    from .baselines.runner import RESULTS_DIR, leaderboard, load_leaderboard
    from .card import card_metadata, render_card, render_tables

    manifest = json.loads((out / "data" / "manifest.json").read_text(encoding="utf-8"))
    stats = manifest["stats"]
    rows = leaderboard(results_dir or RESULTS_DIR)
    board = ""
    if rows:
        board = ("## Leaderboard (test split)\n\nScores of the baselines in `results/`, produced by "
                 "`python scripts/baseline.py --task T --model M` on the splits and dataset version shown.\n\n"
                 + load_leaderboard(results_dir or RESULTS_DIR) + "\n")
    bias = (results_dir or RESULTS_DIR) / "retrieval" / "pool_bias.json"
    if bias.exists():
        from .metrics.pool_bias import POOL_BIAS_INTRO, format_pool_bias

        board += ("\n### Retrieval pool bias (leave one system out)\n\n" + POOL_BIAS_INTRO + "\n\n"
                  + format_pool_bias(json.loads(bias.read_text(encoding="utf-8"))) + "\n")
    body = (REPO_ROOT / "DATASET_CARD.md").read_text(encoding="utf-8")
    tables = render_tables(stats, manifest["accounting"], manifest["figures"])
    card = render_card(card_metadata(stats, manifest["label_names"], manifest["nbytes"]), body, board + "\n" + tables)
    path = out / "README.md"
    path.write_text(card, encoding="utf-8")
    return path
