"""The chapters' mathematics follows the notation page (appendix/notation.md) where a
pattern can tell: one symbol per idea."""

from __future__ import annotations

import re

import pytest

from tools.book import markdown_text, toc_entries

PAGES = [e for e in toc_entries() if e != "appendix/notation"]
# $...$ and $$...$$ spans of a page's prose.
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)

# (pattern, what the notation page says instead)
SLIPS = [
    (
        r"\\mathcal\{L\}_(?:\\beta|\{\\text|\\text)",
        "ℒ is the ELBO; a training loss that is not −ℒ is J (J_β, J_free bits)",
    ),
    (
        r"\\mathcal\{L\}_\{?k\b",
        "the importance-weighted bound is ℒ_K, with K samples",
    ),
    (
        r"I_q\b|I\(n\s*;",
        "the mutual information of image and code is I(x; z)",
    ),
]


def math_of(entry: str) -> str:
    return "\n".join(a or b for a, b in MATH.findall(markdown_text(entry)))


@pytest.mark.parametrize("entry", PAGES)
def test_the_mathematics_uses_the_notation_page_symbols(entry):
    maths = math_of(entry)
    found = [
        f"{m.group(0)!r}: {says}"
        for pattern, says in SLIPS
        for m in re.finditer(pattern, maths)
    ]
    assert not found, f"{entry}: " + "; ".join(found)


def test_lambda_is_the_free_bits_threshold_only():
    # Chapter 8 and the glossary's "Free bits" entry.
    free_bits = {"chapters/08_what_goes_wrong", "appendix/glossary"}
    pages = {e for e in PAGES if r"\lambda" in math_of(e)}
    assert pages <= free_bits, (
        f"λ in the mathematics of {sorted(pages - free_bits)}: it is the "
        "free-bits threshold (chapter 8); weight decay is ω"
    )


def test_the_checks_find_what_they_look_for():
    slips = {
        r"$\mathcal{L}_\beta(x)$": 0,
        r"$$\mathcal{L}_{\text{free bits}} = 1$$": 0,
        r"$\mathcal{L}_k$": 1,
        r"$I_q(n; z)$": 2,
    }
    for text, index in slips.items():
        maths = "\n".join(a or b for a, b in MATH.findall(text))
        assert re.search(SLIPS[index][0], maths), text
    for fine in (r"$\mathcal{L}_K$", r"$\mathcal{L}_1$", r"$I(x; z)$"):
        maths = "\n".join(a or b for a, b in MATH.findall(fine))
        assert not any(re.search(p, maths) for p, _ in SLIPS), fine
