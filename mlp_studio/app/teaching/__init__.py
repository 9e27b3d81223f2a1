"""Teaching: the lesson panel, quiz mode, the timeline, the Help menu, new exercise sheets.

Imports the document, editor (the canvas it marks), widgets, core and io."""
