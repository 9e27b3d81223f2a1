"""Step-through: the step controller and toolbar, and the views of one step (math, layers,
sensitivity, output surface).

Imports the document, widgets, core and io."""
