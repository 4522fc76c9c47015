"""The ``confmat`` command: parsing, exit codes, warnings, and dispatch to the commands.

Exit status 0 on success, 2 on bad input or usage with one line on standard error, 130 when
interrupted. The arguments are parsed by :mod:`cli.parser` (standard library only); each
command lives in a module of its own (:mod:`cli.report`, :mod:`cli.compare`, :mod:`cli.demo`),
imported only when it runs, so ``--help``, ``--version`` and usage errors import neither torch
nor numpy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from confmat._internal.cli.parser import build_parser
from confmat.exceptions import ConfmatError, UsageError, one_line

COMMANDS = {
    "report": "confmat._internal.cli.report",
    "compare": "confmat._internal.cli.compare",
}
"""The module of each command; each has ``run(args) -> int`` (the demo is run by ``_demo``)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            args = build_parser().parse_args(argv)
            return _dispatch(args)
    except ConfmatError as error:
        print(f"confmat: error: {one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"confmat: error: {one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("confmat: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command, its module imported now (not before: see the module doc)."""
    if args.command == "demo":
        return _demo(args)
    command = importlib.import_module(COMMANDS[args.command])
    status: int = command.run(args)
    return status


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A warning on one line of standard error, its text escaped (it may quote a file)."""
    print(f"confmat: warning: {one_line(message)} ({category.__name__})", file=sys.stderr)


def _demo(args: argparse.Namespace) -> int:
    """``confmat demo``: its optional dependencies missing are a usage error, not a traceback."""
    try:
        from confmat._internal.cli.demo import run_demo

        run_demo(args.out, seed=args.seed)
    except ImportError as error:
        raise UsageError(f"the demo needs {error.name}: pip install 'confmat[all]'") from None
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
