"""The gradient-descent lab for typed functions.

Imports widgets, core and io."""
