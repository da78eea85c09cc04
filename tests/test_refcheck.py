"""Reference-headline token check on self-written sentences (synthetic text)."""
from arnews_ds.refcheck import check_references, stem, unsupported_tokens
from arnews_ds.text import normalize_for_model


def _stems(*words: str) -> frozenset[str]:
    return frozenset(stem(normalize_for_model(w)) for w in words)

BODY = "أعلنت وزارة الصحة في الرياض اليوم افتتاح ثلاثة مستشفيات جديدة بسعة 300 سرير"


def test_numbers_and_places_absent_from_the_body_are_flagged():
    gaz = _stems("جدة", "الرياض")
    assert unsupported_tokens("الصحة تفتتح ثلاثة مستشفيات في جدة بسعة 500 سرير", BODY, gazetteer=gaz) == ["جده", "500"]
    assert unsupported_tokens("الصحة تفتتح ثلاثة مستشفيات في الرياض بسعة 300 سرير", BODY, gazetteer=gaz) == []


def test_paraphrase_passes_and_rare_title_words_are_a_leak():
    title = "افتتاح مستشفيات الملك فيصل"
    rare = _stems("فيصل")
    assert unsupported_tokens("وزارة الصحة توسع خدماتها", BODY, title, rare, gazetteer=frozenset()) == []
    assert unsupported_tokens("مستشفيات فيصل تفتح", BODY, title, rare, gazetteer=frozenset()) == ["فيصل"]


def test_common_words_are_never_gazetteer_hits():
    gaz = _stems("وسط")
    assert unsupported_tokens("افتتاح مستشفيات وسط ترحيب", BODY, common=_stems("وسط"), gazetteer=gaz) == []


def test_check_references_uses_corpus_statistics():
    articles = {"a": {"title": "خبر", "body": BODY}, "b": {"title": "خبر آخر", "body": "نص قصير عن الطقس"}}
    flagged = check_references([("a", "افتتاح مستشفيات بسعة 400 سرير")], articles)
    assert flagged == [{"id": "a", "reference": "افتتاح مستشفيات بسعة 400 سرير", "flagged": ["400"]}]
