"""PyTorch export: one standalone Python script (needing only torch and numpy) of a project.

The script holds the network's weights, the data's scalers and the training
settings as constants, and offers::

    python model.py --predict data.csv [--weights trained.pt]
    python model.py --train data.csv [--epochs N] [--out trained.pt]
    torchrun --nproc_per_node=2 model.py --train data.csv --out trained.pt

Its ``MLP`` is an ``nn.Sequential`` of ``nn.Linear`` and activation modules, in
float64 unless ``--float32``. Training takes the rows in MLP Studio's order
(numpy's generator seeded like ours when shuffling) and the same batches; under
torchrun each process takes its share of every batch and DistributedDataParallel
sums the shares, so 1 or N processes give the same updates as ``mlp-studio train``.
"""

from __future__ import annotations

import os
from dataclasses import fields

from mlp_studio.core.project import Project
from mlp_studio.core.scaling import Scaler
from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import write_text_atomic

SUPPORTED_MODES = ("online", "minibatch", "batch")
#: training settings the script reproduces, or (stop rules, held-out rows) leaves to MLP Studio;
#: any other setting away from its default is refused rather than silently dropped
KNOWN_SETTINGS = ("learning_rate", "mode", "batch_size", "batch_reduction", "epochs", "shuffle",
                  "seed", "momentum", "target_loss", "patience", "holdout", "optimizer", "beta1",
                  "beta2", "epsilon", "rho", "l1", "l2", "schedule", "power_t", "gamma", "step_epochs")
#: the script's constant TRAINING holds these settings (the others are MLP Studio's alone)
SCRIPT_SETTINGS = tuple(k for k in KNOWN_SETTINGS if k not in ("target_loss", "patience", "holdout"))


def _scaler_constants(scaler: Scaler | None, n: int) -> dict:
    if scaler is None:
        return {"method": "none", "offset": [0.0] * n, "span": [1.0] * n}
    offset, span = scaler.offset_span()
    return {"method": scaler.method, "offset": [float(v) for v in offset],
            "span": [float(v) for v in span]}


def pytorch_script(project: Project, name: str = "model") -> str:
    """The text of the standalone PyTorch script of ``project``."""
    project.validate()
    net, cfg, data = project.network, project.training, project.data
    if cfg.mode not in SUPPORTED_MODES:
        raise MLPError(f"the PyTorch export does not know the training mode {cfg.mode!r}")
    for f in fields(cfg):
        if f.name not in KNOWN_SETTINGS and getattr(cfg, f.name) != f.default:
            raise MLPError(f"the PyTorch export does not reproduce the training setting "
                           f"{f.name} = {getattr(cfg, f.name)!r}; set it back to {f.default!r} to export")
    inputs = list(data.inputs) if data is not None else [f"x{i}" for i in range(net.n_inputs)]
    targets = list(data.targets) if data is not None else [f"y{j}" for j in range(net.n_outputs)]
    constants = {
        "INPUTS": inputs,
        "TARGETS": targets,
        "SIZES": net.sizes,
        "ACTIVATIONS": [layer.activation for layer in net.layers],
        "WEIGHTS": [layer.weights.astype(float).tolist() for layer in net.layers],
        "BIASES": [layer.biases.astype(float).tolist() for layer in net.layers],
        "INPUT_SCALING": _scaler_constants(data.input_scaler if data else None, net.n_inputs),
        "TARGET_SCALING": _scaler_constants(data.target_scaler if data else None, net.n_outputs),
        "LOSS": project.loss,
        "TRAINING": {**{k: getattr(cfg, k) for k in SCRIPT_SETTINGS},
                     "epochs": cfg.epochs if cfg.epochs is not None else 1000},
    }
    block = "\n".join(f"{key} = {value!r}" for key, value in constants.items())
    sizes = "-".join(map(str, net.sizes))
    return (_TEMPLATE.replace("@NAME@", name).replace("@SIZES@", sizes)
            .replace("@CONSTANTS@", block))


def write_pytorch_script(project: Project, path: str | os.PathLike) -> None:
    """Write the script of ``project`` to ``path`` atomically."""
    stem = os.path.basename(os.fspath(path)).removesuffix(".py") or "model"
    write_text_atomic(path, pytorch_script(project, stem))


_TEMPLATE = r'''#!/usr/bin/env python3
"""@NAME@: an MLP Studio network (@SIZES@) in PyTorch. Needs only torch and numpy.

    python @NAME@.py --predict data.csv [--weights trained.pt]   outputs in the data's units
    python @NAME@.py --train data.csv [--epochs N] [--out trained.pt]
    torchrun --nproc_per_node=2 @NAME@.py --train data.csv --out trained.pt

The CSV needs a header row with the input columns (and, to train, the target
columns) named below. Training uses the project's loss, optimiser, learning
rate and its schedule, weight penalty, batch size and epochs, on the GPU when
there is one. Under torchrun each
process takes its share of every batch (gloo on CPU, nccl on GPUs) and
DistributedDataParallel adds the shares up: any number of processes gives the
same updates as one.
"""

import argparse
import csv
import math
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

# weights[layer][node][input]; the scalers map raw values to the network's units:
# scaled = (raw - offset) / span, then * 2 - 1 for minmax11.
@CONSTANTS@
LEAKY_SLOPE = 0.01


def activation_module(name):
    return {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
            "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE), "identity": nn.Identity,
            "softmax": lambda: nn.Softmax(dim=-1)}[name]()


class MLP(nn.Module):
    """The network: Linear and activation modules in one nn.Sequential, MLP Studio's weights."""

    def __init__(self, dtype=torch.float64):
        super().__init__()
        modules = []
        for n_in, n_out, act, w, b in zip(SIZES[:-1], SIZES[1:], ACTIVATIONS, WEIGHTS, BIASES):
            linear = nn.Linear(n_in, n_out, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(w, dtype=dtype))
                linear.bias.copy_(torch.tensor(b, dtype=dtype))
            modules += [linear, activation_module(act)]
        self.layers = nn.Sequential(*modules)

    def forward(self, x, logits=False):
        """The outputs, or with ``logits`` the output layer's weighted sums (before its activation)."""
        return self.layers[:-1](x) if logits else self.layers(x)


def scale(raw, scaling):
    offset, span = np.array(scaling["offset"]), np.array(scaling["span"])
    unit = (np.asarray(raw, dtype=np.float64) - offset) / span
    return unit * 2.0 - 1.0 if scaling["method"] == "minmax11" else unit


def unscale(scaled, scaling):
    unit = np.asarray(scaled, dtype=np.float64)
    if scaling["method"] == "minmax11":
        unit = (unit + 1.0) / 2.0
    return unit * np.array(scaling["span"]) + np.array(scaling["offset"])


def predict(raw_rows, model=None):
    """Outputs in the targets' units for rows of raw inputs (in the INPUTS order)."""
    model = model if model is not None else MLP()
    dtype = next(model.parameters()).dtype
    x = torch.as_tensor(scale(np.atleast_2d(raw_rows), INPUT_SCALING), dtype=dtype)
    with torch.no_grad():
        y = model(x).double().numpy()
    return unscale(y, TARGET_SCALING)


def loss_sum(model, x, z):
    """The per-sample losses of the rows, summed (the same losses as MLP Studio's)."""
    if LOSS == "cross_entropy":
        s = model(x, logits=True)
        if SIZES[-1] == 1:  # one sigmoid output: binary cross-entropy
            return F.binary_cross_entropy_with_logits(s, z, reduction="sum")
        return -(z * F.log_softmax(s, dim=-1)).sum()
    factor = 0.5 if LOSS == "half_squared_error" else 1.0
    return factor * ((model(x) - z) ** 2).sum()


def penalty(model):
    """The weight penalty l2/2 sum W^2 + l1 sum |W| (weights only, never biases)."""
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    return sum(0.5 * TRAINING["l2"] * (w * w).sum() + TRAINING["l1"] * w.abs().sum() for w in weights)


class SGD(torch.optim.Optimizer):
    """MLP Studio's SGD: v = mu v - eta g, then p += v (nesterov: p += mu v - eta g). The
    velocity carries each step's rate, so a schedule changes it as MLP Studio's does."""

    def __init__(self, params, lr, momentum, nesterov):
        super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            mu = group["momentum"]
            for p in group["params"]:
                g = p.grad * group["lr"]
                if not mu:
                    p.sub_(g)
                    continue
                v = self.state[p].setdefault("v", torch.zeros_like(p))
                v.mul_(mu).sub_(g)
                p.add_(v * mu - g if group["nesterov"] else v)


class Adam(torch.optim.Optimizer):
    """MLP Studio's (and scikit-learn's) Adam: the step is eta sqrt(1 - b2^t) / (1 - b1^t)
    times m / (sqrt(v) + eps); PyTorch's own adds eps after the bias correction."""

    def __init__(self, params, lr, betas, eps):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["t"] += 1
                state["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                state["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                rate = group["lr"] * math.sqrt(1 - b2 ** state["t"]) / (1 - b1 ** state["t"])
                p.addcdiv_(state["m"], state["v"].sqrt().add_(group["eps"]), value=-rate)


def optimiser_for(params):
    cfg = TRAINING
    lr, name = cfg["learning_rate"], cfg["optimizer"]
    if name == "adam":
        return Adam(params, lr, (cfg["beta1"], cfg["beta2"]), cfg["epsilon"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg["rho"], eps=cfg["epsilon"])
    return SGD(params, lr, cfg["momentum"], name == "nesterov")


def learning_rate(epoch, rows):
    """The rate of epoch ``epoch`` (0 for the first) by the project's schedule."""
    cfg, eta0 = TRAINING, TRAINING["learning_rate"]
    if cfg["schedule"] == "invscaling":
        return eta0 / (epoch * rows + 1) ** cfg["power_t"]
    if cfg["schedule"] == "step":
        return eta0 * cfg["gamma"] ** (epoch // cfg["step_epochs"])
    if cfg["schedule"] == "cosine":
        return eta0 * 0.5 * (1.0 + math.cos(math.pi * min(epoch, cfg["epochs"]) / cfg["epochs"]))
    return eta0


def read_columns(path, names):
    """The named columns of a CSV file as a float64 array; a class column ``col=name``
    is 1 where the file's column ``col`` holds ``name``, else 0."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        first = f.readline()
        delimiter = max("\t;,", key=first.count)
        f.seek(0)
        rows = [row for row in csv.reader(f, delimiter=delimiter) if any(c.strip() for c in row)]
    header = [c.strip() for c in rows[0]]
    out = np.empty((len(rows) - 1, len(names)))
    for j, name in enumerate(names):
        column, _, label = name.rpartition("=")
        if name in header:
            k = header.index(name)
            cells = [row[k] for row in rows[1:]]
            try:
                out[:, j] = [float(c) for c in cells]
            except ValueError as exc:
                sys.exit(f"{path}: column {name!r}: {exc}")
        elif column in header:
            k = header.index(column)
            out[:, j] = [row[k].strip() == label for row in rows[1:]]
        else:
            sys.exit(f"{path}: no column named {name!r} (the header has {', '.join(header)})")
    return out


def distributed():
    """(rank, world size, device); starts the process group under torchrun."""
    cuda = torch.cuda.is_available()
    if "RANK" not in os.environ:
        return 0, 1, torch.device("cuda" if cuda else "cpu")
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if cuda:
        torch.cuda.set_device(local_rank)
    dist.init_process_group("nccl" if cuda else "gloo")
    return dist.get_rank(), dist.get_world_size(), torch.device(f"cuda:{local_rank}" if cuda else "cpu")


def train(csv_path, epochs, out, dtype, load=None):
    """Train on the CSV with the project's settings; rank 0 prints each epoch's loss."""
    rank, world, device = distributed()
    cfg = TRAINING
    x = torch.as_tensor(scale(read_columns(csv_path, INPUTS), INPUT_SCALING), dtype=dtype, device=device)
    z = torch.as_tensor(scale(read_columns(csv_path, TARGETS), TARGET_SCALING), dtype=dtype, device=device)
    n = x.shape[0]
    model = MLP(dtype).to(device)
    if load:
        model.load_state_dict(torch.load(load, map_location=device, weights_only=True))
    net = DistributedDataParallel(model) if world > 1 else model
    optimiser = optimiser_for(net.parameters())
    penalised = bool(cfg["l1"] or cfg["l2"])
    batch = {"online": 1, "minibatch": min(cfg["batch_size"], n), "batch": n}[cfg["mode"]]
    rng = np.random.default_rng(cfg["seed"])
    order = np.arange(n)
    for epoch in range(1, epochs + 1):
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(epoch - 1, n)
        if cfg["shuffle"]:
            rng.shuffle(order)
        total = torch.zeros((), dtype=torch.float64, device=device)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            mine = torch.as_tensor(rows[rank::world], device=device)
            # DDP averages the processes' gradients: scale each share so they add up
            share = 1.0 / len(rows) if cfg["batch_reduction"] == "mean" else 1.0
            optimiser.zero_grad()
            part = loss_sum(net, x[mine], z[mine])
            objective = part * (world * share)
            if penalised:  # every process adds the whole penalty: the average keeps it once
                extra = penalty(model)
                objective = objective + extra * share
                if rank == 0:
                    part = part + extra
            objective.backward()
            optimiser.step()
            total += part.detach().double()
        if world > 1:
            dist.all_reduce(total)
        loss = total.item() / n if cfg["batch_reduction"] == "mean" else total.item()
        if rank == 0:
            print(f"epoch {epoch}: loss {loss:.17g}", flush=True)
    if rank == 0 and out:
        torch.save(model.state_dict(), out)
        print(f"wrote {out}", flush=True)
    if world > 1:
        dist.destroy_process_group()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--predict", metavar="CSV", help="print outputs for the CSV's rows")
    action.add_argument("--train", metavar="CSV", help="train on the CSV's rows")
    parser.add_argument("--epochs", type=int, default=TRAINING["epochs"])
    parser.add_argument("--out", help="where --train saves the trained weights (a state_dict)")
    parser.add_argument("--weights", help="start from weights saved by --train")
    parser.add_argument("--float32", action="store_true", help="compute in float32 (default float64)")
    args = parser.parse_args(argv)
    dtype = torch.float32 if args.float32 else torch.float64
    if args.train:
        train(args.train, args.epochs, args.out, dtype, args.weights)
        return
    model = MLP(dtype)
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu", weights_only=True))
    raw = read_columns(args.predict, INPUTS)
    print(",".join(INPUTS + TARGETS))
    for xr, yr in zip(raw, predict(raw, model)):
        print(",".join(repr(float(v)) for v in [*xr, *yr]))


if __name__ == "__main__":
    main()
'''
