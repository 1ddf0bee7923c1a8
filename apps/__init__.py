"""The apps built on gancore: colorizer, inpainter, superres.

Each is found by the core through the package's entry points (``pyproject.toml``): group
``gancore.tasks`` registers an app's task, group ``gancore.apps`` names its CLI (``App``), so a
separate package can add a fifth app without touching the core. Importing this package is cheap.
"""
