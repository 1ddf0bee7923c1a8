"""The apps built on gancore. Importing this package registers every app's task."""

from . import (
    colorizer,  # noqa: F401  (registers the "colorizer" task)
    inpainter,  # noqa: F401  (registers the "inpainter" task)
    superres,  # noqa: F401  (registers the "superres" task)
)
