"""``make bench``: re-run every scenario and print what they cost; writes nothing.

python tests/commands/bench.py [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from matrix import jobs_option
from runner import run_all
from timing import bench_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    jobs_option(parser)
    options = parser.parse_args(argv)
    if options.jobs < 1:
        parser.error("--jobs takes a whole number of at least 1")
    try:
        records, timings, wall = run_all(options.jobs)
    except RuntimeError as error:  # a backend that would not install
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 1
    print(bench_report(records, timings, wall, options.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
