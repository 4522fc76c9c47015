"""``confmat report --top-k``: a section of the single-label report, in every format but CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_errors import usage_error
from confmat._internal.cli.main import main

SCORES = "y_true,s0,s1,s2\n0,0.5,0.2,0.2\n1,0.3,0.4,0.2\n2,0.2,0.4,0.3\n2,0.7,0.2,0.1\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_top_k_adds_a_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "s.csv", SCORES)
    args = ["report", source, "--score-cols", "0=s0,1=s1,2=s2", "--top-k", "2"]
    assert main([*args, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["top_k"]["accuracy"] == 0.75
    assert document["top_k"]["misses"][2] == [1, 0, 0]
    assert main([*args, "--format", "markdown"]) == 0
    assert "## Top-2" in capsys.readouterr().out


def test_every_format_draws_the_section_with_the_shared_renderers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "y_true,s0,s1\n<b>x</b>,0.9,0.1\na|b,0.2,0.8\n"
    source = write(tmp_path, "h.csv", hostile)
    args = ["report", source, "--score-cols", "<b>x</b>=s0,a|b=s1", "--top-k", "1"]
    assert main([*args, "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Top-1\n" in text
    assert "top-1 accuracy 1.0000, balanced 1.0000" in text
    assert text.index("Top-1") < text.index("Findings")  # inside the report, not appended
    assert main([*args, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "| \\<b\\>x\\</b\\> | 1 | 1 | 1.0000 |" in markdown
    assert main([*args, "--format", "html"]) == 0
    page = capsys.readouterr().out
    start = page.index('<section id="top-k">')
    section = page[start : page.index("</section>", start)]
    assert "<h2>Top-1</h2>" in section
    assert "&lt;b&gt;x&lt;/b&gt;" in section
    assert "<b>x</b>" not in section
    assert page.count("</body>") == 1


@pytest.mark.parametrize(
    ("text", "extra", "match"),
    [
        (
            SCORES,
            ["--score-cols", "0=s0,1=s1,2=s2", "--top-k", "4"],
            "at most the number of classes",
        ),
        ("y_true,y_pred\n0,1\n", ["--top-k", "2"], "needs --score-cols"),
        (
            SCORES,
            ["--score-cols", "0=s0,1=s1,2=s2", "--top-k", "2", "--format", "csv"],
            "no CSV form",
        ),
    ],
    ids=["k-large", "no-scores", "csv"],
)
def test_bad_usage_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, extra: list[str], match: str
) -> None:
    source = write(tmp_path, "x.csv", text)
    assert match in usage_error(capsys, ["report", source, *extra])
