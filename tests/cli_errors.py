"""How the tests read a usage error of the command line: status 2 and one line, no traceback."""

from __future__ import annotations

import pytest

from confmat._internal.cli.main import main


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one line ``confmat argv`` writes to standard error, checked to exit with status 2."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("confmat: error: ")
    assert err.count("\n") == 1
    return err
