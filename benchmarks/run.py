"""Side-by-side performance runs: MLP Studio's core against its peers, in one process.

    python benchmarks/run.py [--quick] [--out results.json] [--only tiny,digits,adam,wide,gui] [--threads N]

Each workload is timed for every implementation in turn, several rounds, and
the best round of each is kept (the machine is shared, so the best is the
least disturbed); ratios come from the same run. Peers: a plain NumPy loop
written here, scikit-learn's MLPRegressor/MLPClassifier with matching
settings, and PyTorch when it is installed (``pip install -e .[torch]``).

FLOPs of one update (matrix products only, 2 FLOPs per multiply-add), for a
batch of B rows and layers i = 0..L-1 with weights n_out_i x n_in_i:
    forward    2 B sum_i n_in_i n_out_i
    deltas     2 B sum_{i>=1} n_in_i n_out_i   (no delta for the inputs)
    gradients  2 B sum_i n_in_i n_out_i
Elementwise work (activations, loss, update) is not counted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlp_studio.core.dataset import Dataset  # noqa: E402
from mlp_studio.core.network import Layer, Network  # noqa: E402
from mlp_studio.core.training import Trainer, TrainingConfig  # noqa: E402

try:
    import torch
except ImportError:  # optional peer
    torch = None

try:
    from threadpoolctl import threadpool_info
except ImportError:
    threadpool_info = None


def blas_threads() -> int:
    """Threads NumPy's BLAS uses (the thread count peers are matched to)."""
    if threadpool_info is None:
        return os.cpu_count() or 1
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return int(pool["num_threads"])
    return os.cpu_count() or 1


def best_time(runs: dict[str, Callable[[], object]], rounds: int,
              settle: float = 0.0) -> dict[str, float]:
    """Best wall time of each callable over ``rounds`` rounds, taken in turn.

    Models, trainers and buffers are built before timing: the rates are steady-state
    training speed (one warm-up call each first). ``settle`` seconds of sleep before each
    timed call let the previous peer's thread pool (OpenMP, BLAS) stop spinning on the cores."""
    for fn in runs.values():
        fn()
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            time.sleep(settle)
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def update_flops(sizes: list[int], batch: int) -> float:
    """Matrix-product FLOPs of one forward + backward + gradient pass (module docstring)."""
    macs = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2.0 * batch * (2 * sum(macs) + sum(macs[1:]))


def quiet_sklearn():
    from sklearn.exceptions import ConvergenceWarning
    warnings.simplefilter("ignore", ConvergenceWarning)


def workload_result(name: str, unit: str, rates: dict[str, float],
                    min_ratios: dict[str, float]) -> dict:
    """A workload's rates, our ratio to each peer, and the targets (for the peers that ran)."""
    ours = rates["mlp_studio"]
    return {
        "workload": name, "unit": unit, "rates": rates,
        "ratios": {k: ours / v for k, v in rates.items() if k != "mlp_studio"},
        "targets": {k: {"min_ratio": m, "met": ours / rates[k] >= m}
                    for k, m in min_ratios.items() if k in rates},
    }


# --- workload 1: the reference 2-3-1 network, online SGD -----------------------------

REF_ROWS = [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]


def reference_problem() -> tuple[Network, np.ndarray, np.ndarray]:
    ds = Dataset(["I0", "I1", "Z0"], np.array(REF_ROWS, float), ["I0", "I1"], ["Z0"],
                 input_scaling="minmax01", target_scaling="minmax01")
    net = Network(2, [
        Layer(np.array([[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]), np.array([0.5, 0.5, 0.5]), "sigmoid"),
        Layer(np.array([[0.5, -1.0, 0.0]]), np.array([0.5]), "sigmoid"),
    ])
    return net, ds.X, ds.Z


def numpy_online_loop(net: Network, X: np.ndarray, Z: np.ndarray, lr: float, epochs: int) -> None:
    """The textbook per-sample NumPy loop for a one-hidden-layer sigmoid network."""
    W1, b1 = net.layers[0].weights.copy(), net.layers[0].biases.copy()
    W2, b2 = net.layers[1].weights.copy(), net.layers[1].biases.copy()
    for _ in range(epochs):
        for x, z in zip(X, Z):
            h = 1.0 / (1.0 + np.exp(-(W1 @ x + b1)))
            y = 1.0 / (1.0 + np.exp(-(W2 @ h + b2)))
            d2 = y * (1.0 - y) * (y - z)
            d1 = h * (1.0 - h) * (W2.T @ d2)
            W2 -= lr * np.outer(d2, h)
            b2 -= lr * d2
            W1 -= lr * np.outer(d1, x)
            b1 -= lr * d1


def bench_tiny(rounds: int, epochs: int, threads: int) -> dict:
    net, X, Z = reference_problem()
    lr = 0.1
    cfg = TrainingConfig(learning_rate=lr, mode="online", epochs=epochs)
    trainer = Trainer(net.copy(), X, Z, "half_squared_error", cfg)
    runs: dict[str, Callable[[], object]] = {
        "mlp_studio": trainer.train,
        "numpy_loop": lambda: numpy_online_loop(net, X, Z, lr, epochs),
    }
    try:
        from sklearn.neural_network import MLPRegressor
        quiet_sklearn()
        sk_epochs = max(1, epochs // 10)  # scikit-learn is slow here; fewer epochs, same per-update rate

        def sk():
            MLPRegressor(hidden_layer_sizes=(3,), activation="logistic", solver="sgd", alpha=0.0,
                         batch_size=1, learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False,
                         shuffle=False, tol=0.0, n_iter_no_change=10**9, max_iter=sk_epochs,
                         random_state=0).fit(X, Z.ravel())
        runs["scikit-learn"] = sk
    except ImportError:
        sk_epochs = 0
    if torch is not None:
        t_epochs = max(1, epochs // 10)

        model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(),
                                    torch.nn.Linear(3, 1), torch.nn.Sigmoid()).double()
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        xt, zt = torch.from_numpy(X), torch.from_numpy(Z)

        def tl():
            for _ in range(t_epochs):
                for r in range(len(xt)):
                    opt.zero_grad()
                    loss = 0.5 * ((model(xt[r:r + 1]) - zt[r:r + 1]) ** 2).sum()
                    loss.backward()
                    opt.step()
        runs["pytorch"] = tl
    t = best_time(runs, rounds)
    n = len(X)
    updates = {"mlp_studio": epochs * n, "numpy_loop": epochs * n,
               "scikit-learn": sk_epochs * n, "pytorch": max(1, epochs // 10) * n}
    rates = {k: updates[k] / v for k, v in t.items()}
    return workload_result("2-3-1 sigmoid, online SGD, reference data (4 rows, min-max scaled), float64",
                           "updates/s", rates, {"numpy_loop": 2.5, "scikit-learn": 20.0})


# --- workload 2: 784-128-64-10, minibatch 64, float32 --------------------------------

def digits_problem(rows: int) -> tuple[Network, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.random((rows, 784), dtype=np.float32)
    labels = rng.integers(0, 10, rows)
    Z = np.eye(10, dtype=np.float32)[labels]
    net = Network.create([784, 128, 64, 10], ["relu", "relu", "softmax"], "he", seed=0,
                         dtype=np.float32)
    return net, X, Z, labels


def numpy_minibatch_loop(net: Network, X: np.ndarray, Z: np.ndarray, lr: float, batch: int,
                         epochs: int) -> None:
    """A straightforward NumPy minibatch loop (relu hidden, softmax + cross-entropy)."""
    Ws = [l.weights.copy() for l in net.layers]
    bs = [l.biases.copy() for l in net.layers]
    for _ in range(epochs):
        for start in range(0, len(X), batch):
            x, z = X[start:start + batch], Z[start:start + batch]
            acts = [x]
            for i, (W, b) in enumerate(zip(Ws, bs)):
                s = acts[-1] @ W.T + b
                if i < len(Ws) - 1:
                    acts.append(np.maximum(s, 0))
                else:
                    e = np.exp(s - s.max(axis=1, keepdims=True))
                    acts.append(e / e.sum(axis=1, keepdims=True))
            d = (acts[-1] - z) / len(x)
            for i in range(len(Ws) - 1, -1, -1):
                gW, gb = d.T @ acts[i], d.sum(axis=0)
                if i:
                    d = (d @ Ws[i]) * (acts[i] > 0)
                Ws[i] -= lr * gW
                bs[i] -= lr * gb


def torch_mlp(sizes: list[int], hidden: str):
    """Linear layers with ``hidden`` activations between them (the loss adds the output's)."""
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}[hidden]
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(act())
    return torch.nn.Sequential(*mods)


def bench_digits(rounds: int, rows: int, epochs: int, threads: int, optimizer: str = "sgd") -> dict:
    """Plain SGD (lr 0.01; the NumPy loop too) or Adam (lr 1e-3, beta 0.9/0.999, eps 1e-8) in
    every implementation."""
    net, X, Z, labels = digits_problem(rows)
    adam = optimizer == "adam"
    lr, batch = (1e-3 if adam else 0.01), 64
    cfg = TrainingConfig(learning_rate=lr, mode="minibatch", batch_size=batch, epochs=epochs,
                         optimizer=optimizer)
    trainer = Trainer(net.copy(), X, Z, "cross_entropy", cfg)
    runs: dict[str, Callable[[], object]] = {"mlp_studio": trainer.train}
    if not adam:
        runs["numpy_loop"] = lambda: numpy_minibatch_loop(net, X, Z, lr, batch, epochs)
    try:
        from sklearn.neural_network import MLPClassifier
        quiet_sklearn()

        solver = dict(solver="adam") if adam else dict(solver="sgd", momentum=0.0, nesterovs_momentum=False)
        clf = MLPClassifier(hidden_layer_sizes=(128, 64), activation="relu", alpha=0.0,
                            batch_size=batch, learning_rate_init=lr, shuffle=False, tol=0.0,
                            n_iter_no_change=10**9, random_state=0, **solver)
        clf.partial_fit(X, labels, classes=np.arange(10))  # built before timing, like the others

        def sk():
            for _ in range(epochs):
                clf.partial_fit(X, labels)  # one epoch each
        runs["scikit-learn"] = sk
    except ImportError:
        pass
    if torch is not None:
        model = torch_mlp([784, 128, 64, 10], "relu")
        opt = (torch.optim.Adam if adam else torch.optim.SGD)(model.parameters(), lr=lr)
        lossf = torch.nn.CrossEntropyLoss()
        xt, yt = torch.from_numpy(X), torch.from_numpy(labels)

        def tl():
            for _ in range(epochs):
                for start in range(0, rows, batch):
                    opt.zero_grad()
                    loss = lossf(model(xt[start:start + batch]), yt[start:start + batch])
                    loss.backward()
                    opt.step()
        runs["pytorch"] = tl
    t = best_time(runs, rounds, settle=0.2)
    rates = {k: rows * epochs / v for k, v in t.items()}
    name = "Adam, " if adam else ""
    targets = {"pytorch": 1.2, "scikit-learn": 1.5} if adam else {"pytorch": 1.2, "scikit-learn": 3.0,
                                                                    "numpy_loop": 1.0}
    return workload_result(f"784-128-64-10 relu/softmax + cross-entropy, {name}minibatch {batch}, "
                           f"float32, {rows} random rows", "samples/s", rates, targets)


# --- workload 3: 64-512-512-1, full batch of 16384, float32 -------------------------

def bench_wide(rounds: int, rows: int, updates: int, threads: int) -> dict:
    sizes = [64, 512, 512, 1]
    rng = np.random.default_rng(1)
    X = rng.standard_normal((rows, 64), dtype=np.float32)
    Z = rng.standard_normal((rows, 1), dtype=np.float32)
    net = Network.create(sizes, ["relu", "relu", "identity"], "he", seed=0, dtype=np.float32)
    lr = 1e-3
    cfg = TrainingConfig(learning_rate=lr, mode="batch", epochs=updates)
    A = rng.standard_normal((rows, 512), dtype=np.float32)
    B = rng.standard_normal((512, 512), dtype=np.float32)
    C = np.empty((rows, 512), np.float32)
    matmuls = 4
    trainer = Trainer(net.copy(), X, Z, "half_squared_error", cfg)
    runs: dict[str, Callable[[], object]] = {
        "mlp_studio": trainer.train,
        "matmul": lambda: [np.matmul(A, B, out=C) for _ in range(matmuls)],
    }
    if torch is not None:
        xt, zt = torch.from_numpy(X), torch.from_numpy(Z)
        model = torch_mlp(sizes, "relu")
        opt = torch.optim.SGD(model.parameters(), lr=lr)

        def tl():
            for _ in range(updates):
                opt.zero_grad()
                loss = 0.5 * ((model(xt) - zt) ** 2).sum(dim=1).mean()
                loss.backward()
                opt.step()
        runs["pytorch"] = tl
    t = best_time(runs, rounds)
    flops = update_flops(sizes, rows)
    rates = {k: flops * updates / v / 1e9 for k, v in t.items() if k != "matmul"}
    rates["matmul"] = 2.0 * rows * 512 * 512 * matmuls / t["matmul"] / 1e9
    return workload_result(f"64-512-512-1 relu, half squared error, full batch of {rows}, float32 "
                           f"({flops / 1e9:.1f} GFLOP per update)", "GFLOP/s", rates,
                           {"matmul": 0.6, "pytorch": 1.0})


# --- report ------------------------------------------------------------------------

def print_table(results: list[dict]) -> None:
    for r in results:
        if "rates" not in r:  # a GUI row: one value against a limit, or skipped
            if "skipped" in r:
                print(f"\n{r['workload']}: skipped ({r['skipped']})")
                continue
            bound = f"< {r['limit']:g}" if "limit" in r else f">= {r['min']:g}"
            print(f"\n{r['workload']}\n  {'mlp_studio':14s} {r['value']:14.4g} {r['unit']}"
                  f"  target {bound}: {'met' if r['met'] else 'NOT met'}")
            for note in r.get("notes", []):
                print(f"  note: {note}")
            continue
        print(f"\n{r['workload']}  [{r['unit']}]")
        ours = r["rates"].get("mlp_studio")
        for name, rate in r["rates"].items():
            ratio = "" if name == "mlp_studio" or ours is None else f"  ours/this = {ours / rate:6.2f}x"
            target = r.get("targets", {}).get(name)
            mark = "" if target is None else (
                f"  target >= {target['min_ratio']}x: {'met' if target['met'] else 'NOT met'}")
            print(f"  {name:14s} {rate:14.6g}{ratio}{mark}")
        for note in r.get("notes", []):
            print(f"  note: {note}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds and smaller runs")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    p.add_argument("--only", default="tiny,digits,adam,wide,gui",
                   help="comma-separated workloads: tiny, digits, wide, gui")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS threads for NumPy (via threadpoolctl) and PyTorch (default: BLAS's own)")
    args = p.parse_args(argv)
    only = set(args.only.split(","))
    limiter = None
    if args.threads:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(args.threads, user_api="blas")  # noqa: F841 - held for the run
    threads = blas_threads()
    if torch is not None:
        torch.set_num_threads(threads)
    rounds = 2 if args.quick else 5
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_count": os.cpu_count(), "blas_threads": threads,
        "machine": platform.processor() or platform.machine(), "python": platform.python_version(),
        "numpy": np.__version__, "torch": None if torch is None else torch.__version__,
        "quick": args.quick,
    }
    print(f"{meta['date']}, {meta['cpu_count']} cores, BLAS threads {threads}, "
          f"numpy {meta['numpy']}, torch {meta['torch']}")
    results = []
    if "tiny" in only:
        results.append(bench_tiny(rounds, 250 if args.quick else 1000, threads))
    if "digits" in only:
        results.append(bench_digits(rounds, 4096 if args.quick else 8192, 1, threads))
    if "adam" in only:
        results.append(bench_digits(rounds, 4096 if args.quick else 8192, 1, threads, "adam"))
    if "wide" in only:
        results.append(bench_wide(rounds, 16384, 1 if args.quick else 2, threads))
    if "gui" in only:
        from benchmarks import gui  # noqa: PLC0415 - Qt only when asked for
        results.extend(gui.run_all(args.quick))
    print_table(results)
    if args.out:
        Path(args.out).write_text(json.dumps({"meta": meta, "results": results}, indent=2))
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
