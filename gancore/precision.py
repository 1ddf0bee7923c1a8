"""The names of ``run --precision`` (a module of its own so the CLI's parser imports no torch)."""

PRECISIONS = ("auto", "bf16", "fp32")  # auto = bf16 on CUDA where supported, fp32 elsewhere
