"""The built site as readers meet it, in headless Chromium (Debian's; nothing is downloaded).

Every page of the table of contents (``_toc.yml``, so new chapters are covered as they land)
is opened from a server on 127.0.0.1 and checked for: no console errors and nothing fetched
from outside the site; every image loaded, with alt text that says what it shows; math
typeset by MathJax (served by the site itself); headings in order; no horizontal scrolling on
a 390 px phone screen. Notebook pages are also checked for their Binder and Colab launch
buttons and for solution dropdowns that open to show the solution file's code. The search
page must find every chapter by a word of its own; and no page may link to a missing file.

``VAECOURSE_SITE`` (see ``tests/conftest.py``) points these tests at a site built elsewhere;
pages of ``_toc.yml`` that such a site lacks are then skipped instead of failing.
"""

from __future__ import annotations

import html.parser
import os
import re
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
import yaml

from tools.book import toc_entries
from vaecourse.paths import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def source_of(entry: str) -> Path:
    for ext in (".ipynb", ".md", ".py"):
        if (ROOT / f"{entry}{ext}").exists():
            return ROOT / f"{entry}{ext}"
    raise FileNotFoundError(
        f"_toc.yml names {entry}, which has no source file"
    )


def markdown_text(entry: str) -> str:
    """The prose of a page's source (markdown cells of a notebook, or the .md file)."""
    path = source_of(entry)
    if path.suffix != ".ipynb":
        return path.read_text()
    import json

    cells = json.loads(path.read_text())["cells"]
    return "\n\n".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )


PAGES = toc_entries()
NOTEBOOK_PAGES = [e for e in PAGES if source_of(e).suffix == ".ipynb"]
SOLUTION_RE = re.compile(r"\{literalinclude\}\s+\.\./solutions/([\w.-]+\.py)")
SOLUTION_PAGES = [e for e in PAGES if SOLUTION_RE.search(markdown_text(e))]
DISPLAY_MATH_RE = re.compile(
    r"\$\$|\{math\}|\\begin\{(equation|align|gather)"
)
# LaTeX left as text after MathJax ran (code and pre blocks are ignored).
RAW_TEX_RE = re.compile(
    r"\$\$|\\(frac|begin|end|mathbb|mathrm|mathcal|sum|int|log|exp|left|right|KL|mid|sigma|mu)\b"
)
EXTERNAL_OK = ()  # hosts a page may load from; there are none: the site works offline


def page_id(entry: str) -> str:
    return entry.rsplit("/", 1)[-1]


def page_path(site: Path, entry: str) -> Path:
    path = site / f"{entry}.html"
    if not path.exists():
        if os.environ.get("VAECOURSE_SITE"):
            pytest.skip(f"{entry}.html is not in the VAECOURSE_SITE build")
        raise AssertionError(
            f"_toc.yml lists {entry} but the built site has no {entry}.html"
        )
    return path


def open_page(driver, site_url: str, site: Path, entry: str) -> None:
    """Load a page and wait until it is settled: document loaded, MathJax done, images in."""
    page_path(site, entry)
    driver.get_log("browser")  # drop the previous page's messages
    driver.get(f"{site_url}/{quote(entry)}.html")
    deadline = time.time() + 30
    while driver.execute_script("return document.readyState") != "complete":
        assert time.time() < deadline, f"{entry} did not finish loading"
        time.sleep(0.1)
    driver.set_script_timeout(30)
    driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const mj = window.MathJax;
        if (mj && mj.startup && mj.startup.promise) {
            mj.startup.promise.then(() => done(true), () => done(false));
        } else { done(null); }
        """
    )
    # Lazy images load when scrolled to: bring each one into view, as a reader would.
    driver.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; img.scrollIntoView(); }"
        "window.scrollTo(0, 0);"
    )
    while not driver.execute_script(
        "return [...document.images].every(i => i.complete)"
    ):
        assert time.time() < deadline, (
            f"{entry}: images still loading after 30 s"
        )
        time.sleep(0.1)


# --------------------------------------------------------------------------------------
# every page, desktop width
# --------------------------------------------------------------------------------------


def test_every_toc_page_was_built(built_site):
    missing = [e for e in PAGES if not (built_site / f"{e}.html").exists()]
    if os.environ.get("VAECOURSE_SITE"):
        pytest.skip(f"VAECOURSE_SITE build; not built: {missing}")
    assert not missing, (
        f"pages of _toc.yml missing from the built site: {missing}"
    )


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_page_loads_without_console_errors(
    entry, built_site, site_url, browser
):
    open_page(browser, site_url, built_site, entry)
    errors = [m for m in browser.get_log("browser") if m["level"] == "SEVERE"]
    assert not errors, f"{entry}: console errors:\n" + "\n".join(
        m["message"] for m in errors
    )
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    outside = [
        r
        for r in resources
        if not r.startswith(site_url)
        and urlsplit(r).hostname not in EXTERNAL_OK
        and not r.startswith("data:")
    ]
    assert not outside, (
        f"{entry} loads from outside the site (fails offline): {outside}"
    )


ALT_FILENAME_RE = re.compile(r"\.(png|jpe?g|svg|gif|webp)$|^[\w-]+$", re.I)
ALT_GENERIC = {
    "png",
    "image",
    "img",
    "figure",
    "plot",
    "output",
    "chart",
    "graph",
    "picture",
}


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_images_load_and_say_what_they_show(
    entry, built_site, site_url, browser
):
    open_page(browser, site_url, built_site, entry)
    images = browser.execute_script(
        "const content = document.querySelector('article.bd-article') || document.body;"
        "return [...document.images].map(i => ({src: i.currentSrc || i.src, alt: i.alt || '',"
        " width: i.naturalWidth, content: content.contains(i)}))"
    )
    broken = [i["src"] for i in images if i["width"] == 0]
    assert not broken, f"{entry}: images that did not load: {broken}"
    for image in images:
        alt = " ".join(image["alt"].split())
        where = f"{entry}: image {image['src'].rsplit('/', 1)[-1]}"
        assert alt, f"{where} has no alt text"
        assert alt.lower() not in ALT_GENERIC and not ALT_FILENAME_RE.search(
            alt
        ), f"{where} has alt text {alt!r}: say what the figure shows"
        if image[
            "content"
        ]:  # figures of the lesson, not the theme's button icons
            assert len(alt.split()) >= 3, (
                f"{where}: alt text {alt!r} is too short to say what the figure shows"
            )


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_math_is_typeset_by_mathjax(entry, built_site, site_url, browser):
    open_page(browser, site_url, built_site, entry)
    state = browser.execute_script(
        """
        const article = document.querySelector('article') || document.body;
        const maths = [...article.querySelectorAll('.math')];
        const copy = article.cloneNode(true);
        copy.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
        return {
            mathjax: !!(window.MathJax && window.MathJax.version),
            version: window.MathJax && window.MathJax.version,
            maths: maths.length,
            display: article.querySelectorAll('mjx-container[display="true"]').length,
            unrendered: maths.filter(m => !m.querySelector('mjx-container'))
                             .map(m => m.textContent.trim().slice(0, 80)),
            errors: [...article.querySelectorAll('mjx-merror')]
                        .map(e => e.getAttribute('data-mjx-error') || e.textContent),
            text: copy.textContent,
        };
        """
    )
    raw = sorted({m.group(0) for m in RAW_TEX_RE.finditer(state["text"])})
    assert not raw, f"{entry}: LaTeX left untypeset in the text: {raw}"
    if state["maths"]:
        assert state["mathjax"], f"{entry} has math but MathJax did not load"
        assert state["version"].startswith("3"), state["version"]
    assert not state["unrendered"], (
        f"{entry}: math not typeset: {state['unrendered']}"
    )
    assert not state["errors"], f"{entry}: MathJax errors: {state['errors']}"
    if DISPLAY_MATH_RE.search(markdown_text(entry)):
        assert state["display"] > 0, (
            f"{entry}'s source has display math; none was typeset"
        )


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_headings_are_in_order(entry, built_site, site_url, browser):
    open_page(browser, site_url, built_site, entry)
    levels = browser.execute_script(
        "const a = document.querySelector('article') || document.body;"
        "return [...a.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
        ".map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"
    )
    assert levels, f"{entry} has no headings"
    assert levels[0][0] == 1, (
        f"{entry} does not start with a level-1 heading: {levels[0]}"
    )
    assert sum(1 for lvl, _ in levels if lvl == 1) == 1, (
        f"{entry} has several h1: {levels}"
    )
    for (prev, _), (lvl, text) in zip(levels, levels[1:]):
        assert lvl <= prev + 1, (
            f"{entry}: heading {text!r} jumps from h{prev} to h{lvl}"
        )


# --------------------------------------------------------------------------------------
# notebook pages: launch buttons and solution dropdowns
# --------------------------------------------------------------------------------------


def repository():
    repo = CONFIG["repository"]
    owner_name = urlsplit(repo["url"]).path.strip("/")
    book = repo.get("path_to_book", "").strip("/")
    return (
        owner_name,
        repo.get("branch", "main"),
        (book + "/" if book else ""),
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_launch_buttons_open_this_notebook(
    entry, built_site, site_url, browser
):
    open_page(browser, site_url, built_site, entry)
    links = browser.execute_script(
        "return [...document.querySelectorAll('.dropdown-launch-buttons a')].map(a => a.href)"
    )
    owner_name, branch, book = repository()
    notebook = f"{book}{entry}.ipynb"
    assert (ROOT / notebook).exists()
    launch = CONFIG["launch_buttons"]
    binder = (
        f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_name}/{branch}"
        f"?urlpath=tree/{notebook}"
    )
    colab = f"{launch['colab_url'].rstrip('/')}/github/{owner_name}/blob/{branch}/{notebook}"
    assert binder in links, (
        f"{entry}: no Binder button for {binder}; launch links: {links}"
    )
    assert colab in links, (
        f"{entry}: no Colab button for {colab}; launch links: {links}"
    )


@pytest.mark.parametrize("entry", SOLUTION_PAGES, ids=page_id)
def test_solution_dropdowns_open_to_the_solution_code(
    entry, built_site, site_url, browser
):
    from selenium.webdriver.common.by import By

    expected = SOLUTION_RE.findall(markdown_text(entry))
    open_page(browser, site_url, built_site, entry)
    dropdowns = [
        d
        for d in browser.find_elements(
            By.CSS_SELECTOR, "article .admonition.dropdown"
        )
        if d.find_elements(By.CSS_SELECTOR, "pre")
    ]
    assert len(dropdowns) == len(expected), (
        f"{entry}: {len(expected)} solutions included, {len(dropdowns)} dropdowns with code"
    )
    for dropdown, name in zip(dropdowns, expected):
        code = dropdown.find_element(By.CSS_SELECTOR, "pre")
        assert not code.is_displayed(), (
            f"{entry}: the solution {name} is shown before a click"
        )
        button = dropdown.find_element(By.CSS_SELECTOR, ".admonition-title")
        browser.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", button
        )
        button.click()
        deadline = time.time() + 5
        while not code.is_displayed():
            assert time.time() < deadline, (
                f"{entry}: the {name} dropdown does not open on click"
            )
            time.sleep(0.1)
        shown = browser.execute_script(
            "return arguments[0].textContent", code
        )
        solution = (ROOT / "solutions" / name).read_text()
        assert shown.strip() == solution.strip(), (
            f"{entry}: the dropdown does not show {name}"
        )


# --------------------------------------------------------------------------------------
# phone width
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_no_horizontal_scrolling_on_a_phone(
    entry, built_site, site_url, phone_browser
):
    phone = phone_browser  # conftest's make_driver(width=390)
    open_page(phone, site_url, built_site, entry)
    state = phone.execute_script(
        """
        const wide = [...document.querySelectorAll('pre, table, .output, img, mjx-container')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className);
        const unscrolled = [...document.querySelectorAll('pre')]
            .filter(p => p.scrollWidth > p.clientWidth + 1)
            .filter(p => !['auto', 'scroll'].includes(getComputedStyle(p).overflowX))
            .map(p => p.textContent.slice(0, 40));
        return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
                wide: wide.slice(0, 5), unscrolled: unscrolled};
        """
    )
    assert state["inner"] <= 420, (
        f"the phone window is {state['inner']} px wide"
    )
    assert state["scroll"] <= state["inner"], (
        f"{entry} is {state['scroll']} px wide on a {state['inner']} px phone; "
        f"elements past the edge: {state['wide']}"
    )
    assert not state["unscrolled"], (
        f"{entry}: code blocks that overflow without scrolling"
    )


# --------------------------------------------------------------------------------------
# search
# --------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\b[A-Za-z]{7,}\b", text)}


def distinctive_word(entry: str) -> str:
    """A long word of this page's prose that no other page's prose has."""
    others = set().union(
        *(_words(markdown_text(e)) for e in PAGES if e != entry)
    )
    own = sorted(
        _words(markdown_text(entry)) - others, key=lambda w: (-len(w), w)
    )
    if not own:
        pytest.skip(f"{entry} shares all its words with other pages")
    return own[
        len(own) // 2
    ]  # a middling one: not a compound oddity, not a stop word


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_search_finds_the_chapter(entry, built_site, site_url, browser):
    page_path(built_site, entry)
    word = distinctive_word(entry)
    browser.get(f"{site_url}/search.html?q={quote(word)}")
    deadline = time.time() + 30
    found = []
    while time.time() < deadline:
        found = browser.execute_script(
            "return [...document.querySelectorAll('#search-results a')].map(a => a.href)"
        )
        done = browser.execute_script(
            "const s = document.querySelector('#search-results .search-summary');"
            "return !!s && !/Preparing|Searching/i.test(s.textContent)"
        )
        if done:
            break
        time.sleep(0.2)
    pages = {
        unquote(urlsplit(h).path).lstrip("/").removesuffix(".html")
        for h in found
    }
    assert entry in pages, (
        f"searching for {word!r} does not find {entry}; found {sorted(pages)}"
    )


# --------------------------------------------------------------------------------------
# links (static: every built HTML file, not only the TOC pages)
# --------------------------------------------------------------------------------------


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def test_no_page_links_to_a_missing_local_file(built_site):
    missing = []
    # _static holds the theme's Jinja macro files (*.html), which are not pages.
    pages = sorted(
        p
        for p in built_site.rglob("*.html")
        if "_static" not in p.relative_to(built_site).parts
    )
    assert pages
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(errors="replace"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external, data:, mailto:, or a #fragment of this page
            base = built_site if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                missing.append(f"{page.relative_to(built_site)} -> {url}")
    assert not missing, "links to missing files:\n" + "\n".join(
        sorted(set(missing))
    )
