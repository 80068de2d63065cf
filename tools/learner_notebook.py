"""The chapter as a learner opens it: plain Jupyter, rendered from the book's MyST source.

The book reads ``chapters/NN_name.py`` (or an appendix page's ``appendix/name.py``) with its
MyST (glued numbers, cross-references, glossary terms, citations, exercise and solution
directives). JupyterLab and Colab show none of that markup as intended (Colab runs no
extensions), so the notebook a learner opens, ``chapters/NN_name.ipynb``, is rendered from
the same text with every piece of MyST turned into what plain Markdown can say:

* ``{glue:text}`` names become the numbers the book's reader build computed (MyST-NB's
  ``_build/jupyter_execute/chapters/NN_name.glue.json``), but for timings (names ending
  in ``_this_run``), which point at the cell's output;
* ``{numref}``, ``{eq}`` and ``{ref}`` become "Fig. 3.2", "(2.9)", "Exercise 6.1" or the
  section's title; ``(label)=`` lines go; labelled display equations carry ``\\tag{2.9}``;
* ``{term}`` links to the term on the published site's glossary; ``{cite:p}``/``{cite:t}``
  become "(Kingma and Welling, 2014)" / "Kingma and Welling (2014)";
* an exercise becomes a heading "Exercise 6.1: title"; its solution dropdown a line that
  says where the solution file is and how to load it; an answer dropdown a ``<details>``;
* a figure's caption, which the book takes from the cell's metadata, follows the cell;
* the cells the book hides (checks, glued values) are collapsed (``jupyter.source_hidden``
  and Colab's form view), and checks or glue calls that end a visible cell move into a
  collapsed cell after it, so the lesson's code reads without them.

:func:`book_index` numbers figures, equations and exercises the way Sphinx numbers them on
the site (a test compares the two on the built pages).
"""

from __future__ import annotations

import ast
import functools
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat
import yaml

from vaecourse.paths import ROOT

from .book import chapter_sources, docname, numbered_entries

CONFIG = ROOT / "_config.yml"
GLOSSARY = ROOT / "appendix" / "glossary.md"
BIBLIOGRAPHY = ROOT / "references.bib"

# A MyST role: {name}`content`
ROLE = re.compile(r"\{(?P<name>[a-z]+(?::[a-z]+)?)\}`(?P<content>[^`]*)`")
# A MyST target line: (label)=
TARGET = re.compile(r"^\((?P<label>[\w-]+)\)=\s*$")
# The closing line of a labelled display equation: $$ (label)
EQUATION_LABEL = re.compile(
    r"^(?P<indent>\s*)\$\$\s*\((?P<label>[\w-]+)\)\s*$"
)
# A fenced directive's opening line: ```{name} argument  (three or more backticks)
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$"
)
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*$")
# A glued value named ..._this_run is measured by the machine that runs the chapter
# (a timing): the learner's notebook points at the cell's output instead of quoting
# the maintainer's build.
THIS_RUN = "_this_run"
MEASURED_HERE = (
    "the number printed above (a timing: it depends on the machine)"
)
# Code cells whose code the book hides; a learner sees them collapsed.
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}


def _read_config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def repository_url() -> str:
    """The course's repository (``_config.yml``, ``repository.url``)."""
    return _read_config()["repository"]["url"].rstrip("/")


def site_url() -> str:
    """Where the built book is published: GitHub Pages of :func:`repository_url`."""
    owner, name = repository_url().split("/")[-2:]
    return f"https://{owner}.github.io/{name}/"


def tex_macros() -> dict[str, str]:
    """The book's MathJax macros (``\\KL``), which Jupyter's MathJax does not know."""
    config = _read_config()["sphinx"]["config"]
    return config.get("mathjax3_config", {}).get("tex", {}).get("macros", {})


@dataclass
class Target:
    kind: str  # "figure", "equation", "exercise" or "section"
    text: str  # what a reference to it says: "Fig. 3.2", "(2.9)", "Exercise 6.1", a title
    docname: str  # the page that holds it: "chapters/03_dense_vae"


@dataclass
class BookIndex:
    targets: dict[str, Target] = field(default_factory=dict)
    chapter_numbers: dict[str, int | None] = field(default_factory=dict)

    def add(self, label: str, target: Target) -> None:
        if label in self.targets:
            raise ValueError(
                f"the label {label!r} is defined twice: in {self.targets[label].docname} "
                f"and {target.docname}"
            )
        self.targets[label] = target


def _read_source(source: Path) -> nbformat.NotebookNode:
    import jupytext

    return jupytext.read(source, fmt="py:percent")


def _directive_blocks(lines: list[str]):
    """Yield (start, end, name, arg, options, body) for each fenced directive, outermost
    first; ``end`` is the index of the closing fence."""
    i = 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence = match["fence"]
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        if j == len(lines):
            raise ValueError(
                f"unclosed directive {{{match['name']}}}: {lines[i]!r}"
            )
        body = lines[i + 1 : j]
        options = {}
        while body and OPTION.match(body[0].strip()):
            option = OPTION.match(body[0].strip())
            options[option["key"]] = option["value"]
            body = body[1:]
        yield i, j, match["name"], match["arg"].strip(), options, body
        i = j + 1


def book_index() -> BookIndex:
    """Every label of the chapters and what a reference to it says, as Sphinx numbers
    them: figures, labelled equations and exercises count from 1 on each page, prefixed
    with the chapter's number on a numbered page (Fig. 3.2), not on an appendix page."""
    return _book_index(tuple(chapter_sources()))


@functools.cache
def _book_index(sources: tuple[Path, ...]) -> BookIndex:
    numbered = numbered_entries()
    index = BookIndex()
    for source in sources:
        page = docname(source)
        number = numbered.index(page) + 1 if page in numbered else None
        index.chapter_numbers[page] = number
        prefix = f"{number}." if number is not None else ""
        figures = equations = exercises = 0
        pending_section = []
        for cell in _read_source(source).cells:
            if cell.cell_type == "code":
                figure = cell.metadata.get("mystnb", {}).get("figure", {})
                if "name" in figure:
                    figures += 1
                    index.add(
                        figure["name"],
                        Target("figure", f"Fig. {prefix}{figures}", page),
                    )
                continue
            lines = cell.source.splitlines()
            for line in lines:
                target = TARGET.match(line)
                if target:
                    pending_section.append(target["label"])
                    continue
                heading = HEADING.match(line)
                if heading and pending_section:
                    for label in pending_section:
                        index.add(
                            label,
                            Target("section", heading["title"], page),
                        )
                    pending_section = []
                equation = EQUATION_LABEL.match(line)
                if equation:
                    equations += 1
                    index.add(
                        equation["label"],
                        Target("equation", f"({prefix}{equations})", page),
                    )
            for _, _, name, _, options, _ in _directive_blocks(lines):
                if name == "exercise-start":
                    exercises += 1
                    index.add(
                        options["label"],
                        Target(
                            "exercise",
                            f"Exercise {prefix}{exercises}",
                            page,
                        ),
                    )
        if pending_section:
            raise ValueError(
                f"{source}: a target without a heading: {pending_section}"
            )
    return index


@functools.cache
def glossary_terms() -> dict[str, str]:
    """Each glossary term (lower case) and its anchor on the glossary page."""
    from sphinx.util.nodes import _make_id

    text = GLOSSARY.read_text()
    block = re.search(r"```\{glossary\}.*?\n(.*?)\n```", text, re.S)
    if block is None:
        raise ValueError(f"{GLOSSARY}: no {{glossary}} block")
    terms = {}
    for line in block[1].splitlines():
        if line and not line[0].isspace() and not line.startswith(":"):
            terms[line.strip().lower()] = _make_id(f"term-{line.strip()}")
    return terms


@functools.cache
def _bibliography() -> dict[str, tuple[str, str]]:
    """Each citation key and its (authors as cited, year)."""
    from pybtex.database import parse_file

    entries = {}
    for key, entry in parse_file(str(BIBLIOGRAPHY)).entries.items():
        people = (
            entry.persons.get("author") or entry.persons.get("editor") or []
        )
        last = [
            " ".join(p.last_names).replace("{", "").replace("}", "")
            for p in people
        ]
        if len(last) >= 3:
            authors = f"{last[0]} et al."
        else:
            authors = " and ".join(last)
        entries[key] = (authors, entry.fields.get("year", "n.d."))
    return entries


def _citation(kind: str, keys: str) -> str:
    bib = _bibliography()
    cited = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in bib:
            raise KeyError(f"no entry {key!r} in {BIBLIOGRAPHY.name}")
        cited.append(bib[key])
    if kind == "cite:t":
        return "; ".join(f"{authors} ({year})" for authors, year in cited)
    return (
        "(" + "; ".join(f"{authors}, {year}" for authors, year in cited) + ")"
    )


def format_glued(text: str, spec: str) -> str:
    """A glued value's text as the book prints it (MyST-NB's ``format_plain_text``)."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if spec == "":
        return str(value)
    if spec[-1] == "s":
        value = str(value)
    elif spec[-1] in "bcdoxX":
        value = int(value)
    elif spec[-1] in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


def _title_and_text(content: str) -> tuple[str | None, str]:
    """``text <target>`` → (text, target); ``target`` → (None, target)."""
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content)
    if match:
        return match[1], match[2]
    return None, content


@dataclass
class Renderer:
    """Turns one chapter's MyST Markdown into plain Markdown."""

    docname: str
    index: BookIndex
    glued: dict[str, str]

    def link_to_page(self, docname: str) -> str:
        """A link from this notebook to ``docname``: that page's learner notebook, relative
        to this one (``03_dense_vae.ipynb``, ``../appendix/papers.ipynb``), or a page of
        the published site."""
        if docname in self.index.chapter_numbers:
            here = PurePosixPath(self.docname).parent
            return f"{posixpath.relpath(docname, here)}.ipynb"
        return f"{site_url()}{docname}.html"

    def role(self, match: re.Match) -> str:
        name, content = match["name"], match["content"]
        if name == "glue:text":
            key, _, spec = content.partition(":")
            if key.endswith(THIS_RUN):
                return MEASURED_HERE
            if key not in self.glued:
                raise KeyError(
                    f"{self.docname}: no glued value {key!r}. Build the book "
                    "(`make book`), then run `make notebooks`."
                )
            return format_glued(self.glued[key], spec)
        if name in ("numref", "eq", "ref"):
            text, label = _title_and_text(content)
            if label not in self.index.targets:
                raise KeyError(
                    f"{self.docname}: {{{name}}} to an unknown label {label!r}"
                )
            target = self.index.targets[label]
            if text is None:
                text = target.text
            elif "%s" in text:
                text = text.replace("%s", target.text.removeprefix("Fig. "))
            if target.docname != self.docname and target.kind != "equation":
                return f"[{text}]({self.link_to_page(target.docname)})"
            return text
        if name == "term":
            text, term = _title_and_text(content)
            anchor = glossary_terms().get(term.lower())
            if anchor is None:
                raise KeyError(
                    f"{self.docname}: {{term}} {term!r} is not in the glossary"
                )
            return f"[{text or term}]({site_url()}appendix/glossary.html#{anchor})"
        if name in ("cite:p", "cite:t"):
            return _citation(name, content)
        raise ValueError(
            f"{self.docname}: no plain rendering of the role {{{name}}}"
        )

    def math(self, line: str) -> str:
        for macro, expansion in tex_macros().items():
            line = re.sub(
                rf"\\{macro}(?![A-Za-z])",
                expansion.replace("\\", "\\\\"),
                line,
            )
        return line

    def markdown(self, text: str) -> str:
        lines = text.splitlines()
        out: list[str] = []
        blocks = {block[0]: block for block in _directive_blocks(lines)}
        i = 0
        in_math = False
        while i < len(lines):
            if i in blocks:
                _, end, name, arg, options, body = blocks[i]
                out.extend(self.directive(name, arg, options, body))
                i = end + 1
                continue
            line = lines[i]
            i += 1
            if TARGET.match(line):
                continue
            equation = EQUATION_LABEL.match(line)
            if equation:
                number = self.index.targets[equation["label"]].text.strip(
                    "()"
                )
                out.append(f"{equation['indent']}\\tag{{{number}}}")
                out.append(f"{equation['indent']}$$")
                in_math = False
                continue
            if line.strip() == "$$":
                in_math = not in_math
            if "$" in line or in_math:
                line = self.math(line)
            heading = HEADING.match(line)
            if heading and len(heading["hashes"]) == 1:
                number = self.index.chapter_numbers.get(self.docname)
                if number is not None:
                    line = f"# {number}. {heading['title']}"
            out.append(ROLE.sub(self.role, line))
        return "\n".join(out)

    def directive(self, name, arg, options, body) -> list[str]:
        if name == "exercise-start":
            number = self.index.targets[options["label"]].text
            return [f"### {number}: {ROLE.sub(self.role, arg)}"]
        if name in ("exercise-end", "solution-end"):
            return []
        if name == "solution-start":
            return []
        if name == "literalinclude":
            path = arg
            shown = path.removeprefix("../")
            return [
                (
                    f"*Stuck?* The reference solution is in [`{shown}`]({path}). "
                    f"To see it here, run `%load {path}` in a new cell. If you "
                    "leave the stub unfilled, the chapter says so and carries on "
                    "with the solution."
                )
            ]
        if name == "admonition":
            inner = self.markdown("\n".join(body))
            if "dropdown" in options.get("class", ""):
                return [
                    f"<details><summary>{arg}</summary>",
                    "",
                    inner,
                    "",
                    "</details>",
                ]
            return [f"**{arg}.**", "", inner]
        raise ValueError(
            f"{self.docname}: no plain rendering of the directive {{{name}}}"
        )


def _is_check_or_glue(statement: ast.stmt) -> bool:
    """An ``assert``, a ``vaecourse.glue(...)`` call, or a loop or ``if`` made only of
    them: the chapter's own tests and the numbers it hands to the book's prose, not the
    lesson."""
    if isinstance(statement, ast.Assert):
        return True
    if isinstance(statement, ast.Expr) and isinstance(
        statement.value, ast.Call
    ):
        function = statement.value.func
        return isinstance(function, ast.Attribute) and function.attr == "glue"
    if isinstance(statement, (ast.If, ast.For)):
        inner = statement.body + statement.orelse
        return all(_is_check_or_glue(s) for s in inner)
    return False


def split_checks(source: str) -> tuple[str, str]:
    """``source`` as (lesson, checks): the asserts and glue calls that end the cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, ""  # IPython syntax (!, %): left alone
    body = tree.body
    k = len(body)
    while k > 0 and _is_check_or_glue(body[k - 1]):
        k -= 1
    if k == len(body) or k == 0:
        return source, ""
    lines = source.splitlines()
    cut = body[k].lineno - 1
    # comments just above the first check belong to the checks
    while cut > 0 and lines[cut - 1].lstrip().startswith("#"):
        cut -= 1
    return "\n".join(lines[:cut]).rstrip(), "\n".join(lines[cut:])


COLLAPSED_TITLE = (
    "# @title Checks and numbers for the text (the chapter's own tests)"
)


def collapsed(
    source: str, title: str = COLLAPSED_TITLE
) -> nbformat.NotebookNode:
    """A code cell that JupyterLab and Colab show collapsed (Colab: as a form, by title)."""
    return nbformat.v4.new_code_cell(
        f"{title}\n{source}",
        metadata={"jupyter": {"source_hidden": True}, "cellView": "form"},
    )


def learner_cells(
    source: Path, glued: dict[str, str]
) -> list[nbformat.NotebookNode]:
    """The cells of the learner's notebook of ``source`` (without the Colab cell)."""
    index = book_index()
    renderer = Renderer(docname(source), index, glued)
    cells = []
    for cell in _read_source(source).cells:
        if cell.cell_type == "markdown":
            text = renderer.markdown(cell.source).strip("\n")
            cells.append(
                nbformat.v4.new_markdown_cell(re.sub(r"\n{3,}", "\n\n", text))
            )
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        tags = set(cell.metadata.get("tags", []))
        keep = {"tags": sorted(tags)} if tags - HIDDEN_TAGS else {}
        if tags & HIDDEN_TAGS:
            hidden = collapsed(cell.source)
            hidden.metadata.update(keep)
            cells.append(hidden)
        else:
            lesson, checks = split_checks(cell.source)
            cells.append(nbformat.v4.new_code_cell(lesson, metadata=keep))
            if checks:
                cells.append(collapsed(checks))
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if "caption" in figure:
            label = (
                index.targets[figure["name"]].text
                if "name" in figure
                else "Figure"
            )
            caption = renderer.markdown(figure["caption"])
            cells.append(
                nbformat.v4.new_markdown_cell(f"**{label}.** {caption}")
            )
    return cells


def glued_in_executed(notebook: Path) -> dict[str, str]:
    """The values an executed chapter glued (their ``text/plain``), by name: MyST-NB
    writes them beside the executed notebook, ``NN_name.glue.json``, when there are any."""
    path = notebook.with_suffix(".glue.json")
    if not path.exists():
        if notebook.exists():  # executed, and glued nothing
            return {}
        raise FileNotFoundError(
            f"{path} is missing: build the book (`make book`)"
        )
    return {
        name: output["data"]["text/plain"]
        for name, output in json.loads(path.read_text()).items()
        if "text/plain" in output.get("data", {})
    }


MYST_LEFTOVERS = re.compile(
    r"\{[a-z]+(?::[a-z]+)?\}`"  # a role
    r"|^[ \t]*(?:`{3,}|:{3,})\{[\w:-]+\}"  # a directive
    r"|^[ \t]*:[a-z-]+:[ \t]"  # a directive's option
    r"|^[ \t]*\([\w-]+\)=[ \t]*$"  # a target
    r"|^[ \t]*\$\$[ \t]*\([\w-]+\)",  # an equation label
    re.M,
)


def myst_leftovers(nb: nbformat.NotebookNode) -> list[str]:
    """MyST syntax a learner would see as raw text in ``nb``'s Markdown cells."""
    return [
        match.group(0)
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for match in MYST_LEFTOVERS.finditer(cell.source)
    ]
