"""``make matrix``: re-run every scenario on every supported interpreter found; rewrite tests/matrix.json and the READMEs' generated sections.

python tests/commands/matrix.py [--jobs N] [--python 3.X ...]

An interpreter that is not on this machine, or not among those ``--python``
names, keeps what tests/matrix.json recorded for it (the output says so), so
the file always covers every supported interpreter. What the static tools see
is asked on the interpreter running this, if it is among them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from harness import ROOT
from interpreters import SUPPORTED, find_interpreter, missing_reason
from runner import jobs, run_all, static_python
from tables import MATRIX, SectionMissing, check_markers, load, merge, write
from timing import bench_report


def main(argv: list[str] | None = None) -> int:
    chosen = argparse.ArgumentParser(add_help=False)
    chosen.add_argument("--python", action="append", choices=SUPPORTED, default=[])
    only, rest = chosen.parse_known_args(argv)
    workers = jobs(__doc__, rest)
    pythons = tuple(python for python in only.python or SUPPORTED if find_interpreter(python))
    recorded = load() if MATRIX.exists() else {"observed_with": {}, "cells": []}
    # An interpreter not found here keeps its records, and what its venvs were seeded with then.
    kept = {
        python: recorded["observed_with"]["pythons"][python]
        for python in SUPPORTED
        if python not in pythons and any(python in r.get("python", []) for r in recorded["cells"])
    }
    for python in SUPPORTED:
        if python not in pythons:
            what = (
                "keeping what tests/matrix.json recorded for it"
                if python in kept
                else "nothing recorded for it"
            )
            why = (
                missing_reason(python)
                if find_interpreter(python) is None
                else f"CPython {python} not asked for"
            )
            print(f"{why}: {what}")
    try:
        check_markers()  # fail before a run of several minutes, not after
        records, timings, wall, seen = run_all(workers, pythons)
        # What editors see is asked on the interpreter running this; where it is not run, the record stays.
        asked = static_python(pythons)
        editors = {"python": asked, "cells": seen} if asked else recorded.get("static")
        write(merge(records, recorded["cells"], pythons), kept, editors)
    except (SectionMissing, RuntimeError) as error:  # no README markers; a backend that would not install
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {MATRIX.relative_to(ROOT)} and the READMEs' generated sections: {len(records)} runs")
    print(bench_report(records, timings, wall, workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
