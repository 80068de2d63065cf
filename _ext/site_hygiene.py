"""A local Sphinx extension that keeps the built pages free of console errors.

Jupyter Book 1.x loads sphinx-thebe even with thebe off, and on Sphinx 7.4 the inline
scripts that extensions add at ``env-before-read-docs`` reach each page twice. One of them
declares ``const THEBE_JS_URL``, so the second copy is a SyntaxError in every reader's
console. This extension drops exact duplicate scripts from each page's context, keeping the
first copy in place.
"""

from __future__ import annotations


def _script_key(script):
    # An inline script arrives once with filename None and once with filename "".
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""
    return (str(filename), tuple(sorted(attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        # Jupyter Book adds every .js under _static/ to every page; the live explorers'
        # decoders (_static/explorers/, vaecourse/explorer.py) load only on demand.
        if "explorers/" in key[0]:
            continue
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # Last, after the theme and the other extensions have added their scripts.
    app.connect("html-page-context", dedupe_scripts, priority=1000)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
