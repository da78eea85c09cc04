"""Exact and near-duplicate clusters (DESIGN §2 dedup, §6) on self-written synthetic Arabic news text."""
import hashlib
import json
import os
import random
import subprocess
import sys

import numpy as np
from datasketch import MinHash

from arnews_ds.dedup import (
    TokenCache,
    cluster_records,
    find_clusters,
    jaccard,
    minhash_values,
    near_pairs,
    shingle_hashes,
    signatures,
    token_hashes,
    tokens,
)
from arnews_ds.record import Article

# A made-up story about a road opening, one sentence per line (16 sentences, ~190 words).
ROAD = """أعلنت وزارة النقل اليوم عن افتتاح طريق جديد يربط المدينة بالمطار الدولي.
وقال المتحدث باسم الوزارة إن المشروع استغرق ثلاث سنوات من العمل المتواصل.
ويبلغ طول الطريق أربعين كيلومترا ويضم ستة جسور وثلاثة أنفاق.
وأضاف أن الطريق سيخفف الازدحام في وسط المدينة خلال ساعات الذروة.
وتوقع خبراء أن يسهم المشروع في تنشيط الحركة التجارية في الأحياء الشمالية.
وشارك في حفل الافتتاح عدد من المسؤولين وممثلي الشركات المنفذة.
وأكد الوزير أن الحكومة ماضية في تطوير شبكة الطرق في جميع المحافظات.
وأشار إلى أن مرحلة ثانية من المشروع ستبدأ مطلع العام المقبل.
وتشمل المرحلة الثانية إنشاء محطات للحافلات ومواقف للسيارات قرب المطار.
ورحب سكان المنطقة بالمشروع وطالبوا بتوفير إنارة أفضل على الطريق ليلا.
وكانت الوزارة قد أغلقت الطريق القديم مؤقتا لإجراء أعمال صيانة شاملة.
وتقدر تكلفة المشروع بنحو مليار ريال وفق البيانات الرسمية المنشورة.
وتعمل فرق المرور على تنظيم الحركة في الأيام الأولى بعد الافتتاح.
ودعت الوزارة السائقين إلى الالتزام بالسرعة المحددة واتباع الإشارات الجديدة.
ومن المنتظر أن تنشر الوزارة تقريرا عن حجم الحركة بعد شهر من التشغيل.
واختتم الوزير كلمته بشكر العاملين الذين أنجزوا المشروع في موعده.""".split("\n")
OTHER_1 = "وقالت مصادر مطلعة إن الحكومة تدرس تمديد الطريق حتى الميناء الجنوبي في السنوات القليلة القادمة."
OTHER_2 = "ونشرت الصحف المحلية صورا للجسور الجديدة وهي مضاءة بألوان العلم الوطني طوال الليل."
# An unrelated made-up match report.
MATCH = """فاز المنتخب الوطني لكرة القدم على ضيفه بهدفين مقابل هدف في مباراة ودية.
وسجل المهاجم الشاب الهدف الأول في الدقيقة العاشرة من الشوط الأول.
وعادل الفريق الضيف النتيجة بعد خطأ دفاعي قبل نهاية الشوط بدقائق.
وفي الشوط الثاني أحرز قائد المنتخب هدف الفوز من ركلة جزاء.
وقال المدرب بعد المباراة إن اللاعبين قدموا أداء جيدا رغم الإرهاق.
ويستعد المنتخب لخوض التصفيات القارية الشهر المقبل على أرضه.
وحضر المباراة أكثر من عشرين ألف متفرج في الملعب الرئيسي بالعاصمة.
وتلقى اللاعب المصاب علاجا فوريا ومن المتوقع أن يعود للتدريبات قريبا."""


def body(sentences: list[str]) -> str:
    return "\n".join(sentences)


def replaced(sentences: list[str], at: int, new: str) -> list[str]:
    return sentences[:at] + [new] + sentences[at + 1 :]


def art(id_: str, text: str, outlet: str = "bbc-arabic", title: str = "عنوان الخبر", published=None, flags=()):
    return Article(
        id=id_, corpus="ant-v2.1", outlet=outlet, url=None, published=published,
        date_kind="published" if published else "none", title=title, lead=None, body=text, byline=None,
        flags=tuple(flags),
    )


def shingles(text: str) -> np.ndarray:
    return shingle_hashes(token_hashes(text))


ROAD_TEXT = body(ROAD)
# The same text as another outlet might print it: diacritics, other alef/yaa/taa forms, tatweel, spacing, punctuation.
ROAD_RESPELLED = (
    ROAD_TEXT.replace("أعلنت", "اعلنت").replace("الطريق", "الطَّرِيقُ").replace("إلى", "الي")
    .replace("المدينة", "المديـنه").replace(" ", "  ").replace(".", " ،").replace("\n", "\n\n")
)


def test_tokens_ignore_spacing_diacritics_letter_forms_and_punctuation():
    assert tokens("قالَ  أحمدُ: «الطريقُ»، جديدٌ!") == ["قال", "احمد", "الطريق", "جديد"]
    assert tokens(ROAD_RESPELLED) == tokens(ROAD_TEXT)


def test_token_hashes_match_tokens_on_awkward_text():
    # Invisibles and tatweel inside words, NBSP and tabs between them, punctuation glued on both sides.
    text = "«مرحـبا»\u00a0بال\u200bعالم،\tكَتَبَ  Hello-World 2015م (واس)\u200f\nسطر"
    cache = TokenCache()
    expected = [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little") for t in tokens(text)]
    assert token_hashes(text, cache).tolist() == expected
    assert token_hashes(text, cache).tolist() == expected  # served from the cache


def test_signatures_are_bit_identical_to_datasketch():
    rng = np.random.default_rng(7)
    sets = [np.unique(rng.integers(0, 2**63, size=n, dtype=np.uint64)) for n in (5, 17, 300, 5000, 9000, 40)]
    sigs = signatures(sets, num_perm=64, seed=3)
    for s, sig in zip(sets, sigs):
        ref = MinHash(num_perm=64, seed=3, hashfunc=int)
        ref.update_batch(minhash_values(s).tolist())
        assert np.array_equal(ref.hashvalues, sig)


def test_exact_copies_with_other_spelling_cluster_as_exact():
    arts = [art("a1", ROAD_TEXT), art("b2", ROAD_RESPELLED, outlet="cnn-arabic"), art("c3", MATCH)]
    c = find_clusters(arts)
    assert len(c.clusters) == 1
    (cl,) = c.clusters
    # The respelled copy is longer (diacritics, spaces), so it represents the cluster.
    assert (cl.representative, cl.members, cl.kinds, cl.kind) == ("b2", ("a1",), ("exact",), "exact")
    assert c.cluster_of == {"a1": "b2", "b2": "b2", "c3": "c3"}
    assert c.link_of == {"a1": "exact", "b2": "self", "c3": "self"}
    assert (c.n_exact_merged, c.n_near_merged) == (1, 0)


def test_one_sentence_changed_is_a_near_copy():
    near = body(replaced(ROAD, 5, OTHER_1))
    assert 0.8 <= jaccard(shingles(ROAD_TEXT), shingles(near)) < 1
    arts = [art("a1", ROAD_TEXT), art("b2", ROAD_RESPELLED), art("c3", near, flags=["no_title"]), art("d4", MATCH)]
    c = find_clusters(arts)
    assert [(x.representative, x.members, x.kinds, x.kind) for x in c.clusters] == [
        ("b2", ("a1", "c3"), ("exact", "near"), "near")
    ]
    assert (c.n_exact_merged, c.n_near_merged) == (1, 1)
    assert cluster_records(c) == [
        {"representative_id": "b2", "member_id": "a1", "kind": "exact"},
        {"representative_id": "b2", "member_id": "c3", "kind": "near"},
    ]


def test_unrelated_and_loosely_related_texts_stay_apart():
    half = body(ROAD[:8] + MATCH.split("\n"))  # shares half its sentences with each of the others
    assert jaccard(shingles(ROAD_TEXT), shingles(half)) < 0.8
    c = find_clusters([art("a1", ROAD_TEXT), art("b2", MATCH), art("c3", half)])
    assert c.clusters == ()
    assert set(c.link_of.values()) == {"self"}


def test_near_links_are_transitive():
    a, b = ROAD, replaced(ROAD, 3, OTHER_1)
    cc = replaced(b, 11, OTHER_2)
    sa, sb, sc = (shingles(body(x)) for x in (a, b, cc))
    assert jaccard(sa, sb) >= 0.8 and jaccard(sb, sc) >= 0.8 and jaccard(sa, sc) < 0.8
    c = find_clusters([art("x1", body(a)), art("x2", body(b)), art("x3", body(cc), outlet="alarabiya")])
    assert len(c.clusters) == 1
    assert set(c.cluster_of.values()) == {c.clusters[0].representative}
    assert sorted(c.clusters[0].kinds) == ["near", "near"]


def test_short_bodies_only_dedup_exactly():
    c = find_clusters([art("s1", "عاجل: انفجار في الميناء"), art("s2", "عاجل انفجار في الميناءِ"),
                       art("s3", "عاجل: انفجار في المطار")])
    assert c.cluster_of == {"s1": "s1", "s2": "s1", "s3": "s3"}  # equal lengths: the smaller id wins
    assert c.link_of["s2"] == "exact"


def test_representative_rule():
    # Titled beats untitled even when shorter; then longest body; then earliest date, undated last; then id.
    def rep(*arts):
        return find_clusters(arts).clusters[0].representative

    assert rep(art("a", ROAD_RESPELLED, flags=["no_title"]), art("b", ROAD_TEXT, title="")) == "b"
    assert rep(art("a", ROAD_TEXT), art("b", ROAD_RESPELLED)) == "b"
    assert rep(art("a", ROAD_TEXT, published="2015-03-02"), art("b", ROAD_TEXT, published="2015-03-01"),
               art("c", ROAD_TEXT)) == "b"
    assert rep(art("b", ROAD_TEXT), art("a", ROAD_TEXT, published="2015-03-09")) == "a"
    assert rep(art("b", ROAD_TEXT), art("a", ROAD_TEXT)) == "a"


def _corpus() -> list[Article]:
    road, match = ROAD, MATCH.split("\n")
    texts = [ROAD_TEXT, ROAD_RESPELLED, body(replaced(road, 2, OTHER_1)), body(replaced(road, 9, OTHER_2)),
             MATCH, body(replaced(match, 1, OTHER_1) + road[:2]), "خبر قصير جدا", "خبر قصير جدا"]
    texts += [body(road[k:] + match[:k]) for k in range(2, 8)]
    return [art(f"{i:02x}", t, outlet=["bbc-arabic", "was", "okaz"][i % 3]) for i, t in enumerate(texts)]


def test_same_clusters_for_any_input_order():
    arts = _corpus()
    first = find_clusters(arts)
    assert first == find_clusters(arts)
    shuffled = arts[:]
    random.Random(5).shuffle(shuffled)
    assert find_clusters(shuffled) == first
    assert list(first.cluster_of) == sorted(first.cluster_of)
    assert [c.representative for c in first.clusters] == sorted(c.representative for c in first.clusters)
    assert first.n_exact_merged >= 2 and first.n_near_merged >= 2


def test_same_clusters_under_any_hash_seed():
    script = (
        "import json, tests.test_dedup as t; from arnews_ds.dedup import cluster_records, find_clusters;"
        "print(json.dumps(cluster_records(find_clusters(t._corpus()))))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outs = [
        subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1] and json.loads(outs[0])


def test_lsh_finds_every_near_pair_of_the_small_corpus():
    # Brute force over all pairs: banding must not drop a pair at or above the threshold.
    cache = TokenCache()
    sets = [shingle_hashes(token_hashes(a.body, cache)) for a in _corpus()]
    sets = [s for s in sets if len(s) >= 5]
    truth = {(i, j) for i in range(len(sets)) for j in range(i + 1, len(sets)) if jaccard(sets[i], sets[j]) >= 0.8}
    assert truth and truth <= set(near_pairs(sets))
