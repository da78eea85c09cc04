"""The HF config registry (DESIGN §8): one `ConfigSpec` per config; README YAML, Features, Croissant and card tables
derive from it. What a benchmark task is (configs, main metric, loader) lives in `tasks.py`."""
from __future__ import annotations

from dataclasses import dataclass

from .sources.registry import CORPORA

# Field types in a tiny vocabulary that maps onto HF Features (see `features()`).
STRING, INT, STRINGS, LABEL = "string", "int32", "list<string>", "label"


@dataclass(frozen=True)
class ConfigSpec:
    config: str
    description: str
    fields: tuple[tuple[str, str, str], ...]  # (name, type, description)
    splits: tuple[str, ...]
    task_category: str | None = None  # HF task_categories value
    task_id: str | None = None  # HF task_ids value


_ARTICLE_FIELDS = (
    ("id", STRING, "stable 16-hex article id (DESIGN §3); annotations and splits key on it"),
    ("corpus", STRING, " | ".join(CORPORA)),
    ("outlet", STRING, "outlet slug, e.g. bbc-arabic, okaz"),
    ("url", STRING, "source URL, null for page dumps"),
    ("published", STRING, "ISO 8601 date or datetime with offset, at the source's precision; null if unknown"),
    ("date_kind", STRING, "published | extracted (SaudiNewsNet crawl time, +03:00) | none"),
    ("title", STRING, "headline as published (cleaned)"),
    ("lead", STRING, "abstract / standfirst, or null"),
    ("body", STRING, "article text, paragraphs joined by \\n"),
    ("byline", STRING, "raw byline as the source gives it"),
    ("authors", STRINGS, "authors parsed from the byline (agencies included)"),
    ("dateline", STRING, "city parsed from the byline, or null"),
    ("source_categories", STRINGS, "the source's own editorial categories (ANT folders, SaudiNewsNet URL sections)"),
    ("captions", STRINGS, "image captions with their credit"),
    ("flags", STRINGS, "quality flags, e.g. no_title, bad_time"),
    ("split", STRING, "train | validation | test: the global assignment shared by all tasks"),
)

CONFIGS: dict[str, ConfigSpec] = {
    "articles": ConfigSpec(
        "articles",
        "Every kept article (after cleaning, merging and de-duplication) with its global split.",
        _ARTICLE_FIELDS,
        ("full",),  # one table; the `split` column says where each article belongs ("all" is reserved by HF)
    ),
    "topic": ConfigSpec(
        "topic",
        "Topic classification into the unified taxonomy (annotations/taxonomy.yaml). train/validation labels are "
        "silver (source category -> label through annotations/category_map.csv); every test label was read and "
        "decided by hand (annotations/topic_gold.tsv, guidelines 2.0).",
        (
            ("id", STRING, "article id"),
            ("title", STRING, "headline"),
            ("text", STRING, "article body"),
            ("label", LABEL, "unified topic label"),
            ("outlet", STRING, "outlet slug"),
        ),
        ("train", "validation", "test"),
        task_category="text-classification",
        task_id="topic-classification",
    ),
    "headline": ConfigSpec(
        "headline",
        "Headline generation: write the title from the body. Generic recurring titles, titles repeated "
        "verbatim at the start of the body, opinion sections and bodies under 30 words are excluded "
        "(annotations/exclusions.tsv).",
        (
            ("id", STRING, "article id"),
            ("text", STRING, "article body"),
            ("headline", STRING, "the published title"),
            ("outlet", STRING, "outlet slug"),
        ),
        ("train", "validation", "test"),
        task_category="summarization",
        task_id="news-articles-headline-generation",
    ),
    "headline_refs": ConfigSpec(
        "headline_refs",
        "Multi-reference headline test subset: test articles with one or more hand-written reference headlines "
        "(written from the body without seeing the title) next to the published one.",
        (
            ("id", STRING, "article id"),
            ("text", STRING, "article body"),
            ("headline", STRING, "the published title"),
            ("references", STRINGS, "hand-written reference headlines (annotations/headline_refs.tsv)"),
            ("outlet", STRING, "outlet slug"),
        ),
        ("test",),
    ),
    "corpus": ConfigSpec(
        "corpus",
        "Related-article retrieval corpus (BEIR/MTEB layout): every kept article of every split.",
        (
            ("_id", STRING, "article id"),
            ("title", STRING, "headline"),
            ("text", STRING, "article body"),
        ),
        ("corpus",),
        task_category="text-retrieval",
        task_id="document-retrieval",
    ),
    "queries": ConfigSpec(
        "queries",
        "Retrieval queries: judged query articles (title + blank line + body); query ids are corpus ids, so the "
        "query's own id must be ignored in its ranking.",
        (
            ("_id", STRING, "article id of the query article"),
            ("text", STRING, "title, blank line, body"),
        ),
        ("validation", "test"),
    ),
    "qrels": ConfigSpec(
        "qrels",
        "Graded related-article judgments: 2 same story/event, 1 related background, 0 not related.",
        (
            ("query-id", STRING, "query article id"),
            ("corpus-id", STRING, "judged corpus article id"),
            ("score", INT, "relevance grade 0/1/2"),
        ),
        ("validation", "test"),
    ),
}


def features(spec: ConfigSpec, label_names: list[str] | None = None):
    """HF `Features` for a spec (datasets imported lazily)."""
    import datasets

    out = {}
    for name, kind, _ in spec.fields:
        if kind == LABEL:
            out[name] = datasets.ClassLabel(names=list(label_names or []))
        elif kind == STRINGS:
            out[name] = datasets.List(datasets.Value("string"))
        else:
            out[name] = datasets.Value(kind)
    return datasets.Features(out)
