"""The formulas of one training step with the numbers filled in, as LaTeX or HTML.

Symbols are named by ``mlp_studio.core.notation``: the reference worked example's
(hidden layers ``w_{h[l][j][i]}``, ``s``, ``a``; the output ``w_{o[j][i]}``, ``y_{o[j]}``;
inputs ``x_{[i]}``, targets ``z_{[j]}``) or the lecture notation (``w^{(l)}_{ij}``, ``z``,
``a``, targets ``y_j``). Each formula runs from the symbols, through the numbers, to the
value; a negative factor of a product is bracketed, and a long back-propagated sum is
worked out on its own line before the product that uses it. Intermediate numbers are
rounded for display; every result shown is the trace's own (exact) value.

``style="latex"`` gives ``\\begin{aligned}...\\end{aligned}`` bodies for
Markdown ``$$`` blocks; ``style="html"`` gives Qt rich text (Unicode symbols,
``<sub>``/``<sup>``, ``<br>`` between lines) for a QTextBrowser or QLabel.

Batch traces show the forward pass and deltas of the batch's first row, and
the gradients as the mean or sum over the rows (as the trace's reduction says).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import islice

import numpy as np

from mlp_studio.core.activations import LEAKY_SLOPE, get_activation
from mlp_studio.core.losses import get_loss
from mlp_studio.core.notation import REFERENCE, Name, Notation, number_text
from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PHASE_HIDDEN_DELTA,
    PHASE_OUTPUT_DELTA,
    PHASE_UPDATE,
    Phase,
    StepTrace,
)

STYLES = ("latex", "html")
MAX_ENTRIES = 256  # default cap on entries per call, so a wide network's update stays quick
_GREEK = {"delta": (r"\delta", "δ"), "eta": (r"\eta", "η"), "sigma": (r"\sigma", "σ"),
          "mu": (r"\mu", "μ"), "nabla": (r"\nabla", "∇"), "lambda": (r"\lambda", "λ"),
          "beta": (r"\beta", "β"), "rho": (r"\rho", "ρ"), "epsilon": (r"\epsilon", "ε")}


class _Writer:
    """Renders the pieces of a formula in one style."""

    def __init__(self, style: str, digits: int, max_terms: int, notation: str = REFERENCE) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown formula style {style!r}; choose latex or html")
        if max_terms < 1:
            raise ValueError("max_terms must be at least 1")
        self.latex = style == "latex"
        self.notation = notation
        self.digits = digits
        self.max_terms = max_terms
        self.minus_sign = "-" if self.latex else "\u2212"
        self.plus = " + "
        self.minus = f" {self.minus_sign} "
        self.dot = r" \cdot " if self.latex else " · "
        self.gt = " > " if self.latex else " &gt; "

    # Numbers.
    def num(self, v: float) -> str:
        """``v`` to ``digits`` decimals (scientific from a million up), a true minus sign."""
        v = float(v)
        if math.isnan(v):
            return r"\text{NaN}" if self.latex else "NaN"
        if math.isinf(v):
            return ("" if v > 0 else self.minus_sign) + (r"\infty" if self.latex else "∞")
        if abs(v) >= 1e6:
            mantissa, exponent = f"{v:.{self.digits}e}".split("e")
            power = self.sup("10", str(int(exponent)).replace("-", self.minus_sign))
            times = r" \times " if self.latex else "×"
            return self.num(float(mantissa)) + times + power
        return number_text(v, self.digits, self.minus_sign)

    def pnum(self, v: float) -> str:
        """A number, in parentheses when it shows a minus sign (after + or −, in powers)."""
        text = self.num(v)
        return self.paren(text) if text.startswith(self.minus_sign) else text

    def signed(self, v: float) -> str:
        """`` + v`` or `` − |v|``, to continue a sum."""
        text = self.num(v)
        if text.startswith(self.minus_sign):
            return self.minus + text[len(self.minus_sign):]
        return self.plus + text

    # Symbols and structure.
    def greek(self, name: str) -> str:
        return _GREEK[name][0 if self.latex else 1]

    def sym(self, base: str, sub: str = "", sup: str = "") -> str:
        """A symbol such as ``w_{h[0][1][0]}``; Greek names (delta, eta, ...) by name."""
        base = self.greek(base) if base in _GREEK else base
        if self.latex:
            return base + (f"_{{{sub}}}" if sub else "") + (f"^{{{sup}}}" if sup else "")
        if base.isalpha() and len(base) == 1:
            base = f"<i>{base}</i>"
        return base + (f"<sub>{sub}</sub>" if sub else "") + (f"<sup>{sup}</sup>" if sup else "")

    def sup(self, base: str, power: str) -> str:
        return f"{base}^{{{power}}}" if self.latex else f"{base}<sup>{power}</sup>"

    def text(self, words: str) -> str:
        return rf"\text{{{words}}}" if self.latex else words

    def paren(self, inner: str, big: bool = False) -> str:
        return rf"\left({inner}\right)" if self.latex and big else f"({inner})"

    def frac(self, top: str, bottom: str) -> str:
        return rf"\frac{{{top}}}{{{bottom}}}" if self.latex else f"{top} / ({bottom})"

    def func(self, name: str, arg: str) -> str:
        """``\\sigma(arg)``, ``\\tanh(arg)``, ``\\max(arg)``, ``\\log(arg)``."""
        if self.latex:
            return rf"\{name}{self.paren(arg, big=True)}"
        return f"{self.greek(name) if name in _GREEK else name}({arg})"

    def sqrt(self, inner: str) -> str:
        return rf"\sqrt{{{inner}}}" if self.latex else f"√({inner})"

    def exp(self, power: str) -> str:
        return self.sup("e", power)

    def prime(self, f: str) -> str:
        return f + ("'" if self.latex else "′")

    def more(self, n: int) -> str:
        return rf"\ldots\ \text{{({n} more)}}" if self.latex else f"… ({n} more)"

    def terms(self, n: int) -> tuple[range, int]:
        """Indices of the terms shown of a sum of ``n``, and how many are left out."""
        shown = min(n, self.max_terms)
        return range(shown), n - shown

    def join_sum(self, parts: list[str], omitted: int) -> str:
        """``p0 + p1 + … (k more)``; in HTML a line only breaks between terms."""
        if not self.latex:
            parts = [p.replace(" ", "&nbsp;") for p in parts]
        return self.plus.join(parts + ([self.more(omitted)] if omitted else []))

    def signed_sum(self, values: list[float], omitted: int) -> str:
        """``v0 − |v1| + v2 + … (k more)``: a sum of numbers, signs folded in."""
        text = self.num(values[0]) + "".join(self.signed(v) for v in values[1:])
        return text + (self.plus + self.more(omitted) if omitted else "")

    def block(self, rows: list[tuple[str, list[str]]], note: str = "") -> str:
        """Chained equalities: each row is (left side, right sides); one line per right side."""
        if self.latex:
            lines = [f"{lhs} &= {rhs}" if k == 0 else f"&= {rhs}"
                     for lhs, rhss in rows for k, rhs in enumerate(rhss)]
            if note:
                lines[0] += rf" \quad \text{{({note})}}"
            return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
        lines = [f"{lhs} = {rhs}" if k == 0 else f"&nbsp;&nbsp;&nbsp;&nbsp;= {rhs}"
                 for lhs, rhss in rows for k, rhs in enumerate(rhss)]
        if note:
            lines[0] += f' &nbsp;<span style="color:#666">({note})</span>'
        return "<br>".join(lines)


# Names, in the writer's notation.
def _written(w: _Writer, name: Name, sup: str = "") -> str:
    """``name`` rendered, ``sup`` (``new``, ``(r)``) after its own superscript."""
    joined = (name.sup + (r"\," if w.latex else " ") + sup) if name.sup and sup else name.sup or sup
    return w.sym(name.base, name.sub, joined)


def _notation(w: _Writer, trace: StepTrace) -> Notation:
    return Notation(w.notation, len(trace.layers))


def _name(w: _Writer, trace: StepTrace, what: str, layer: int, *idx: int, sup: str = "") -> str:
    """``what`` in w, b, s, a, delta, v of ``layer`` for node/parameter ``idx``."""
    return _written(w, _notation(w, trace).symbol(what, layer, *idx), sup)


def _state(w: _Writer, trace: StepTrace, base: str, layer: int, idx: tuple, sup: str = "") -> str:
    """An optimiser's state ``base`` (v, m, r) of the parameter at ``layer``, ``idx``, indexed
    as that parameter is."""
    like = _notation(w, trace).symbol("w", layer, *idx)
    return _written(w, Name(base, like.sub, like.sup), sup)


def _target_name(w: _Writer, trace: StepTrace, j: int) -> str:
    return _written(w, _notation(w, trace).target(j))


def _input_name(w: _Writer, trace: StepTrace, layer: int, i: int, sup: str = "") -> str:
    """The i-th input of ``layer``: an input ``x`` or the previous layer's activation."""
    if layer == 0:
        return _written(w, _notation(w, trace).input(i), sup)
    return _name(w, trace, "a", layer - 1, i, sup=sup)


def _rows(arr: np.ndarray | None, what: str) -> np.ndarray:
    """Per-sample values as (rows, n), whether the trace is single or batch."""
    if arr is None:
        raise ValueError(f"the trace has no {what} yet: run that sub-step first")
    return np.atleast_2d(np.asarray(arr))


def _inputs(trace: StepTrace, layer: int) -> np.ndarray:
    if layer == 0:
        return _rows(trace.input, "input")
    return _rows(trace.layers[layer - 1].a, f"activations of layer {layer - 1}")


def _row_note(trace: StepTrace) -> str:
    if not trace.is_batch:
        return ""
    return f"data row {trace.rows[0]}, the first of the batch's {len(trace.rows)} rows"


def _derivative(w: _Writer, activation: str, s_sym: str, a_sym: str, s: float, a: float
                ) -> tuple[str, str, float]:
    """f'(s) as symbols, as numbers, and its value (from the core's own derivative)."""
    value = float(get_activation(activation).derivative(np.array([s]), np.array([a]), np.empty(1))[0])
    if activation == "sigmoid":
        return (f"{a_sym}(1{w.minus}{a_sym})", f"{w.num(a)}(1{w.minus}{w.pnum(a)})", value)
    if activation == "tanh":
        return (f"1{w.minus}{w.sup(a_sym, '2')}", f"1{w.minus}{w.sup(w.pnum(a), '2')}", value)
    if activation == "relu":
        return f"[{s_sym}{w.gt}0]", f"[{w.num(s)}{w.gt}0]", value
    if activation == "leaky_relu":
        slope = f"{LEAKY_SLOPE:g}"
        return (w.paren(f"1{w.text(' if ')}{s_sym}{w.gt}0{w.text(', else ')}{slope}"),
                w.paren(f"1{w.text(' if ')}{w.num(s)}{w.gt}0{w.text(', else ')}{slope}"), value)
    if activation == "identity":
        return "1", "1", value
    raise ValueError(f"no derivative formula for a {activation} layer before the output")


def _apply(w: _Writer, activation: str, arg: str) -> str:
    """f(arg) written out: σ(arg), tanh(arg), max(0, arg), ..."""
    if activation == "sigmoid":
        return w.func("sigma", arg)
    if activation == "tanh":
        return w.func("tanh", arg)
    if activation == "relu":
        return w.func("max", f"0, {arg}")
    if activation == "leaky_relu":
        return w.func("max", f"{LEAKY_SLOPE:g}{w.dot}{arg}, {arg}")
    return arg  # identity


# Sub-step formulas, one entry per node or parameter.
def _forward_entries(w: _Writer, trace: StepTrace, layer: int) -> Iterator[str]:
    lt = trace.layers[layer]
    x = _inputs(trace, layer)[0]
    s = _rows(lt.s, f"weighted sums of layer {layer}")[0]
    a = _rows(lt.a, f"activations of layer {layer}")[0]
    W, b = lt.weights_before, lt.biases_before
    shown, omitted = w.terms(W.shape[1])
    for j in range(W.shape[0]):
        symbols = w.join_sum([f"{_input_name(w, trace, layer, i)} {_name(w, trace, 'w', layer, j, i)}"
                              for i in shown], omitted) + w.plus + _name(w, trace, "b", layer, j)
        products = w.join_sum([w.paren(f"{w.num(x[i])}{w.dot}{w.pnum(W[j, i])}") for i in shown],
                              omitted) + w.signed(b[j])
        values = w.signed_sum([x[i] * W[j, i] for i in shown], omitted) + w.signed(b[j])
        s_sym, a_sym = _name(w, trace, "s", layer, j), _name(w, trace, "a", layer, j)
        rows = [(s_sym, [symbols, products, values, w.num(s[j])])]
        if lt.activation == "softmax":
            k_shown, k_omitted = w.terms(len(s))
            s_k = _name(w, trace, "s", layer, "k")
            total = r"\sum_k " + w.exp(s_k) if w.latex else "Σ<sub>k</sub> " + w.exp(s_k)
            rows.append((a_sym, [w.frac(w.exp(s_sym), total),
                                 w.frac(w.exp(w.num(s[j])),
                                        w.join_sum([w.exp(w.num(s[k])) for k in k_shown], k_omitted)),
                                 w.num(a[j])]))
        elif lt.activation == "identity":
            rows.append((a_sym, [s_sym, w.num(a[j])]))
        else:
            rows.append((a_sym, [_apply(w, lt.activation, s_sym), _apply(w, lt.activation, w.num(s[j])),
                                 w.num(a[j])]))
        yield w.block(rows, _row_note(trace))


def _output_delta_entries(w: _Writer, trace: StepTrace) -> Iterator[str]:
    last = len(trace.layers) - 1
    lt = trace.layers[last]
    s = _rows(lt.s, "output sums")[0]
    y = _rows(lt.a, "outputs")[0]
    d = _rows(lt.delta, "output deltas")[0]
    z = _rows(trace.target, "target")[0]
    for j in range(len(y)):
        d_sym, y_sym = _name(w, trace, "delta", last, j), _name(w, trace, "a", last, j)
        s_sym, z_sym = _name(w, trace, "s", last, j), _target_name(w, trace, j)
        diff_sym = f"{y_sym}{w.minus}{z_sym}"
        diff_num = f"{w.num(y[j])}{w.minus}{w.pnum(z[j])}"
        if trace.loss_name == "cross_entropy":
            note = f"cross-entropy with a {lt.activation} output: the derivative cancels"
            rows = [(d_sym, [diff_sym, diff_num, w.num(d[j])])]
        else:
            note = ""
            two = "2" if trace.loss_name == "squared_error" else ""
            dsym, dnum, dval = _derivative(w, lt.activation, s_sym, y_sym, s[j], y[j])
            diff = (y[j] - z[j]) * (2.0 if two else 1.0)
            rows = [(d_sym, [f"{w.prime(w.sym('f'))}({s_sym}){w.dot}{two}{w.paren(diff_sym, big=True)}",
                             f"{dsym}{w.dot}{two}{w.paren(diff_sym, big=True)}",
                             f"{dnum}{w.dot}{two}{w.paren(diff_num, big=True)}",
                             f"{w.num(dval)}{w.dot}{w.pnum(diff)}",
                             w.num(d[j])])]
        yield w.block(rows, "; ".join(n for n in (_row_note(trace), note) if n))


def _hidden_delta_entries(w: _Writer, trace: StepTrace, layer: int) -> Iterator[str]:
    lt, nxt = trace.layers[layer], trace.layers[layer + 1]
    s = _rows(lt.s, f"weighted sums of layer {layer}")[0]
    a = _rows(lt.a, f"activations of layer {layer}")[0]
    d = _rows(lt.delta, f"deltas of layer {layer}")[0]
    d_next = _rows(nxt.delta, f"deltas of layer {layer + 1}")[0]
    W = nxt.weights_before
    shown, omitted = w.terms(W.shape[0])
    for j in range(W.shape[1]):
        s_sym, a_sym = _name(w, trace, "s", layer, j), _name(w, trace, "a", layer, j)
        back_sym = w.join_sum([f"{_name(w, trace, 'w', layer + 1, k, j)} {_name(w, trace, 'delta', layer + 1, k)}"
                               for k in shown], omitted)
        back_num = w.join_sum([w.paren(f"{w.num(W[k, j])}{w.dot}{w.pnum(d_next[k])}") for k in shown],
                              omitted)
        back = float(W[:, j] @ d_next)
        dsym, dnum, dval = _derivative(w, lt.activation, s_sym, a_sym, s[j], a[j])
        rows = []
        if len(shown) == 1 and not omitted:  # one term: written inside the product
            back_num = back_num[1:-1]  # no double parentheses
        else:  # a sum of several: worked out first, so the product below stays short
            rows.append((back_sym, [back_num, w.num(back)]))
            back_num = w.num(back)
        rows.append((_name(w, trace, "delta", layer, j), [
            f"{w.prime(w.sym('f'))}({s_sym}){w.dot}{w.paren(back_sym, big=True)}",
            f"{dsym}{w.dot}{w.paren(back_sym, big=True)}",
            f"{dnum}{w.dot}{w.paren(back_num, big=True)}",
            f"{w.num(dval)}{w.dot}{w.pnum(back)}",
            w.num(d[j])]))
        yield w.block(rows, _row_note(trace))


def _gradient_rows(w: _Writer, trace: StepTrace, layer: int, j: int, i: int | None
                   ) -> tuple[str, list[tuple[str, list[str]]]]:
    """The gradient of weight (j, i) (bias when ``i`` is None): its symbol and rows."""
    lt = trace.layers[layer]
    if lt.grad_weights is None:
        raise ValueError("the trace has no gradients yet: run the update sub-step first")
    deltas = _rows(lt.delta, f"deltas of layer {layer}")[:, j]
    param = _name(w, trace, "w", layer, j, i) if i is not None else _name(w, trace, "b", layer, j)
    grad_sym = f"{w.greek('nabla')}{' ' if w.latex else ''}{w.sym('L')}({param})"
    value = lt.grad_weights[j, i] if i is not None else lt.grad_biases[j]
    if i is not None:
        inputs = _inputs(trace, layer)[:, i]
    pen_sym, pen_num = _penalty_terms(w, trace, layer, j, i)
    if not trace.is_batch:
        if i is None:
            return grad_sym, [(grad_sym, [_name(w, trace, "delta", layer, j), w.num(value)])]
        return grad_sym, [(grad_sym, [
            f"{_name(w, trace, 'delta', layer, j)}{w.dot}{_input_name(w, trace, layer, i)}{pen_sym}",
            f"{w.num(deltas[0])}{w.dot}{w.pnum(inputs[0])}{pen_num}", w.num(value)])]
    n = len(trace.rows)
    shown, omitted = w.terms(n)
    d_r = _name(w, trace, "delta", layer, j, sup="(r)")
    if i is None:
        each_sym, each = d_r, w.signed_sum([deltas[r] for r in shown], omitted)
    else:
        each_sym = f"{d_r} {_input_name(w, trace, layer, i, sup='(r)')}"
        each = w.join_sum([w.paren(f"{w.num(deltas[r])}{w.dot}{w.pnum(inputs[r])}") for r in shown],
                          omitted)
    total = (r"\sum_{r} " if w.latex else "Σ<sub>r</sub> ") + each_sym
    numbers = w.paren(each, big=True)
    if trace.reduction == "mean":
        scale = w.frac("1", str(n)) if w.latex else f"(1/{n})"
        total, numbers = f"{scale} {total}", f"{scale}{numbers}"
    return grad_sym, [(grad_sym, [total + pen_sym, numbers + pen_num, w.num(value)])]


def _penalty_terms(w: _Writer, trace: StepTrace, layer: int, j: int, i: int | None) -> tuple[str, str]:
    """`` + (λ2 w + λ1 sign(w))`` (over the rows for a mean) in symbols and in numbers, for a
    weight of a penalised step; empty for biases and unpenalised steps."""
    pen = trace.penalty
    if i is None or not pen:
        return "", ""
    param = _name(w, trace, "w", layer, j, i)
    weight = float(trace.layers[layer].weights_before[j, i])
    lam = w.greek("lambda")
    syms, nums = [], []
    if pen.l2:
        syms.append(f"{w.sym(lam, '2')}{w.dot}{param}")
        nums.append(f"{w.num(pen.l2)}{w.dot}{w.pnum(weight)}")
    if pen.l1:
        sign = float(np.sign(weight))
        syms.append(f"{w.sym(lam, '1')}{w.dot}{w.func('sign' if not w.latex else 'operatorname{sign}', param)}")
        nums.append(f"{w.num(pen.l1)}{w.dot}{w.pnum(sign)}")
    n = len(trace.rows)
    sym, num = w.join_sum(syms, 0), w.join_sum(nums, 0)
    if trace.reduction == "mean" and n > 1:
        scale = w.frac("1", str(n)) if w.latex else f"(1/{n})"
        return f"{w.plus}{scale}{w.paren(sym)}", f"{w.plus}{scale}{w.paren(num)}"
    return f"{w.plus}{sym}", f"{w.plus}{num}"


def _parameter_entries(w: _Writer, trace: StepTrace, layer: int, gradient: bool, update: bool
                       ) -> Iterator[str]:
    """Per weight (row by row) then bias of each node: gradient rows, update rows, or both."""
    lt = trace.layers[layer]
    if update and lt.weights_after is None:
        raise ValueError("the trace has no updated weights yet: run the update sub-step first")
    note = ""
    if trace.is_batch and gradient:
        how = "mean" if trace.reduction == "mean" else "sum"
        note = f"{how} over the batch's {len(trace.rows)} rows"
    eta = w.num(trace.learning_rate)
    for j in range(lt.weights_before.shape[0]):
        for i in [*range(lt.weights_before.shape[1]), None]:
            grad_sym, rows = _gradient_rows(w, trace, layer, j, i)
            if not gradient:
                rows = []
            if update:
                rows += _update_rows(w, trace, layer, j, i, grad_sym, eta)
            yield w.block(rows, note)


def _update_rows(w: _Writer, trace: StepTrace, layer: int, j: int, i: int | None, grad_sym: str,
                 eta: str) -> list[tuple[str, list[str]]]:
    lt = trace.layers[layer]
    what = "w" if i is not None else "b"
    idx = (j, i) if i is not None else (j,)
    old = lt.weights_before[j, i] if i is not None else lt.biases_before[j]
    new = lt.weights_after[j, i] if i is not None else lt.biases_after[j]
    grad = lt.grad_weights[j, i] if i is not None else lt.grad_biases[j]
    new_sym = _name(w, trace, what, layer, *idx, sup=w.text("new"))
    old_sym = _name(w, trace, what, layer, *idx, sup=w.text("old"))
    eta_sym = w.greek("eta")
    name = trace.optimizer.name
    if name in ("adam", "rmsprop"):
        return _adaptive_rows(w, trace, layer, idx, what, grad_sym, grad, old_sym, new_sym, old, new, eta)
    if name == "nesterov" and trace.momentum:
        return _nesterov_rows(w, trace, layer, idx, what, grad_sym, grad, old_sym, new_sym, old, new, eta)
    if not trace.momentum:
        return [(new_sym, [f"{old_sym}{w.minus}{eta_sym}{w.dot}{grad_sym}",
                           f"{w.num(old)}{w.minus}{eta}{w.dot}{w.pnum(grad)}", w.num(new)])]
    # v = mu v_prev - eta grad, new = old + v; v_prev follows from the trace's numbers.
    mu = trace.momentum
    step = new - old
    v_prev = (step + trace.learning_rate * grad) / mu
    v_sym = _name(w, trace, "v", layer, *idx)
    v_prev_sym = _name(w, trace, "v", layer, *idx, sup=w.text("prev"))
    mu_sym = w.greek("mu")
    return [(v_sym, [f"{mu_sym}{w.dot}{v_prev_sym}{w.minus}{eta_sym}{w.dot}{grad_sym}",
                     f"{w.num(mu)}{w.dot}{w.pnum(v_prev)}{w.minus}{eta}{w.dot}{w.pnum(grad)}",
                     w.num(step)]),
            (new_sym, [f"{old_sym} + {v_sym}", f"{w.num(old)}{w.signed(step)}", w.num(new)])]


def _slot(trace: StepTrace, name: str, after: bool, layer: int, what: str, idx: tuple) -> float:
    """One parameter's value in the optimiser's slot ``name``, before or after the step."""
    state = trace.state_after if after else trace.state_before
    return float(state.slots[name][0 if what == "w" else 1][layer][idx])


def _nesterov_rows(w: _Writer, trace: StepTrace, layer: int, idx: tuple, what: str, grad_sym: str,
                   grad: float, old_sym: str, new_sym: str, old: float, new: float, eta: str
                   ) -> list[tuple[str, list[str]]]:
    """v = mu v_prev - eta grad; new = old + mu v - eta grad."""
    mu, mu_sym, eta_sym = trace.momentum, w.greek("mu"), w.greek("eta")
    v_prev, v = (_slot(trace, "velocity", after, layer, what, idx) for after in (False, True))
    v_sym = _state(w, trace, "v", layer, idx)
    v_prev_sym = _state(w, trace, "v", layer, idx, w.text("prev"))
    return [(v_sym, [f"{mu_sym}{w.dot}{v_prev_sym}{w.minus}{eta_sym}{w.dot}{grad_sym}",
                     f"{w.num(mu)}{w.dot}{w.pnum(v_prev)}{w.minus}{eta}{w.dot}{w.pnum(grad)}", w.num(v)]),
            (new_sym, [f"{old_sym} + {mu_sym}{w.dot}{v_sym}{w.minus}{eta_sym}{w.dot}{grad_sym}",
                       f"{w.num(old)} + {w.num(mu)}{w.dot}{w.pnum(v)}{w.minus}{eta}{w.dot}{w.pnum(grad)}",
                       w.num(new)])]


def _adaptive_rows(w: _Writer, trace: StepTrace, layer: int, idx: tuple, what: str, grad_sym: str,
                   grad: float, old_sym: str, new_sym: str, old: float, new: float, eta: str
                   ) -> list[tuple[str, list[str]]]:
    """Adam: m, v, the bias-corrected rate and the step; RMSprop: r and the step."""
    opt = trace.optimizer
    eps_sym, eps = w.greek("epsilon"), w.num(opt.epsilon) if opt.epsilon >= 1e-4 else f"{opt.epsilon:g}"
    g2 = w.sup(w.paren(grad_sym), "2")
    rows = []

    def moving(name: str, sym: str, decay_sym: str, decay: float, square: bool) -> float:
        prev, now = (_slot(trace, name, after, layer, what, idx) for after in (False, True))
        s, s_prev = _state(w, trace, sym, layer, idx), _state(w, trace, sym, layer, idx, w.text("prev"))
        g_s = g2 if square else grad_sym
        g_n = w.sup(w.paren(w.num(grad)), "2") if square else w.pnum(grad)
        rows.append((s, [f"{decay_sym}{w.dot}{s_prev}{w.plus}(1{w.minus}{decay_sym}){w.dot}{g_s}",
                         f"{w.num(decay)}{w.dot}{w.pnum(prev)}{w.plus}{w.num(1 - decay)}{w.dot}{g_n}",
                         w.num(now)]))
        return now

    if opt.name == "rmsprop":
        r = moving("square_avg", "r", w.greek("rho"), opt.rho, True)
        num_sym, den_sym, num_val, den_val, rate_sym, rate = grad_sym, _state(w, trace, "r", layer, idx), grad, r, w.greek("eta"), eta
    else:
        b1, b2 = w.sym(w.greek("beta"), "1"), w.sym(w.greek("beta"), "2")
        m = moving("m", "m", b1, opt.beta1, False)
        v = moving("v", "v", b2, opt.beta2, True)
        t = trace.state_after.steps
        rate_sym = w.sym(w.greek("eta"), "t")
        rows.append((rate_sym, [
            f"{w.greek('eta')}{w.dot}{w.sqrt(f'1{w.minus}' + w.sup(b2, 't'))} / (1{w.minus}{w.sup(b1, 't')})",
            f"{eta}{w.dot}{w.sqrt(f'1{w.minus}' + w.sup(w.num(opt.beta2), str(t)))}"
            f" / (1{w.minus}{w.sup(w.num(opt.beta1), str(t))})",
            w.num(trace.step_rate)]))
        num_sym, den_sym, num_val, den_val, rate = _state(w, trace, "m", layer, idx), _state(w, trace, "v", layer, idx), m, v, w.num(trace.step_rate)
    rows.append((new_sym, [
        f"{old_sym}{w.minus}{rate_sym}{w.dot}{num_sym} / ({w.sqrt(den_sym)}{w.plus}{eps_sym})",
        f"{w.num(old)}{w.minus}{rate}{w.dot}{w.pnum(num_val)} / ({w.num(math.sqrt(den_val))}{w.plus}{eps})",
        w.num(new)]))
    return rows


def update_rule_text(trace: StepTrace) -> str:
    """The step's update rule in words and LaTeX, for the worked example's Updates section."""
    name, opt = trace.optimizer.name, trace.optimizer
    if name == "adam":
        return (rf"Adam: $m = \beta_1 m + (1 - \beta_1) \nabla L$, $v = \beta_2 v + (1 - \beta_2) (\nabla L)^2$, "
                rf"$\eta_t = \eta \sqrt{{1 - \beta_2^t}} / (1 - \beta_1^t)$, "
                rf"$\theta_{{new}} = \theta_{{old}} - \eta_t m / (\sqrt{{v}} + \epsilon)$, with "
                rf"$\beta_1 = {opt.beta1:g}$, $\beta_2 = {opt.beta2:g}$, $\epsilon = {opt.epsilon:g}$")
    if name == "rmsprop":
        return (rf"RMSprop: $r = \rho r + (1 - \rho) (\nabla L)^2$, "
                rf"$\theta_{{new}} = \theta_{{old}} - \eta \nabla L / (\sqrt{{r}} + \epsilon)$, with "
                rf"$\rho = {opt.rho:g}$, $\epsilon = {opt.epsilon:g}$")
    if name == "nesterov" and trace.momentum:
        return (rf"Nesterov momentum: $v = \mu v - \eta \nabla L$, then "
                rf"$\theta_{{new}} = \theta_{{old}} + \mu v - \eta \nabla L$, with $\mu = {trace.momentum:g}$")
    if trace.momentum:
        return (rf"Gradient descent with momentum: $v = \mu v - \eta \nabla L$, then "
                rf"$\theta_{{new}} = \theta_{{old}} + v$, with $\mu = {trace.momentum:g}$")
    return r"Gradient descent, $\theta_{new} = \theta_{old} - \eta \nabla L(\theta)$"


def _capped(entries: Iterator[str], total: int, max_entries: int | None, w: _Writer) -> list[str]:
    if max_entries is None or total <= max_entries:
        return list(entries)
    return list(islice(entries, max_entries)) + [w.more(total - max_entries)]


def _param_count(trace: StepTrace, layer: int) -> int:
    W = trace.layers[layer].weights_before
    return W.shape[0] * (W.shape[1] + 1)


def format_number(v: float, style: str = "latex", digits: int = 4) -> str:
    """``v`` as the formulas print it: ``digits`` decimals, a proper minus sign."""
    return _Writer(style, digits, 1).num(v)


def phase_formulas(
    trace: StepTrace,
    phase: Phase,
    style: str = "latex",
    digits: int = 4,
    max_terms: int = 8,
    max_entries: int | None = MAX_ENTRIES,
    notation: str = REFERENCE,
) -> list[str]:
    """The formulas of sub-step ``phase`` with ``trace``'s numbers, one entry per
    node (per parameter, all layers, for the update).

    ``max_terms`` shortens long sums to "+ … (n more)" (the values stay exact);
    after ``max_entries`` entries (None: no limit) one "… (n more)" entry ends the list
    (a 784-100-10 network's update has 79,510 parameters: about 10 s of text).
    ``notation`` names the symbols (``mlp_studio.core.notation``).
    Raises ValueError if the trace has not reached ``phase`` yet.
    """
    w = _Writer(style, digits, max_terms, notation)
    n_layers = len(trace.layers)
    if phase.kind == PHASE_FORWARD:
        entries, total = _forward_entries(w, trace, phase.layer), trace.layers[phase.layer].biases_before.size
    elif phase.kind == PHASE_OUTPUT_DELTA:
        entries, total = _output_delta_entries(w, trace), trace.layers[-1].biases_before.size
    elif phase.kind == PHASE_HIDDEN_DELTA:
        entries, total = (_hidden_delta_entries(w, trace, phase.layer),
                          trace.layers[phase.layer].biases_before.size)
    elif phase.kind == PHASE_UPDATE:
        entries = (e for layer in range(n_layers) for e in _parameter_entries(w, trace, layer, True, True))
        total = sum(_param_count(trace, layer) for layer in range(n_layers))
    else:
        raise ValueError(f"unknown phase kind {phase.kind!r}")
    return _capped(entries, total, max_entries, w)


def _layer_formulas(kind: Callable[[_Writer, StepTrace, int], Iterator[str]], trace: StepTrace,
                    layer: int, style: str, digits: int, max_terms: int, max_entries: int | None,
                    notation: str) -> list[str]:
    w = _Writer(style, digits, max_terms, notation)
    return _capped(kind(w, trace, layer), _param_count(trace, layer), max_entries, w)


def gradient_formulas(trace: StepTrace, layer: int, style: str = "latex", digits: int = 4,
                      max_terms: int = 8, max_entries: int | None = MAX_ENTRIES,
                      notation: str = REFERENCE) -> list[str]:
    """dL/dparameter of each weight and bias of ``layer`` (weights of node j, then its bias)."""
    return _layer_formulas(lambda w, t, l: _parameter_entries(w, t, l, True, False),
                           trace, layer, style, digits, max_terms, max_entries, notation)


def update_formulas(trace: StepTrace, layer: int, style: str = "latex", digits: int = 4,
                    max_terms: int = 8, max_entries: int | None = MAX_ENTRIES,
                    notation: str = REFERENCE) -> list[str]:
    """The gradient-descent update of each weight and bias of ``layer``, from its gradient."""
    return _layer_formulas(lambda w, t, l: _parameter_entries(w, t, l, False, True),
                           trace, layer, style, digits, max_terms, max_entries, notation)


def loss_formulas(trace: StepTrace, style: str = "latex", digits: int = 4, max_terms: int = 8,
                  notation: str = REFERENCE) -> list[str]:
    """The loss of the (first) sample with its numbers, and for a batch its mean or sum."""
    w = _Writer(style, digits, max_terms, notation)
    last = len(trace.layers) - 1
    Y = _rows(trace.layers[last].a, "outputs")
    Z = _rows(trace.target, "target")
    y, z = Y[0], Z[0]
    loss = get_loss(trace.loss_name)
    value = float(loss.per_sample(Y[:1], Z[:1])[0])
    shown, omitted = w.terms(len(y))
    ys = [_name(w, trace, "a", last, k) for k in shown]
    zs = [_target_name(w, trace, k) for k in shown]
    L = w.sym("L", sup="(r)" if trace.is_batch else "")
    if trace.loss_name == "cross_entropy" and len(y) == 1:
        def bce(yv: str, zv: str) -> str:
            return w.paren(f"{zv} {w.func('log', yv)}{w.plus}(1{w.minus}{zv}) {w.func('log', f'1{w.minus}{yv}')}",
                           big=True)
        rhs = [w.minus_sign + bce(ys[0], zs[0]), w.minus_sign + bce(w.num(y[0]), w.num(z[0]))]
    elif trace.loss_name == "cross_entropy":
        rhs = [w.minus_sign + w.paren(w.join_sum([f"{zk} {w.func('log', yk)}" for yk, zk in zip(ys, zs)],
                                                 omitted), big=True),
               w.minus_sign + w.paren(w.join_sum([f"{w.num(z[k])} {w.func('log', w.num(y[k]))}"
                                                  for k in shown], omitted), big=True)]
    else:
        half = (w.frac("1", "2") if w.latex else "½") if trace.loss_name == "half_squared_error" else ""

        def squares(pairs: list[tuple[str, str]]) -> str:
            parts = [w.sup(w.paren(f"{a}{w.minus}{b}"), "2") for a, b in pairs]
            body = w.join_sum(parts, omitted)
            return half + (w.paren(body, big=True) if len(parts) > 1 or omitted else body)
        rhs = [squares(list(zip(ys, zs))),
               squares([(w.num(y[k]), w.pnum(z[k])) for k in shown])]
    rows = [(L, rhs + [w.num(value)])]
    if trace.is_batch:
        n = len(trace.rows)
        total = (r"\sum_{r} " if w.latex else "Σ<sub>r</sub> ") + L
        if trace.reduction == "mean":
            total = (w.frac("1", str(n)) if w.latex else f"(1/{n})") + " " + total
        rows.append((w.sym("L"), [total, w.num(trace.loss_before)]))
    blocks = [w.block(rows, _row_note(trace))]
    if trace.penalty:
        blocks.append(_penalty_loss_block(w, trace))
    return blocks


def _penalty_loss_block(w: _Writer, trace: StepTrace) -> str:
    """The loss with the weight penalty: L + (λ2/2 ΣW² + λ1 Σ|W|), over the rows for a mean."""
    pen, lam = trace.penalty, w.greek("lambda")
    weights = [lt.weights_before for lt in trace.layers]
    sum_sym = r"\sum " if w.latex else "Σ"
    syms, nums = [], []
    if pen.l2:
        squares = sum(float((W * W).sum()) for W in weights)
        half = w.frac(w.sym(lam, "2"), "2") if w.latex else f"{w.sym(lam, '2')}/2"
        syms.append(f"{half} {sum_sym}{w.sup('W', '2')}")
        nums.append(f"{w.num(pen.l2 / 2)}{w.dot}{w.num(squares)}")
    if pen.l1:
        absolute = sum(float(np.abs(W).sum()) for W in weights)
        syms.append(f"{w.sym(lam, '1')} {sum_sym}|W|")
        nums.append(f"{w.num(pen.l1)}{w.dot}{w.num(absolute)}")
    sym, num = w.join_sum(syms, 0), w.join_sum(nums, 0)
    n = len(trace.rows)
    if trace.reduction == "mean" and n > 1:
        scale = w.frac("1", str(n)) if w.latex else f"(1/{n})"
        sym, num = f"{scale}{w.paren(sym)}", f"{scale}{w.paren(num)}"
    total = trace.loss_before + trace.penalty_before
    return w.block([(w.sym("P"), [sym, num, w.num(trace.penalty_before)]),
                    (f"{w.sym('L')}{w.plus}{w.sym('P')}", [f"{w.num(trace.loss_before)}{w.plus}{w.num(trace.penalty_before)}",
                                                          w.num(total)])],
                   "the weight penalty, biases excluded")
