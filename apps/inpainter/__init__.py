"""The inpainter app: photo + hole mask in, filled photo out; trained on your photos with synthetic masks.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""
