"""The super-resolution app: degraded LR in, HR out; trained on your photos, run over folders of any size.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""
