"""Topic classification metric for arnews_ds: accuracy, macro-F1 (main metric) and per-class F1."""

import datasets
import evaluate

from arnews_ds.metrics.scores import topic_scores

_DESCRIPTION = "Accuracy, macro-F1 over every label of the taxonomy (the main metric) and F1 per class (`f1_<label>`)."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[int]): predicted label ids.
    references (list[int]): gold label ids.
    label_names (list[str]): name of each label id; macro-F1 averages over all of them.
Returns:
    dict: `accuracy`, `macro_f1` and `f1_<label>` for each label, as fractions in [0, 1].
Example:
    >>> metric = arnews_ds.metrics.load_metric("topic")
    >>> metric.compute(predictions=[0, 1], references=[0, 0], label_names=["politics", "sports"])["accuracy"]
    0.5
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class TopicMetrics(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
        )

    def _compute(self, predictions, references, label_names=None):
        if label_names is None:
            raise ValueError("pass label_names=[...] (the name of each label id)")
        return topic_scores(references, predictions, label_names)
