"""Small Qt helpers shared by several panels: lazy refreshing, plot ranges, dialog buttons.

Imports core only."""
