"""Render the Hub card (`README.md` of the dataset folder): generated YAML + the hand-written DATASET_CARD.md body
+ the leaderboard of `results/` + generated tables and plots. Every number comes from the build manifest's stats
or a committed `metrics.json`; nothing here is written by hand (DESIGN §8, §10)."""
from __future__ import annotations

import json
from pathlib import Path

from . import stats as st
from .configs import CONFIGS, features
from .paths import DATASET_CARD, PACKAGE_DIR, RESULTS_DIR
from .tasks import TASKS
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
    for name, spec in CONFIGS.items():
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
        "task_categories": sorted({CONFIGS[c].task_category for c in stats["configs"] if CONFIGS[c].task_category}),
        "task_ids": sorted({CONFIGS[c].task_id for c in stats["configs"] if CONFIGS[c].task_id}),
        "tags": ["arabic", "news", "benchmark", "mteb", "beir"],
        "configs": configs,
        "dataset_info": infos,
    }


def _cell(value) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_table(df, header: list[str] | None = None) -> str:
    """A polars frame as a Markdown table (ints with thousands separators, floats with 2 decimals)."""
    return _table(header or df.columns, df.iter_rows())


def render_tables(stats: dict, accounting_text: str, figures: list[str]) -> str:
    parts = [f"## Dataset version {stats.get('version', __version__)}: generated statistics", ""]
    parts += ["### Configs", ""]
    rows = []
    for name, spec in CONFIGS.items():
        if name not in stats["configs"]:
            continue
        sizes = ", ".join(f"{s}: {stats['configs'][name].get(s, 0):,}" for s in spec.splits)
        fields = ", ".join(f"`{f}`" for f, _, _ in spec.fields)
        rows.append([f"`{name}`", spec.description, fields, sizes])
    parts += [_table(["config", "what", "fields", "split sizes"], rows), ""]
    parts += ["### Fields of `articles`", ""]
    parts += [_table(["field", "type", "meaning"], [[f"`{f}`", t, d] for f, t, d in CONFIGS["articles"].fields]), ""]
    parts += ["### Articles per corpus, outlet and split", "", markdown_table(st.outlet_table(stats)), ""]
    parts += ["### Topic labels per split (silver)", "",
              markdown_table(st.label_table(stats, CONFIGS["topic"].splits)), ""]
    if stats.get("category_purity"):
        parts += ["### Category purity: source categories mapped to a topic label", "",
                  "Purity is the share of a manually read sample of the category whose articles fit the mapped "
                  "label (`annotations/category_map.csv`); `articles` counts the kept articles carrying the "
                  "category (`*` = the whole outlet).", "",
                  markdown_table(st.purity_table(stats), ["corpus/outlet/category", "label", "purity", "read",
                                                          "articles"]), ""]
    if stats.get("silver_vs_gold"):
        parts += ["### Label noise: silver category labels vs hand-made gold labels (topic `test`)", "",
                  "For each source category, the gold labels our annotators gave its test articles after reading "
                  "them (silver -> gold confusion), and the noise rate: the share whose gold label differs from the "
                  "category's candidate (silver) label, with its 95% Wilson interval. A category whose noise is "
                  "above 30% is remapped or unmapped (`label now`; `arnews_ds/category_noise.py`, noted in "
                  "`annotations/category_map.csv`), which changes the silver train/validation labels. `-` = no "
                  "candidate label; `*` = the whole outlet.", "",
                  markdown_table(st.noise_table(stats), ["corpus/outlet/category", "silver label", "label now",
                                                         "gold items", "gold labels", "noise [95% CI]"]), ""]
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


# ---- the leaderboard of committed results ----

def leaderboard(results_dir: Path = RESULTS_DIR) -> list[dict]:
    """One row per committed results/<task>/<model>/metrics.json, sorted by task and model: the task registry's
    main metric (and its `test_ci95` interval) on the test split and on the task's hand-annotated view."""
    import polars as pl

    rows = []
    for path in sorted(results_dir.glob("*/*/metrics.json")):
        m = json.loads(path.read_text(encoding="utf-8"))
        task = TASKS[m["task"]]
        test, ci = m.get("test") or {}, m.get("test_ci95") or {}
        hand = test.get(task.hand_view) or {} if task.hand_view else {}
        hand_ci = ci.get(task.hand_view) or {} if task.hand_view else {}
        rows.append({"task": task.name, "model": m["model"], "variant": m["settings"].get("variant", ""),
                     "metric": task.main_metric, "value": test.get(task.main_metric), "ci": ci.get(task.main_metric),
                     "judged_at_10": test.get("judged_at_10"), "hand": hand.get(task.main_metric),
                     "hand_ci": hand_ci.get(task.main_metric), "hand_view": task.hand_view,
                     "wall_time_s": m.get("wall_time_s"), "device": _device(m["settings"]),
                     "dataset_version": m["dataset_version"], "note": m.get("note", "")})
    if not rows:
        return []
    return pl.from_dicts(rows, infer_schema_length=None).sort("task", "model").to_dicts()


def _device(settings: dict) -> str:
    device = settings.get("device", "cpu")
    threads = settings.get("torch_threads")
    return f"{device}, {threads} threads" if threads and device == "cpu" else device


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def format_ci(value: float | None, ci: list[float] | None) -> str:
    """`0.9004 [0.8937, 0.9069]`; the value alone without an interval, `—` without a value."""
    if not isinstance(value, (int, float)):
        return "—"
    return f"{_fmt(value)} [{_fmt(ci[0])}, {_fmt(ci[1])}]" if ci else _fmt(value)


def significance_marks(significance: dict | None, values: dict[str, float | None], metric: str,
                       view: str = "test") -> dict[str, str]:
    """`≈` for each model whose difference from the best model of the task (by `values`, on `view`) is not
    significant at the file's `alpha`, and for the best model itself when some model ties with it; others get ``."""
    scored = {m: v for m, v in values.items() if isinstance(v, (int, float))}
    marks = dict.fromkeys(values, "")
    if not significance or len(scored) < 2:
        return marks
    best = max(sorted(scored), key=lambda m: scored[m])
    for pair in significance.get("pairs", []):
        if pair["view"] != view or best not in (pair["a"], pair["b"]) or metric not in pair["metrics"]:
            continue
        other = pair["b"] if pair["a"] == best else pair["a"]
        if other in marks and pair["metrics"][metric]["p_value"] >= significance["alpha"]:
            marks[other] = marks[best] = "≈"
    return marks


def _marks(rows: list[dict], significance: dict[str, dict]) -> dict[tuple[str, str, str | None], str]:
    """(task, model, view) -> ` ≈` where `significance_marks` puts one."""
    out = {}
    for task in sorted({r["task"] for r in rows}):
        task_rows = [r for r in rows if r["task"] == task]
        for view, key in (("test", "value"), (task_rows[0].get("hand_view"), "hand")):
            marks = significance_marks(significance.get(task), {r["model"]: r[key] for r in task_rows},
                                       task_rows[0]["metric"], view)
            out |= {(task, model, view): f" {mark}" for model, mark in marks.items() if mark}
    return out


LEGEND = ("`test`: topic — macro-F1 against the hand-made gold labels of the test split; headline — ROUGE-L "
          "(×100) against the published title; retrieval — nDCG@10 on the hand-judged test queries (averaged over "
          "every query in the qrels), pooled from the systems named under the judgments table; `judged@10` is the "
          "share of a system's top 10 that was judged (unjudged documents count as not relevant, so below 1 the "
          "nDCG@10 is a lower bound). `hand-annotated test`: headline — multi-reference ROUGE-L (published title + "
          "hand-written references) on the `headline_refs` articles. `time`: wall time of the "
          "whole run (training, validation selection, test predictions) on the device shown.")
SIGNIFICANCE_LEGEND = ("`[lo, hi]`: 95% percentile-bootstrap interval over test items (retrieval: queries), 1,000 "
                       "seeded resamples (`test_ci95` in metrics.json). `≈`: this model's difference from the best "
                       "model of the task on that view is not significant at 0.05 (paired approximate randomization "
                       "test, `results/<task>/significance.json`); a model without an interval has no committed "
                       "per-item files, so it was not tested and carries no mark.")


def format_leaderboard(rows: list[dict], significance: dict[str, dict] | None = None) -> str:
    """Markdown table of the main metric (95% CI) on the test split and on its hand-annotated view, then the legends.

    `significance`: task -> its significance.json; `≈` marks models not significantly better or worse than the task's
    best on that view."""
    marks = _marks(rows, significance or {})
    lines = ["| task | model | variant | main metric | test [95% CI] | hand-annotated test [95% CI] | time | "
             "dataset version |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        time_ = f"{r['wall_time_s'] / 60:.0f} min ({r['device']})" if r.get("wall_time_s") else "—"
        value = format_ci(r["value"], r.get("ci")) + marks.get((r["task"], r["model"], "test"), "")
        if r.get("judged_at_10") is not None:
            value += f" (judged@10 {r['judged_at_10']:.2f})"
        hand = format_ci(r["hand"], r.get("hand_ci")) + marks.get((r["task"], r["model"], r.get("hand_view")), "")
        lines.append(f"| {r['task']} | {r['model']} | {r['variant']} | {r['metric']} | {value} | "
                     f"{hand} | {time_} | {r['dataset_version']} |")
    return "\n".join(lines + ["", LEGEND, "", SIGNIFICANCE_LEGEND])


def load_leaderboard(results_dir: Path = RESULTS_DIR) -> str:
    """`format_leaderboard` of the committed results with their significance files ("" without results)."""
    from .baselines.significance import load_significance

    rows = leaderboard(results_dir)
    if not rows:
        return ""
    tasks = sorted({r["task"] for r in rows})
    return format_leaderboard(rows, {t: s for t in tasks if (s := load_significance(t, results_dir))})


def pool_bias_section(results_dir: Path = RESULTS_DIR) -> str:
    """The card's pool-bias table from `results/retrieval/pool_bias.json` ("" before it exists)."""
    from .metrics.pool_bias import POOL_BIAS_INTRO, format_pool_bias

    path = results_dir / "retrieval" / "pool_bias.json"
    if not path.exists():
        return ""
    return ("\n### Retrieval pool bias (leave one system out)\n\n" + POOL_BIAS_INTRO + "\n\n"
            + format_pool_bias(json.loads(path.read_text(encoding="utf-8"))) + "\n")


def write_card(out: Path = PACKAGE_DIR, results_dir: Path | None = None) -> Path:
    """(Re)render `<out>/README.md` from the build manifest, DATASET_CARD.md and the committed results leaderboard;
    `arnews-ds card` calls this after baseline runs so the leaderboard shows without a rebuild."""
    manifest = json.loads((out / "data" / "manifest.json").read_text(encoding="utf-8"))
    stats = manifest["stats"]
    results_dir = results_dir or RESULTS_DIR
    board = ""
    if table := load_leaderboard(results_dir):
        board = ("## Leaderboard (test split)\n\nScores of the baselines in `results/`, produced by "
                 "`python scripts/baseline.py --task T --model M` on the splits and dataset version shown.\n\n"
                 + table + "\n")
    board += pool_bias_section(results_dir)
    tables = render_tables(stats, manifest["accounting"], manifest["figures"])
    card = render_card(card_metadata(stats, manifest["label_names"], manifest["nbytes"]),
                       DATASET_CARD.read_text(encoding="utf-8"), board + "\n" + tables)
    path = out / "README.md"
    tmp = path.with_name(".README.md.tmp")
    tmp.write_text(card, encoding="utf-8")
    tmp.replace(path)  # `arnews-ds card` rewrites a live build: a reader never sees half a card
    return path
