"""Runs Markdown code blocks in one namespace, in order, as a reader would: ``python run_blocks.py
BLOCKS.json``, where the file holds ``[{"where": "README.md:12", "code": "..."}, ...]``.

The process is the reader's interpreter: a fresh one per page, so that no example shares state
(environment variables, a tracker's run, matplotlib's figures) with another or with the tests.
It exits with status 1 and the traceback of the first block that fails, naming that block. A
warning raised by confmat itself fails too, unless it is one of the warnings the guide shows on
purpose (others' warnings are the libraries' business, not the examples').
"""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from pathlib import Path

SHOWN_ON_PURPOSE = {
    "UndefinedMetricWarning",
    "FromLogitsWarning",
    "MissingValueWarning",
    "SampleCountWarning",
}


def main(path: str) -> int:
    blocks = json.loads(Path(path).read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "__main__"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for block in blocks:
            try:
                exec(compile(block["code"], block["where"], "exec"), namespace)
            except BaseException:
                print(f"{block['where']}: this block failed", file=sys.stderr)
                traceback.print_exc()
                return 1
    confmat_warnings = [
        f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}"
        for w in caught
        if "confmat" in Path(w.filename).parts and w.category.__name__ not in SHOWN_ON_PURPOSE
    ]
    if confmat_warnings:
        print("unexpected warnings from confmat:", *confmat_warnings, sep="\n", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
