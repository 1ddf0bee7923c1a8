"""Builds the project's training photo set from Debian packages (``make photos``)."""
