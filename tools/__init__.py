"""Developer tools that are not part of the installed package (the lent-GPU training driver)."""
