"""The learner's rendering of a chapter (tools.learner_notebook): MyST into plain Jupyter.

Unit tests of the renderer, then the rendering held against the built site: every figure,
equation and exercise number the learner's notebook writes is the number Sphinx printed on
the page, and every glossary link lands on a term of the built glossary.
"""

from __future__ import annotations

import html.parser
import re

import pytest

from tools.book import chapter_sources, docname
from tools.learner_notebook import (
    MEASURED_HERE,
    Renderer,
    book_index,
    format_glued,
    glossary_terms,
    site_url,
    split_checks,
)


def renderer(glued=None) -> Renderer:
    return Renderer(
        "chapters/06_latent_interpolation", book_index(), glued or {}
    )


def test_glued_numbers_are_formatted_as_the_book_formats_them():
    r = renderer({"x": "150.8123", "n": "3", "s": "'2, 5'", "p": "0.912"})
    text = r.markdown(
        "a {glue:text}`x:.1f`, {glue:text}`n`, {glue:text}`s`, {glue:text}`p:.0%`"
    )
    assert text == "a 150.8, 3, 2, 5, 91%"
    assert format_glued("2", ".0f") == "2"


def test_a_timing_of_this_run_is_not_quoted():
    # not looked up either: its name need not be among the glued values
    text = renderer().markdown(
        "took {glue:text}`ch4_time_ratio_this_run:.1f` times"
    )
    assert text == f"took {MEASURED_HERE} times"


def test_a_missing_glued_value_says_to_build_the_book():
    with pytest.raises(KeyError, match="make book"):
        renderer().markdown("{glue:text}`nowhere:.1f`")


def test_references_become_numbers_and_links():
    r = renderer()
    assert r.markdown("{numref}`fig-06-two-paths`") == "Fig. 6.1"
    assert r.markdown("{ref}`exercise-6-1`") == "Exercise 6.1"
    # another chapter's figure: its number, linked to that chapter's notebook
    assert (
        r.markdown("{numref}`fig-03-latent`")
        == "[Fig. 3.3](03_dense_vae.ipynb)"
    )
    assert r.markdown("{eq}`eq-elbo`") == "(2.3)"
    assert r.markdown("{ref}`the next section <ch07-pca>`").startswith(
        "[the next section](07_anomaly_detection.ipynb)"
    )
    with pytest.raises(KeyError, match="unknown label"):
        r.markdown("{numref}`fig-nowhere`")


def test_links_between_chapters_and_the_appendix_cross_folders():
    # the appendix is not numbered: its figures are Fig. 1, 2, ...
    assert (
        renderer().markdown("{numref}`fig-papers-binarised`")
        == "[Fig. 1](../appendix/papers.ipynb)"
    )
    appendix = Renderer("appendix/papers", book_index(), {})
    assert (
        appendix.markdown("{numref}`fig-03-latent`")
        == "[Fig. 3.3](../chapters/03_dense_vae.ipynb)"
    )


def test_terms_link_to_the_published_glossary():
    text = renderer().markdown(
        "the {term}`prior <Prior>` and the {term}`decoder`"
    )
    assert text == (
        f"the [prior]({site_url()}appendix/glossary.html#term-Prior) and the "
        f"[decoder]({site_url()}appendix/glossary.html#term-Decoder)"
    )
    with pytest.raises(KeyError, match="glossary"):
        renderer().markdown("{term}`flux capacitor`")


def test_citations_are_author_and_year():
    r = renderer()
    assert (
        r.markdown("{cite:p}`kingma2014autoencoding`")
        == "(Kingma and Welling, 2014)"
    )
    assert (
        r.markdown("{cite:t}`burda2016importance`") == "Burda et al. (2016)"
    )
    two = r.markdown("{cite:p}`kingma2014autoencoding,rezende2014stochastic`")
    assert two == "(Kingma and Welling, 2014; Rezende et al., 2014)"


def test_labelled_equations_get_their_number_and_macros_are_expanded():
    r = Renderer("chapters/02_vae_theory", book_index(), {})
    text = r.markdown("$$\n\\KL(q \\| p) = 0\n$$ (eq-elbo)")
    assert text == "$$\n\\mathrm{KL}(q \\| p) = 0\n\\tag{2.3}\n$$"


def test_exercise_and_solution_directives_become_a_heading_and_a_pointer():
    text = renderer().markdown(
        "```{exercise-start} The straight line\n:label: exercise-6-1\n```\n\n"
        "Write it.\n\n```{exercise-end}\n```\n\n"
        "```{solution-start} exercise-6-1\n:class: dropdown\n```\n\n"
        "```{literalinclude} ../solutions/06_latent_interpolation_1_linear_path.py\n"
        ":language: python\n```\n\n```{solution-end}\n```"
    )
    assert text.startswith("### Exercise 6.1: The straight line\n\nWrite it.")
    assert (
        "%load ../solutions/06_latent_interpolation_1_linear_path.py" in text
    )
    assert "{" not in text


def test_a_dropdown_admonition_becomes_details():
    text = renderer().markdown(
        "````{admonition} Answer\n:class: dropdown\n\nSee {numref}`fig-06-two-paths`.\n````"
    )
    assert text.splitlines()[0] == "<details><summary>Answer</summary>"
    assert "See Fig. 6.1." in text and text.endswith("</details>")


def test_an_unknown_directive_or_role_is_an_error():
    with pytest.raises(ValueError, match="directive"):
        renderer().markdown("```{warning}\nmind\n```")
    with pytest.raises(ValueError, match="role"):
        renderer().markdown("{download}`x.py`")


def test_checks_that_end_a_cell_are_split_off():
    lesson, checks = split_checks(
        "x = 1\nprint(x)\n# the cell's own checks\nassert x == 1\n"
        "vaecourse.glue('x', x)\nif not quick:\n    assert x > 0"
    )
    assert lesson == "x = 1\nprint(x)"
    assert checks.startswith("# the cell's own checks\nassert x == 1")
    # a check in the middle stays where it is; a cell of checks only is not split
    assert split_checks("assert a\nprint(a)") == ("assert a\nprint(a)", "")
    assert split_checks("assert a") == ("assert a", "")
    # IPython syntax is left alone
    assert split_checks("!ls\nassert a") == ("!ls\nassert a", "")


# ---- against the built site -------------------------------------------------------------


class _Numbers(html.parser.HTMLParser):
    """Each figure's, exercise's and equation's id and the number Sphinx printed for it."""

    def __init__(self):
        super().__init__()
        self.numbers: dict[str, str] = {}
        self._open: list[
            tuple[str, str]
        ] = []  # (id, kind) waiting for their number
        self._capture: tuple[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        ident = attrs.get("id")
        if tag == "figure" and ident:
            self._open.append((ident, "figure"))
        if "exercise" in classes and ident:
            self._open.append((ident, "exercise"))
        if tag == "div" and "math" in classes and ident:
            self._open.append((ident, "equation"))
        if (
            tag == "span"
            and classes
            and classes[0] in ("caption-number", "eqno")
        ):
            if self._open:
                self._capture, self._text = self._open.pop(), ""
        if tag == "p" and "admonition-title" in classes and self._open:
            if self._open[-1][1] == "exercise":
                self._capture, self._text = self._open.pop(), ""

    def handle_data(self, data):
        if self._capture is not None:
            self._text += data

    def handle_endtag(self, tag):
        if self._capture is not None and tag in ("span", "p"):
            self.numbers[self._capture[0]] = self._text.strip().rstrip("#")
            self._capture = None


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_numbers_in_the_notebook_are_the_numbers_on_the_page(
    source, built_site
):
    page_name = docname(source)
    page = built_site / f"{page_name}.html"
    parser = _Numbers()
    parser.feed(page.read_text())
    targets = {
        label: t
        for label, t in book_index().targets.items()
        if t.docname == page_name
    }
    checked = 0
    for label, target in targets.items():
        if target.kind == "section":
            continue
        ident = label if target.kind != "equation" else f"equation-{label}"
        assert ident in parser.numbers, (
            f"{page_name}: no {ident} on the built page"
        )
        shown = parser.numbers[ident]
        if target.kind == "exercise":
            shown = re.match(r"Exercise [\d.]+", shown)[0]
        elif target.kind == "figure":
            shown = shown.rstrip(" .")
        assert shown == target.text, f"{label}: the page says {shown!r}"
        checked += 1
    assert checked or not targets


def test_glossary_links_land_on_terms_of_the_built_glossary(built_site):
    page = (built_site / "appendix" / "glossary.html").read_text()
    ids = set(re.findall(r'id="(term-[^"]+)"', page))
    missing = {t: a for t, a in glossary_terms().items() if a not in ids}
    assert not missing, f"glossary anchors not on the built page: {missing}"


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_the_page_offers_the_learners_notebook(source, built_site):
    """The download button's .ipynb is the notebook Binder and Colab open."""
    page = (built_site / f"{docname(source)}.html").read_text()
    link = f"../_sources/{docname(source)}.ipynb"
    assert f'href="{link}"' in page, f"{source.stem}: no download of {link}"
    offered = built_site / "_sources" / f"{docname(source)}.ipynb"
    assert offered.read_bytes() == source.with_suffix(".ipynb").read_bytes()
