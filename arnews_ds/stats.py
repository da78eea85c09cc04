"""Dataset statistics, computed with polars: committed expectations, accounting, label noise and category purity,
plus the tables that `arnews-ds stats` prints and the card renders (DESIGN §8).

The stats dict is plain JSON (it goes into the build manifest and `expected_stats.json`); the `*_table` functions
turn it back into frames for display. polars is imported inside the functions, so importing this module is free.
"""
from __future__ import annotations

from .version import __version__

SPLIT_COLUMNS = ("train", "validation", "test")


def _frame(rows: list[dict], schema: dict):
    import polars as pl

    return pl.from_dicts(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def _count(df, by: list[str]):
    """Rows per group, sorted by the group columns."""
    return df.group_by(by).len("n").sort(by)


def _nested(df, outer: str, inner: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for o, i, n in _count(df, [outer, inner]).iter_rows():
        out.setdefault(o, {})[i] = n
    return out


def table_stats(tables, version: str = __version__) -> dict:
    """Counts per config/split, per label (topic), per grade (qrels) and per corpus/outlet/split (articles): the
    committed expectations (`tables` is a `tables.Tables`)."""
    import polars as pl

    out: dict = {"version": version,
                 "configs": {config: {s: len(r) for s, r in splits.items()} for config, splits in tables.rows.items()}}
    grades = pl.concat([_frame(rs, {"score": pl.Int64}).select(split=pl.lit(s), grade=pl.col("score").cast(pl.String))
                        for s, rs in tables.rows.get("qrels", {}).items()] or [pl.DataFrame(schema={
                            "split": pl.String, "grade": pl.String})])
    out["qrels_grades"] = _nested(grades, "split", "grade")
    names = dict(enumerate(tables.label_names))
    labels = pl.concat([_frame(rs, {"label": pl.Int64}).select(
        split=pl.lit(s), label=pl.col("label").replace_strict(names, return_dtype=pl.String))
        for s, rs in tables.rows["topic"].items()])
    out["topic_labels"] = _nested(labels, "split", "label")
    arts = _frame(tables.rows["articles"]["full"], {"corpus": pl.String, "outlet": pl.String, "split": pl.String})
    out["outlets"] = {f"{c}/{o}/{s}": n for c, o, s, n in _count(arts, ["corpus", "outlet", "split"]).iter_rows()}
    out.update(tables.stats)
    return out


def _category_frame(articles, whole_outlet: str):
    """One row per (article, source category), plus the whole-outlet pseudo-category for every article."""
    import polars as pl

    rows = [{"id": a.id, "corpus": a.corpus, "outlet": a.outlet, "category": c, "has_categories": bool(a.source_categories)}
            for a in articles for c in (*a.source_categories, whole_outlet)]
    return _frame(rows, {"id": pl.String, "corpus": pl.String, "outlet": pl.String, "category": pl.String,
                         "has_categories": pl.Boolean})


def _cmap_frame(cmap: dict[tuple[str, str, str], str]):
    import polars as pl

    return _frame([{"corpus": c, "outlet": o, "category": k, "mapped": v} for (c, o, k), v in cmap.items()],
                  {"corpus": pl.String, "outlet": pl.String, "category": pl.String, "mapped": pl.String})


def label_noise(articles, topic_gold: dict[str, str], cmap_rows: list[dict], whole_outlet: str,
                unmapped: str) -> dict[str, dict]:
    """Per source category of the hand-labeled articles: gold items, the category's candidate (silver) label from
    `category_map.csv` (`mapped_to`) and its current label (`label_now`, `unmapped` where this measurement removed
    it), how many gold labels equal the candidate, the silver -> gold confusion counts, and the noise rate (share
    of gold labels that differ from the candidate) with its 95% Wilson interval. The whole-outlet row counts only
    for outlets without editorial categories."""
    import polars as pl

    cmap = {(r["corpus"], r["outlet"], r["source_category"]): r["candidate_label"] for r in cmap_rows
            if r["candidate_label"] != unmapped}
    now = {f"{r['corpus']}/{r['outlet']}/{r['source_category']}": r["label"] for r in cmap_rows}

    gold = _frame([{"id": i, "gold": g} for i, g in topic_gold.items()], {"id": pl.String, "gold": pl.String})
    df = (_category_frame([a for a in articles if a.id in topic_gold], whole_outlet)
          .join(gold, on="id").join(_cmap_frame(cmap), on=["corpus", "outlet", "category"], how="left")
          .filter(~(pl.col("mapped").is_null() & (pl.col("category") == whole_outlet) & pl.col("has_categories"))))
    confusion = df.group_by("corpus", "outlet", "category", "gold").agg(n=pl.len())
    per_cat: dict[tuple, dict[str, int]] = {}
    for c, o, k, g, n in confusion.iter_rows():
        per_cat.setdefault((c, o, k), {})[g] = n
    agg = (df.group_by("corpus", "outlet", "category")
           .agg(gold=pl.len(), mapped_to=pl.col("mapped").first().fill_null("-"),
                agree=(pl.col("mapped") == pl.col("gold")).fill_null(False).sum())
           .sort("corpus", "outlet", "category"))
    out = {}
    for c, o, k, g, m, a in agg.iter_rows():
        row = {"gold": g, "mapped_to": m, "label_now": now.get(f"{c}/{o}/{k}", "-"), "agree": a,
               "confusion": dict(sorted(per_cat[(c, o, k)].items()))}
        if m != "-":
            row["noise"] = round((g - a) / g, 4)
            row["noise_ci95"] = [round(x, 4) for x in wilson_interval(g - a, g)]
        out[f"{c}/{o}/{k}"] = row
    return out


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n (sound for small n and proportions near 0 or 1)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def category_purity(articles, cmap_rows: list[dict], unmapped: str) -> dict[str, dict]:
    """Per mapped source category: its label, the purity read by hand (annotations/category_map.csv), the articles
    read, and how many kept articles carry the category (the whole-outlet row `*` counts every article)."""
    import polars as pl

    cmap = (_frame(cmap_rows, {"corpus": pl.String, "outlet": pl.String, "source_category": pl.String,
                               "label": pl.String, "purity": pl.String, "n_read": pl.String})
            .filter(pl.col("label") != unmapped).rename({"source_category": "category"}))
    counts = _count(_category_frame(articles, "*"), ["corpus", "outlet", "category"])
    df = (cmap.join(counts, on=["corpus", "outlet", "category"], how="left")
          .with_columns(pl.col("n").fill_null(0), pl.col("purity").cast(pl.Float64), pl.col("n_read").cast(pl.Int64))
          .sort("corpus", "outlet", "category"))
    return {f"{c}/{o}/{k}": {"label": l, "purity": p, "n_read": r, "articles": n}
            for c, o, k, l, p, r, n in df.select("corpus", "outlet", "category", "label", "purity", "n_read",
                                                 "n").iter_rows()}


def human_ceiling(rows: list[dict]) -> dict:
    """Hand-written references scored as predictions against the published titles: the human-vs-human ceiling of
    the headline task, and the overlap check (a reference must never copy the title it did not see)."""
    if not rows:
        return {}
    from .metrics.scores import headline_scores
    from .tasks import TASKS

    refs = [r["references"][0] for r in rows]
    titles = [r["headline"] for r in rows]
    main = TASKS["headline"].main_metric
    per_item = [headline_scores([ref], [title])[main] for ref, title in zip(refs, titles)]
    scores = headline_scores(refs, titles)
    return {"n": len(rows), **{k: round(scores[k], 2) for k in ("rouge1", "rouge2", "rougeL", "chrf", "bleu")},
            "identical_to_title": sum(ref.strip() == t.strip() for ref, t in zip(refs, titles)),
            f"{main}_over_80": sum(x > 80 for x in per_item)}


# ---- accounting of every raw record (an `ingest.Ingest`) ----

ACCOUNT_COLUMNS = ("read", "kept", "merged", "duplicates", "excluded")


def accounting_frame(result):
    """One row per (source, corpus, outlet): read, kept, merged, duplicates, excluded, rejected, reasons."""
    import polars as pl

    rows = [{"source": f, "corpus": c, "outlet": o, **{k: getattr(n, k) for k in ACCOUNT_COLUMNS},
             "rejected": sum(n.rejected.values()), "reasons": ", ".join(f"{k}={v}" for k, v in sorted(n.rejected.items()))}
            for (f, c, o), n in result.accounting.items()]
    schema = {"source": pl.String, "corpus": pl.String, "outlet": pl.String,
              **{k: pl.Int64 for k in (*ACCOUNT_COLUMNS, "rejected")}, "reasons": pl.String}
    return _frame(rows, schema)


def format_accounting(result) -> str:
    """Per source and outlet: read = kept + merged + duplicates + excluded + rejected (by reason), then totals."""
    import polars as pl

    df = accounting_frame(result)
    lines = [f"{'source':<14}{'corpus':<14}{'outlet':<17}" + "".join(f"{c:>11}" for c in ACCOUNT_COLUMNS)
             + f"{'rejected':>10}  reasons"]
    for r in df.iter_rows(named=True):
        nums = "".join(f"{r[k]:>11}" for k in ACCOUNT_COLUMNS)
        lines.append(f"{r['source']:<14}{r['corpus']:<14}{r['outlet']:<17}{nums}{r['rejected']:>10}  {r['reasons']}")
    lines.append("")
    totals = df.group_by("source", maintain_order=True).agg(pl.col(*ACCOUNT_COLUMNS, "rejected").sum())
    for r in totals.iter_rows(named=True):
        balanced = r["read"] == sum(r[k] for k in (*ACCOUNT_COLUMNS[1:], "rejected"))
        parts = " + ".join(f"{k} {r[k]:,}" for k in ACCOUNT_COLUMNS[1:])
        lines.append(f"{r['source']}: read {r['read']:,} = {parts} + rejected {r['rejected']:,} "
                     f"({'ok' if balanced else 'DOES NOT ADD UP'})")
    return "\n".join(lines)


# ---- display tables from a stats dict (card and `arnews-ds stats`) ----

def _split_keys(d: dict[str, int], names: list[str]):
    import polars as pl

    rows = [dict(zip(names, k.split("/")), n=n) for k, n in d.items()]
    return _frame(rows, {**{c: pl.String for c in names}, "n": pl.Int64})


def outlet_table(stats: dict):
    """Articles per corpus and outlet, one column per split, and the total."""
    import polars as pl

    df = _split_keys(stats["outlets"], ["corpus", "outlet", "split"])
    wide = df.pivot(on="split", index=["corpus", "outlet"], values="n")
    wide = wide.with_columns([pl.lit(0, pl.Int64).alias(s) for s in SPLIT_COLUMNS if s not in wide.columns])
    return (wide.select("corpus", "outlet", *SPLIT_COLUMNS).fill_null(0)
            .with_columns(total=pl.sum_horizontal(*SPLIT_COLUMNS)).sort("corpus", "outlet"))


def label_table(stats: dict, splits: tuple[str, ...]):
    """Topic examples per label, one column per split."""
    import polars as pl

    rows = [{"label": l, "split": s, "n": n} for s, d in stats["topic_labels"].items() for l, n in d.items()]
    df = _frame(rows, {"label": pl.String, "split": pl.String, "n": pl.Int64})
    wide = df.pivot(on="split", index="label", values="n")
    wide = wide.with_columns([pl.lit(0, pl.Int64).alias(s) for s in splits if s not in wide.columns])
    return wide.select("label", *splits).fill_null(0).sort("label")


def noise_table(stats: dict):
    """Label noise per source category: mapped label, gold items, silver -> gold confusion, noise rate [95% CI]."""
    import polars as pl

    rows = []
    for k, v in stats.get("silver_vs_gold", {}).items():
        ci = v.get("noise_ci95")
        rows.append({"category": k, "mapped_to": v["mapped_to"], "label_now": v.get("label_now", "-"), "gold": v["gold"],
                     "gold_labels": " ".join(f"{label}:{n}" for label, n in v.get("confusion", {}).items()),
                     "noise": f"{v['noise']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "—"})
    return _frame(rows, {"category": pl.String, "mapped_to": pl.String, "label_now": pl.String, "gold": pl.Int64,
                         "gold_labels": pl.String, "noise": pl.String})


def purity_table(stats: dict):
    """Mapped source categories: label, hand-read purity, articles read, kept articles carrying the category."""
    import polars as pl

    return _frame([{"category": k, **v} for k, v in stats.get("category_purity", {}).items()],
                  {"category": pl.String, "label": pl.String, "purity": pl.Float64, "n_read": pl.Int64,
                   "articles": pl.Int64})


def config_table(stats: dict):
    """Rows per config and split."""
    import polars as pl

    rows = [{"config": c, "split": s, "rows": n} for c, d in stats["configs"].items() for s, n in d.items()]
    return _frame(rows, {"config": pl.String, "split": pl.String, "rows": pl.Int64})
