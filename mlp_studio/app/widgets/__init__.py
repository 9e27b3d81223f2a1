"""Small Qt helpers shared by several panels: lazy refreshing and plot ranges.

Imports core only."""
