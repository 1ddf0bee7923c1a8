"""Benchmarks: ``make bench`` (throughput.py) and ``make bench-memory`` (superres_memory.py)."""
