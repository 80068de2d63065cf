"""A local Sphinx extension: every image of a notebook cell's output opens at full size.

A figure that the page shows scaled down (a 900 px figure in a 676 px column, or any
figure on a phone) is wrapped in a link to its image file, as Sphinx's
``html_scaled_image_link`` does for images given a size: a click (or Enter on the focused
link) opens the PNG at its natural size in the browser. It is a plain ``<a href>`` to the
file in ``_images/``, so it needs no script and works from a server or over ``file://``.
The link's name is the image's alt text; ``_static/figure-zoom.css`` shows a zoom cursor
and a focus ring.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from docutils import nodes
from sphinx.util.osutil import relative_uri

ZOOM_CLASS = "vaecourse-zoom"
ZOOM_TITLE = "Open the image at full size"


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


def setup(app):
    app.connect("doctree-resolved", link_output_images)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
