"""``python -m sample_project.doctor`` (or ``python -m doctor`` for a copy of this folder)."""

import os
import sys

if not __package__:  # `python path/to/doctor`: the folder ran as a script, outside its package
    folder = os.path.dirname(os.path.abspath(__file__))
    print(
        f"run it as a module from the folder that holds it: python -m {os.path.basename(folder)}",
        file=sys.stderr,
    )
    sys.exit(2)

from .cli import main
from .display import pasted

sys.exit(main(prog=f"python -m {__package__}", command=f"{pasted(sys.executable)} -m {__package__}"))
