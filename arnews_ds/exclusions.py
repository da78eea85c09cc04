"""Silver exclusion rules for the headline task (a rule, not hand work: method `silver:headline-rule-v2`).

1. `generic_title`: the normalized title is shared by >= GENERIC_MIN articles (weather bulletins, cartoons,
   fixed column names): a model cannot learn such a headline from the body.
2. `title_in_body`: the body starts with the title verbatim (after model-side normalization), so copying the first
   words would score perfectly.
3. `opinion`: the article's source section is an opinion, letters or readers'-essays section (`SECTION_NOTES`):
   a column's title is the writer's framing, not a news headline (v2).
4. `short_body`: the body has fewer than MIN_BODY_WORDS words (a byline, a caption, one line): too little to
   carry a news fact to write a headline from (v2).
Articles without a title (flag `no_title`) are left out of the headline task by construction and not listed.
`arnews-ds exclusions` rewrites these rows of annotations/exclusions.tsv (`update_exclusions`).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .record import Article
from .sources.snn_sections import SECTION_NOTES
from .text import normalize_for_model

METHOD = "silver:headline-rule-v2"
ANNOTATOR = "arnews_ds.exclusions"
GENERIC_MIN = 3
MIN_BODY_WORDS = 30
# Sections whose notes (read from samples) say they hold opinion pieces rather than news.
OPINION_SECTIONS = frozenset(k for k, note in SECTION_NOTES.items()
                             if any(w in note for w in ("opinion", "letters", "essays")))
_PUNCT = re.compile(r"[^\w\s]+")


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalize_for_model(text)).split())


def headline_exclusions(articles: Iterable[Article]) -> list[dict[str, str]]:
    """Rows (id, task, reason, annotator, method) for every article the rules exclude, sorted by id."""
    titled = [a for a in articles if a.title]
    counts = Counter(_norm(a.title) for a in titled)
    rows = []
    for a in titled:
        title = _norm(a.title)
        if counts[title] >= GENERIC_MIN:
            reason = "generic_title"
        elif title and _norm(a.body[: len(a.title) * 2 + 20]).startswith(title):
            reason = "title_in_body"
        elif any((a.outlet, c) in OPINION_SECTIONS for c in a.source_categories):
            reason = "opinion"
        elif len(a.body.split()) < MIN_BODY_WORDS:
            reason = "short_body"
        else:
            continue
        rows.append({"id": a.id, "task": "headline", "reason": reason, "annotator": ANNOTATOR, "method": METHOD})
    return sorted(rows, key=lambda r: r["id"])


def update_exclusions(raw_dir, path) -> dict[str, int]:
    """Rewrite the `silver:headline-rule-*` rows of an exclusions file from the locked raw files in `raw_dir` (kept
    cluster representatives only); other rows stay as they are. Returns rows per reason."""
    import csv

    from pathlib import Path

    from . import annotations as ann
    from .dedup import find_clusters
    from .ingest import default_workers, ingest
    from .paths import RELEASES_DIR
    from .rawfiles import verified_raw_files
    from .releases import released_ids
    from .version import __version__

    # The same articles and representatives as the build: the locked raw files, released articles kept.
    result = ingest(verified_raw_files(Path(raw_dir)), progress=True, workers=default_workers())
    clusters = find_clusters(result.articles, keep=released_ids(RELEASES_DIR, __version__))
    kept = [a for a in result.articles if clusters.cluster_of[a.id] == a.id]
    others = [r for r in ann.read_table(path, ann.EXCLUSION_COLUMNS, "\t")
              if not r["method"].startswith("silver:headline-rule")]
    rows = sorted(others + headline_exclusions(kept), key=lambda r: (r["id"], r["task"], r["method"]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ann.EXCLUSION_COLUMNS, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return dict(sorted(Counter(r["reason"] for r in rows).items()))
