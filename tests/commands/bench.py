"""``make bench``: how long each tier takes here, as a user runs it: the median of several runs.

python tests/commands/bench.py [--runs N] [--python PYTHON] [TARGET ...]

Runs ``make TARGET`` (default: test, the inner loop) N times (default 3) one
after the other, with the tool venv already set up, and prints each run's wall
time and the median. Writes nothing; exits 1 if a run fails. Where the time of
the matrix's scenarios goes, command by command, is what ``make matrix`` prints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from harness import ROOT, make_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("targets", nargs="*", default=["test"], metavar="TARGET")
    parser.add_argument("--runs", type=int, default=3, help="runs of each target (default: 3)")
    parser.add_argument("--python", default=sys.executable, help="the tool Python (default: this one)")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs takes a whole number of at least 1")
    for target in options.targets:
        times = []
        for run in range(1, options.runs + 1):
            started = time.monotonic()
            done = subprocess.run(
                ["make", "--no-print-directory", target, f"PYTHON={options.python}"],
                cwd=ROOT,
                env=make_env(),
                capture_output=True,
                text=True,
            )
            times.append(time.monotonic() - started)
            print(f"make {target}, run {run}: {times[-1]:.1f} s, exit {done.returncode}", flush=True)
            if done.returncode:
                print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
                return 1
        print(
            f"make {target}: median {statistics.median(times):.1f} s of {options.runs} runs on {os.cpu_count()} cores"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
