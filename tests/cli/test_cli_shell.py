"""The shell side of ``confmat``: start-up, help, options of the reports, and hostile arguments."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import confmat
from confmat._internal.cli.main import main
from confmat._internal.cli.parser import INPUT_FORMATS, INPUT_SUFFIXES
from confmat._internal.io import reading as io

SRC = str(Path(confmat.__file__).resolve().parents[1])
HEAVY = (
    "torch",
    "numpy",
    "pyarrow",
    "matplotlib",
    "confmat._internal.results.matrix",
    "confmat._internal.io.reading",
)

LABELS = "y_true,y_pred\ncat,cat\ncat,dog\ndog,dog\ndog,frog\nfrog,frog\nfrog,cat\ncat,cat\n"


def python(code: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this source tree."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args],
        text=True,
        env=env,
        timeout=120,
        check=False,
        **streams,
    )


_PROBE = """
import json, sys
from confmat._internal.cli.main import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps([status, heavy]), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        pytest.param(["--help"], 0, id="help"),
        pytest.param(["--version"], 0, id="version"),
        pytest.param(["report", "--help"], 0, id="report help"),
        pytest.param(["compare", "--help"], 0, id="compare help"),
        pytest.param(["demo", "--help"], 0, id="demo help"),
        pytest.param(["report"], 2, id="missing input"),
        pytest.param(["report", "p.csv", "--top", "0"], 2, id="bad --top"),
        pytest.param(["compare", "p.csv", "--seed", "-1"], 2, id="bad --seed"),
        pytest.param(["report", "p.csv", "--format", "json", "--top", "3"], 2, id="useless --top"),
        pytest.param(["nonsense"], 2, id="unknown command"),
    ],
)
def test_help_version_and_usage_errors_load_neither_torch_nor_numpy(
    argv: list[str], status: int
) -> None:
    done = python(_PROBE.format(heavy=HEAVY), *argv)
    got_status, heavy = json.loads(done.stderr.splitlines()[-1])
    assert (got_status, heavy) == (status, []), done.stderr
    assert "Traceback" not in done.stderr


def test_version_prints_the_version() -> None:
    done = python("from confmat._internal.cli.main import main; main(['--version'])")
    assert done.returncode == 0
    assert done.stdout == f"confmat {confmat.__version__}\n"


def test_import_confmat_is_lazy_but_every_public_name_resolves() -> None:
    code = (
        "import sys, confmat\n"
        "assert 'torch' not in sys.modules\n"
        "import inspect\n"  # no submodule shares a public function's name
        "assert inspect.isfunction(confmat.compare)\n"
        "missing = [n for n in confmat.__all__ if getattr(confmat, n, None) is None]\n"
        "print(missing, sorted(set(confmat.__all__) - set(dir(confmat))))\n"
    )
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[] []\n"


def test_help_shows_defaults_and_the_input_suffixes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: y_true)" in text
    assert "(default: text)" in text
    assert "(default: 0.5)" in text
    assert "(default: None)" not in text
    assert [s.strip() for s in INPUT_SUFFIXES.replace(" or ", ", ").split(",")] == list(io.SUFFIXES)
    assert INPUT_FORMATS == io.INPUT_FORMATS
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "(default: 2000)" in " ".join(capsys.readouterr().out.split())


# -- hostile arguments: exit 2 with one line, never a traceback ------------------------------

HOSTILE = ["-1", "0", "1e400", "1" + "0" * 30, "nan", "inf", "", ",", " ", "\x1b]0;x\x07", "a,,b"]
"""Values every option is fed: negative, zero, huge, not a number, empty, separators, escapes."""

NUMERIC = {"--top", "--threshold", "--resamples", "--level", "--seed"}
"""Options for which every hostile value but 0 (a valid seed) is invalid."""

REPORT_OPTIONS = [
    "--true-col",
    "--pred-col",
    "--score-cols",
    "--classes",
    "--classes-file",
    "--positive",
    "--threshold",
    "--choose-threshold",
    "--format",
    "--output",
    "--plot",
    "--title",
    "--normalize",
    "--top",
]
COMPARE_OPTIONS = [
    "--true-col",
    "--pred-col-a",
    "--pred-col-b",
    "--classes",
    "--classes-file",
    "--positive",
    "--threshold",
    "--resamples",
    "--level",
    "--seed",
    "--format",
    "--output",
]
PAIRED = "y_true,y_pred_a,y_pred_b\n0,0,1\n1,1,1\n1,0,1\n0,0,0\n"


def _assert_clean(argv: list[str], capsys: pytest.CaptureFixture[str], strict: bool) -> None:
    status = main(argv)  # an exception escaping here is the traceback a user would see
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if strict:
        assert status == 2, (argv, captured.err)
    assert status in (0, 2), (argv, captured.err)
    if status == 2:
        assert captured.err.startswith("confmat: error: "), captured.err
        assert captured.err.count("\n") == 1, captured.err
        assert "\x1b" not in captured.err
        assert "\x07" not in captured.err


@pytest.mark.slow
@pytest.mark.parametrize("option", REPORT_OPTIONS)
def test_report_options_fed_hostile_values(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.csv").write_text(LABELS)
    for value in HOSTILE:
        strict = (option in NUMERIC and value != "0") or option == "--top"
        _assert_clean(["report", "p.csv", f"{option}={value}"], capsys, strict)


@pytest.mark.slow
@pytest.mark.parametrize("option", COMPARE_OPTIONS)
def test_compare_options_fed_hostile_values(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.csv").write_text(PAIRED)
    resamples = [] if option == "--resamples" else ["--resamples", "20"]
    for value in HOSTILE:
        strict = (option in NUMERIC and value != "0") or option == "--resamples"
        _assert_clean(["compare", "p.csv", *resamples, f"{option}={value}"], capsys, strict)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        pytest.param(["--seed", "-1"], "argument --seed: expected an integer from 0", id="seed"),
        pytest.param(
            ["--resamples", "1000000000"],
            "argument --resamples: expected an integer from 1 to 1,000,000",
            id="resamples",
        ),
        pytest.param(["--level", "nan"], "strictly between 0 and 1", id="level"),
    ],
)
def test_compare_bounds_are_checked_before_any_work(
    argv: list[str], match: str, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(PAIRED)
    status = main(["compare", str(path), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert match in err
    assert err.count("\n") == 1


def test_demo_seed_and_out_are_checked(capsys) -> None:
    for argv in (["--seed", "-1"], ["--seed", "nan"], ["--out", ""]):
        _assert_clean(["demo", *argv], capsys, strict=True)


@pytest.mark.slow
def test_sigint_during_the_torch_import_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(LABELS)
    env = {**os.environ, "PYTHONPATH": SRC}
    command = [sys.executable, "-m", "confmat", "report", str(path)]
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    ) as child:
        try:
            maps = Path(f"/proc/{child.pid}/maps")
            while child.poll() is None and b"libtorch" not in maps.read_bytes():
                time.sleep(0.005)  # wait until torch's libraries are loading
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=60)
        finally:
            child.kill()
    assert (child.returncode, err, out) == (130, b"confmat: interrupted\n", b"")


# -- what the report shows: --title, --top, --normalize -------------------------------------

MANY_PAIRS = "y_true,y_pred\n" + "".join(
    f"{t},{p}\n" for t in "abcd" for p in "abcd" for _ in range(1 + (t == p) * 5)
)
"""Four classes, each confused once with each other: 12 confused pairs."""


def _pair_rows(markdown: str) -> list[str]:
    section = markdown.split("## Most confused pairs")[1].split("##")[0]
    return [
        line for line in section.splitlines() if line.startswith("| ") and "true class" not in line
    ]


def test_title_and_top_in_the_reports(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text(MANY_PAIRS)
    assert main(["report", str(path), "--format", "markdown"]) == 0
    assert len(_pair_rows(capsys.readouterr().out)) == 10  # the default
    argv = ["report", str(path), "--title", "Validation <run 3>", "--top", "2"]
    assert main([*argv, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Validation \\<run 3\\>\n")
    assert len(_pair_rows(markdown)) == 2
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("Validation <run 3>: ")
    assert main([*argv, "--format", "html"]) == 0
    assert "<title>Validation &lt;run 3&gt;</title>" in capsys.readouterr().out


def test_title_top_and_normalize_in_the_plot(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text(MANY_PAIRS)
    plot = tmp_path / "cm.svg"
    argv = ["report", str(path), "--format", "json", "--plot", str(plot)]
    assert main([*argv, "--normalize", "true", "--top", "2"]) == 0
    svg = plot.read_text()
    assert "normalized by true class" in svg
    assert "the 2 most confused of 4 classes" in svg
    assert main([*argv, "--title", "Validation"]) == 0
    svg = plot.read_text()
    assert "<!-- Validation -->" in svg
    assert "normalized" not in svg
    capsys.readouterr()


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--format", "json", "--top", "3"], "--top has no effect on --format json"),
        (["--format", "csv", "--title", "t"], "--title has no effect on --format csv"),
        (["--format", "json", "--normalize", "true"], "--normalize has no effect on --format json"),
        (["--normalize", "rows"], "argument --normalize: invalid choice: 'rows'"),
        (["--top", "0"], "argument --top: expected an integer from 1"),
    ],
)
def test_presentation_options_that_would_change_nothing_are_refused(
    tmp_path: Path, extra: list[str], match: str, capsys
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(LABELS)
    assert main(["report", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert match in err
    assert err.count("\n") == 1


def test_the_console_script_is_the_command_line() -> None:
    import tomllib

    from confmat._internal.cli.main import main

    project = tomllib.loads((Path(SRC).parent / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, function = project["project"]["scripts"]["confmat"].partition(":")
    assert getattr(importlib.import_module(module), function) is main
