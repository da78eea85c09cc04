"""Render the Hub card (`README.md` of the dataset folder): generated YAML + the hand-written DATASET_CARD.md body
+ generated tables and plots. Every number comes from the build's stats; nothing here is written by hand."""
from __future__ import annotations

import json
from pathlib import Path

from .tasks import TASKS, features
from .version import __version__

# Per-source licences (the HF `license` field takes a list); details in DATASET_CARD.md.
LICENSES = ["cc-by-nc-sa-4.0", "apache-2.0", "other"]
PRETTY_NAME = "arnews_ds: Arabic News Benchmark (topic, headline, related-article retrieval)"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def card_metadata(stats: dict, label_names: list[str], nbytes: dict[str, dict[str, int]]) -> dict:
    """The YAML header as a dict: Hub metadata, `configs:` and `dataset_info:` generated from the task registry."""
    configs, infos = [], []
    for name, spec in TASKS.items():
        if name not in stats["configs"]:
            continue  # not built (e.g. queries/qrels before judgments exist)
        counts = stats["configs"][name]
        configs.append({
            "config_name": name,
            "data_files": [{"split": s, "path": f"data/{name}/{s}.parquet"} for s in counts],
            **({"default": True} if name == "topic" else {}),
        })
        infos.append({
            "config_name": name,
            "features": features(spec, label_names)._to_yaml_list(),
            "splits": [{"name": s, "num_bytes": nbytes.get(name, {}).get(s, 0), "num_examples": counts.get(s, 0)}
                       for s in counts],
            "dataset_size": sum(nbytes.get(name, {}).values()),
        })
    n_articles = stats["configs"]["articles"]["full"]
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["ar"],
        "license": LICENSES,
        "multilinguality": ["monolingual"],
        "size_categories": [_size_category(n_articles)],
        "source_datasets": ["extended"],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "task_categories": sorted({TASKS[c].task_category for c in stats["configs"] if TASKS[c].task_category}),
        "task_ids": sorted({TASKS[c].task_id for c in stats["configs"] if TASKS[c].task_id}),
        "tags": ["arabic", "news", "benchmark", "mteb", "beir"],
        "configs": configs,
        "dataset_info": infos,
    }


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f"{c:,}" if isinstance(c, int) else str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def render_tables(stats: dict, accounting_text: str, figures: list[str]) -> str:
    parts = [f"## Dataset version {__version__}: generated statistics", ""]
    parts += ["### Configs", ""]
    rows = []
    for name, spec in TASKS.items():
        if name not in stats["configs"]:
            continue
        sizes = ", ".join(f"{s}: {stats['configs'][name].get(s, 0):,}" for s in spec.splits)
        fields = ", ".join(f"`{f}`" for f, _, _ in spec.fields)
        rows.append([f"`{name}`", spec.description, fields, sizes])
    parts += [_table(["config", "what", "fields", "split sizes"], rows), ""]
    parts += ["### Fields of `articles`", ""]
    parts += [_table(["field", "type", "meaning"], [[f"`{f}`", t, d] for f, t, d in TASKS["articles"].fields]), ""]
    parts += ["### Articles per corpus, outlet and split", ""]
    per: dict[tuple[str, str], dict[str, int]] = {}
    for key, n in stats["outlets"].items():
        corpus, outlet, split = key.split("/")
        per.setdefault((corpus, outlet), {})[split] = n
    rows = [[c, o, d.get("train", 0), d.get("validation", 0), d.get("test", 0), sum(d.values())]
            for (c, o), d in sorted(per.items())]
    parts += [_table(["corpus", "outlet", "train", "validation", "test", "total"], rows), ""]
    parts += ["### Topic labels per split (silver)", ""]
    labels = sorted({l for d in stats["topic_labels"].values() for l in d})
    rows = [[l] + [stats["topic_labels"].get(s, {}).get(l, 0) for s in TASKS["topic"].splits] for l in labels]
    parts += [_table(["label", *TASKS["topic"].splits], rows), ""]
    if stats.get("silver_vs_gold"):
        parts += ["### Label noise: silver category labels vs manual gold labels (topic `test_verified`)", "",
                  "For each source category, how often its mapped (silver) label equals the label our annotators gave "
                  "after reading the article. `-` = the category is unmapped; `*` = the whole outlet.", ""]
        rows = [[k, v["mapped_to"], v["gold"], f"{v['agree'] / v['gold']:.2f}" if v["mapped_to"] != "-" else "—"]
                for k, v in stats["silver_vs_gold"].items()]
        parts += [_table(["corpus/outlet/category", "mapped to", "gold items", "silver = gold"], rows), ""]
    if stats.get("agreement"):
        parts += ["### Annotator agreement", "", "```", json.dumps(stats["agreement"], indent=2), "```", ""]
    if stats.get("headline_human_ceiling"):
        c = stats["headline_human_ceiling"]
        parts += ["### Headline references: human vs published title", "",
                  f"{c['n']} test articles have hand-written reference headlines, written from the body without seeing "
                  f"the title. Scored against the published title (the human-vs-human ceiling): ROUGE-1 {c['rouge1']}, "
                  f"ROUGE-2 {c['rouge2']}, ROUGE-L {c['rougeL']}, chrF {c['chrf']}, BLEU {c['bleu']}. Overlap check: "
                  f"{c['identical_to_title']} references identical to the title, {c['rougeL_over_80']} with ROUGE-L > 80.",
                  ""]
    if stats.get("qrels_grades"):
        rows = [[s, g.get("0", 0), g.get("1", 0), g.get("2", 0)] for s, g in stats["qrels_grades"].items()]
        parts += ["### Related-article judgments per split", "", _table(["split", "grade 0", "grade 1", "grade 2"], rows), ""]
        pools = stats.get("related_pool") or {}
        for split, pool in pools.items():
            systems = "; ".join(f"`{k}` ({v})" for k, v in pool["systems"].items())
            use = "the benchmark's test queries" if split == "test" else "for model selection only"
            parts += [f"Pooling ({split}, {use}): {pool['queries']} {split} queries stratified across outlets; the "
                      f"top {pool['depth']} documents of each of {len(pool['systems'])} systems were pooled "
                      f"({pool['pooled_pairs']} query-document pairs) and every pooled pair was judged by hand. "
                      f"Systems: {systems}."
                      + "".join(f" Query `{q}` was pooled but not judged: {why}." for q, why in
                                pool["excluded_queries"].items()), ""]
        if pools:
            parts += ["Unjudged documents count as not relevant, so systems outside the pool are scored "
                      "conservatively.", ""]
    parts += ["### Accounting of every raw record", "",
              "Every raw record is kept, merged into another copy (same id, or a duplicate cluster), excluded, or "
              "rejected with a reason:", "", "```", accounting_text, "```", ""]
    if figures:
        parts += ["### Plots", ""] + [f"![{Path(f).stem}]({f})" for f in figures] + [""]
    return "\n".join(parts)


def render_card(metadata: dict, body: str, tables: str) -> str:
    import yaml

    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=120)
    return f"---\n{header}---\n\n{body.strip()}\n\n{tables.strip()}\n"
