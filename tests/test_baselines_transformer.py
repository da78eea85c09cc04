"""Transformer baselines end to end on tiny self-written data (Options.tiny: one layer, hidden 32, a few steps)."""
import random

import pytest

from arnews_ds.baselines import Options, TaskData, get_baseline
from arnews_ds.baselines import biencoder, transformer

# Made-up word lists per topic; every row below is generated from them (no real article text).
WORDS = {
    "sports": "مباراة فريق هدف لاعب الدوري المدرب الملعب بطولة الجمهور الحارس".split(),
    "economy": "السوق الأسهم النفط البنك التضخم الأسعار الاستثمار الشركات الميزانية الدولار".split(),
    "politics": "الوزير الحكومة الانتخابات البرلمان الرئيس القمة المفاوضات الحزب السفير القرار".split(),
}
COMMON = "في من على إلى أن هذا مع بعد قبل حيث".split()
LABELS = sorted(WORDS)


def _article(rng: random.Random, label: str, n: int) -> tuple[str, str]:
    words = WORDS[label]
    title = " ".join(rng.choice(words) for _ in range(5))
    body = "\n".join(" ".join(rng.choice(words + COMMON) for _ in range(n)) + "." for _ in range(2))
    return title, body


def _rows(seed: int, count: int, prefix: str) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        label = LABELS[i % len(LABELS)]
        title, body = _article(rng, label, 20)
        rows.append({"id": f"{prefix}{i:04d}", "title": title, "text": body, "label": LABELS.index(label),
                     "headline": title, "outlet": "x"})
    return rows


def topic_data() -> TaskData:
    return TaskData("topic", _rows(1, 120, "tr"), _rows(2, 30, "va"), _rows(3, 30, "te"), label_names=LABELS)


def headline_data() -> TaskData:
    return TaskData("headline", _rows(4, 120, "tr"), _rows(5, 20, "va"), _rows(6, 20, "te"))


def retrieval_data(judged: bool = True) -> TaskData:
    articles = {"train": _rows(7, 100, "tr"), "validation": _rows(8, 24, "va"), "test": _rows(9, 24, "te")}
    corpus = [{"_id": r["id"], "title": r["title"], "text": r["text"]} for rows in articles.values() for r in rows]
    queries = {s: [{"_id": r["id"], "text": f"{r['title']}\n\n{r['text']}"} for r in articles[s]]
               for s in ("validation", "test")}
    queries["test"][0]["text"] = "نص مختلف عن المقال"  # a query whose text is not its corpus text: encoded fresh
    qrels = {}
    if judged:  # same-topic articles are related
        label = {r["id"]: r["label"] for rows in articles.values() for r in rows}
        for split in ("validation", "test"):
            qrels[split] = {q["_id"]: {d["_id"]: 1 for d in corpus if label[d["_id"]] == label[q["_id"]]
                                       and d["_id"] != q["_id"]} for q in queries[split]}
    train = [{"_id": r["id"], "title": r["title"], "text": r["text"]} for r in articles["train"]]
    return TaskData("retrieval", train, queries["validation"], queries["test"], corpus=corpus, queries=queries,
                    qrels=qrels)


TINY = Options(seed=3, tiny=True)


def _check_settings(result, task):
    s = result.settings
    assert s["tiny"] and s["variant"].startswith("scratch-") and s["device"] == "cpu"
    assert s["setting"]["layers"] == 1 and s["setting"]["hidden"] == 32
    assert 0 < s["tokenizer_vocab_size"] <= 400
    assert s["steps"] > 0 and s["train_samples_per_s"] > 0 and 1 <= s["best_epoch"] <= s["epochs_run"] <= 2
    assert s["model_config"]["model_type"] == ("bart" if task == "headline" else "bert")
    assert result.validation["epochs"] and result.validation["best_epoch"] == s["best_epoch"]


def test_registry_points_here():
    assert get_baseline("topic", "transformer") is transformer.topic
    assert get_baseline("retrieval", "transformer") is biencoder.retrieval


def test_topic_end_to_end_and_deterministic():
    data = topic_data()
    result = transformer.topic(data, TINY)
    _check_settings(result, "topic")
    assert [p["id"] for p in result.predictions] == [r["id"] for r in data.test]
    assert all(set(p) == {"id", "gold", "pred"} and p["gold"] in LABELS and p["pred"] in LABELS
               for p in result.predictions)
    assert [p["gold"] for p in result.predictions] == [LABELS[r["label"]] for r in data.test]
    assert result.validation["selection_metric"] == "macro_f1"
    assert 0 <= result.validation["selected"]["macro_f1"] <= 1
    again = transformer.topic(topic_data(), TINY)
    assert again.predictions == result.predictions
    assert again.validation == result.validation


def test_max_train_caps_training_rows():
    result = transformer.topic(topic_data(), Options(seed=3, tiny=True, max_train=40))
    assert result.settings["train_rows"] == 40 and result.settings["setting"]["max_train"] == 40


def test_headline_end_to_end():
    data = headline_data()
    result = transformer.headline(data, TINY)
    _check_settings(result, "headline")
    assert [p["id"] for p in result.predictions] == [r["id"] for r in data.test]
    assert all(set(p) == {"id", "reference", "prediction"} and isinstance(p["prediction"], str)
               for p in result.predictions)
    assert [p["reference"] for p in result.predictions] == [r["headline"] for r in data.test]
    assert "rougeL" in result.validation["selected"]
    assert "[SEP]" not in "".join(p["prediction"] for p in result.predictions)


@pytest.mark.parametrize("judged", [True, False])
def test_retrieval_end_to_end(judged):
    data = retrieval_data(judged)
    result = biencoder.retrieval(data, TINY)
    _check_settings(result, "retrieval")
    corpus_ids = {r["_id"] for r in data.corpus}
    assert set(result.runs) == {"validation", "test"}
    for split, run in result.runs.items():
        assert set(run) == {q["_id"] for q in data.queries[split]}
        for qid, ranking in run.items():
            docs = [d for d, _ in ranking]
            assert qid not in docs  # the query article itself is never retrieved
            assert len(docs) == min(100, len(corpus_ids) - 1) and len(set(docs)) == len(docs)
            assert set(docs) <= corpus_ids
            scores = [s for _, s in ranking]
            assert scores == sorted(scores, reverse=True) and all(isinstance(s, float) for s in scores)
    assert result.validation["selection_metric"] == "ndcg_at_10"
    assert ("judged" in result.validation["selection_set"]) == judged
    assert ("full_corpus" in result.validation) == judged


def test_retrieval_without_validation_selects_on_held_out_training_articles():
    data = retrieval_data(judged=False)
    data.queries.pop("validation")
    data.validation = []
    result = biencoder.retrieval(data, TINY)
    assert set(result.runs) == {"test"}
    assert "held out of training" in result.validation["selection_set"]
    assert result.validation["selection_rows"] == 20  # a fifth of the 100 training articles ...
    assert result.settings["train_pairs"] == 80  # ... which are not trained on


def test_pretrained_path_from_a_local_folder(tmp_path):
    """`model_name` = a local checkpoint folder (what a Hub id resolves to): the fine-tuning branch, offline."""
    from transformers import (BartConfig, BartForConditionalGeneration, BertConfig, BertModel,
                              PreTrainedTokenizerFast)

    from arnews_ds.baselines._torch_utils import train_tokenizer

    rows = _rows(10, 60, "x")
    tok = PreTrainedTokenizerFast(tokenizer_object=train_tokenizer([r["text"] for r in rows], 300),
                                  pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                  bos_token="[CLS]", eos_token="[SEP]")
    small = {"vocab_size": len(tok), "pad_token_id": 0}
    encoder = tmp_path / "encoder"
    BertModel(BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         **small)).save_pretrained(encoder)
    seq2seq = tmp_path / "seq2seq"
    BartForConditionalGeneration(BartConfig(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                                            decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                                            bos_token_id=2, eos_token_id=3, decoder_start_token_id=2,
                                            forced_eos_token_id=None, **small)).save_pretrained(seq2seq)
    for folder in (encoder, seq2seq):
        tok.save_pretrained(folder)

    result = transformer.topic(topic_data(), Options(seed=3, tiny=True, model_name=str(encoder)))
    assert result.settings["variant"].endswith("encoder-tiny") and result.settings["tokenizer"] == "pretrained"
    assert "hidden" not in result.settings["setting"]
    assert len(result.predictions) == 30
    result = biencoder.retrieval(retrieval_data(), Options(seed=3, tiny=True, model_name=str(encoder)))
    assert all(qid not in dict(r) for run in result.runs.values() for qid, r in run.items())
    result = transformer.headline(headline_data(), Options(seed=3, tiny=True, model_name=str(seq2seq)))
    assert all(isinstance(p["prediction"], str) for p in result.predictions)
