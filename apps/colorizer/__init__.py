"""The colorizer app: L in, ab out; trained on your photos, run over folders, shown in a demo.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""
