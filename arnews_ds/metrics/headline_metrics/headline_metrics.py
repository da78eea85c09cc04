"""Headline generation metric for arnews_ds: Arabic-aware ROUGE-1/2/L (plain and stemmed), chrF and BLEU."""

import datasets
import evaluate

from arnews_ds.metrics.scores import headline_scores

_DESCRIPTION = (
    "ROUGE-1/2/L F1 on Arabic-aware tokens (NFC, no diacritics or tatweel, split on Unicode punctuation), without "
    "and with Snowball Arabic light stemming (`*_stem`), plus sacrebleu chrF and BLEU (tokenize='intl'). "
    "Several references per item are allowed: ROUGE takes the best one per item, chrF/BLEU use all of them."
)
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[str]): generated headlines.
    references (list[str] | list[list[str]]): the reference headline(s) of each item.
Returns:
    dict: `rouge1`, `rouge2`, `rougeL` (main metric), `rouge1_stem`, `rouge2_stem`, `rougeL_stem`, `chrf`, `bleu`,
    all on 0-100.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class HeadlineMetrics(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features(
                    {"predictions": datasets.Value("string"), "references": datasets.List(datasets.Value("string"))}
                ),
                datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
            ],
        )

    def _compute(self, predictions, references):
        return headline_scores(predictions, references)
