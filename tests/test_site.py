"""The built site as readers meet it, in headless Chromium (Debian's; nothing is downloaded).

Every page of the table of contents (``_toc.yml``, so new chapters are covered as they land)
is opened from a server on 127.0.0.1 and checked for: no console errors and nothing fetched
from outside the site; every image loaded, with alt text that says what it shows; math
typeset by MathJax (served by the site itself); headings in order; no horizontal scrolling on
a 390 px phone screen. Notebook pages are also checked for their Binder and Colab launch
buttons and for solution dropdowns that open to show the solution file's code. The search
page must find every chapter by a word of its own, with result snippets of prose (no raw
LaTeX, no cell output); and no page may link to a missing file or anchor.

Readability gates: every page weighs at most 2.5 MB (1.5 MB gzip-compressed; MB of 10^6
bytes) as a browser downloads it, everything it loads included (``tools.benchmark.load_weight``),
a live explorer's decoder too once its start button is pressed, and the theme's
icons are still drawn from the cut-down Font Awesome; at 1280 px no code cell scrolls
sideways and every output figure is shown at 75 % of its width or more, has a numbered
caption ("Fig. 6.2 ...") and opens at full size on a click or Enter (also over file://);
every output PNG carries the course's figure check (``vaecourse.plotting.figure_png``:
at most 900 px wide, no text under 12 px); chapter titles are numbered by Sphinx and
exercises are sphinx-exercise boxes "Exercise N.k" with the anchor ``#exercise-N-k``.

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

from tools.book import (
    markdown_text,
    numbered_entries,
    source_of,
    toc_entries,
)
from vaecourse.paths import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


PAGES = toc_entries()
NOTEBOOK_PAGES = [e for e in PAGES if source_of(e).suffix == ".py"]
SOLUTION_RE = re.compile(r"\{literalinclude\}\s+\.\./solutions/([\w.-]+\.py)")
SOLUTION_PAGES = [e for e in PAGES if SOLUTION_RE.search(markdown_text(e))]
DISPLAY_MATH_RE = re.compile(
    r"\$\$|\{math\}|\\begin\{(equation|align|gather)"
)
# LaTeX left as text after MathJax ran (code and pre blocks are ignored).
RAW_TEX_RE = re.compile(
    r"\$\$|\\(frac|begin|end|mathbb|mathrm|mathcal|sum|int|log|exp|left|right|KL|mid|sigma|mu)\b"
)
CHAPTER_RE = re.compile(r"chapters/(\d+)_")
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
        f"?urlpath=lab/tree/{notebook}"
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


PHONE_JS = """
const article = document.querySelector('article.bd-article');
const column = article.getBoundingClientRect();
const padded = getComputedStyle(article);
const right = column.right - parseFloat(padded.paddingRight);
return {
    // Display maths: what MathJax drew against the box it has (scrolled = cut off).
    equations: [...article.querySelectorAll('mjx-container[display="true"]')].map(m => {
        const box = m.closest('div.math') || m.parentElement;
        return {id: box.id || (box.closest('[id]') || {}).id || '',
                scroll: m.scrollWidth, shown: m.clientWidth,
                right: Math.round(m.getBoundingClientRect().right), column: Math.round(right),
                text: (m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 50)};
    }),
    tables: TABLES(),
    figures: [...document.querySelectorAll('div.cell_output img')]
        .filter(img => !img.closest('.animation')
                       && !(img.getAttribute('src') || '').startsWith('data:'))
        .map(img => ({src: img.getAttribute('src'), alt: img.alt || '',
                      natural: img.naturalWidth,
                      shown: img.getBoundingClientRect().width})),
    width: window.innerWidth,
};
"""
_PAGE_STATES: dict = {}


def page_state(driver, script, site_url, built_site, entry) -> dict:
    """What ``script`` reads from a page in ``driver``'s window, read once per session."""
    key = (id(driver), script, site_url, entry)
    if key not in _PAGE_STATES:
        open_page(driver, site_url, built_site, entry)
        _PAGE_STATES[key] = driver.execute_script(script)
    return _PAGE_STATES[key]


def phone_state(phone, site_url, built_site, entry) -> dict:
    """Equations, tables and figures of a page at 390 px."""
    state = page_state(
        phone, TABLES_JS + PHONE_JS, site_url, built_site, entry
    )
    assert state["width"] <= 420, f"the phone window is {state['width']} px"
    return state


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_display_equations_fit_the_column_on_a_phone(
    entry, built_site, site_url, phone_browser
):
    """At 390 px every display equation is whole on the screen, none cut off to be
    scrolled (an equation number moves below a formula that needs the whole width)."""
    state = phone_state(phone_browser, site_url, built_site, entry)
    cut = [
        e
        for e in state["equations"]
        if e["scroll"] > e["shown"] + 1 or e["right"] > e["column"] + 1
    ]
    assert not cut, (
        f"{entry}: display equations wider than the column at 390 px (break them "
        "with \\begin{aligned} ... \\\\ ... \\end{aligned}):\n"
        + "\n".join(
            f"  {e['id'] or '?'}: {e['scroll']} px in {e['shown']} px: {e['text']!r}"
            for e in cut
        )
    )


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_wide_tables_scroll_in_their_own_box_on_a_phone(
    entry, built_site, site_url, phone_browser
):
    """At 390 px a table wider than the column scrolls inside a box within the column."""
    state = phone_state(phone_browser, site_url, built_site, entry)
    loose = [t for t in state["tables"] if not t["fits"] and not t["scrolls"]]
    assert not loose, (
        f"{entry}: tables past the column at 390 px with no box of their own to "
        "scroll in:\n"
        + "\n".join(f"  {t['width']} px: {t['head']!r}" for t in loose)
    )


def figure_checks(built_site: Path, entry: str) -> dict[str, dict]:
    """The course figure check of each output PNG of a page, by ``src``."""
    import json

    from PIL import Image

    from vaecourse.plotting import PNG_KEY

    page = page_path(built_site, entry)
    parser = _OutputImages()
    parser.feed(page.read_text(errors="replace"))
    checks = {}
    for src, _ in parser.images:
        path = (page.parent / unquote(src.split("?")[0])).resolve()
        if path.suffix.lower() == ".png":
            with Image.open(path) as image:
                stamp = image.text.get(PNG_KEY)
            if stamp is not None:
                checks[src] = json.loads(stamp)
    return checks


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_figure_text_is_at_least_9px_on_a_phone(
    entry, built_site, site_url, phone_browser
):
    """At 390 px a figure is shown no smaller than the width at which its smallest text
    (recorded in its PNG by ``vaecourse.plotting.figure_png``) is 9 px; a wider figure
    scrolls sideways in its link (_ext/figure_zoom.py)."""
    from vaecourse.plotting import PHONE_MIN_FONT_PX

    checks = figure_checks(built_site, entry)
    figures = phone_state(phone_browser, site_url, built_site, entry)[
        "figures"
    ]
    small, measured = [], 0
    for figure in figures:
        check = checks.get(figure["src"])
        if (
            check is None
            or not check.get("min_font_px")
            or not figure["natural"]
        ):
            continue  # not a course figure (NOT_MATPLOTLIB), or no text
        measured += 1
        text_px = figure["shown"] / figure["natural"] * check["min_font_px"]
        if text_px < PHONE_MIN_FONT_PX - 0.05:
            small.append(
                f"{figure['alt'][:50]!r}: {figure['shown']:.0f} of "
                f"{figure['natural']} px, text {text_px:.1f} px"
            )
    if checks:
        assert measured, f"{entry}: no output figure of the page was measured"
    assert not small, (
        f"{entry}: figures whose text is under {PHONE_MIN_FONT_PX} px at 390 px:\n  "
        + "\n  ".join(small)
    )


DRAWER_JS = """
// The drawer (<dialog>) a sidebar button opens, and the links it shows a reader.
const dialog = document.getElementById(arguments[0]);
const inView = a => { const r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (hit === a || a.contains(hit)); };
const links = dialog ? [...dialog.querySelectorAll('a[href]')] : [];
return {open: !!dialog && dialog.open,
        width: dialog ? dialog.getBoundingClientRect().width : 0,
        links: links.filter(inView).map(a => ({text: a.textContent.trim(),
                                                href: a.getAttribute('href'), url: a.href}))};
"""


def visible_button(driver, selector: str):
    """The one button matching ``selector`` that a reader sees (the theme has hidden twins)."""
    from selenium.webdriver.common.by import By

    shown = [
        b
        for b in driver.find_elements(By.CSS_SELECTOR, selector)
        if b.is_displayed()
    ]
    assert len(shown) == 1, (
        f"{len(shown)} visible {selector} buttons at {driver.get_window_size()}"
    )
    return shown[0]


def wait_for(driver, script: str, *args, what: str, timeout: float = 5.0):
    deadline = time.time() + timeout
    while not driver.execute_script(script, *args):
        assert time.time() < deadline, what
        time.sleep(0.1)


PHONE_DRAWER_PAGE = next(e for e in PAGES if CHAPTER_RE.match(e))


def test_phone_chapter_list_opens_from_the_menu_button_and_closes(
    built_site, site_url, phone_browser
):
    """At 390 px the sidebars are drawers: ☰ opens the chapter list (pydata-sphinx-theme
    #2451 left it dead; _static/sidebar-toggles.js), a tap beside it closes it, and a
    chapter's link in it leads to that chapter."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    phone, entry = phone_browser, PHONE_DRAWER_PAGE
    open_page(phone, site_url, built_site, entry)
    button = visible_button(phone, ".primary-toggle")
    button.click()
    wait_for(
        phone,
        "const d = document.getElementById(arguments[0]); return d && d.open",
        "pst-primary-sidebar-modal",
        what=f"{entry}: tapping ☰ at 390 px does not open the chapter list",
    )
    time.sleep(0.5)  # the drawer slides in
    state = phone.execute_script(DRAWER_JS, "pst-primary-sidebar-modal")
    chapters = [
        link
        for link in state["links"]
        if CHAPTER_RE.search(urlsplit(link["url"]).path)
    ]
    assert len(chapters) >= len(CHAPTER_PAGES) // 2, (
        f"{entry}: the open chapter list shows {len(chapters)} chapter links that "
        f"a tap would reach: {state['links']}"
    )
    assert 200 <= state["width"] <= 390, state
    # A tap beside the drawer closes it, and the focus goes back to the button.
    right = phone.execute_script(
        "return document.getElementById('pst-primary-sidebar-modal')"
        ".getBoundingClientRect().right"
    )
    tap = ActionBuilder(phone)
    tap.pointer_action.move_to_location(
        int(min(right + 20, 380)), 400
    ).click()
    tap.perform()
    wait_for(
        phone,
        "return !document.getElementById('pst-primary-sidebar-modal').open",
        what=f"{entry}: a tap beside the chapter list does not close it",
    )
    assert phone.execute_script(
        "return document.activeElement === arguments[0]", button
    ), (
        f"{entry}: the focus does not return to ☰ when the chapter list closes"
    )
    # Open it again and follow a chapter's link.
    button.click()
    wait_for(
        phone,
        "return document.getElementById('pst-primary-sidebar-modal').open",
        what=f"{entry}: ☰ does not open the chapter list a second time",
    )
    time.sleep(0.5)
    here = urlsplit(phone.current_url).path
    target = next(
        link
        for link in phone.execute_script(
            DRAWER_JS, "pst-primary-sidebar-modal"
        )["links"]
        if CHAPTER_RE.search(urlsplit(link["url"]).path)
        and urlsplit(link["url"]).path != here
    )
    phone.find_element(
        "css selector",
        f"#pst-primary-sidebar-modal a[href='{target['href']}']",
    ).click()
    wait_for(
        phone,
        "return location.pathname === arguments[0]",
        urlsplit(target["url"]).path,
        what=f"{entry}: tapping {target['text']!r} in the chapter list goes nowhere",
    )


def test_phone_page_contents_open_from_their_button_and_close(
    built_site, site_url, phone_browser
):
    """At 390 px "On this page" opens the page's table of contents; Escape closes it."""
    from selenium.webdriver.common.keys import Keys

    phone, entry = phone_browser, PHONE_DRAWER_PAGE
    open_page(phone, site_url, built_site, entry)
    headings = phone.execute_script(
        "return [...document.querySelectorAll('article section > h2')]"
        ".map(h => h.parentElement.id)"
    )
    assert headings, f"{entry} has no sections"
    visible_button(phone, ".secondary-toggle").click()
    wait_for(
        phone,
        "const d = document.getElementById(arguments[0]); return d && d.open",
        "pst-secondary-sidebar-modal",
        what=f"{entry}: tapping 'On this page' at 390 px does not open the contents",
    )
    time.sleep(0.5)
    state = phone.execute_script(DRAWER_JS, "pst-secondary-sidebar-modal")
    shown = {link["href"].lstrip("#") for link in state["links"]}
    assert shown & set(headings), (
        f"{entry}: the open contents show no link to the page's sections {headings[:5]}: "
        f"{state['links'][:5]}"
    )
    phone.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(
        phone,
        "return !document.getElementById('pst-secondary-sidebar-modal').open",
        what=f"{entry}: Escape does not close the page's contents",
    )


# --------------------------------------------------------------------------------------
# search
# --------------------------------------------------------------------------------------


def _stems(text: str) -> dict[str, str]:
    """{stem: word} for the long words of ``text``, stemmed as Sphinx's search index stems
    them (Snowball's English stemmer): "followed" is found on every page that says
    "follow"."""
    import snowballstemmer

    stem = snowballstemmer.stemmer("english").stemWord
    return {
        stem(w): w
        for w in sorted(
            {w.lower() for w in re.findall(r"\b[A-Za-z]{7,}\b", text)}
        )
    }


def distinctive_word(entry: str) -> str:
    """A long word of this page's prose whose stem no other page's prose has."""
    others = set().union(
        *(_stems(markdown_text(e)) for e in PAGES if e != entry)
    )
    own = sorted(
        (
            w
            for s, w in _stems(markdown_text(entry)).items()
            if s not in others
        ),
        key=lambda w: (-len(w), w),
    )
    assert own, f"{entry} has no word whose stem is on no other page"
    # A middling one: not a compound oddity, not a stop word.
    return own[len(own) // 2]


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
    # Read the results again: they may have grown since the read above, before "done".
    found = browser.execute_script(
        "return [...document.querySelectorAll('#search-results a')].map(a => a.href)"
    )
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


# --------------------------------------------------------------------------------------
# page weight, as a browser downloads each page
# --------------------------------------------------------------------------------------

# tools/benchmark.py's TARGETS, in MB of 10^6 bytes (decimal: 2.5 MB = 2,500,000 bytes,
# 2.38 MiB), as browsers' network panels count them.
PAGE_MB = 2.5
PAGE_GZIP_MB = 1.5


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_page_weighs_at_most_2_5_mb_as_loaded(
    entry, built_site, site_url, browser
):
    """Everything the page loads, cold, with its live explorers started: a reader who
    presses "Start the live decoder" downloads the decoder too."""
    from tools.benchmark import load_weight

    page_path(built_site, entry)
    weight = load_weight(
        browser,
        f"{site_url}/{quote(entry)}.html",
        site_url,
        built_site,
        start_explorers=True,
    )
    heaviest = sorted(weight["files"].items(), key=lambda kv: -kv[1][0])[:6]
    listing = "\n".join(
        f"  {raw / 1e3:7.0f} kB ({gz / 1e3:5.0f} kB gzip)  {name}"
        for name, (raw, gz) in heaviest
    )
    raw_mb, gz_mb = weight["raw_bytes"] / 1e6, weight["gzip_bytes"] / 1e6
    started = (
        f" with {weight['explorers']} live explorer(s) started"
        if weight["explorers"]
        else ""
    )
    assert len(weight["files"]) > 5, (
        f"{entry}: only {sorted(weight['files'])} were measured"
    )
    assert raw_mb <= PAGE_MB, (
        f"{entry}{started} downloads {raw_mb:.3f} MB (> {PAGE_MB} MB, MB of "
        f"10^6 bytes) in {len(weight['files'])} files; the heaviest:\n{listing}"
    )
    assert gz_mb <= PAGE_GZIP_MB, (
        f"{entry}{started} downloads {gz_mb:.3f} MB gzip-compressed "
        f"(> {PAGE_GZIP_MB} MB); the heaviest:\n{listing}"
    )


def test_fontawesome_is_cut_to_the_icons_the_site_uses(built_site):
    """_ext/light_pages.py: the theme's 1.5 MB bundle of every icon is not shipped."""
    bundle = built_site / "_static" / "scripts" / "fontawesome.js"
    text = bundle.read_text()
    assert len(text) < 200_000, (
        f"fontawesome.js is {len(text) / 2**20:.2f} MB: the full icon set"
    )
    assert "Font Awesome Free" in text and "License" in text, (
        "the Font Awesome licence comment is gone from fontawesome.js"
    )


def test_fontawesome_subset_keeps_icons_by_name_and_alias():
    """The subsetting of _ext/light_pages.py, on the theme's own bundle."""
    import importlib.util

    import pydata_sphinx_theme

    spec = importlib.util.spec_from_file_location(
        "light_pages", ROOT / "_ext" / "light_pages.py"
    )
    light_pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(light_pages)
    theme = Path(pydata_sphinx_theme.__file__).parent / "theme"
    bundle = theme / "pydata_sphinx_theme/static/scripts/fontawesome.js"
    full = bundle.read_text()
    # fa-search is an alias of magnifying-glass; github is a brand; file is in two sets
    text, kept, total = light_pages.subset_fontawesome(
        full, {"search", "github", "file", "solid", "lg"}, "/*! licence */"
    )
    assert total > 1500 and kept == 4, (kept, total)
    assert len(text) < len(full) / 10
    assert text.startswith("/*! licence */")
    assert '"magnifying-glass":[512,512,[128269,"search"]' in text
    assert "github:[" in text and "trash-can" not in text
    names = [
        [name for name, _, _ in icons]
        for _, _, icons in light_pages.icon_packs(text)
    ]
    assert sorted(map(sorted, names)) == [
        ["file"],
        ["file", "magnifying-glass"],
        ["github"],
    ], names
    # the rest of the bundle is untouched
    assert text.split("var p={", 1)[0].endswith(
        full.split("var p={", 1)[0][-2000:]
    )


# The icons of the theme: each Font Awesome <i> is replaced by an <svg> that draws it.
ICONS_JS = """
const svgs = [...document.querySelectorAll('svg.svg-inline--fa')];
const drawn = s => [...s.querySelectorAll('path')].some(p => (p.getAttribute('d') || '').length > 10);
const visible = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
const header = [...document.querySelectorAll(
        '.bd-header-article .article-header-buttons > *, .bd-header-article .primary-toggle,'
        + ' .bd-header-article .secondary-toggle')]
    .filter(visible);
return {
    pending: [...document.querySelectorAll(
        'i.fa, i.fas, i.far, i.fab, i.fa-solid, i.fa-regular, i.fa-brands')]
        .map(i => i.className),
    missing: svgs.filter(s => s.querySelector('.missing') || !drawn(s))
        .map(s => (s.getAttribute('data-prefix') || '') + ' ' + (s.getAttribute('data-icon') || s.className.baseVal)),
    header: header.map(b => {
        const icon = [...b.querySelectorAll('svg, img')].find(visible);
        const r = icon ? icon.getBoundingClientRect() : {width: 0, height: 0};
        return {label: (b.getAttribute('aria-label') || b.title || b.textContent).trim().slice(0, 40),
                icon: icon ? icon.tagName.toLowerCase() : null,
                width: r.width, height: r.height,
                drawn: icon && icon.tagName.toLowerCase() === 'svg' ? drawn(icon) : !!icon};
    }),
};
"""


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_theme_icons_are_drawn(entry, built_site, site_url, browser):
    open_page(browser, site_url, built_site, entry)
    deadline = time.time() + 10
    while True:
        state = browser.execute_script(ICONS_JS)
        if not state["pending"] or time.time() > deadline:
            break
        time.sleep(0.2)
    assert not state["pending"], (
        f"{entry}: icons never drawn (Font Awesome left them as <i>): {state['pending']}"
    )
    assert not state["missing"], (
        f"{entry}: icons missing from the site's fontawesome.js: {state['missing']}"
    )
    assert len(state["header"]) >= 3, (
        f"{entry}: the article header shows {len(state['header'])} buttons"
    )
    blank = [
        b
        for b in state["header"]
        if not b["drawn"] or b["width"] < 4 or b["height"] < 4
    ]
    assert not blank, (
        f"{entry}: header buttons without a visible icon: {blank}"
    )


# --------------------------------------------------------------------------------------
# figures and code cells at desktop width (1280 px)
# --------------------------------------------------------------------------------------

# Output images that are not matplotlib figures (no vaecourse-figure stamp in the PNG),
# by page and the start of their alt text, with the reason.
NOT_MATPLOTLIB = {
    (
        "chapters/04_conv_vae",
        "Diagram of the encoder",
    ): "a graphviz drawing of the model (keras.utils.plot_model)",
    (
        "chapters/04_conv_vae",
        "Diagram of the decoder",
    ): "a graphviz drawing of the model (keras.utils.plot_model)",
}
NUMBERED = set(numbered_entries())


def number_prefix(entry: str) -> str:
    """``"7."`` for chapter 7, whose figures are Fig. 7.k; ``""`` for an appendix page,
    which Sphinx does not number (its figures are Fig. k)."""
    if entry not in NUMBERED:
        return ""
    return f"{int(CHAPTER_RE.match(entry).group(1))}."


# Every table of the page's content against its column (the article's text width): its
# width, and the box that scrolls it sideways when it is wider (a cell output, or the
# theme's scrollable container of a markdown table).
TABLES_JS = """
const TABLES = () => {
    const article = document.querySelector('article.bd-article');
    const column = article.getBoundingClientRect();
    const style = getComputedStyle(article);
    const left = column.left + parseFloat(style.paddingLeft);
    const right = column.right - parseFloat(style.paddingRight);
    return [...article.querySelectorAll('table')].map(t => {
        let box = t.parentElement;
        while (box !== article && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
            box = box.parentElement;
        }
        const r = t.getBoundingClientRect(), b = box.getBoundingClientRect();
        return {head: t.textContent.replace(/\\s+/g, ' ').trim().slice(0, 50),
                width: Math.round(r.width), column: Math.round(right - left),
                fits: r.left >= left - 1 && r.right <= right + 1,
                scrolls: box !== article && b.left >= left - 1 && b.right <= right + 1};
    });
};
"""

FIGURES_JS = (
    TABLES_JS
    + """
// Figures: images of cell outputs, not the frames of a JS animation (vaecourse.jsanimation)
const outputs = [...document.querySelectorAll('div.cell_output img')]
    .filter(img => !img.closest('.animation')
                   && !(img.getAttribute('src') || '').startsWith('data:'));
return {
    figures: outputs.map(img => {
        const link = img.closest('a');
        const figure = img.closest('figure');
        const caption = figure && figure.querySelector('figcaption');
        return {
            src: img.currentSrc || img.src, alt: img.alt || '',
            natural: img.naturalWidth, shown: img.clientWidth,
            visible: img.getClientRects().length > 0,
            href: link ? link.href : null,
            focusable: !!link && link.tabIndex >= 0 && link.hasAttribute('href'),
            caption: caption ? caption.textContent.replace(/\\s+/g, ' ').trim() : null,
        };
    }),
    wide: [...document.querySelectorAll('div.cell_input pre, div.cell_output pre')]
        .filter(p => p.scrollWidth > p.clientWidth + 1)
        .map(p => ({kind: p.closest('div.cell_input') ? 'input' : 'output',
                    overflow: p.scrollWidth - p.clientWidth,
                    line: p.textContent.split('\\n')
                        .reduce((a, b) => b.length > a.length ? b : a, '').slice(0, 90)})),
    tables: TABLES(),
    width: window.innerWidth,
};
"""
)


def desktop_state(browser, site_url, built_site, entry) -> dict:
    """Figures, code blocks and tables of a page at 1280 px."""
    state = page_state(browser, FIGURES_JS, site_url, built_site, entry)
    assert state["width"] >= 1200, (
        f"the desktop window is {state['width']} px"
    )
    return state


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_code_cells_fit_their_box_at_1280px(
    entry, built_site, site_url, browser
):
    wide = desktop_state(browser, site_url, built_site, entry)["wide"]
    assert not wide, (
        f"{entry}: {len(wide)} code cells scroll sideways at 1280 px "
        "(keep lines within 78 characters):\n"
        + "\n".join(
            f"  {w['kind']} +{w['overflow']} px: {w['line']!r}" for w in wide
        )
    )


@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_tables_fit_the_column_at_1280px(
    entry, built_site, site_url, browser
):
    """No column of a table is hidden past the text column's edge at 1280 px."""
    tables = desktop_state(browser, site_url, built_site, entry)["tables"]
    wide = [t for t in tables if not t["fits"]]
    assert not wide, (
        f"{entry}: tables wider than the {wide[0]['column']} px column at 1280 px (fewer "
        "or shorter columns, or transpose them):\n"
        + "\n".join(f"  {t['width']} px: {t['head']!r}" for t in wide)
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_figures_are_shown_at_three_quarters_of_their_size_or_more(
    entry, built_site, site_url, browser
):
    figures = desktop_state(browser, site_url, built_site, entry)["figures"]
    small = [
        f"{f['src'].rsplit('/', 1)[-1][:12]}… ({f['alt'][:40]!r}): "
        f"{f['shown']} of {f['natural']} px"
        for f in figures
        if f["visible"] and f["natural"] and f["shown"] < 0.75 * f["natural"]
    ]
    assert not small, (
        f"{entry}: figures shown at less than 75 % of their width at 1280 px "
        "(draw them at most 9 in wide):\n  " + "\n  ".join(small)
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_figures_have_numbered_captions(entry, built_site, site_url, browser):
    figures = desktop_state(browser, site_url, built_site, entry)["figures"]
    prefix = number_prefix(entry)
    bad = [
        f"{f['alt'][:50]!r}: caption {f['caption']!r}"
        for f in figures
        if not re.match(
            rf"Fig\. {re.escape(prefix)}\d+\s*[^\s.\d]", f["caption"] or ""
        )
    ]
    assert not bad, (
        f"{entry}: output figures without a caption 'Fig. {prefix}k …' (give the "
        "cell myst-nb figure metadata):\n  " + "\n  ".join(bad)
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_figures_open_at_full_size(entry, built_site, site_url, browser):
    """Every output figure is a link to its image file, reachable with the keyboard."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    figures = desktop_state(browser, site_url, built_site, entry)["figures"]
    if not figures:
        pytest.skip(f"{entry} shows no figure")
    unlinked = [
        f["alt"][:50]
        for f in figures
        if not f["href"]
        or not f["focusable"]
        or urlsplit(f["href"]).path != urlsplit(f["src"]).path
    ]
    assert not unlinked, (
        f"{entry}: output figures that do not open their image on click: {unlinked}"
    )
    # Over file:// too, with the keyboard: focus the first figure's link, press Enter.
    browser.get(page_path(built_site, entry).resolve().as_uri())
    link = browser.find_element(By.CSS_SELECTOR, "div.cell_output a img")
    link = link.find_element(By.XPATH, "./ancestor::a[1]")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();",
        link,
    )
    assert browser.execute_script(
        "return document.activeElement === arguments[0]", link
    ), f"{entry}: the figure link cannot take the keyboard focus"
    link.send_keys(Keys.ENTER)
    deadline = time.time() + 10
    while not browser.current_url.endswith(".png"):
        assert time.time() < deadline, (
            f"{entry}: Enter on a figure did not open its image "
            f"(at {browser.current_url})"
        )
        time.sleep(0.1)
    assert browser.current_url.startswith("file://")
    natural = browser.execute_script(
        "const i = document.images[0]; return i && i.complete ? i.naturalWidth : 0"
    )
    assert natural == figures[0]["natural"], (
        f"{entry}: the opened image is {natural} px wide, the figure "
        f"{figures[0]['natural']} px"
    )


class _OutputImages(html.parser.HTMLParser):
    """The ``<img>`` of a page's cell outputs (``div.cell_output``): (src, alt).

    Not the frames of a JS animation (``div.animation``, vaecourse.jsanimation): its
    ``<img>`` gets ``data:`` PNGs from a script."""

    def __init__(self):
        super().__init__()
        self.stack: list[set[str]] = []  # the classes of each open <div>
        self.images: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.stack.append(set((attrs.get("class") or "").split()))
            return
        classes = set().union(*self.stack)
        src = attrs.get("src") or ""
        if (
            tag == "img"
            and "cell_output" in classes
            and "animation" not in classes
            and not src.startswith("data:")
        ):
            self.images.append((src, attrs.get("alt") or ""))

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            self.stack.pop()


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_output_figures_carry_the_course_figure_check(entry, built_site):
    """The PNG of every output figure was made by ``vaecourse.plotting.figure_png``:
    at most 900 px wide, no text under 12 px (read from its ``vaecourse-figure`` chunk)."""
    import json

    from PIL import Image

    from vaecourse.plotting import MAX_WIDTH_PX, MIN_FONT_PX, PNG_KEY

    page = page_path(built_site, entry)
    parser = _OutputImages()
    parser.feed(page.read_text(errors="replace"))
    problems = []
    for src, alt in parser.images:
        path = (page.parent / unquote(src.split("?")[0])).resolve()
        name = f"{path.name[:12]}… ({alt[:50]!r})"
        if any(
            entry == where and alt.startswith(start)
            for where, start in NOT_MATPLOTLIB
        ):
            continue
        if path.suffix.lower() != ".png":
            problems.append(f"{name}: not a PNG")
            continue
        with Image.open(path) as image:
            width, stamp = image.width, image.text.get(PNG_KEY)
        if stamp is None:
            problems.append(
                f"{name}: no {PNG_KEY} chunk (not drawn with the course style: "
                "import vaecourse.plotting in the chapter's set-up cell)"
            )
            continue
        check = json.loads(stamp)
        if width > MAX_WIDTH_PX or check["width_px"] > MAX_WIDTH_PX:
            problems.append(f"{name}: {width} px wide (> {MAX_WIDTH_PX})")
        smallest = check.get("min_font_px")
        if smallest is not None and smallest < MIN_FONT_PX:
            problems.append(
                f"{name}: text of {smallest} px (< {MIN_FONT_PX} px)"
            )
    assert not problems, (
        f"{entry}: output figures that break the figure style:\n  "
        + "\n  ".join(problems)
    )


# --------------------------------------------------------------------------------------
# numbering: chapter titles and exercises
# --------------------------------------------------------------------------------------

CHAPTER_PAGES = [e for e in PAGES if CHAPTER_RE.match(e)]
EXERCISE_LABEL_RE = re.compile(
    r"\{exercise-start\}[^\n]*\n:label:\s*(exercise-[\w-]+)"
)


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_chapter_title_is_numbered_by_sphinx(
    entry, built_site, site_url, browser
):
    open_page(browser, site_url, built_site, entry)
    title = browser.execute_script(
        """
        const h = document.querySelector('article h1');
        if (!h) return null;
        const c = h.cloneNode(true);
        c.querySelectorAll('.headerlink').forEach(e => e.remove());
        const number = c.querySelector('.section-number');
        const text = c.textContent.replace(/\\s+/g, ' ').trim();
        if (number) number.remove();
        return {text: text, number: number ? number.textContent.trim() : null,
                rest: c.textContent.replace(/\\s+/g, ' ').trim()};
        """
    )
    prefix = number_prefix(entry) or None  # an appendix title has no number
    assert title, f"{entry} has no title"
    assert title["number"] == prefix, (
        f"{entry}: Sphinx numbers the title {title['text']!r} as "
        f"{title['number']!r}, not {prefix!r} (_toc.yml numbered, book order)"
    )
    assert not re.match(r"\d+\.", title["rest"]), (
        f"{entry}: the title {title['text']!r} is numbered twice: drop the "
        "number from the heading in the source"
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_exercises_are_numbered_by_chapter(
    entry, built_site, site_url, browser
):
    from vaecourse.exercises import exercise_label

    labels = EXERCISE_LABEL_RE.findall(markdown_text(entry))
    open_page(browser, site_url, built_site, entry)
    state = browser.execute_script(
        """
        const clean = e => { if (!e) return null; const c = e.cloneNode(true);
            c.querySelectorAll('.headerlink').forEach(x => x.remove());
            return c.textContent.replace(/\\s+/g, ' ').trim(); };
        const article = document.querySelector('article');
        return {
            exercises: [...article.querySelectorAll('div.exercise')].map(d => ({
                id: d.id, title: clean(d.querySelector('.admonition-title'))})),
            headings: [...article.querySelectorAll('h2, h3, h4, h5, h6')].map(clean)
                .filter(t => /^Exercise\\b/i.test(t)),
        };
        """
    )
    assert not state["headings"], (
        f"{entry}: exercises written as headings, not sphinx-exercise directives: "
        f"{state['headings']}"
    )
    expected = [
        exercise_label(page_id(entry), k) for k in range(1, len(labels) + 1)
    ]
    assert labels == expected, (
        f"{entry}: the exercises are labelled {labels}, not {expected}"
    )
    titles = [e["title"] or "" for e in state["exercises"]]
    assert len(titles) == len(labels), (
        f"{entry}: {len(labels)} exercise labels in the source, "
        f"{len(titles)} exercises on the page: {titles}"
    )
    prefix = number_prefix(entry)
    for k, (exercise, label) in enumerate(
        zip(state["exercises"], labels), start=1
    ):
        assert re.match(
            rf"Exercise {re.escape(prefix)}{k}\b(?!\.)",
            exercise["title"] or "",
        ), (
            f"{entry}: exercise {k} is titled {exercise['title']!r}, "
            f"not 'Exercise {prefix}{k} …'"
        )
        assert exercise["id"] == label, (
            f"{entry}: Exercise {prefix}{k} has the id {exercise['id']!r}, not "
            f"its label {label!r}"
        )


PAGE_EXERCISE_RE = re.compile(
    r'<div class="exercise admonition"[^>]*>\s*<p class="admonition-title">'
    r'<span class="caption-number">Exercise ([\d.]+) </span>'
)
# The line vaecourse.check prints under each stub: the build leaves every stub unfilled.
CHECKER_LINE_RE = re.compile(r"Exercise ([\d.]+) is not done yet")
FIGURE_NUMBER_RE = re.compile(
    r'<figcaption>\s*<p><span class="caption-number">Fig\. ([\d.]+) </span>'
)


def chapter_map_numbers(entry: str) -> list[str]:
    """The exercise numbers the README's chapter map lists for a page."""
    row = next(
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("| [") and f"({entry}.py)" in line
    )
    return re.findall(r"([\d.]+) `solutions/", row)


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_one_numbering_on_the_page_in_the_checker_and_the_chapter_map(
    entry, built_site
):
    """An exercise has one number wherever a learner meets it: its box on the page
    (Sphinx), the checker's line under its stub, and the README's chapter map; and the
    page's figures follow the same scheme (Fig. 3.k in chapter 3, Fig. k in the appendix)."""
    from vaecourse.exercises import exercises

    stem = page_id(entry)
    page = page_path(built_site, entry).read_text()
    on_page = PAGE_EXERCISE_RE.findall(page)
    checker = [
        e.number for _, e in sorted(exercises().items()) if e.page == stem
    ]
    assert on_page == checker, (
        f"{entry}: the page numbers its exercises {on_page}; "
        f"vaecourse.check says {checker}"
    )
    printed = CHECKER_LINE_RE.findall(page)
    assert printed == checker, (
        f"{entry}: the checker printed {printed} under the stubs"
    )
    assert chapter_map_numbers(entry) == checker, (
        f"README.md's chapter map lists {chapter_map_numbers(entry)} for {stem}, the "
        f"checker {checker}: run `python -m tools.chapter_map --write`"
    )
    prefix = number_prefix(entry)
    assert all(re.fullmatch(rf"{re.escape(prefix)}\d+", n) for n in checker)
    figures = FIGURE_NUMBER_RE.findall(page)
    assert figures == [f"{prefix}{k}" for k in range(1, len(figures) + 1)], (
        f"{entry}: figures numbered {figures}, not {prefix}1, {prefix}2, …"
    )


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if tag == "a" and name == "href" and value:
                self.hrefs.append(value)


def test_links_to_exercises_figures_and_equations_resolve(built_site):
    """A link to ``page.html#exercise-6-1`` (or a figure, an equation) lands on it."""
    pages = {}
    for entry in PAGES:
        path = built_site / f"{entry}.html"
        if path.exists():
            parser = _Ids()
            parser.feed(path.read_text(errors="replace"))
            pages[path.resolve()] = parser
    broken, checked = [], 0
    for path, parser in pages.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            fragment = unquote(parts.fragment)
            if not re.match(
                r"(exercise|solution|fig|eq|equation)-", fragment
            ):
                continue
            target = (
                (path.parent / unquote(parts.path)).resolve()
                if parts.path
                else path
            )
            checked += 1
            if target not in pages or fragment not in pages[target].ids:
                broken.append(
                    f"{path.relative_to(built_site.resolve())} -> {href}"
                )
    assert not broken, "links to missing anchors:\n" + "\n".join(
        sorted(set(broken))
    )


@pytest.mark.parametrize("entry", NOTEBOOK_PAGES, ids=page_id)
def test_exercise_anchors_resolve(entry, built_site):
    labels = EXERCISE_LABEL_RE.findall(markdown_text(entry))
    parser = _Ids()
    parser.feed(page_path(built_site, entry).read_text(errors="replace"))
    missing = [lab for lab in labels if lab not in parser.ids]
    assert not missing, (
        f"{entry}: #{', #'.join(missing)} lead nowhere on the page"
    )


# --------------------------------------------------------------------------------------
# search snippets
# --------------------------------------------------------------------------------------

SNIPPET_WORDS = ["latent", "decoder", "posterior", "encoder"]
RAW_SNIPPET_RE = re.compile(
    r"\\\(|\\\)|\\\[|\\frac|\\begin|\$\$|[\u2500-\u257f]"
)


SEARCH_STATE_JS = """
const s = document.querySelector('#search-results .search-summary');
const items = [...document.querySelectorAll('#search-results li')];
return {done: !!s && !/Preparing|Searching/i.test(s.textContent),
        results: items.length,
        items: items.map(li => {
            const a = li.querySelector('a'), p = li.querySelector('p.context');
            return {url: a ? a.href : '', snippet: p ? p.textContent : null,
                    marked: p ? [...p.querySelectorAll('.highlighted')]
                                  .map(m => m.textContent) : []};
        })};
"""


def search_results(browser, url: str) -> dict:
    """The search page at ``url`` once its results and their snippets have settled."""
    browser.get(url)
    deadline = time.time() + 40
    state, previous, since = None, None, time.time()
    while time.time() < deadline:
        state = browser.execute_script(SEARCH_STATE_JS)
        snippets = [i for i in state["items"] if i["snippet"] is not None]
        if state != previous:
            previous, since = state, time.time()
        elif (
            state["done"]
            and state["results"]
            and (len(snippets) == state["results"] or time.time() - since > 3)
        ):
            break
        time.sleep(0.2)
    state["snippets"] = [i["snippet"] for i in state["items"] if i["snippet"]]
    return state


@pytest.mark.parametrize("word", SNIPPET_WORDS)
def test_search_snippets_show_prose_not_latex_or_outputs(
    word, built_site, site_url, browser
):
    state = search_results(browser, f"{site_url}/search.html?q={quote(word)}")
    assert state and state["results"] >= 3, (
        f"searching for {word!r} found {state and state['results']} pages"
    )
    assert len(state["snippets"]) >= state["results"] // 2, (
        f"searching for {word!r}: {len(state['snippets'])} snippets for "
        f"{state['results']} results"
    )
    raw = [s for s in state["snippets"] if RAW_SNIPPET_RE.search(s)]
    assert not raw, (
        f"searching for {word!r}: snippets with LaTeX or output text:\n"
        + "\n".join(f"  {s[:200]!r}" for s in raw)
    )


def _entry_of(url: str, site: str) -> str:
    path = unquote(urlsplit(url).path)
    root = unquote(urlsplit(site).path).rstrip("/")
    return path[len(root) :].lstrip("/").removesuffix(".html")


def page_words(site_root: Path, entry: str) -> str:
    """The text of a built page (tags dropped), to tell a whole word from part of one."""
    text = page_path(site_root, entry).read_text(errors="replace")
    return re.sub(r"<[^>]+>", " ", text)


def check_snippets(
    state: dict, word: str, site: str, site_root: Path
) -> None:
    """Every result has a snippet that starts at a word and marks the word searched for
    (when the page's prose has it)."""
    assert state["results"] >= 3, (
        f"searching for {word!r} found {state['results']} pages"
    )
    problems = []
    for item in state["items"]:
        entry = _entry_of(item["url"], site)
        snippet = item["snippet"]
        if snippet is None:
            problems.append(f"{entry}: no snippet")
            continue
        body = re.sub(r"^(…|\.\.\.)\s*", "", snippet)
        first = re.match(r"[A-Za-z]+", body)
        prose = markdown_text(entry) if entry in PAGES else ""
        if (
            body
            != snippet  # cut from the page's text: it must start at a word
            and first
            and not re.search(
                rf"(?<![A-Za-z]){first.group(0)}(?![A-Za-z])",
                page_words(site_root, entry),
                re.IGNORECASE,
            )
        ):
            problems.append(
                f"{entry}: the snippet starts mid-word: {snippet[:60]!r}"
            )
        if re.search(rf"\b{word}", prose, re.IGNORECASE) and not any(
            m.lower().startswith(word[:5]) for m in item["marked"]
        ):
            problems.append(
                f"{entry}: the snippet does not show {word!r}: {snippet[:120]!r}"
            )
    assert not problems, f"searching for {word!r}:\n  " + "\n  ".join(
        problems
    )


@pytest.mark.parametrize("word", SNIPPET_WORDS)
def test_search_snippets_start_at_a_word_and_show_it(
    word, built_site, site_url, browser
):
    url = f"{site_url}/search.html?q={quote(word)}"
    check_snippets(search_results(browser, url), word, site_url, built_site)


def test_search_snippets_over_file_urls(built_site, browser):
    """A reader who opens the downloaded book from disk gets snippets too (Sphinx's own
    fetch the page, which fails over file://)."""
    page = (built_site / "search.html").resolve().as_uri()
    word = SNIPPET_WORDS[0]
    state = search_results(browser, f"{page}?q={quote(word)}")
    check_snippets(state, word, built_site.resolve().as_uri(), built_site)
