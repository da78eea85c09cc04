"""The card's plots (label share per split, article lengths, articles per outlet over time), as deterministic PNGs."""
from __future__ import annotations

from collections import Counter
from pathlib import Path


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "arnews", "figure.dpi": 100})
    return plt


def _save(fig, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None}, bbox_inches="tight")  # no version/timestamp: byte-stable
    fig.clf()
    return path.name


def render_figures(stats: dict, article_rows: list[dict], folder: Path) -> list[str]:
    """Write the PNGs into `folder`; returns paths relative to the dataset folder."""
    plt = _plt()
    out = []
    # 1. label share per split
    fig, ax = plt.subplots(figsize=(7, 3.5))
    splits = list(stats["topic_labels"])
    labels = sorted({l for d in stats["topic_labels"].values() for l in d})
    bottom = [0.0] * len(splits)
    for label in labels:
        shares = []
        for s in splits:
            total = sum(stats["topic_labels"][s].values()) or 1
            shares.append(stats["topic_labels"][s].get(label, 0) / total)
        ax.bar(splits, shares, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, shares)]
    ax.set_ylabel("share of topic examples")
    ax.set_title("Topic label share per split (silver labels)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
    out.append(_save(fig, folder / "label_share.png"))
    # 2. article length (words) per corpus
    fig, ax = plt.subplots(figsize=(7, 3.5))
    by_corpus: dict[str, list[int]] = {}
    for r in article_rows:
        by_corpus.setdefault(r["corpus"], []).append(min(len(r["body"].split()), 2000))
    for corpus in sorted(by_corpus):
        ax.hist(by_corpus[corpus], bins=50, range=(0, 2000), histtype="step", label=corpus)
    ax.set_xlabel("body length in words (capped at 2000)")
    ax.set_ylabel("articles")
    ax.set_title("Article lengths")
    ax.legend(fontsize=7)
    out.append(_save(fig, folder / "lengths.png"))
    # 3. articles per outlet over time (by month; dated articles only)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    per = Counter((r["outlet"], r["published"][:7]) for r in article_rows if r["published"] and r["published"] >= "2012")
    for outlet in sorted({o for o, _ in per}):
        months = sorted(m for o, m in per if o == outlet)
        x = [int(m[:4]) + (int(m[5:7]) - 1) / 12 for m in months]
        ax.plot(x, [per[(outlet, m)] for m in months], marker=".", linestyle="none", label=outlet)
    ax.set_yscale("log")
    ax.set_ylabel("articles per month")
    ax.set_title("Articles per outlet over time")
    ax.set_xlabel("year")
    ax.legend(fontsize=6, ncol=2, loc="center left", bbox_to_anchor=(1, 0.5))
    out.append(_save(fig, folder / "outlets_over_time.png"))
    plt.close("all")
    return [f"figures/{name}" for name in out]
