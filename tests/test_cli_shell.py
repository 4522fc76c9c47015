"""The shell side of ``confmat``: start-up, help, options of the reports, and hostile arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import confmat
from confmat import io
from confmat.arguments import INPUT_SUFFIXES
from confmat.cli import main

SRC = str(Path(confmat.__file__).resolve().parents[1])
HEAVY = ("torch", "numpy", "pyarrow", "matplotlib", "confmat.matrix", "confmat.io")

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
from confmat.cli import main
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
    done = python("from confmat.cli import main; main(['--version'])")
    assert done.returncode == 0
    assert done.stdout == f"confmat {confmat.__version__}\n"


def test_import_confmat_is_lazy_but_every_public_name_resolves() -> None:
    code = (
        "import sys, confmat\n"
        "assert 'torch' not in sys.modules\n"
        "import confmat.compare\n"  # the submodule must not hide the function of that name
        "assert callable(confmat.compare) and confmat.compare.__module__ == 'confmat.compare'\n"
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
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "(default: 2000)" in " ".join(capsys.readouterr().out.split())
