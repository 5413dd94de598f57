"""Widgets shared by several pages (pages never import each other)."""
