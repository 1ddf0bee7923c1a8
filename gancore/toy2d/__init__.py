"""The 2-D benchmark: ``python -m gancore.toy2d train CONFIG`` / ``sweep`` (see ``__main__``)."""
