import csv
import io
import math
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from confmat import ConfusionMatrix, OptionError
from confmat._internal.cli import main as cli
from confmat._internal.report import (
    build_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_text,
    repr_html,
    to_pandas,
)
from confmat._internal.report._format import printable
from confmat._internal.report.csv import safe_cell
from confmat._internal.report.markdown import escape
from confmat._internal.stats import measures

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "breast_cancer_predictions.csv"

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://x","y")',
    "a|b\nc*_`[x](javascript:1)",
]

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def animals():
    # 3 classes; 'frog' rests on 3 samples; 'dog' is often taken for 'cat'.
    return ConfusionMatrix([[50, 3, 0], [12, 40, 1], [0, 0, 3]], ["cat", "dog", "frog"])


@pytest.fixture(scope="module")
def hostile():
    return ConfusionMatrix([[5, 1, 0, 0], [2, 8, 1, 0], [0, 3, 4, 1], [0, 0, 2, 6]], HOSTILE)


def synthetic(size, per_class=20, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(size).repeat_interleave(per_class)
    r = torch.rand(y.shape, generator=g)
    near = (y + torch.randint(-2, 3, y.shape, generator=g)) % size
    p = torch.where(r < 0.8, y, near)
    return ConfusionMatrix.from_predictions(y, p, classes=[f"class_{i:03d}" for i in range(size)])


# -- the model -------------------------------------------------------------------------------------


def test_model_reads_the_matrix_statistics(animals):
    report = build_report(animals, title="Zoo", source="zoo.csv")
    s = report.summary
    assert (report.title, report.source, report.classes) == (
        "Zoo",
        "zoo.csv",
        ("cat", "dog", "frog"),
    )
    assert s.accuracy == animals.accuracy
    assert s.accuracy_ci == animals.accuracy_ci()
    assert s.p_value_vs_nir == animals.accuracy_p_value_vs_nir
    assert (s.cohen_kappa, s.mcc, s.balanced_accuracy) == (
        animals.cohen_kappa,
        animals.mcc,
        animals.balanced_accuracy,
    )
    assert s.majority_class == "cat"  # a tie goes to the first class
    assert report.per_class["support"] == [53, 53, 3]
    assert report.per_class["predicted"] == [62, 43, 4]
    for name in measures.PER_CLASS:
        expected = animals.per_class(name).tolist()
        assert report.per_class[name] == pytest.approx(expected, nan_ok=True)
    lo, hi = animals.interval("recall")
    assert report.per_class["recall_ci_low"] == lo.tolist()
    assert report.per_class["recall_ci_high"] == hi.tolist()
    assert report.averages["macro"]["f1"] == animals.average("f1", "macro")
    assert report.pairs[0] == animals.most_confused(1)[0]
    assert report.gallery == ()


def test_model_columns_are_counts_statistics_intervals_in_order(animals):
    columns = list(build_report(animals).per_class)
    assert columns[:6] == ["support", "predicted", "tp", "fp", "fn", "tn"]
    # specificity and NPV intervals added (issue 10, item 5): eight interval columns, was four
    assert columns[6:-8] == list(measures.PER_CLASS)
    assert columns[-8:] == [
        "recall_ci_low",
        "recall_ci_high",
        "specificity_ci_low",
        "specificity_ci_high",
        "precision_ci_low",
        "precision_ci_high",
        "npv_ci_low",
        "npv_ci_high",
    ]


def test_weighted_model_keeps_float_counts_and_no_exact_interval():
    cm = ConfusionMatrix([[2.5, 0.5], [1.0, 3.0]], ["a", "b"])
    report = build_report(cm)
    assert report.summary.weighted
    assert report.per_class["support"] == [3.0, 4.0]
    assert all(math.isnan(x) for x in report.summary.accuracy_ci)
    assert "(sum of sample weights)" in render_text(cm)


@pytest.mark.parametrize(
    "gallery",
    [
        [("http://example.com/x.png", "remote")],
        [("javascript:alert(1)", "script")],
        [("data:image/svg+xml;base64,PHN2Zz4=", "svg can script")],
        [("data:text/html;base64,PGI+", "html")],
        [(PNG + '" onerror="alert(1)', "attribute break-out")],
        "data:image/png;base64,AAAA",
        [PNG],
    ],
    ids=["http", "javascript", "svg", "html", "quote", "string", "no-caption"],
)
def test_gallery_accepts_only_raster_data_uris(animals, gallery):
    with pytest.raises(OptionError, match="gallery"):
        build_report(animals, gallery=gallery)


# -- terminal / plain text -------------------------------------------------------------------------


def test_text_report_has_summary_table_pairs_and_findings(animals):
    text = render_text(animals, source="zoo.csv")
    lines = text.splitlines()
    assert lines[0] == "Confusion matrix report: 109 samples, 3 classes"
    assert lines[1] == "source: zoo.csv"
    lo, hi = animals.accuracy_ci()
    # the estimate at the decimals of its interval (issue 10, item 7; was 4 decimals)
    assert f"accuracy             {animals.accuracy:.2f} (95% CI {lo:.2f}-{hi:.2f})" in text
    for label in ("no-information rate", "p-value acc > NIR", "balanced accuracy", "Cohen's kappa"):
        assert label in text
    assert re.search(r"^MCC\s+0\.\d{4}$", text, re.M)
    assert "Matrix (rows: true class, columns: predicted class)" in text
    assert re.search(r"^frog\s+3\s+4\s+0\.7500\s+1\.0000\s", text, re.M)
    assert re.search(r"^macro avg\s+109\s+", text, re.M)
    assert re.search(r"^dog\s+cat\s+12\s+22\.6%$", text, re.M)
    assert "warning: recall of 'frog' is 1.00 but rests on 3 samples: 95% CI 0.44-1.00." in text
    assert "\x1b" not in text
    assert all(line == line.rstrip() for line in lines)


def test_text_report_colours_only_when_asked(animals):
    assert "\x1b[" in render_text(animals, color=True)


def test_text_report_shows_a_bounded_matrix_beyond_twelve_classes():
    # was: no matrix at all beyond twelve classes; now the twelve most confused (issue 10, item 6)
    text = render_text(synthetic(20))
    assert "Matrix (rows" in text
    assert "The 12 classes most involved in confusions, of 20;" in text
    assert "(other)" in text  # the 8 classes left out, summed (issue 12)
    assert "class_019" in text


def test_terminal_text_cannot_be_restyled_by_class_names():
    names = ["\x1b[2Jclear", "[bold red]markup[/bold red]", "bidi\u202eevil", "tab\there"]
    cm = ConfusionMatrix([[3, 1, 0, 0], [0, 3, 1, 0], [0, 0, 3, 1], [1, 0, 0, 3]], names)
    plain = render_text(cm)
    coloured = render_text(cm, color=True)
    assert "\x1b[2J" not in plain
    assert "\x1b[2J" not in coloured
    assert "\\x1b[2Jclear" in plain
    assert "[bold red]markup[/bold red]" in plain
    assert "\u202e" not in plain
    assert "bidi\\u202eevil" in plain
    assert "tab\\there" in plain


def test_json_rendering_is_the_document(animals):
    import json

    assert json.loads(render_json(animals)) == json.loads(json.dumps(animals.to_dict()))


# -- Markdown --------------------------------------------------------------------------------------


def test_markdown_report_content(animals):
    md = render_markdown(animals, title="Zoo", source="zoo.csv")
    assert md.startswith("# Zoo\n\n109 samples, 3 classes\n\nSource: zoo.csv\n")
    assert "## Summary" in md
    assert "## Per class" in md
    assert "| frog | 3 | 4 | 0.7500 | 1.0000 | 0.8571 | 0.9906 | 0.44-1.00 |" in md
    assert "| dog | cat | 12 | 22.6% |" in md
    assert "- *warning*: recall of 'frog' is 1.00" in md


def _table_rows(md, heading):
    block = md.split(f"## {heading}\n\n", 1)[1].split("\n\n", 1)[0]
    return block.splitlines()


def _cells(row):
    # split on pipes that are not escaped
    return re.split(r"(?<!\\)\|", row)[1:-1]


def test_markdown_escapes_hostile_names(hostile):
    md = render_markdown(hostile, title="<b>t</b> # [x](y)", source="f_`*.csv")
    assert not re.search(r"(?<!\\)<", md)  # every < escaped: no tag can form
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert md.startswith("# \\<b\\>t\\</b\\> \\# \\[x\\](y)\n")
    assert "Source: f\\_\\`\\*.csv" in md
    rows = _table_rows(md, "Per class")
    assert len(rows) == 2 + 4 + 3  # header, rule, classes, averages: no row broken by a newline
    assert {len(_cells(r)) for r in rows} == {8}
    assert "a\\|b\\\\nc\\*\\_\\`\\[x\\](javascript:1)" in md


@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=4, unique=True))
@settings(max_examples=40, deadline=None)
def test_markdown_table_shape_survives_any_names(names):
    size = len(names)
    cm = ConfusionMatrix(torch.eye(size, dtype=torch.int64) * 3 + 1, names)
    rows = _table_rows(render_markdown(cm), "Per class")
    assert len(rows) == 2 + size + 3
    assert {len(_cells(r)) for r in rows} == {8}
    assert not re.search(r"(?<!\\)<", "\n".join(rows))


def test_markdown_escape_function():
    assert escape("a_b") == "a\\_b"
    assert escape("x\ny") == "x\\\\ny"
    assert escape("1.5 - 2") == "1.5 - 2"


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_is_the_per_class_table(animals):
    rows = list(csv.DictReader(io.StringIO(render_csv(animals))))
    assert [r["class"] for r in rows] == ["cat", "dog", "frog"]
    assert rows[2]["support"] == "3"
    assert float(rows[2]["recall"]) == 1.0
    assert float(rows[0]["recall"]) == pytest.approx(50 / 53)
    assert float(rows[2]["recall_ci_low"]) == pytest.approx(float(animals.interval("recall")[0][2]))


def test_csv_undefined_is_empty_and_negative_numbers_stay_numbers():
    cm = ConfusionMatrix(
        [
            [0, 5],
            [5, 0],
        ],
        ["a", "b"],
    )
    rows = list(csv.DictReader(io.StringIO(render_csv(cm))))
    assert rows[0]["precision"] == "0.0"
    assert rows[0]["informedness"] == "-1.0"  # numbers are not quoted, even negative ones
    cm = ConfusionMatrix([[3, 0], [0, 0]], ["a", "b"])
    rows = list(csv.DictReader(io.StringIO(render_csv(cm))))
    assert rows[1]["recall"] == ""


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1", "-1"),
        ("-0.5e3", "-0.5e3"),
        ("+7", "+7"),
        ("cat", "cat"),
    ],
    ids=["eq", "plus", "minus", "at", "tab", "cr", "neg-int", "neg-float", "plus-int", "plain"],
)
def test_csv_neutralises_formulas_in_names(name, cell):
    assert safe_cell(name) == cell
    other = "zz" if name != "zz" else "yy"
    cm = ConfusionMatrix([[1, 0], [0, 1]], [name, other])
    rows = list(csv.reader(io.StringIO(render_csv(cm), newline="")))
    assert cell in (rows[1][0], rows[2][0])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


@given(st.lists(st.text(min_size=1, max_size=10), min_size=2, max_size=4, unique=True))
@example(["0", "+0"])  # a signed number stays a number (README: "-1 stays a number")
@settings(max_examples=40, deadline=None)
def test_csv_round_trips_any_names_made_safe(names):
    cm = ConfusionMatrix(torch.eye(len(names), dtype=torch.int64) + 1, names)
    rows = list(csv.reader(io.StringIO(render_csv(cm), newline="")))
    assert [r[0] for r in rows[1:]] == [safe_cell(n) for n in names]
    assert all(
        not r[0].startswith(("=", "+", "@", "\t", "\r")) or _is_number(r[0]) for r in rows[1:]
    )


def test_csv_hostile_names_do_not_start_formulas(hostile):
    rows = list(csv.reader(io.StringIO(render_csv(hostile), newline="")))
    assert [r[0] for r in rows[1:]] == [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        '\'=HYPERLINK("http://x","y")',
        "a|b\nc*_`[x](javascript:1)",
    ]


# -- DataFrames ------------------------------------------------------------------------------------


def test_to_pandas_tables(animals):
    per_class = to_pandas(animals)
    assert per_class.index.name == "class"
    assert list(per_class.index) == ["cat", "dog", "frog"]
    assert per_class.loc["frog", "support"] == 3
    assert per_class.loc["dog", "recall"] == pytest.approx(40 / 53)
    overall = to_pandas(animals, "overall")
    assert overall.index.name == "statistic"
    assert overall.loc["accuracy", "value"] == pytest.approx(animals.accuracy)
    assert overall.loc["macro_f1", "value"] == pytest.approx(animals.average("f1", "macro"))
    matrix = to_pandas(animals, "matrix")
    assert (matrix.index.name, matrix.columns.name) == ("true", "predicted")
    assert matrix.loc["dog", "cat"] == 12
    assert matrix.to_numpy().tolist() == animals.counts.tolist()


def test_confusion_matrix_to_pandas_delegates(animals):
    assert animals.to_pandas("matrix").equals(to_pandas(animals, "matrix"))
    with pytest.raises(OptionError, match="table must be"):
        animals.to_pandas("everything")  # type: ignore[arg-type]


def test_to_pandas_keeps_nan():
    frame = to_pandas(ConfusionMatrix([[3, 0], [0, 0]], ["a", "b"]))
    assert math.isnan(frame.loc["b", "recall"])


# -- HTML ------------------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def _parse(page):
    parser = _Elements()
    parser.feed(page)
    return parser


def test_html_report_is_standalone(animals):
    page = render_html(animals, title="Zoo", source="zoo.csv")
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    assert "<style>" in page
    assert "unsafe-inline" not in page
    assert "unsafe-eval" not in page
    parsed = _parse(page)
    # the page's own data block and script only (their hashes are checked in test_interactive)
    assert parsed.tags.count("script") == 2
    assert '<script type="application/json" id="confmat-data">' in page
    assert "link" not in parsed.tags
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page)
    assert '<table class="matrix" id="matrix">' in page
    assert 'id="heatmap"' in page
    assert '<table class="per-class">' in page
    assert "<h1>Zoo</h1>" in page
    assert "<code>zoo.csv</code>" in page
    assert "recall of &#39;frog&#39; is 1.00 but rests on 3 samples" in page
    assert '<li class="warning" data-code="few-samples">' in page
    assert page.count('<th class="text" scope="row">') == 3


def test_html_escapes_hostile_names_titles_sources_and_captions(hostile):
    page = render_html(
        hostile,
        title="<script>alert(1)</script>",
        source='"><img src=x onerror=alert(1)>.csv',
        gallery=[(PNG, "<img src=x onerror=alert(2)>")],
    )
    parsed = _parse(page)
    assert parsed.tags.count("script") == 2  # the page's data and its code, nothing injected
    assert parsed.tags.count("img") == 1  # only the gallery image
    assert "onerror" not in parsed.attributes
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert f'<img src="{PNG}" alt="&lt;img src=x onerror=alert(2)&gt;">' in page


class _RowHeaders(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.headers = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._inside = tag == "th" and ("scope", "row") in attrs
        if self._inside:
            self.headers.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.headers[-1] += data


PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "p", "code",
    "section", "dl", "div", "dt", "dd", "small", "ul", "li", "span", "table", "thead", "tbody",
    "tr", "th", "td", "footer", "script",
}  # fmt: skip


@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=4, unique=True))
@settings(max_examples=40, deadline=None)
def test_html_shows_any_names_as_text(names):
    cm = ConfusionMatrix(torch.eye(len(names), dtype=torch.int64) * 2 + 1, names)
    parser = _RowHeaders()
    parser.feed(render_html(cm, title=names[0], source=names[1], heatmap=False))
    assert parser.tags <= PAGE_TAGS
    expected = [" ".join(printable(n).split()) for n in names]
    assert [" ".join(h.split()) for h in parser.headers] == expected


def test_html_gallery(animals):
    page = render_html(
        animals, gallery=[(PNG, "true dog, predicted cat"), (PNG, "second")], heatmap=False
    )
    assert 'id="gallery"' in page
    assert page.count("<img ") == 2
    assert "<figcaption><span>true dog, predicted cat</span></figcaption>" in page
    assert 'id="gallery"' not in render_html(animals, heatmap=False)


def test_html_without_heatmap(animals):
    page = render_html(animals, heatmap=False)
    assert 'id="matrix"' not in page
    assert '<table class="per-class">' in page


def test_html_marks_low_and_undefined_values():
    page = render_html(ConfusionMatrix([[3, 5], [0, 0]], ["a", "b"]), heatmap=False)
    assert '<td class="low">0.3750</td>' in page
    assert '<td class="na">n/a</td>' in page


@pytest.mark.slow
def test_html_heatmap_of_many_classes_shows_the_most_confused():
    page = render_html(synthetic(120, per_class=5))
    assert "The 20 classes most involved in confusions, of 120" in page
    matrix = page[page.index('id="matrix"') :]
    assert matrix[: matrix.index("</table>")].count("<tr>") == 22  # and (other), issue 12


def test_repr_html_is_compact_and_escaped(hostile):
    page = hostile._repr_html_()
    assert page == repr_html(hostile)
    assert page.startswith('<div class="confmat-repr">')
    assert "<svg" not in page
    assert "<html" not in page
    assert "&lt;script&gt;" in page
    parsed = _parse(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags


def test_repr_html_lists_at_most_twenty_classes():
    page = synthetic(25, per_class=4)._repr_html_()
    assert page.count('<td class="cm-text">class_0') == 20
    assert "5 more classes" in page


# -- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("text", "Confusion matrix report: 171 samples"),
        ("markdown", "# Confusion matrix report"),
        ("json", "{"),
        ("csv", "class,support,predicted,"),
        ("html", "<!DOCTYPE html>"),
    ],
)
def test_cli_formats_to_standard_output(capsys, fmt, start):
    assert cli.main(["report", str(EXAMPLE), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert out.startswith(start)
    assert "\x1b" not in out


def test_cli_colours_text_only_on_a_terminal(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["report", str(EXAMPLE)]) == 0
    assert "\x1b[" in capsys.readouterr().out
    target = tmp_path / "report.txt"
    assert cli.main(["report", str(EXAMPLE), "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert "source: " in text


def test_cli_html_output_file(tmp_path):
    target = tmp_path / "report.html"
    assert cli.main(["report", str(EXAMPLE), "--format", "html", "--output", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert "breast_cancer_predictions.csv" in page
    assert 'id="matrix"' in page


def test_cli_refuses_an_unknown_format(capsys):
    assert cli.main(["report", str(EXAMPLE), "--format", "pdf"]) == 2
    assert "invalid choice" in capsys.readouterr().err
