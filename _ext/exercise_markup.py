"""A local Sphinx extension that mends two details of sphinx-exercise's HTML.

* A solution shown as a dropdown (``:class: dropdown``) is opened by a click on its title
  (sphinx-togglebutton makes the whole title clickable). sphinx-exercise writes that title
  as "Solution to" followed by a link to the exercise, which covers most of the title: a
  click there followed the link (the page jumped to the exercise) and left the solution
  closed, and togglebutton's handler failed on it. The title becomes plain text, "Solution
  to Exercise 3.1 (The decoder)"; the exercise is the box just above.
* Every exercise and solution holds a ``<section id="exercise-content">`` (or
  ``solution-content``): with several on a page, the ids repeat, which HTML forbids (and a
  link to either lands on the first). These sections lose the id; nothing links to them.
"""

from __future__ import annotations

from docutils import nodes

_CONTENT_IDS = ({"exercise-content"}, {"solution-content"})


def _is_solution(node) -> bool:
    return type(node).__name__ == "solution_node"


def mend_exercises(app, doctree, docname):
    for solution in doctree.findall(_is_solution):
        if "dropdown" not in solution.get("classes", []):
            continue
        title = next(iter(solution.findall(nodes.title)), None)
        if title is None:
            continue
        for reference in list(title.findall(nodes.reference)):
            reference.replace_self(reference.children)
    for section in doctree.findall(nodes.section):
        if set(section["ids"]) in _CONTENT_IDS:
            section["ids"] = []


def setup(app):
    app.connect("doctree-resolved", mend_exercises)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
