"""Importers of the files schools already have (DESIGN §9)."""
