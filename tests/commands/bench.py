"""``make bench``: re-run every scenario and print what they cost; writes nothing.

python tests/commands/bench.py [--jobs N]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from runner import jobs, run_all
from timing import bench_report


def main(argv: list[str] | None = None) -> int:
    workers = jobs(__doc__, argv)
    try:
        records, timings, wall = run_all(workers)
    except RuntimeError as error:  # a backend that would not install
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 1
    print(bench_report(records, timings, wall, workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
