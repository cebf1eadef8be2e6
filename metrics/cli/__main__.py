"""`python -m metrics.cli`: the same as the `xhht` console script."""

import sys

from metrics.cli import run

sys.exit(run())
