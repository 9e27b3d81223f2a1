"""Formulas in lesson texts (``$...$``) as Qt rich text, in the Math panel's style:
Unicode Greek letters, ``<sub>``/``<sup>``, italic symbols.

Handles the LaTeX that lessons use: Greek letters, ``\\cdot``, ``\\nabla``,
``\\frac{a}{b}``, ``x_{i}``, ``x^{2}``, ``\\left``/``\\right``, spacing commands.
"""

from __future__ import annotations

import html
import re

_SYMBOLS = {r"\sigma": "σ", r"\delta": "δ", r"\eta": "η", r"\nabla": "∇", r"\cdot": "·",
            r"\theta": "θ", r"\mu": "μ", r"\partial": "∂", r"\sum": "Σ", r"\times": "×",
            r"\infty": "∞", r"\approx": "≈", r"\le": "≤", r"\ge": "≥", r"\rightarrow": "→",
            r"\left": "", r"\right": "", r"\;": " ", r"\,": " ", r"\quad": "  ", r"\log": "log",
            r"\exp": "exp", r"\tanh": "tanh", r"\max": "max"}
_TOKEN = "\u27e6{}\u27e7"  # ⟦k⟧: placeholders that Markdown leaves alone
_TOKEN_RE = re.compile("\u27e6(\\d+)\u27e7")


def _group(text: str, start: int) -> tuple[str, int]:
    """The braced group (or single character) at ``start`` and the index after it."""
    if start < len(text) and text[start] == "{":
        depth = 0
        for k in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            if depth == 0:
                return text[start + 1:k], k + 1
        return text[start + 1:], len(text)
    return text[start:start + 1], start + 1


def math_html(latex: str) -> str:
    """One formula as rich text."""
    out, i = [], 0
    while i < len(latex):
        c = latex[i]
        if c in "_^":
            body, i = _group(latex, i + 1)
            tag = "sub" if c == "_" else "sup"
            out.append(f"<{tag}>{math_html(body)}</{tag}>")
        elif latex.startswith(r"\frac", i):
            num, i = _group(latex, i + 5)
            den, i = _group(latex, i)
            if (num, den) == ("1", "2"):
                out.append("½")
            elif len(num) > 1 or len(den) > 1:
                out.append(f"({math_html(num)})/({math_html(den)})")
            else:
                out.append(f"{math_html(num)}/{math_html(den)}")
        elif c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", latex[i:])
            word = m.group(0)
            out.append(_SYMBOLS.get(word, html.escape(word[1:])))
            i += len(word)
        elif c in "{}":
            i += 1
        elif c.isalpha():
            word = re.match(r"[A-Za-z]+", latex[i:]).group(0)
            out.append(f"<i>{word}</i>")
            i += len(word)
        else:
            out.append("−" if c == "-" else html.escape(c))
            i += 1
    return "".join(out)


def split_math(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` with each ``$...$`` replaced by a token, and the formulas as rich text."""
    formulas: list[str] = []

    def take(m: re.Match) -> str:
        formulas.append(math_html(m.group(1)))
        return _TOKEN.format(len(formulas) - 1)

    return re.sub(r"(?<!\\)\$(.+?)(?<!\\)\$", take, markdown), formulas


def put_math(rich_text: str, formulas: list[str]) -> str:
    """Put the formulas back in place of their tokens."""
    return _TOKEN_RE.sub(lambda m: formulas[int(m.group(1))], rich_text)
