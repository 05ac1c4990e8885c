"""``make docs``: rewrite every generated section of the READMEs from what they are generated from:
tests/matrix.json (the summary, the backends, the matrix, the sample), the tests' own docstrings (where
each claim is tested) and the doctor's table of causes. Runs no scenario; `make matrix` re-runs them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # tests/lib

from harness import ROOT
from tables import SectionMissing, load, write_docs


def main() -> int:
    try:
        written = write_docs(load())
    except SectionMissing as error:
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 1
    print("wrote the generated sections of " + ", ".join(str(p.relative_to(ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
