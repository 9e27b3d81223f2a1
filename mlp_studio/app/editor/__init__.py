"""The network editor: the canvas, the inspector, the edit actions and the edits they make.

Imports the document, widgets, core and io."""
