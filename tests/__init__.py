"""The test suite (a package, so that `tests.*` never resolves to a third-party top-level `tests`)."""
