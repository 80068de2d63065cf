"""Accessibility of the built site: axe-core on every page, in the light and the dark theme.

Every page of the table of contents (``_toc.yml``, so new chapters are covered as they land)
and the search page (with results shown) is opened in headless Chromium at 1280 px, in the
light theme and in the dark one (pydata-sphinx-theme's switch, as a reader who chose it:
``localStorage`` ``mode``/``theme`` set before the page loads). axe-core is then injected
from ``node_modules/axe-core/axe.min.js`` (``make axe-packages`` installs the version that
``package-lock.json`` pins; nothing is fetched from a CDN) and run with the WCAG 2.1 A and AA
rules. A violation of impact "serious" or "critical" fails the test; the message names the
rule, a few of the elements (CSS selectors), whether they are in cell outputs or in the page
itself, and what axe says to change. ANSI-coloured output text, which no page may show
today, is checked on a sample of every colour put into a real page.

Where to fix what it finds: the theme's and the site's colours in
``_static/accessibility.css``, names and roles that the theme's markup gets wrong in
``_static/accessibility.js`` (Jupyter Book adds every ``_static/*.css`` and ``*.js`` to every
page); what a chapter's code prints or displays (tables, widgets, coloured text in outputs)
in the chapter itself. ``IGNORED_RULES`` lists the rules switched off, each with its reason.
``test_the_checker_reports_a_bad_page`` runs the same checker on a deliberately bad page, so
these tests cannot pass by checking nothing.

``VAECOURSE_SITE`` (see ``tests/conftest.py``) points these tests at a site built elsewhere;
pages of ``_toc.yml`` that such a site lacks are then skipped instead of failing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tools.book import toc_entries
from vaecourse.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA (axe's tags for them).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
THEMES = ("light", "dark")

# Rules switched off, {rule: reason}. Keep this list short and honest: a rule is off only
# when what it reports is not a barrier for readers or cannot be changed by this project;
# "color-contrast" is never switched off as a whole. None is needed with axe-core 4.14.1:
# what the theme got wrong is fixed in _static/accessibility.{css,js}.
IGNORED_RULES: dict[str, str] = {}

# Pages checked: the table of contents, plus the search page with results on it.
SEARCH_PAGE = "search"
SEARCH_QUERY = "latent"
PAGES = toc_entries() + [SEARCH_PAGE]

# What to do, by rule, added to axe's own "Fix any of the following" text.
ADVICE = {
    "color-contrast": (
        "raise the contrast of the text against its background to at least 4.5:1 "
        "(3:1 for large text): theme and site colours in _static/accessibility.css; "
        "colours a chapter's code chooses (table styles, coloured output) in the chapter"
    ),
    "label": "give the form control an accessible name (<label for=...> or aria-label)",
    "aria-input-field-name": "give the ARIA input an accessible name (aria-label)",
    "image-alt": "give the image alt text that says what it shows",
    "scrollable-region-focusable": (
        "a region that scrolls must be reachable by keyboard (tabindex=0) or not scroll"
    ),
    "link-name": "give the link text or an aria-label",
    "button-name": "give the button text or an aria-label",
}


def _load_conftest():
    """tests/conftest.py's make_driver (a second ``conftest`` module name would clash)."""
    spec = importlib.util.spec_from_file_location(
        "vaecourse_tests_conftest", Path(__file__).with_name("conftest.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def axe_source() -> str:
    if not AXE.exists():
        raise FileNotFoundError(
            f"{AXE.relative_to(ROOT)} is missing: the accessibility tests inject axe-core "
            "from it. Install it with `make js-packages` (`make test` does: npm ci, the "
            "version package-lock.json pins)."
        )
    return AXE.read_text()


@pytest.fixture(scope="module")
def axe_browser():
    """Chromium at 1280 px for this module only: it changes the theme in localStorage."""
    axe_source()  # fail first, with the install command, if axe-core is missing
    driver = _load_conftest().make_driver(1280, 1000)
    driver.set_script_timeout(180)
    yield driver
    driver.quit()


def page_url(site_url: str, site: Path, entry: str) -> str:
    if not (site / f"{entry}.html").exists():
        if os.environ.get("VAECOURSE_SITE"):
            pytest.skip(f"{entry}.html is not in the VAECOURSE_SITE build")
        raise AssertionError(
            f"{entry} should be in the built site but it has no {entry}.html"
        )
    url = f"{site_url}/{quote(entry)}.html"
    if entry == SEARCH_PAGE:
        url += f"?q={quote(SEARCH_QUERY)}"
    return url


def _wait(driver, condition: str, what: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while not driver.execute_script(f"return !!({condition})"):
        assert time.time() < deadline, what
        time.sleep(0.1)


def open_in_theme(driver, url: str, theme: str) -> None:
    """Load ``url`` in ``theme`` (the theme switch's localStorage keys), settled: loaded,
    MathJax typeset, lazy images in, search results shown."""
    driver.get(url)
    _wait(driver, "document.readyState === 'complete'", f"{url} did not load")
    current = driver.execute_script(
        "return document.documentElement.dataset.theme"
    )
    if current != theme:
        driver.execute_script(
            "localStorage.setItem('mode', arguments[0]);"
            "localStorage.setItem('theme', arguments[0]);",
            theme,
        )
        driver.get(url)
        _wait(
            driver,
            "document.readyState === 'complete'",
            f"{url} did not load",
        )
    assert (
        driver.execute_script("return document.documentElement.dataset.theme")
        == theme
    ), f"{url}: the page did not switch to the {theme} theme"
    driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const mj = window.MathJax;
        if (mj && mj.startup && mj.startup.promise) {
            mj.startup.promise.then(() => done(true), () => done(false));
        } else { done(null); }
        """
    )
    driver.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; }"
    )
    _wait(
        driver,
        "[...document.images].every(i => i.complete)",
        f"{url}: images still loading after 30 s",
    )
    if "search.html" in url:
        _wait(
            driver,
            "(s => s && !/Preparing|Searching/i.test(s.textContent))"
            "(document.querySelector('#search-results .search-summary'))",
            f"{url}: no search results after 30 s",
        )
    # Two frames, so the styles of the theme are painted before colours are measured.
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
    )


def run_axe(
    driver, context: str | None = None, only_rules=None
) -> list[dict]:
    """Inject axe-core into the open page and run the WCAG 2.1 A/AA rules on it (or on the
    elements that the CSS selector ``context`` matches; or only the rules ``only_rules``).

    Returns every violation as {id, impact, help, helpUrl, nodes: [{target, summary}]}.
    """
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    run_only = (
        {"type": "rule", "values": list(only_rules)}
        if only_rules
        else {"type": "tag", "values": WCAG_TAGS}
    )
    result = driver.execute_async_script(
        """
        const [context, runOnly, ignored, done] = arguments;
        const rules = {};
        for (const id of ignored) rules[id] = {enabled: false};
        axe.run(context || document,
                {runOnly, rules, resultTypes: ['violations'], elementRef: true})
          .then(r => done(JSON.stringify(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(n => ({target: n.target.map(String),
                                        impact: n.impact,
                                        output: !!(n.element && n.element.closest(
                                            '.cell_output, .output')),
                                        summary: n.failureSummary || ''})),
          })))))
          .catch(e => done(JSON.stringify({error: String(e)})));
        """,
        context,
        run_only,
        sorted(IGNORED_RULES),
    )
    violations = json.loads(result)
    assert not isinstance(violations, dict), f"axe failed: {violations}"
    return violations


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], examples: int = 3) -> str:
    """One paragraph per rule: rule, impact, how many elements, a few selectors, what to do."""
    lines = []
    for v in sorted(
        violations, key=lambda v: (v["impact"] != "critical", v["id"])
    ):
        nodes = v["nodes"]
        lines.append(
            f"- {v['id']} ({v['impact']}), {len(nodes)} element(s): {v['help']}"
        )
        for node in nodes[:examples]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    at {' '.join(node['target'])}")
            if summary:
                lines.append(f"       {summary[:400]}")
        if len(nodes) > examples:
            lines.append(f"    ... and {len(nodes) - examples} more")
        if v["id"] in ADVICE:
            lines.append(f"    what to do: {ADVICE[v['id']]}")
        in_outputs = sum(1 for n in nodes if n.get("output"))
        if in_outputs:
            lines.append(
                f"    {in_outputs} of them in cell outputs: change what the chapter's "
                "code displays (chapters/NN_name.py or the vaecourse helper it calls)"
            )
        if in_outputs < len(nodes):
            lines.append(
                f"    {len(nodes) - in_outputs} of them in the page itself (theme, "
                "Sphinx, prose): _static/accessibility.css or _static/accessibility.js"
            )
        lines.append(f"    see {v['helpUrl']}")
    return "\n".join(lines)


def page_id(entry: str) -> str:
    return entry.rsplit("/", 1)[-1]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("entry", PAGES, ids=page_id)
def test_page_has_no_serious_accessibility_violations(
    entry, theme, built_site, site_url, axe_browser
):
    open_in_theme(axe_browser, page_url(site_url, built_site, entry), theme)
    bad = failing(run_axe(axe_browser))
    assert not bad, (
        f"{entry} ({theme} theme): axe-core finds {len(bad)} serious/critical WCAG 2.1 "
        f"A/AA violation(s):\n{describe(bad)}"
    )


#: The pages with live explorers (tests/test_explorers.py checks which).
EXPLORER_PAGES = [
    "chapters/01_autoencoders",
    "chapters/03_dense_vae",
    "chapters/05_generation",
    "chapters/06_latent_interpolation",
    "chapters/09_conditional_vae",
    "chapters/10_vq_vae",
]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("entry", EXPLORER_PAGES, ids=page_id)
def test_started_explorers_have_no_serious_accessibility_violations(
    entry, theme, built_site, site_url, axe_browser
):
    """The test above sees the explorers before Start (their controls
    disabled); here they run, their controls enabled and drawn."""
    open_in_theme(axe_browser, page_url(site_url, built_site, entry), theme)
    axe_browser.execute_script(
        "document.querySelectorAll('.vae-explorer .vx-start')"
        ".forEach(b => b.click())"
    )
    _wait(
        axe_browser,
        "window.VaeExplorer && window.VaeExplorer.instances.length === "
        "document.querySelectorAll('.vae-explorer').length",
        f"{entry}: the explorers did not start",
    )
    bad = failing(run_axe(axe_browser, ".vae-explorer"))
    assert not bad, (
        f"{entry} ({theme} theme), explorers started: {len(bad)} serious/"
        f"critical WCAG 2.1 A/AA violation(s):\n{describe(bad)}"
    )


# Coloured text in cell outputs: myst-nb turns ANSI escape codes (Keras's progress bars,
# warnings) into spans with these classes. No page may have each of them today, so a sample
# of every colour, bold, on every background colour, is put into output blocks of a real page
# (so with the site's CSS) and its contrast checked in both themes.
ANSI_COLOURS = (
    "Black",
    "Red",
    "Green",
    "Yellow",
    "Blue",
    "Magenta",
    "Cyan",
    "White",
)
OUTPUT_KINDS = ("stream", "stderr", "traceback", "text_plain")


def ansi_sample_html() -> str:
    spans = []
    for fg in (None, *ANSI_COLOURS):
        for bold in (False, True):
            for bg in (None, *ANSI_COLOURS):
                parts = [p for p in ("Bold" if bold else None, fg) if p]
                parts += [f"BG{bg}"] if bg else []
                if not parts:
                    continue
                token = "-Color-" + "-".join(parts)
                classes = ["-Color"] + [
                    "-Color-" + "-".join(parts[: i + 1])
                    for i in range(len(parts))
                ]
                spans.append(
                    f'<span class="{" ".join(classes)}">{token}</span>'
                )
    lines = "\n".join(
        " ".join(spans[i : i + 4]) for i in range(0, len(spans), 4)
    )
    return "".join(
        f'<div class="cell_output docutils container">'
        f'<div class="output {kind} highlight-myst-ansi notranslate">'
        f'<div class="highlight"><pre><span></span>{lines}\n</pre></div></div></div>'
        for kind in OUTPUT_KINDS
    )


@pytest.mark.parametrize("theme", THEMES)
def test_coloured_output_text_is_readable(
    theme, built_site, site_url, axe_browser
):
    entry = PAGES[0]
    open_in_theme(axe_browser, page_url(site_url, built_site, entry), theme)
    count = axe_browser.execute_script(
        """
        const sample = document.createElement('div');
        sample.id = 'vaecourse-ansi-sample';
        sample.innerHTML = arguments[0];
        (document.querySelector('article') || document.body).appendChild(sample);
        return sample.querySelectorAll('span.-Color').length;
        """,
        ansi_sample_html(),
    )
    assert count > 4 * 8 * 9
    red, plain = axe_browser.execute_script(
        "const s = document.querySelector('#vaecourse-ansi-sample pre');"
        "return [getComputedStyle(s.querySelector('.-Color-Red')).color,"
        " getComputedStyle(s).color]"
    )
    assert red != plain, (
        "ANSI colours are not styled: has myst-nb renamed its classes?"
    )
    bad = failing(
        run_axe(
            axe_browser,
            context="#vaecourse-ansi-sample",
            only_rules=["color-contrast"],
        )
    )
    assert not bad, (
        f"ANSI-coloured output text ({theme} theme) is too faint; set its colours in "
        f"_static/accessibility.css:\n{describe(bad, examples=8)}"
    )


BAD_PAGE = """<!doctype html>
<html lang="en"><head><title>A deliberately bad page</title></head>
<body><main>
  <h1>Bad page</h1>
  <p style="color: #bbbbbb; background: #ffffff">Faint grey text on white.</p>
  <input type="text" id="unnamed">
</main></body></html>
"""


def test_the_checker_reports_a_bad_page(tmp_path, axe_browser):
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE)
    axe_browser.get(page.as_uri())
    _wait(axe_browser, "document.readyState === 'complete'", "bad.html")
    bad = failing(run_axe(axe_browser))
    found = {v["id"]: v for v in bad}
    assert {"color-contrast", "label"} <= set(found), describe(bad)
    message = describe(bad)
    assert "#unnamed" in message and "Expected contrast ratio" in message
    assert "what to do" in message


def test_no_rule_is_ignored_without_a_reason():
    for rule, reason in IGNORED_RULES.items():
        assert rule != "color-contrast", (
            "color-contrast may not be ignored wholesale"
        )
        assert len(reason.split()) >= 8, f"{rule}: say why it is ignored"
