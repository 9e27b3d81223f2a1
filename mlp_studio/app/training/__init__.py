"""Training for real: the training dock, its session with the training process, the
worker that relays the process's messages, and the live loss plot.

Imports the document, widgets, core and io."""
