"""Loss plot: growing buffer, log scale with a zero loss, crosshair, exports, a million points."""

from __future__ import annotations


import numpy as np
import pytest

from mlp_studio.app.training.loss_plot import LOG_FLOOR, GrowingBuffer, LossPlot, log_safe
from mlp_studio.core.training_run import Snapshot
from mlp_studio.core.network import Network

NET = Network.create([1, 1], "identity")


def _array(values) -> np.ndarray | None:
    return None if values is None else np.array(values, dtype=float)


def snap(run: int, epochs, losses, val=None, updates=None, penalty=None, rate=None) -> Snapshot:
    return Snapshot(run, int(epochs[-1]), 0, 0.0, np.array(epochs), np.array(losses, dtype=float),
                    _array(val), _array(updates), NET, None, _array(penalty), _array(rate))


def test_growing_buffer_doubles_and_keeps_values():
    buf = GrowingBuffer(4)
    buf.extend([1.0, 2.0, 3.0])
    assert buf.capacity == 4 and buf.view.tolist() == [1.0, 2.0, 3.0]
    buf.extend([4.0, 5.0])
    assert buf.capacity == 8 and buf.view.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    buf.extend(np.arange(20.0))  # more than one doubling at once: 25 -> 32
    assert buf.capacity == 32 and buf.n == 25 and buf.view[5:].tolist() == list(range(20))
    buf.clear()
    assert buf.n == 0 and buf.capacity == 32


def test_log_safe_clips_zero_and_keeps_positive():
    assert log_safe(np.array([0.0, 1e-20, 0.5])).tolist() == [LOG_FLOOR, LOG_FLOOR, 0.5]


@pytest.fixture
def plot(qtbot):
    p = LossPlot()
    qtbot.addWidget(p)
    p.resize(600, 400)
    return p


def test_runs_continue_the_epoch_axis_and_updates_sit_inside_epochs(plot):
    plot.add_snapshot(snap(1, [1, 2], [0.5, 0.25], val=[0.6, 0.3], updates=[0.7, 0.3, 0.4, 0.1]))
    plot.add_snapshot(snap(2, [1], [0.125]))  # a second run starts after epoch 2
    assert plot.train.x.view.tolist() == [1.0, 2.0, 3.0]
    assert plot.train.y.view.tolist() == [0.5, 0.25, 0.125]
    assert plot.val.x.view.tolist() == [1.0, 2.0]
    assert plot.updates.x.view.tolist() == [0.5, 1.0, 1.5, 2.0]  # two updates per epoch
    plot.redraw()
    x, y = plot.train_curve.getData()
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_log_scale_with_a_zero_loss(plot):
    plot.add_snapshot(snap(1, [1, 2, 3], [1.0, 0.01, 0.0]))
    plot.set_log(True)
    assert plot.log_box.isChecked()
    x, y = plot.train_curve.getData()  # pyqtgraph's log10 of the clipped data
    assert np.isfinite(y).all() and y.tolist() == pytest.approx([0.0, -2.0, np.log10(LOG_FLOOR)])
    plot.set_log(False)
    assert plot.train_curve.getData()[1].tolist() == [1.0, 0.01, 0.0]


def test_crosshair_reads_the_nearest_epoch(plot, qtbot):
    plot.show()
    plot.add_snapshot(snap(1, [1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1], val=[0.5, 0.4, 0.3, 0.2]))
    plot.redraw()
    item = plot.plot_widget.getPlotItem()
    item.vb.setRange(xRange=(0, 5), yRange=(0, 1), padding=0)
    qtbot.wait(20)
    plot._on_mouse_moved(item.vb.mapViewToScene(pg_point(2.9, 0.5)))
    assert plot.readout.text() == "epoch 3, loss 0.2, validation 0.3"


def pg_point(x, y):
    from PySide6.QtCore import QPointF
    return QPointF(x, y)


def test_csv_and_png_export(plot, tmp_path):
    plot.add_snapshot(snap(1, [1, 2], [0.5, 0.25], val=[0.75, 0.5], rate=[0.1, 0.05]))
    plot.add_snapshot(snap(2, [1], [0.125], val=None, penalty=[0.0625], rate=[0.5]))
    csv = tmp_path / "loss.csv"
    plot.export_csv(str(csv))
    assert csv.read_text().splitlines() == [
        "epoch,training_loss,validation_loss,penalty,learning_rate",
        "1,0.5,0.75,,0.1", "2,0.25,0.5,,0.05", "3,0.125,,0.0625,0.5"]
    png = tmp_path / "loss.png"
    plot.export_png(str(png))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.csv", "loss.png"]  # no temp files


def test_a_million_points_are_drawn_downsampled_and_clipped(plot, qtbot):
    """The curve keeps every point but draws about one per pixel column (benchmarks/gui.py
    times the redraw)."""
    plot.resize(600, 300)
    plot.show()
    n = 1_000_000
    rng = np.random.default_rng(0)
    losses = np.abs(rng.normal(size=n)) / np.arange(1, n + 1)
    for chunk in range(0, n, 100_000):  # as snapshots would deliver them
        epochs = np.arange(chunk + 1, chunk + 100_001)
        plot.add_snapshot(snap(1, epochs, losses[chunk:chunk + 100_000]))
    assert plot.train.x.n == n and plot.train.x.capacity >= n
    plot.add_snapshot(snap(1, [n + 1], [0.0]))
    plot.redraw()
    plot.plot_widget.grab()  # paint once
    shown_x, shown_y = plot.train_curve.getData()
    assert 0 < len(shown_x) < n // 100
    assert shown_x[-1] > 0.99 * n and np.nanmax(shown_y) == pytest.approx(losses.max())  # peaks kept


def test_per_update_points_stop_at_the_cap(plot, monkeypatch):
    import mlp_studio.app.training.loss_plot as loss_plot

    monkeypatch.setattr(loss_plot, "MAX_UPDATE_POINTS", 5)
    plot.add_snapshot(snap(1, [1, 2], [0.5, 0.25], updates=[0.7, 0.3, 0.4, 0.1]))
    plot.add_snapshot(snap(1, [3], [0.2], updates=[0.3, 0.1]))  # would make 6
    assert plot.updates.x.n == 4 and plot.train.x.n == 3  # epoch losses are always kept


def test_per_update_curve_starts_hidden_and_the_legend_names_only_what_is_drawn(plot):
    assert plot.legend.text() == ""  # an empty plot names nothing
    plot.add_snapshot(snap(1, [1, 2], [0.5, 0.4], updates=[0.6, 0.4, 0.5, 0.3]))
    plot.redraw()
    assert not plot.updates_box.isChecked() and not plot.update_curve.isVisible()
    assert plot.updates.y.n == 4  # hidden, not dropped: the CSV export still has them
    assert "training" in plot.legend.text() and "per update" not in plot.legend.text()
    assert "held out" not in plot.legend.text()  # no held-out rows, no such curve
    shown = plot.plot_widget.getPlotItem().vb.viewRange()[1]
    assert shown[1] < 0.6  # the range fits the epoch curve (0.4-0.5), not the updates' 0.6
    plot.updates_box.setChecked(True)
    assert plot.update_curve.isVisible() and "per update" in plot.legend.text()
    plot.updates_box.setChecked(False)
    assert not plot.update_curve.isVisible() and plot.train_curve.isVisible()


def test_a_log_loss_axis_labels_only_one_two_and_five_times_a_power_of_ten(qapp):
    from mlp_studio.app.training.loss_plot import LossAxis

    ticks = np.log10([0.005, 0.006, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.3])
    assert LossAxis("left").logTickStrings(ticks.tolist(), 1.0, 1.0) == [
        "0.005", "", "0.01", "0.02", "", "0.05", "", "0.1", ""]
