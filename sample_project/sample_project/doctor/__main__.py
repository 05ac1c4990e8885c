"""``python -m sample_project.doctor`` (or ``python -m doctor`` for a copy of this folder)."""

import sys

from .cli import main
from .display import pasted

sys.exit(main(prog=f"python -m {__package__}", command=f"{pasted(sys.executable)} -m {__package__}"))
