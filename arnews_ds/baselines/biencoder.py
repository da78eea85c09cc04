"""The transformer retrieval baseline: a bi-encoder (shared encoder, mean pooling, cosine) trained with in-batch
negatives on training (title -> body) pairs, or a pretrained `AutoModel` fine-tuned the same way. Settings,
tokenizers and the training loop are shared with `transformer.py`; see its docstring for inputs and repeatability.
"""
from __future__ import annotations

from .transformer import Setting, _bert_config, _codec, _prep, _setting, _settings, _validation
from .types import BaselineResult, Options, TaskData

RETRIEVAL_SCALE = 20.0  # cosine -> logits for the in-batch softmax (sentence-transformers' MNRL default)
SELECTION_POOL = 5000  # retrieval selection with judgments: judged docs + this many random corpus docs
TOP_K = 100


def _document(row: dict) -> str:
    """A corpus article as the `queries` config writes a query: title, blank line, body."""
    return f"{row['title']}\n\n{row['text']}" if row.get("title") else row["text"]


def retrieval(data: TaskData, opts: Options) -> BaselineResult:
    """Train the bi-encoder, choose the epoch on `_selection_set`, rank the corpus for every split's queries."""
    import time

    import torch

    from ..metrics.scores import retrieval_scores
    from ._torch_utils import cap_rows, embed, fit, mean_pool, pad, pick_device, rank, seeded

    setting, device, prep = _setting("retrieval", opts), pick_device(opts.device), _prep("retrieval", opts)
    with seeded(opts.seed, device):
        pairs = [{"_id": r.get("_id") or r.get("id"), "title": r.get("title") or r.get("headline") or "",
                  "text": r["text"]} for r in data.train]
        pairs = [p for p in pairs if p["title"] and p["text"]]
        selection, pairs = _selection_set(data, setting, opts.seed, pairs)
        pairs = cap_rows(pairs, setting.max_train, opts.seed)
        titles, bodies = [prep(p["title"]) for p in pairs], [prep(p["text"]) for p in pairs]
        codec = _codec(opts, setting, titles + bodies)
        if opts.model_name:
            from transformers import AutoModel

            encoder = AutoModel.from_pretrained(opts.model_name)
        else:
            from transformers import BertModel

            encoder = BertModel(_bert_config(setting, codec.vocab_size), add_pooling_layer=False)
        encoder.to(device)
        q_ids, d_ids = codec.encode(titles, setting.short_len), codec.encode(bodies, setting.max_len)

        def vectors(seqs):
            ids, mask = pad(seqs, codec.pad_id, device)
            return mean_pool(encoder(input_ids=ids, attention_mask=mask).last_hidden_state, mask)

        def loss_of(batch):
            logits = RETRIEVAL_SCALE * vectors([q_ids[i] for i in batch]) @ vectors([d_ids[i] for i in batch]).T
            target = torch.arange(len(batch), device=device)
            ce = torch.nn.functional.cross_entropy
            return (ce(logits, target) + ce(logits.T, target)) / 2  # title -> body and body -> title

        sel_queries = codec.encode([prep(t) for t in selection["query_texts"]], selection["query_len"])
        sel_docs = codec.encode([prep(t) for t in selection["doc_texts"]], setting.max_len)

        def evaluate():
            if not selection["query_ids"]:
                return None  # nothing to select on: the last epoch is kept
            run = rank(embed(encoder, sel_queries, codec.pad_id, device), selection["query_ids"],
                       embed(encoder, sel_docs, codec.pad_id, device), selection["doc_ids"], TOP_K,
                       drop_self=selection["drop_self"])
            scores = retrieval_scores(selection["qrels"], run, ignore_identical_ids=selection["drop_self"])
            return scores["ndcg_at_10"], scores

        report = fit(encoder, len(pairs), loss_of, evaluate, epochs=setting.epochs, batch_size=setting.batch_size,
                     lr=setting.lr, seed=opts.seed, patience=setting.patience, progress=not opts.tiny,
                     desc="retrieval")

        t0 = time.perf_counter()
        corpus_ids = [r["_id"] for r in data.corpus]
        doc_vecs = embed(encoder, codec.encode([prep(_document(r)) for r in data.corpus], setting.max_len),
                         codec.pad_id, device, progress=not opts.tiny, desc="encode corpus")
        encode_seconds = time.perf_counter() - t0
        position = {d: i for i, d in enumerate(corpus_ids)}
        texts = {r["_id"]: _document(r) for r in data.corpus}
        runs = {}
        for split, queries in data.queries.items():
            # A query article is a corpus article: reuse its vector when the texts agree (they do in the build).
            same = [q for q in queries if texts.get(q["_id"]) == q["text"]]
            other = [q for q in queries if texts.get(q["_id"]) != q["text"]]
            ids = [q["_id"] for q in same] + [q["_id"] for q in other]
            vecs = doc_vecs[[position[q["_id"]] for q in same]]
            if other:
                fresh = embed(encoder, codec.encode([prep(q["text"]) for q in other], setting.max_len),
                              codec.pad_id, device)
                vecs = torch.cat([vecs, fresh])
            runs[split] = rank(vecs, ids, doc_vecs, corpus_ids, TOP_K, drop_self=True)
    validation = _validation("ndcg_at_10", selection["query_ids"], report, selection_set=selection["name"])
    if data.qrels.get("validation") and "validation" in runs:
        validation["full_corpus"] = retrieval_scores(data.qrels["validation"], runs["validation"])
    settings = _settings("retrieval", opts, setting, device, codec, encoder, report, train_pairs=len(pairs),
                         training="in-batch negatives, title -> body and body -> title, scale 20",
                         pooling="mean, cosine", document="title + blank line + text",
                         corpus_docs=len(corpus_ids),
                         corpus_encode_docs_per_s=round(len(corpus_ids) / max(encode_seconds, 1e-9), 1))
    return BaselineResult(settings=settings, validation=validation, runs=runs)


def _selection_set(data: TaskData, setting: Setting, seed: int, pairs: list[dict]) -> tuple[dict, list[dict]]:
    """What the retrieval epochs are compared on, small enough to encode after every epoch; and the training pairs.

    1. Judged validation queries: against their judged documents plus `SELECTION_POOL` random corpus documents.
    2. Else validation articles (the queries of an unjudged validation split): known-item search, each title
       against the sampled validation bodies — the training objective on held-out articles.
    3. Else (no validation split at all, e.g. judgments for test only): the same known-item search on
       `eval_rows` training articles held out of training, so nothing from test is ever looked at.
    """
    import numpy as np

    from ._torch_utils import cap_rows

    corpus = {r["_id"]: r for r in data.corpus}
    qrels = data.qrels.get("validation") or {}
    queries = {q["_id"]: q for q in data.queries.get("validation", data.validation)}
    judged = sorted(q for q in qrels if q in queries and any(g >= 1 for g in qrels[q].values()))
    if judged:
        chosen = cap_rows(judged, setting.eval_rows, seed)
        docs = sorted({d for q in chosen for d in qrels[q] if d in corpus})
        rest = sorted(set(corpus) - set(docs))
        rng = np.random.default_rng(seed)
        extra = rng.choice(len(rest), size=min(SELECTION_POOL, len(rest)), replace=False) if rest else []
        docs += [rest[i] for i in sorted(extra)]
        return {"name": f"judged validation queries vs judged docs + {SELECTION_POOL} random corpus docs",
                "query_ids": chosen, "query_texts": [queries[q]["text"] for q in chosen],
                "doc_ids": docs, "doc_texts": [_document(corpus[d]) for d in docs],
                "qrels": {q: qrels[q] for q in chosen}, "drop_self": True, "query_len": setting.max_len}, pairs
    items = [corpus[q] for q in sorted(queries) if q in corpus and corpus[q].get("title") and corpus[q]["text"]]
    name = "known-item: validation titles vs their own bodies"
    if not items:  # hold out training articles instead (the rest of the split is untouched)
        held = set(cap_rows(range(len(pairs)), min(setting.eval_rows or 2000, len(pairs) // 5), seed))
        items = [p for i, p in enumerate(pairs) if i in held]
        pairs = [p for i, p in enumerate(pairs) if i not in held]
        name = "known-item: titles vs their own bodies of training articles held out of training"
    chosen = cap_rows(items, setting.eval_rows, seed)
    ids = [r["_id"] for r in chosen]
    return {"name": name, "query_ids": ids, "query_texts": [r["title"] for r in chosen], "doc_ids": ids,
            "doc_texts": [r["text"] for r in chosen], "qrels": {q: {q: 1} for q in ids}, "drop_self": False,
            "query_len": setting.short_len}, pairs
