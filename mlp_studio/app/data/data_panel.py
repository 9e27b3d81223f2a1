"""The data panel: open a CSV (on a thread, with progress), choose columns and
scaling, and see raw and scaled values side by side.

Reading happens on a ``QThread`` so a million rows do not freeze the window;
the thread is always joined (when it ends, and on ``shutdown``). Loader errors
are shown in a dialog and the document stays as it was.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QThread, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog,
                               QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QProgressBar, QPushButton, QSizePolicy, QStyledItemDelegate,
                               QTableView, QVBoxLayout, QWidget)

from mlp_studio.app.editor import network_edit
from mlp_studio.app.widgets.dialog_buttons import ok_cancel_buttons
from mlp_studio.app.document.document import Document
from mlp_studio.app.widgets.appearance import appearance, colour_text, follow_font
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.scaling import SCALING_NAMES, SCALINGS
from mlp_studio.errors import MLPError
from mlp_studio.io.column_choice import ROLES, dataset_for_roles, default_roles, roles_of
from mlp_studio.io.csv_table import Table, read_csv

COLUMNS_LISTED = 6  # names shown of a longer column list


def column_list(names: list[str]) -> str:
    """Column names for a one-line summary: all of a few, the first and last of many."""
    if len(names) <= COLUMNS_LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:COLUMNS_LISTED - 2])}, …, {names[-1]} ({len(names)} columns)"


#: how long closing waits for a read to stop at its next chunk
SHUTDOWN_WAIT_MS = 3000
_let_go: set["CsvReader"] = set()  # reads let go while still finishing a chunk


def still_reading() -> bool:
    """Whether a read let go by ``DataPanel.shutdown`` is still running."""
    return any(reader.isRunning() for reader in _let_go)


class _Cancelled(Exception):
    """Raised from the progress callback to stop a read when the panel shuts down."""


class CsvReader(QThread):
    """Reads one CSV file off the GUI thread; emits ``loaded(Table)`` or ``failed(MLPError)``."""

    progress = Signal(int, int)
    loaded = Signal(object)
    failed = Signal(object)

    def __init__(self, path: str, parent=None) -> None:
        super().__init__(parent)
        self.path = path
        self.cancelled = False

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise _Cancelled
        self.progress.emit(done, total)

    def run(self) -> None:
        try:
            table = read_csv(self.path, self._progress)
        except _Cancelled:
            return
        except MLPError as exc:
            self.failed.emit(exc)
            return
        except OSError as exc:
            self.failed.emit(MLPError(exc.strerror or str(exc), where=self.path))
            return
        self.loaded.emit(table)


class DataTableModel(QAbstractTableModel):
    """Raw and scaled values of the chosen columns: ``name``, ``name (scaled)`` per column."""

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self._columns: list[tuple[str, np.ndarray, bool]] = []  # title, column values, is target
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._columns = []
        data = self.document.project.data
        if data is not None:
            for names, raw, scaled, target in ((data.inputs, data.raw_inputs, data.X, False),
                                               (data.targets, data.raw_targets, data.Z, True)):
                for k, name in enumerate(names):
                    self._columns.append((name, raw[:, k], target))
                    self._columns.append((f"{name} (scaled)", scaled[:, k], target))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        data = self.document.project.data
        return 0 if parent.isValid() or data is None or not self._columns else data.n_rows

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        title, values, target = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.row()]  # raw numbers as the file has them; scaled ones as the math panel
            return appearance().number(value) if title.endswith("(scaled)") else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if index.row() == self.document.selected_row and role in (Qt.ItemDataRole.BackgroundRole,
                                                                  Qt.ItemDataRole.ForegroundRole):
            colours = appearance().colours()
            return QBrush(colours.row_fill if role == Qt.ItemDataRole.BackgroundRole else colours.text)
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            title, _, target = self._columns[section]
            return f"{'→ ' if target else ''}{title}"
        return str(section)


class RoleModel(QAbstractTableModel):
    """Column names and their roles, one row per column; the role is editable. A model (not a
    combo box per row) keeps a dialog of thousands of columns quick to open."""

    def __init__(self, names: list[str], roles: list[str], parent=None) -> None:
        super().__init__(parent)
        self.names, self.roles = names, roles
        self.row_of = {name: r for r, name in enumerate(names)}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        if index.column() == 0:
            return self.names[index.row()]
        shown = self.roles[index.row()]
        return f"{shown}  ▾" if role == Qt.ItemDataRole.DisplayRole else shown  # ▾: a choice

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 1 or value not in ROLES:
            return False
        self.roles[index.row()] = value
        self.dataChanged.emit(index, index)
        return True

    def set_roles(self, roles: list[str]) -> None:
        self.roles[:] = roles
        self.dataChanged.emit(self.index(0, 1), self.index(len(roles) - 1, 1))

    def flags(self, index: QModelIndex):
        flags = Qt.ItemFlag.ItemIsEnabled
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else flags

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("Column", "Role")[section]
        return None


class RoleDelegate(QStyledItemDelegate):
    """Edits a role with a combo box, created only for the row being edited."""

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems(list(ROLES))
        combo.activated.connect(lambda _: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText())


class ColumnDialog(QDialog):
    """Choose each column's role (input, target, ignore) and the scaling of each side."""

    def __init__(self, table: Table, current: Dataset | None, parent=None) -> None:
        super().__init__(parent)
        self.table = table
        self.current = current
        self.setWindowTitle(f"Columns of {Path(table.path).name or 'the data'}")
        layout = QVBoxLayout(self)
        classes = "".join(f" Class column {column!r}: {len(names)} classes, one 0/1 column each."
                          for column, names in table.classes.items())
        intro = QLabel(f"{table.n_rows} rows, {len(table.columns)} columns.{classes} "
                       "Choose what each column is:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        same = current is not None and current.columns == table.columns
        roles = roles_of(table.columns, current.inputs, current.targets) if same \
            else default_roles(table)
        self.model = RoleModel(table.columns, roles, self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setItemDelegateForColumn(1, RoleDelegate(self.grid))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.grid.verticalHeader().hide()
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        probe = QComboBox()
        probe.addItems(list(ROLES))
        header.resizeSection(1, probe.sizeHint().width())  # one combo measured, not one per row
        self.grid.verticalHeader().setDefaultSectionSize(probe.sizeHint().height())
        layout.addWidget(self.grid)
        form = QFormLayout()
        self.input_scaling = QComboBox()
        self.target_scaling = QComboBox()
        for combo, value in ((self.input_scaling, current.input_scaling if same else "minmax01"),
                             (self.target_scaling, current.target_scaling if same else "minmax01")):
            for key in SCALINGS:
                combo.addItem(SCALING_NAMES[key], key)
            combo.setCurrentIndex(SCALINGS.index(value))
        form.addRow("Input scaling", self.input_scaling)
        form.addRow("Target scaling", self.target_scaling)
        layout.addLayout(form)
        layout.addWidget(ok_cancel_buttons(self))
        self.resize(420, min(640, 200 + 32 * len(table.columns)))

    def set_roles(self, inputs: list[str], targets: list[str]) -> None:
        self.model.set_roles(roles_of(self.table.columns, inputs, targets))

    def role(self, column: str) -> str:
        return self.model.roles[self.model.row_of[column]]

    def set_role(self, column: str, role: str) -> None:
        self.model.setData(self.model.index(self.model.row_of[column], 1), role)

    def roles_of(self) -> dict[str, int]:
        """How many columns have each role."""
        return dict(Counter(self.model.roles))

    def dataset(self) -> Dataset:
        """The dataset for the chosen roles and scalings (MLPError if the choice is impossible)."""
        derived = self.current.derived if self.current is not None else ()
        return dataset_for_roles(self.table, list(self.model.roles), self.input_scaling.currentData(),
                                 self.target_scaling.currentData(), derived)


class DataPanel(QWidget):
    """Open CSV, choose columns, and the table of raw and scaled values."""

    #: emitted with the path after a CSV was read (for the recent-files list, status bar)
    csv_loaded = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.reader: CsvReader | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.open_button = QPushButton("Open CSV…")
        self.open_button.setToolTip("Read a CSV file as the training data")
        self.open_button.clicked.connect(self.choose_csv)
        self.columns_button = QPushButton("Columns…")
        self.columns_button.setToolTip("Choose the input and target columns and their scaling")
        self.columns_button.clicked.connect(self.edit_columns)
        self.derive_button = QPushButton("Add column…")
        self.derive_button.setToolTip("A new input column from an expression of the others (x1*x2, x1**2, sin(x1))")
        self.derive_button.clicked.connect(self.add_derived_column)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.open_button)
        bar.addWidget(self.columns_button)
        bar.addWidget(self.derive_button)
        bar.addWidget(self.source, 1)
        layout.addLayout(bar)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        colour_text(self.warnings, "warning")
        self.warnings.hide()
        layout.addWidget(self.warnings)
        self.model = DataTableModel(document, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        follow_font(self.view)
        self.view.horizontalHeader().setResizeContentsPrecision(50)  # fit columns on 50 rows, not 10^6
        self.view.clicked.connect(lambda index: self._choose_row(index.row()))
        layout.addWidget(self.view, 1)
        document.data_changed.connect(self._on_data_changed)
        document.network_changed.connect(self._update_warnings)
        document.row_changed.connect(self._on_row_changed)
        document.edit_lock_changed.connect(self._enable_buttons)
        appearance().changed.connect(self._on_appearance)
        self._on_appearance()
        self._on_data_changed()

    def _on_appearance(self) -> None:
        """The row in use looks the same selected or not: its fill, the text's colour."""
        colours = appearance().colours()
        palette = QPalette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, colours.row_fill)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, colours.text)
        self.view.setPalette(palette)
        self.view.viewport().update()

    # --------------------------------------------------------------- display
    def _on_data_changed(self) -> None:
        self.model.reload()
        data = self.document.project.data
        self._enable_buttons()
        if data is None:
            self.source.setText("No data. Open a CSV file (or drop one on the window).")
        else:
            name = Path(data.source).name if data.source else "Data saved in the project"
            self.source.setText(f"{name}: {data.n_rows} rows · inputs {column_list(data.inputs)} "
                                f"({SCALING_NAMES[data.input_scaling]}) · targets {column_list(data.targets)} "
                                f"({SCALING_NAMES[data.target_scaling]})")
        self.view.resizeColumnsToContents()
        self._update_warnings()

    def _enable_buttons(self) -> None:
        """Open, Columns and Derive change the document: off while it is locked (Open also
        while a file is read)."""
        free, data = self.document.edit_lock is None, self.document.project.data
        self.open_button.setEnabled(free and self.reader is None)
        self.columns_button.setEnabled(free and data is not None)
        self.derive_button.setEnabled(free and data is not None)

    def _update_warnings(self) -> None:
        if self.document.snapshot is not None:
            return  # a training run's weights on show: the output activation is the project's
        data = self.document.project.data
        warnings = data.target_range_warnings(self.document.network.layers[-1].activation) \
            if data is not None else []
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def _on_row_changed(self) -> None:
        row = self.document.selected_row
        if self.model.rowCount():
            self.view.selectRow(row)
            self.view.viewport().update()

    def _choose_row(self, row: int) -> None:
        if row != self.document.selected_row:
            self.document.set_row(row)

    # --------------------------------------------------------------- loading
    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open CSV", "", "CSV files (*.csv *.txt *.tsv);;All files (*)")
        if path:
            self.load_csv(path)

    def load_csv(self, path: str | Path) -> None:
        """Start reading ``path`` on a thread; the column dialog follows when it is read."""
        if self.reader is not None:
            QMessageBox.information(self, "MLP Studio", "A file is still being read; wait for it to finish.")
            return
        self.reader = CsvReader(str(path), self)
        self.reader.progress.connect(self._on_progress)
        self.reader.loaded.connect(self._on_loaded)
        self.reader.failed.connect(self._on_failed)
        self.reader.finished.connect(self._on_reader_finished)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._enable_buttons()
        self.reader.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"Reading: {done} of {total} rows")

    def _on_reader_finished(self) -> None:
        if self.reader is not None:
            self.reader.wait()
            self.reader.deleteLater()
            self.reader = None
        self.progress.hide()
        self._enable_buttons()

    def _on_failed(self, exc: MLPError) -> None:
        QMessageBox.warning(self, "Could not open the CSV file", str(exc))

    def _on_loaded(self, table: Table) -> None:
        self.csv_loaded.emit(table.path)
        self.choose_columns(table)

    def edit_columns(self) -> None:
        data = self.document.project.data
        if data is not None:
            self.choose_columns(Table(list(data.columns), data.values, data.source))

    def add_derived_column(self) -> bool:
        """Ask for a derived column and add it as an input; True when it was added."""
        from mlp_studio.app.data.derived_column_dialog import DerivedColumnDialog, with_new_input

        data = self.document.project.data
        if data is None:
            return False
        dialog = DerivedColumnDialog(data, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            return self.apply_dataset(with_new_input(data, dialog.column()))
        except MLPError as exc:
            QMessageBox.warning(self, "MLP Studio", str(exc))
            return False

    def choose_columns(self, table: Table) -> None:
        dialog = ColumnDialog(table, self.document.project.data, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.apply_dataset(dialog.dataset())
                return
            except MLPError as exc:
                QMessageBox.warning(self, "MLP Studio", str(exc))

    def apply_dataset(self, dataset: Dataset) -> bool:
        """Put ``dataset`` into the document, resizing the network (after asking) if needed."""
        net = self.document.project.network
        n_in, n_out = len(dataset.inputs), len(dataset.targets)
        new_net = None
        if (net.n_inputs, net.n_outputs) != (n_in, n_out):
            new_net = network_edit.resize_io(net, n_in, n_out, seed=net.n_parameters)
            sizes = lambda n: "-".join(map(str, n.sizes))  # noqa: E731
            answer = QMessageBox.question(
                self, "Change the network?",
                f"The data has {n_in} input and {n_out} target columns, the network "
                f"{net.n_inputs} inputs and {net.n_outputs} outputs. Change the network from "
                f"{sizes(net)} to {sizes(new_net)}? Layers whose shape changes get new random weights.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        name = Path(dataset.source).name if dataset.source else "data"
        self.document.set_dataset(dataset, new_net, f"Load data {name}")
        return True

    def shutdown(self) -> None:
        """Stop a running read and join it (window closing). The read stops at its next chunk;
        if that takes longer than ``SHUTDOWN_WAIT_MS`` the thread is let go: its result is
        dropped and it ends on its own (``still_reading`` tells the app it is running)."""
        reader, self.reader = self.reader, None
        if reader is None:
            return
        reader.cancelled = True
        for signal in (reader.progress, reader.loaded, reader.failed, reader.finished):
            signal.disconnect()
        if reader.wait(SHUTDOWN_WAIT_MS):
            reader.deleteLater()
            return
        reader.setParent(None)
        _let_go.add(reader)  # kept referenced: a QThread destroyed while it runs aborts the app
