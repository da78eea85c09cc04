"""Related-article retrieval metric for arnews_ds: nDCG@10 (main metric), MRR@10, Recall@100 and MAP."""

import json

import datasets
import evaluate

from arnews_ds.metrics.scores import retrieval_scores

_DESCRIPTION = (
    "nDCG@10 (trec_eval ndcg_cut_10, gain = grade), MRR@10, Recall@100 and MAP (relevant = grade >= 1), averaged "
    "over every judged query (one without a relevant judgment scores 0), as trec_eval, BEIR and MTEB average. One "
    "row per query; rankings and judgments travel as JSON."
)
_KWARGS_DESCRIPTION = """
Args:
    query_id (list[str]): one query id per row.
    predictions (list[str]): JSON of the query's ranking, `{"doc_id": score}` or `[["doc_id", score], ...]`.
    references (list[str]): JSON of the query's judgments, `{"doc_id": grade}`.
    ignore_identical_ids (bool, default True): drop the query's own id from its ranking.
Returns:
    dict: `ndcg_at_10`, `mrr_at_10`, `recall_at_100`, `map`, as fractions in [0, 1].
    `arnews_ds.metrics.retrieval_inputs(qrels, run)` builds the three columns from BEIR-style dicts.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class RetrievalMetrics(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "query_id": datasets.Value("string"),
                    "predictions": datasets.Value("string"),
                    "references": datasets.Value("string"),
                }
            ),
        )

    def _compute(self, query_id, predictions, references, ignore_identical_ids=True):
        if len(set(query_id)) != len(query_id):
            raise ValueError("a query id appears in more than one row")
        qrels = {q: json.loads(r) for q, r in zip(query_id, references)}
        run = {q: json.loads(p) for q, p in zip(query_id, predictions)}
        return retrieval_scores(qrels, run, ignore_identical_ids=ignore_identical_ids)
