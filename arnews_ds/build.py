"""`arnews-ds build`: raw files + annotations + frozen splits -> one dataset folder (DESIGN §8).

`prepare` computes everything in memory (ingest, dedup, annotation joins, tables, stats); `write_build` writes it all
into the one `out` folder it is given (parquet per config/split, duplicates, manifest, Croissant, figures, card) and
touches nothing else; `build` runs both and, on request, rewrites the committed expected stats.

`build` reads only the files of the lock, each checked before parsing (`rawfiles.py`); holds `out`'s build lock and
writes into a staging folder swapped in at the end (`atomic.py`), so a second build exits at once and an interrupted
one leaves the previous build whole. Released articles (the newest record in `releases/` of the same major version)
stay their duplicate clusters' representatives.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import annotations as ann
from .configs import CONFIGS, features
from .engines import Engine
from .loading import built_rows  # noqa: F401 - public: rows of a built parquet file
from .lock import file_sha256
from .paths import ANNOTATIONS, EXPECTED_STATS, PACKAGE_DIR, RELEASES_DIR, SPLITS_DIR
from .tables import BuildError, Tables, make_tables  # noqa: F401 - public names of the build
from .version import __version__


@dataclass
class Prepared:
    """A build in memory: what `write_build` writes."""

    tables: Tables
    stats: dict
    accounting: str
    duplicates: list[dict]  # representative_id, member_id, kind
    new_ids: dict[str, str] = field(default_factory=dict)  # ids given a split by `assign_new_ids` -> split
    joined_released: int = 0  # of those, ids merged into a released article's duplicate cluster
    version: str = __version__


# What a build writes into its output folder: swapped in together, after everything is written (atomic.py).
OUTPUTS = ("data", "figures", "croissant.json", "README.md")


@dataclass
class BuildResult:
    out: Path
    stats: dict
    manifest: dict
    accounting: str
    new_ids: dict[str, str] = field(default_factory=dict)  # kept articles given a split by this build -> split
    joined_released: int = 0


def prepare(files: dict[str, list[Path]], annotations: Path = ANNOTATIONS, splits_dir: Path = SPLITS_DIR,
            progress: bool = False, engine: Engine | None = None, released: frozenset[str] = frozenset(),
            version: str = __version__, assign_new_ids: bool = False) -> Prepared:
    """Ingest -> dedup -> exclusions -> annotation joins + splits -> config rows and stats (reads, never writes).

    `engine` runs ingest + dedup (default: in process); every engine gives the same records (DESIGN §11).
    `released` ids stay representatives; `assign_new_ids` gives ids without a split one by the batch rule (in
    memory: `build` writes them to `splits_dir`)."""
    from .annotate import agreement
    from .dedup import cluster_records
    from .engines import ingest_and_dedup
    from .ingest import move_out
    from .splits import assign_splits, read_assignment, units_from
    from .stats import category_purity, format_accounting, human_ceiling, label_noise, table_stats

    result, clusters = ingest_and_dedup(files, engine, progress, keep=released)
    assignment = read_assignment(splits_dir)
    new_ids: dict[str, str] = {}
    if assign_new_ids:
        new_ids = {i: s for i, s in assign_splits(units_from(result.articles, clusters), assignment).items()
                   if i not in assignment}
        assignment = {**assignment, **new_ids}
    joined = sum(clusters.cluster_of[i] in released for i in new_ids if clusters.cluster_of.get(i, i) != i)
    exclusions = ann.load_exclusions(annotations)
    moved = {i: "duplicates" for i, k in clusters.link_of.items() if k != "self"}
    moved |= {i: "excluded" for i in exclusions.get("all", {}) if i not in moved}
    kept = move_out(result, moved)
    label_names = [label.slug for label in ann.load_taxonomy(annotations)]
    topic_gold, topic_counts = ann.resolve_topic_gold(annotations, label_names)
    qrels, qrel_counts = ann.resolve_qrels(annotations)
    # Annotations made on an article that is now merged into a duplicate cluster follow it to the representative.
    alias = {i: rep for i, rep in clusters.cluster_of.items() if i != rep}
    tables = make_tables(kept, assignment, ann.load_category_map(annotations, label_names),
                         label_names, exclusions, ann.follow_qrels(qrels, alias),
                         ann.follow(topic_gold, alias), ann.follow(ann.load_headline_refs(annotations), alias))
    stats = table_stats(tables, version)
    stats["dedup"] = {"exact_merged": clusters.n_exact_merged, "near_merged": clusters.n_near_merged,
                      "clusters": len(clusters.clusters)}
    stats["balanced"] = result.balanced
    stats["gold_resolution"] = {"topic": topic_counts, "related": qrel_counts}
    stats["agreement"] = agreement(annotations)
    cmap_rows = ann.read_table(annotations / "category_map.csv", ann.MAP_COLUMNS, ",")
    stats["category_purity"] = category_purity(kept, cmap_rows, ann.UNMAPPED)
    # Noise of each category's candidate (silver) label, also where the measurement led to unmapping it.
    stats["silver_vs_gold"] = label_noise([a for a in kept if a.id in topic_gold], topic_gold, cmap_rows,
                                          ann.WHOLE_OUTLET, ann.UNMAPPED)
    if pools := ann.pool_stats(annotations):
        stats["related_pool"] = pools
    stats["headline_human_ceiling"] = human_ceiling(tables.rows.get("headline_refs", {}).get("test", []))
    return Prepared(tables, stats, format_accounting(result), cluster_records(clusters), new_ids, joined, version)


def write_dataset(tables: Tables, out: Path) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """Write one parquet file per config/split (rows sorted by id, fixed compression).

    Returns (path -> sha256, config -> split -> in-memory bytes for the card's `dataset_info`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest, nbytes = {}, {}
    for config, splits in tables.rows.items():
        schema = features(CONFIGS[config], tables.label_names).arrow_schema
        for split, rows in splits.items():
            path = out / "data" / config / f"{split}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pylist(rows, schema=schema)
            pq.write_table(table, path, compression="zstd", row_group_size=10_000)
            manifest[str(path.relative_to(out))] = file_sha256(path)
            nbytes.setdefault(config, {})[split] = table.nbytes
    return manifest, nbytes


def write_build(prepared: Prepared, out: Path, splits_dir: Path = SPLITS_DIR, results_dir: Path | None = None) -> dict:
    """Write a prepared build into `out`, an empty folder (`build` gives it a staging folder); returns the manifest."""
    from .card import write_card
    from .croissant import croissant_metadata, write_croissant
    from .figures import render_figures
    from .splits import manifest_hash

    tables, stats = prepared.tables, prepared.stats
    data_files, nbytes = write_dataset(tables, out)
    # Generated metadata like the card: not in the manifest, uploaded by `publish`.
    write_croissant(out, croissant_metadata(stats, data_files, tables.label_names))
    figures = render_figures(stats, tables.rows["articles"]["full"], out / "figures")
    dup_path = out / "data" / "duplicates.tsv"
    dup_path.write_text("representative_id\tmember_id\tkind\n" + "".join(
        f"{r['representative_id']}\t{r['member_id']}\t{r['kind']}\n" for r in prepared.duplicates), encoding="utf-8")
    data_files[str(dup_path.relative_to(out))] = file_sha256(dup_path)
    manifest = {"version": prepared.version, "splits_manifest_sha256": manifest_hash(splits_dir),
                "files": dict(sorted(data_files.items())), "stats": stats, "label_names": tables.label_names,
                "nbytes": nbytes, "accounting": prepared.accounting, "figures": figures}
    (out / "data" / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                                                + "\n", encoding="utf-8")
    write_card(out, results_dir)
    return manifest


def build(raw: Path, out: Path = PACKAGE_DIR, progress: bool = True, update_expected: bool = False,
          annotations: Path = ANNOTATIONS, splits_dir: Path = SPLITS_DIR, expected_stats: Path = EXPECTED_STATS,
          results_dir: Path | None = None, lock_path: Path | None = None, releases: Path = RELEASES_DIR,
          version: str = __version__, assign_new_ids: bool = False, engine: Engine | None = None) -> BuildResult:
    """Prepare and write a build into `out` (see the module docstring); `update_expected` rewrites the committed
    expected stats on purpose; `assign_new_ids` (add-batch) also rewrites `splits_dir` with the new ids; `engine`
    runs ingest + dedup (DESIGN §11)."""
    from .atomic import commit, output_lock, recover, staged
    from .rawfiles import verified_raw_files
    from .releases import released_ids
    from .splits import read_assignment, write_assignment

    files = verified_raw_files(raw, lock_path=lock_path)  # before anything is written
    with output_lock(out):
        recover(out)
        prepared = prepare(files, annotations, splits_dir, progress, engine, released_ids(releases, version),
                           version, assign_new_ids)
        if prepared.new_ids:
            manifest_path = splits_dir / "manifest.json"
            details = {k: v for k, v in json.loads(manifest_path.read_text(encoding="utf-8")).items()
                       if k not in ("counts", "files")} if manifest_path.exists() else {}
            write_assignment(splits_dir, {**read_assignment(splits_dir), **prepared.new_ids}, details)
        with staged(out) as staging:
            manifest = write_build(prepared, staging, splits_dir, results_dir)
            commit(staging, out, OUTPUTS)
    if update_expected:
        expected_stats.write_text(json.dumps(prepared.stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    kept = {r["id"] for r in prepared.tables.rows["articles"]["full"]}
    return BuildResult(out, prepared.stats, manifest, prepared.accounting,
                       {i: s for i, s in prepared.new_ids.items() if i in kept}, prepared.joined_released)
