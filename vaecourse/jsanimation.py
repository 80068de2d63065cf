"""A matplotlib animation as HTML for a static page: a slider and buttons, no kernel needed.

``FuncAnimation.to_jshtml()`` embeds every frame as a PNG and adds a small JavaScript player.
Three changes make its output fit the book: no stylesheet fetched from outside the site (the
book's theme already provides the icon font of the buttons), a text alternative for the
frames, and a width that follows narrow screens.
"""

from __future__ import annotations

import re

_EXTERNAL_STYLESHEET = re.compile(
    r'<link rel="stylesheet"\s+href="https?://[^"]*"\s*/?>'
)


def page_html(
    animation, alt: str, fps: int = 4, default_mode: str = "once"
) -> str:
    """The HTML of ``animation`` (a matplotlib ``Animation``) for a static page.

    ``alt`` describes the frames for screen readers. Close the animation's figure afterwards
    (``plt.close(fig)``) so that the notebook does not also show it as a still image.
    """
    if len(alt.split()) < 3:
        raise ValueError(
            f"alt={alt!r}: say in a few words what the frames show."
        )
    html = animation.to_jshtml(fps=fps, default_mode=default_mode)
    html = _EXTERNAL_STYLESHEET.sub("", html)
    alt = alt.replace('"', "&quot;")
    html = html.replace(
        "<img id=",
        f'<img style="max-width: 100%; height: auto" alt="{alt}" id=',
        1,
    )
    return html.replace("width: 374px;", "width: min(374px, 100%);")
