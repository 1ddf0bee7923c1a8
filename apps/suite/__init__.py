"""What spans the three apps: ``python -m apps eval`` (``make eval``) scores every shipped model."""
