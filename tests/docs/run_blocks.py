"""Runs groups of Markdown code blocks as readers would: ``run_blocks.py GROUPS.json OUT.json``.

``GROUPS.json`` holds ``[{"name": ..., "blocks": [{"where": "README.md:12", "code": ...}]}]``.
Each group's blocks run in order in one fresh namespace and a fresh working directory (a README
block alone; a guide page after its preamble), so that a group never relies on another's names
or files. This is one interpreter for every group (the test process stays untouched: examples set
environment variables, start trackers' runs, draw figures), and ``OUT.json`` gets, per group
name, None or the traceback of its first failing block. A warning raised by confmat itself fails
a group too, unless the guide shows it on purpose (others' warnings are the libraries' business).
"""

from __future__ import annotations

import json
import os
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


def run_group(blocks: list[dict[str, str]], directory: Path) -> str | None:
    """Run one group in ``directory``; None, or what went wrong."""
    directory.mkdir(parents=True)
    os.chdir(directory)
    namespace: dict[str, object] = {"__name__": "__main__"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for block in blocks:
            try:
                exec(compile(block["code"], block["where"], "exec"), namespace)
            except BaseException:
                return f"{block['where']}: this block failed\n{traceback.format_exc()}"
            finally:
                if "matplotlib.pyplot" in sys.modules:
                    sys.modules["matplotlib.pyplot"].close("all")
    ours = [
        f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}"
        for w in caught
        if "confmat" in Path(w.filename).parts and w.category.__name__ not in SHOWN_ON_PURPOSE
    ]
    return "unexpected warnings from confmat:\n" + "\n".join(ours) if ours else None


def main(groups_path: str, out_path: str) -> None:
    groups = json.loads(Path(groups_path).read_text(encoding="utf-8"))
    work = Path(out_path).parent / "work"
    results = {
        group["name"]: run_group(group["blocks"], work / str(number))
        for number, group in enumerate(groups)
    }
    Path(out_path).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
