"""The data panel: loading a CSV, choosing columns and scaling, raw and scaled values.

Imports the document, editor, widgets, core and io."""
