"""Comparisons, indicators and flags — pure functions over plain data."""
