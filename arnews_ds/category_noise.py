"""Act on measured label noise (issue: topic test labeled by hand): a source category whose silver label disagrees
with the hand-made gold labels of its test articles more than NOISE_CEILING of the time is remapped to the gold
majority label when that label alone reaches the purity floor, else unmapped. Purity is re-measured on the gold
items. Pure function over `category_map.csv` rows and the build's `silver_vs_gold` stats.
"""
from __future__ import annotations

from .annotations import PURITY_FLOOR, UNMAPPED

NOISE_CEILING = 0.30


def remap_noisy(cmap_rows: list[dict[str, str]], silver_vs_gold: dict[str, dict],
                ceiling: float = NOISE_CEILING) -> tuple[list[dict[str, str]], list[str]]:
    """(updated rows, one line per changed category). Rows of categories without gold measurements are unchanged."""
    out, changes = [], []
    for row in cmap_rows:
        key = f"{row['corpus']}/{row['outlet']}/{row['source_category']}"
        m = silver_vs_gold.get(key)
        if row["label"] == UNMAPPED or not m or m.get("noise", 0.0) <= ceiling:
            out.append(row)
            continue
        best, n_best = max(m["confusion"].items(), key=lambda kv: (kv[1], kv[0]))
        share = n_best / m["gold"]
        label = best if share >= PURITY_FLOOR else UNMAPPED
        reads = " ".join(f"{k}={v}" for k, v in sorted(m["confusion"].items(), key=lambda kv: (-kv[1], kv[0])))
        note = (f"2.0 gold re-measure: noise {m['noise']:.2f} > {ceiling:.2f} on {m['gold']} hand-labeled test "
                f"articles ({reads}); " + (f"remapped to {label}" if label != UNMAPPED else "unmapped")
                + f"; was {row['label']} at purity {row['purity']} ({row['n_read']} read)")
        out.append({**row, "label": label, "purity": f"{share:.2f}", "n_read": str(m["gold"]),
                    "note": note, "method": "manual"})
        changes.append(f"{key}: {row['label']} -> {label} (noise {m['noise']:.2f}, n={m['gold']})")
    return out, changes


def update_category_map(silver_vs_gold: dict[str, dict], path) -> list[str]:
    """Apply `remap_noisy` to a category_map.csv file in place; returns the change lines."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out, changes = remap_noisy(rows, silver_vs_gold)
    if changes:
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(out)
    return changes
