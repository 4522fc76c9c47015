"""Hostile names from a file never reach the terminal raw: one escaping rule everywhere."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from confmat import ConfusionMatrix
from confmat._internal.cli.main import main
from confmat._internal.report import render_html, render_text
from confmat.exceptions import one_line, printable

NAMES = ["\x1b]0;pwned\x07", "\x1b[2Jclear", "cr\rover", "bidi\u202eevil", "nul\x00byte"]
"""OSC (retitles the terminal), CSI (clears it), CR, BEL, U+202E and NUL."""

RAW = "\x1b\x07\x00\r\u202e"


def raw_controls(text: str) -> set[str]:
    """Characters a terminal would act on (a newline ends a line, as it should)."""
    return {c for c in text if not c.isprintable() and c != "\n"}


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "h.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["y_true", "y_\x1b[31mpred_a", "y_pred_b"])
        writer.writerows(
            (NAMES[i % 5], NAMES[(3 * i + 1) % 5], NAMES[(i + 2) % 5]) for i in range(40)
        )
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_printable_is_the_one_rule() -> None:
    assert printable("\x1b]0;t\x07") == "\\x1b]0;t\\x07"
    assert printable("cr\rover\u202e\x00") == "cr\\rover\\u202e\\x00"
    assert printable("plain café") == "plain café"
    assert one_line("a\n  b\tc\rd") == "a b c\\rd"  # blanks fold, a CR is shown


def test_compare_shows_class_and_column_names_escaped(hostile_file: Path, capsys) -> None:
    argv = ["compare", str(hostile_file), "--pred-col-a", "y_\x1b[31mpred_a"]
    status, out, err = run([*argv, "--resamples", "50"], capsys)
    assert (status, err) == (0, "")
    assert raw_controls(out) == set()
    assert "y_\\x1b[31mpred_a" in out
    assert "\\x1b]0;pwned\\x07" in out
    assert "bidi\\u202eevil" in out


def test_text_report_and_errors_escape_names(hostile_file: Path, capsys) -> None:
    status, out, err = run(["report", str(hostile_file), "--pred-col", "y_pred_b"], capsys)
    assert (status, err) == (0, "")
    assert raw_controls(out) == set()
    status, out, err = run(["report", str(hostile_file), "--pred-col", "nope\x1b[2J"], capsys)
    assert status == 2
    assert raw_controls(err) == set()
    assert "y_\\x1b[31mpred_a" in err


def test_parse_errors_quoting_a_raw_row_are_escaped(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("y_true,y_pred\na,b\nc\x1b]0;pwn\x07,d,e\n", encoding="utf-8")
    status, _, err = run(["report", str(path)], capsys)
    assert status == 2
    assert err.count("\n") == 1
    assert raw_controls(err) == set()
    assert "c\\x1b]0;pwn\\x07,d,e" in err


def test_plot_and_html_of_hostile_names_warn_nothing_and_keep_no_raw_bytes(
    hostile_file: Path, capsys
) -> None:
    plot, page = hostile_file.with_name("h.svg"), hostile_file.with_name("h.html")
    argv = ["report", str(hostile_file), "--pred-col", "y_pred_b", "--plot", str(plot)]
    status, out, err = run([*argv, "--format", "html", "--output", str(page)], capsys)
    assert (status, out, err) == (0, "", "")  # no matplotlib glyph warning quoting raw bytes
    for text in (plot.read_text(encoding="utf-8"), page.read_text(encoding="utf-8")):
        assert not set(RAW) & set(text)
        assert "\\x1b]0;pwned\\x07" in text  # the SVG's comments and labels, escaped


def test_python_renderings_of_hostile_names() -> None:
    cm = ConfusionMatrix([[3, 1, 0, 0, 0]] * 5, NAMES)
    assert not set(RAW) & set(render_html(cm, title="t\x1b[2J"))
    assert raw_controls(render_text(cm, title="t\x1b[2J")) == set()


def test_warnings_are_one_escaped_line(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    from confmat._internal.cli import report as report_command

    def warn(args: object) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("always")  # the tests turn warnings into errors
            warnings.warn("glyph \x1b]0;x\x07\nmissing", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(report_command, "run", warn)
    status, _, err = run(["report", "p.csv"], capsys)
    assert status == 0
    assert err == "confmat: warning: glyph \\x1b]0;x\\x07 missing (UserWarning)\n"


@pytest.mark.parametrize(
    ("names", "width"),
    [(["a", "b", "c"], 1), (["x", "a much longer class name", "yy"], 24)],
)
def test_compare_per_class_table_is_aligned(
    tmp_path: Path, names: list[str], width: int, capsys
) -> None:
    path = tmp_path / "p.csv"
    rows = [(names[i % 3], names[i % 3], names[(i + i // 3) % 3]) for i in range(30)]
    with path.open("w", newline="") as out:
        csv.writer(out).writerows([("y_true", "y_pred_a", "y_pred_b"), *rows])
    status, out, _ = run(["compare", str(path), "--resamples", "50"], capsys)
    assert status == 0
    lines = out.splitlines()
    table = lines[lines.index("Per class, y_pred_b - y_pred_a:") + 1 :]
    assert len(table) == 4
    assert len({len(line) for line in table}) == 1  # every column ends where its header does
    header = table[0].split()
    assert header == ["class", "recall", "precision", "f1"]
    for line in table[1:]:
        assert line[2 : 2 + width].rstrip() in names
    differences = lines[lines.index("Per class, y_pred_b - y_pred_a:") - 7 :][:6]
    ends = {line.index("  [") for line in differences[1:]}
    assert len(ends) == 1, differences
