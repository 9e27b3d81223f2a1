"""Qt (PySide6) + pyqtgraph user interface. Holds no maths of its own."""
