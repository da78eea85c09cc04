"""Final gold values from individual readings (GUIDELINES §4, version 2.0): pure functions.

Every reading stays in the annotation files; the gold value of a key is, in order: the third reading's decision
(`method=manual-adjudicated`), else the value all readings agree on. A disagreement nobody adjudicated yet has no
gold value and is reported as open, never averaged.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

MANUAL = "manual"
ADJUDICATED = "manual-adjudicated"
GOLD_METHODS = (MANUAL, ADJUDICATED)


@dataclass(frozen=True)
class Reading:
    key: tuple[str, ...]
    value: str
    annotator: str
    method: str


@dataclass
class Resolution:
    gold: dict[tuple[str, ...], str]
    open: list[tuple[str, ...]] = field(default_factory=list)  # disagreements without a third reading
    how: Counter = field(default_factory=Counter)  # single / agreed / adjudicated


def resolve(readings: Iterable[Reading]) -> Resolution:
    """Gold value per key (see module doc); raises ValueError on a duplicate reading or two adjudications."""
    by_key: dict[tuple[str, ...], dict[str, Reading]] = {}
    for r in readings:
        if r.method not in GOLD_METHODS:
            raise ValueError(f"{r.key}: method must be one of {GOLD_METHODS}, got {r.method!r}")
        seen = by_key.setdefault(r.key, {})
        if r.annotator in seen:
            raise ValueError(f"{r.key}: two readings by {r.annotator}")
        seen[r.annotator] = r
    out = Resolution({})
    for key in sorted(by_key):
        rs = list(by_key[key].values())
        decided = [r.value for r in rs if r.method == ADJUDICATED]
        manual = {r.value for r in rs if r.method == MANUAL}
        if len(decided) > 1:
            raise ValueError(f"{key}: adjudicated more than once")
        if decided:
            out.gold[key], kind = decided[0], "adjudicated"
        elif len(manual) == 1:
            out.gold[key], kind = manual.pop(), "agreed" if len(rs) > 1 else "single"
        else:
            out.open.append(key)
            continue
        out.how[kind] += 1
    return out


def double_readings(readings: Iterable[Reading]) -> list[tuple[str, str]]:
    """(first, second) manual values, annotators in name order, for keys read by at least two annotators."""
    by_key: dict[tuple[str, ...], dict[str, str]] = {}
    for r in readings:
        if r.method == MANUAL:
            by_key.setdefault(r.key, {})[r.annotator] = r.value
    return [(v[a[0]], v[a[1]]) for k, v in sorted(by_key.items()) if len(a := sorted(v)) >= 2]
