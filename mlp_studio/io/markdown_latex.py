"""The Markdown our sheets and worked examples are written in, as a LaTeX document for pdflatex.

Handles what those texts use: ``#``/``##``/``###`` headings, ``- `` lists, pipe tables,
``$$...$$`` display maths, ``$...$`` inline maths, ``*emphasis*`` and Markdown's
backslash escapes. Text outside maths is escaped for LaTeX and kept to ASCII.
"""

from __future__ import annotations

import re

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%",
                "&": r"\&", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}
_UNICODE = {"→": r"$\rightarrow$", "…": r"\ldots{}", "×": r"$\times$", "−": "-", "η": r"$\eta$",
            "δ": r"$\delta$", "σ": r"$\sigma$", "–": "--", "—": "---", "·": r"$\cdot$",
            "’": "'", "“": "``", "”": "''"}
_UNICODE_IN_MATH = {"→": r"\rightarrow ", "…": r"\ldots ", "×": r"\times ", "−": "-"}
_HEADINGS = {"#": "section*", "##": "subsection*", "###": "subsubsection*"}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{amsmath}
\usepackage[margin=2cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\allowdisplaybreaks
\begin{document}
"""


def _text(text: str) -> str:
    """Prose: Markdown escapes undone, TeX specials escaped, *emphasis* kept."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and not text[i + 1].isalnum():
            c = text[i + 1]
            i += 1
            out.append(_TEX_SPECIAL.get(c, c))
        elif c == "*":
            out.append("\x00")
        else:
            out.append(_UNICODE.get(c) or _TEX_SPECIAL.get(c, c if c.isascii() else "?"))
        i += 1
    joined = "".join(out)
    return re.sub("\x00\x00?(.+?)\x00\x00?", r"\\emph{\1}", joined).replace("\x00", "*")


def _math(text: str) -> str:
    return "".join(_UNICODE_IN_MATH.get(c, c) for c in text)


def inline(text: str) -> str:
    """One line of prose with ``$...$`` maths."""
    parts = re.split(r"(?<!\\)\$", text)
    return "".join(_math(p) and f"${_math(p)}$" if k % 2 else _text(p) for k, p in enumerate(parts))


def _table(rows: list[str]) -> list[str]:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows
             if not re.fullmatch(r"\|?[\s:|-]+\|?", row.strip())]
    width = max(len(r) for r in cells)
    out = [r"\begin{tabular}{" + "l" * width + "}", r"\hline"]
    for k, row in enumerate(cells):
        out.append(" & ".join(inline(c) for c in row) + r" \\")
        if k == 0:
            out.append(r"\hline")
    return out + [r"\hline", r"\end{tabular}", ""]


def markdown_to_latex(markdown: str) -> str:
    """A whole LaTeX document with the content of ``markdown``."""
    out = [PREAMBLE]
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        head = line.split(" ", 1)
        if line.strip() == "$$":
            end = lines.index("$$", i + 1) if "$$" in lines[i + 1:] else len(lines)
            out += [r"\[", _math("\n".join(lines[i + 1:end])), r"\]"]
            i = end + 1
            continue
        if line.startswith("|"):
            end = i
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            out += _table(lines[i:end])
            i = end
            continue
        if line.startswith("- "):
            out.append(r"\begin{itemize}")
            while i < len(lines) and lines[i].startswith("- "):
                out.append(r"\item " + inline(lines[i][2:]))
                i += 1
            out.append(r"\end{itemize}")
            continue
        if len(head) == 2 and head[0] in _HEADINGS:
            out.append(f"\\{_HEADINGS[head[0]]}{{{inline(head[1])}}}")
        else:
            out.append(inline(line))
        i += 1
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
