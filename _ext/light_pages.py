"""A local Sphinx extension that keeps every page light: what a reader's browser downloads.

Two things the theme and Sphinx load on every page are mostly unused here:

* **Font Awesome.** pydata-sphinx-theme ships ``_static/scripts/fontawesome.js``, 1.5 MB
  holding every free icon (about 2,000), to draw the 20-odd icons of the header, the
  sidebars and a few outputs. When the build is done, this extension rewrites the file in
  the output with only the icons the built pages can show: every ``fa-<name>`` written in
  a built page or in one of the site's scripts (an icon is kept under all its names and in
  every set, solid/regular/brands, that has it). The rest of the script (the code that
  turns ``<i class="fa-solid fa-bars">`` into an ``<svg>``) and its licence comment are
  kept as they are. An icon a page asks for that the subset lacks would be a console
  error ("Icon with name ... is missing"), which ``tests/test_site.py`` catches.
* **MathJax.** Sphinx loads MathJax on a page that has maths, or whose toctree includes a
  page that has maths (for single-page builds): the book's front page, which has none,
  paid 1.2 MB of MathJax for it. Here MathJax (and its configuration script) is dropped
  from every page whose own content has no maths.

The subset is made from the theme's own copy of the file each build, so an icon that a
new page starts using is picked up by the next build.

* **Font Awesome's web fonts.** The theme's style sheet also draws every ``<i
  class="fa-…">`` with Font Awesome's web fonts until the script has replaced it by an
  ``<svg>``: that first layout made every page download fa-brands (115 kB) and fa-solid
  (153 kB) for glyphs never shown. ``assets/light-pages.css`` gives those elements no
  glyph. The icons that the style sheets themselves draw (an exercise's pencil, an
  admonition's bell, the theme's arrows: every private-use character in a rule that is
  not one of the ``.fa-<name>:before`` table) come from a subset of the solid font, a few
  kB, written when the build is done (``fa-solid-900-subset.woff``) and declared in
  ``assets/light-pages.css`` after the theme's ``@font-face``, so it is the one used.
* **Search.** pydata-sphinx-theme loads Sphinx's search tools and the whole search index
  (``searchindex.js``, which grows with every page) on every page, for its search-as-you-
  type box; with that option off (the default) only the search page uses them.
  ``templates/layout.html`` leaves them out of every other page.
* **sphinx-design.** Jupyter Book adds its style sheet (55 kB) and tab script to every
  page; here only pages that use one of its components (a ``sd-`` class) keep them.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

FONTAWESOME = Path("_static", "scripts", "fontawesome.js")
# How the bundle declares an icon pack: ``var p={name:[w,h,[aliases],"unicode","path"],…}``
# followed by the call that registers it, ``d("fas",p),d("fa-solid",p)``.
_PACK_START = re.compile(r"var ([A-Za-z_$][\w$]*)=\{")
_ICON_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
_ICON_VALUE = re.compile(r"\[\d+,\d+,\[")
_KEY = re.compile(r'"([^"\\]*)"|([A-Za-z_$][\w$]*)|(\d+)')


def _skip_string(text: str, i: int) -> int:
    """Index just past the JavaScript string literal that starts at ``text[i]``."""
    quote = text[i]
    i += 1
    while text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _skip_value(text: str, i: int) -> int:
    """Index just past the array/string/number literal starting at ``text[i]``."""
    if text[i] in "\"'":
        return _skip_string(text, i)
    if text[i] != "[":
        match = re.compile(r"[^,\]}]*").match(text, i)
        return match.end()
    depth = 0
    while True:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def parse_pack(
    text: str, start: int
) -> tuple[list[tuple[str, str, str]], int]:
    """The icons of the object literal whose ``{`` is at ``text[start]``.

    Returns ``[(name, entry source, value source), …]`` and the index of the closing
    ``}``. Raises ValueError when the literal is not a plain icon table.
    """
    icons = []
    i = start + 1
    while text[i] != "}":
        key = _KEY.match(text, i)
        if not key or text[key.end()] != ":":
            raise ValueError(
                f"not an icon table at {i}: {text[i : i + 40]!r}"
            )
        name = next(g for g in key.groups() if g is not None)
        value_start = key.end() + 1
        if not _ICON_VALUE.match(text, value_start):
            raise ValueError(f"{name!r} is not an icon entry")
        end = _skip_value(text, value_start)
        icons.append((name, text[i:end], text[value_start:end]))
        i = end
        if text[i] == ",":
            i += 1
        elif text[i] != "}":
            raise ValueError(f"unexpected {text[i]!r} after icon {name!r}")
    return icons, i


def icon_names(value: str) -> set[str]:
    """The alias names (strings) of an icon entry ``[w,h,[aliases…],"unicode",path]``."""
    aliases = value[1:].split("[", 1)[1].split("]", 1)[0]
    return set(re.findall(r'"([^"]*)"', aliases))


def icon_packs(text: str):
    """Each icon table of the bundle: ``(start, end, icons)`` (``text[start:end+1]``)."""
    for match in _PACK_START.finditer(text):
        brace = match.end() - 1
        try:
            icons, end = parse_pack(text, brace)
        except (ValueError, IndexError):
            continue
        if icons:
            yield brace, end, icons


def subset_fontawesome(
    text: str, wanted: set[str], licence: str = ""
) -> tuple[str, int, int]:
    """``text`` (the bundle) with only the icons named in ``wanted``.

    Returns the new text, the number of icons kept and the number of icons in the bundle.
    ``licence`` (the bundle's licence comment, kept in a file beside it) is put at the top
    unless the text already holds it. The source map comment is dropped: the map
    describes the full bundle.
    """
    pieces, last, kept, total = [], 0, 0, 0
    for start, end, icons in icon_packs(text):
        keep = [
            entry
            for name, entry, value in icons
            if name in wanted or icon_names(value) & wanted
        ]
        total += len(icons)
        kept += len(keep)
        pieces += [text[last : start + 1], ",".join(keep)]
        last = end
    if not total:
        raise ValueError("no icon tables found in the Font Awesome bundle")
    pieces.append(text[last:])
    out = "".join(pieces)
    out = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", out)
    if licence.strip() and licence.strip() not in out:
        out = licence.strip() + "\n" + out
    return out, kept, total


def icons_used(outdir: Path, exclude: Path) -> set[str]:
    """Every ``fa-<name>`` written in a built page or script (but ``exclude``).

    Stylesheets are not read: the theme's holds a rule for every icon of the webfont, and
    an icon drawn by a stylesheet uses that font, not this script.
    """
    names = set()
    for path in outdir.rglob("*"):
        if path.suffix not in {".html", ".js"} or path == exclude:
            continue
        if "mathjax" in path.relative_to(outdir).parts:
            continue
        names |= set(_ICON_CLASS.findall(path.read_text(errors="replace")))
    return names


def _theme_copy(app) -> Path | None:
    theme = getattr(app.builder, "theme", None)
    for folder in theme.get_theme_dirs() if theme else []:
        candidate = Path(folder, "static", "scripts", "fontawesome.js")
        if candidate.is_file():
            return candidate
    return None


def shrink_fontawesome(app, exception):
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    target = outdir / FONTAWESOME
    if not target.is_file():
        return
    source = _theme_copy(app) or target
    full = source.read_text()
    licence = source.with_name(source.name + ".LICENSE.txt")
    licence = licence.read_text() if licence.is_file() else ""
    wanted = icons_used(outdir, exclude=target)
    try:
        text, kept, total = subset_fontawesome(full, wanted, licence)
    except ValueError as err:
        logger.warning(
            f"light_pages: Font Awesome left whole ({err})",
            type="light_pages",
        )
        return
    target.write_text(text)
    # The map describes the full bundle; browsers only fetch it for developer tools.
    (outdir / FONTAWESOME).with_suffix(".js.map").unlink(missing_ok=True)
    logger.info(
        f"light_pages: fontawesome.js {len(full) / 2**20:.2f} MB -> "
        f"{len(text) / 2**10:.0f} kB ({kept} of {total} icons)"
    )
    sheet = outdir / THEME_CSS
    if sheet.is_file():
        css, dropped = trim_icon_rules(sheet.read_text(), wanted)
        sheet.write_text(css)
        logger.info(
            f"light_pages: {THEME_CSS.name}: {dropped} icon rules dropped"
        )


THEME_CSS = Path("_static", "styles", "pydata-sphinx-theme.css")


def trim_icon_rules(css: str, wanted: set[str]) -> tuple[str, int]:
    """``css`` without the rules of Font Awesome's table (``.fa-<name>:before{content:…}``,
    one per icon: 86 kB of the theme's style sheet) for icons no page uses. Those rules
    draw an icon element with the web font until fontawesome.js replaces it; the icons
    the pages use keep theirs. Returns the new text and the number of rules dropped."""
    dropped = 0

    def keep(match) -> str:
        nonlocal dropped
        selectors = [
            s.strip() for s in match.group(1).split(",") if s.strip()
        ]
        if not selectors or not all(
            _FA_TABLE_SELECTOR.fullmatch(s) for s in selectors
        ):
            return match.group()
        names = {s[4:].split(":", 1)[0] for s in selectors}
        if names & wanted:
            return match.group()
        dropped += 1
        return ""

    return _RULE.sub(keep, css), dropped


def page_has_maths(app, pagename, context, doctree) -> bool:
    domain = app.env.get_domain("math")
    if domain.data.get("has_equations", {}).get(pagename):
        return True
    maths = (nodes.math, nodes.math_block)
    if doctree is not None and any(
        True for _ in doctree.findall(lambda n: isinstance(n, maths))
    ):
        return True
    return 'class="math' in (context.get("body") or "")


def design_only_where_used(app, pagename, templatename, context, doctree):
    """No sphinx-design style sheet or tab script on a page without its components."""
    if app.builder.format != "html" or "sd-" in (context.get("body") or ""):
        return

    def is_design(asset) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        return name.rsplit("/", 1)[-1] in DESIGN_FILES

    for key in ("css_files", "script_files"):
        if key in context:
            context[key][:] = [a for a in context[key] if not is_design(a)]


def mathjax_only_with_maths(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or "script_files" not in context:
        return
    if page_has_maths(app, pagename, context, doctree):
        return
    path = str(app.config.mathjax_path or "")

    def is_mathjax(script) -> bool:
        filename = str(getattr(script, "filename", script) or "")
        body = (getattr(script, "attributes", {}) or {}).get("body") or ""
        # add_js_file files a relative mathjax_path under _static/
        if path and (filename == path or filename == f"_static/{path}"):
            return True
        return body.startswith(("window.MathJax =", "MathJax.Hub.Config("))

    context["script_files"][:] = [
        s for s in context["script_files"] if not is_mathjax(s)
    ]


DESIGN_FILES = {"sphinx-design.min.css", "design-tabs.js"}

# --------------------------------------------------------------------------------------
# Font Awesome's solid web font, cut to the glyphs the style sheets draw
# --------------------------------------------------------------------------------------

SOLID_FONT = Path(
    "_static", "vendor", "fontawesome", "webfonts", "fa-solid-900.ttf"
)
#: Written beside the theme's fonts; assets/light-pages.css declares it.
SOLID_SUBSET = SOLID_FONT.with_name("fa-solid-900-subset.woff")
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_FA_TABLE_SELECTOR = re.compile(r"\.fa-[\w-]+::?(?:before|after)")
_PRIVATE_ESCAPE = re.compile(r"\\([eEfF][0-9a-fA-F]{3})\b")


def _private_use(text: str) -> set[int]:
    """The private-use code points (U+E000 to U+F8FF), literal or CSS-escaped, in ``text``."""
    points = {ord(c) for c in text if 0xE000 <= ord(c) <= 0xF8FF}
    points |= {int(h, 16) for h in _PRIVATE_ESCAPE.findall(text)}
    return points


def glyphs_drawn_by_css(css: str) -> set[int]:
    """Code points of icon glyphs a style sheet draws itself: every private-use character
    in a rule (custom properties included) that is not part of Font Awesome's
    ``.fa-<name>:before`` table (those elements are drawn by fontawesome.js)."""
    points = set()
    for selectors, declarations in _RULE.findall(css):
        selectors = [s.strip() for s in selectors.split(",") if s.strip()]
        if selectors and all(
            _FA_TABLE_SELECTOR.fullmatch(s) for s in selectors
        ):
            continue
        points |= _private_use(declarations)
    return points


def subset_solid_font(app, exception):
    if exception or app.builder.format != "html":
        return
    from fontTools import subset

    outdir = Path(app.outdir)
    source = outdir / SOLID_FONT
    if not source.is_file():
        logger.warning(
            f"light_pages: {SOLID_FONT} is missing; no subset written",
            type="light_pages",
        )
        return
    points = set()
    for sheet in (outdir / "_static").rglob("*.css"):
        if "mathjax" not in sheet.parts:
            points |= glyphs_drawn_by_css(sheet.read_text(errors="replace"))
    options = subset.Options()
    options.flavor = "woff"  # zlib: woff2 would need the brotli module
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    target = outdir / SOLID_SUBSET
    subset.save_font(font, str(target), options)
    logger.info(
        f"light_pages: {SOLID_SUBSET.name}, {len(points)} glyphs, "
        f"{target.stat().st_size / 1e3:.1f} kB"
    )


ASSETS = Path(__file__).parent / "assets"
TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = "light-pages.css"


def add_static_path(app, config):
    # Beside this module, not in the book's _static/ (which Jupyter Book adds page-wide).
    if str(ASSETS) not in map(str, config.html_static_path):
        config.html_static_path.append(str(ASSETS))
    # templates/layout.html: the theme's layout without the search tools (see above).
    if str(TEMPLATES) not in map(str, config.templates_path):
        config.templates_path.append(str(TEMPLATES))


def setup(app):
    app.connect("config-inited", add_static_path)
    app.add_css_file(STYLESHEET)
    # After sphinx.ext.mathjax's own html-page-context handler (priority 500).
    app.connect("html-page-context", mathjax_only_with_maths, priority=600)
    app.connect("html-page-context", design_only_where_used, priority=600)
    app.connect("build-finished", shrink_fontawesome)
    app.connect("build-finished", subset_solid_font)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
