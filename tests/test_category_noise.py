"""Remapping source categories whose measured label noise is too high (pure, synthetic rows)."""
from arnews_ds.category_noise import remap_noisy


def _row(cat: str, label: str) -> dict[str, str]:
    return {"corpus": "c", "outlet": "o", "source_category": cat, "candidate_label": label, "purity": "0.90",
            "n_read": "20", "label": label, "sample_ids": "", "annotator": "a", "method": "manual", "note": ""}


def test_noisy_categories_are_remapped_or_unmapped_and_clean_ones_kept():
    rows = [_row("world", "politics"), _row("tech", "technology"), _row("misc", "culture"), _row("sport", "sports")]
    noise = {
        "c/o/world": {"gold": 10, "noise": 0.5, "confusion": {"politics": 5, "society": 5}},
        "c/o/tech": {"gold": 10, "noise": 0.8, "confusion": {"economy": 8, "technology": 2}},
        "c/o/sport": {"gold": 10, "noise": 0.1, "confusion": {"sports": 9, "society": 1}},
    }
    out, changes = remap_noisy(rows, noise)
    labels = {r["source_category"]: (r["label"], r["purity"], r["n_read"]) for r in out}
    assert labels == {"world": ("unmapped", "0.50", "10"), "tech": ("economy", "0.80", "10"),
                      "misc": ("culture", "0.90", "20"), "sport": ("sports", "0.90", "20")}
    assert len(changes) == 2 and "noise 0.80" in out[1]["note"]
