"""Shared machinery of the transformer baselines: seeding, tokenizers, padding, the training loop, encoding.

Every function imports torch / tokenizers / transformers inside, so importing this module stays light.

Reproducibility: `seeded` seeds Python, NumPy and torch, turns on torch's deterministic algorithms and disables the
cuDNN autotuner; shuffling uses its own `numpy.random.Generator`. On CPU a run is bit-for-bit repeatable for the
same seed, library versions, hardware and torch thread count (`torch.get_num_threads()`, recorded in the settings):
a GEMM's reduction order depends on how the work is split across threads, so another thread count can change the
last bits and, after many steps, a few predictions. Pin it with `OMP_NUM_THREADS=1` (or any fixed count) when runs
on different machines must agree; we keep torch's default because one thread is about half as fast.
"""
from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

# Token ids of the tokenizers trained here; [CLS]/[SEP] double as BOS/EOS for the seq2seq model.
SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]")
PAD, UNK, CLS, SEP = range(4)


@contextlib.contextmanager
def seeded(seed: int, device: str) -> Iterator[None]:
    """Seed every RNG and run torch deterministically; restores torch's previous determinism flags on exit."""
    import random

    import numpy as np
    import torch

    if device.startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # required by deterministic cuBLAS
    previous = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
                torch.backends.cudnn.benchmark)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA too
    # warn_only: an op without a deterministic kernel warns instead of aborting a long run.
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous[0], warn_only=previous[1])
        torch.backends.cudnn.benchmark = previous[2]


def pick_device(requested: str | None) -> str:
    import torch

    return requested or ("cuda" if torch.cuda.is_available() else "cpu")


def cap_rows(rows: Sequence, limit: int | None, seed: int) -> list:
    """At most `limit` items: a seeded random sample kept in input order (splits are ordered by outlet and date)."""
    import numpy as np

    if limit is None or len(rows) <= limit:
        return list(rows)
    keep = np.sort(np.random.default_rng(seed).choice(len(rows), size=limit, replace=False))
    return [rows[int(i)] for i in keep]


def train_tokenizer(texts: Sequence[str], vocab_size: int):
    """A BPE tokenizer on `texts` (SentencePiece-style `▁` word marks, punctuation split off), lossless to decode."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    # Newlines and runs of spaces are one word boundary; the models see single lines.
    tok.normalizer = normalizers.Sequence([normalizers.Replace(Regex(r"\s+"), " "), normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(), pre_tokenizers.Punctuation("isolated")])
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=list(SPECIALS),
                                  limit_alphabet=500, show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer, length=len(texts))
    return tok


@dataclass
class Codec:
    """One interface over a tokenizer trained here (`tokenizers.Tokenizer`) and a pretrained Hugging Face tokenizer."""

    tokenizer: object
    pretrained: bool

    @property
    def pad_id(self) -> int:
        return self.tokenizer.pad_token_id if self.pretrained else PAD

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer) if self.pretrained else self.tokenizer.get_vocab_size()

    def encode(self, texts: Sequence[str], max_len: int, role: str = "input") -> list[list[int]]:
        """Token ids per text, special tokens included, at most `max_len`. role: `input` or `target` (seq2seq labels).

        Ours: input = [CLS] x [SEP], target = x [SEP] (the decoder starts from [CLS]). Pretrained: the tokenizer's own.
        """
        texts = list(texts)
        if self.pretrained:
            kwargs = {"text_target": texts} if role == "target" else {"text": texts}
            return self.tokenizer(**kwargs, truncation=True, max_length=max_len)["input_ids"]
        encoded = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        if role == "target":
            return [e.ids[: max_len - 1] + [SEP] for e in encoded]
        return [[CLS] + e.ids[: max_len - 2] + [SEP] for e in encoded]

    def decode(self, ids: Sequence[Sequence[int]]) -> list[str]:
        ids = [list(map(int, i)) for i in ids]
        if self.pretrained:
            return [t.strip() for t in self.tokenizer.batch_decode(ids, skip_special_tokens=True)]
        return [t.strip() for t in self.tokenizer.decode_batch(ids, skip_special_tokens=True)]


def pad(seqs: Sequence[Sequence[int]], pad_id: int, device: str):
    """(ids, attention_mask) LongTensors, right-padded to the longest sequence."""
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids.to(device), mask.to(device)


def length_batches(seqs: Sequence[Sequence[int]], batch_size: int) -> Iterator[list[int]]:
    """Index batches of similar length (inference only: less padding, same results as any other order)."""
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), i))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def state_copy(model) -> dict:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


@dataclass
class FitReport:
    epochs_run: int = 0
    best_epoch: int = 0
    steps: int = 0
    train_samples: int = 0
    train_seconds: float = 0.0
    history: list[dict] = field(default_factory=list)

    @property
    def samples_per_s(self) -> float:
        return self.train_samples / self.train_seconds if self.train_seconds else 0.0

    def as_settings(self) -> dict:
        return {"epochs_run": self.epochs_run, "best_epoch": self.best_epoch, "steps": self.steps,
                "train_seconds": round(self.train_seconds, 1), "train_samples_per_s": round(self.samples_per_s, 2)}


def fit(
    model,
    n_rows: int,
    loss_of: Callable[[list[int]], object],
    evaluate: Callable[[], tuple[float, dict] | None],
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    warmup: float = 0.06,
    patience: int = 1,
    progress: bool = True,
    desc: str = "train",
) -> FitReport:
    """AdamW with linear warmup and decay; after each epoch `evaluate()` (validation only) returns (score, scores).

    The best epoch's weights are restored at the end; training stops after `patience` epochs without improvement.
    `evaluate()` returns None when there is nothing to validate on: then every epoch runs and the last one is kept.
    """
    import numpy as np
    import torch
    from tqdm.auto import tqdm

    if not n_rows:
        raise ValueError("no training rows")
    rng = np.random.default_rng(seed)
    steps_per_epoch = math.ceil(n_rows / batch_size)
    total = max(1, epochs * steps_per_epoch)
    n_warmup = max(1, int(warmup * total))
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embeddings" not in n.lower()]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embeddings" not in n.lower())]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / n_warmup, max(0.0, (total - s) / max(1, total - n_warmup))))
    report, best_score, best_state, stale = FitReport(), -math.inf, None, 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(n_rows)
        t0 = time.perf_counter()
        bar = tqdm(range(0, n_rows, batch_size), desc=f"{desc} epoch {epoch}/{epochs}", disable=not progress,
                   mininterval=10, unit="batch")
        for start in bar:
            batch = order[start : start + batch_size].tolist()
            loss = loss_of(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            report.steps += 1
            report.train_samples += len(batch)
            if report.steps % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
        report.train_seconds += time.perf_counter() - t0
        model.eval()
        score, scores = evaluate() or (float(epoch), {})
        report.epochs_run = epoch
        report.history.append({"epoch": epoch, "loss": round(float(loss.item()), 4), **scores})
        if score > best_score:
            best_score, best_state, report.best_epoch, stale = score, state_copy(model), epoch, 0
        else:
            stale += 1
            if stale >= patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return report


def mean_pool(last_hidden, mask):
    """Mean of the token vectors under the attention mask, L2-normalized."""
    import torch

    mask = mask.unsqueeze(-1).to(last_hidden.dtype)
    pooled = (last_hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def embed(encoder, seqs: Sequence[Sequence[int]], pad_id: int, device: str, batch_size: int = 128,
          progress: bool = False, desc: str = "encode"):
    """Mean-pooled, normalized embeddings (float32 tensor on CPU, rows in input order)."""
    import torch
    from tqdm.auto import tqdm

    out = torch.empty((len(seqs), encoder.config.hidden_size), dtype=torch.float32)
    encoder.eval()
    with torch.inference_mode():
        batches = list(length_batches(seqs, batch_size))
        for batch in tqdm(batches, desc=desc, disable=not progress, mininterval=10, unit="batch"):
            ids, mask = pad([seqs[i] for i in batch], pad_id, device)
            out[batch] = mean_pool(encoder(input_ids=ids, attention_mask=mask).last_hidden_state, mask).float().cpu()
    return out


def rank(query_vecs, query_ids: Sequence[str], doc_vecs, doc_ids: Sequence[str], k: int = 100,
         drop_self: bool = True, batch_size: int = 256) -> dict[str, list[tuple[str, float]]]:
    """Top-k documents by cosine per query, best first; with `drop_self` the query's own id never appears."""
    import torch

    run = {}
    depth = min(len(doc_ids), k + 1 if drop_self else k)
    for start in range(0, len(query_ids), batch_size):
        scores = query_vecs[start : start + batch_size] @ doc_vecs.T
        top = torch.topk(scores, depth, dim=1)
        for row, qid in enumerate(query_ids[start : start + batch_size]):
            hits = [(doc_ids[j], float(s)) for s, j in zip(top.values[row].tolist(), top.indices[row].tolist())]
            run[qid] = [h for h in hits if not (drop_self and h[0] == qid)][:k]
    return run
