"""`python -m badgehub_cli`, the same as the `badgehub` console script."""

import sys

from .main import main

sys.exit(main())
