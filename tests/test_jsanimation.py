"""vaecourse.jsanimation: the static-page animation fetches nothing and describes its frames."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

from vaecourse.jsanimation import page_html  # noqa: E402


def _animation(frames=3):
    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    (line,) = ax.plot([0, 1], [0, 0])
    animation = FuncAnimation(
        fig, lambda i: line.set_ydata([0, i]), frames=frames
    )
    return fig, animation


def test_page_html_is_self_contained_and_has_alt_text():
    fig, animation = _animation()
    html = page_html(animation, alt="A line that tilts up")
    plt.close(fig)
    assert "http://" not in html and "https://" not in html
    assert html.count("data:image/png;base64") == 3
    assert (
        '<img style="max-width: 100%; height: auto" alt="A line that tilts up" id="_anim_img'
        in html
    )
    assert 'type="range"' in html and "374px;" not in html.replace(
        "min(374px", ""
    )


def test_page_html_wants_a_real_description():
    fig, animation = _animation(1)
    with pytest.raises(ValueError, match="few words"):
        page_html(animation, alt="plot")
    assert 'alt="One frame of a line"' in page_html(
        animation, alt="One frame of a line"
    )
    plt.close(fig)
