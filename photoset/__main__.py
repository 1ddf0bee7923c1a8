"""``python -m photoset build``: see :mod:`photoset.build`."""

import sys

from .build import main

sys.exit(main())
