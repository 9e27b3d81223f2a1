"""The application shell: start-up, the main window that wires the panels together,
autosave and crash recovery, the crash guard and the packaged self-test.

May import every other app package; none imports the shell."""
