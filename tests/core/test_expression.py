"""The lab's expression language: parsing, safety, derivatives, printing."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.expression import ExpressionError, Objective, parse, to_latex, to_text
from mlp_studio.errors import MLPError


def central_difference(obj: Objective, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (obj.value(x + e) - obj.value(x - e)) / (2 * h)
    return out


# ------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    "text, x, expected",
    [
        ("1 + 2*3", 0.0, 7.0),
        ("2**3**2 + 0*x", 0.0, 512.0),  # right-associative, as in Python
        ("2^3 + x", 1.0, 9.0),
        ("-x**2", 3.0, -9.0),  # unary minus binds looser than **
        ("(-x)**2", 3.0, 9.0),
        ("2**-1*x", 4.0, 2.0),
        ("x/2/2", 8.0, 2.0),  # left-associative
        ("8 - x - 2", 1.0, 5.0),
        ("1e-3*x + .5 + 2.", 1000.0, 3.5),
        ("exp(log(x)) + sqrt(x) + abs(-x)", 4.0, 4.0 + 2.0 + 4.0),
        ("sin(x)**2 + cos(x)**2", 0.7, 1.0),
        ("tanh(x)", 0.5, np.tanh(0.5)),
        ("pi*x", 2.0, 2 * np.pi),
        ("--x", 2.0, 2.0),
    ],
)
def test_values(text: str, x: float, expected: float) -> None:
    obj = Objective(text, variables=["x"])
    assert obj.value(np.array([x])) == pytest.approx(expected, rel=1e-12)


def test_evaluates_on_grids() -> None:
    obj = Objective("x**2 + 3*y")
    xx, yy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(0, 2, 4))
    np.testing.assert_allclose(obj.evaluate(xx, yy), xx**2 + 3 * yy)
    # a constant derivative still gives a whole grid
    gx, gy = obj.gradient_on(xx, yy)
    np.testing.assert_allclose(gx, 2 * xx)
    np.testing.assert_allclose(gy, np.full_like(yy, 3.0))


def test_domain_errors_give_nan_not_exceptions() -> None:
    obj = Objective("log(x) + sqrt(x)")
    assert np.isnan(obj.value(np.array([-1.0])))


# ---------------------------------------------------------------- variables


def test_variables_in_natural_order() -> None:
    assert Objective("y + x").variables == ("x", "y")
    assert Objective("x10 + x2 + x1").variables == ("x1", "x2", "x10")
    assert Objective("b*a", variables=["b", "a"]).variables == ("b", "a")


def test_variable_list_must_cover_the_expression() -> None:
    with pytest.raises(MLPError, match="uses y, which is not in the variable list x"):
        Objective("x + y", variables=["x"])
    with pytest.raises(MLPError, match="listed twice"):
        Objective("x", variables=["x", "x"])
    with pytest.raises(MLPError, match="cannot be a variable name"):
        Objective("x", variables=["x", "exp"])
    with pytest.raises(MLPError, match="no variables"):
        Objective("2 + 3")


# -------------------------------------------------------------- derivatives


def test_bowl_gradient_is_printed_simply() -> None:
    obj = Objective("x**2 + y**2")
    assert [to_text(g) for g in obj.gradient] == ["2*x", "2*y"]
    assert [[to_text(h) for h in row] for row in obj.hessian] == [["2", "0"], ["0", "2"]]
    assert obj.formulas(latex=True)["gradient"] == ["2 x", "2 y"]


def test_quartic_derivatives_by_hand() -> None:
    obj = Objective("3*x**4 + 5*x**3 - 20*x**2 + 8*x + 10")
    assert to_text(obj.gradient[0]) == "12*x**3 + 15*x**2 - 40*x + 8"
    assert to_text(obj.hessian[0][0]) == "36*x**2 + 30*x - 40"
    assert to_latex(obj.gradient[0]) == "12 x^{3} + 15 x^{2} - 40 x + 8"


def test_rosenbrock_derivatives_by_hand() -> None:
    obj = Objective("(1 - x)**2 + 100*(y - x**2)**2")
    x, y = 0.3, -0.7
    # d/dx = -2(1-x) - 400 x (y - x^2), d/dy = 200 (y - x^2)
    np.testing.assert_allclose(obj.grad(np.array([x, y])), [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
    np.testing.assert_allclose(
        obj.hess(np.array([x, y])), [[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200]]
    )


@pytest.mark.parametrize(
    "text, point",
    [
        ("3*x**4 + 5*x**3 - 20*x**2 + 8*x + 10", [0.7]),
        ("(1 - x)**2 + 100*(y - x**2)**2", [-1.2, 1.0]),
        ("exp(-x**2 - y**2) * sin(3*x) + log(1 + y**2)", [0.4, -0.9]),
        ("sqrt(x**2 + y**2 + 1) / (1 + tanh(x*y))", [1.3, 0.2]),
        ("x**y + abs(x - 2*y) - cos(y)/x", [1.7, 0.6]),
        ("2**x * x1 / x2 - x1**-2", [0.5, 1.5, 2.5]),
    ],
)
def test_gradient_and_hessian_match_finite_differences(text: str, point: list[float]) -> None:
    obj = Objective(text)
    x = np.array(point)
    np.testing.assert_allclose(obj.grad(x), central_difference(obj, x), rtol=1e-6, atol=1e-7)
    # Hessian columns: central differences of the exact gradient
    h = 1e-6
    numeric = np.column_stack(
        [(obj.grad(x + h * e) - obj.grad(x - h * e)) / (2 * h) for e in np.eye(x.size)]
    )
    np.testing.assert_allclose(obj.hess(x), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "text",
    ["(1 - x)**2 + 100*(y - x**2)**2", "x/(y*z)", "-x**2 + exp(-x) - 2**-y", "sqrt(x)/3 - abs(y)**0.5"],
)
def test_printed_text_parses_back_to_the_same_tree(text: str) -> None:
    tree = parse(text)
    assert parse(to_text(tree)) == tree
    for g in Objective(text).gradient:
        assert parse(to_text(g)) == g


def test_printing() -> None:
    assert to_text(parse("(1 - x)**2")) == "(1 - x)**2"
    assert to_text(parse("x/y")) == "x/y"
    assert to_text(parse("1/(x*y)")) == "1/(x*y)"
    assert to_text(parse("a - 2*b")) == "a - 2*b"
    assert to_latex(parse("x1/sqrt(x2)")) == r"\frac{x_{1}}{\sqrt{x_{2}}}"
    assert to_latex(parse("log(eta)*abs(w_1)")) == r"\left|w_{1}\right| \ln\left(\eta\right)"
    assert to_text(Objective("sqrt(x**2 + 1)").gradient[0]) == "x/sqrt(x**2 + 1)"


# ---------------------------------------------------------- errors, safety


def error_of(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert isinstance(info.value, MLPError)
    return info.value


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("x**2 + ", 8, "ends too early"),
        ("x**2 + )", 8, "unexpected ')'"),
        ("(x + 1", 7, "missing ')'"),
        ("x + 1)", 6, "unmatched ')'"),
        ("2x", 2, "missing operator between '2' and 'x'"),
        ("x $ 2", 3, "unexpected character '$'"),
        ("x[0]", 2, "use round parentheses"),
        ("", 1, "empty"),
        ("exp", 1, "exp is a function"),
        ("exp(x, y)", 6, "exp takes one argument"),
        ("1e999*x", 1, "too large"),
        ("x * * y", 5, "unexpected '*'"),
    ],
)
def test_errors_point_at_the_position(text: str, column: int, words: str) -> None:
    err = error_of(text)
    assert err.column == column
    assert words in err.message
    assert f"at column {column}" in err.message
    lines = err.message.splitlines()
    assert lines[1] == "  " + text
    assert lines[2] == "  " + " " * (column - 1) + "^"


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("x.__class__", 2, "attribute access"),
        ("(x).real", 4, "attribute access"),
        ("__import__(os)", 1, "names may not start with '_'"),
        ("__import__('os')", 12, "unexpected character"),
        ("_x + 1", 1, "names may not start with '_'"),
        ("eval(x)", 1, "unknown function 'eval'"),
        ("open(x)", 1, "unknown function 'open'"),
        ("foo(x) + 1", 1, "unknown function 'foo'"),
        ("x(2)", 1, "unknown function 'x'"),
        ("(x)(2)", 4, "')' is not a function"),
        ("exp(x)(2)", 7, "not a function"),
        ("lambda: 1", 7, "unexpected character ':'"),
        ("'x'", 1, "unexpected character"),
        ("x if x else 1", 3, "missing operator"),
    ],
)
def test_refuses_anything_outside_the_grammar(text: str, column: int, words: str) -> None:
    err = error_of(text)
    assert words in err.message
    assert err.column == column


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert "nested too deeply" in error_of("(" * 500 + "x" + ")" * 500).message
    assert "nested too deeply" in error_of("-" * 500 + "x").message


def test_never_evaluates_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached eval/exec/compile")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    obj = Objective("exp(x) * (y - 1)**2")
    assert obj.value(np.array([0.0, 3.0])) == pytest.approx(4.0)


def test_explosive_second_derivatives_are_refused_only_when_newton_needs_them() -> None:
    obj = Objective("*".join(f"sin(x + {i})" for i in range(40)))  # 40 terms: its gradient is fine
    assert obj.value(np.array([0.5])) == pytest.approx(np.prod(np.sin(0.5 + np.arange(40))))
    with pytest.raises(MLPError, match="too complex"):
        obj.hessian  # 40 x 40 factors: built on first use, and refused


def test_many_variables_are_refused_before_any_derivative(monkeypatch) -> None:
    from mlp_studio.core import expression

    def no_derivatives(self, var):
        raise AssertionError("a derivative was built")

    for node in (expression.Var, expression.Prod, expression.Sum, expression.Call, expression.Pow):
        monkeypatch.setattr(node, "diff", no_derivatives)
    text = "*".join(f"x{i}" for i in range(expression.MAX_VARIABLES + 1))
    with pytest.raises(MLPError, match=f"has {expression.MAX_VARIABLES + 1} variables; at most "
                                       f"{expression.MAX_VARIABLES}"):
        Objective(text)
    with pytest.raises(MLPError, match="at most"):
        Objective("x", [f"v{i}" for i in range(300)])


def test_gradient_descent_never_builds_the_hessian() -> None:
    from mlp_studio.core.minimize import MinimizeConfig, minimize

    obj = Objective("(x - 1)**2 + 3*(y + 2)**2")
    result = minimize(obj, [0.0, 0.0], MinimizeConfig(eta=0.1, max_iterations=5))
    assert "hessian" not in vars(obj)  # the cached property was never computed
    assert result.iterations[1].x == pytest.approx([0.2, -1.2])  # x - 0.1 * (2(x-1), 6(y+2))
