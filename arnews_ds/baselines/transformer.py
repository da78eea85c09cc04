"""Transformer baselines: fine-tune a pretrained model (`Options.model_name`) or train a small one from scratch.

Offline default (`model_name=None`, no pretrained weights needed): a BPE tokenizer trained on the task's training
rows, then a small model from a config — topic: a BERT classifier; headline: a BART encoder-decoder, greedy decoding;
retrieval: a BERT bi-encoder (`biencoder.py`: shared encoder, mean pooling, cosine) trained with in-batch negatives
on training (title -> body) pairs. With `model_name` (a Hub id or a local folder) the same loops fine-tune
`AutoModelForSequenceClassification`, `AutoModelForSeq2SeqLM` or `AutoModel` (mean pooling) with its own tokenizer.

Model inputs: the from-scratch classifier and bi-encoder read `normalize_for_model` text (folded alef/yaa/taa
marbuta, no diacritics: fewer rare word forms for a small vocabulary). Headlines are generated in stored spelling
(`clean_text`) on both paths, because the metrics compare surface forms with the references. Pretrained models read
`clean_text` and do their own normalization.

The from-scratch defaults (`SCRATCH`) are sized for a CPU: with 2 cores each task takes 14-17 minutes on the full
build (measured: topic 97 training samples/s, headline 195, retrieval 240; see `results/*/transformer`). Dropout
is 0 there: on CPU it about halves training speed, the budget is one to three epochs, and the epoch is chosen on
validation anyway. Selection (best epoch, early stopping) sees validation only; see `_torch_utils`
for what makes a run reproducible.

Repeatability: bit for bit on CPU only (same seed, versions, hardware and torch thread count). On CUDA, PyTorch's
memory-efficient attention backward is non-deterministic (torch warns about it; `seeded` runs deterministic
algorithms with `warn_only`), so GPU runs with the same seed may differ in the last bits and a few predictions.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from .types import BaselineResult, Options, TaskData


@dataclass(frozen=True)
class Setting:
    vocab_size: int = 16000  # from scratch only, like layers/hidden/heads/dropout
    layers: int = 2  # encoder layers (and decoder layers for the headline model)
    hidden: int = 128
    heads: int = 4
    max_len: int = 128  # input tokens: topic title+text, headline source, retrieval document
    short_len: int = 32  # headline target / retrieval query (title) tokens
    epochs: int = 2
    batch_size: int = 32
    lr: float = 5e-4
    max_train: int | None = None  # cap on training rows (a seeded sample); Options.max_train can lower it
    patience: int = 1  # epochs without validation improvement before stopping
    eval_rows: int | None = None  # validation rows (headline) or queries (retrieval) used for selection; None = all
    num_beams: int = 1  # headline decoding
    dropout: float = 0.0


SCRATCH = {
    "topic": Setting(max_len=256, epochs=3, batch_size=32, lr=5e-4),
    # The source is the lead (64 tokens, about 45 words: most headline words that occur in the text occur there);
    # short inputs and a smaller vocabulary buy the steps a seq2seq model needs to start reading its source.
    "headline": Setting(vocab_size=8000, max_len=64, short_len=32, epochs=3, batch_size=32, lr=1e-3,
                        eval_rows=1000),
    "retrieval": Setting(max_len=128, short_len=32, epochs=3, batch_size=64, lr=5e-4, eval_rows=2000),
}
# Fine-tuning a pretrained checkpoint: meant for a GPU; the architecture fields are the checkpoint's own.
PRETRAINED = {
    "topic": Setting(max_len=256, epochs=3, batch_size=16, lr=3e-5),
    "headline": Setting(max_len=512, short_len=48, epochs=3, batch_size=8, lr=1e-4, eval_rows=1000, num_beams=4),
    "retrieval": Setting(max_len=256, short_len=48, epochs=2, batch_size=32, lr=3e-5, eval_rows=2000),
}
# Options.tiny (tests, smoke runs): the same code path on a model and budget that run in seconds.
TINY = {"vocab_size": 400, "layers": 1, "hidden": 32, "heads": 2, "max_len": 48, "short_len": 12, "epochs": 2,
        "batch_size": 32, "lr": 3e-3, "max_train": 200, "eval_rows": 60, "num_beams": 1}


def _setting(task: str, opts: Options) -> Setting:
    setting = (PRETRAINED if opts.model_name else SCRATCH)[task]
    if opts.tiny:
        setting = replace(setting, **TINY)
    caps = [c for c in (setting.max_train, opts.max_train) if c is not None]
    return replace(setting, max_train=min(caps) if caps else None)


def _prep(task: str, opts: Options):
    from ..text import clean_text, normalize_for_model

    return normalize_for_model if task != "headline" and not opts.model_name else clean_text


def _codec(opts: Options, setting: Setting, texts: list[str]):
    from ._torch_utils import Codec, train_tokenizer

    if opts.model_name:
        from transformers import AutoTokenizer

        return Codec(AutoTokenizer.from_pretrained(opts.model_name), pretrained=True)
    return Codec(train_tokenizer(texts, setting.vocab_size), pretrained=False)


def _bert_config(setting: Setting, vocab_size: int, **kwargs):
    from transformers import BertConfig

    from ._torch_utils import PAD

    return BertConfig(vocab_size=vocab_size, hidden_size=setting.hidden, num_hidden_layers=setting.layers,
                      num_attention_heads=setting.heads, intermediate_size=4 * setting.hidden,
                      max_position_embeddings=setting.max_len, type_vocab_size=1, pad_token_id=PAD,
                      hidden_dropout_prob=setting.dropout, attention_probs_dropout_prob=0.0, **kwargs)


def _settings(task: str, opts: Options, setting: Setting, device: str, codec, model, report, **extra) -> dict:
    import json

    import torch
    import transformers

    arch = model.config.model_type
    variant = opts.model_name or f"scratch-{arch}-{setting.layers}x{setting.hidden}"
    if opts.tiny:
        variant += "-tiny"
    fields = asdict(setting)
    if opts.model_name:  # the checkpoint's own architecture applies
        for name in ("vocab_size", "layers", "hidden", "heads", "dropout"):
            fields.pop(name)
    return {
        "variant": variant,
        "model_name": opts.model_name,
        "seed": opts.seed,
        "tiny": opts.tiny,
        "setting": fields,
        "model_config": json.loads(model.config.to_json_string(use_diff=True)),
        "parameters": sum(p.numel() for p in model.parameters()),
        "tokenizer": "pretrained" if codec.pretrained else "bpe trained on the training rows",
        "tokenizer_vocab_size": codec.vocab_size,
        **report.as_settings(),
        "device": device,
        "torch_threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        **extra,
    }


def _label_index(data: TaskData) -> tuple[list[str], Callable[[int | str], int]]:
    names = list(data.label_names) or sorted({str(r["label"]) for r in data.train})
    index = {n: i for i, n in enumerate(names)}
    return names, lambda label: label if isinstance(label, int) else index[label]


# ------------------------------------------------------------------------------------------------------- topic


def topic(data: TaskData, opts: Options) -> BaselineResult:
    import torch

    from ..metrics.scores import topic_scores
    from ._torch_utils import cap_rows, fit, length_batches, pad, pick_device, seeded

    setting, device, prep = _setting("topic", opts), pick_device(opts.device), _prep("topic", opts)
    names, to_index = _label_index(data)

    def texts(rows):
        return [prep(f"{r.get('title') or ''}\n{r['text']}") for r in rows]

    with seeded(opts.seed, device):
        train = cap_rows(data.train, setting.max_train, opts.seed)
        train_texts = texts(train)
        codec = _codec(opts, setting, train_texts)
        labels = {"num_labels": len(names), "id2label": dict(enumerate(names)),
                  "label2id": {n: i for i, n in enumerate(names)}}
        if opts.model_name:
            from transformers import AutoModelForSequenceClassification

            model = AutoModelForSequenceClassification.from_pretrained(opts.model_name, ignore_mismatched_sizes=True,
                                                                       **labels)
        else:
            from transformers import BertForSequenceClassification

            model = BertForSequenceClassification(_bert_config(setting, codec.vocab_size, **labels))
        model.to(device)
        x = codec.encode(train_texts, setting.max_len)
        y = torch.tensor([to_index(r["label"]) for r in train], dtype=torch.long)

        def loss_of(batch):
            ids, mask = pad([x[i] for i in batch], codec.pad_id, device)
            return model(input_ids=ids, attention_mask=mask, labels=y[batch].to(device)).loss

        def predict(rows) -> list[int]:
            seqs = codec.encode(texts(rows), setting.max_len)
            pred = [0] * len(seqs)
            with torch.inference_mode():
                for batch in length_batches(seqs, 128):
                    ids, mask = pad([seqs[i] for i in batch], codec.pad_id, device)
                    for i, p in zip(batch, model(input_ids=ids, attention_mask=mask).logits.argmax(-1).tolist()):
                        pred[i] = p
            return pred

        validation = cap_rows(data.validation, setting.eval_rows, opts.seed)
        gold_val = [to_index(r["label"]) for r in validation]

        def evaluate():
            scores = topic_scores(gold_val, predict(validation), names)
            return scores["macro_f1"], scores

        report = fit(model, len(train), loss_of, evaluate, epochs=setting.epochs, batch_size=setting.batch_size,
                     lr=setting.lr, seed=opts.seed, patience=setting.patience, progress=not opts.tiny, desc="topic")
        pred = predict(data.test)
    predictions = [{"id": r["id"], "gold": names[to_index(r["label"])], "pred": names[p]}
                   for r, p in zip(data.test, pred)]
    settings = _settings("topic", opts, setting, device, codec, model, report, train_rows=len(train),
                         input="title + text")
    return BaselineResult(settings=settings, validation=_validation("macro_f1", validation, report),
                          predictions=predictions)


def _validation(metric: str, rows: list, report, **extra) -> dict:
    best = next(h for h in report.history if h["epoch"] == report.best_epoch)
    return {"selection_metric": metric, "selection_rows": len(rows), "best_epoch": report.best_epoch,
            "selected": {k: v for k, v in best.items() if k not in ("epoch", "loss")}, "epochs": report.history,
            **extra}


# ---------------------------------------------------------------------------------------------------- headline


def headline(data: TaskData, opts: Options) -> BaselineResult:
    import torch

    from ..metrics.scores import headline_scores
    from ._torch_utils import CLS, PAD, SEP, cap_rows, fit, length_batches, pad, pick_device, seeded

    setting, device, prep = _setting("headline", opts), pick_device(opts.device), _prep("headline", opts)
    with seeded(opts.seed, device):
        train = [r for r in cap_rows(data.train, setting.max_train, opts.seed) if r["headline"]]
        sources, targets = [prep(r["text"]) for r in train], [prep(r["headline"]) for r in train]
        codec = _codec(opts, setting, sources + targets)
        if opts.model_name:
            from transformers import AutoModelForSeq2SeqLM

            model = AutoModelForSeq2SeqLM.from_pretrained(opts.model_name)
            generation = {}  # the checkpoint's generation config
        else:
            from transformers import BartConfig, BartForConditionalGeneration

            s = setting
            # init_std = d_model^-0.5, not BART's 0.02: with 0.02 at this width Adam's early steps swamp the
            # encoder's small weights, its output turns input-independent and the decoder never learns to use it.
            config = BartConfig(vocab_size=codec.vocab_size, d_model=s.hidden, encoder_layers=s.layers,
                                decoder_layers=s.layers, encoder_attention_heads=s.heads,
                                decoder_attention_heads=s.heads, encoder_ffn_dim=4 * s.hidden,
                                decoder_ffn_dim=4 * s.hidden, max_position_embeddings=max(s.max_len, s.short_len),
                                dropout=s.dropout, attention_dropout=0.0, activation_dropout=0.0, pad_token_id=PAD,
                                bos_token_id=CLS, eos_token_id=SEP, decoder_start_token_id=CLS,
                                forced_eos_token_id=None, init_std=s.hidden**-0.5)
            model = BartForConditionalGeneration(config)
            generation = {"decoder_start_token_id": CLS, "bos_token_id": CLS, "eos_token_id": SEP,
                          "pad_token_id": PAD}
        model.to(device)
        src = codec.encode(sources, setting.max_len)
        tgt = codec.encode(targets, setting.short_len, role="target")

        def loss_of(batch):
            ids, mask = pad([src[i] for i in batch], codec.pad_id, device)
            labels, _ = pad([tgt[i] for i in batch], -100, device)  # -100: padding ignored by the loss
            return model(input_ids=ids, attention_mask=mask, labels=labels).loss

        def generate(rows) -> list[str]:
            seqs = codec.encode([prep(r["text"]) for r in rows], setting.max_len)
            out = [""] * len(seqs)
            with torch.inference_mode():
                for batch in length_batches(seqs, 64):
                    ids, mask = pad([seqs[i] for i in batch], codec.pad_id, device)
                    # no_repeat_ngram_size: small models otherwise loop on a phrase until the length limit.
                    gen = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=setting.short_len,
                                         num_beams=setting.num_beams, do_sample=False, no_repeat_ngram_size=3,
                                         **generation)
                    for i, text in zip(batch, codec.decode(gen.tolist())):
                        out[i] = text
            return out

        validation = cap_rows(data.validation, setting.eval_rows, opts.seed)

        def evaluate():
            scores = headline_scores(generate(validation), [r["headline"] for r in validation])
            return scores["rougeL"], scores

        report = fit(model, len(train), loss_of, evaluate, epochs=setting.epochs, batch_size=setting.batch_size,
                     lr=setting.lr, seed=opts.seed, patience=setting.patience, progress=not opts.tiny,
                     desc="headline")
        pred = generate(data.test)
    predictions = [{"id": r["id"], "reference": r["headline"], "prediction": p} for r, p in zip(data.test, pred)]
    decoding = f"beam search ({setting.num_beams})" if setting.num_beams > 1 else "greedy"
    settings = _settings("headline", opts, setting, device, codec, model, report, train_rows=len(train),
                         decoding=f"{decoding}, no_repeat_ngram_size=3, max_new_tokens={setting.short_len}")
    return BaselineResult(settings=settings, validation=_validation("rougeL", validation, report),
                          predictions=predictions)
