"""Croissant (JSON-LD) metadata for the built dataset folder, generated with `mlcroissant` from the task registry.

Layout: one `FileObject` per parquet file (sha256 from the build manifest), one local `FileSet` per config over
those files, one `RecordSet` per config whose fields are its `ConfigSpec` fields, plus a `split` field (from the
file name) for configs with several splits; that field references the `splits` record set (`cr:Split`), which is
how Croissant consumers such as TFDS's `CroissantBuilder` find splits. A class-label field is categorical: it
references the `labels` record set (`sc:Enumeration`: class index + name, inline data), as Croissant declares
categories. (mlcroissant 1.1 cannot split-filter a record set with two such joins, so `records("topic",
filters=...)` fails there; reading all topic records and selecting on `topic/split` works.) Paths are relative to the dataset folder,
so a build folder or a snapshot of the Hub repo is self-describing offline.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .configs import CONFIGS, INT, LABEL, STRING, STRINGS, ConfigSpec
from .paths import HUB_REPO_ID
from .version import __version__

NAME = "arnews_ds"
DESCRIPTION = (
    "Arabic news articles from several public sources (SaudiNewsNet, ANT v1.1/v2.1, Asharq Al-Awsat pages), "
    "cleaned into one canonical record, de-duplicated and split once, globally and by time, for topic "
    "classification, headline generation and related-article retrieval (BEIR/MTEB layout: corpus, queries, "
    "qrels; query ids are corpus ids, so a query's own id must be ignored in its ranking)."
)
# The combined data carries the most restrictive source terms (DATASET_CARD.md); Asharq pages are research use only.
LICENSE_URLS = ["https://creativecommons.org/licenses/by-nc-sa/4.0/", "https://www.apache.org/licenses/LICENSE-2.0"]
CITATION = (
    "M. Alhagri, Saudi Newspapers Arabic Corpus (SaudiNewsNet), 2015; A. Chouigui, O. Ben Khiroun, B. Elayeb, "
    "ANT Corpus: An Arabic News Text Collection for Textual Classification, AICCSA 2017."
)
KEYWORDS = ["arabic", "news", "benchmark", "text classification", "headline generation", "retrieval", "mteb", "beir"]
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"  # 1.1: `isArray` list fields
SPLITS = "splits"  # id of the cr:Split record set
LABELS = "labels"  # id of the sc:Enumeration record set of topic class names
ENUMERATION = "https://schema.org/Enumeration"  # Croissant's data type of a categories record set
# Croissant's well-known split URIs (the other split names, `full` and `corpus`, are single-file configs).
_SPLIT_URIS = {"train": "cr:TrainingSplit", "validation": "cr:ValidationSplit", "test": "cr:TestSplit"}


def parquet_path(config: str, split: str) -> str:
    return f"data/{config}/{split}.parquet"


def _has_split_field(spec: ConfigSpec) -> bool:
    """Multi-split configs get a `split` field; `articles` already carries its global split as a column."""
    return len(spec.splits) > 1 and "split" not in {name for name, _, _ in spec.fields}


def _column_field(mlc, config: str, name: str, kind: str, description: str, label_names: list[str]):
    types = {STRING: mlc.DataType.TEXT, INT: mlc.DataType.INTEGER, LABEL: mlc.DataType.INTEGER,
             STRINGS: mlc.DataType.TEXT}
    if kind == LABEL:
        description += "; class index: " + ", ".join(f"{i}={n}" for i, n in enumerate(label_names))
    is_list = kind == STRINGS
    return mlc.Field(id=f"{config}/{name}", name=name, description=description, data_types=[types[kind]],
                     source=mlc.Source(file_set=f"{config}-parquet", extract=mlc.Extract(column=name)),
                     is_array=True if is_list else None, array_shape="-1" if is_list else None,
                     references=mlc.Source(field=f"{LABELS}/index") if kind == LABEL else None)


def _labels_record_set(mlc, label_names: list[str]):
    """The topic classes as a categorical record set: a label value is an `index`, its class name is `name`."""
    import rdflib

    return mlc.RecordSet(
        id=LABELS, name=LABELS, description="Topic classes (annotations/taxonomy.yaml): index and name.",
        data_types=[rdflib.URIRef(ENUMERATION)], key=[f"{LABELS}/index"],
        fields=[mlc.Field(id=f"{LABELS}/index", name="index", data_types=[mlc.DataType.INTEGER]),
                mlc.Field(id=f"{LABELS}/name", name="name", data_types=[mlc.DataType.TEXT])],
        data=[{f"{LABELS}/index": i, f"{LABELS}/name": n} for i, n in enumerate(label_names)],
    )


def _split_field(mlc, spec: ConfigSpec):
    # The join with `splits` re-applies the transform to its own output, so the regex must also match a bare name.
    regex = rf"^(?:data/{re.escape(spec.config)}/)?({'|'.join(map(re.escape, spec.splits))})(?:\.parquet)?$"
    return mlc.Field(id=f"{spec.config}/split", name="split", description="split, from the parquet file name",
                     data_types=[mlc.DataType.TEXT],
                     source=mlc.Source(file_set=f"{spec.config}-parquet", extract=mlc.Extract(file_property="fullpath"),
                                       transforms=[mlc.Transform(regex=regex)]),
                     references=mlc.Source(field=f"{SPLITS}/name"))


def _splits_record_set(mlc, names: list[str]):
    return mlc.RecordSet(
        id=SPLITS, name=SPLITS, description="Splits of the multi-split configs.", data_types=[mlc.DataType.SPLIT],
        key=[f"{SPLITS}/name"],
        fields=[mlc.Field(id=f"{SPLITS}/name", name="name", data_types=[mlc.DataType.TEXT]),
                mlc.Field(id=f"{SPLITS}/url", name="url", data_types=[mlc.DataType.URL])],
        data=[{f"{SPLITS}/name": s, f"{SPLITS}/url": _SPLIT_URIS[s]} for s in names],
    )


def croissant_metadata(stats: dict, files: dict[str, str], label_names: list[str]) -> dict:
    """The Croissant JSON-LD of a build: configs and splits from `stats["configs"]`, sha256 from `files`."""
    import mlcroissant as mlc

    files_nodes, file_sets, record_sets, split_names = [], [], [], set()
    for config, spec in CONFIGS.items():
        if config not in stats["configs"]:
            continue  # not built (e.g. queries/qrels before judgments exist)
        splits = [s for s in spec.splits if s in stats["configs"][config]]
        paths = [parquet_path(config, s) for s in splits]
        files_nodes += [mlc.FileObject(id=p, name=p, content_url=p, sha256=files[p], description=f"{config}, {s}",
                                       encoding_formats=[mlc.EncodingFormat.PARQUET]) for p, s in zip(paths, splits)]
        file_sets.append(mlc.FileSet(id=f"{config}-parquet", name=f"{config}-parquet", includes=paths,
                                     description=f"the parquet files of the {config} config",
                                     encoding_formats=[mlc.EncodingFormat.PARQUET]))
        fields = [_column_field(mlc, config, *f, label_names) for f in spec.fields]
        if _has_split_field(spec):
            fields.append(_split_field(mlc, spec))
            split_names.update(splits)
        record_sets.append(mlc.RecordSet(id=config, name=config, description=spec.description, fields=fields))
    if any(kind == LABEL for config in stats["configs"] for _, kind, _ in CONFIGS[config].fields):
        record_sets.insert(0, _labels_record_set(mlc, label_names))
    if split_names:
        record_sets.insert(0, _splits_record_set(mlc, sorted(split_names, key=list(_SPLIT_URIS).index)))
    metadata = mlc.Metadata(
        ctx=mlc.Context(conforms_to=CROISSANT_VERSION),
        name=NAME,
        description=DESCRIPTION,
        version=stats.get("version", __version__),
        license=list(LICENSE_URLS),
        url=f"https://huggingface.co/datasets/{HUB_REPO_ID}",
        cite_as=CITATION,
        in_language=["ar"],
        keywords=list(KEYWORDS),
        distribution=files_nodes + file_sets,
        record_sets=record_sets,
    )
    return metadata.to_json()


def write_croissant(folder: Path, metadata: dict) -> Path:
    """Write `<folder>/croissant.json` (sorted keys, fixed indent: the same metadata gives the same bytes)."""
    path = Path(folder) / "croissant.json"
    path.write_text(json.dumps(metadata, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
