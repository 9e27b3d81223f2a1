"""Screenshots of the real main window (run under Xvfb: ``xvfb-run -a -s "-screen 0 1920x1080x24"
python docs/screenshots/take.py OUT.png WIDTH HEIGHT [--example NAME | --project PATH] [--updates N]
[--presenter] [--theme dark] [--train N]``).

Settings go to a temporary folder, so a developer's saved layout does not change the picture.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("width", type=int)
    parser.add_argument("height", type=int)
    parser.add_argument("--example", default="")
    parser.add_argument("--project", default="", help="open this project file instead of an example")
    parser.add_argument("--substeps", type=int, default=0, help="sub-steps (F8) to take")
    parser.add_argument("--updates", type=int, default=0, help="full updates (F11) to take")
    parser.add_argument("--presenter", action="store_true")
    parser.add_argument("--select", default="", help="select an edge: layer,node,input")
    parser.add_argument("--tab", action="append", default=[], help="raise this dock (object name; repeatable)")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--train", type=int, default=0, help="train this many epochs first")
    args = parser.parse_args()
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget

    app = QApplication(sys.argv[:1])
    from mlp_studio.app.widgets.appearance import appearance

    appearance().update(theme=args.theme)
    from mlp_studio.app.shell.main import _initial_document
    from mlp_studio.app.shell.main_window import MainWindow

    window = MainWindow(_initial_document([]))
    window.resize(args.width, args.height)
    window.show()
    if args.example:
        window.open_example(args.example + ".mlp.json")
    if args.project:
        window.open_path(args.project)

    def act() -> None:
        c = window.step_controller
        for _ in range(args.updates):
            c.act_update.trigger()
        for _ in range(args.substeps):
            c.act_substep.trigger()
        if args.select:
            window.document.select(("edge", *map(int, args.select.split(","))))
        for tab in args.tab:
            window.findChild(QDockWidget, tab).raise_()
        if args.presenter:
            window.presenter.action.trigger()
        if args.train:
            session = window.training_panel.session
            session.set_delay(0.0)
            session.finished.connect(lambda _result: QTimer.singleShot(900, shoot))
            window.training_panel.start(args.train)
        else:
            QTimer.singleShot(900, shoot)

    def shoot() -> None:
        window.grab().save(args.out)
        window.training_panel.session.shutdown()
        os._exit(0)  # the screenshot is all that is wanted: no save prompt, no clean-up

    QTimer.singleShot(700, act)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
