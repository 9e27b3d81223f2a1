"""Bundled example projects, datasets, icons and the desktop entry."""
