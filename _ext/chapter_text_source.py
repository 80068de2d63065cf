"""The book reads each page with code from its text source: a chapter's
``chapters/NN_name.py``, an appendix page's ``appendix/name.py``.

The notebook beside it (``chapters/NN_name.ipynb``) is the learner's rendering (plain
Jupyter, no MyST: ``tools/learner_notebook.py``), so the book must not read it:
``_config.yml`` excludes ``chapters/*.ipynb`` and ``appendix/*.ipynb`` and maps ``.py`` to
:func:`reads` through MyST-NB's ``nb_custom_formats``. The launch buttons still open the
``.ipynb`` (the theme prefers a notebook of the same name), and the page's download button
offers it too: the notebook a reader downloads is the one Binder and Colab open.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def reads(text: str, **_):
    """A chapter notebook from its ``py:percent`` text, with the Python 3 kernel (which
    the theme's launch buttons and MyST-NB's execution look for)."""
    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _learner_notebook(srcdir, pagename: str) -> Path | None:
    """The learner's notebook of a page read from a text source (``pagename.py``)."""
    notebook = Path(srcdir) / f"{pagename}.ipynb"
    text_source = notebook.with_suffix(".py")
    if text_source.is_file() and notebook.is_file():
        return notebook
    return None


def offer_learner_notebook(app, pagename, templatename, context, doctree):
    """The download button's ``.ipynb``: the learner's notebook beside the source."""
    if _learner_notebook(app.srcdir, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def copy_learner_notebooks(app, exception):
    """Every page's learner notebook into ``_sources``, at every build (a cached build
    writes no page, but ``make notebooks`` may have rendered the notebooks anew)."""
    if exception or app.builder.format != "html":
        return
    for pagename in app.env.found_docs:
        notebook = _learner_notebook(app.srcdir, pagename)
        if notebook:
            target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)


def setup(app):
    # before the theme's header buttons (priority 501), which read ipynb_source
    app.connect("html-page-context", offer_learner_notebook, priority=500)
    app.connect("build-finished", copy_learner_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
