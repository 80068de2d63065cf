"""Tables as the chapters show them: a pandas DataFrame styled for the page.

Apart from :mod:`vaecourse.plotting`, whose import sets the course's figure style.
"""

from __future__ import annotations

#: Padded cells, numbers right-aligned under right-aligned headers, row names on one
#: line at the left.
TABLE_STYLE = [
    {"selector": "th, td", "props": "padding: 0.25em 0.6em"},
    {"selector": "td, th.col_heading", "props": "text-align: right"},
    {
        "selector": "th.row_heading",
        "props": "text-align: left; white-space: nowrap",
    },
]


def styled(frame, fmt=None):
    """``frame.style`` with the course's :data:`TABLE_STYLE`, its numbers formatted by
    ``fmt`` (a format string, a callable, or a dict of them by column, as
    ``Styler.format`` takes; None: pandas' default)."""
    style = frame.style.set_table_styles(TABLE_STYLE)
    return style if fmt is None else style.format(fmt)
