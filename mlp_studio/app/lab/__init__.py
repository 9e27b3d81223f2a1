"""The gradient-descent lab for typed functions, and the open network's loss landscape and Hessian.

Imports the document, widgets, core and io."""
