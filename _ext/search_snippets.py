"""A local Sphinx extension: search-result snippets from the prose, not maths or outputs.

Sphinx 7.4's search page (``_static/searchtools.js``) shows under each result a snippet cut
from the page's text: it fetches the page, drops ``.headerlink``, ``script`` and ``style``
elements (``Search.htmlToText``) and takes the ``textContent`` of ``[role=main]`` around
the first word found. On these pages that text often starts in raw LaTeX (``\\(z = \\mu +
…``), in a cell's output (a model summary's box drawing) or in the theme's print-only table
of contents. ``search_snippets.js`` (served from ``_static``, on the search page only)
wraps ``Search.htmlToText`` so that it also drops cell outputs, display maths and the
theme's navigation, and writes each inline formula as "…".

The search index itself is unchanged: words of outputs and maths are still found.
"""

from __future__ import annotations

from pathlib import Path

SCRIPT = "search_snippets.js"
ASSETS = Path(__file__).parent / "assets"


def add_static_path(app, config):
    # The script lives beside this module, not in the book's _static/ (Jupyter Book adds
    # every .js of _static/ to every page, before searchtools.js).
    if str(ASSETS) not in map(str, config.html_static_path):
        config.html_static_path.append(str(ASSETS))


def add_script_to_search_page(app, pagename, templatename, context, doctree):
    if pagename == "search" and app.builder.format == "html":
        # deferred: it runs after searchtools.js, before the search starts
        app.add_js_file(SCRIPT, defer="defer")


def setup(app):
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_script_to_search_page)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
