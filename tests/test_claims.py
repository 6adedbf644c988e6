"""Every number the notebooks' prose states must be printed by a code cell above it.

A learner trusts the text; when a re-run changes an output, a number quoted in the prose
silently becomes false. This test reads each notebook as stored (with outputs) and, for
every markdown cell, finds every number in its text and requires it to appear in the
output of an earlier code cell, to the precision the text gives (the prose may say "0.5"
for an output "0.50", or "4.5" for "4.46"; integers must match exactly). The opening cell
may preview results printed anywhere in the notebook.

Numbers that are not results are skipped by rule: notebook numbers ("notebook 03"),
section, exercise and list numbers ("section 7", "exercise 3"), years, exponents and indices inside formulas, code in backticks,
quotations (blockquotes, such as the MovieLens license), link targets, tables (the
notation tables) and *italics* (movie titles such as *Snow White and the Seven Dwarfs*). Anything else
that is not printed must be listed in ALLOWED with the reason: settings the code shows
(k = 2, lambda = 10), scales and thresholds, facts from the text itself.

Outputs of cells tagged ``nbval-ignore-output`` (timings, machine-dependent digits) and
widget placeholders do not count: prose must not quote numbers that change between runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
OURS = ["01", "02", "03", "04", "05", "06", "07"]

#: Numbers the prose may state without an output above: settings shown in the code,
#: scales, thresholds and facts of the text. Per notebook: {number as written: reason}.
ALLOWED: dict[str, dict[str, str]] = {
    "01": {
        "0": "0 stars / a feature value / a limit of the scale",
        "1": "r = 1, a feature value, the scale s = 1",
        "2": "k = 2 features",
        "4": "four users (also printed)",
        "5": "0 to 5 stars, five movies",
        "10": "exercise setting lambda = 10",
        "3": "three values of lambda, listed in the code",
        "30": "estimated time in minutes",
    },
    "02": {
        "0": "index 0 / zero where not rated",
        "1": "a column of ones",
        "2": "k = 2, the 2 of the central difference",
        "35": "estimated time in minutes",
        "1e-6": "threshold of the check (printed as 1e-6)",
        "1e-16": "rounding error of double precision (a fact of the machine)",
    },
    "03": {
        "0": "zeros, lambda = 0",
        "1": "one feature, k = 1, one rating",
        "2": "k = 2",
        "3": "lambda = 3, k = 3",
        "5": "k = 5, 5 stars",
        "10": "lambda = 10",
        "40": "estimated time in minutes",
        "0.001": "explorer setting alpha",
        "0.3": "lambda = 0.3, the setting of every run",
        "0.1": "explorer setting alpha (exercise 2's answer)",
        "3.5": "the threshold of J the alpha comparison counts epochs to (in the code)",
    },
    "04": {
        "0": "feature 0",
        "1": "feature 1, determinant +1",
        "2": "k = 2",
        "3": "k = 3, lambda = 3",
        "4": "four snapshots, shown in the figure",
        "30": "estimated time in minutes",
        "90": "exercise: rotate by 90 degrees",
        "0.001": "explorer setting alpha",
        "0.3": "explorer setting alpha",
    },
    "05": {
        "0": "0 stars, lambda = 0, w = 0",
        "0.1": "alpha = 0.1 and the default start scale, shown in the code",
        "0.5": "0.5 stars (the scale of the data), alpha = 0.5, start scale 0.5",
        "0.9": "momentum beta = 0.9, shown in the code",
        "1": "lambda = 1 (a setting), |w| <= 1, a column of ones",
        "2": "k = 2, the bound 2 over the curvature",
        "3": "shrinkage by 3 ratings (shown in the code), exercise 3",
        "5": "5 stars, k = 5",
        "6": "list length 6 (printed as 'of 6')",
        "10": "lambda = 10, k = 10 (settings), 10 epochs, 10 times for beta = 0.9",
        "20": "20% held out (a setting), at least 20 ratings (a setting), k = 20",
        "30": "lambda = 30 (a setting)",
        "50": "50 epochs (a setting), estimated time in minutes",
        "100": "100 epochs (a setting)",
        "300": "exercise: 300 epochs",
        "26": "the date of the data set (26 September 2018), from GroupLens's README",
    },
    "06": {
        "0.1": "notebook 05's alpha, shown in its code",
        "0.3": "alpha = 0.3, the default of select_settings (a setting)",
        "0.5": "starting features of size 0.5 (a setting)",
        "0.9": "momentum beta = 0.9 (a setting)",
        "0.0005": "the early-stopping tolerance in stars (a setting)",
        "0.29": "the discount 1 / log2(11) of rank 10: a fact of the formula",
        "1": "rank 1, a hit counts 1",
        "3": "lambda = 3, shrinkage by 3 ratings, rank 3",
        "4": "4 stars or more (liked), 4 checks (settings)",
        "5": "a check every 5 epochs, 5 stars, k = 5 (settings)",
        "6": "six candidates: the grid of the code",
        "20": "20% held out, 20 epochs, 20 ratings, 20 runs (settings)",
        "100": "the budget of 100 epochs of 05, test parts of 100 ratings (settings)",
        "200": "at most 200 epochs (a setting)",
        "1,000": "test parts of 1,000 ratings, 1,000 repeats (settings of the code)",
        "10,000": "test parts of 10,000 ratings (a setting of the code)",
    },
    "07": {
        "0": "the 0 of the penalty on b, w = 0 and b = 0 for a user without ratings",
        "2": "k = 2 on the toy data (a setting)",
        "3": "movie means shrunk by 3 ratings (a setting), the seed 3 of exercise 2",
        "10": "k = 10 and lambda = 10 (notebook 05's settings), 10 sweeps, a check every 10 epochs (settings)",
        "20": "20% held out (a setting)",
        "100": "100 sweeps (a setting of the code)",
        "500": "500 epochs (a setting of the code)",
        "3,000": "3,000 epochs of gradient descent on the toy data (a setting)",
        "5": "maxIter=5 of the Spark cell: five sweeps; patience=5 checks of the search (settings)",
        "0.0005": "the early-stopping tolerance tol of mh.select_settings (a setting)",
        "17": "Java 17, the version Spark needs",
        "45": "estimated time in minutes",
        "0.05": "exercise 5's regParam",
    },
}

#: Numbers the prose quotes from another notebook's outputs: {notebook: {number: source}}.
#: They are checked against the stored outputs of the source notebook.
QUOTED_FROM: dict[str, dict[str, str]] = {
    "03": {"0.428": "02"},
}

NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?![\w])")
WORDS = dict(
    zip(
        "three four five six seven eight nine ten eleven twelve twenty hundred".split(),
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 100],
    )
)
WORD = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.IGNORECASE)


def text_of(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def output_text(cell: dict) -> str:
    """The text a code cell printed (streams and plain-text results, not widgets or figures)."""
    if "nbval-ignore-output" in cell["metadata"].get("tags", []):
        return ""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(text_of({"source": out["text"]}))
        elif "data" in out and "application/vnd.jupyter.widget-view+json" not in out["data"]:
            plain = out["data"].get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else plain
            if not plain.startswith("<Figure"):
                parts.append(plain)
    return "\n".join(parts)


def _math_values(math: str) -> str:
    """From a formula keep only numbers that are values (after =, <, >, approx), not indices."""
    math = re.sub(r"10\^\{(-?\d+)\}", r" = 1e\1 ", math)  # 10^{-6} -> 1e-6
    while True:  # sub- and superscripts (indices, powers), innermost first: _{r^{(i,j)}=1} holds one
        math, n = re.subn(r"[_^](\{[^{}]*\}|\\?\w)", " ", math)
        if not n:
            break
    return " ".join(re.findall(r"(?:=|<|>|\\approx|\\le|\\ge)\s*(-?\d[\d.,]*(?:e-?\d+)?)", math))


def prose_numbers(markdown: str) -> list[str]:
    """The numbers a markdown cell states as facts, as written (see the module docstring)."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)  # code blocks (solutions)
    text = re.sub(r"`[^`]*`", " ", text)  # inline code
    text = re.sub(r"^\s*>.*$", " ", text, flags=re.M)  # quotations
    text = re.sub(r"<[^>]+>", " ", text)  # html tags
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"^#+\s*\d+\.", " ", text, flags=re.M)  # section numbers
    text = re.sub(r"^\s*\d+\.\s", " ", text, flags=re.M)  # numbered lists
    text = re.sub(r"^\s*\|.*$", " ", text, flags=re.M)  # tables (the notation tables)
    text = re.sub(r"\bnotebooks? \d\d(?:(?:,| and| to| or) \d\d)*", " ", text, flags=re.I)  # notebook names
    text = re.sub(r"\bsections? \d+(?:(?:,| and| to| or) \d+)*", " ", text, flags=re.I)  # section numbers
    text = re.sub(r"\bexercises? \d+(?:(?:,| and| to| or) \d+)*", " ", text, flags=re.I)  # exercise numbers
    text = re.sub(r"\b\d\d · ", " ", text)  # titles "03 · Training"
    text = text.replace("**", "")  # bold is checked like plain text ...
    text = re.sub(r"(?<![\w$])\*[^*\n]+\*", " ", text)  # ... but *italics* hold movie titles
    text = re.sub(r"\b(?:19|20)\d\d\b", " ", text)  # years
    text = re.sub(r"\bml-\w+|\b\d+-D\b|TiiS \d\(\d\)|SHA-256", " ", text)  # names: ml-25m, 2-D, SHA-256
    pieces = []
    for display in re.findall(r"\$\$(.*?)\$\$", text, flags=re.S):
        pieces.append(_math_values(display))
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    for inline in re.findall(r"\$(.*?)\$", text):
        pieces.append(_math_values(inline))
    text = re.sub(r"\$.*?\$", " ", text)
    pieces.append(text)
    found = []
    for piece in pieces:
        found += [m.group(1) for m in NUMBER.finditer(piece)]
        found += [str(WORDS[m.group(1).lower()]) for m in WORD.finditer(piece)]
    return found


def _value(number: str) -> tuple[float, int]:
    """The value of a number as written and its number of decimals."""
    plain = number.replace(",", "")
    decimals = len(plain.split(".")[1].split("e")[0]) if "." in plain else 0
    return float(plain), decimals


def printed(number: str, outputs: str) -> bool:
    """True if `number` appears among the numbers in `outputs`, to the precision it is written in."""
    value, decimals = _value(number)
    for match in NUMBER.finditer(outputs):
        shown, shown_decimals = _value(match.group(1))
        if "e" in number or "e" in match.group(1):
            if abs(shown - value) <= 1e-9 * max(abs(value), 1e-300) or number == match.group(1):
                return True
        elif decimals == 0:
            if shown == value:
                return True
        elif shown_decimals >= decimals and round(shown, decimals) == round(value, decimals):
            return True
    return False


def all_outputs(nb: dict) -> str:
    return "\n".join(output_text(c) for c in nb["cells"] if c["cell_type"] == "code")


def unsupported_claims(nb: dict, allowed: dict[str, str], quoted: dict[str, str] | None = None) -> list[str]:
    """Every number in the prose that no earlier output shows and ALLOWED does not list.

    ``quoted`` maps numbers the prose takes from another notebook to that notebook; they must
    be printed there.
    """
    quoted = quoted or {}
    for number, source in quoted.items():
        if not printed(number, all_outputs(load(source))):
            return [f"{number!r} is quoted from notebook {source}, which no longer prints it"]
    allowed = {**allowed, **quoted}
    cells = nb["cells"]
    every_output = all_outputs(nb)
    problems = []
    outputs_so_far = ""
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            outputs_so_far += "\n" + output_text(cell)
            continue
        if "navigation" in cell["metadata"].get("tags", []):
            continue
        pool = every_output if index == 0 else outputs_so_far  # the opening may preview results
        for number in prose_numbers(text_of(cell)):
            if number not in allowed and not printed(number, pool):
                problems.append(f"cell {index}: {number!r} is not printed above")
    return problems


def load(code: str) -> dict:
    return json.loads(NOTEBOOKS[code].read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", OURS)
def test_every_number_in_the_prose_is_printed_above_it(code):
    problems = unsupported_claims(load(code), ALLOWED[code], QUOTED_FROM.get(code))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("code", OURS)
def test_allow_list_has_no_stale_entries(code):
    """Every allowed number still occurs in the prose (so the list does not grow stale)."""
    nb = load(code)
    stated = {n for c in nb["cells"] if c["cell_type"] == "markdown" for n in prose_numbers(text_of(c))}
    listed = set(ALLOWED[code]) | set(QUOTED_FROM.get(code, {}))
    assert not listed - stated, listed - stated


def test_the_checker_catches_a_number_that_left_the_outputs():
    """Change one printed result that the prose quotes: the check must fail, and name it."""
    nb = load("03")
    quoted = "10.22"  # 03 says alpha = 0.2 "ends at 10.22"
    assert not unsupported_claims(nb, ALLOWED["03"], QUOTED_FROM["03"])
    changed = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream" and quoted in text_of({"source": out["text"]}):
                out["text"] = text_of({"source": out["text"]}).replace(quoted, "10.31")
                changed = True
    assert changed, f"{quoted} is no longer printed by notebook 03: pick another quoted result"
    problems = unsupported_claims(nb, ALLOWED["03"], QUOTED_FROM["03"])
    assert any(repr(quoted) in p for p in problems), problems


def test_the_checker_catches_a_changed_number_in_the_prose():
    """And the other way round: a number in the text that no output shows."""
    nb = load("01")
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and "0.98" in text_of(cell):
            cell["source"] = text_of(cell).replace("0.98", "0.96")
            break
    else:
        pytest.fail("01 no longer quotes 0.98: pick another quoted result")
    assert any("'0.96'" in p for p in unsupported_claims(nb, ALLOWED["01"]))


@pytest.mark.parametrize(
    ("number", "output", "expected"),
    [
        ("0.5", "J = 0.50", True),  # the prose may round
        ("4.5", "4.46", True),
        ("4.5", "4.44", False),
        ("8", "of which 8 are 0 stars", True),
        ("8", "0.8", False),  # integers match exactly, not as a digit of another number
        ("7", "17 ratings", False),
        ("100,836", "100,836 ratings", True),
        ("1e-6", "below 1e-6: True", True),
        ("2.034e+04", "J = 2.034e+04,", True),
        ("2.034e+04", "J = 2.035e+04,", False),
        ("0.862", "0.8624", True),
        ("0.862", "0.86", False),  # the output must show at least the prose's digits
    ],
)
def test_number_matching(number, output, expected):
    assert printed(number, output) is expected


def test_prose_numbers_skip_what_is_not_a_result():
    text = (
        "## 5. Heading\n1. first item with 7 apples\nSee notebook 03 and `X[0, 0] = 3`.\n"
        "> quoted 99\n$x^{(0)}_1 = 0.25$ and $$\\sum_{i=0}^{n_m-1} 10^{-6}$$ in 1995, eight times."
    )
    assert sorted(prose_numbers(text)) == ["0.25", "1e-6", "7", "8"]
