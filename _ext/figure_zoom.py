"""A local Sphinx extension: every image of a notebook cell's output opens at full size,
and no figure is shown so small that its text cannot be read.

A figure that the page shows scaled down (a 900 px figure in a 676 px column, or any
figure on a phone) is wrapped in a link to its image file, as Sphinx's
``html_scaled_image_link`` does for images given a size: a click (or Enter on the focused
link) opens the PNG at its natural size in the browser. It is a plain ``<a href>`` to the
file in ``_images/``, so it needs no script and works from a server or over ``file://``.
The link's name is the image's alt text; ``_static/figure-zoom.css`` shows a zoom cursor
and a focus ring.

On a phone the column is about 343 px wide: a 900 px figure scaled to fit would draw its
12 px text at 4.6 px. Each course figure's PNG records its smallest text
(``vaecourse.plotting.figure_png``), so the image gets a ``min-width`` at which that text
is shown at ``PHONE_MIN_FONT_PX`` (9 px) or more; the link around it scrolls sideways when
the figure is wider than the column (``_static/figure-zoom.css``). On a desktop the
minimum is below the width the page shows the figure at, and nothing changes.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from pathlib import Path
from urllib.parse import quote, unquote

from docutils import nodes
from sphinx.util.osutil import relative_uri

from vaecourse.plotting import PHONE_MIN_FONT_PX, PNG_KEY

ZOOM_CLASS = "vaecourse-zoom"
ZOOM_TITLE = "Open the image at full size"
# The <img> inside a zoom link, as Sphinx writes it: <a class="vaecourse-zoom …"><img … />
_ZOOM_IMG = re.compile(
    r'(<a class="'
    + ZOOM_CLASS
    + r'[^"]*"[^>]*>\s*<img\b)([^>]*?\bsrc="([^"]+)")'
)


def _in_cell_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(
            parent, nodes.container
        ) and "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def link_output_images(app, doctree, docname):
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "imagedir"):
        return
    imgpath = relative_uri(builder.get_target_uri(docname), builder.imagedir)
    for image in list(doctree.findall(nodes.image)):
        if isinstance(image.parent, nodes.reference) or not _in_cell_output(
            image
        ):
            continue
        uri = image.get("candidates", {}).get("*") or image["uri"]
        if uri not in app.env.images:
            continue  # a remote or data: image: nothing of ours to link to
        target = posixpath.join(imgpath, quote(app.env.images[uri][1]))
        link = nodes.reference(
            "",
            "",
            internal=True,
            refuri=target,
            reftitle=ZOOM_TITLE,
            classes=[ZOOM_CLASS],
        )
        image.replace_self(link)
        link.append(image)


def readable_min_width(png: Path) -> int | None:
    """The width in CSS px at which the figure's smallest text is ``PHONE_MIN_FONT_PX``;
    None for an image without the course's figure check (or without text)."""
    from PIL import Image

    with Image.open(png) as image:
        width, stamp = image.width, getattr(image, "text", {}).get(PNG_KEY)
    if stamp is None:
        return None
    smallest = json.loads(stamp).get("min_font_px")
    if not smallest:
        return None
    return min(width, math.ceil(width * PHONE_MIN_FONT_PX / smallest))


def set_readable_min_widths(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or "body" not in context:
        return
    sources = {
        target: Path(app.srcdir, uri)
        for uri, (_, target) in app.env.images.items()
    }

    def add_min_width(match) -> str:
        name = posixpath.basename(unquote(match.group(3)))
        source = sources.get(name)
        if source is None or not source.exists():
            return match.group(0)
        width = readable_min_width(source)
        if width is None:
            return match.group(0)
        return (
            f'{match.group(1)} style="min-width: {width}px"{match.group(2)}'
        )

    context["body"] = _ZOOM_IMG.sub(add_min_width, context["body"])


def setup(app):
    app.connect("doctree-resolved", link_output_images)
    app.connect("html-page-context", set_readable_min_widths)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
