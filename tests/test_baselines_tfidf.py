"""TF-IDF family baselines on tiny self-written data (made-up word lists; no real article text)."""
import random
import statistics

import pytest

from arnews_ds.baselines import Options, TaskData, get_baseline
from arnews_ds.baselines import lexical, tfidf

WORDS = {
    "economy": "السوق الأسهم النفط البنك التضخم الأسعار الاستثمار الشركات الميزانية الدولار".split(),
    "politics": "الوزير الحكومة الانتخابات البرلمان الرئيس القمة المفاوضات الحزب السفير القرار".split(),
    "sports": "مباراة فريق هدف لاعب الدوري المدرب الملعب بطولة الجمهور الحارس".split(),
}
COMMON = "في من على إلى أن هذا مع بعد قبل حيث".split()
LABELS = sorted(WORDS)


def _topic_rows(seed: int, per_class: int, prefix: str) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(per_class * len(LABELS)):
        label = LABELS[i % len(LABELS)]
        title = " ".join(rng.choice(WORDS[label]) for _ in range(4))
        body = " ".join(rng.choice(WORDS[label] * 2 + COMMON) for _ in range(25)) + "."
        rows.append({"id": f"{prefix}{i:03d}", "title": title, "text": body, "label": LABELS.index(label),
                     "outlet": "x"})
    return rows


def test_topic_learns_a_separable_problem_and_selects_on_validation():
    data = TaskData("topic", _topic_rows(1, 12, "tr"), _topic_rows(2, 4, "va"), _topic_rows(3, 4, "te"),
                    label_names=LABELS)
    result = get_baseline("topic", "tfidf")(data, Options())
    assert set(result.validation) == {tfidf._topic_variant(c, w) for c, w in tfidf.TOPIC_GRID}
    assert result.validation[result.settings["variant"]] == max(result.validation.values())
    assert [p["id"] for p in result.predictions] == [r["id"] for r in data.test]
    assert all(p["gold"] in LABELS and p["pred"] in LABELS for p in result.predictions)
    assert sum(p["gold"] == p["pred"] for p in result.predictions) / len(result.predictions) >= 0.9
    assert result.settings["word_features"]["vocabulary"] > 0 and result.settings["char_features"]["vocabulary"] > 0

    # Test labels play no part in selection: scrambling them changes neither the variant nor the predictions.
    scrambled = [dict(r, label=(r["label"] + 1) % len(LABELS)) for r in data.test]
    again = tfidf.topic(TaskData("topic", data.train, data.validation, scrambled, label_names=LABELS), Options())
    assert again.settings["variant"] == result.settings["variant"]
    assert [p["pred"] for p in again.predictions] == [p["pred"] for p in result.predictions]


# ------------------------------------------------------------------------------------------------- headline
STORIES = [
    ("ارتفاع أسعار النفط في الأسواق", "النفط البرميل الأسواق الأسعار الطلب"),
    ("فوز الفريق الأول بالبطولة", "الفريق البطولة المباراة الهدف الجمهور"),
    ("البرلمان يقر الميزانية الجديدة", "البرلمان الميزانية النواب التصويت الجلسة"),
    ("افتتاح معرض الكتاب الدولي", "المعرض الكتاب الناشرين الزوار الثقافة"),
    ("هطول أمطار غزيرة على المدينة", "الأمطار السيول الطقس الأرصاد الشوارع"),
    ("توقيع اتفاق تجاري بين البلدين", "الاتفاق التجارة البلدين التوقيع الصادرات"),
]


def _story_body(rng: random.Random, k: int, lead: str) -> str:
    words = STORIES[k][1].split()
    sentences = [lead] + [" ".join(rng.choice(words + COMMON) for _ in range(10)) + "." for _ in range(3)]
    return "\n".join(sentences)


def _headline_rows(seed: int, n: int, prefix: str, lead_is_title: bool) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        k = i % len(STORIES)
        if lead_is_title:  # a fresh 5-word title per article, repeated at the start of its lead
            title = " ".join(rng.sample(STORIES[k][1].split() + WORDS[LABELS[k % 3]], 5))
            lead = title + " اليوم حسب مصادر رسمية."
        else:  # the story's recurring title; the lead says nothing about it
            title, lead = STORIES[k][0], "قالت مصادر إعلامية إن الخبر انتشر بسرعة."
        rows.append({"id": f"{prefix}{i:03d}", "text": _story_body(rng, k, lead), "headline": title, "outlet": "x"})
    return rows


@pytest.mark.parametrize("lead_is_title", [True, False])
def test_headline_reports_every_variant_and_chooses_on_validation(lead_is_title):
    make = lambda seed, n, p: _headline_rows(seed, n, p, lead_is_title)  # noqa: E731
    data = TaskData("headline", make(1, 24, "tr"), make(2, 6, "va"), make(3, 6, "te"))
    data.references = {data.test[0]["id"]: ["عنوان مكتوب باليد"]}
    result = get_baseline("headline", "tfidf")(data, Options())
    assert set(result.validation) == set(tfidf.HEADLINE_VARIANTS)
    assert set(result.extra["test_variants"]) == set(tfidf.HEADLINE_VARIANTS)
    assert all("rougeL" in s for s in result.extra["test_variants"].values())
    assert all(s["multi_reference"]["n"] == 1 for s in result.extra["test_variants"].values())
    chosen = result.settings["variant"]
    assert result.validation[chosen] == max(result.validation.values())
    assert [p["id"] for p in result.predictions] == [r["id"] for r in data.test]
    assert [p["reference"] for p in result.predictions] == [r["headline"] for r in data.test]
    # Leads that start with the title make "lead" win; otherwise the nearest training story's headline is exact.
    assert chosen == ("lead" if lead_is_title else "nearest_train")
    assert result.extra["test_variants"][chosen]["rougeL"] > 80
    assert result.settings["trim_words"] == round(statistics.median(len(r["headline"].split()) for r in data.train))


def test_sentence_split_and_trim():
    body = "الجملة الأولى هنا. والثانية؟ نعم\nسطر جديد، فيه كلام كثير جدا"
    assert tfidf.split_sentences(body) == ["الجملة الأولى هنا.", "والثانية؟", "نعم", "سطر جديد، فيه كلام كثير جدا"]
    assert tfidf.split_sentences("الرقم 3.5 في المئة.") == ["الرقم 3.5 في المئة."]
    assert tfidf.trim_words("سطر جديد، فيه كلام كثير جدا", 2) == "سطر جديد"


# ------------------------------------------------------------------------------------------------ retrieval
def _corpus() -> list[dict]:
    rng = random.Random(5)
    docs = []
    for k, (title, words) in enumerate(STORIES):
        for j in range(3):  # three articles per story: related to each other
            body = " ".join(rng.choice(words.split() * 3 + COMMON) for _ in range(30))
            docs.append({"_id": f"s{k}-{j}", "title": title, "text": body})
    return docs


def _retrieval_data(corpus, queries, qrels=None) -> TaskData:
    return TaskData("retrieval", [], queries["validation"], queries["test"], corpus=corpus, queries=queries,
                    qrels=qrels or {})


def _as_query(doc: dict) -> dict:
    return {"_id": doc["_id"], "text": f"{doc['title']}\n\n{doc['text']}"}


def test_retrieval_runs_drop_the_query_and_rank_related_first():
    corpus = _corpus()
    queries = {"validation": [_as_query(corpus[0]), _as_query(corpus[4])],
               "test": [_as_query(corpus[7]), {"_id": "fresh", "text": "لا كلمات معروفة هنا إطلاقا"}]}
    result = get_baseline("retrieval", "tfidf")(_retrieval_data(corpus, queries), Options())

    assert result.settings["variant"] == lexical.DEFAULT_RETRIEVAL == "bm25-title_body"
    assert result.validation == {} and "no validation judgments" in result.settings["selection"]
    assert set(result.extra["runs"]) == set(lexical.RETRIEVAL_VARIANTS) - {lexical.DEFAULT_RETRIEVAL}
    every = {lexical.DEFAULT_RETRIEVAL: result.runs, **result.extra["runs"]}
    for variant, runs in every.items():
        assert set(runs) == {"validation", "test"}
        for split, run in runs.items():
            assert set(run) == {q["_id"] for q in queries[split]}
            for qid, ranking in run.items():
                scores = [s for _, s in ranking]
                assert qid not in {d for d, _ in ranking}, (variant, qid)
                assert len(ranking) <= lexical.RUN_DEPTH and scores == sorted(scores, reverse=True)
                assert all(s > 0 for s in scores)
        # Each story's two other articles come first.
        story = lambda d: d.split("-")[0]  # noqa: E731
        for qid, ranking in {**runs["validation"], "s2-1": runs["test"]["s2-1"]}.items():
            assert {story(d) for d, _ in ranking[:2]} == {story(qid)}, (variant, qid, ranking[:3])
        assert runs["test"]["fresh"] == []


def test_retrieval_selects_by_validation_ndcg():
    # The relevant article shares only its BODY with the query; a distractor repeats the query's title words in its
    # title. Body-only documents rank the relevant one first, title+body ones the distractor.
    corpus = _corpus() + [
        {"_id": "query", "title": "زلزال قوي يضرب الساحل", "text": "زلزال قوي يضرب الساحل الهزة المباني السكان"},
        {"_id": "relevant", "title": "تقرير الأسبوع", "text": "الهزة المباني السكان الشوارع المدينة"},
        {"_id": "distractor", "title": "زلزال قوي يضرب الساحل زلزال قوي الساحل", "text": "الفريق المباراة"},
    ]
    queries = {"validation": [_as_query(corpus[-3])], "test": [_as_query(corpus[-3])]}
    qrels = {"validation": {"query": {"relevant": 2, "distractor": 0}}}
    result = lexical.retrieval(_retrieval_data(corpus, queries, qrels), Options())
    assert set(result.validation) == set(lexical.RETRIEVAL_VARIANTS)
    assert result.validation["bm25-body"] == result.validation["tfidf-body"] == 1.0
    assert result.validation["bm25-title_body"] < 1.0
    assert result.settings["variant"] == "bm25-body"  # best, first in RETRIEVAL_VARIANTS among ties
    assert result.settings["selection"] == "validation ndcg_at_10"
    assert result.runs["test"]["query"][0][0] == "relevant"


def test_our_bm25_scores_equal_rank_bm25():
    from rank_bm25 import BM25Okapi

    docs = [lexical.model_tokens([f"{d['title']} {d['text']}"])[0] for d in _corpus()]
    ids = [f"d{i}" for i in range(len(docs))]
    index = lexical.bm25_index(ids, docs)
    # epsilon=0: a term in more than half the documents (here في, على, ...) weighs 0 in both; rank_bm25's default
    # floors it at 0.25 x mean idf instead, so only rankings close to that would differ.
    reference = BM25Okapi(docs, k1=lexical.BM25_K1, b=lexical.BM25_B, epsilon=0)
    assert min(reference.idf.values()) == 0  # the toy corpus does have such terms
    queries = [docs[0] + docs[0][:3], docs[5][:4], ["الاسعار", "البطوله", "في", "كلمه_مجهوله"], docs[10]]
    for query, ranking in zip(queries, lexical.bm25_search(index, queries, k=len(docs))):
        expected = reference.get_scores(query)
        assert {d for d, _ in ranking} == {ids[i] for i in range(len(docs)) if expected[i] > 0}
        assert [s for _, s in ranking] == sorted((s for _, s in ranking), reverse=True)
        for d, s in ranking:
            assert s == pytest.approx(expected[int(d[1:])], rel=1e-5)


def test_retrieval_never_selects_on_test_judgments():
    # Judged test queries only, no validation queries or judgments (the layout before validation judgments).
    corpus = _corpus()
    queries = {"test": [_as_query(corpus[3])]}
    data = TaskData("retrieval", [], [], queries["test"], corpus=corpus, queries=queries,
                    qrels={"test": {corpus[3]["_id"]: {corpus[12]["_id"]: 2}}})
    result = lexical.retrieval(data, Options())
    assert result.settings["variant"] == lexical.DEFAULT_RETRIEVAL and result.validation == {}
    assert set(result.runs) == {"test"} and all(set(r) == {"test"} for r in result.extra["runs"].values())
    assert set(result.extra["test_variants"]) == set(lexical.RETRIEVAL_VARIANTS)  # reported, not used
    assert {d for d, _ in result.runs["test"][corpus[3]["_id"]][:2]} == {"s1-1", "s1-2"}
