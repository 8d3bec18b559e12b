"""``python -m crawler`` runs the ``cobweb`` command line."""

import sys

from crawler.cli.main import main

sys.exit(main())
