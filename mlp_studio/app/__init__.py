"""Qt (PySide6) + pyqtgraph user interface, grouped by what a person sees. Holds no maths.

- ``document``: the open project and its undo commands (the one source of truth)
- ``editor``: canvas, inspector and edit actions
- ``stepping``: step controller, toolbar, math, layers, sensitivity, output surface
- ``training``: training dock, training process and worker, loss plot
- ``data``: the data panel
- ``lab``: the gradient-descent lab
- ``widgets``: small helpers shared by panels
- ``shell``: start-up and the main window, which wires the others together
"""
