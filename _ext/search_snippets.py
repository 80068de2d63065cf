"""A local Sphinx extension: search-result snippets from the prose, at a word, over file://.

Sphinx 7.4's search page (``_static/searchtools.js``) shows under each result a snippet:
it fetches the result's page and cuts 240 characters of its text, starting 120 characters
before the first word found. On these pages that text often started in raw LaTeX, in a
cell's output or in the theme's print-only table of contents; the cut fell mid-word; and
over ``file://`` (a reader who opened the downloaded book from disk) the fetch fails and
no snippet is shown.

This extension writes, when the build is done, the prose of every page into
``_static/search_text.js`` (loaded by the search page only): the text of the page without
cell outputs, code blocks or display maths, an inline formula written as "…", and where
each section starts. Sphinx's own snippets are turned off (``html_show_search_summary``)
and ``assets/search_snippets.js`` writes one under each result from that text: from the
start of the sentence or word before the first place a searched word (or its stem) begins
a word, the searched words marked. No fetch, so it works over ``file://`` too.

The search index itself is unchanged: words of outputs and maths are still found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

SCRIPT = "search_snippets.js"
TEXT_SCRIPT = "search_text.js"
ASSETS = Path(__file__).parent / "assets"
# Not prose: cell outputs and code, display maths, raw HTML (the explorers), comments.
_SKIPPED = (
    nodes.literal_block,
    nodes.math_block,
    nodes.raw,
    nodes.comment,
    nodes.system_message,
    nodes.substitution_definition,
    addnodes.toctree,
)


def _skipped(node: nodes.Node) -> bool:
    if isinstance(node, _SKIPPED):
        return True
    return isinstance(node, nodes.Element) and "cell_output" in node.get(
        "classes", []
    )


def page_text(doctree: nodes.Node) -> dict:
    """The prose of a page: ``{"text": str, "sections": [[id, offset], ...]}``."""
    parts: list[str] = []
    sections: list[list] = []
    length = 0

    def add(text: str) -> None:
        nonlocal length
        parts.append(text)
        length += len(text)

    def walk(node: nodes.Node) -> None:
        nonlocal length
        if _skipped(node):
            return
        if isinstance(node, nodes.Text):
            add(re.sub(r"\s+", " ", node.astext()))
            return
        if isinstance(node, nodes.math):
            add("…")
            return
        if isinstance(node, nodes.section) and node.get("ids"):
            sections.append([node["ids"][0], length])
        for child in node.children:
            walk(child)
        if isinstance(node, nodes.title):
            # A heading reads as a sentence of its own in the snippet.
            if not re.search(r"[.:?!]\s*$", "".join(parts[-3:])):
                add(".")
            add(" ")
        elif not isinstance(node, (nodes.Inline, nodes.Text)):
            add(" ")

    walk(doctree)
    text = "".join(parts)
    # Collapse runs of spaces, moving the section offsets with the text.
    out, mapping, previous_space = [], [], True
    for ch in text:
        mapping.append(len(out))
        if ch == " ":
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        out.append(ch)
    mapping.append(len(out))
    return {
        "text": "".join(out).strip(),
        "sections": [[i, mapping[min(o, len(text))]] for i, o in sections],
    }


def write_page_texts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    env = app.builder.env
    pages = {}
    for docname in sorted(env.found_docs):
        doctree = env.get_and_resolve_doctree(docname, app.builder)
        pages[docname] = page_text(doctree)
    payload = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    # "</" would end an inline script; the file is loaded by src, but stay safe.
    payload = payload.replace("</", "<\\/")
    target = Path(app.outdir, "_static", TEXT_SCRIPT)
    target.write_text(
        "// The prose of every page, for the search page's snippets "
        "(_ext/search_snippets.py).\n"
        f"window.VAECOURSE_SEARCH_TEXT = {payload};\n",
        encoding="utf-8",
    )


def configure(app, config):
    # The script lives beside this module, not in the book's _static/ (Jupyter Book adds
    # every .js of _static/ to every page, before searchtools.js).
    if str(ASSETS) not in map(str, config.html_static_path):
        config.html_static_path.append(str(ASSETS))
    # Sphinx's snippets fetch each result's page (nothing over file://): ours replace them.
    config.html_show_search_summary = False


def add_scripts_to_search_page(app, pagename, templatename, context, doctree):
    if pagename == "search" and app.builder.format == "html":
        # deferred: they run after searchtools.js, before the search starts
        app.add_js_file(TEXT_SCRIPT, defer="defer")
        app.add_js_file(SCRIPT, defer="defer")


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", add_scripts_to_search_page)
    app.connect("build-finished", write_page_texts)
    return {
        "version": "2.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
