"""``python -m influence``."""

import sys

from influence.cli import main

sys.exit(main())
