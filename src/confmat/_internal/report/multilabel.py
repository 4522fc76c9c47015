"""Multilabel reports: the JSON document, findings in words, text, Markdown and CSV.

Everything is read from a :class:`~core.multilabel.MultilabelLike` result (no math of
its own). Per label l the counts are ``[[tn, fp], [fn, tp]]``; the co-confusion
``[i][j]`` counts samples where label i is missed while label j is predicted without being true.

The JSON document (``"kind": "multilabel"``, schema in ``tests/schema/multilabel.schema.json``):
``schema_version``, ``kind``, ``labels``, ``n``, ``weighted``, ``overall`` (subset accuracy,
Hamming loss, label cardinality of truth and prediction), ``per_label`` (per label: counts,
every per-class statistic, 95% Wilson intervals of recall and precision), ``averages`` (per
method: macro, weighted, micro, samples; per statistic, as the single-label document),
``co_confusion`` (L x L or null), ``findings``.

Examples:
    >>> from confmat import MultilabelConfusion
    >>> ml = MultilabelConfusion.from_predictions([[1, 0], [1, 1]], [[1, 0], [0, 0]], ["a", "b"])
    >>> render_markdown(ml).splitlines()[0]
    '# Multilabel report'
    >>> findings(ml)[0]
    'Never predicted: b (1 true sample(s)).'
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import torch

from confmat._internal.core.multilabel import MultilabelLike
from confmat._internal.report import _format as fmt
from confmat._internal.report import numbers as num
from confmat._internal.report.csv import safe_cell
from confmat._internal.results.document import SCHEMA_VERSION, json_number, json_text
from confmat._internal.stats import measures
from confmat._internal.stats import multilabel as mstats

AVERAGED = ("precision", "recall", "f1", "jaccard", "specificity", "npv")
"""Statistics whose averages are reported (samples averages exist for the first four)."""

TABLE = ("precision", "recall", "f1")
"""The statistics of people's per-label tables."""

INTERVALS = ("recall", "precision")
"""Per-label statistics with a 95% Wilson interval in the document."""


def label_counts_table(ml: MultilabelLike) -> dict[str, list[Any]]:
    """Per label: support, predicted, tn, fp, fn, tp (lists in label order)."""
    c = ml.counts
    cells = {"tn": c[:, 0, 0], "fp": c[:, 0, 1], "fn": c[:, 1, 0], "tp": c[:, 1, 1]}
    cells = {"support": c[:, 1].sum(1), "predicted": c[:, :, 1].sum(1), **cells}
    return {k: v.tolist() for k, v in cells.items()}


def averages(ml: MultilabelLike) -> dict[str, dict[str, float]]:
    """Per statistic, its macro, weighted, micro (and samples, where defined) averages."""
    table: dict[str, dict[str, float]] = {}
    for name in AVERAGED:
        methods = [m for m in mstats.AVERAGES if m != "samples"]
        if name in mstats.SAMPLE_STATISTICS and ml.sample_sums is not None:
            methods.append("samples")
        table[name] = {m: ml.average(name, m) for m in methods}
    return table


def by_method(ml: MultilabelLike) -> dict[str, dict[str, Any]]:
    """The document's averages: per method (macro, weighted, micro, samples), per statistic."""
    table: dict[str, dict[str, Any]] = {}
    for name, row in averages(ml).items():
        for method, value in row.items():
            table.setdefault(method, {})[name] = json_number(value)
    return table


def overall(ml: MultilabelLike) -> dict[str, float]:
    """The whole-result numbers."""
    true, pred = ml.cardinality
    return {
        "subset_accuracy": ml.subset_accuracy,
        "hamming_loss": ml.hamming_loss,
        "label_cardinality_true": true,
        "label_cardinality_pred": pred,
    }


def document(ml: MultilabelLike) -> dict[str, Any]:
    """The JSON document of a multilabel result (see the module docstring)."""
    counts = label_counts_table(ml)
    stats = {name: ml.per_label(name).tolist() for name in measures.PER_CLASS}
    bounds = {name: [v.tolist() for v in ml.interval(name)] for name in INTERVALS}
    per_label = {}
    for i, label in enumerate(ml.labels):
        row: dict[str, Any] = {k: v[i] for k, v in counts.items()}
        row.update({k: json_number(v[i]) for k, v in stats.items()})
        for name, (lo, hi) in bounds.items():
            ok = not (math.isnan(lo[i]) or math.isnan(hi[i]))
            row[f"{name}_ci"] = [lo[i], hi[i]] if ok else None
        per_label[label] = row
    co = ml.co_confusion
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "multilabel",
        "labels": ml.labels,
        "n": ml.n,
        "weighted": ml.is_weighted,
        "overall": {k: json_number(v) for k, v in overall(ml).items()},
        "per_label": per_label,
        "averages": by_method(ml),
        "co_confusion": None if co is None else co.tolist(),
        "findings": findings(ml),
    }


def render_json(ml: MultilabelLike) -> str:
    """The document as JSON text (NaN is null, infinities "inf")."""
    return json_text(document(ml))


def findings(ml: MultilabelLike, top: int = 3) -> list[str]:
    """Notable facts in words: labels never predicted, rare labels, top co-confusions."""
    support = ml.counts[:, 1].sum(1)
    notes = []
    never = ml.never_predicted()
    if never:
        index = {name: i for i, name in enumerate(ml.labels)}
        shown = ", ".join(f"{fmt.printable(n)}" for n in never[:10])
        true = sum(float(support[index[n]]) for n in never)
        more = f" and {len(never) - 10} more" if len(never) > 10 else ""
        notes.append(f"Never predicted: {shown}{more} ({num.count(_whole(true))} true sample(s)).")
    rare = ml.rare()
    if rare:
        shown = ", ".join(fmt.printable(n) for n in rare[:10])
        more = f" and {len(rare) - 10} more" if len(rare) > 10 else ""
        notes.append(f"Rare labels (prevalence under 1%): {shown}{more}.")
    notes.extend(_co_findings(ml, top))
    true, pred = ml.cardinality
    if not (math.isnan(true) or math.isnan(pred)) and abs(pred - true) > 0.1 * max(true, 1e-12):
        way = "more" if pred > true else "fewer"
        notes.append(
            f"The model predicts {way} labels per sample ({pred:.2f}) than are true ({true:.2f})."
        )
    return notes


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _co_findings(ml: MultilabelLike, top: int) -> list[str]:
    co = ml.co_confusion
    if co is None or not bool((co > 0).any()):
        return []
    flat = co.reshape(-1).to(torch.float64)
    order = torch.argsort(flat, descending=True, stable=True)[:top].tolist()
    size = co.shape[0]
    pairs = [
        f"{fmt.printable(ml.labels[k // size])} -> {fmt.printable(ml.labels[k % size])} "
        f"({num.count(_whole(float(flat[k])))})"
        for k in order
        if float(flat[k]) > 0
    ]
    return ["Most often predicted instead of a missed label: " + ", ".join(pairs) + "."]


def label_rows(ml: MultilabelLike) -> tuple[list[str], list[list[str]]]:
    """People's per-label table: header and rows (counts, statistics, recall interval)."""
    counts = label_counts_table(ml)
    stats = {name: ml.per_label(name).tolist() for name in TABLE}
    lo, hi = (v.tolist() for v in ml.interval("recall"))
    header = ["label", "support", "predicted", *TABLE, "recall 95% CI"]
    rows = []
    for i, label in enumerate(ml.labels):
        row = [fmt.printable(label), num.count(counts["support"][i])]
        row.append(num.count(counts["predicted"][i]))
        row += [num.number(stats[name][i]) for name in TABLE]
        row.append(num.interval(lo[i], hi[i]))
        rows.append(row)
    return header, rows


def summary_rows(ml: MultilabelLike) -> list[tuple[str, str]]:
    """People's summary: samples, labels and the overall numbers."""
    rows = [("samples", num.count(ml.n)), ("labels", str(len(ml.labels)))]
    rows += [(k.replace("_", " "), num.number(v)) for k, v in overall(ml).items()]
    return rows


def average_rows(ml: MultilabelLike) -> tuple[list[str], list[list[str]]]:
    """People's averages table: one row per statistic, one column per method."""
    table = averages(ml)
    methods = list(mstats.AVERAGES)
    rows = [
        [name] + [num.number(row[m]) if m in row else "" for m in methods]
        for name, row in table.items()
    ]
    return ["statistic", *methods], rows


def render_text(ml: MultilabelLike) -> str:
    """A plain-text report for a terminal or a log."""
    lines = ["Multilabel report", ""]
    lines += [f"{k:<24} {v}" for k, v in summary_rows(ml)]
    for header, rows in (label_rows(ml), average_rows(ml)):
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines.append("")
        for row in [header, *rows]:
            lines.append(
                "  ".join(
                    c.rjust(w) if i else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
    notes = findings(ml)
    if notes:
        lines += ["", "Findings:"] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cells(row: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    return [cells(header), "|" + "|".join("---" for _ in header) + "|", *map(cells, rows)]


def render_markdown(ml: MultilabelLike) -> str:
    """A Markdown report: summary, per-label table, averages, findings."""
    lines = ["# Multilabel report", ""]
    lines += _markdown_table(["", "value"], [list(r) for r in summary_rows(ml)])
    lines += ["", "## Per label", "", *_markdown_table(*label_rows(ml))]
    lines += ["", "## Averages", "", *_markdown_table(*average_rows(ml))]
    notes = findings(ml)
    if notes:
        lines += ["", "## Findings", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def render_csv(ml: MultilabelLike) -> str:
    """One CSV row per label: counts and every per-class statistic (empty when undefined)."""
    counts = label_counts_table(ml)
    stats = {name: ml.per_label(name).tolist() for name in measures.PER_CLASS}
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180, as the single-label CSV
    writer.writerow(["label", *counts, *stats])
    for i, label in enumerate(ml.labels):
        values = [counts[k][i] for k in counts] + [stats[k][i] for k in stats]
        writer.writerow([safe_cell(label), *("" if _nan(v) else v for v in values)])
    return out.getvalue()


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)
