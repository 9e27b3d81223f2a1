"""A safe expression language for the gradient-descent lab.

User text is tokenised and parsed by a small recursive-descent parser into an
immutable expression tree; it is never evaluated as Python. The grammar::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom (('**' | '^') unary)?          # right-associative
    atom    := NUMBER | NAME | FUNC '(' expr ')' | '(' expr ')'

As in Python, ``-x**2`` is ``-(x**2)`` and ``2**3**2`` is ``2**9``. Names are
variables, the constant ``pi``, or one of :data:`FUNCTIONS` applied to one
argument. Trees evaluate with NumPy (vectorised, so they work on grids),
differentiate symbolically, simplify, and print as plain text or LaTeX.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from mlp_studio.errors import MLPError, shown

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "abs": np.abs,
    "sign": np.sign,
}
"""The functions the language knows (``log`` is the natural logarithm;
``sign`` appears in the derivative of ``abs``)."""

CONSTANTS = {"pi": math.pi}
MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_TREE_SIZE = 20000
#: variables a function may have: the gradient has this many derivatives, the Hessian its square
MAX_VARIABLES = 20


def _too_complex() -> MLPError:
    return MLPError("f is too complex: its derivatives would be too large to work with; simplify it")


class ExpressionError(MLPError):
    """An error in expression text; ``column`` is 1-based."""

    def __init__(self, what: str, text: str, column: int) -> None:
        caret = " " * (column - 1) + "^"
        super().__init__(f"{what} at column {column}\n  {text}\n  {caret}")
        self.text = text
        self.column = column


# --------------------------------------------------------------------- tree


class Node:
    """Base of the immutable expression tree."""

    def evaluate(self, env: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
        raise NotImplementedError

    def diff(self, var: str) -> Node:
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def names(self) -> set[str]:
        return set().union(*(c.names() for c in self.children()))

    @cached_property
    def size(self) -> int:
        """The number of nodes in the tree."""
        return 1 + sum(c.size for c in self.children())

    @cached_property
    def text(self) -> str:
        return to_text(self)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Const(Node):
    value: float

    def evaluate(self, env):
        return self.value

    def diff(self, var):
        return ZERO


@dataclass(frozen=True)
class Var(Node):
    name: str

    def evaluate(self, env):
        return env[self.name]

    def diff(self, var):
        return ONE if var == self.name else ZERO

    def names(self):
        return {self.name}


@dataclass(frozen=True)
class Sum(Node):
    terms: tuple[Node, ...]

    def evaluate(self, env):
        total = self.terms[0].evaluate(env)
        for t in self.terms[1:]:
            total = total + t.evaluate(env)
        return total

    def diff(self, var):
        terms, size = [], 0
        for t in self.terms:
            terms.append(t.diff(var))
            size += terms[-1].size
            if size > MAX_TREE_SIZE:
                raise _too_complex()
        return add(*terms)

    def children(self):
        return self.terms


@dataclass(frozen=True)
class Prod(Node):
    factors: tuple[Node, ...]

    def evaluate(self, env):
        total = self.factors[0].evaluate(env)
        for f in self.factors[1:]:
            total = total * f.evaluate(env)
        return total

    def diff(self, var):
        parts = [(i, d) for i, f in enumerate(self.factors) if (d := f.diff(var)) != ZERO]
        if parts and len(parts) * (self.size + max(d.size for _, d in parts)) > MAX_TREE_SIZE:
            raise _too_complex()
        return add(*(mul(*self.factors[:i], d, *self.factors[i + 1 :]) for i, d in parts))

    def children(self):
        return self.factors


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    exponent: Node

    def evaluate(self, env):
        return np.power(self.base.evaluate(env), self.exponent.evaluate(env))

    def diff(self, var):
        b, e = self.base, self.exponent
        db, de = b.diff(var), e.diff(var)
        if de == ZERO:  # d(u**c) = c u**(c-1) u'
            return mul(e, power(b, add(e, Const(-1.0))), db)
        # d(u**v) = u**v (v' log u + v u'/u)
        return mul(self, add(mul(de, call("log", b)), mul(e, db, power(b, Const(-1.0)))))

    def children(self):
        return (self.base, self.exponent)


@dataclass(frozen=True)
class Call(Node):
    func: str
    arg: Node

    def evaluate(self, env):
        return FUNCTIONS[self.func](self.arg.evaluate(env))

    def diff(self, var):
        u = self.arg
        du = u.diff(var)
        if du == ZERO:
            return ZERO
        outer = {
            "exp": lambda: self,
            "log": lambda: power(u, Const(-1.0)),
            "sqrt": lambda: mul(Const(0.5), power(self, Const(-1.0))),
            "sin": lambda: call("cos", u),
            "cos": lambda: mul(Const(-1.0), call("sin", u)),
            "tanh": lambda: add(ONE, negate(power(self, Const(2.0)))),
            "abs": lambda: call("sign", u),
            "sign": lambda: ZERO,
        }[self.func]()
        return mul(outer, du)

    def children(self):
        return (self.arg,)


ZERO = Const(0.0)
ONE = Const(1.0)


# ------------------------------------------------------- smart constructors


def _finite(value: float) -> bool:
    return math.isfinite(value)


def _is_int(value: float) -> bool:
    return _finite(value) and float(value).is_integer()


def _split_coef(node: Node) -> tuple[float, Node | None]:
    """``node`` as coefficient * rest (rest None for a constant)."""
    if isinstance(node, Const):
        return node.value, None
    if isinstance(node, Prod) and isinstance(node.factors[0], Const):
        rest = node.factors[1:]
        return node.factors[0].value, rest[0] if len(rest) == 1 else Prod(rest)
    return 1.0, node


def _scaled(coef: float, rest: Node | None) -> Node:
    if rest is None:
        return Const(coef)
    return mul(Const(coef), rest)


def add(*terms: Node) -> Node:
    """Simplified sum: flattened, like terms and constants combined, in the
    order of their first appearance."""
    flat: list[Node] = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, Sum) else (t,))
    coefs: dict[Node | None, float] = {}  # None is the constant term
    for t in flat:
        c, rest = _split_coef(t)
        coefs[rest] = coefs.get(rest, 0.0) + c
    out = [_scaled(c, rest) for rest, c in coefs.items() if c != 0.0]
    if not out:
        return ZERO
    return out[0] if len(out) == 1 else Sum(tuple(out))


def _factor_key(f: Node) -> tuple:
    """Canonical order of factors in a product: variables (by name), then
    other factors, then function calls (each by their text)."""
    base = f.base if isinstance(f, Pow) else f
    if isinstance(base, Var):
        return (0, natural_key(base.name), f.text)
    return (2 if isinstance(base, Call) else 1, (), f.text)


def _int_power(f: Node) -> tuple[Node, float] | None:
    """``f`` as base**n with an integer constant n, or None."""
    if not isinstance(f, Pow):
        return f, 1.0
    if isinstance(f.exponent, Const) and _is_int(f.exponent.value):
        return f.base, f.exponent.value
    return None


def mul(*factors: Node) -> Node:
    """Simplified product: flattened, constants folded into one leading
    coefficient, integer powers of the same base merged, variables first."""
    flat: list[Node] = []
    for f in factors:
        flat.extend(f.factors if isinstance(f, Prod) else (f,))
    coef = 1.0
    exponents: dict[Node, float] = {}
    order: list[tuple[bool, Node]] = []  # (merged by base?, base or factor)
    for f in flat:
        if isinstance(f, Const):
            coef *= f.value
            continue
        split = _int_power(f)
        if split is None:
            order.append((False, f))
            continue
        base, n = split
        if base not in exponents:
            exponents[base] = 0.0
            order.append((True, base))
        exponents[base] += n
    if coef == 0.0:
        return ZERO
    rest = [power(node, Const(exponents[node])) if merged else node for merged, node in order]
    rest = sorted((f for f in rest if f != ONE), key=_factor_key)
    if not rest:
        return Const(coef)
    if coef == 1.0 and len(rest) == 1:
        return rest[0]
    return Prod(tuple(([] if coef == 1.0 else [Const(coef)]) + rest))


def power(base: Node, exponent: Node) -> Node:
    """Simplified power: x**1 = x, x**0 = 1, constants folded, and for an
    integer n: (u**a)**n = u**(a n), (u v)**n = u**n v**n."""
    if isinstance(exponent, Const):
        if exponent.value == 0.0:
            return ONE
        if exponent.value == 1.0:
            return base
        if isinstance(base, Const):
            with np.errstate(all="ignore"):
                value = float(np.power(base.value, exponent.value))
            if _finite(value):
                return Const(value)
        if isinstance(base, Pow) and isinstance(base.exponent, Const) and _is_int(exponent.value):
            return power(base.base, Const(base.exponent.value * exponent.value))
        if isinstance(base, Prod) and _is_int(exponent.value):
            return mul(*(power(f, exponent) for f in base.factors))
    return Pow(base, exponent)


def call(func: str, arg: Node) -> Node:
    """A function call, folded when the argument is constant and the result finite."""
    if isinstance(arg, Const):
        with np.errstate(all="ignore"):
            value = float(FUNCTIONS[func](arg.value))
        if _finite(value):
            return Const(value)
    return Call(func, arg)


def negate(node: Node) -> Node:
    return mul(Const(-1.0), node)


# ------------------------------------------------------------------ printing


def format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: 2 not 2.0, 0.1, 1e-10."""
    if _is_int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _is_negative(node: Node) -> bool:
    c, _ = _split_coef(node)
    return c < 0


# Precedence levels for parenthesising.
_SUM, _PROD, _NEG, _POW, _ATOM = range(5)


def _level(node: Node) -> int:
    if isinstance(node, Sum):
        return _SUM
    if isinstance(node, Prod):
        return _NEG if _is_negative(node) else _PROD
    if isinstance(node, Const):
        return _NEG if node.value < 0 else _ATOM
    if isinstance(node, Pow):
        return _POW
    return _ATOM


def _split_fraction(node: Prod) -> tuple[float, list[Node], list[Node]]:
    """Coefficient, numerator factors and denominator factors (x**-n -> 1/x**n;
    a long coefficient 1/k, such as 0.333..., -> 1/k)."""
    coef, num, den = 1.0, [], []
    for f in node.factors:
        if isinstance(f, Const):
            inverse = 1.0 / f.value
            if len(repr(abs(f.value))) > 8 and _is_int(inverse) and abs(inverse) <= 1000:
                coef *= math.copysign(1.0, f.value)
                den.append(Const(abs(inverse)))
            else:
                coef *= f.value
        elif isinstance(f, Pow) and isinstance(f.exponent, Const) and f.exponent.value < 0:
            den.append(power(f.base, Const(-f.exponent.value)))
        else:
            num.append(f)
    return coef, num, den


class _Printer:
    """Plain text (``latex=False``, re-parseable) or LaTeX."""

    def __init__(self, latex: bool) -> None:
        self.latex = latex

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)" if self.latex else f"({text})"

    def wrap(self, node: Node, min_level: int) -> str:
        text = self.show(node)
        return self.paren(text) if _level(node) < min_level else text

    def show(self, node: Node) -> str:
        if isinstance(node, Const):
            return self.number(node.value)
        if isinstance(node, Var):
            return latex_name(node.name) if self.latex else node.name
        if isinstance(node, Sum):
            parts = [self.show(node.terms[0])]
            for t in node.terms[1:]:
                if _is_negative(t):
                    parts.append(" - " + self.wrap(negate(t), _PROD))
                else:
                    parts.append(" + " + self.wrap(t, _PROD))
            return "".join(parts)
        if isinstance(node, Prod):
            return self.product(node)
        if isinstance(node, Pow):
            if isinstance(node.exponent, Const) and node.exponent.value < 0:
                return self.product(Prod((node,)))
            base = self.wrap(node.base, _ATOM)
            if self.latex:
                return f"{base}^{{{self.show(node.exponent)}}}"
            return f"{base}**{self.wrap(node.exponent, _NEG)}"
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(node)

    def number(self, value: float) -> str:
        text = format_number(value)
        if self.latex and "e" in text:
            mant, exp = text.split("e")
            return rf"{mant} \cdot 10^{{{int(exp)}}}"
        return text

    def factors(self, factors: Sequence[Node]) -> str:
        if self.latex:
            out = ""
            for f in factors:
                text = self.wrap(f, _POW)
                if out:
                    out += r" \cdot " if text[:1].isdigit() else " "
                out += text
            return out
        return "*".join(self.wrap(f, _POW) for f in factors)

    def product(self, node: Prod) -> str:
        coef, num, den = _split_fraction(node)
        sign = "-" if coef < 0 else ""
        coef = abs(coef)
        top = ([Const(coef)] if coef != 1.0 or not num else []) + num
        if self.latex and den:
            bottom = self.show(den[0]) if len(den) == 1 else self.factors(den)
            return rf"{sign}\frac{{{self.factors(top)}}}{{{bottom}}}"
        text = sign + self.factors(top)
        if den:
            text += "/" + (self.wrap(den[0], _POW) if len(den) == 1 else self.paren(self.factors(den)))
        return text

    def call(self, node: Call) -> str:
        arg = self.show(node.arg)
        if not self.latex:
            return f"{node.func}({arg})"
        if node.func == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if node.func == "abs":
            return rf"\left|{arg}\right|"
        if node.func == "log":
            return rf"\ln{self.paren(arg)}"
        if node.func == "sign":
            return rf"\operatorname{{sign}}{self.paren(arg)}"
        return rf"\{node.func}{self.paren(arg)}"


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
}


def latex_name(name: str) -> str:
    """``x1`` -> ``x_{1}``, ``w_2`` -> ``w_{2}``, ``eta`` -> ``\\eta``, ``rate`` -> ``\\mathrm{rate}``."""
    if name == "pi":
        return r"\pi"
    match = re.fullmatch(r"([A-Za-z]+)_?(\w*)", name)
    head, sub = (match.group(1), match.group(2)) if match else (name, "")
    if head in _GREEK:
        head = "\\" + head
    elif len(head) > 1:
        head = rf"\mathrm{{{head}}}"
    return f"{head}_{{{sub}}}" if sub else head


def to_text(node: Node) -> str:
    """Plain text in this language's own syntax (parses back to the same tree)."""
    return _Printer(latex=False).show(node)


def to_latex(node: Node) -> str:
    return _Printer(latex=True).show(node)


# ------------------------------------------------------------------ parsing

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^(),]))"
)


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int  # 0-based offset


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            if ch == "." and tokens and (tokens[-1].kind == "name" or tokens[-1].text == ")"):
                raise ExpressionError("attribute access ('.') is not allowed", text, pos + 1)
            if ch in "[]{}":
                raise ExpressionError(f"unexpected {shown(ch)}; use round parentheses", text, pos + 1)
            raise ExpressionError(f"unexpected character {shown(ch)}", text, pos + 1)
        kind = m.lastgroup
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def error(self, what: str, token: Token | None = None) -> ExpressionError:
        token = token or self.peek
        return ExpressionError(what, self.text, token.pos + 1)

    @property
    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, *ops: str) -> Token | None:
        if self.peek.kind == "op" and self.peek.text in ops:
            return self.take()
        return None

    def parse(self) -> Node:
        if self.peek.kind == "end":
            raise self.error("the expression is empty")
        node = self.expr()
        token = self.peek
        if token.kind != "end":
            if token.text == ")":
                raise self.error("unmatched ')'")
            prev = self.tokens[self.i - 1]
            if token.text == "(":
                raise self.error(f"{shown(prev.text)} is not a function; only {', '.join(FUNCTIONS)} can be called")
            raise self.error(f"missing operator between {shown(prev.text)} and {shown(token.text)}")
        return node

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("the expression is nested too deeply")
        node = self.term()
        while (op := self.accept("+", "-")) is not None:
            right = self.term()
            node = add(node, right if op.text == "+" else negate(right))
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while (op := self.accept("*", "/")) is not None:
            right = self.unary()
            node = mul(node, right if op.text == "*" else power(right, Const(-1.0)))
        return node

    def unary(self) -> Node:
        if self.accept("-"):
            return negate(self.nested(self.unary))
        if self.accept("+"):
            return self.nested(self.unary)
        return self.power()

    def nested(self, rule: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("the expression is nested too deeply")
        node = rule()
        self.depth -= 1
        return node

    def power(self) -> Node:
        node = self.atom()
        if self.accept("**", "^"):
            node = power(node, self.nested(self.unary))
        return node

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "num":
            value = float(token.text)
            if not _finite(value):
                raise self.error(f"the number {token.text} is too large", token)
            return Const(value)
        if token.kind == "name":
            return self.name(token)
        if token.text == "(":
            node = self.expr()
            if not self.accept(")"):
                raise self.error("missing ')'" if self.peek.kind == "end" else f"expected ')' but found {shown(self.peek.text)}")
            return node
        if token.kind == "end":
            raise self.error("the expression ends too early", token)
        raise self.error(f"unexpected {shown(token.text)}", token)

    def name(self, token: Token) -> Node:
        name = token.text
        is_call = self.peek.text == "(" and self.peek.kind == "op"
        if name.startswith("_"):
            raise self.error(f"names may not start with '_' ({shown(name)})", token)
        if is_call:
            if name not in FUNCTIONS:
                raise self.error(f"unknown function {shown(name)}; the functions are {', '.join(FUNCTIONS)}", token)
            self.take()
            arg = self.expr()
            if self.accept(","):
                raise self.error(f"{name} takes one argument", self.tokens[self.i - 1])
            if not self.accept(")"):
                raise self.error(f"missing ')' after the argument of {name}")
            return call(name, arg)
        if name in FUNCTIONS:
            raise self.error(f"{name} is a function; write {name}(...)", token)
        if name in CONSTANTS:
            return Const(CONSTANTS[name])
        return Var(name)


def parse(text: str) -> Node:
    """Parse ``text`` into a simplified tree; raises :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise MLPError(f"an expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise MLPError(f"the expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    return _Parser(text).parse()


# ---------------------------------------------------------------- objective


def natural_key(name: str) -> tuple:
    """Sort key so that x2 comes before x10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def _check_variables(variables: Iterable[str], used: set[str]) -> tuple[str, ...]:
    names = tuple(v.strip() for v in variables)
    if len(names) > MAX_VARIABLES or len(used) > MAX_VARIABLES:
        raise MLPError(f"the function has {max(len(names), len(used))} variables; at most "
                       f"{MAX_VARIABLES} are allowed (the lab plots one or two)")
    for v in names:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", v) or v in FUNCTIONS or v in CONSTANTS:
            raise MLPError(f"{shown(v)} cannot be a variable name (letters, digits and '_', starting with a letter; not a function or pi)")
    dupes = sorted(v for v, k in Counter(names).items() if k > 1)
    if dupes:
        raise MLPError(f"variable {shown(dupes[0])} is listed twice")
    missing = sorted(used - set(names), key=natural_key)
    if missing:
        raise MLPError(f"the expression uses {', '.join(missing)}, which is not in the variable list {', '.join(names)}")
    return names


class Objective:
    """A parsed function of named variables with its exact gradient and Hessian.

    ``variables`` defaults to the names used in ``text`` in natural order (x
    before y, x2 before x10). Point evaluations take a vector in that order.
    At most :data:`MAX_VARIABLES` variables, checked before any derivative is
    built; the Hessian (second derivatives, for Newton's method) is built the
    first time it is used.
    """

    def __init__(self, text: str, variables: Sequence[str] | None = None) -> None:
        self.text = text.strip()
        self.tree = parse(text)
        used = self.tree.names()
        self.variables = _check_variables(sorted(used, key=natural_key) if variables is None else variables, used)
        if not self.variables:
            raise MLPError("the expression has no variables; use at least one, e.g. x**2")
        self.gradient = tuple(self.tree.diff(v) for v in self.variables)

    @cached_property
    def hessian(self) -> tuple[tuple[Node, ...], ...]:
        return tuple(tuple(g.diff(v) for v in self.variables) for g in self.gradient)

    @property
    def n(self) -> int:
        return len(self.variables)

    def _env(self, point: Sequence[float] | np.ndarray) -> dict[str, np.ndarray]:
        return dict(zip(self.variables, point))

    def evaluate(self, *arrays: np.ndarray | float) -> np.ndarray:
        """f on arrays (one per variable, broadcast together), e.g. a contour grid."""
        return self._eval(self.tree, arrays)

    def gradient_on(self, *arrays: np.ndarray | float) -> list[np.ndarray]:
        return [self._eval(g, arrays) for g in self.gradient]

    def _eval(self, node: Node, arrays: Sequence) -> np.ndarray:
        if len(arrays) != self.n:
            raise MLPError(f"expected {self.n} values ({', '.join(self.variables)}), got {len(arrays)}")
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))
        with np.errstate(all="ignore"):
            value = node.evaluate(self._env(arrays))
        return np.broadcast_to(np.asarray(value, dtype=float), arrays[0].shape).copy()

    def value(self, x: np.ndarray) -> float:
        return float(self._eval(self.tree, list(x)))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.array([float(self._eval(g, list(x))) for g in self.gradient])

    def hess(self, x: np.ndarray) -> np.ndarray:
        return np.array([[float(self._eval(h, list(x))) for h in row] for row in self.hessian])

    def formulas(self, latex: bool = False, hessian: bool = True) -> dict[str, list]:
        """Text of f, the gradient and (unless ``hessian`` is False) the Hessian."""
        show = to_latex if latex else to_text
        out = {"f": show(self.tree), "gradient": [show(g) for g in self.gradient]}
        if hessian:
            out["hessian"] = [[show(h) for h in row] for row in self.hessian]
        return out
